import { sign } from 'node:crypto';
import { createServer } from 'node:http';
import {
  accessTokenClaims,
  jwtPayload,
  loadUserinfo,
  oidcConfiguration,
  OidcSettings,
} from '../../src/oidc/oidc-client';
import { SignInRefusal } from '../../src/sso/sign-in-refusal';
import { OidcStrategyDriver } from '../support/oidc-strategy-driver';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';
import { configureOutbound } from '../../src/common/guarded-fetch';

const REDIRECT = 'http://127.0.0.1:1/sso/acme/ping/callback';

describe("OIDC relying party (openid-client's passport strategy) against a real OpenID provider", () => {
  let op: TestOidcProvider;
  let other: TestOidcProvider;
  const accounts: Record<string, Record<string, unknown>> = {
    ada: { email: 'ada@example.com', email_verified: true, name: 'Ada', groups: ['Developers'] },
  };
  const clients = [
    { client_id: 'groupsync', client_secret: 'client-secret', redirect_uris: [REDIRECT] },
    { client_id: 'public-app', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' as const },
  ];
  beforeAll(async () => {
    // The test providers listen on loopback: allowed here as ALLOW_PRIVATE_NETWORK=true would.
    configureOutbound({ allowPrivateNetwork: true });
    op = await startTestOidcProvider({ clients, accounts });
    other = await startTestOidcProvider({ clients, accounts });
  });
  afterAll(async () => {
    await op.close();
    await other.close();
  });

  const settings = (extra: Partial<OidcSettings> = {}): OidcSettings => ({
    issuer: op.issuer,
    clientId: 'groupsync',
    clientSecret: 'client-secret',
    scopes: ['openid', 'email', 'profile', 'groups'],
    ...extra,
  });

  async function run(
    s: OidcSettings,
    options: { fetchUserinfo?: boolean; tamper?: (url: URL) => void; nonce?: string } = {},
  ) {
    const config = await oidcConfiguration(s);
    const driver = new OidcStrategyDriver(config, s, REDIRECT);
    const { url, login } = await driver.start();
    const back = await op.signIn(url, 'ada');
    options.tamper?.(back);
    const tokens = await driver.finish(back, { ...login, nonce: options.nonce ?? login.nonce });
    const idToken = tokens.claims() as Record<string, unknown>;
    return {
      idToken,
      userinfo: options.fetchUserinfo
        ? await loadUserinfo(config, tokens.access_token, String(idToken.sub))
        : null,
    };
  }

  const refusal = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof SignInRefusal) return error.code.replace(/^oidc_/, '');
      throw error;
    }
    throw new Error('expected the sign-in to be refused');
  };

  it('completes the code flow with PKCE via discovery and returns validated claims', async () => {
    const { idToken } = await run(settings());
    expect(idToken).toEqual(
      expect.objectContaining({ sub: 'ada', aud: 'groupsync', iss: op.issuer, groups: ['Developers'] }),
    );
    const config = await oidcConfiguration(settings());
    const { url: authorize, login } = await new OidcStrategyDriver(config, settings(), REDIRECT).start();
    const url = new URL(authorize);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('nonce')).toBe(login.nonce);
    expect(url.searchParams.get('state')).toBe(login.state);
  });

  it('works without PKCE when the provider allows it, with explicit endpoints and client_secret_post', async () => {
    const relaxed = await startTestOidcProvider({
      clients: [{ ...clients[0], token_endpoint_auth_method: 'client_secret_post' }],
      accounts,
      pkceRequired: false,
    });
    try {
      const discovery = (await (
        await fetch(`${relaxed.issuer}/.well-known/openid-configuration`)
      ).json()) as Record<string, string>;
      const s: OidcSettings = {
        issuer: relaxed.issuer,
        authorizationUrl: discovery.authorization_endpoint,
        tokenUrl: discovery.token_endpoint,
        userinfoUrl: discovery.userinfo_endpoint,
        jwksUrl: discovery.jwks_uri,
        clientId: 'groupsync',
        clientSecret: 'client-secret',
        tokenAuthMethod: 'client_secret_post',
        pkce: false,
        scopes: ['openid', 'email', 'groups'],
      };
      const driver = new OidcStrategyDriver(await oidcConfiguration(s), s, REDIRECT);
      const { url, login } = await driver.start();
      expect(new URL(url).searchParams.has('code_challenge')).toBe(false);
      const back = await relaxed.signIn(url, 'ada');
      expect((await driver.finish(back, login)).claims()?.sub).toBe('ada');
    } finally {
      await relaxed.close();
    }
  });

  it('reads userinfo when the groups are only there', async () => {
    const slim = await startTestOidcProvider({ clients, accounts, claimsInIdToken: false });
    try {
      const s = settings({ issuer: slim.issuer });
      const config = await oidcConfiguration(s);
      const driver = new OidcStrategyDriver(config, s, REDIRECT);
      const { url, login } = await driver.start();
      const tokens = await driver.finish(await slim.signIn(url, 'ada'), login);
      expect(tokens.claims()?.groups).toBeUndefined();
      expect(await loadUserinfo(config, tokens.access_token, 'ada')).toEqual(
        expect.objectContaining({ sub: 'ada', groups: ['Developers'] }),
      );
    } finally {
      await slim.close();
    }
  });

  it('refuses a wrong state, a provider error, a nonce mismatch and an expired token', async () => {
    expect(await refusal(run(settings(), { tamper: (u) => u.searchParams.set('state', 'forged') }))).toBe(
      'state_mismatch',
    );
    const driver = new OidcStrategyDriver(await oidcConfiguration(settings()), settings(), REDIRECT);
    const answer = (error: string) =>
      new URL(
        `${REDIRECT}?error=${error}&error_description=User+cancelled&state=s&iss=${encodeURIComponent(op.issuer)}`,
      );
    const login = { state: 's', nonce: 'n', codeVerifier: 'v' };
    expect(await refusal(driver.finish(answer('access_denied'), login))).toBe('idp_error');
    expect(await refusal(driver.finish(answer('server_error'), login))).toBe('idp_error');
    expect(await refusal(run(settings(), { nonce: 'someone-elses-nonce' }))).toBe('id_token_invalid');
    expect(await refusal(run(settings({ clockSkewSeconds: 3 * 3600 })))).toBe('id_token_invalid');
  });

  it('refuses a reused code and an ID token signed by another key', async () => {
    const s = settings();
    const driver = new OidcStrategyDriver(await oidcConfiguration(s), s, REDIRECT);
    const { url, login } = await driver.start();
    const back = await op.signIn(url, 'ada');
    await driver.finish(back, login);
    expect(await refusal(driver.finish(back, login))).toBe('token_exchange_failed');

    // the provider's tokens checked against another provider's keys
    const discovery = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    const foreignKeys = await run({
      ...s,
      authorizationUrl: discovery.authorization_endpoint,
      tokenUrl: discovery.token_endpoint,
      jwksUrl: `${other.issuer}/jwks`,
    }).catch((e: unknown) => e);
    expect(foreignKeys).toBeInstanceOf(SignInRefusal);
    expect((foreignKeys as SignInRefusal).code).toBe('oidc_id_token_invalid');
  });

  it('refuses an ID token for another audience, though signed by the provider itself', async () => {
    // A token endpoint in front of the provider that re-signs the ID token for another client.
    const discovery = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    const proxy = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', async () => {
        const answer = await fetch(discovery.token_endpoint, {
          method: 'POST',
          headers: {
            'content-type': String(req.headers['content-type']),
            authorization: String(req.headers.authorization),
          },
          body,
        });
        const tokens = (await answer.json()) as Record<string, string>;
        const claims = JSON.parse(
          Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString(),
        ) as Record<string, unknown>;
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const unsigned = `${part({ alg: 'RS256', kid: op.kid, typ: 'JWT' })}.${part({ ...claims, aud: 'another-client' })}`;
        const signature = sign('sha256', Buffer.from(unsigned), op.signingKey).toString('base64url');
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...tokens, id_token: `${unsigned}.${signature}` }));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as { port: number }).port;
      const s = settings({
        authorizationUrl: discovery.authorization_endpoint,
        tokenUrl: `http://127.0.0.1:${port}/token`,
        jwksUrl: discovery.jwks_uri,
      });
      const driver = new OidcStrategyDriver(await oidcConfiguration(s), s, REDIRECT);
      const { url, login } = await driver.start();
      const error = await refusal(driver.finish(await op.signIn(url, 'ada'), login));
      expect(error).toBe('id_token_invalid');
    } finally {
      proxy.close();
    }
  });

  it('reads the claims of a JWT access token (groups there, as Entra and Okta can put them)', async () => {
    const jwtOp = await startTestOidcProvider({
      clients,
      accounts: { ada: { email: 'ada@example.com', name: 'Ada', accessTokenGroups: ['From-Access-Token'] } },
      jwtAccessTokens: true,
    });
    try {
      const s = settings({ issuer: jwtOp.issuer });
      const driver = new OidcStrategyDriver(await oidcConfiguration(s), s, REDIRECT);
      const { url, login } = await driver.start();
      const tokens = await driver.finish(await jwtOp.signIn(url, 'ada'), login);
      const idToken = tokens.claims() as Record<string, unknown>;
      expect(idToken.groups).toBeUndefined();
      expect(accessTokenClaims(tokens.access_token, idToken)).toEqual(
        expect.objectContaining({ sub: 'ada', groups: ['From-Access-Token'] }),
      );
    } finally {
      await jwtOp.close();
    }
    // an opaque access token has no claims to read
    const driver = new OidcStrategyDriver(await oidcConfiguration(settings()), settings(), REDIRECT);
    const { url, login } = await driver.start();
    const tokens = await driver.finish(await op.signIn(url, 'ada'), login);
    expect(accessTokenClaims(tokens.access_token, tokens.claims() as Record<string, unknown>)).toBeNull();
    expect(jwtPayload('a.b')).toBeNull();
    expect(jwtPayload('x.bm90IGpzb24.y')).toBeNull();
  });

  it('reports an unreachable token endpoint or issuer, and refuses plain http off loopback', async () => {
    const discovery = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    const down = settings({
      authorizationUrl: discovery.authorization_endpoint,
      tokenUrl: 'http://127.0.0.1:9/token',
      jwksUrl: discovery.jwks_uri,
    });
    expect(await refusal(run(down))).toBe('token_exchange_failed');
    expect(await refusal(oidcConfiguration(settings({ issuer: 'http://127.0.0.1:9' })))).toBe(
      'idp_unreachable',
    );
    expect(await refusal(oidcConfiguration(settings({ issuer: 'http://idp.example.com' })))).toBe(
      'idp_unreachable',
    );
  });

  it('sends discovery, token and JWKS requests through the SSRF guard', async () => {
    const discovery = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    const previous = configureOutbound({ allowPrivateNetwork: false });
    try {
      const viaDiscovery = await oidcConfiguration(settings()).catch((e: SignInRefusal) => e);
      expect(viaDiscovery).toBeInstanceOf(SignInRefusal);
      expect(viaDiscovery).toMatchObject({
        code: 'oidc_idp_unreachable',
        reason: 'could not reach the identity provider',
      });
      // Explicit endpoints: the configuration builds, the token request is refused before it leaves.
      const explicit = settings({
        authorizationUrl: discovery.authorization_endpoint,
        tokenUrl: discovery.token_endpoint,
        jwksUrl: discovery.jwks_uri,
      });
      const driver = new OidcStrategyDriver(await oidcConfiguration(explicit), explicit, REDIRECT);
      const failure = await driver
        .finish(new URL(`${REDIRECT}?code=abc&state=s1`), { state: 's1', nonce: 'n', codeVerifier: 'v' })
        .catch((e: SignInRefusal) => e);
      expect(failure).toMatchObject({ code: 'oidc_token_exchange_failed' });
      expect((failure as SignInRefusal).detail).toContain('The server could not be reached');
    } finally {
      configureOutbound(previous);
    }
  });
});
