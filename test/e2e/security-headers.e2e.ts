import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { newApiKey, newTenant } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

// App start-up and the test IdPs are CPU work: on a loaded machine they outlast Jest's default 5 s.
jest.setTimeout(60_000);

/** The CSP as a map of directive -> sources. */
function csp(header: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of (header ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, ...sources] = part.split(/\s+/);
    out[name] = sources;
  }
  return out;
}

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The headers every response carries, and for HTML: a CSP that allows exactly the page's own inline code. */
function expectHtmlPage(res: request.Response, formAction: string[]) {
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expectCommon(res);
  const policy = csp(res.headers['content-security-policy']);
  expect(policy['default-src']).toEqual(["'none'"]);
  expect(policy['frame-ancestors']).toEqual(["'none'"]);
  expect(policy['base-uri']).toEqual(["'none'"]);
  expect(policy['form-action']).toEqual(formAction);
  // Every inline style and script the page has is allowed by hash, and nothing else is.
  const styles = [...res.text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => hashOf(m[1]));
  const scripts = [...res.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => hashOf(m[1]));
  expect(policy['style-src']).toEqual(styles.length ? styles : ["'none'"]);
  expect(policy['script-src']).toEqual(scripts.length ? scripts : ["'none'"]);
  expect(res.text).not.toMatch(/<script src=|<link |\sstyle="|\son\w+="/); // nothing the CSP would block
}

function expectCommon(res: request.Response) {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['cache-control']).toBe('no-store');
}

describe('security headers on every page and API answer', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'headers-'));
    t = await startTestApp({ DEV_IDP: 'true', DEV_IDP_KEY_FILE: join(dir, 'dev-idp.pem') });
    await t.op.post('/api/v1/tenants').send({ slug: 'hdr', name: 'Headers Inc' }).expect(201);
    const metadata = await request(t.http).get('/dev-idp/metadata').expect(200);
    await t.op
      .post('/api/v1/tenants/hdr/identity-providers')
      .send({ slug: 'dev', type: 'saml', metadataXml: metadata.text })
      .expect((res) => {
        // A failed create says why (a 400 here once hid an unreadable dev IdP certificate: see its serial).
        if (res.status !== 201) throw new Error(`IdP not created: ${res.status} ${JSON.stringify(res.body)}`);
      });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the sign-in refusal page: no script, no form, its own style only', async () => {
    const missing = await request(t.http).get('/sso/hdr/nope/login').expect(404);
    expectHtmlPage(missing, ["'none'"]);
    const badAcs = await request(t.http).post('/sso/hdr/dev/acs').type('form').send({ SAMLResponse: 'x' });
    expect(badAcs.status).toBeGreaterThanOrEqual(400);
    expectHtmlPage(badAcs, ["'none'"]);
  });

  it('the development IdP pages: the form posts to itself, the auto-post page runs only its own script', async () => {
    const login = await request(t.http).get('/sso/hdr/dev/login').expect(302);
    const idpUrl = new URL(login.headers.location);
    const page = await request(t.http).get(`${idpUrl.pathname}${idpUrl.search}`).expect(200);
    expectHtmlPage(page, ["'self'"]);
    const fields = Object.fromEntries(
      [...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
        m[1],
        m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
      ]),
    );
    const answer = await request(t.http)
      .post('/dev-idp/sso')
      .type('form')
      .send({ ...fields, email: 'ada@example.com' })
      .expect(200);
    expect(answer.text).toContain('<script>document.forms[0].submit()</script>');
    expectHtmlPage(answer, ['http://sso.test']);
    const refused = await request(t.http).get('/dev-idp/sso').expect(400);
    expectHtmlPage(refused, ["'none'"]);
  });

  it('JSON answers: nosniff, no caching of tokens, a CSP that allows nothing', async () => {
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant.slug);
    const created = await key
      .as('post', `/api/v1/tenants/${tenant.slug}/api-keys`)
      .send({ name: 'k2' })
      .expect(201);
    const scim = await t.op
      .post(`/api/v1/tenants/hdr/scim-tokens`)
      .send({ idp: 'dev', name: 'scim' })
      .expect(201);
    const me = await request(t.http).get('/sso/hdr/me').expect(401);
    const scimError = await request(t.http).get('/scim/v2/hdr/Users').expect(401);
    const health = await request(t.http).get('/health').expect(200);
    const badJson = await t.op.post('/api/v1/tenants').type('json').send('{nope').expect(400);
    for (const res of [created, scim, me, scimError, health, badJson]) {
      expectCommon(res);
      expect(csp(res.headers['content-security-policy'])['default-src']).toEqual(["'none'"]);
      expect(csp(res.headers['content-security-policy'])['frame-ancestors']).toEqual(["'none'"]);
    }
  });

  it('the OpenAPI viewer loads its own scripts and styles, and cannot be framed', async () => {
    const docs = await request(t.http).get('/api/docs/').redirects(1);
    expect(docs.status).toBe(200);
    expect(docs.headers['x-frame-options']).toBe('DENY');
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    const policy = csp(docs.headers['content-security-policy']);
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(docs.text).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script the CSP would block
  });
});
