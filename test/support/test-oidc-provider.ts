import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenID provider (the `oidc-provider` package) on 127.0.0.1 for tests, with static clients,
 * PKCE, a `groups` claim and its development login/consent forms, plus a browser stand-in that
 * completes those forms with fetch and a cookie jar.
 */
export interface TestOidcProviderOptions {
  clients: {
    client_id: string;
    client_secret?: string;
    redirect_uris: string[];
    token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none';
  }[];
  /** Claims per account id (the `sub`); mutate between sign-ins to change groups. */
  accounts: Record<string, Record<string, unknown>>;
  /** Put every granted claim (groups included) in the ID token, not only in userinfo. Default true. */
  claimsInIdToken?: boolean;
  pkceRequired?: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  /** Follows the authorize redirect through login and consent; answers the redirect to the client. */
  signIn(authorizeUrl: string, accountId: string): Promise<URL>;
  close(): Promise<void>;
}

export async function startTestOidcProvider(options: TestOidcProviderOptions): Promise<TestOidcProvider> {
  // ESM-only package: loaded lazily so only the tests that need it pay for it.
  const { default: Provider } = await import('oidc-provider');
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomBytes(6).toString('hex'),
    use: 'sig',
    alg: 'RS256',
  };

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: c.client_secret ? 'client_secret_basic' : 'none',
      ...c,
    })),
    jwks: { keys: [jwk as never] },
    pkce: { required: () => options.pkceRequired ?? true },
    // Entra-style extras ride with `groups`: the object id and the overage pointers.
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups', 'oid', '_claim_names', '_claim_sources', 'hasgroups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: !(options.claimsInIdToken ?? true),
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    findAccount: async (_ctx: unknown, sub: string) => {
      const claims = options.accounts[sub];
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...options.accounts[sub] }) };
    },
  } as never);
  (provider as unknown as { proxy: boolean }).proxy = false;
  server.on('request', provider.callback());

  return {
    issuer,
    signIn: (authorizeUrl, accountId) => completeInteractions(issuer, authorizeUrl, accountId),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Walks authorize -> login form -> consent form -> redirect back, keeping the provider's cookies. */
async function completeInteractions(issuer: string, authorizeUrl: string, accountId: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  };
  let url = new URL(authorizeUrl);
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin !== issuer) return url; // back at the client: done
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      headers: {
        cookie: cookieHeader(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
      redirect: 'manual',
    });
    remember(res);
    body = undefined;
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const html = await res.text();
    const interaction = /\/interaction\/([\w-]+)/.exec(url.pathname);
    if (res.status !== 200 || !interaction)
      throw new Error(`OIDC test provider answered ${res.status} at ${url}: ${html.slice(0, 300)}`);
    // A login or consent form of the development interactions: submit it.
    body = /name="login"/.test(html)
      ? new URLSearchParams({ prompt: 'login', login: accountId, password: 'any' })
      : new URLSearchParams({ prompt: 'consent' });
    url = new URL(`/interaction/${interaction[1]}`, issuer);
  }
  throw new Error('OIDC test provider: too many redirects');
}
