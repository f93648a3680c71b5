import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Membership } from '../../src/groups/membership.entity';
import { User } from '../../src/users/user.entity';
import { newGroup, newGroupLink } from '../support/factories';
import { authnRequestId, createSamlIdp, makeKeyPair, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';

const TENANT = 'saml-acme';
const GROUPS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';
const EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

describe('SAML sign-in with group sync (samlify IdP signing real assertions)', () => {
  let t: TestApp;
  let entra: TestSamlIdp;
  let intruder: TestSamlIdp; // same entity id, another key
  let spMetadata: string;
  const acsUrl = `http://sso.test/sso/${TENANT}/entra/acs`;
  let eng: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    entra = createSamlIdp('https://sts.windows.net/contoso/');
    intruder = createSamlIdp('https://sts.windows.net/contoso/', makeKeyPair('intruder'));
    await t.op.post('/api/v1/tenants').send({ slug: TENANT, name: 'Acme' }).expect(201);
    const idp = await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({
        slug: 'entra',
        type: 'saml',
        metadataXml: entra.metadataXml,
        groupSync: { claims: [GROUPS], caseSensitive: false },
      })
      .expect(201);
    expect(idp.body).toEqual(
      expect.objectContaining({
        acsUrl,
        spEntityId: `http://sso.test/sso/${TENANT}/entra/metadata`,
        entityId: entra.entityId,
      }),
    );
    const metadata = await request(t.http).get(`/sso/${TENANT}/entra/metadata`).expect(200);
    expect(metadata.headers['content-type']).toMatch(/samlmetadata\+xml/);
    expect(metadata.text).toContain(acsUrl);
    spMetadata = metadata.text;
    eng = await newGroup(t, TENANT, { name: 'Engineering' });
    const ops = await newGroup(t, TENANT, { name: 'Operations' });
    // Entra sends object ids
    await newGroupLink(t, TENANT, eng.id, {
      externalGroup: '6f1c0000-0000-4000-8000-000000000001',
      role: 'developer',
      label: 'Developers',
    });
    await newGroupLink(t, TENANT, ops.id, {
      externalGroup: '6f1c0000-0000-4000-8000-000000000002',
      role: 'maintainer',
    });
  });
  afterAll(async () => t.close());

  /** SP-initiated: our login redirect gives the AuthnRequest id the IdP answers. */
  async function startLogin(returnTo?: string) {
    const res = await request(t.http)
      .get(`/sso/${TENANT}/entra/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`)
      .expect(302);
    expect(res.headers.location.startsWith(entra.ssoUrl)).toBe(true);
    return authnRequestId(res.headers.location);
  }
  const post = (samlResponse: string) =>
    request(t.http)
      .post(`/sso/${TENANT}/entra/acs`)
      .type('form')
      .send({ SAMLResponse: samlResponse, RelayState: '' });
  const attrs = (email: string, groups: string[]) => ({ [EMAIL]: [email], [GROUPS]: groups });
  const counts = async () => ({
    users: await t.dataSource.getRepository(User).count(),
    memberships: await t.dataSource.getRepository(Membership).count(),
  });

  it('signs in (SP-initiated), creates the user with memberships from object-id claims, and starts a session', async () => {
    const id = await startLogin('/after');
    const response = await entra.respond(spMetadata, acsUrl, {
      inResponseTo: id,
      nameId: 'ada-object-id',
      attributes: attrs('ada@example.com', [
        '6F1C0000-0000-4000-8000-000000000001',
        '6f1c0000-0000-4000-8000-000000000002',
        'unrelated',
      ]),
    });
    const done = await post(response);
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/after');
    const cookie = ([] as string[])
      .concat(done.headers['set-cookie'])
      .find((c) => c.startsWith(`gs_session_${TENANT}=`))!;
    const me = await request(t.http).get(`/sso/${TENANT}/me`).set('Cookie', cookie.split(';')[0]).expect(200);
    expect(me.body.user.email).toBe('ada@example.com');
    expect(me.body.groups.map((g: { groupName: string; role: string }) => [g.groupName, g.role])).toEqual([
      ['Engineering', 'developer'],
      ['Operations', 'maintainer'],
    ]);
  });

  it('the next sign-in removes what the IdP no longer sends; the overage attribute removes nothing', async () => {
    const again = await entra.respond(spMetadata, acsUrl, {
      inResponseTo: await startLogin(),
      nameId: 'ada-object-id',
      attributes: attrs('ada@example.com', ['6f1c0000-0000-4000-8000-000000000001']),
    });
    expect((await post(again)).status).toBe(302);
    const user = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'ada@example.com' });
    expect(await t.dataSource.getRepository(Membership).countBy({ userId: user.id })).toBe(1);
    const overage = await entra.respond(spMetadata, acsUrl, {
      inResponseTo: await startLogin(),
      nameId: 'ada-object-id',
      attributes: {
        [EMAIL]: ['ada@example.com'],
        'http://schemas.microsoft.com/claims/groups.link': [
          'https://graph.windows.net/contoso/users/ada/getMemberObjects',
        ],
      },
    });
    expect((await post(overage)).status).toBe(302);
    expect(await t.dataSource.getRepository(Membership).countBy({ userId: user.id })).toBe(1);
  });

  it('IdP-initiated sign-in works only where it is switched on, and honours a same-site RelayState', async () => {
    const okta = createSamlIdp('http://www.okta.com/exk-test');
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({
        slug: 'okta',
        type: 'saml',
        metadataXml: okta.metadataXml,
        allowIdpInitiated: true,
        groupSync: { claims: ['groups'] },
      })
      .expect(201);
    await newGroupLink(t, TENANT, eng.id, { externalGroup: 'Engineers', role: 'reporter', idp: 'okta' });
    const oktaMetadata = (await request(t.http).get(`/sso/${TENANT}/okta/metadata`).expect(200)).text;
    const oktaAcs = `http://sso.test/sso/${TENANT}/okta/acs`;
    const unsolicited = await okta.respond(oktaMetadata, oktaAcs, {
      nameId: 'lin@example.com',
      attributes: { groups: ['Engineers'] },
    });
    const res = await request(t.http)
      .post(`/sso/${TENANT}/okta/acs`)
      .type('form')
      .send({ SAMLResponse: unsolicited, RelayState: '/projects' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/projects');
    const lin = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'lin@example.com' });
    const memberships = await t.dataSource.getRepository(Membership).findBy({ userId: lin.id });
    expect(memberships.map((m) => [m.groupId, m.role])).toEqual([[eng.id, 'reporter']]);
  });

  it('ADFS: DN group claims, case-insensitive, admin groups, signup denial and links scoped to the IdP', async () => {
    const adfs = createSamlIdp('http://adfs.corp.example/adfs/services/trust');
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({
        slug: 'adfs',
        type: 'saml',
        metadataXml: adfs.metadataXml,
        allowIdpInitiated: true,
        groupSync: {
          claims: ['groups'],
          dnCommonName: true,
          caseSensitive: false,
          adminGroups: ['GS-Admins'],
          prohibitSignupIfNotInGroup: true,
        },
      })
      .expect(201);
    const platform = await newGroup(t, TENANT, { name: 'Platform' });
    await newGroupLink(t, TENANT, platform.id, {
      externalGroup: 'platform team',
      role: 'maintainer',
      idp: 'adfs',
    });
    const adfsMetadata = (await request(t.http).get(`/sso/${TENANT}/adfs/metadata`).expect(200)).text;
    const adfsAcs = `http://sso.test/sso/${TENANT}/adfs/acs`;
    const send = async (email: string, groups: string[]) =>
      request(t.http)
        .post(`/sso/${TENANT}/adfs/acs`)
        .type('form')
        .send({
          SAMLResponse: await adfs.respond(adfsMetadata, adfsAcs, { nameId: email, attributes: { groups } }),
        });

    const ok = await send('kim@corp.example', [
      'CN=Platform Team,OU=Groups,DC=corp,DC=example',
      'CN=gs-admins,OU=Groups,DC=corp,DC=example',
    ]);
    expect(ok.status).toBe(302);
    const kim = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'kim@corp.example' });
    expect(kim.isAdmin).toBe(true);
    expect(
      (await t.dataSource.getRepository(Membership).findBy({ userId: kim.id })).map((m) => [
        m.groupId,
        m.role,
      ]),
    ).toEqual([[platform.id, 'maintainer']]);

    // "Engineers" is linked for the Okta IdP only, so here it matches nothing: no signup
    const users = await t.dataSource.getRepository(User).count();
    const denied = await send('nobody@corp.example', [
      'CN=Developers,OU=Groups,DC=corp,DC=example',
      'CN=Engineers,OU=Groups,DC=corp,DC=example',
    ]);
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('not in any group of this workspace');
    expect(await t.dataSource.getRepository(User).count()).toBe(users);
  });

  describe('attacks: each refused with a plain page, nothing written but the audit event', () => {
    // Refusals anyone could send are folded into one event per IdP, code and minute (with a count).
    const refusals = async () => {
      const events = await t.dataSource.getRepository(AuditEvent).findBy({ action: 'sso.sign_in_refused' });
      return { rows: events.length, total: events.reduce((n, e) => n + Number(e.details?.count ?? 1), 0) };
    };
    const refusedWith = async (samlResponse: string, status: number, text: RegExp) => {
      const before = await counts();
      const audits = await refusals();
      const res = await post(samlResponse);
      expect({ status: res.status, ok: text.test(res.text) }).toEqual({ status, ok: true });
      expect(res.text).toMatch(/reference: <code>/);
      expect(await counts()).toEqual(before);
      const after = await refusals();
      expect(after.total).toBe(audits.total + 1);
      expect(after.rows).toBeLessThanOrEqual(audits.rows + 1);
    };
    const eve = () => ({
      nameId: 'eve',
      attributes: attrs('eve@example.com', ['6f1c0000-0000-4000-8000-000000000001']),
    });

    it('unsigned response', async () => {
      await refusedWith(
        entra.unsigned(acsUrl, `http://sso.test/sso/${TENANT}/entra/metadata`, {
          ...eve(),
          inResponseTo: await startLogin(),
        }),
        401,
        /not signed by the configured identity provider|could not be verified/,
      );
    });
    it('signed by another key', async () => {
      await refusedWith(
        await intruder.respond(spMetadata, acsUrl, { ...eve(), inResponseTo: await startLogin() }),
        401,
        /not signed by the configured identity provider/,
      );
    });
    it('assertion altered after signing (group value, NameID)', async () => {
      const signed = Buffer.from(
        await entra.respond(spMetadata, acsUrl, { ...eve(), inResponseTo: await startLogin() }),
        'base64',
      ).toString();
      const group = signed.replace(
        '6f1c0000-0000-4000-8000-000000000001',
        '6f1c0000-0000-4000-8000-000000000002',
      );
      await refusedWith(
        Buffer.from(group).toString('base64'),
        401,
        /not signed by the configured identity provider|could not be verified/,
      );
      const signed2 = Buffer.from(
        await entra.respond(spMetadata, acsUrl, { ...eve(), inResponseTo: await startLogin() }),
        'base64',
      ).toString();
      await refusedWith(
        Buffer.from(signed2.replace('>eve<', '>admin<')).toString('base64'),
        401,
        /not signed|could not be verified/,
      );
    });
    it('wrong audience, wrong destination, wrong recipient', async () => {
      await refusedWith(
        await entra.respond(spMetadata, acsUrl, {
          ...eve(),
          inResponseTo: await startLogin(),
          audience: 'https://other-sp.example',
        }),
        401,
        /meant for another service/,
      );
      await refusedWith(
        await entra.respond(spMetadata, acsUrl, {
          ...eve(),
          inResponseTo: await startLogin(),
          destination: 'https://other-sp.example/acs',
        }),
        401,
        /meant for another service/,
      );
      await refusedWith(
        await entra.respond(spMetadata, acsUrl, {
          ...eve(),
          inResponseTo: await startLogin(),
          recipient: 'https://other-sp.example/acs',
        }),
        401,
        /meant for another service/,
      );
    });
    it('expired and not yet valid', async () => {
      const hour = 3600_000;
      await refusedWith(
        await entra.respond(spMetadata, acsUrl, {
          ...eve(),
          inResponseTo: await startLogin(),
          notBefore: new Date(Date.now() - 3 * hour),
          notOnOrAfter: new Date(Date.now() - 2 * hour),
        }),
        401,
        /expired|could not be verified/,
      );
      await refusedWith(
        await entra.respond(spMetadata, acsUrl, {
          ...eve(),
          inResponseTo: await startLogin(),
          notBefore: new Date(Date.now() + 2 * hour),
          notOnOrAfter: new Date(Date.now() + 3 * hour),
        }),
        401,
        /not valid yet|expired|could not be verified/,
      );
    });
    it('InResponseTo unknown, missing (IdP-initiated is off) or reused; a replayed assertion', async () => {
      await refusedWith(
        await entra.respond(spMetadata, acsUrl, { ...eve(), inResponseTo: '_never-sent' }),
        401,
        /does not answer a sign-in started here/,
      );
      await refusedWith(
        await entra.respond(spMetadata, acsUrl, eve()),
        401,
        /does not answer a sign-in started here|could not be verified/,
      );
      const id = await startLogin();
      const first = await entra.respond(spMetadata, acsUrl, { ...eve(), inResponseTo: id });
      expect((await post(first)).status).toBe(302);
      await refusedWith(first, 401, /does not answer a sign-in started here|already used/);
      const second = await entra.respond(spMetadata, acsUrl, { ...eve(), inResponseTo: id });
      await refusedWith(second, 401, /does not answer a sign-in started here/);
    });
    it('XXE / entity expansion in the posted XML, and no response at all', async () => {
      const xml = Buffer.from(
        await entra.respond(spMetadata, acsUrl, { ...eve(), inResponseTo: await startLogin() }),
        'base64',
      ).toString();
      await refusedWith(
        Buffer.from(
          `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml}`,
        ).toString('base64'),
        400,
        /malformed/,
      );
      await refusedWith('', 400, /did not send a sign-in response/);
    });
    it('signature wrapping: a second unsigned assertion beside or around the signed one, or the signed one moved', async () => {
      const signed = () =>
        entra
          .respond(spMetadata, acsUrl, { ...eve(), inResponseTo: 'placeholder' })
          .then((b) => Buffer.from(b, 'base64').toString());
      const start = async () =>
        (await signed()).replace(/InResponseTo="placeholder"/g, `InResponseTo="${await startLogin()}"`);
      const evilAssertion = (xml: string) =>
        /<saml:Assertion[\s\S]*<\/saml:Assertion>/
          .exec(xml)![0]
          .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
          .replace(/ID="[^"]+"/, 'ID="_evil"')
          .replace('>eve<', '>root<')
          .replace('eve@example.com', 'root@example.com');
      // beside: the evil, unsigned assertion first
      const beside = await start();
      await refusedWith(
        Buffer.from(beside.replace('<saml:Assertion', `${evilAssertion(beside)}<saml:Assertion`)).toString(
          'base64',
        ),
        401,
        /could not be verified|not signed/,
      );
      // inside: the evil assertion inside the signed one
      const inside = await start();
      await refusedWith(
        Buffer.from(inside.replace('</saml:Subject>', `</saml:Subject>${evilAssertion(inside)}`)).toString(
          'base64',
        ),
        401,
        /could not be verified|not signed/,
      );
      // moved: the signed assertion hidden in Extensions, an unsigned edited copy in its place
      const moved = await start();
      const original = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(moved)![0];
      await refusedWith(
        Buffer.from(
          moved.replace(original, `<samlp:Extensions>${original}</samlp:Extensions>${evilAssertion(moved)}`),
        ).toString('base64'),
        401,
        /could not be verified|not signed/,
      );
    });

    it('comment injection in the NameID does not truncate the identity', async () => {
      const signed = Buffer.from(
        await entra.respond(spMetadata, acsUrl, {
          nameId: 'root@example.com.evil.test',
          attributes: attrs('mallory@evil.test', ['x']),
          inResponseTo: await startLogin(),
        }),
        'base64',
      ).toString();
      const injected = signed.replace('>root@example.com.evil.test<', '>root@example.com<!---->.evil.test<');
      const res = await post(Buffer.from(injected).toString('base64'));
      // Either refused, or signed in as the whole, untruncated NameID: never as root@example.com.
      const rows: { externalId: string }[] = await t.dataSource.query(
        'SELECT "externalId" FROM "identities"',
      );
      expect(rows.map((r) => r.externalId)).not.toContain('root@example.com');
      expect([302, 401]).toContain(res.status);
    });

    it('an oversized body is refused before any parsing', async () => {
      const res = await post('A'.repeat(2 * 1024 * 1024));
      expect(res.status).toBe(413);
    });

    it("a response for tenant A's IdP posted to tenant B's ACS", async () => {
      await t.op.post('/api/v1/tenants').send({ slug: 'saml-other', name: 'Other' }).expect(201);
      await t.op
        .post('/api/v1/tenants/saml-other/identity-providers')
        .send({ slug: 'entra', type: 'saml', metadataXml: entra.metadataXml })
        .expect(201);
      const forA = await entra.respond(spMetadata, acsUrl, { ...eve(), inResponseTo: await startLogin() });
      const before = await counts();
      const res = await request(t.http)
        .post('/sso/saml-other/entra/acs')
        .type('form')
        .send({ SAMLResponse: forA });
      expect(res.status).toBe(401);
      expect(await counts()).toEqual(before);
    });
  });
});
