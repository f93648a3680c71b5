import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { OPERATOR_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';

// App start-up and the test IdPs are CPU work: on a loaded machine they outlast Jest's default 5 s.
jest.setTimeout(60_000);

const TENANT = 'logs';
const CALLBACK = `http://sso.test/sso/${TENANT}/op/callback`;

/**
 * A whole run at LOG_LEVEL=debug into a log file, then a grep of that file for every secret the run
 * created or carried: operator token, API key, SCIM token, OIDC client secret, SECRET_KEY, the login
 * binding and session cookies, the CSRF token, and the OIDC code and state of the callback URL.
 */
describe('secrets never reach the log (LOG_LEVEL=debug, full run)', () => {
  let t: TestApp;
  let op: TestOidcProvider;
  let dir: string;
  let logFile: string;
  const secretKey = `sk-${randomBytes(24).toString('hex')}`;
  const clientSecret = `cs-${randomBytes(24).toString('hex')}`;
  const secrets: Record<string, string> = { operatorToken: OPERATOR_TOKEN, secretKey, clientSecret };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'logs-'));
    logFile = join(dir, 'groupsync.log');
    op = await startTestOidcProvider({
      clients: [{ client_id: 'groupsync', client_secret: clientSecret, redirect_uris: [CALLBACK] }],
      accounts: { ada: { email: 'ada@example.com', email_verified: true, name: 'Ada', groups: ['admins'] } },
    });
    t = await startTestApp({ LOG_LEVEL: 'debug', LOG_FILE: logFile, SECRET_KEY: secretKey });
  });
  afterAll(async () => {
    await op.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every credential through the service and finds none of them in the log', async () => {
    await t.op.post('/api/v1/tenants').send({ slug: TENANT, name: 'Logs' }).expect(201);
    const key = await t.op.post(`/api/v1/tenants/${TENANT}/api-keys`).send({ name: 'ci' }).expect(201);
    secrets.apiKey = key.body.token;
    const asKey = (r: request.Test) => r.set('Authorization', `Bearer ${secrets.apiKey}`);
    await asKey(request(t.http).post(`/api/v1/tenants/${TENANT}/identity-providers`))
      .send({
        slug: 'op',
        type: 'oidc',
        issuer: op.issuer,
        clientId: 'groupsync',
        clientSecret,
        scopes: ['openid', 'email', 'profile', 'groups'],
        groupSync: { adminGroups: ['admins'] },
        debug: true, // the IdP's own debug logging of claims and decisions, on as well
      })
      .expect(201);
    const scim = await asKey(request(t.http).post(`/api/v1/tenants/${TENANT}/scim-tokens`))
      .send({ idp: 'op', name: 'entra' })
      .expect(201);
    secrets.scimToken = scim.body.token;
    await request(t.http)
      .get(`/scim/v2/${TENANT}/Users`)
      .set('Authorization', `Bearer ${secrets.scimToken}`)
      .expect(200);

    // OIDC sign-in: the login binding cookie, then the callback with code and state.
    const login = await request(t.http).get(`/sso/${TENANT}/op/login`).expect(302);
    const binding = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
    secrets.bindingCookie = binding[0].split('=')[1];
    const back = await op.signIn(login.headers.location, 'ada');
    secrets.code = back.searchParams.get('code')!;
    secrets.state = back.searchParams.get('state')!;
    const done = await request(t.http)
      .get(back.pathname + back.search)
      .set('Cookie', binding)
      .expect(302);
    const session = ([] as string[]).concat(done.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
    secrets.sessionCookie = session.find((c) => !c.startsWith('gs_login_'))!.split('=')[1];
    const me = await request(t.http).get(`/sso/${TENANT}/me`).set('Cookie', session).expect(200);
    secrets.csrfToken = me.body.csrfToken;
    // A change through the admin session: cookie and CSRF header.
    await request(t.http)
      .post(`/api/v1/tenants/${TENANT}/groups`)
      .set('Cookie', session)
      .set('X-CSRF-Token', secrets.csrfToken)
      .send({ name: 'Made by session' })
      .expect(201);
    // Secrets in query strings a client or an IdP may send.
    await request(t.http).get(`/sso/${TENANT}/op/callback?code=${secrets.code}&state=${secrets.state}`);
    await request(t.http).get(`/api/v1/tenants?access_token=${secrets.apiKey}`);
    await t.close();

    const log = readFileSync(logFile, 'utf8');
    // The log is there and has the requests (so the check below can fail).
    expect(log).toContain(`/sso/${TENANT}/op/callback?code=[redacted]&state=[redacted]`);
    expect(log).toContain('"x-csrf-token":"[redacted]"');
    expect(log).toContain('"cookie":"[redacted]"');
    expect(log).toContain('OIDC debug: claims received');
    expect(log.split('\n').filter((l) => l.includes('"msg":"request completed"')).length).toBeGreaterThan(10);
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length).toBeGreaterThan(10);
      expect([name, log.includes(value)]).toEqual([name, false]);
    }
  });
});
