import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import type { TokenEndpointResponse, TokenEndpointResponseHelpers } from 'openid-client';
import { MultiOidcStrategy, OidcAuthenticateOptions } from '../oidc/oidc-strategy';
import { OidcSignInService } from './oidc-sign-in.service';
import type { SignInStep } from './sign-in-target';

/**
 * OIDC sign-in as a passport strategy: openid-client's Strategy per IdP and request (see
 * MultiOidcStrategy), hosted by OidcSignInService (configuration, login state, refusals). Its
 * verify step reads who signed in from the validated tokens.
 */
@Injectable()
export class OidcStrategy extends PassportStrategy(MultiOidcStrategy, 'oidc') {
  constructor(private readonly oidc: OidcSignInService) {
    super(oidc);
  }

  async validate(
    req: Request,
    tokens: TokenEndpointResponse & TokenEndpointResponseHelpers,
  ): Promise<SignInStep> {
    return { identity: await this.oidc.identityOf(req, tokens) };
  }

  override authenticate(req: Request, options: OidcAuthenticateOptions = {}): void {
    // The login step's redirect to the provider becomes the step's value (see SignInStep).
    this.redirect = (url: string) => this.success({ redirectTo: url } satisfies SignInStep);
    super.authenticate(req, options);
  }
}
