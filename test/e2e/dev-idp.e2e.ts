import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { newGroup, newGroupLink } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** The hidden and visible inputs of the first form of an HTML page, as the browser would post them. */
function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]] = m[2]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return { action: action.replace(/&amp;/g, '&'), fields };
}

describe('development IdP (DEV_IDP=true): sign in by typing an email and picking groups', () => {
  let t: TestApp;
  let dir: string;
  const keyFile = () => join(dir, 'dev-idp.pem');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dev-idp-'));
    t = await startTestApp({ DEV_IDP: 'true', DEV_IDP_KEY_FILE: join(dir, 'dev-idp.pem') });
    await t.op.post('/api/v1/tenants').send({ slug: 'demo', name: 'Demo Inc' }).expect(201);
    const metadata = await request(t.http).get('/dev-idp/metadata').expect(200);
    expect(metadata.headers['content-type']).toMatch(/samlmetadata\+xml/);
    await t.op
      .post('/api/v1/tenants/demo/identity-providers')
      .send({
        slug: 'dev',
        type: 'saml',
        metadataXml: metadata.text,
        groupSync: { adminGroups: ['demo-admins'] },
      })
      .expect(201);
    // An IdP that does not trust the development IdP (another entity id; same SSO URL, so its
    // sign-in requests can be shown to the development IdP by anyone).
    await t.op
      .post('/api/v1/tenants/demo/identity-providers')
      .send({
        slug: 'entra',
        type: 'saml',
        metadataXml: metadata.text.replace(/entityID="[^"]*"/, 'entityID="https://sts.windows.net/t/"'),
        groupSync: { adminGroups: ['secret-admins'] },
      })
      .expect(201);
    const eng = await newGroup(t, 'demo', { name: 'Engineering' });
    const support = await newGroup(t, 'demo', { name: 'Support' });
    await newGroupLink(t, 'demo', eng.id, { externalGroup: 'engineering', role: 'developer' });
    await newGroupLink(t, 'demo', support.id, { externalGroup: 'support', role: 'reporter' });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** login -> dev IdP page -> form answer -> auto-post page -> ACS; returns the ACS answer. */
  async function signIn(email: string, groups: string[], otherGroups = '') {
    const login = await request(t.http).get('/sso/demo/dev/login').expect(302);
    const idpUrl = new URL(login.headers.location);
    expect(`${idpUrl.origin}${idpUrl.pathname}`).toBe('http://sso.test/dev-idp/sso');
    const page = await request(t.http).get(`${idpUrl.pathname}${idpUrl.search}`).expect(200);
    expect(page.text).toContain('Demo Inc');
    expect(page.text).toContain('never turn that on in production');
    // the workspace's linked group names and admin groups are offered as choices
    for (const g of ['engineering', 'support', 'demo-admins']) expect(page.text).toContain(`value="${g}"`);
    const form = formOf(page.text);
    expect(form.action).toBe('/dev-idp/sso');
    const answer = await request(t.http)
      .post('/dev-idp/sso')
      .type('form')
      .send(
        new URLSearchParams([
          ...Object.entries(form.fields),
          ['email', email],
          ['displayName', 'Ada'],
          ...groups.map((g) => ['groups', g]),
          ['otherGroups', otherGroups],
        ]).toString(),
      )
      .expect(200);
    const post = formOf(answer.text);
    expect(post.action).toBe('http://sso.test/sso/demo/dev/acs');
    return request(t.http).post('/sso/demo/dev/acs').type('form').send(post.fields);
  }

  it('signs in with the picked groups, syncs memberships, and the next sign-in removes what was unticked', async () => {
    const first = await signIn(
      'ada@example.com',
      ['engineering', 'support'],
      'CN=Ops,OU=Groups,DC=example,DC=com',
    );
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/sso/demo/me');
    const cookie = first.headers['set-cookie'] as unknown as string[];
    const me = await request(t.http).get('/sso/demo/me').set('Cookie', cookie).expect(200);
    expect(me.body.user).toEqual(
      expect.objectContaining({ email: 'ada@example.com', displayName: 'Ada', isAdmin: false }),
    );
    expect(me.body.groups.map((g: { groupName: string; role: string }) => [g.groupName, g.role])).toEqual([
      ['Engineering', 'developer'],
      ['Support', 'reporter'],
    ]);

    const second = await signIn('ada@example.com', ['engineering', 'demo-admins']);
    expect(second.status).toBe(302);
    const me2 = await request(t.http)
      .get('/sso/demo/me')
      .set('Cookie', second.headers['set-cookie'] as unknown as string[])
      .expect(200);
    expect(me2.body.user.isAdmin).toBe(true);
    expect(me2.body.groups.map((g: { groupName: string }) => g.groupName)).toEqual(['Engineering']);
  });

  it("shows another IdP's sign-in request no workspace name and no group names", async () => {
    const login = await request(t.http).get('/sso/demo/entra/login').expect(302);
    const idpUrl = new URL(login.headers.location);
    const page = await request(t.http).get(`${idpUrl.pathname}${idpUrl.search}`).expect(200);
    for (const secret of ['Demo Inc', 'engineering', 'support', 'secret-admins', 'demo-admins'])
      expect(page.text).not.toContain(secret);
  });

  it('keeps its key across restarts in a private file', async () => {
    const mode = statSync(keyFile()).mode & 0o777;
    expect(mode).toBe(0o600);
    const pem = readFileSync(keyFile(), 'utf8');
    expect(pem).toContain('BEGIN PRIVATE KEY');
    const again = await startTestApp({ DEV_IDP: 'true', DEV_IDP_KEY_FILE: keyFile() });
    try {
      const a = await request(t.http).get('/dev-idp/metadata').expect(200);
      const b = await request(again.http).get('/dev-idp/metadata').expect(200);
      expect(b.text).toBe(a.text);
    } finally {
      await again.close();
    }
  });

  it('refuses to sign for anything but this service, bad emails, and missing requests', async () => {
    const foreign = await request(t.http)
      .post('/dev-idp/sso')
      .type('form')
      .send({ acsUrl: 'https://evil.example/acs', email: 'ada@example.com', audience: 'x' })
      .expect(400);
    expect(foreign.text).toContain('only signs in to this service');
    expect(foreign.text).not.toContain('SAMLResponse');
    const email = await request(t.http)
      .post('/dev-idp/sso')
      .type('form')
      .send({ acsUrl: 'http://sso.test/sso/demo/dev/acs', email: 'not an email' })
      .expect(400);
    expect(email.text).toContain('valid email');
    const none = await request(t.http).get('/dev-idp/sso').expect(400);
    expect(none.text).toContain('start from the workspace sign-in address');
    const garbage = await request(t.http).get('/dev-idp/sso?SAMLRequest=bm90IGRlZmxhdGVk').expect(400);
    expect(garbage.text).toContain('needs a sign-in request');
  });
});

describe('development IdP is off by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('answers 404 on every route', async () => {
    await request(t.http).get('/dev-idp/metadata').expect(404);
    await request(t.http).get('/dev-idp/sso?SAMLRequest=x').expect(404);
    const post = await request(t.http).post('/dev-idp/sso').type('form').send({ email: 'a@b.c' }).expect(404);
    expect(post.body.code).toBe('not_found');
  });
});
