import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { Configuration, TokenEndpointResponse, TokenEndpointResponseHelpers } from 'openid-client';
import { randomBytes } from 'node:crypto';
import { DataSource, LessThan } from 'typeorm';
import { SecretKeyService } from '../auth/secret-key.service';
import { normalizeEmail } from '../common/email';
import { constantTimeEqual, sha256Hex } from '../common/crypto';
import { AllConfigType } from '../config/configuration';
import { insertRows } from '../database/insert';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import {
  type ClaimMapping,
  type GroupsSource,
  oidcConfigOf,
  openIdpSecrets,
} from '../identity-providers/idp-config';
import {
  accessTokenClaims,
  codeFlowRefusal,
  loadUserinfo,
  oidcConfiguration,
  oidcRefusal,
  OidcSettings,
} from '../oidc/oidc-client';
import type { OidcLoginState, OidcRequestSettings, OidcStrategyHost } from '../oidc/oidc-strategy';
import type { Tenant } from '../tenants/tenant.entity';
import { safeReturnTo } from './return-to';
import { invalidEmailRefusal, SignInRefusal, SignInUnavailable } from './sign-in-refusal';
import { signInTargetOf, SignInRequest } from './sign-in-target';
import type { SignInIdentity } from '../sync/sign-in-account';
import type { SignedInIdentity } from './signed-in-identity';
import { SsoLoginState } from './sso-login-state.entity';
import { takeLoginState } from './take-login-state';

const LOGIN_TTL_MS = 10 * 60_000;
const CONFIG_TTL_MS = 10 * 60_000;

interface CachedConfig {
  key: string;
  config: Configuration;
  at: number;
}

/** Where groups are read when the IdP does not say: the first of these that carries a group claim. */
const DEFAULT_GROUPS_FROM: readonly GroupsSource[] = ['id_token', 'userinfo', 'access_token'];

/**
 * The OIDC half of SSO, as the host of MultiOidcStrategy (openid-client's passport strategy per
 * IdP): the IdP's client configuration per request (discovery cached), login state (state, nonce,
 * PKCE verifier) kept server-side for ten minutes, bound to the browser with a cookie and used
 * once, and who signed in, read from the validated tokens.
 */
