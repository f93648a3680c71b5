import request from 'supertest';
import { newGroup, newGroupLink, newTenant } from '../support/factories';
import { authnRequestId, createSamlIdp, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';

const TENANT = 'me-acme';
const GROUPS = 'groups';
const EMAIL = 'email';
const acsUrl = `http://sso.test/sso/${TENANT}/entra/acs`;
const DEV = 'developers';
const OPS = 'operators';

describe("the own page's last sign-in (GET /sso/:tenant/me/last-sign-in)", () => {
  let t: TestApp;
  let entra: TestSamlIdp;
  let spMetadata: string;
  let ops: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    entra = createSamlIdp('https://idp.example/');
    await newTenant(t, TENANT);
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({ slug: 'entra', type: 'saml', metadataXml: entra.metadataXml })
      .expect(201);
    spMetadata = (await request(t.http).get(`/sso/${TENANT}/entra/metadata`).expect(200)).text;
    const eng = await newGroup(t, TENANT, { name: 'Engineering' });
    ops = await newGroup(t, TENANT, { name: 'Operations' });
    await newGroupLink(t, TENANT, eng.id, { externalGroup: DEV, role: 'developer' });
    await newGroupLink(t, TENANT, ops.id, { externalGroup: OPS, role: 'maintainer' });
  });
  afterAll(async () => t.close());

  const attrs = (email: string, groups: string[]) => ({ [EMAIL]: [email], [GROUPS]: groups });
  const postAcs = (samlResponse: string) =>
    request(t.http)
      .post(`/sso/${TENANT}/entra/acs`)
      .type('form')
      .send({ SAMLResponse: samlResponse, RelayState: '' });
  async function startSamlTest() {
    const started = await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers/entra/test-sign-in`)
      .expect(201);
    const url = new URL(started.body.loginUrl as string);
    const login = await request(t.http)
      .get(url.pathname + url.search)
      .expect(302);
    return { id: started.body.id as string, requestId: authnRequestId(login.headers.location) };
  }

  it("the Me page's last sign-in: what it changed and why, for the person themself; a test sign-in is not one", async () => {
    const signIn = async (nameId: string, email: string, groups: string[]) => {
      const login = await request(t.http).get(`/sso/${TENANT}/entra/login`).expect(302);
      const response = await entra.respond(spMetadata, acsUrl, {
        inResponseTo: authnRequestId(login.headers.location),
        nameId,
        attributes: attrs(email, groups),
      });
      const done = await postAcs(response);
      expect(done.status).toBe(302);
      const cookie = ([] as string[])
        .concat(done.headers['set-cookie'])
        .find((c) => c.startsWith('gs_session_'))!;
      return cookie.split(';')[0];
    };
    const last = (cookie?: string) => {
      const req = request(t.http).get(`/sso/${TENANT}/me/last-sign-in`);
      return cookie ? req.set('Cookie', cookie) : req;
    };
    await signIn('ada-oid', 'ada@example.com', [DEV]);
    const ada = await signIn('ada-oid', 'ada@example.com', [DEV, OPS]);
    const erin = await signIn('erin-oid', 'erin@example.com', []);
    // A test sign-in of ada afterwards changes nothing of it.
    const test = await startSamlTest();
    const response = await entra.respond(spMetadata, acsUrl, {
      inResponseTo: test.requestId,
      nameId: 'ada-oid',
      attributes: attrs('ada@example.com', []),
    });
    expect((await postAcs(response)).status).toBe(302);

    const mine = (await last(ada).expect(200)).body;
    expect(mine).toEqual(
      expect.objectContaining({ idp: 'entra', adds: 1, roleChanges: 0, removals: 0, complete: true }),
    );
    expect(mine.changes).toEqual([
      expect.objectContaining({
        action: 'membership.added',
        groupId: ops.id,
        groupName: 'Operations',
        role: 'maintainer',
        reason: expect.stringContaining(OPS),
      }),
    ]);
    const theirs = (await last(erin).expect(200)).body;
    expect(theirs).toEqual(expect.objectContaining({ adds: 0, removals: 0, changes: [] }));
    const anonymous = await last().expect(401);
    expect(anonymous.body.code).toBe('not_signed_in');
    expect((await request(t.http).get('/sso/no-such-tenant/me/last-sign-in').set('Cookie', ada)).status).toBe(
      401,
    );
  });
});
