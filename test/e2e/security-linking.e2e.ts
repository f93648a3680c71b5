import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { ScimUser } from '../../src/scim/scim-user.entity';
import { Identity } from '../../src/users/identity.entity';
import { User } from '../../src/users/user.entity';
import { authnRequestId, createSamlIdp, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';

// Account linking between the IdPs of one tenant (docs/sync.md, "Account linking"): IdP X (SAML, the
// tenant's first) and IdP Y (OIDC, a real provider on 127.0.0.1, the second). Y asserting the email
// of X's user must not become that user unless the admin allowed Y to link and the email is verified.
const TENANTS = ['link-a', 'link-b', 'link-c', 'link-d', 'link-e', 'link-f', 'link-g', 'link-h'];
const VICTIM = 'victim@example.com';
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Our app's cookies (the OIDC login binding and the session) across redirects. */
class Browser {
  cookies = new Map<string, string>();
  constructor(private readonly t: TestApp) {}
  async get(path: string) {
    const res = await request(this.t.http)
      .get(path)
      .set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    for (const line of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    return res;
  }
}

describe('account linking between the IdPs of one tenant', () => {
  let t: TestApp;
  let op: TestOidcProvider;
  let x: TestSamlIdp;
  const accounts: Record<string, Record<string, unknown>> = {
    // three accounts at Y, all claiming the victim's email
    'y-verified': { email: VICTIM, email_verified: true, name: 'Mallory', groups: [] },
    'y-unverified': { email: VICTIM, email_verified: false, name: 'Mallory', groups: [] },
    'y-silent': { email: VICTIM, name: 'Mallory', groups: [] }, // no email_verified (as Entra ID)
    'y-pre': { email: 'pre@example.com', email_verified: true, name: 'Pre', groups: [] },
    'victim-real': { email: VICTIM, email_verified: true, name: 'Victim', groups: ['x-admins'] },
    'y-scim': { email: 'scimmed@partner.example', name: 'Provisioned by Y', groups: [] },
  };

  beforeAll(async () => {
    t = await startTestApp();
    x = createSamlIdp('https://x.example/idp');
    op = await startTestOidcProvider({
      clients: [
        {
          client_id: 'groupsync',
          client_secret: 'oidc-client-secret',
          redirect_uris: TENANTS.flatMap((s) =>
            ['y', 'first'].map((i) => `http://sso.test/sso/${s}/${i}/callback`),
          ),
        },
      ],
      accounts,
    });
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });

  const oidcIdp = (tenant: string, slug: string, extra: object = {}) =>
    t.op
      .post(`/api/v1/tenants/${tenant}/identity-providers`)
      .send({
        slug,
        type: 'oidc',
        name: slug === 'y' ? 'Partner IdP' : slug,
        issuer: op.issuer,
        clientId: 'groupsync',
        clientSecret: 'oidc-client-secret',
        scopes: ['openid', 'email', 'profile', 'groups'],
        ...extra,
      })
      .expect(201);

  /** Tenant with X (SAML, first IdP, admin groups) and Y (OIDC, second); the victim is X's admin. */
  async function world(tenant: string, yExtra: object = {}) {
    const tenantId = (await t.op.post('/api/v1/tenants').send({ slug: tenant, name: tenant }).expect(201))
      .body.id as string;
    const xIdp = await t.op
      .post(`/api/v1/tenants/${tenant}/identity-providers`)
      .send({
        slug: 'x',
        type: 'saml',
        metadataXml: x.metadataXml,
        groupSync: { claims: ['groups'], adminGroups: ['x-admins'] },
      })
      .expect(201);
    const yIdp = await oidcIdp(tenant, 'y', yExtra);
    const signedIn = await samlSignIn(tenant, 'victim-at-x', VICTIM, ['x-admins']);
    expect(signedIn.status).toBe(302);
    const victim = await t.dataSource.getRepository(User).findOneByOrFail({ email: VICTIM, tenantId });
    expect(victim.isAdmin).toBe(true);
    return { xIdp: xIdp.body, yIdp: yIdp.body, victim };
  }

  async function samlSignIn(tenant: string, nameId: string, email: string, groups: string[] = []) {
    const login = await request(t.http).get(`/sso/${tenant}/x/login`).expect(302);
    const spMetadata = (await request(t.http).get(`/sso/${tenant}/x/metadata`).expect(200)).text;
    const acs = `http://sso.test/sso/${tenant}/x/acs`;
    const response = await x.respond(spMetadata, acs, {
      inResponseTo: authnRequestId(login.headers.location),
      nameId,
      attributes: { email: [email], groups },
    });
    return request(t.http).post(`/sso/${tenant}/x/acs`).type('form').send({ SAMLResponse: response });
  }

  async function oidcSignIn(tenant: string, account: string, idp = 'y') {
    const browser = new Browser(t);
    const start = await browser.get(`/sso/${tenant}/${idp}/login`);
    expect(start.status).toBe(302);
    const back = await op.signIn(start.headers.location, account);
    return browser.get(back.pathname + back.search);
  }

  const identitiesOf = (userId: string) => t.dataSource.getRepository(Identity).countBy({ userId });
  const lastEvent = (action: string) =>
    t.dataSource.getRepository(AuditEvent).findOneOrFail({ where: { action }, order: { id: 'DESC' } });
  const sessionCookie = (res: request.Response, tenant: string) =>
    ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .some((c) => c.startsWith(`gs_session_${tenant}=`));

  it("a second IdP asserting the email of the first IdP's admin is refused: no session, no identity, no rights", async () => {
    const tenant = TENANTS[0];
    const { xIdp, yIdp, victim } = await world(tenant);
    const refused = await oidcSignIn(tenant, 'y-verified');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(
      'An account with this email already exists in this workspace and Partner IdP is not allowed to sign in to it; ask your administrator to allow account linking for Partner IdP',
    );
    expect(sessionCookie(refused, tenant)).toBe(false);
    const after = await t.dataSource.getRepository(User).findOneByOrFail({ id: victim.id });
    expect(after).toEqual(
      expect.objectContaining({ isAdmin: true, displayName: victim.displayName, status: 'active' }),
    );
    expect(await identitiesOf(victim.id)).toBe(1);
    const event = await lastEvent('sso.sign_in_refused');
    expect(event.details).toEqual(
      expect.objectContaining({
        idp: 'y',
        code: 'account_linking_off',
        email: VICTIM,
        externalId: 'y-verified',
      }),
    );
    expect(
      await t.dataSource.getRepository(AuditEvent).countBy({ action: 'identity.linked', userId: victim.id }),
    ).toBe(1);
    // the defaults, stored and shown: the first IdP links unowned users only, the second nobody
    expect([xIdp.accountLinking, yIdp.accountLinking]).toEqual(['unowned', 'none']);
  });

  it('with linking allowed, an email the IdP says is unverified (or does not say) is refused; a verified one links, audited', async () => {
    const tenant = TENANTS[1];
    const { victim } = await world(tenant, { accountLinking: 'email' });
    const unverified = await oidcSignIn(tenant, 'y-unverified');
    expect(unverified.status).toBe(403);
    expect(unverified.text).toContain('Partner IdP did not confirm that this email address is yours');
    expect((await lastEvent('sso.sign_in_refused')).details).toEqual(
      expect.objectContaining({ code: 'email_not_verified', emailVerification: 'unverified' }),
    );
    const silent = await oidcSignIn(tenant, 'y-silent');
    expect(silent.status).toBe(403);
    expect(await identitiesOf(victim.id)).toBe(1);

    // verifiedDomains never overrides an explicit email_verified: false
    await t.op
      .patch(`/api/v1/tenants/${tenant}/identity-providers/y`)
      .send({ verifiedDomains: ['Example.com'] })
      .expect(200);
    expect((await oidcSignIn(tenant, 'y-unverified')).status).toBe(403);
    // ...but vouches for an IdP that sends no email_verified at all
    const vouched = await oidcSignIn(tenant, 'y-silent');
    expect(vouched.status).toBe(302);
    expect(await identitiesOf(victim.id)).toBe(2);
    const linked = await lastEvent('identity.linked');
    expect(linked.userId).toBe(victim.id);
    expect(linked.details).toEqual(
      expect.objectContaining({
        idp: 'y',
        externalId: 'y-silent',
        linkedBy: 'email',
        emailVerification: 'verified',
      }),
    );
    // and email_verified: true links another account of Y too
    expect((await oidcSignIn(tenant, 'y-verified')).status).toBe(302);
    expect(await identitiesOf(victim.id)).toBe(3);
  });

  it('allowedDomains applies to every sign-in, not only to creating users', async () => {
    const tenant = TENANTS[2];
    await world(tenant);
    expect((await samlSignIn(tenant, 'eve-at-x', 'eve@partner.example')).status).toBe(302);
    const eve = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'eve@partner.example' });
    expect(eve.lastSignInAt).not.toBeNull();
    await t.op
      .patch(`/api/v1/tenants/${tenant}/identity-providers/x`)
      .send({ allowedDomains: ['example.com'] })
      .expect(200);
    const refused = await samlSignIn(tenant, 'eve-at-x', 'eve@partner.example');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(
      'Accounts from partner.example cannot sign in to this workspace through x',
    );
    expect(sessionCookie(refused, tenant)).toBe(false);
    expect((await lastEvent('sso.sign_in_refused')).details).toEqual(
      expect.objectContaining({ code: 'domain_not_allowed', email: 'eve@partner.example' }),
    );
    const still = await t.dataSource.getRepository(User).findOneByOrFail({ id: eve.id });
    expect(still.lastSignInAt?.getTime()).toBe(eve.lastSignInAt?.getTime());
    expect((await samlSignIn(tenant, 'victim-at-x', VICTIM)).status).toBe(302); // example.com still may
  });

  it("a SCIM token of Y cannot take over, change, block or delete X's user", async () => {
    const tenant = TENANTS[3];
    const { victim } = await world(tenant);
    const token = (
      await t.op.post(`/api/v1/tenants/${tenant}/scim-tokens`).send({ idp: 'y', name: 'y' }).expect(201)
    ).body.token as string;
    const scim = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, body?: object) => {
      const agent = request(t.http);
      const req = agent[method](`/scim/v2/${tenant}${path}`)
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/scim+json');
      return body ? req.send(JSON.stringify(body)) : req;
    };
    const takeover = await scim('post', '/Users', {
      schemas: [SCIM_USER],
      userName: 'mallory',
      emails: [{ value: VICTIM, primary: true }],
      active: false,
    });
    expect(takeover.status).toBe(409);
    expect(takeover.body.scimType).toBe('uniqueness');
    expect(takeover.body.detail).toBe(
      `email ${VICTIM} belongs to an existing user of this workspace, and identity provider "y" may not link existing accounts (accountLinking is "none")`,
    );
    expect((await scim('get', `/Users/${victim.id}`)).status).toBe(404);
    expect(
      (
        await scim('patch', `/Users/${victim.id}`, {
          schemas: [SCIM_PATCH],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        })
      ).status,
    ).toBe(404);
    expect(
      (await scim('put', `/Users/${victim.id}`, { schemas: [SCIM_USER], userName: VICTIM, active: false }))
        .status,
    ).toBe(404);
    expect((await scim('delete', `/Users/${victim.id}`)).status).toBe(404);
    const after = await t.dataSource.getRepository(User).findOneByOrFail({ id: victim.id });
    expect(after).toEqual(expect.objectContaining({ status: 'active', isAdmin: true }));
    expect(await t.dataSource.getRepository(ScimUser).countBy({ userId: victim.id })).toBe(0);

    // Y's own users need no linking permission: what Y's SCIM client provisioned, Y's sign-in reaches
    const own = await scim('post', '/Users', { schemas: [SCIM_USER], userName: 'scimmed@partner.example' });
    expect(own.status).toBe(201);
    expect((await oidcSignIn(tenant, 'y-scim')).status).toBe(302);
    expect(await identitiesOf(own.body.id)).toBe(1);

    // linking allowed but the domain not vouched for: still 409; vouched: the user is adopted
    await t.op
      .patch(`/api/v1/tenants/${tenant}/identity-providers/y`)
      .send({ accountLinking: 'email' })
      .expect(200);
    const unverified = await scim('post', '/Users', { schemas: [SCIM_USER], userName: VICTIM });
    expect(unverified.status).toBe(409);
    expect(unverified.body.detail).toContain('is not among the verifiedDomains of identity provider "y"');
    await t.op
      .patch(`/api/v1/tenants/${tenant}/identity-providers/y`)
      .send({ verifiedDomains: ['example.com'] })
      .expect(200);
    const adopted = await scim('post', '/Users', { schemas: [SCIM_USER], userName: VICTIM });
    expect(adopted.status).toBe(201);
    expect(adopted.body.id).toBe(victim.id);
    expect((await lastEvent('scim.user_linked')).userId).toBe(victim.id);
  });

  it('the first IdP still links users pre-provisioned through the API; a later one only when allowed', async () => {
    const tenant = TENANTS[4];
    await t.op.post('/api/v1/tenants').send({ slug: tenant, name: tenant }).expect(201);
    const first = await oidcIdp(tenant, 'first');
    const pre = await t.op
      .post(`/api/v1/tenants/${tenant}/users`)
      .send({ email: 'pre@example.com' })
      .expect(201);
    const done = await oidcSignIn(tenant, 'y-pre', 'first');
    expect(done.status).toBe(302);
    expect(sessionCookie(done, tenant)).toBe(true);
    expect(await identitiesOf(pre.body.id)).toBe(1);
    expect(await t.dataSource.getRepository(User).countBy({ email: 'pre@example.com' })).toBe(1);
    expect(first.body.accountLinking).toBe('unowned');

    // a second IdP keeps its stored default when the first is deleted
    const second = await oidcIdp(tenant, 'y');
    expect(second.body.accountLinking).toBe('none');
    await t.op.delete(`/api/v1/tenants/${tenant}/identity-providers/first`).expect(204);
    const reread = await t.op.get(`/api/v1/tenants/${tenant}/identity-providers/y`).expect(200);
    expect(reread.body).toEqual(expect.objectContaining({ accountLinking: 'none', verifiedDomains: [] }));
    const other = await t.op.post(`/api/v1/tenants/${tenant}/users`).send({ email: VICTIM }).expect(201);
    expect((await oidcSignIn(tenant, 'y-verified')).status).toBe(403);
    expect(await identitiesOf(other.body.id)).toBe(0);
  });

  it('no default lets the first IdP land in an account another IdP signed up first (pre-hijacking)', async () => {
    const tenant = TENANTS[7];
    const tenantId = (await t.op.post('/api/v1/tenants').send({ slug: tenant, name: tenant }).expect(201))
      .body.id as string;
    await oidcIdp(tenant, 'first', { groupSync: { adminGroups: ['x-admins'] } });
    await oidcIdp(tenant, 'y');
    // the attacker signs up through Y first with the victim's address...
    expect((await oidcSignIn(tenant, 'y-verified')).status).toBe(302);
    const planted = await t.dataSource.getRepository(User).findOneByOrFail({ tenantId, email: VICTIM });
    // ...the victim's own sign-in through the first IdP must not land there (and make it admin)
    const refused = await oidcSignIn(tenant, 'victim-real', 'first');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('first is not allowed to sign in to it');
    const after = await t.dataSource.getRepository(User).findOneByOrFail({ id: planted.id });
    expect(after.isAdmin).toBe(false);
    expect(await identitiesOf(planted.id)).toBe(1);
    // linking another IdP's users is the admin's explicit decision
    await t.op
      .patch(`/api/v1/tenants/${tenant}/identity-providers/first`)
      .send({ accountLinking: 'email' })
      .expect(200);
    expect((await oidcSignIn(tenant, 'victim-real', 'first')).status).toBe(302);
    expect(await identitiesOf(planted.id)).toBe(2);
  });

  it("SAML emails count as verified only in the IdP's verifiedDomains", async () => {
    const tenant = TENANTS[5];
    await t.op.post('/api/v1/tenants').send({ slug: tenant, name: tenant }).expect(201);
    await t.op
      .post(`/api/v1/tenants/${tenant}/identity-providers`)
      .send({ slug: 'x', type: 'saml', metadataXml: x.metadataXml })
      .expect(201);
    const pre = await t.op
      .post(`/api/v1/tenants/${tenant}/users`)
      .send({ email: 'pre@example.com' })
      .expect(201);
    const refused = await samlSignIn(tenant, 'pre-at-x', 'pre@example.com');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('x did not confirm that this email address is yours');
    await t.op
      .patch(`/api/v1/tenants/${tenant}/identity-providers/x`)
      .send({ verifiedDomains: ['example.com'] })
      .expect(200);
    expect((await samlSignIn(tenant, 'pre-at-x', 'pre@example.com')).status).toBe(302);
    expect(await identitiesOf(pre.body.id)).toBe(1);
  });

  it('validates the settings', async () => {
    const tenant = TENANTS[6];
    await t.op.post('/api/v1/tenants').send({ slug: tenant, name: tenant }).expect(201);
    const bad = await t.op
      .post(`/api/v1/tenants/${tenant}/identity-providers`)
      .send({ slug: 'x', type: 'saml', metadataXml: x.metadataXml, accountLinking: 'always' });
    expect(bad.status).toBe(400);
    const badDomain = await t.op
      .post(`/api/v1/tenants/${tenant}/identity-providers`)
      .send({ slug: 'x', type: 'saml', metadataXml: x.metadataXml, verifiedDomains: ['not a domain'] });
    expect(badDomain.status).toBe(400);
    const explicit = await t.op
      .post(`/api/v1/tenants/${tenant}/identity-providers`)
      .send({ slug: 'x', type: 'saml', metadataXml: x.metadataXml, accountLinking: 'none' })
      .expect(201);
    expect(explicit.body.accountLinking).toBe('none'); // an explicit choice beats the first-IdP default
    const docs = await request(t.http).get('/api/docs/openapi.json').expect(200);
    expect(JSON.stringify(docs.body)).toContain('verifiedDomains');
  });
});
