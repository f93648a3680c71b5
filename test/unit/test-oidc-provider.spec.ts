import { createHash, randomBytes } from 'node:crypto';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';

// The OpenID provider the OIDC sign-in tests run against: check it issues what those tests rely on.
describe('test OpenID provider (oidc-provider on 127.0.0.1)', () => {
  let op: TestOidcProvider;
  const accounts: Record<string, Record<string, unknown>> = {
    'user-1': { email: 'ada@example.com', email_verified: true, name: 'Ada', groups: ['Developers', 'Ops'] },
  };
  beforeAll(async () => {
    op = await startTestOidcProvider({
      clients: [
        { client_id: 'groupsync', client_secret: 'secret', redirect_uris: ['http://127.0.0.1:1/callback'] },
      ],
      accounts,
    });
  });
  afterAll(async () => op.close());

  it('runs the code flow with PKCE and puts the groups claim in the ID token', async () => {
    const discovery = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(discovery.authorization_endpoint);
    authorize.search = new URLSearchParams({
      client_id: 'groupsync',
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:1/callback',
      scope: 'openid email profile groups',
      state: 'st4te',
      nonce: 'n0nce',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const back = await op.signIn(authorize.toString(), 'user-1');
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:1/callback');
    expect(back.searchParams.get('state')).toBe('st4te');
    const code = back.searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    const tokens = (await (
      await fetch(discovery.token_endpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('groupsync:secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: code!,
          redirect_uri: 'http://127.0.0.1:1/callback',
          code_verifier: verifier,
        }),
      })
    ).json()) as { id_token: string };
    const payload = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
    expect(payload).toEqual(
      expect.objectContaining({
        sub: 'user-1',
        nonce: 'n0nce',
        groups: ['Developers', 'Ops'],
        email: 'ada@example.com',
        aud: 'groupsync',
        iss: op.issuer,
      }),
    );
  });
});
