import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, AuthGuardAuthenticateOptions } from '@nestjs/passport';
import { SignInRefusal } from './sign-in-refusal';
import { SIGN_IN_ROUTE, SignInRequest, SignInRoute, signInTargetOf } from './sign-in-target';

/** A strategy that ends without a user and without an error said nothing about who signed in. */
const noIdentity = () =>
  new SignInRefusal(
    HttpStatus.UNAUTHORIZED,
    'saml_no_profile',
    'the sign-in response did not say who you are',
  );

/**
 * The passport guard of one strategy: the route's metadata says which step (login or callback) the
 * strategy runs, and passport's answer is the guard's (an error, a refusal or ours, thrown as it is).
 */
function stepGuard(strategy: 'saml' | 'oidc') {
  @Injectable()
  class StepGuard extends AuthGuard(strategy) {
    constructor(private readonly reflector: Reflector) {
      super();
    }
    override getAuthenticateOptions(context: ExecutionContext): AuthGuardAuthenticateOptions {
      const route = this.reflector.get<SignInRoute>(SIGN_IN_ROUTE, context.getHandler());
      return { session: false, step: route.step };
    }
    override handleRequest<T>(err: unknown, user: T | false | null): T {
      if (err) throw err;
      if (!user) throw noIdentity();
      return user;
    }
  }
  return StepGuard;
}

@Injectable()
export class SamlAuthGuard extends stepGuard('saml') {}

@Injectable()
export class OidcAuthGuard extends stepGuard('oidc') {}

/**
 * The passport guard of a sign-in step, after SsoTargetGuard: the IdP's protocol picks the
 * strategy. Its outcome (a redirect to the IdP, or who signed in) is `req.user` for the controller.
 */
@Injectable()
export class SignInGuard implements CanActivate {
  constructor(
    private readonly saml: SamlAuthGuard,
    private readonly oidc: OidcAuthGuard,
  ) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const { idp } = signInTargetOf(context.switchToHttp().getRequest<SignInRequest>());
    // AuthGuard's canActivate is async; its interface type is CanActivate's wider one.
    return (idp.type === 'saml' ? this.saml : this.oidc).canActivate(context) as Promise<boolean>;
  }
}
