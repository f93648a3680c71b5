import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import {
  MultiSamlStrategy,
  type MultiStrategyConfig,
  type VerifyWithRequest,
} from '@node-saml/passport-saml';
import type { Request } from 'express';
import { clientAddressKey } from '../common/rate-limit/client-address';
import { AllConfigType } from '../config/configuration';
import { safeReturnTo } from './return-to';
import { SamlSignInService } from './saml-sign-in.service';
import { SignInRefusal } from './sign-in-refusal';
import { signInTargetOf, SignInRequest, SignInStep } from './sign-in-target';

// passport-saml's types carry their own copy of express's.
type SamlRequest = Parameters<MultiSamlStrategy['authenticate']>[0];
type SamlAuthenticateOptions = Parameters<MultiSamlStrategy['authenticate']>[1] & { step?: string };

/**
 * SAML sign-in as a passport strategy: passport-saml's MultiSamlStrategy, with the node-saml
 * options of the request's tenant and IdP (`getSamlOptions`, per request) and the database-backed
 * request cache, so the AuthnRequest id (and the returnTo beside it) is remembered on any instance.
 *
 * The login step and the SP metadata are MultiSamlStrategy's own. The ACS step is not run here:
 * validating a response is seconds of CPU when crafted, so it goes through SamlSignInService.acs
 * (pre-check, request id look-up, then MultiSamlStrategy inside the validation worker, see
 * saml-validator.ts), which keeps the event loop free and the refusal reasons ours.
 */
@Injectable()
export class SamlStrategy extends PassportStrategy(MultiSamlStrategy, 'saml') {
  constructor(
    private readonly saml: SamlSignInService,
    config: ConfigService<AllConfigType, true>,
  ) {
    const publicUrl = config.get('app.publicUrl', { infer: true });
    const options: MultiStrategyConfig = {
      passReqToCallback: true,
      getSamlOptions: (req, done) => {
        const { tenant, idp } = signInTargetOf(req as unknown as SignInRequest);
        const returnTo = safeReturnTo((req.query as Record<string, unknown>).returnTo, publicUrl, '') || null;
        const testSignInId = (req as unknown as SignInRequest).testSignInId ?? null;
        const cache = { reads: {}, tenantId: tenant.id, idpId: idp.id, returnTo, testSignInId };
        // A test sign-in asks the IdP for fresh credentials (ForceAuthn), even over the admin's own
        // session there: the person being tested must prove who they are.
        const forceAuthn = testSignInId !== null;
        done(null, { ...saml.samlOptions(tenant, idp), forceAuthn, cacheProvider: saml.requestCache(cache) });
      },
    };
    // The mixin appends its verify function (the only one passport-saml requires) to these.
    super(...([options] as unknown as [MultiStrategyConfig, VerifyWithRequest]));
  }

  /** Never reached: the ACS does not run MultiSamlStrategy on this thread (see above). */
  validate(): never {
    throw new Error('SAML responses are validated by SamlSignInService.acs');
  }

  override authenticate(req: SamlRequest, options: SamlAuthenticateOptions): void {
    const { tenant, idp } = signInTargetOf(req as unknown as SignInRequest);
    if (options.step === 'acs') {
      const body = (req.body ?? {}) as Record<string, unknown>;
      this.saml.acs(tenant, idp, body, clientAddressKey(req.ip), req as unknown as SignInRequest).then(
        (identity) => this.success({ identity } satisfies SignInStep),
        (error: Error) => this.error(error),
      );
      return;
    }
    // passport-saml validates any SAMLResponse / SAMLRequest it finds in a request, on this thread and
    // past the pre-check: the login address takes none.
    const query = req.query as Record<string, unknown>;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (['SAMLResponse', 'SAMLRequest'].some((name) => name in query || name in body)) {
      this.error(
        SignInRefusal.unauthenticated(
          HttpStatus.BAD_REQUEST,
          'saml_malformed',
          'the sign-in address takes no sign-in response; start the sign-in again',
          'SAML message sent to the login address',
        ),
      );
      return;
    }
    // The login step: MultiSamlStrategy builds the AuthnRequest; its redirect becomes the step's value.
    this.redirect = (url: string) => this.success({ redirectTo: url } satisfies SignInStep);
    this.saml.purgeExpiredRequests().then(
      () => super.authenticate(req, { ...options, samlFallback: 'login-request' }),
      (error: Error) => this.error(error),
    );
  }

  /** Our SP metadata for the request's IdP, from the same per-request options. */
  metadata(req: Request): Promise<string> {
    return new Promise((resolve, reject) =>
      this.generateServiceProviderMetadata(req as unknown as SamlRequest, null, null, (err, xml) =>
        err ? reject(err) : resolve(xml!),
      ),
    );
  }
}
