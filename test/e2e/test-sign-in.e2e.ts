import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Session } from '../../src/auth/session.entity';
import { Membership } from '../../src/groups/membership.entity';
import { TestSignIn } from '../../src/sso/test-sign-in/test-sign-in.entity';
import { ExternalMembership } from '../../src/sync/external-membership.entity';
import { Identity } from '../../src/users/identity.entity';
import { User } from '../../src/users/user.entity';
import { expectErrorShape, newApiKey, newGroup, newGroupLink, newTenant } from '../support/factories';
import { authnRequestId, createSamlIdp, makeKeyPair, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';

const TENANT = 'tsi-acme';
const GROUPS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';
const EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
const acsUrl = (idp: string) => `http://sso.test/sso/${TENANT}/${idp}/acs`;
const DEV = '6f1c0000-0000-4000-8000-000000000001';
const OPS = '6f1c0000-0000-4000-8000-000000000002';

/** A cookie jar for one browser, over supertest. */
class Browser {
  cookies = new Map<string, string>();
  constructor(private readonly t: TestApp) {}
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keep(res: request.Response) {
    for (const line of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [name, ...value] = line.split(';')[0].split('=');
      if (/Expires=Thu, 01 Jan 1970/i.test(line) || value.join('=') === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
  }
  async get(path: string) {
    const res = await request(this.t.http).get(path).set('Cookie', this.header());
    this.keep(res);
    return res;
  }
  async postForm(path: string, form: Record<string, string>) {
    const res = await request(this.t.http).post(path).set('Cookie', this.header()).type('form').send(form);
    this.keep(res);
    return res;
  }
}

describe('test sign-in: a real SAML / OIDC sign-in as a dry run that writes only its audit event', () => {
  let t: TestApp;
  let entra: TestSamlIdp;
  let intruder: TestSamlIdp; // same entity id, another key
  let strictIdp: TestSamlIdp;
  let op: TestOidcProvider;
  let spMetadata: Record<string, string>;
  let eng: { id: string; name: string };
  let ops: { id: string; name: string };

  beforeAll(async () => {
    op = await startTestOidcProvider({
      clients: [
        {
          client_id: 'groupsync',
          client_secret: 'oidc-client-secret',
          redirect_uris: [`http://sso.test/sso/${TENANT}/ping/callback`],
        },
      ],
      accounts: { carol: { email: 'carol@example.com', name: 'Carol', groups: ['Developers', 'Unknown'] } },
    });
    t = await startTestApp();
    entra = createSamlIdp('https://sts.windows.net/contoso/');
    intruder = createSamlIdp('https://sts.windows.net/contoso/', makeKeyPair('intruder'));
    strictIdp = createSamlIdp('https://strict.example/');
    await newTenant(t, TENANT);
    const saml = (slug: string, idp: TestSamlIdp, groupSync: object) =>
      t.op
        .post(`/api/v1/tenants/${TENANT}/identity-providers`)
        .send({
          slug,
          type: 'saml',
          metadataXml: idp.metadataXml,
          groupSync: { claims: [GROUPS], ...groupSync },
        })
        .expect(201);
    await saml('entra', entra, { caseSensitive: false });
    await saml('strict', strictIdp, { prohibitSignupIfNotInGroup: true });
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({
        slug: 'ping',
        type: 'oidc',
        issuer: op.issuer,
        clientId: 'groupsync',
        clientSecret: 'oidc-client-secret',
        scopes: ['openid', 'email', 'profile', 'groups'],
      })
      .expect(201);
    spMetadata = {};
    for (const slug of ['entra', 'strict'])
      spMetadata[slug] = (await request(t.http).get(`/sso/${TENANT}/${slug}/metadata`).expect(200)).text;
    eng = await newGroup(t, TENANT, { name: 'Engineering' });
    ops = await newGroup(t, TENANT, { name: 'Operations' });
    await newGroupLink(t, TENANT, eng.id, { externalGroup: DEV, role: 'developer', label: 'Developers' });
    await newGroupLink(t, TENANT, ops.id, { externalGroup: OPS, role: 'maintainer' });
    await newGroupLink(t, TENANT, eng.id, { externalGroup: 'Developers', role: 'reporter', idp: 'ping' });
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });

  const attrs = (email: string, groups: string[]) => ({ [EMAIL]: [email], [GROUPS]: groups });
  /** Every table a sign-in writes to, but the audit log. */
  const counts = async () => ({
    users: await t.dataSource.getRepository(User).count(),
    identities: await t.dataSource.getRepository(Identity).count(),
    memberships: await t.dataSource.getRepository(Membership).count(),
    sessions: await t.dataSource.getRepository(Session).count(),
    storedClaims: await t.dataSource.getRepository(ExternalMembership).count(),
  });
  const auditSince = async (before: number) =>
    (await t.dataSource.getRepository(AuditEvent).find({ order: { id: 'ASC' } })).slice(before);
  const auditCount = () => t.dataSource.getRepository(AuditEvent).count();

  /** An admin starts a test; a browser opens its login URL and comes back with the IdP's AuthnRequest id. */
  async function startSamlTest(idp = 'entra') {
    const started = await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers/${idp}/test-sign-in`)
      .expect(201);
    expect(started.body).toEqual(
      expect.objectContaining({ id: expect.any(String), status: 'pending', idp, result: null }),
    );
    const url = new URL(started.body.loginUrl as string);
    expect(url.origin).toBe('http://sso.test');
    const login = await request(t.http)
      .get(url.pathname + url.search)
      .expect(302);
    return {
      id: started.body.id as string,
      requestId: authnRequestId(login.headers.location),
      loginPath: url.pathname + url.search,
    };
  }
  const postAcs = (idp: string, samlResponse: string) =>
    request(t.http)
      .post(`/sso/${TENANT}/${idp}/acs`)
      .type('form')
      .send({ SAMLResponse: samlResponse, RelayState: '' });
  const result = async (idp: string, id: string) =>
    (await t.op.get(`/api/v1/tenants/${TENANT}/identity-providers/${idp}/test-sign-ins/${id}`).expect(200))
      .body;

  it('for an existing user: shows claims, normalized groups, matched links and the plan; writes nothing but the audit event', async () => {
    // ada signs in for real once: Engineering only.
    const real = await request(t.http).get(`/sso/${TENANT}/entra/login`).expect(302);
    const first = await entra.respond(spMetadata.entra, acsUrl('entra'), {
      inResponseTo: authnRequestId(real.headers.location),
      nameId: 'ada-oid',
      attributes: attrs('ada@example.com', [DEV]),
    });
    expect((await postAcs('entra', first)).status).toBe(302);
    const ada = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'ada@example.com' });

    const before = await counts();
    const audits = await auditCount();
    const test = await startSamlTest();
    const response = await entra.respond(spMetadata.entra, acsUrl('entra'), {
      inResponseTo: test.requestId,
      nameId: 'ada-oid',
      attributes: attrs('ada@example.com', [OPS.toUpperCase(), 'unrelated']),
    });
    const done = await postAcs('entra', response);
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe(
      `/admin/t/${TENANT}/identity-providers/entra/test-sign-ins/${test.id}`,
    );
    expect(done.headers['set-cookie'] ?? []).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^gs_session_/)]),
    );

    expect(await counts()).toEqual(before);
    const after = await t.dataSource.getRepository(User).findOneByOrFail({ id: ada.id });
    expect(after.lastSeenAt?.getTime()).toBe(ada.lastSeenAt?.getTime());
    expect(after.lastSignInAt?.getTime()).toBe(ada.lastSignInAt?.getTime());
    expect(after.updatedAt.getTime()).toBe(ada.updatedAt.getTime());
    const events = await auditSince(audits);
    expect(events.map((e) => e.action)).toEqual(['sso.test_sign_in']);
    expect(events[0].details).toEqual(
      expect.objectContaining({
        idp: 'entra',
        testSignInId: test.id,
        outcome: 'signed-in',
        email: 'ada@example.com',
        startedBy: 'operator token',
        wouldAdd: 1,
        wouldRemove: 1,
      }),
    );

    const body = await result('entra', test.id);
    expect(body.status).toBe('completed');
    expect(body.result.outcome).toBe('signed-in');
    expect(body.result.identity).toEqual(
      expect.objectContaining({ externalId: 'ada-oid', email: 'ada@example.com' }),
    );
    expect(body.result.rawClaims[GROUPS]).toEqual([OPS.toUpperCase(), 'unrelated']);
    expect(body.result.groups).toEqual({ status: 'present', complete: true, normalized: [OPS, 'unrelated'] });
    expect(body.result.account).toEqual(expect.objectContaining({ id: ada.id, email: 'ada@example.com' }));
    expect(body.result.matchedLinks).toEqual([
      expect.objectContaining({
        groupId: ops.id,
        groupName: 'Operations',
        externalGroup: OPS,
        role: 'maintainer',
      }),
    ]);
    expect(body.result.plan.signup).toBe('existing');
    expect(body.result.plan.adds).toEqual([
      expect.objectContaining({ groupName: 'Operations', role: 'maintainer', reason: expect.any(String) }),
    ]);
    expect(body.result.plan.removals).toEqual([expect.objectContaining({ groupName: 'Engineering' })]);
    // ada's real memberships are as the real sign-in left them.
    expect(await t.dataSource.getRepository(Membership).findBy({ userId: ada.id })).toEqual([
      expect.objectContaining({ groupId: eng.id, role: 'developer' }),
    ]);
  });

  it('for a new person: plans the signup and creates nobody; the assertion cannot be replayed as a real sign-in', async () => {
    const before = await counts();
    const test = await startSamlTest();
    const response = await entra.respond(spMetadata.entra, acsUrl('entra'), {
      inResponseTo: test.requestId,
      nameId: 'bob-oid',
      attributes: attrs('bob@example.com', [DEV]),
    });
    expect((await postAcs('entra', response)).status).toBe(302);
    const body = await result('entra', test.id);
    expect(body.result.plan.signup).toBe('create');
    expect(body.result.account).toBeNull();
    expect(await counts()).toEqual(before);
    const replay = await postAcs('entra', response);
    // The request id was consumed by the test (and the assertion id remembered): refused.
    expect(replay.status).toBe(401);
    expect(replay.text).toContain('start the sign-in again');
    expect(await counts()).toEqual(before);
    expect(await t.dataSource.getRepository(User).countBy({ email: 'bob@example.com' })).toBe(0);
  });

  it('a refused test (bad signature) shows the refusal as its result, with its one audit event', async () => {
    const audits = await auditCount();
    const before = await counts();
    const test = await startSamlTest();
    const forged = await intruder.respond(spMetadata.entra, acsUrl('entra'), {
      inResponseTo: test.requestId,
      nameId: 'ada-oid',
      attributes: attrs('ada@example.com', [DEV, OPS]),
    });
    const done = await postAcs('entra', forged);
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe(
      `/admin/t/${TENANT}/identity-providers/entra/test-sign-ins/${test.id}`,
    );
    const body = await result('entra', test.id);
    expect(body.status).toBe('refused');
    expect(body.result).toEqual({
      outcome: 'refused',
      refusal: expect.objectContaining({ code: 'saml_signature', reason: expect.any(String) }),
    });
    expect(await counts()).toEqual(before);
    const events = await auditSince(audits);
    expect(events.map((e) => e.action)).toEqual(['sso.test_sign_in']);
    expect(events[0].details).toEqual(
      expect.objectContaining({ outcome: 'refused', reason: body.result.refusal.reason }),
    );
  });

  it('a refused test (no known group, signup prohibited) shows the reason a real sign-in would get', async () => {
    const before = await counts();
    const test = await startSamlTest('strict');
    const response = await strictIdp.respond(spMetadata.strict, acsUrl('strict'), {
      inResponseTo: test.requestId,
      nameId: 'dan',
      attributes: attrs('dan@example.com', ['nobody-knows-this-group']),
    });
    expect((await postAcs('strict', response)).status).toBe(302);
    const body = await result('strict', test.id);
    expect(body.status).toBe('refused');
    expect(body.result.outcome).toBe('refused');
    expect(body.result.refusal.reason).toMatch(/group/);
    expect(body.result.plan.signup).toBe('denied');
    expect(body.result.groups.normalized).toEqual(['nobody-knows-this-group']);
    expect(await counts()).toEqual(before);
  });

  it('runs through OIDC too (the real code flow, browser-bound state), writing nothing', async () => {
    const before = await counts();
    const audits = await auditCount();
    const started = await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers/ping/test-sign-in`)
      .expect(201);
    const browser = new Browser(t);
    const url = new URL(started.body.loginUrl as string);
    const login = await browser.get(url.pathname + url.search);
    expect(login.status).toBe(302);
    const back = await op.signIn(login.headers.location, 'carol');
    const done = await browser.get(back.pathname + back.search);
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe(
      `/admin/t/${TENANT}/identity-providers/ping/test-sign-ins/${started.body.id}`,
    );
    expect([...browser.cookies.keys()].filter((k) => k.startsWith('gs_session'))).toEqual([]);
    const body = await result('ping', started.body.id);
    expect(body.status).toBe('completed');
    expect(body.result.identity.email).toBe('carol@example.com');
    expect(body.result.rawClaims.groups).toEqual(['Developers', 'Unknown']);
    expect(body.result.matchedLinks).toEqual([
      expect.objectContaining({ groupName: 'Engineering', externalGroup: 'Developers', idpScoped: true }),
    ]);
    expect(body.result.plan.adds).toEqual([
      expect.objectContaining({ groupName: 'Engineering', role: 'reporter' }),
    ]);
    expect(await counts()).toEqual(before);
    expect((await auditSince(audits)).map((e) => e.action)).toEqual(['sso.test_sign_in']);
  });

  it('the test mark cannot be forged or reused: a made-up or used token is refused, and nothing is marked', async () => {
    const before = await counts();
    const forged = await request(t.http).get(`/sso/${TENANT}/entra/login?test=made-up-token`);
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('test sign-in link');
    const test = await startSamlTest();
    const reused = await request(t.http).get(test.loginPath);
    expect(reused.status).toBe(400);
    // A token of one IdP does not start a test of another.
    const other = await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-in`)
      .expect(201);
    const token = new URL(other.body.loginUrl as string).searchParams.get('test');
    expect((await request(t.http).get(`/sso/${TENANT}/strict/login?test=${token}`)).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('a plain user cannot start or read a test; an admin of another tenant cannot either', async () => {
    // ada (not an admin) has a real session.
    const login = await request(t.http).get(`/sso/${TENANT}/entra/login`).expect(302);
    const response = await entra.respond(spMetadata.entra, acsUrl('entra'), {
      inResponseTo: authnRequestId(login.headers.location),
      nameId: 'ada-oid',
      attributes: attrs('ada@example.com', [DEV]),
    });
    const signedIn = await postAcs('entra', response);
    const cookie = ([] as string[])
      .concat(signedIn.headers['set-cookie'])
      .find((c) => c.startsWith('gs_session_'))!;
    const me = await request(t.http).get(`/sso/${TENANT}/me`).set('Cookie', cookie.split(';')[0]).expect(200);
    const test = await startSamlTest();
    const agent = request(t.http);
    const asAda = (method: 'get' | 'post', path: string) =>
      (method === 'get' ? agent.get(path) : agent.post(path))
        .set('Cookie', cookie.split(';')[0])
        .set('X-CSRF-Token', me.body.csrfToken);
    const start = await asAda('post', `/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-in`);
    expectErrorShape(start.body, 403, 'forbidden');
    const read = await asAda(
      'get',
      `/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-ins/${test.id}`,
    );
    expectErrorShape(read.body, 403, 'forbidden');

    const other = await newTenant(t);
    await t.op
      .post(`/api/v1/tenants/${other.slug}/identity-providers`)
      .send({ slug: 'entra', type: 'saml', metadataXml: createSamlIdp('https://other.example/').metadataXml })
      .expect(201);
    const key = await newApiKey(t, other.slug);
    expectErrorShape(
      (await key.as('post', `/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-in`)).body,
      403,
      'forbidden',
    );
    expectErrorShape(
      (await key.as('get', `/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-ins/${test.id}`))
        .body,
      403,
      'forbidden',
    );
    // Through its own tenant's route, tenant A's test does not exist.
    const own = await key.as(
      'get',
      `/api/v1/tenants/${other.slug}/identity-providers/entra/test-sign-ins/${test.id}`,
    );
    expectErrorShape(own.body, 404, 'test_sign_in_not_found');
  });

  it('validates input and forgets results after their short life', async () => {
    expectErrorShape(
      (await t.op.post(`/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-in`).send({ as: 'x' }))
        .body,
      400,
      'validation_failed',
    );
    expectErrorShape(
      (await t.op.post(`/api/v1/tenants/${TENANT}/identity-providers/nope/test-sign-in`)).body,
      404,
    );
    expectErrorShape(
      (await t.op.get(`/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-ins/not-a-uuid`)).body,
      400,
    );
    const started = await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-in`)
      .expect(201);
    await t.dataSource
      .getRepository(TestSignIn)
      .update({ id: started.body.id }, { expiresAt: new Date(Date.now() - 1000) });
    expectErrorShape(
      (await t.op.get(`/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-ins/${started.body.id}`))
        .body,
      404,
    );
    // The next start prunes it.
    await t.op.post(`/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-in`).expect(201);
    expect(await t.dataSource.getRepository(TestSignIn).countBy({ id: started.body.id })).toBe(0);
  });
});