@Injectable()
export class OidcSignInService implements OidcStrategyHost {
  private readonly logger = new Logger('OidcSignIn');
  private readonly configs = new Map<string, CachedConfig>();
  private readonly publicUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secretKey: SecretKeyService,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.publicUrl = config.get('app.publicUrl', { infer: true });
  }

  callbackUrl(tenant: Tenant, idp: IdentityProvider): string {
    return `${this.publicUrl}/sso/${tenant.slug}/${idp.slug}/callback`;
  }

  async settingsFor(req: Request): Promise<OidcRequestSettings> {
    const { tenant, idp } = signInTargetOf(req as SignInRequest);
    const config = oidcConfigOf(idp);
    return {
      config: await this.configuration(idp),
      callbackUrl: this.callbackUrl(tenant, idp),
      scope: (config.scopes ?? ['openid', 'profile', 'email']).join(' '),
      pkce: config.pkce !== false,
      // A test sign-in (marked by its guard at the login step) asks the provider for fresh credentials.
      forceLogin: !!(req as SignInRequest).testSignInId,
    };
  }

  /** Stores the new login (with the returnTo asked for) and binds it to this browser by a cookie. */
  async saveLogin(req: Request, login: OidcLoginState): Promise<void> {
    const { tenant, idp } = signInTargetOf(req as SignInRequest);
    const returnTo =
      safeReturnTo((req.query as Record<string, unknown>).returnTo, this.publicUrl, '') || null;
    const binding = randomBytes(24).toString('base64url');
    const repo = this.dataSource.getRepository(SsoLoginState);
    await repo.delete({ expiresAt: LessThan(new Date()) });
    await insertRows(
      this.dataSource.manager,
      SsoLoginState,
      repo.create({
        tenantId: tenant.id,
        idpId: idp.id,
        stateHash: sha256Hex(login.state),
        bindingHash: sha256Hex(binding),
        nonce: login.nonce,
        codeVerifier: login.codeVerifier,
        returnTo,
        testSignInId: (req as SignInRequest).testSignInId ?? null,
        expiresAt: new Date(Date.now() + LOGIN_TTL_MS),
      }),
    );
    (req.res as Response).cookie(bindingCookie(login.state), binding, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.publicUrl.startsWith('https://'),
      path: `/sso/${tenant.slug}/${idp.slug}`,
      maxAge: LOGIN_TTL_MS,
    });
  }

  /** The login this callback answers; consumed whatever the outcome. The provider's `error` is a refusal. */
  async takeLogin(req: Request): Promise<OidcLoginState> {
    const { tenant, idp } = signInTargetOf(req as SignInRequest);
    const query = req.query as Record<string, unknown>;
    const state = typeof query.state === 'string' ? query.state : '';
    const providerError = typeof query.error === 'string' ? query.error : null;
    const stale = () =>
      SignInRefusal.unauthenticated(
        HttpStatus.UNAUTHORIZED,
        'login_state_invalid',
        'this sign-in link is not valid any more; start the sign-in again',
      );
    const refusedByProvider = () =>
      oidcRefusal(
        'idp_error',
        `the identity provider refused the sign-in (${providerError})`,
        typeof query.error_description === 'string' ? query.error_description : undefined,
      );
    if (!state) throw providerError ? refusedByProvider() : stale();
    // Read and deleted in one statement: single use, even when what follows fails.
    const row = await takeLoginState(this.dataSource, {
      stateHash: sha256Hex(state),
      tenantId: tenant.id,
      idpId: idp.id,
    });
    if (!row) throw stale();
    // From here on, an admin's test ends as that test, refusals included.
    (req as SignInRequest).testSignInId = row.testSignInId;
    (req.res as Response).clearCookie(bindingCookie(state), { path: `/sso/${tenant.slug}/${idp.slug}` });
    const binding = (req.cookies as Record<string, string> | undefined)?.[bindingCookie(state)];
    if (row.expiresAt.getTime() < Date.now()) throw stale();
    if (!binding || !constantTimeEqual(sha256Hex(binding), row.bindingHash)) {
      throw SignInRefusal.unauthenticated(
        HttpStatus.UNAUTHORIZED,
        'login_browser_mismatch',
        'this sign-in was started in another browser; start the sign-in again here',
      );
    }
    if (providerError) throw refusedByProvider();
    (req as SignInRequest).loginReturnTo = row.returnTo;
    return { state, nonce: row.nonce, codeVerifier: row.codeVerifier ?? '' };
  }

  refusalOf(error: unknown, info?: { message?: string }): Error {
    return codeFlowRefusal(error, info);
  }

  /** Who signed in, from openid-client's validated tokens (the strategy's verify step). */
  async identityOf(
    req: Request,
    tokens: TokenEndpointResponse & TokenEndpointResponseHelpers,
  ): Promise<SignedInIdentity> {
    try {
      return await this.readIdentity(req, tokens);
    } catch (error) {
      // Refusals stand; anything else went wrong on our side, not in the provider's answer.
      throw error instanceof SignInRefusal ? error : new SignInUnavailable(error);
    }
  }

  private async readIdentity(
    req: Request,
    tokens: TokenEndpointResponse & TokenEndpointResponseHelpers,
  ): Promise<SignedInIdentity> {
    const { tenant, idp } = signInTargetOf(req as SignInRequest);
    const config = oidcConfigOf(idp);
    const mapping = { externalId: 'sub', email: 'email', displayName: 'name', ...config.claimMapping };
    const groupsFrom = config.groupsFrom ?? DEFAULT_GROUPS_FROM;
    const claims = idp.groupSync.claims;
    const idToken = (tokens.claims() ?? {}) as Record<string, unknown>;
    const has = (name: string) => idToken[name] !== undefined;
    const needed = [mapping.externalId, mapping.email].some((n) => !has(n)) || !claims.some(has);
    // Userinfo costs a round trip: asked for only when the ID token lacks what is needed.
    const userinfo =
      groupsFrom.includes('userinfo') && (needed || groupsFrom[0] === 'userinfo')
        ? await loadUserinfo(await this.configuration(idp), tokens.access_token, String(idToken.sub))
        : null;
    const accessToken = groupsFrom.includes('access_token')
      ? accessTokenClaims(tokens.access_token, idToken)
      : null;
    const sources = { id_token: idToken, userinfo: userinfo ?? {}, access_token: accessToken ?? {} };
    if (config.debug)
      this.logger.log(
        {
          idp: idp.slug,
          tenant: tenant.slug,
          idTokenClaims: idToken,
          userinfo,
          accessTokenClaims: accessToken,
          groupsFrom,
        },
        'OIDC debug: claims received',
      );
    return {
      ...personOf(mapping, idToken, userinfo),
      attributes: attributesOf(
        idToken,
        claims,
        groupsFrom.map((source) => sources[source]),
      ),
      returnTo: (req as SignInRequest).loginReturnTo ?? null,
    };
  }

  /** The client settings openid-client needs: the stored ones and the sealed client secret. */
  private settings(idp: IdentityProvider): OidcSettings {
    const c = oidcConfigOf(idp);
    return {
      issuer: c.issuer,
      authorizationUrl: c.authorizationUrl,
      tokenUrl: c.tokenUrl,
      userinfoUrl: c.userinfoUrl,
      jwksUrl: c.jwksUrl,
      clientId: c.clientId ?? '',
      clientSecret: openIdpSecrets(this.secretKey.box, idp.secrets).clientSecret,
      tokenAuthMethod: c.tokenAuthMethod,
      scopes: c.scopes,
      pkce: c.pkce,
    };
  }

  /** Discovery is cached per IdP version for ten minutes. */
  private async configuration(idp: IdentityProvider): Promise<Configuration> {
    const key = `${idp.id}:${idp.updatedAt.getTime()}`;
    const cached = this.configs.get(idp.id);
    if (cached && cached.key === key && Date.now() - cached.at < CONFIG_TTL_MS) return cached.config;
    const config = await oidcConfiguration(this.settings(idp));
    this.configs.set(idp.id, { key, config, at: Date.now() });
    return config;
  }
}

