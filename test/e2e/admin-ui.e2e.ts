import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { OPERATOR_TOKEN, startTestApp, TestApp } from '../support/test-app';

const cookieOf = (res: request.Response) => {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return (header ?? []).find((c) => c.startsWith('gs_operator=')) ?? '';
};

describe('operator session for the admin UI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('exchanges the operator token for an HttpOnly SameSite=Strict cookie, never echoing the token', async () => {
    const res = await request(t.http)
      .post('/api/v1/operator-session')
      .send({ token: OPERATOR_TOKEN })
      .expect(201);
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http here
    expect(cookie).not.toContain(OPERATOR_TOKEN);
    expect(JSON.stringify(res.body)).not.toContain(OPERATOR_TOKEN);
    expect(res.body).toEqual({ csrfToken: expect.any(String), expiresAt: expect.any(String) });
  });

  it('refuses a wrong token', async () => {
    const res = await request(t.http).post('/api/v1/operator-session').send({ token: 'nope' }).expect(401);
    expect(res.body.code).toBe('unauthorized');
    expect(cookieOf(res)).toBe('');
  });

  it('reads with the cookie, writes only with the CSRF token, and ends on logout', async () => {
    const agent = request.agent(t.http);
    const { body } = await agent.post('/api/v1/operator-session').send({ token: OPERATOR_TOKEN }).expect(201);
    await agent.get('/api/v1/tenants').expect(200);
    expect((await agent.get('/api/v1/operator-session').expect(200)).body).toEqual({
      signedIn: true,
      csrfToken: body.csrfToken,
      expiresAt: body.expiresAt,
    });
    const refused = await agent.post('/api/v1/tenants').send({ slug: 'ui-a', name: 'A' }).expect(403);
    expect(refused.body.code).toBe('csrf_failed');
    await agent
      .post('/api/v1/tenants')
      .set('X-CSRF-Token', 'wrong')
      .send({ slug: 'ui-a', name: 'A' })
      .expect(403);
    await agent
      .post('/api/v1/tenants')
      .set('X-CSRF-Token', body.csrfToken)
      .send({ slug: 'ui-a', name: 'A' })
      .expect(201);
    await agent.delete('/api/v1/operator-session').expect(204);
    await agent.get('/api/v1/tenants').expect(401);
    expect((await agent.get('/api/v1/operator-session').expect(200)).body).toEqual({ signedIn: false });
  });

  it('does not accept a tampered or forged cookie', async () => {
    const res = await request(t.http)
      .post('/api/v1/operator-session')
      .send({ token: OPERATOR_TOKEN })
      .expect(201);
    const value = cookieOf(res).split(';')[0].slice('gs_operator='.length);
    const [expires, nonce, mac] = value.split('.');
    const later = `${Number(expires) + 3600_000}.${nonce}.${mac}`;
    await request(t.http).get('/api/v1/tenants').set('Cookie', `gs_operator=${later}`).expect(401);
    await request(t.http)
      .get('/api/v1/tenants')
      .set('Cookie', `gs_operator=${expires}.${nonce}.AAAA`)
      .expect(401);
    await request(t.http).get('/api/v1/tenants').set('Cookie', `gs_operator=${value}`).expect(200);
  });

  it('sign-out ends the session on the server: a copied cookie stops working; anonymous calls end nothing', async () => {
    const signIn = async () => {
      const res = await request(t.http)
        .post('/api/v1/operator-session')
        .send({ token: OPERATOR_TOKEN })
        .expect(201);
      return { cookie: cookieOf(res).split(';')[0], csrf: res.body.csrfToken as string };
    };
    const works = async (cookie: string) =>
      (await request(t.http).get('/api/v1/tenants').set('Cookie', cookie)).status;
    const a = await signIn();
    // Anyone may call sign-out; without the session and its CSRF token it only clears their own cookie.
    await request(t.http).delete('/api/v1/operator-session').expect(204);
    await request(t.http).delete('/api/v1/operator-session').set('Cookie', a.cookie).expect(204);
    expect(await works(a.cookie)).toBe(200);
    // The operator signs out: the copy an attacker kept is worthless from now on.
    await request(t.http)
      .delete('/api/v1/operator-session')
      .set('Cookie', a.cookie)
      .set('X-CSRF-Token', a.csrf)
      .expect(204);
    expect(await works(a.cookie)).toBe(401);
    const b = await signIn();
    expect(await works(b.cookie)).toBe(200);
  });

  it('sends a browser that opens the service root to the admin UI', async () => {
    const res = await request(t.http).get('/').expect(302);
    expect(res.headers.location).toBe('/admin/');
  });

  it('takes the token only as JSON', async () => {
    const res = await request(t.http)
      .post('/api/v1/operator-session')
      .type('form')
      .send({ token: OPERATOR_TOKEN })
      .expect(415);
    expect(res.body.code).toBe('unsupported_media_type');
    expect(cookieOf(res)).toBe('');
  });

  it('marks the cookie Secure when the service is served over https', async () => {
    const https = await startTestApp({ PUBLIC_URL: 'https://sso.example.com' });
    try {
      const res = await request(https.http)
        .post('/api/v1/operator-session')
        .send({ token: OPERATOR_TOKEN })
        .expect(201);
      expect(cookieOf(res)).toMatch(/; Secure/);
    } finally {
      await https.close();
    }
  });
});

describe("the admin UI's typed client", () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'gs-openapi-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  const check = (document: unknown) => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    return spawnSync(process.execPath, ['scripts/web-api-types.mjs', '--document', file, '--check'], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
    });
  };

  it('matches the live OpenAPI document (npm run web:api-types regenerates it)', async () => {
    const { body } = await request(t.http).get('/api/docs/openapi.json').expect(200);
    const result = check(body);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails when the document drifts', async () => {
    const { body } = await request(t.http).get('/api/docs/openapi.json').expect(200);
    delete body.paths['/api/v1/operator-session'];
    const result = check(body);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/npm run web:api-types/);
  });

  it('declares every path parameter, so a client can fill in {tenant}', async () => {
    const { body } = await request(t.http).get('/api/docs/openapi.json').expect(200);
    const op = body.paths['/api/v1/tenants/{tenant}/groups'].get;
    expect(op.parameters).toContainEqual(
      expect.objectContaining({ name: 'tenant', in: 'path', required: true }),
    );
  });
});
