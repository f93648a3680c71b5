import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { CacheItem, CacheProvider, ValidateInResponseTo } from '@node-saml/node-saml';
import { DataSource, LessThan } from 'typeorm';
import { sha256Hex } from '../common/crypto';
import { AllConfigType } from '../config/configuration';
import { insertRows } from '../database/insert';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { type SamlConfig, samlConfigOf } from '../identity-providers/idp-config';
import type { Tenant } from '../tenants/tenant.entity';
import {
  DEFAULT_SAML_LIMITS,
  precheckSamlResponse,
  SamlResponseLimits,
  type SamlStatus,
} from './saml-precheck';
import { SignInRefusal, SignInUnavailable } from './sign-in-refusal';
import {
  addressedAssertionId,
  isFailure,
  samlIdentityOf,
  statusRefusal,
  validationRefusal,
} from './saml-response';
import {
  SamlValidator,
  type ValidatedProfile,
  ValidationResult,
  ValidationTimeout,
  ValidatorAddressBusy,
} from './saml-validator';
import type { SignedInIdentity } from './signed-in-identity';
import { SsoLoginState } from './sso-login-state.entity';
import { restoreLoginState, takeLoginState } from './take-login-state';

const REQUEST_TTL_MS = 10 * 60_000;
const ADDRESS_BUSY_RETRY_SECONDS = 5;

/**
 * The SAML service provider of one tenant's IdP, for SamlStrategy: node-saml's options per IdP, the
 * database-backed request cache (AuthnRequest ids, so InResponseTo works across instances), and the
 * ACS: pre-check, request id look-up, validation in the worker (signature with a signed assertion
 * required, audience, issuer, time with a small skew, InResponseTo), then Status, destination and
 * recipient. Replay (every assertion id is accepted once) is checked in the sign-in's transaction:
 * the identity carries the assertion for it (saml-assertion-use.ts).
 */
