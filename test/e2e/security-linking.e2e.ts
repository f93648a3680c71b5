import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { ScimUser } from '../../src/scim/scim-user.entity';
import { Identity } from '../../src/users/identity.entity';
import { User } from '../../src/users/user.entity';
import { SCIM_USER } from '../support/factories';
import { authnRequestId, createSamlIdp, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';

// Account linking between the IdPs of one tenant (docs/sync.md, "Account linking"): IdP X (SAML, the
// tenant's first) and IdP Y (OIDC, a real provider on 127.0.0.1, the second). Y asserting the email
// of X's user must not become that user unless the admin allowed Y to link and the email is verified.
const TENANTS = ['link-a', 'link-b', 'link-c', 'link-d', 'link-e', 'link-f', 'link-g', 'link-h', 'link-i'];
const VICTIM = 'victim@example.com';
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
    'y-malformed': {
      email: 'boss@acme.test@partner.test',
      email_verified: true,
      name: 'Two ats',
      groups: [],
    },
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
    // X holds the account: the person is not told to have linking allowed (that would let Y in too)
    expect(refused.text).toContain(
      'An account with this email already exists in this workspace and Partner IdP is not allowed to sign in to it; ask your administrator.',
    );
    expect(refused.text).not.toContain('allow account linking');
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
        heldBy: ['x'],
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
    await t.op.delete(`/api/v1/tenants/${tenant}/identity-providers/first?force=true`).expect(204);
    const reread = await t.op.get(`/api/v1/tenants/${tenant}/identity-providers/y`).expect(200);
    expect(reread.body).toEqual(expect.objectContaining({ accountLinking: 'none', verifiedDomains: [] }));
    const other = await t.op.post(`/api/v1/tenants/${tenant}/users`).send({ email: VICTIM }).expect(201);
    const unowned = await oidcSignIn(tenant, 'y-verified');
    expect(unowned.status).toBe(403);
    // no IdP holds this user: allowing linking is the right advice
    expect(unowned.text).toContain('ask your administrator to allow account linking for Partner IdP');
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

  // The outside attack of 2026-12-01: a partner IdP next to the company IdP `dev` (acme.test).
  describe('a partner IdP cannot plant, keep or smuggle accounts in the company domain', () => {
    let partnerSaml: TestSamlIdp;
    beforeAll(() => {
      partnerSaml = createSamlIdp('https://partner.example/idp');
    });

    /** `dev` (first IdP, acme.test verified, linking unowned) and `partner` (partner.test verified). */
    async function companyAndPartner(tenant: string, dev: object = { verifiedDomains: ['acme.test'] }) {
      const tenantId = (await t.op.post('/api/v1/tenants').send({ slug: tenant, name: tenant }).expect(201))
        .body.id as string;
      await t.op
        .post(`/api/v1/tenants/${tenant}/identity-providers`)
        .send({ slug: 'dev', type: 'saml', name: 'Dev', metadataXml: x.metadataXml, ...dev })
        .expect(201);
      await t.op
        .post(`/api/v1/tenants/${tenant}/identity-providers`)
        .send({
          slug: 'partner',
          type: 'saml',
          name: 'Partner',
          metadataXml: partnerSaml.metadataXml,
          verifiedDomains: ['partner.test'],
        })
        .expect(201);
      return tenantId;
    }

    async function signIn(tenant: string, slug: 'dev' | 'partner', nameId: string, email: string) {
      const idp = slug === 'dev' ? x : partnerSaml;
      const login = await request(t.http).get(`/sso/${tenant}/${slug}/login`).expect(302);
      const spMetadata = (await request(t.http).get(`/sso/${tenant}/${slug}/metadata`).expect(200)).text;
      const response = await idp.respond(spMetadata, `http://sso.test/sso/${tenant}/${slug}/acs`, {
        inResponseTo: authnRequestId(login.headers.location),
        nameId,
        attributes: { email: [email] },
      });
      return request(t.http).post(`/sso/${tenant}/${slug}/acs`).type('form').send({ SAMLResponse: response });
    }

    const patchIdp = (tenant: string, slug: string, body: object) =>
      t.op.patch(`/api/v1/tenants/${tenant}/identity-providers/${slug}`).send(body).expect(200);
    const usersWith = (tenantId: string, email: string) =>
      t.dataSource.getRepository(User).countBy({ tenantId, email });

    async function scimOf(tenant: string, idp: string) {
      const token = (
        await t.op.post(`/api/v1/tenants/${tenant}/scim-tokens`).send({ idp, name: idp }).expect(201)
      ).body.token as string;
      return (method: 'post' | 'put' | 'patch', path: string, body: object) => {
        const agent = request(t.http);
        return agent[method](`/scim/v2/${tenant}${path}`)
          .set('Authorization', `Bearer ${token}`)
          .set('Content-Type', 'application/scim+json')
          .send(JSON.stringify(body));
      };
    }

    it("JIT: the partner cannot create a user in dev's verified domain; the real CEO's sign-in then works", async () => {
      const tenant = 'link-jit';
      const tenantId = await companyAndPartner(tenant);
      const planted = await signIn(tenant, 'partner', 'evil-ceo', 'ceo@acme.test');
      expect(planted.status).toBe(403);
      expect(planted.text).toContain(
        'The email domain acme.test belongs to another sign-in method of this workspace; ask your administrator.',
      );
      expect(sessionCookie(planted, tenant)).toBe(false);
      expect(await usersWith(tenantId, 'ceo@acme.test')).toBe(0);
      expect((await lastEvent('sync.signup_denied')).details).toEqual(
        expect.objectContaining({
          idp: 'partner',
          code: 'email_domain_reserved',
          email: 'ceo@acme.test',
          externalId: 'evil-ceo',
          verifiedBy: ['dev'],
        }),
      );
      // its own domain, and domains no IdP vouches for, stay open to it
      expect((await signIn(tenant, 'partner', 'bob', 'bob@partner.test')).status).toBe(302);
      expect((await signIn(tenant, 'partner', 'gus', 'gus@elsewhere.test')).status).toBe(302);
      // the company IdP signs the CEO up; the partner still cannot reach the account
      expect((await signIn(tenant, 'dev', 'real-ceo', 'ceo@acme.test')).status).toBe(302);
      expect((await signIn(tenant, 'partner', 'evil-ceo', 'ceo@acme.test')).status).toBe(403);
      // an IdP that vouches for the domain itself may create there (both list acme.test)
      await patchIdp(tenant, 'partner', { verifiedDomains: ['partner.test', 'acme.test'] });
      expect((await signIn(tenant, 'partner', 'cto', 'cto@acme.test')).status).toBe(302);
    });

    it('an account another IdP planted before: the refusal gives no "allow linking" advice; the admin sees who holds it', async () => {
      const tenant = 'link-held';
      const tenantId = await companyAndPartner(tenant, {});
      // before dev listed acme.test (or before this fix), the partner planted the account
      expect((await signIn(tenant, 'partner', 'evil-ceo', 'ceo@acme.test')).status).toBe(302);
      await patchIdp(tenant, 'dev', { verifiedDomains: ['acme.test'] });
      const refused = await signIn(tenant, 'dev', 'real-ceo', 'ceo@acme.test');
      expect(refused.status).toBe(403);
      expect(refused.text).toContain(
        'An account with this email already exists in this workspace and Dev is not allowed to sign in to it; ask your administrator.',
      );
      expect(refused.text).not.toContain('allow account linking');
      expect(refused.text).not.toContain('Partner');
      const event = await lastEvent('sso.sign_in_refused');
      expect(event.details).toEqual(
        expect.objectContaining({ idp: 'dev', code: 'account_linking_off', heldBy: ['partner'] }),
      );
      expect(refused.text).toContain(String(event.correlationId));
      const planted = await t.dataSource
        .getRepository(User)
        .findOneByOrFail({ tenantId, email: 'ceo@acme.test' });
      expect(await identitiesOf(planted.id)).toBe(1);
    });

    it('allowedDomains applies to the account a held subject lands in, not only to the email sent', async () => {
      const tenant = 'link-allowed';
      const tenantId = await companyAndPartner(tenant, {});
      expect((await signIn(tenant, 'partner', 'evil-ceo', 'ceo@acme.test')).status).toBe(302);
      const account = await t.dataSource
        .getRepository(User)
        .findOneByOrFail({ tenantId, email: 'ceo@acme.test' });
      // without allowedDomains another sent email still lands in the account: recorded, email unchanged
      const moved = await signIn(tenant, 'partner', 'evil-ceo', 'nobody@partner.test');
      expect(moved.status).toBe(302);
      expect((await lastEvent('identity.email_differs')).details).toEqual(
        expect.objectContaining({
          idp: 'partner',
          externalId: 'evil-ceo',
          sentEmail: 'nobody@partner.test',
          accountEmail: 'ceo@acme.test',
        }),
      );
      expect((await t.dataSource.getRepository(User).findOneByOrFail({ id: account.id })).email).toBe(
        'ceo@acme.test',
      );
      await patchIdp(tenant, 'partner', { allowedDomains: ['partner.test'] });
      const refused = await signIn(tenant, 'partner', 'evil-ceo', 'nobody@partner.test');
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('Your account in this workspace cannot sign in through Partner');
      expect(sessionCookie(refused, tenant)).toBe(false);
      expect((await lastEvent('sso.sign_in_refused')).details).toEqual(
        expect.objectContaining({
          code: 'domain_not_allowed',
          email: 'nobody@partner.test',
          accountEmail: 'ceo@acme.test',
        }),
      );
      expect((await signIn(tenant, 'partner', 'evil-ceo', 'ceo@acme.test')).status).toBe(403);
      expect((await signIn(tenant, 'partner', 'bob', 'bob@partner.test')).status).toBe(302); // control
    });

    it("SCIM: the partner's token cannot create or move users into dev's domain, nor outside its allowedDomains", async () => {
      const tenant = 'link-scim';
      const tenantId = await companyAndPartner(tenant);
      const scim = await scimOf(tenant, 'partner');
      const cfo = await scim('post', '/Users', { schemas: [SCIM_USER], userName: 'cfo@acme.test' });
      expect(cfo.status).toBe(409);
      expect(cfo.body.scimType).toBe('uniqueness');
      expect(cfo.body.detail).toContain('the email domain acme.test belongs to another sign-in method');
      const viaEmails = await scim('post', '/Users', {
        schemas: [SCIM_USER],
        userName: 'cfo',
        emails: [{ value: 'CFO@Acme.Test', primary: true }],
      });
      expect(viaEmails.status).toBe(409);
      expect(await usersWith(tenantId, 'cfo@acme.test')).toBe(0);

      const legacy = await scim('post', '/Users', { schemas: [SCIM_USER], userName: 'old@elsewhere.test' });
      expect(legacy.status).toBe(201);
      const own = await scim('post', '/Users', { schemas: [SCIM_USER], userName: 'ann@partner.test' });
      expect(own.status).toBe(201);
      const move = (id: string, value: string) =>
        scim('patch', `/Users/${id}`, {
          schemas: [SCIM_PATCH],
          Operations: [{ op: 'replace', path: 'emails', value: [{ value, primary: true }] }],
        });
      const moved = await move(own.body.id, 'cfo@acme.test');
      expect(moved.status).toBe(409);
      expect(moved.body.detail).toContain('belongs to another sign-in method');
      const put = await scim('put', `/Users/${own.body.id}`, {
        schemas: [SCIM_USER],
        userName: 'ann@partner.test',
        emails: [{ value: 'cfo@acme.test', primary: true }],
      });
      expect(put.status).toBe(409);
      expect((await t.dataSource.getRepository(User).findOneByOrFail({ id: own.body.id })).email).toBe(
        'ann@partner.test',
      );

      // allowedDomains: creating and changing emails outside it is refused (400)...
      await patchIdp(tenant, 'partner', { allowedDomains: ['partner.test'] });
      const outside = await scim('post', '/Users', { schemas: [SCIM_USER], userName: 'zed@elsewhere.test' });
      expect(outside.status).toBe(400);
      expect(outside.body.scimType).toBe('invalidValue');
      expect(outside.body.detail).toBe(
        'the email domain elsewhere.test is not among the allowedDomains of identity provider "partner"',
      );
      expect((await move(own.body.id, 'ann@elsewhere.test')).status).toBe(400);
      expect((await move(own.body.id, 'ann.b@partner.test')).status).toBe(200);
      // ...but a user outside it from before can still be deprovisioned
      const off = await scim('patch', `/Users/${legacy.body.id}`, {
        schemas: [SCIM_PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      });
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
    });

    it.each([
      ['a newline before a second @', 'ceo@acme.test\n@partner.test'],
      ['spaces before a second @', 'ceo@acme.test  @PARTNER.TEST'],
      ['two @', 'boss@acme.test@partner.test'],
    ])('SAML: an email with %s is refused (claim_invalid), nothing created', async (_why, email) => {
      const tenant = `link-bad-${_why.length}`;
      const tenantId = await companyAndPartner(tenant);
      const refused = await signIn(tenant, 'partner', 'evil', email);
      expect(refused.status).toBe(401);
      expect(refused.text).toContain('The identity provider sent an email address that is not valid');
      expect(sessionCookie(refused, tenant)).toBe(false);
      expect(await t.dataSource.getRepository(User).countBy({ tenantId })).toBe(0);
      expect((await lastEvent('sso.sign_in_refused')).details).toEqual(
        expect.objectContaining({ idp: 'partner', code: 'claim_invalid' }),
      );
    });

    // The second outside attack: look-alike domains, unmatchable domain settings, parallel creates.
    it("look-alike and IDN domains are compared in their ASCII form: no planting in dev's domain", async () => {
      const tenant = 'link-idn';
      const tenantId = await companyAndPartner(tenant);
      const scim = await scimOf(tenant, 'partner');
      // Full-width ａ is acme.test after IDNA mapping: it is dev's domain, so refused.
      const fullWidth = await scim('post', '/Users', { schemas: [SCIM_USER], userName: 'ceo@ａcme.test' });
      expect(fullWidth.status).toBe(409);
      expect((await signIn(tenant, 'partner', 'fw', 'jit@ａcme.test')).status).toBe(403);
      expect(await usersWith(tenantId, 'ceo@acme.test')).toBe(0);
      expect(await usersWith(tenantId, 'jit@acme.test')).toBe(0);
      // A local part in another script would read as the CEO: refused as not a valid address.
      const cyrillic = await scim('post', '/Users', { schemas: [SCIM_USER], userName: 'сeo@partner.test' });
      expect(cyrillic.status).toBe(400);
      // A company domain written in Unicode is reserved in its xn-- form, and matches either spelling.
      await patchIdp(tenant, 'dev', { verifiedDomains: ['acme.test', 'xn--bcher-kva.test'] });
      const idn = await scim('post', '/Users', { schemas: [SCIM_USER], userName: 'ceo@bücher.test' });
      expect(idn.status).toBe(409);
      const unmatchable = await t.op
        .patch(`/api/v1/tenants/${tenant}/identity-providers/dev`)
        .send({ verifiedDomains: ['.acme.test'] });
      expect(unmatchable.status).toBe(400);
      for (const domain of ['acme..test', '-acme-.test', 'xn--.test', 'bücher.test'])
        expect(
          (
            await t.op
              .patch(`/api/v1/tenants/${tenant}/identity-providers/partner`)
              .send({ allowedDomains: [domain] })
          ).status,
        ).toBe(400);
    });

    it('IdPs created in parallel in a new tenant: exactly one gets the first-IdP default', async () => {
      // The race needs real overlap: ten new tenants, three creates each, all at once.
      const tenants = Array.from({ length: 10 }, (_, i) => `link-race-${i}`);
      for (const tenant of tenants)
        await t.op.post('/api/v1/tenants').send({ slug: tenant, name: tenant }).expect(201);
      const created = await Promise.all(
        tenants.flatMap((tenant) =>
          ['r1', 'r2', 'r3'].map((slug) =>
            t.op
              .post(`/api/v1/tenants/${tenant}/identity-providers`)
              .send({ slug, type: 'saml', metadataXml: x.metadataXml })
              .then((res) => ({ tenant, status: res.status, linking: res.body.accountLinking as string })),
          ),
        ),
      );
      for (const tenant of tenants) {
        const mine = created.filter((c) => c.tenant === tenant);
        expect({ tenant, statuses: mine.map((c) => c.status) }).toEqual({
          tenant,
          statuses: [201, 201, 201],
        });
        expect({ tenant, linking: mine.map((c) => c.linking).sort() }).toEqual({
          tenant,
          linking: ['none', 'none', 'unowned'],
        });
      }
    });

    it('OIDC, SCIM and the admin API refuse the same malformed emails', async () => {
      const tenant = TENANTS[8];
      const tenantId = (await t.op.post('/api/v1/tenants').send({ slug: tenant, name: tenant }).expect(201))
        .body.id as string;
      await oidcIdp(tenant, 'y');
      const refused = await oidcSignIn(tenant, 'y-malformed');
      expect(refused.status).toBe(401);
      expect(refused.text).toContain('The identity provider sent an email address that is not valid');
      expect(await t.dataSource.getRepository(User).countBy({ tenantId })).toBe(0);

      const scim = await scimOf(tenant, 'y');
      for (const body of [
        { userName: 'boss@acme.test@partner.test' },
        { userName: 'boss', emails: [{ value: 'ceo@acme.test\n@partner.test', primary: true }] },
        { userName: 'boss', emails: [{ value: 'ceo@acme.test  @PARTNER.TEST' }] },
      ]) {
        const res = await scim('post', '/Users', { schemas: [SCIM_USER], ...body });
        expect(res.status).toBe(400);
        expect(res.body.scimType).toBe('invalidValue');
      }
      const bad = await t.op
        .post(`/api/v1/tenants/${tenant}/users`)
        .send({ email: 'boss@acme.test@partner.test' });
      expect(bad.status).toBe(400);
      expect(await t.dataSource.getRepository(User).countBy({ tenantId })).toBe(0);
    });
  });
});
