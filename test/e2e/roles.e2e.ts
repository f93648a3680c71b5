import request from 'supertest';
import {
  auditActions,
  expectErrorShape,
  newApiKey,
  newGroup,
  newGroupLink,
  newOidcIdp,
  newTenant,
  newUser,
} from '../support/factories';
import { authnRequestId, createSamlIdp, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';

const BUILT_INS = [
  ['guest', 10],
  ['reporter', 20],
  ['developer', 30],
  ['maintainer', 40],
  ['owner', 50],
];

describe('custom roles per tenant', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const roles = (slug: string) => `/api/v1/tenants/${slug}/roles`;
  const ladder = async (slug: string) =>
    (await t.op.get(roles(slug)).expect(200)).body.map((r: { name: string; rank: number }) => [
      r.name,
      r.rank,
    ]);

  describe('CRUD', () => {
    it('a new tenant has the built-in ladder; custom roles join it in rank order; every change is audited', async () => {
      const { slug } = await newTenant(t);
      const list = await t.op.get(roles(slug)).expect(200);
      expect(list.body.map((r: { name: string; rank: number }) => [r.name, r.rank])).toEqual(BUILT_INS);
      expect(list.body[4]).toEqual({
        name: 'owner',
        rank: 50,
        description: expect.any(String),
        builtIn: true,
        createdAt: null,
        updatedAt: null,
      });

      const created = await t.op
        .post(roles(slug))
        .send({ name: 'auditor', rank: 25, description: '  Reads everything  ' })
        .expect(201);
      expect(created.body).toEqual({
        name: 'auditor',
        rank: 25,
        description: 'Reads everything',
        builtIn: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      await t.op.post(roles(slug)).send({ name: 'viewer', rank: 1 }).expect(201);
      await t.op.post(roles(slug)).send({ name: 'lead', rank: 49 }).expect(201);
      expect(await ladder(slug)).toEqual([
        ['viewer', 1],
        ['guest', 10],
        ['reporter', 20],
        ['auditor', 25],
        ['developer', 30],
        ['maintainer', 40],
        ['lead', 49],
        ['owner', 50],
      ]);
      expect((await t.op.get(`${roles(slug)}/auditor`).expect(200)).body.rank).toBe(25);
      expect((await t.op.get(`${roles(slug)}/guest`).expect(200)).body.builtIn).toBe(true);

      const patched = await t.op
        .patch(`${roles(slug)}/auditor`)
        .send({ rank: 35, description: null })
        .expect(200);
      expect(patched.body).toEqual(expect.objectContaining({ name: 'auditor', rank: 35, description: null }));
      const renamed = await t.op
        .patch(`${roles(slug)}/viewer`)
        .send({ name: 'observer' })
        .expect(200);
      expect(renamed.body.name).toBe('observer');
      await t.op.get(`${roles(slug)}/viewer`).expect(404);
      await t.op.delete(`${roles(slug)}/observer`).expect(204);
      await t.op.get(`${roles(slug)}/observer`).expect(404);

      const actions = await auditActions(t, slug);
      expect(actions.filter((a) => a.startsWith('role.')).sort()).toEqual([
        'role.created',
        'role.created',
        'role.created',
        'role.deleted',
        'role.updated',
        'role.updated',
      ]);
    });

    it('refuses bad names and ranks (400), taken names and tied ranks (409), and changes to built-ins (409)', async () => {
      const { slug } = await newTenant(t);
      await t.op.post(roles(slug)).send({ name: 'auditor', rank: 25 }).expect(201);
      const bad: object[] = [
        { name: 'Auditor2', rank: 26 }, // upper case: names are lower-case slugs
        { name: 'a'.repeat(17), rank: 26 }, // longer than the role columns
        { name: '-x', rank: 26 },
        { name: 'x-', rank: 26 },
        { name: '9lives', rank: 26 },
        { name: 'has space', rank: 26 },
        { name: 'x', rank: 0 },
        { name: 'x', rank: 50 },
        { name: 'x', rank: 1e9 },
        { name: 'x', rank: 2.5 },
        { name: 'x', rank: '26' },
        { name: 'x' },
        { rank: 26 },
        { name: 'x', rank: 26, builtIn: true }, // unknown field
        { name: 'x', rank: 26, description: 'd'.repeat(256) },
      ];
      for (const body of bad) {
        const res = await t.op.post(roles(slug)).send(body);
        expect([res.status, JSON.stringify(body)]).toEqual([400, JSON.stringify(body)]);
        expectErrorShape(res.body, 400, 'validation_failed');
      }
      const taken = await t.op.post(roles(slug)).send({ name: 'auditor', rank: 26 }).expect(409);
      expectErrorShape(taken.body, 409, 'role_name_taken');
      expect((await t.op.post(roles(slug)).send({ name: 'owner', rank: 26 }).expect(409)).body.code).toBe(
        'role_name_taken',
      );
      const tie = await t.op.post(roles(slug)).send({ name: 'other', rank: 25 }).expect(409);
      expectErrorShape(tie.body, 409, 'role_rank_taken');
      expect(tie.body.details).toEqual({ rank: 25, role: 'auditor' });
      const builtInTie = await t.op.post(roles(slug)).send({ name: 'other', rank: 30 }).expect(409);
      expect(builtInTie.body.details).toEqual({ rank: 30, role: 'developer' });
      await t.op.post(roles(slug)).send({ name: 'other', rank: 26 }).expect(201);
      expect(
        (
          await t.op
            .patch(`${roles(slug)}/other`)
            .send({ rank: 25 })
            .expect(409)
        ).body.code,
      ).toBe('role_rank_taken');
      expect(
        (
          await t.op
            .patch(`${roles(slug)}/other`)
            .send({ name: 'auditor' })
            .expect(409)
        ).body.code,
      ).toBe('role_name_taken');
      // the same rank and name as its own are no change, not a conflict
      await t.op
        .patch(`${roles(slug)}/other`)
        .send({ name: 'other', rank: 26 })
        .expect(200);
      for (const name of ['owner', 'guest']) {
        const patch = await t.op
          .patch(`${roles(slug)}/${name}`)
          .send({ rank: 45 })
          .expect(409);
        expectErrorShape(patch.body, 409, 'role_built_in');
        expect((await t.op.delete(`${roles(slug)}/${name}`).expect(409)).body.code).toBe('role_built_in');
      }
      await t.op
        .patch(`${roles(slug)}/nope`)
        .send({ rank: 3 })
        .expect(404);
      await t.op.delete(`${roles(slug)}/nope`).expect(404);
      await t.op.get(`${roles(slug)}/${'x'.repeat(300)}`).expect(404);
      await t.op.get(`${roles(slug)}?sort=rank`).expect(400);
      expect(await ladder(slug)).toEqual([
        ...BUILT_INS.slice(0, 2),
        ['auditor', 25],
        ['other', 26],
        ...BUILT_INS.slice(2),
      ]);
    });

    it("tenants never see or use each other's roles", async () => {
      const a = await newTenant(t);
      const b = await newTenant(t);
      await t.op.post(roles(a.slug)).send({ name: 'auditor', rank: 25 }).expect(201);
      // the same name and rank in another tenant is no conflict
      await t.op.post(roles(b.slug)).send({ name: 'auditor', rank: 25 }).expect(201);
      await t.op.delete(`${roles(b.slug)}/auditor`).expect(204);
      expect(await ladder(b.slug)).toEqual(BUILT_INS);
      expect((await ladder(a.slug)).map(([name]: [string]) => name)).toContain('auditor');
      await t.op.get(`${roles(b.slug)}/auditor`).expect(404);
      const bGroup = await newGroup(t, b.slug);
      const refused = await t.op
        .post(`/api/v1/tenants/${b.slug}/groups/${bGroup.id}/links`)
        .send({ externalGroup: 'x', role: 'auditor' })
        .expect(400);
      // the allowed roles named are B's own: A's custom role does not leak into B's answer
      expect(refused.body.message).toBe(
        'Invalid request: role must be one of guest, reporter, developer, maintainer, owner',
      );
      const keyOfB = await newApiKey(t, b.slug);
      await keyOfB.as('get', roles(a.slug)).expect(403);
      await keyOfB.as('post', roles(a.slug)).send({ name: 'spy', rank: 3 }).expect(403);
      await keyOfB.as('delete', `${roles(a.slug)}/auditor`).expect(403);
      await keyOfB.as('get', roles(b.slug)).expect(200);
      await request(t.http).get(roles(a.slug)).expect(401);
    });
  });

  describe('links, memberships and policies take the tenant roles', () => {
    it('an unknown role is a 400 naming the allowed roles, a custom one is accepted, everywhere a role is named', async () => {
      const { slug } = await newTenant(t);
      const group = await newGroup(t, slug);
      const user = await newUser(t, slug);
      const allowed = 'guest, reporter, developer, maintainer, owner';
      const link = await t.op
        .post(`/api/v1/tenants/${slug}/groups/${group.id}/links`)
        .send({ externalGroup: 'audit', role: 'auditor' })
        .expect(400);
      expectErrorShape(link.body, 400, 'validation_failed');
      expect(link.body.message).toBe(`Invalid request: role must be one of ${allowed}`);
      expect(link.body.details).toEqual([{ field: 'role', problems: [`role must be one of ${allowed}`] }]);
      await t.op
        .post(`/api/v1/tenants/${slug}/groups/${group.id}/links?dryRun=true`)
        .send({ externalGroup: 'audit', role: 'auditor' })
        .expect(400);
      await t.op
        .put(`/api/v1/tenants/${slug}/groups/${group.id}/members/${user.id}`)
        .send({ role: 'auditor' })
        .expect(400);
      const idp = await t.op
        .post(`/api/v1/tenants/${slug}/identity-providers`)
        .send({
          slug: 'okta',
          type: 'oidc',
          issuer: 'https://idp.example.com',
          clientId: 'c',
          clientSecret: 'very-secret-value',
          groupSync: { defaultRole: 'auditor' },
        })
        .expect(400);
      expect(idp.body.details).toEqual([
        { field: 'groupSync.defaultRole', problems: [`groupSync.defaultRole must be one of ${allowed}`] },
      ]);
      // a bad shape is refused before any lookup
      await t.op
        .post(`/api/v1/tenants/${slug}/groups/${group.id}/links`)
        .send({ externalGroup: 'audit', role: 'Auditor' })
        .expect(400);
      await t.op
        .post(`/api/v1/tenants/${slug}/groups/${group.id}/links`)
        .send({ externalGroup: 'a', role: 7 })
        .expect(400);

      await t.op.post(roles(slug)).send({ name: 'auditor', rank: 25 }).expect(201);
      const ok = await newGroupLink(t, slug, group.id, { externalGroup: 'audit', role: 'auditor' });
      expect(ok.role).toBe('auditor');
      await t.op
        .patch(`/api/v1/tenants/${slug}/groups/${group.id}/links/${ok.id}`)
        .send({ role: 'nope' })
        .expect(400);
      const put = await t.op
        .put(`/api/v1/tenants/${slug}/groups/${group.id}/members/${user.id}`)
        .send({ role: 'auditor' })
        .expect(200);
      expect(put.body.role).toBe('auditor');
      await newOidcIdp(t, slug, 'okta', { groupSync: { defaultRole: 'auditor' } });
      await t.op
        .patch(`/api/v1/tenants/${slug}/identity-providers/okta`)
        .send({ groupSync: { defaultRole: 'nope' } })
        .expect(400);
      const members = await t.op.get(`/api/v1/tenants/${slug}/groups/${group.id}/members`).expect(200);
      expect(members.body.map((m: { role: string }) => m.role)).toEqual(['auditor']);
    });

    it('deleting or renaming a role in use is 409 naming the links, memberships and IdPs; once unused it goes', async () => {
      const { slug } = await newTenant(t);
      await t.op.post(roles(slug)).send({ name: 'auditor', rank: 25 }).expect(201);
      const group = await newGroup(t, slug, { name: 'Finance' });
      const user = await newUser(t, slug, `${slug}-ada@example.com`);
      const link = await newGroupLink(t, slug, group.id, { externalGroup: 'Auditors', role: 'auditor' });
      await t.op
        .put(`/api/v1/tenants/${slug}/groups/${group.id}/members/${user.id}`)
        .send({ role: 'auditor' })
        .expect(200);
      await newOidcIdp(t, slug, 'okta', { groupSync: { defaultRole: 'auditor' } });

      const refused = await t.op.delete(`${roles(slug)}/auditor`).expect(409);
      expectErrorShape(refused.body, 409, 'role_in_use');
      expect(refused.body.message).toContain('Finance: Auditors');
      expect(refused.body.message).toContain(`Finance: ${slug}-ada@example.com`);
      expect(refused.body.message).toContain('okta');
      expect(refused.body.details).toEqual({
        linkCount: 1,
        membershipCount: 1,
        links: [{ id: link.id, groupId: group.id, groupName: 'Finance', externalGroup: 'Auditors' }],
        memberships: [
          { groupId: group.id, groupName: 'Finance', userId: user.id, email: `${slug}-ada@example.com` },
        ],
        identityProviders: ['okta'],
      });
      expect(
        (
          await t.op
            .patch(`${roles(slug)}/auditor`)
            .send({ name: 'reviewer' })
            .expect(409)
        ).body.code,
      ).toBe('role_in_use');
      // a new rank or description is no danger while in use
      await t.op
        .patch(`${roles(slug)}/auditor`)
        .send({ rank: 26, description: 'x' })
        .expect(200);

      await t.op
        .patch(`/api/v1/tenants/${slug}/identity-providers/okta`)
        .send({ groupSync: { defaultRole: 'guest' } })
        .expect(200);
      await t.op
        .patch(`/api/v1/tenants/${slug}/groups/${group.id}/links/${link.id}`)
        .send({ role: 'reporter' })
        .expect(200);
      const still = await t.op.delete(`${roles(slug)}/auditor`).expect(409);
      expect(still.body.details).toEqual(
        expect.objectContaining({ linkCount: 0, membershipCount: 1, identityProviders: [] }),
      );
      await t.op.delete(`/api/v1/tenants/${slug}/groups/${group.id}/members/${user.id}`).expect(204);
      await t.op.delete(`${roles(slug)}/auditor`).expect(204);
      expect(await ladder(slug)).toEqual(BUILT_INS);
    });

    it('the members list ranks inherited roles with the tenant ladder', async () => {
      const { slug } = await newTenant(t);
      await t.op.post(roles(slug)).send({ name: 'lead', rank: 45 }).expect(201);
      const parent = await newGroup(t, slug, { name: 'Parent' });
      const child = await newGroup(t, slug, { name: 'Child', parentId: parent.id });
      const user = await newUser(t, slug);
      const path = (g: { id: string }) => `/api/v1/tenants/${slug}/groups/${g.id}/members/${user.id}`;
      await t.op.put(path(parent)).send({ role: 'lead' }).expect(200);
      await t.op.put(path(child)).send({ role: 'maintainer' }).expect(200);
      const members = await t.op.get(`/api/v1/tenants/${slug}/groups/${child.id}/members`).expect(200);
      expect(members.body).toEqual([
        expect.objectContaining({
          role: 'lead',
          inherited: true,
          directRole: 'maintainer',
          fromGroupId: parent.id,
        }),
      ]);
    });
  });

  describe('races', () => {
    it('a delete racing a link that names the role ends with one of them refused, never a dangling link', async () => {
      const { slug } = await newTenant(t);
      const group = await newGroup(t, slug);
      for (let i = 0; i < 8; i++) {
        const name = `race-${i}`;
        await t.op
          .post(roles(slug))
          .send({ name, rank: 11 + i })
          .expect(201);
        const [del, link] = await Promise.all([
          t.op.delete(`${roles(slug)}/${name}`),
          t.op
            .post(`/api/v1/tenants/${slug}/groups/${group.id}/links`)
            .send({ externalGroup: name, role: name }),
        ]);
        expect([`${del.status}/${link.status}`]).toEqual([expect.stringMatching(/^(204\/400|409\/201)$/)]);
      }
      const links = await t.op.get(`/api/v1/tenants/${slug}/groups/${group.id}/links`).expect(200);
      const names = new Set((await ladder(slug)).map(([name]: [string]) => name));
      for (const l of links.body as { role: string }[]) expect(names.has(l.role)).toBe(true);
    });

    it('creates racing for one rank or one name: exactly one wins, the others get the code that says why', async () => {
      const { slug } = await newTenant(t);
      const sameRank = await Promise.all(
        [1, 2, 3, 4].map((i) => t.op.post(roles(slug)).send({ name: `r${i}`, rank: 7 })),
      );
      expect(sameRank.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      for (const r of sameRank.filter((x) => x.status === 409)) expect(r.body.code).toBe('role_rank_taken');
      const sameName = await Promise.all(
        [1, 2, 3].map((i) => t.op.post(roles(slug)).send({ name: 'twin', rank: 20 + i })),
      );
      expect(sameName.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      for (const r of sameName.filter((x) => x.status === 409)) expect(r.body.code).toBe('role_name_taken');
    });
  });

  describe('SAML sign-in: the highest rank wins with custom roles', () => {
    const TENANT = 'roles-saml';
    const GROUPS = 'groups';
    const acsUrl = `http://sso.test/sso/${TENANT}/entra/acs`;
    let entra: TestSamlIdp;
    let spMetadata: string;

    beforeAll(async () => {
      entra = createSamlIdp('https://sts.windows.net/roles/');
      await t.op.post('/api/v1/tenants').send({ slug: TENANT, name: 'Roles' }).expect(201);
      await t.op
        .post(`/api/v1/tenants/${TENANT}/identity-providers`)
        .send({ slug: 'entra', type: 'saml', metadataXml: entra.metadataXml })
        .expect(201);
      spMetadata = (await request(t.http).get(`/sso/${TENANT}/entra/metadata`).expect(200)).text;
    });

    async function signIn(email: string, groups: string[]) {
      const login = await request(t.http).get(`/sso/${TENANT}/entra/login`).expect(302);
      const response = await entra.respond(spMetadata, acsUrl, {
        inResponseTo: authnRequestId(login.headers.location),
        nameId: email,
        attributes: {
          'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': [email],
          [GROUPS]: groups,
        },
      });
      const done = await request(t.http)
        .post(`/sso/${TENANT}/entra/acs`)
        .type('form')
        .send({ SAMLResponse: response, RelayState: '' });
      expect(done.status).toBe(302);
      const cookie = ([] as string[])
        .concat(done.headers['set-cookie'])
        .find((c) => c.startsWith(`gs_session_${TENANT}=`))!;
      const me = await request(t.http)
        .get(`/sso/${TENANT}/me`)
        .set('Cookie', cookie.split(';')[0])
        .expect(200);
      return me.body.groups.map((g: { groupName: string; role: string }) => [g.groupName, g.role]);
    }

    it('links with custom roles grant the highest rank; a new rank takes effect at the next sign-in', async () => {
      await t.op.post(roles(TENANT)).send({ name: 'auditor', rank: 25 }).expect(201);
      await t.op.post(roles(TENANT)).send({ name: 'lead', rank: 45 }).expect(201);
      const eng = await newGroup(t, TENANT, { name: 'Eng' });
      await newGroupLink(t, TENANT, eng.id, { externalGroup: 'devs', role: 'developer' });
      await newGroupLink(t, TENANT, eng.id, { externalGroup: 'audit', role: 'auditor' });
      await newGroupLink(t, TENANT, eng.id, { externalGroup: 'leads', role: 'lead' });

      expect(await signIn('ada@example.com', ['audit'])).toEqual([['Eng', 'auditor']]);
      expect(await signIn('ada@example.com', ['audit', 'devs'])).toEqual([['Eng', 'developer']]);
      expect(await signIn('ada@example.com', ['leads', 'audit', 'devs'])).toEqual([['Eng', 'lead']]);
      expect(await signIn('bob@example.com', ['devs', 'audit'])).toEqual([['Eng', 'developer']]);

      // auditor now outranks developer: the cached sync context must see it (roles bump syncVersion)
      await t.op
        .patch(`${roles(TENANT)}/auditor`)
        .send({ rank: 35 })
        .expect(200);
      expect(await signIn('bob@example.com', ['devs', 'audit'])).toEqual([['Eng', 'auditor']]);

      const events = await t.op
        .get(`/api/v1/tenants/${TENANT}/audit-events?action=membership.role_changed&limit=50`)
        .expect(200);
      expect(events.body.items.length).toBeGreaterThan(0);
      const why = await t.op
        .post(`/api/v1/tenants/${TENANT}/sync/preview`)
        .send({ idp: 'entra', email: 'carol@example.com', groups: ['audit', 'devs'] })
        .expect(200);
      expect(why.body.adds).toEqual([expect.objectContaining({ groupName: 'Eng', role: 'auditor' })]);
    });
  });
});
