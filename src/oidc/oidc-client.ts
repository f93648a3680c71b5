import { Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { guardedFetch } from '../common/guarded-fetch';

/**
 * The relying-party side of an OIDC sign-in, on openid-client: configuration (discovery or explicit
 * endpoints), the authorization request (state, nonce, PKCE S256) and the callback (state check,
 * code exchange, ID token validation: signature by JWKS, issuer, audience, expiry, nonce; optional
 * userinfo). No NestJS here: the sign-in controller keeps the login state and runs the sync.
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

export interface LoginStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string | null;
}

export interface LoginResult {
  /** Validated ID token claims. */
  idToken: Record<string, unknown>;
  /** Fetches userinfo (subject checked against the ID token); null when the IdP has no userinfo endpoint. */
  loadUserinfo(): Promise<Record<string, unknown> | null>;
  /**
   * The access token's claims when it is a JWT for the same subject (Entra, Okta custom authorization
   * servers put groups there), else null. It came straight from the token endpoint over the
   * authenticated back channel, which is what vouches for it (OIDC Core 3.1.3.7 reasons the same way
   * for ID tokens); its signature is for the resource server.
   */
  accessTokenClaims(): Record<string, unknown> | null;
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

/** Refusals the user should read about, with a code for the log and audit. */
export class OidcSignInError extends Error {
  constructor(
    readonly code:
      'state_mismatch' | 'idp_error' | 'token_exchange_failed' | 'id_token_invalid' | 'idp_unreachable',
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
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
    throw new OidcSignInError(
      'idp_unreachable',
      'The identity provider must be reached over https',
      urls.join(' '),
    );
  }
  const explicit = settings.authorizationUrl && settings.tokenUrl && settings.jwksUrl;
  if (explicit) {
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
    config[client.customFetch] = guardedFetch;
    return config;
  }
  if (!settings.issuer)
    throw new OidcSignInError(
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
        [client.customFetch]: guardedFetch,
      },
    );
  } catch (error) {
    // Whatever failed (refused address, closed port, timeout, not an OIDC server), the tenant and the
    // audit read the same words, so a discovery URL cannot be used to map a network; the log has why.
    logger.warn({ issuer: settings.issuer, reason: (error as Error).message }, 'OIDC discovery failed');
    throw new OidcSignInError('idp_unreachable', UNREACHABLE, UNREACHABLE_DETAIL);
  }
}

export async function startLogin(
  config: client.Configuration,
  settings: OidcSettings,
  redirectUri: string,
): Promise<LoginStart> {
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = settings.pkce === false ? null : client.randomPKCECodeVerifier();
  const params: Record<string, string> = {
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: (settings.scopes ?? ['openid', 'profile', 'email']).join(' '),
    state,
    nonce,
  };
  if (codeVerifier) {
    params.code_challenge = await client.calculatePKCECodeChallenge(codeVerifier);
    params.code_challenge_method = 'S256';
  }
  return { url: client.buildAuthorizationUrl(config, params).href, state, nonce, codeVerifier };
}

/** Validates the callback against the stored login state and returns the validated claims. */
export async function finishLogin(
  config: client.Configuration,
  callbackUrl: URL,
  expected: { state: string; nonce: string; codeVerifier: string | null },
): Promise<LoginResult> {
  const error = callbackUrl.searchParams.get('error');
  if (error) {
    const description = callbackUrl.searchParams.get('error_description') ?? '';
    throw new OidcSignInError(
      'idp_error',
      `The identity provider refused the sign-in (${error})`,
      description,
    );
  }
  if (callbackUrl.searchParams.get('state') !== expected.state) {
    throw new OidcSignInError(
      'state_mismatch',
      'This sign-in link is not valid any more; start the sign-in again',
    );
  }
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      pkceCodeVerifier: expected.codeVerifier ?? undefined,
      idTokenExpected: true,
    });
  } catch (e) {
    const err = e as Error & { code?: string; error?: string; cause?: unknown };
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    const detail = `${err.name}: ${[err.code, err.error, err.message].filter(Boolean).join(' ')}${cause}`;
    // JWT/JWS checks failing means the ID token itself is bad; anything else is the exchange.
    if (/^OAUTH_(JWT|JWS|KEY_SELECTION)/.test(err.code ?? '') || /ID Token/i.test(err.message)) {
      throw new OidcSignInError(
        'id_token_invalid',
        'The sign-in response from the identity provider could not be verified',
        detail,
      );
    }
    throw new OidcSignInError(
      'token_exchange_failed',
      'The identity provider did not complete the sign-in',
      detail,
    );
  }
  const idToken = (tokens.claims() ?? {}) as Record<string, unknown>;
  // Userinfo costs a round trip: the caller asks for it only when the ID token lacks what it needs.
  const loadUserinfo = async () => {
    if (!config.serverMetadata().userinfo_endpoint) return null;
    try {
      return (await client.fetchUserInfo(config, tokens.access_token, String(idToken.sub))) as Record<
        string,
        unknown
      >;
    } catch (e) {
      throw new OidcSignInError(
        'token_exchange_failed',
        'The identity provider did not return the user profile',
        (e as Error).message,
      );
    }
  };
  const accessTokenClaims = () => {
    const claims = jwtPayload(tokens.access_token);
    return claims && (claims.sub === undefined || claims.sub === idToken.sub) ? claims : null;
  };
  return { idToken, loadUserinfo, accessTokenClaims };
}