@Injectable()
export class SamlSignInService {
  private readonly logger = new Logger('SamlSignIn');
  private readonly publicUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly validator: SamlValidator,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.publicUrl = config.get('app.publicUrl', { infer: true });
  }

  urls(tenant: Tenant, idp: IdentityProvider) {
    const base = `${this.publicUrl}/sso/${tenant.slug}/${idp.slug}`;
    return { acsUrl: `${base}/acs`, spEntityId: `${base}/metadata`, metadataUrl: `${base}/metadata` };
  }

  /** Login requests older than their ten minutes are of no use: cleared as new ones are made. */
  async purgeExpiredRequests(): Promise<void> {
    await this.dataSource.getRepository(SsoLoginState).delete({ expiresAt: LessThan(new Date()) });
  }

  /**
   * `clientAddress` bounds how many validations one client can have waiting (see SamlValidator).
   * `login.testSignInId` is set as soon as the response is matched to a login an admin started as
   * a test, so what follows (a refusal included) ends as that test.
   */
  async acs(
    tenant: Tenant,
    idp: IdentityProvider,
    body: Record<string, unknown>,
    clientAddress: string,
    login: { testSignInId?: string | null } = {},
  ): Promise<SignedInIdentity> {
    const samlResponse = body.SAMLResponse;
    if (typeof samlResponse !== 'string' || samlResponse === '') {
      throw SignInRefusal.unauthenticated(
        HttpStatus.BAD_REQUEST,
        'saml_no_response',
        'the identity provider did not send a sign-in response',
      );
    }
    const cfg = samlConfigOf(idp);
    const scan = this.precheck(samlResponse, responseLimitsOf(cfg));
    const cache: CacheContext = { reads: {}, tenantId: tenant.id, idpId: idp.id, returnTo: null };
    await this.matchRequest(cache, scan.inResponseTo, cfg.allowIdpInitiated === true);
    if (cache.matched?.testSignInId) login.testSignInId = cache.matched.testSignInId;
    const result = await this.validate(tenant, idp, samlResponse, scan.inResponseTo, cache, clientAddress);
    // node-saml consumed the request id (on success and on failure): the one it answers is gone
    // already (taken before validation); any other it names goes too.
    await this.consumeRequests(
      cache,
      result.removed.filter((key) => key !== scan.inResponseTo),
    );
    const profile = validatedProfile(result, scan.status);
    const assertionId = addressedAssertionId(
      scan.destination,
      profile.assertion,
      this.urls(tenant, idp).acsUrl,
    );

    const who = samlIdentityOf(profile, cfg.claimMapping ?? {});
    if (cfg.debug) {
      this.logger.log(
        {
          idp: idp.slug,
          tenant: tenant.slug,
          nameID: profile.nameID,
          attributes: who.attributes,
          groupClaims: idp.groupSync.claims,
        },
        'SAML debug: assertion received',
      );
    }
    return {
      ...who,
      returnTo: this.returnToOf(scan.inResponseTo, cache, body.RelayState),
      // Remembered by the controller in the sign-in's transaction (see saml-assertion-use.ts).
      assertion: { tenantId: tenant.id, idpId: idp.id, assertionId },
    };
  }

  /**
   * The response must answer a sign-in started here (or the IdP may start sign-ins). Request ids are
   * checked before node-saml builds a DOM: an unknown one costs one indexed read.
   */
  private async matchRequest(
    cache: CacheContext,
    inResponseTo: string | null,
    allowIdpInitiated: boolean,
  ): Promise<void> {
    if (inResponseTo !== null ? await this.takeRequest(cache, inResponseTo) : allowIdpInitiated) return;
    throw SignInRefusal.unauthenticated(
      HttpStatus.UNAUTHORIZED,
      'saml_in_response_to',
      'this sign-in response does not answer a sign-in started here; start the sign-in again',
      inResponseTo === null ? 'no InResponseTo' : `unknown InResponseTo ${inResponseTo}`,
    );
  }

  /** node-saml's validation in the worker; a busy address or a timeout is a refusal, not an outage. */
  private async validate(
    tenant: Tenant,
    idp: IdentityProvider,
    samlResponse: string,
    inResponseTo: string | null,
    cache: CacheContext,
    clientAddress: string,
  ): Promise<ValidationResult> {
    const requests: Record<string, string> = {};
    if (inResponseTo !== null && cache.matched) requests[inResponseTo] = cache.matched.nonce;
    try {
      return await this.validator.validate(this.samlOptions(tenant, idp), samlResponse, requests, {
        tenantId: tenant.id,
        address: clientAddress,
      });
    } catch (error) {
      if (error instanceof ValidatorAddressBusy) {
        // The request id stays usable: the same response may be posted again in a moment.
        if (cache.matched) await this.guardedDb(() => restoreLoginState(this.dataSource, cache.matched!));
        const refusal = SignInRefusal.unauthenticated(
          HttpStatus.TOO_MANY_REQUESTS,
          'saml_validation_busy',
          `too many sign-in responses from your address are being checked; try again in ${ADDRESS_BUSY_RETRY_SECONDS} seconds`,
          error.message,
        );
        refusal.retryAfterSeconds = ADDRESS_BUSY_RETRY_SECONDS;
        throw refusal;
      }
      if (!(error instanceof ValidationTimeout)) throw new SignInUnavailable(error);
      throw SignInRefusal.unauthenticated(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'saml_too_complex',
        'the sign-in response is more complex than this identity provider allows; ask your administrator to send fewer groups',
        error.message,
      );
    }
  }

  /** node-saml's settings for one IdP: plain data, so the validation worker can take them. */
  samlOptions(tenant: Tenant, idp: IdentityProvider) {
    const cfg = samlConfigOf(idp);
    const { acsUrl, spEntityId } = this.urls(tenant, idp);
    return {
      callbackUrl: acsUrl,
      entryPoint: cfg.ssoUrl,
      issuer: spEntityId,
      audience: spEntityId,
      idpIssuer: cfg.entityId,
      idpCert: cfg.certificates ?? [],
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: cfg.wantResponseSigned ?? false,
      acceptedClockSkewMs: (cfg.clockSkewSeconds ?? 60) * 1000,
      validateInResponseTo: cfg.allowIdpInitiated
        ? ValidateInResponseTo.ifPresent
        : ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: REQUEST_TTL_MS,
      identifierFormat: null,
      disableRequestedAuthnContext: true,
      signatureAlgorithm: 'sha256' as const,
    };
  }

  /** Deletes used request ids; a database failure here is ours, not the response's. */
  private async consumeRequests(cache: CacheContext, keys: string[]): Promise<void> {
    const repo = this.dataSource.getRepository(SsoLoginState);
    await this.guardedDb(async () => {
      for (const key of new Set(keys))
        await repo.delete({ stateHash: requestKeyHash(cache.idpId, key), idpId: cache.idpId });
    });
  }

  private async guardedDb<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new SignInUnavailable(error);
    }
  }

  /**
   * The stored AuthnRequest this response answers, read and deleted in one statement before
   * validation: used once, whatever the validation says (node-saml too consumes it on failure).
   */
  private async takeRequest(cache: CacheContext, key: string): Promise<SsoLoginState | null> {
    const taken = await this.guardedDb(() =>
      takeLoginState(this.dataSource, {
        stateHash: requestKeyHash(cache.idpId, key),
        idpId: cache.idpId,
        tenantId: cache.tenantId,
      }),
    );
    if (!taken || taken.expiresAt.getTime() < Date.now()) return null;
    cache.matched = taken;
    return taken;
  }

  /** AuthnRequest ids in the database, so the ACS can check InResponseTo on any instance. */
  requestCache(cache: CacheContext): CacheProvider {
    const repo = this.dataSource.getRepository(SsoLoginState);
    // A failing database must not look like a bad response: remember it for acs() to rethrow.
    const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        cache.failure ??= new SignInUnavailable(error);
        throw cache.failure;
      }
    };
    return {
      saveAsync: (key: string, value: string): Promise<CacheItem | null> =>
        guarded(async () => {
          await insertRows(
            this.dataSource.manager,
            SsoLoginState,
            repo.create({
              tenantId: cache.tenantId,
              idpId: cache.idpId,
              stateHash: requestKeyHash(cache.idpId, key),
              bindingHash: '',
              nonce: value,
              returnTo: cache.returnTo,
              testSignInId: cache.testSignInId ?? null,
              expiresAt: new Date(Date.now() + REQUEST_TTL_MS),
            }),
          );
          return { value, createdAt: Date.now() };
        }),
      getAsync: (key: string): Promise<string | null> =>
        guarded(async () => (await this.requestRow(cache, key))?.nonce ?? null),
      removeAsync: (key: string | null): Promise<string | null> =>
        guarded(async () => {
          if (key === null) return null;
          const result = await repo.delete({
            stateHash: requestKeyHash(cache.idpId, key),
            idpId: cache.idpId,
          });
          return result.affected ? key : null;
        }),
    };
  }

  /** The stored AuthnRequest a response answers, read once per response (node-saml asks twice). */
  private async requestRow(cache: CacheContext, key: string): Promise<SsoLoginState | null> {
    const row = await (cache.reads[key] ??= this.dataSource
      .getRepository(SsoLoginState)
      .findOneBy({ stateHash: requestKeyHash(cache.idpId, key), idpId: cache.idpId }));
    if (!row || row.expiresAt.getTime() < Date.now()) return null;
    cache.matched = row;
    return row;
  }

  /**
   * An SP-initiated sign-in goes where its request said, and nowhere else: a RelayState posted
   * beside it is ignored. Only an IdP-initiated one (no InResponseTo) may name a target in RelayState.
   */
  private returnToOf(inResponseTo: string | null, cache: CacheContext, relayState: unknown): string | null {
    if (inResponseTo !== null) return cache.matched?.returnTo ?? null;
    return typeof relayState === 'string' && relayState !== '' ? relayState : null;
  }

  /** Size and shape limits before any XML parsing, per IdP (see saml-precheck.ts). */
  private precheck(samlResponse: string, limits: SamlResponseLimits) {
    // Base64 is 4/3 of the bytes: refuse before decoding when even the encoding is too long.
    const tooLarge = () =>
      SignInRefusal.unauthenticated(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'saml_too_large',
        `the sign-in response is larger than this identity provider allows (${Math.round(limits.maxResponseBytes / 1024)} KB); ` +
          'ask your administrator to send fewer groups, e.g. only the groups assigned to the application',
        `response over ${limits.maxResponseBytes} bytes`,
      );
    if (samlResponse.length > Math.ceil(limits.maxResponseBytes / 3) * 4 + 4) throw tooLarge();
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    const scan = precheckSamlResponse(xml, limits);
    if (scan.ok) return scan;
    if (scan.problem === 'too_large') throw tooLarge();
    if (scan.problem === 'doctype')
      throw SignInRefusal.unauthenticated(
        HttpStatus.BAD_REQUEST,
        'saml_doctype',
        'the sign-in response was malformed',
        scan.detail,
      );
    throw SignInRefusal.unauthenticated(
      scan.problem === 'malformed' ? HttpStatus.BAD_REQUEST : HttpStatus.PAYLOAD_TOO_LARGE,
      scan.problem === 'malformed' ? 'saml_malformed' : 'saml_too_complex',
      scan.problem === 'malformed'
        ? 'the sign-in response was malformed'
        : 'the sign-in response is more complex than this identity provider allows; ask your administrator to send fewer groups',
      scan.detail,
    );
  }
}