/** Who signed in: the mapped claims of the ID token, else of userinfo; refused without id or email. */
function personOf(
  mapping: Required<ClaimMapping>,
  idToken: Record<string, unknown>,
  userinfo: Record<string, unknown> | null,
): SignInIdentity {
  const claim = (name: string) => idToken[name] ?? userinfo?.[name];
  const externalId = claim(mapping.externalId);
  const email = claim(mapping.email);
  const name = claim(mapping.displayName);
  if (typeof externalId !== 'string' || externalId === '') {
    throw new SignInRefusal(
      HttpStatus.UNAUTHORIZED,
      'claim_missing',
      'the identity provider did not say who you are',
      `no ${mapping.externalId} claim`,
    );
  }
  if (typeof email !== 'string' || !email.includes('@')) {
    throw new SignInRefusal(
      HttpStatus.UNAUTHORIZED,
      'claim_missing',
      'the identity provider did not send your email address',
      `no usable ${mapping.email} claim`,
    );
  }
  const validEmail = normalizeEmail(email);
  if (!validEmail) throw invalidEmailRefusal(email);
  return {
    externalId,
    email: validEmail,
    displayName: typeof name === 'string' ? name : null,
    emailVerified: emailVerifiedOf(mapping.email, idToken, userinfo),
  };
}

/**
 * The claims the group sync reads: the ID token's, with the group claims taken from the first source
 * (in `groupsFrom` order) that carries one of them. Claim names come from the IdP and the tenant's
 * settings: a prototype-free map keeps `__proto__` and `constructor` plain names.
 */
function attributesOf(
  idToken: Record<string, unknown>,
  groupClaims: readonly string[],
  sources: readonly Record<string, unknown>[],
): Record<string, unknown> {
  const attributes = Object.assign(Object.create(null) as Record<string, unknown>, idToken);
  for (const claimName of groupClaims) delete attributes[claimName];
  const source = sources.find((c) => groupClaims.some((n) => n in c));
  if (source)
    for (const claimName of groupClaims) if (claimName in source) attributes[claimName] = source[claimName];
  return attributes;
}

/**
 * `email_verified` speaks only of the standard `email` claim, in the token that carried it: a mapped
 * claim (e.g. Entra's `preferred_username`) is never "verified" by it. Strings in any case, as some
 * IdPs send them ("True" from .NET).
 */
export function emailVerifiedOf(
  emailClaim: string,
  idToken: Record<string, unknown>,
  userinfo: Record<string, unknown> | null,
): boolean | null {
  if (emailClaim !== 'email') return null;
  const source = idToken.email !== undefined ? idToken : userinfo;
  const value = source?.email_verified;
  if (value === undefined || value === null) return null;
  // Said at all, anything but true ("False", 0, "", "no") is a final no: verifiedDomains never
  // overrides an IdP that did not confirm the address.
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

const bindingCookie = (state: string) => `gs_login_${sha256Hex(state).slice(0, 16)}`;
