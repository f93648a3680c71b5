import { Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { guardedFetch } from '../common/guarded-fetch';
import { SignInRefusal, SignInUnavailable } from '../sso/sign-in-refusal';

/**
 * The relying-party side of an OIDC sign-in, on openid-client: the client configuration of one IdP
 * (discovery or explicit endpoints, every request through the SSRF guard), what a failure of the
 * code flow means for the person, and the claims read after it (userinfo, JWT access token). The
 * flow itself (authorization request with state, nonce and PKCE S256; code exchange; ID token
 * signature by JWKS, issuer, audience, expiry, nonce) is openid-client's passport strategy, see
 * oidc-strategy.ts. No NestJS here.
 */
export interface OidcSettings {
  issuer?: string;
  authorizationUrl?: string;
  tokenUrl?: string;
  userinfoUrl?: string;
  jwksUrl?: string;
  clientId: string;
  clientSecret?: string;
  tokenAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  scopes?: string[];
  pkce?: boolean;
  /** Seconds added to the local clock when checking token times (tests use it to simulate expiry). */
  clockSkewSeconds?: number;
}

/** The payload of a JWT, or null when the token is opaque. */
export function jwtPayload(token: string | undefined): Record<string, unknown> | null {
  const parts = token?.split('.');
  if (!parts || parts.length !== 3) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

type OidcRefusalCode =
  'idp_error' | 'state_mismatch' | 'token_exchange_failed' | 'id_token_invalid' | 'idp_unreachable';

/** A refusal of the OIDC flow; the provider's own "no" is 403, the rest 401. */
export function oidcRefusal(code: OidcRefusalCode, message: string, detail?: string): SignInRefusal {
  return SignInRefusal.unauthenticated(
    code === 'idp_error' ? 403 : 401,
    `oidc_${code}`,
    message.charAt(0).toLowerCase() + message.slice(1),
    detail,
  );
}

const logger = new Logger('OidcClient');
const UNREACHABLE = 'Could not reach the identity provider';
const UNREACHABLE_DETAIL = 'network error or not an OpenID provider (the service log has the detail)';

const isLoopback = (url: string) =>
  /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(url);

function clientAuth(settings: OidcSettings): client.ClientAuth {
  switch (settings.tokenAuthMethod ?? (settings.clientSecret ? 'client_secret_basic' : 'none')) {
    case 'client_secret_post':
      return client.ClientSecretPost(settings.clientSecret);
    case 'none':
      return client.None();
    default:
      return client.ClientSecretBasic(settings.clientSecret);
  }
}

/**
 * Every request of the flow goes through the SSRF guard. openid-client's passport strategy always
 * makes a PKCE verifier; for a provider set to `pkce: false` (it refuses PKCE parameters) the
 * challenge is left out of the authorization URL (oidc-strategy.ts) and the verifier out of the
 * token request here, so the flow is the plain code flow that provider expects.
 */
function outboundFetch(settings: OidcSettings): typeof guardedFetch {
  if (settings.pkce !== false) return guardedFetch;
  return (input, init = {}) => {
    if (init.body instanceof URLSearchParams && init.body.has('code_verifier')) {
      const body = new URLSearchParams(init.body);
      body.delete('code_verifier');
      return guardedFetch(input, { ...init, body });
    }
    return guardedFetch(input, init);
  };
}

/** Builds the client configuration. Plain http is accepted only for loopback addresses (tests, local IdPs). */
export async function oidcConfiguration(settings: OidcSettings): Promise<client.Configuration> {
  const metadata: Partial<client.ClientMetadata> = {};
  if (settings.clockSkewSeconds) metadata[client.clockSkew] = settings.clockSkewSeconds;
  const urls = [
    settings.issuer,
    settings.authorizationUrl,
    settings.tokenUrl,
    settings.userinfoUrl,
    settings.jwksUrl,
  ].filter((u): u is string => !!u);
  const insecure = urls.some((u) => u.startsWith('http://'));
  if (insecure && !urls.every((u) => !u.startsWith('http://') || isLoopback(u))) {
    throw oidcRefusal('idp_unreachable', 'The identity provider must be reached over https', urls.join(' '));
  }
  if (settings.authorizationUrl && settings.tokenUrl && settings.jwksUrl)
    return explicitConfiguration(settings, metadata, insecure);
  if (!settings.issuer)
    throw oidcRefusal(
      'idp_unreachable',
      'The identity provider has neither an issuer nor explicit endpoints',
    );
  try {
    return await client.discovery(
      new URL(settings.issuer),
      settings.clientId,
      metadata,
      clientAuth(settings),
      {
        // Non-repudiation: verify the ID token's signature with the JWKS even though it came over the back channel.
        execute: insecure
          ? [client.allowInsecureRequests, client.enableNonRepudiationChecks]
          : [client.enableNonRepudiationChecks],
        timeout: 10,
        [client.customFetch]: outboundFetch(settings),
      },
    );
  } catch (error) {
    // Whatever failed (refused address, closed port, timeout, not an OIDC server), the tenant and the
    // audit read the same words, so a discovery URL cannot be used to map a network; the log has why.
    logger.warn({ issuer: settings.issuer, reason: (error as Error).message }, 'OIDC discovery failed');
    throw oidcRefusal('idp_unreachable', UNREACHABLE, UNREACHABLE_DETAIL);
  }
}

/** The configuration of an IdP given with explicit endpoints (no discovery). */
function explicitConfiguration(
  settings: OidcSettings,
  metadata: Partial<client.ClientMetadata>,
  insecure: boolean,
): client.Configuration {
  const config = new client.Configuration(
    {
      issuer: settings.issuer ?? new URL(settings.authorizationUrl!).origin,
      authorization_endpoint: settings.authorizationUrl,
      token_endpoint: settings.tokenUrl,
      userinfo_endpoint: settings.userinfoUrl,
      jwks_uri: settings.jwksUrl,
    },
    settings.clientId,
    metadata,
    clientAuth(settings),
  );
  if (insecure) client.allowInsecureRequests(config);
  client.enableNonRepudiationChecks(config);
  // Token, userinfo and JWKS requests go through the SSRF guard like discovery does.
  config[client.customFetch] = outboundFetch(settings);
  return config;
}

/**
 * What a failure inside openid-client's strategy means: refusals (and our own failures) from the
 * verify step stand; the provider's error answer is `idp_error`; a state that does not match,
 * `state_mismatch`; the ID token failing its checks (JWT, JWS, key selection), `id_token_invalid`;
 * anything else (the exchange refused, the token endpoint down), `token_exchange_failed`.
 */
export function codeFlowRefusal(e: unknown, info?: { message?: string }): Error {
  if (e instanceof SignInRefusal || e instanceof SignInUnavailable) return e;
  // passport's `fail`: the provider answered with an error (access_denied)
  if (e === null)
    return oidcRefusal(
      'idp_error',
      `The identity provider refused the sign-in (${info?.message ?? 'no reason'})`,
    );
  const err = e as Error & { code?: string; error?: string; cause?: unknown };
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
  const detail = `${err.name}: ${[err.code, err.error, err.message].filter(Boolean).join(' ')}${cause}`;
  if (err.name === 'AuthorizationResponseError')
    return oidcRefusal('idp_error', `The identity provider refused the sign-in (${err.error})`, detail);
  if (/"state"/.test(detail))
    return oidcRefusal(
      'state_mismatch',
      'This sign-in link is not valid any more; start the sign-in again',
      detail,
    );
  if (/^OAUTH_(JWT|JWS|KEY_SELECTION)/.test(err.code ?? '') || /ID Token/i.test(err.message))
    return oidcRefusal(
      'id_token_invalid',
      'The sign-in response from the identity provider could not be verified',
      detail,
    );
  return oidcRefusal('token_exchange_failed', 'The identity provider did not complete the sign-in', detail);
}

/** Userinfo (subject checked against the ID token); null when the IdP has no userinfo endpoint. */
export async function loadUserinfo(
  config: client.Configuration,
  accessToken: string,
  subject: string,
): Promise<Record<string, unknown> | null> {
  if (!config.serverMetadata().userinfo_endpoint) return null;
  try {
    return (await client.fetchUserInfo(config, accessToken, subject)) as Record<string, unknown>;
  } catch (e) {
    throw oidcRefusal(
      'token_exchange_failed',
      'The identity provider did not return the user profile',
      (e as Error).message,
    );
  }
}

/**
 * The access token's claims when it is a JWT for the same subject (Entra, Okta custom authorization
 * servers put groups there), else null. It came straight from the token endpoint over the
 * authenticated back channel, which is what vouches for it (OIDC Core 3.1.3.7 reasons the same way
 * for ID tokens); its signature is for the resource server.
 */
export function accessTokenClaims(
  accessToken: string | undefined,
  idToken: Record<string, unknown>,
): Record<string, unknown> | null {
  const claims = jwtPayload(accessToken);
  return claims && (claims.sub === undefined || claims.sub === idToken.sub) ? claims : null;
}
