import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { AllConfigType } from '../config/configuration';
import { SIGN_IN_ROUTE, SignInRequest, SignInRoute } from './sign-in-target';
import { SignInRefusal } from './sign-in-refusal';
import { readSignInTarget, SignInLimits } from './sign-in-target-read';

/**
 * First guard of every sign-in route: counts the attempt against the per-address and per-tenant
 * limits, resolves the tenant and IdP from the route (404 when absent or turned off) and checks the
 * route serves the IdP's protocol. Everything after it (the passport strategies, the controller,
 * the refusal filter) reads the result from `req.signIn`.
 */
@Injectable()
export class SsoTargetGuard implements CanActivate {
  private readonly limits: SignInLimits;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly limiter: RateLimiter,
    private readonly reflector: Reflector,
    config: ConfigService<AllConfigType, true>,
  ) {
    const { windowSeconds, ssoPerAddress, ssoPerTenant } = config.get('app.rateLimit', { infer: true });
    this.limits = {
      perAddress: { name: 'sso-address', limit: ssoPerAddress, windowSeconds },
      perTenant: { name: 'sso-tenant', limit: ssoPerTenant, windowSeconds },
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.reflector.get<SignInRoute>(SIGN_IN_ROUTE, context.getHandler());
    const req = context.switchToHttp().getRequest<SignInRequest>();
    const limited = route.step !== 'metadata';
    const params = req.params as { tenant: string; idp: string };
    const { target, over } = await readSignInTarget(
      this.dataSource,
      this.limiter,
      { tenant: params.tenant, idp: params.idp },
      req.ip,
      limited ? this.limits : null,
    );
    if (!target) {
      if (over) throw tooManyAttempts(over.retryAfterSeconds);
      throw SignInRefusal.unauthenticated(
        HttpStatus.NOT_FOUND,
        'not_found',
        'this sign-in address does not exist or is turned off',
      );
    }
    // From here on a refusal names the workspace and is audited.
    req.signIn = target;
    if (over) throw tooManyAttempts(over.retryAfterSeconds);
    if (route.protocol !== 'any' && route.protocol !== target.idp.type)
      throw SignInRefusal.unauthenticated(
        HttpStatus.NOT_FOUND,
        route.protocol === 'saml' ? 'not_saml' : 'not_oidc',
        route.step === 'metadata'
          ? 'this identity provider does not use SAML'
          : 'this sign-in method does not use this address',
      );
    return true;
  }
}

const tooManyAttempts = (retryAfterSeconds: number) => {
  const refusal = SignInRefusal.unauthenticated(
    HttpStatus.TOO_MANY_REQUESTS,
    'rate_limited',
    `there were too many sign-in attempts; try again in ${retryAfterSeconds} seconds`,
  );
  refusal.retryAfterSeconds = retryAfterSeconds;
  return refusal;
};