interface CacheContext {
  /** Request-id lookups of this one response, by key. */
  reads: Record<string, Promise<SsoLoginState | null>>;
  tenantId: string;
  idpId: string;
  returnTo: string | null;
  /** The login step of an admin's test sign-in: stored with the request id. */
  testSignInId?: string | null;
  /** The stored request this response answers, once found. */
  matched?: SsoLoginState;
  /** The first database failure inside node-saml's validation. */
  failure?: SignInUnavailable;
}

const requestKeyHash = (idpId: string, key: string) => sha256Hex(`saml-request:${idpId}:${key}`);

/** The IdP's response limits: its own settings over the defaults. */
/** The validated assertion's profile, or the refusal: a failed validation, a failure Status, no profile. */
function validatedProfile(result: ValidationResult, status: SamlStatus): ValidatedProfile {
  if (result.error) {
    if (status.code !== null && isFailure(status)) throw statusRefusal(status, true);
    throw validationRefusal(result.error);
  }
  if (!result.profile)
    throw new SignInRefusal(
      HttpStatus.UNAUTHORIZED,
      'saml_no_profile',
      'the sign-in response did not say who you are',
    );
  // node-saml reads the Status only when there is no assertion: a signed assertion under a
  // Responder / RequestDenied status must not sign anyone in.
  if (isFailure(status)) throw statusRefusal(status, false);
  return result.profile;
}

function responseLimitsOf(cfg: SamlConfig): SamlResponseLimits {
  return { ...DEFAULT_SAML_LIMITS, ...(cfg.responseLimits ?? {}) };
}
