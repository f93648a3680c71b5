import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Session } from '../../src/auth/session.entity';
import { Membership } from '../../src/groups/membership.entity';
import { User } from '../../src/users/user.entity';
import { newGroup, newGroupLink, newOidcIdp, newTenant } from '../support/factories';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('SCIM 2.0 provisioning', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  /** A tenant with one IdP, a SCIM token for it, and a client speaking SCIM with that token. */
  async function scimTenant(idpSlug = 'entra') {
    const tenant = await newTenant(t);
    await newOidcIdp(t, tenant.slug, idpSlug);
    const made = await t.op
      .post(`/api/v1/tenants/${tenant.slug}/scim-tokens`)
      .send({ idp: idpSlug, name: 'provisioning' })
      .expect(201);
    expect(made.body.token).toMatch(/^gss_/);
    expect(made.body.scimBaseUrl).toBe(`http://sso.test/scim/v2/${tenant.slug}`);
    const base = `/scim/v2/${tenant.slug}`;
    const as = (token: string) => ({
      get: (p: string) => request(t.http).get(`${base}${p}`).set('Authorization', `Bearer ${token}`),
      post: (p: string, body: object) =>
        request(t.http)
          .post(`${base}${p}`)
          .set('Authorization', `Bearer ${token}`)
          .set('Content-Type', 'application/scim+json')
          .send(JSON.stringify(body)),
      put: (p: string, body: object) =>
        request(t.http)
          .put(`${base}${p}`)
          .set('Authorization', `Bearer ${token}`)
          .set('Content-Type', 'application/scim+json')
          .send(JSON.stringify(body)),
      patch: (p: string, body: object) =>
        request(t.http)
          .patch(`${base}${p}`)
          .set('Authorization', `Bearer ${token}`)
          .set('Content-Type', 'application/scim+json')
          .send(JSON.stringify(body)),
      delete: (p: string) => request(t.http).delete(`${base}${p}`).set('Authorization', `Bearer ${token}`),
    });
    return {
      tenant,
      token: made.body.token as string,
      tokenId: made.body.id as string,
      scim: as(made.body.token),
      as,
    };
  }

  const expectScimError = (res: request.Response, status: number, scimType?: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/scim\+json/);
    expect(res.body.schemas).toEqual([ERROR]);
    expect(res.body.status).toBe(String(status));
    if (scimType) expect(res.body.scimType).toBe(scimType);
    expect(typeof res.body.detail).toBe('string');
  };

  const memberships = async (userId: string) =>
    (await t.dataSource.getRepository(Membership).find({ where: { userId } }))
      .map((m) => `${m.groupId}:${m.role}:${m.source}`)
      .sort();

  it('discovery: ServiceProviderConfig, ResourceTypes, Schemas', async () => {
    const { scim } = await scimTenant();
    const config = await scim.get('/ServiceProviderConfig').expect(200);
    expect(config.headers['content-type']).toMatch(/application\/scim\+json/);
    expect(config.body.patch.supported).toBe(true);
    expect(config.body.filter).toEqual({ supported: true, maxResults: 1000 });
    expect(config.body.bulk.supported).toBe(false);
    const types = await scim.get('/ResourceTypes').expect(200);
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    const schemas = await scim.get('/Schemas').expect(200);
    expect(schemas.body.Resources.map((r: { id: string }) => r.id)).toEqual([USER, ENTERPRISE, GROUP]);
    expectScimError(await scim.get('/Devices'), 404);
    expectScimError(await scim.get('/Devices/00000000-0000-4000-8000-000000000000'), 404);
  });

  it('tokens: required, tenant-bound, revocable; the admin API lists them without the secret', async () => {
    const a = await scimTenant();
    const b = await scimTenant();
    expectScimError(await request(t.http).get(`/scim/v2/${a.tenant.slug}/Users`), 401);
    expectScimError(await a.as('gss_nope').get('/Users'), 401);
    // tenant B's token at tenant A
    expectScimError(
      await request(t.http).get(`/scim/v2/${a.tenant.slug}/Users`).set('Authorization', `Bearer ${b.token}`),
      403,
    );
    // the operator token is not a SCIM credential
    expectScimError(
      await request(t.http)
        .get(`/scim/v2/${a.tenant.slug}/Users`)
        .set('Authorization', 'Bearer test-operator-token-0123456789abcdef'),
      401,
    );
    const list = await t.op.get(`/api/v1/tenants/${a.tenant.slug}/scim-tokens`).expect(200);
    expect(list.body).toEqual([
      expect.objectContaining({ id: a.tokenId, idp: 'entra', name: 'provisioning', revokedAt: null }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(a.token);
    expect(list.body[0].lastUsedAt).toBeNull();
    await a.scim.get('/Users').expect(200);
    const used = await t.op.get(`/api/v1/tenants/${a.tenant.slug}/scim-tokens`).expect(200);
    expect(used.body[0].lastUsedAt).not.toBeNull();
    await t.op.delete(`/api/v1/tenants/${a.tenant.slug}/scim-tokens/${a.tokenId}`).expect(204);
    expectScimError(await a.scim.get('/Users'), 401);
    await t.op
      .post(`/api/v1/tenants/${a.tenant.slug}/scim-tokens`)
      .send({ idp: 'nope', name: 'x' })
      .expect(404);
    await t.op.post(`/api/v1/tenants/${a.tenant.slug}/scim-tokens`).send({ idp: 'entra' }).expect(400);
  });

  it('Entra ID: connection test, create, legacy and fixed PATCH dialects, groups, deactivation', async () => {
    const { tenant, scim } = await scimTenant();
    const eng = await newGroup(t, tenant.slug, { name: 'Engineering' });
    const ops = await newGroup(t, tenant.slug, { name: 'Ops' });
    // Entra sends object ids as the group's externalId; links use them
    await newGroupLink(t, tenant.slug, eng.id, {
      externalGroup: 'aaaaaaaa-0000-4000-8000-000000000001',
      role: 'developer',
    });
    await newGroupLink(t, tenant.slug, ops.id, { externalGroup: 'Ops Team', role: 'reporter' });

    // connection test: a random userName, 200 with 0 results
    const probe = await scim
      .get(`/Users?filter=${encodeURIComponent('userName eq "f2b4cf4c-0b8e-4a1f-9b0e-0f2d1c4e5a6b"')}`)
      .expect(200);
    expect(probe.body).toEqual(expect.objectContaining({ totalResults: 0, Resources: [], startIndex: 1 }));

    const created = await scim
      .post('/Users', {
        schemas: [USER, ENTERPRISE],
        externalId: 'ada',
        userName: 'Ada@Contoso.com',
        active: true,
        displayName: 'Ada Lovelace',
        emails: [{ primary: true, type: 'work', value: 'Ada@Contoso.com' }],
        name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
        password: 'Secr3t!',
        [ENTERPRISE]: { employeeNumber: '701984', department: 'Engineering' },
      })
      .expect(201);
    const id = created.body.id as string;
    expect(created.headers.location).toBe(`http://sso.test/scim/v2/${tenant.slug}/Users/${id}`);
    expect(created.body).toEqual(
      expect.objectContaining({
        schemas: [USER, ENTERPRISE],
        userName: 'Ada@Contoso.com',
        externalId: 'ada',
        active: true,
      }),
    );
    expect(JSON.stringify(created.body)).not.toContain('Secr3t');
    expect(created.body.meta).toEqual(
      expect.objectContaining({ resourceType: 'User', location: created.headers.location }),
    );
    const user = await t.dataSource.getRepository(User).findOneByOrFail({ id });
    expect(user).toEqual(
      expect.objectContaining({ email: 'ada@contoso.com', displayName: 'Ada Lovelace', status: 'active' }),
    );
    // A taken userName (the unique index refuses it, after the new user row was written in the same
    // transaction): 409 naming the userName, and nothing of the attempt stays.
    const clash = await scim.post('/Users', {
      schemas: [USER],
      userName: 'ADA@contoso.com',
      emails: [{ value: 'other@contoso.com' }],
    });
    expectScimError(clash, 409, 'uniqueness');
    expect(clash.body.detail).toContain('userName "ADA@contoso.com" is already taken');
    expect(await t.dataSource.getRepository(User).findOneBy({ email: 'other@contoso.com' })).toBeNull();
    // Entra's repeated POST of the same user: the same answer.
    const again = await scim.post('/Users', { schemas: [USER], userName: 'ada@contoso.com', emails: [{ value: 'ada@contoso.com' }] });
    expectScimError(again, 409, 'uniqueness');
    expect(again.body.detail).toContain('userName "ada@contoso.com" is already taken');
    // A rename onto a taken userName: refused, the user keeps theirs.
    const other = await scim.post('/Users', { schemas: [USER], userName: 'ben@contoso.com' }).expect(201);
    const rename = await scim.patch(`/Users/${other.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'userName', value: 'Ada@Contoso.com' }],
    });
    expectScimError(rename, 409, 'uniqueness');
    expect((await scim.get(`/Users/${other.body.id}`).expect(200)).body.userName).toBe('ben@contoso.com');
    await scim.delete(`/Users/${other.body.id}`).expect(204);

    // Entra's lookups: userName (case-insensitive), externalId
    const found = await scim
      .get(`/Users?filter=${encodeURIComponent('userName eq "ada@contoso.com"')}`)
      .expect(200);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    const byExternal = await scim
      .get(`/Users?filter=${encodeURIComponent('externalId eq "ada"')}`)
      .expect(200);
    expect(byExternal.body.totalResults).toBe(1);

    // the legacy dialect (before aadOptscim062020): capitalized ops, "False" strings, filtered email path
    await scim
      .patch(`/Users/${id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'Replace', path: 'displayName', value: 'Ada King' },
          { op: 'Add', path: 'emails[type eq "work"].value', value: 'ada.king@contoso.com' },
          { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Research' },
        ],
      })
      .expect(200);
    // the fixed dialect: lower-case ops, no path, dotted keys
    const patched = await scim
      .patch(`/Users/${id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', value: { 'name.givenName': 'Augusta', displayName: 'Augusta Ada King' } },
        ],
      })
      .expect(200);
    expect(patched.body.name.givenName).toBe('Augusta');
    expect(patched.body.displayName).toBe('Augusta Ada King');
    expect(patched.body.emails[0].value).toBe('ada.king@contoso.com');
    expect(patched.body[ENTERPRISE].department).toBe('Research');
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id })).email).toBe(
      'ada.king@contoso.com',
    );

    // groups: create with the object id as externalId, add the member
    const group = await scim
      .post('/Groups', {
        schemas: [GROUP],
        displayName: 'Engineers',
        externalId: 'aaaaaaaa-0000-4000-8000-000000000001',
      })
      .expect(201);
    expect(await memberships(id)).toEqual([]);
    await scim
      .patch(`/Groups/${group.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'Add', path: 'members', value: [{ value: id }] }],
      })
      .expect(200);
    expect(await memberships(id)).toEqual([`${eng.id}:developer:scim`]);
    // a second group matched by its displayName
    const opsTeam = await scim
      .post('/Groups', { schemas: [GROUP], displayName: 'Ops Team', members: [{ value: id }] })
      .expect(201);
    expect(await memberships(id)).toEqual([`${eng.id}:developer:scim`, `${ops.id}:reporter:scim`].sort());
    // Entra's remove (legacy: value array) takes the membership away at once
    await scim
      .patch(`/Groups/${group.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'Remove', path: 'members', value: [{ value: id }] }],
      })
      .expect(200);
    expect(await memberships(id)).toEqual([`${ops.id}:reporter:scim`]);
    const groupAudit = await t.dataSource
      .getRepository(AuditEvent)
      .find({ where: { userId: id, action: 'membership.removed' } });
    expect(groupAudit[0].actorType).toBe('scim');

    // deactivation: blocked, sessions ended, sign-in refused, still readable; reactivation restores
    await scim
      .patch(`/Users/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      })
      .expect(200);
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id })).status).toBe('blocked');
    const refused = await signIn(t, tenant.slug, 'entra', { email: 'ada.king@contoso.com' }, ['Ops Team']);
    expect(refused.status).toBe('denied');
    const read = await scim.get(`/Users/${id}`).expect(200);
    expect(read.body.active).toBe(false);
    await scim
      .patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] })
      .expect(200);
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id })).status).toBe('active');
    expect(opsTeam.body.members).toEqual([expect.objectContaining({ value: id })]);
  });

  it('Okta: userName lookups with count=100, PUT updates, deactivation without path, Group Push', async () => {
    const { tenant, scim } = await scimTenant('okta');
    const devs = await newGroup(t, tenant.slug, { name: 'Developers' });
    await newGroupLink(t, tenant.slug, devs.id, { externalGroup: 'okta-devs', role: 'developer' });
    await newGroupLink(t, tenant.slug, devs.id, { externalGroup: 'okta-devs-renamed', role: 'maintainer' });

    const lookup = await scim
      .get(`/Users?filter=${encodeURIComponent('userName eq "grace@okta.example"')}&startIndex=1&count=100`)
      .expect(200);
    expect(lookup.body.totalResults).toBe(0);
    const body = {
      schemas: [USER],
      userName: 'grace@okta.example',
      name: { givenName: 'Grace', familyName: 'Hopper' },
      emails: [{ primary: true, value: 'grace@okta.example', type: 'work' }],
      displayName: 'Grace Hopper',
      locale: 'en-US',
      externalId: '00u1',
      groups: [],
      password: 'x',
      active: true,
    };
    const grace = (await scim.post('/Users', body).expect(201)).body.id as string;
    const linus = (
      await scim
        .post('/Users', {
          ...body,
          userName: 'linus@okta.example',
          externalId: '00u2',
          emails: [{ value: 'linus@okta.example', primary: true }],
        })
        .expect(201)
    ).body.id as string;
    // PUT replaces: locale gone, title new
    const { locale, ...withoutLocale } = body;
    void locale;
    const put = await scim
      .put(`/Users/${grace}`, { ...withoutLocale, id: grace, title: 'Rear Admiral' })
      .expect(200);
    expect(put.body.title).toBe('Rear Admiral');
    expect(put.body.locale).toBeUndefined();

    // Group Push: create with members, then remove + add in one PATCH, then replace, then rename
    const pushed = await scim
      .post('/Groups', {
        schemas: [GROUP],
        displayName: 'okta-devs',
        members: [{ value: grace, display: 'grace@okta.example' }],
      })
      .expect(201);
    const gid = pushed.body.id as string;
    expect(await memberships(grace)).toEqual([`${devs.id}:developer:scim`]);
    await scim
      .patch(`/Groups/${gid}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'remove', path: `members[value eq "${grace}"]` },
          { op: 'add', path: 'members', value: [{ value: linus, display: 'linus@okta.example' }] },
        ],
      })
      .expect(200);
    expect(await memberships(grace)).toEqual([]);
    expect(await memberships(linus)).toEqual([`${devs.id}:developer:scim`]);
    await scim
      .patch(`/Groups/${gid}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'members', value: [{ value: grace }] }],
      })
      .expect(200);
    expect(await memberships(linus)).toEqual([]);
    expect(await memberships(grace)).toEqual([`${devs.id}:developer:scim`]);
    // Okta re-sends the name with each change; a rename moves the member to the other link's role
    await scim
      .patch(`/Groups/${gid}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', value: { id: gid, displayName: 'okta-devs-renamed' } }],
      })
      .expect(200);
    expect(await memberships(grace)).toEqual([`${devs.id}:maintainer:scim`]);
    const byName = await scim
      .get(
        `/Groups?filter=${encodeURIComponent('displayName eq "OKTA-DEVS-RENAMED"')}&excludedAttributes=members`,
      )
      .expect(200);
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources[0].members).toBeUndefined();
    const full = await scim.get(`/Groups/${gid}`).expect(200);
    expect(full.body.members.map((m: { value: string }) => m.value)).toEqual([grace]);
    expectScimError(
      await scim.post('/Groups', { schemas: [GROUP], displayName: 'Okta-Devs-Renamed' }),
      409,
      'uniqueness',
    );

    // deactivation by PATCH without path
    await scim
      .patch(`/Users/${grace}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', value: { active: false } }],
      })
      .expect(200);
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id: grace })).status).toBe('blocked');
  });

  it('PATCH is atomic: one bad operation and nothing changes', async () => {
    const { scim } = await scimTenant();
    const id = (
      await scim
        .post('/Users', { schemas: [USER], userName: 'atomic@example.com', displayName: 'Before' })
        .expect(201)
    ).body.id;
    const bad = await scim.patch(`/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'After' },
        { op: 'replace', path: 'active', value: 'maybe' },
      ],
    });
    expectScimError(bad, 400, 'invalidValue');
    expect((await scim.get(`/Users/${id}`).expect(200)).body.displayName).toBe('Before');
    expectScimError(
      await scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'jump', path: 'x' }] }),
      400,
      'invalidSyntax',
    );
    expectScimError(await scim.patch(`/Users/${id}`, { schemas: [PATCH] }), 400, 'invalidSyntax');
  });

  it('filters: a real parser, paging with a stable order, attribute projection, invalidFilter on junk', async () => {
    const { scim } = await scimTenant();
    for (let i = 0; i < 5; i++)
      await scim
        .post('/Users', {
          schemas: [USER],
          userName: `user${i}@example.com`,
          active: i % 2 === 0,
          emails: [{ value: `user${i}@${i < 3 ? 'work' : 'home'}.example`, type: i < 3 ? 'work' : 'home' }],
        })
        .expect(201);
    const q = async (filter: string, extra = '') =>
      (await scim.get(`/Users?filter=${encodeURIComponent(filter)}${extra}`).expect(200)).body;
    expect((await q('active eq true')).totalResults).toBe(3);
    expect((await q('userName sw "user1" or userName ew "4@example.com"')).totalResults).toBe(2);
    expect((await q('not (active eq true) and userName co "user"')).totalResults).toBe(2);
    expect((await q('emails[type eq "work" and value co "@work."]')).totalResults).toBe(3);
    expect((await q('emails[type eq "home"].value eq "user4@home.example"')).totalResults).toBe(1);
    expect((await q('USERNAME EQ "USER2@EXAMPLE.COM"')).totalResults).toBe(1);
    const page = await q('userName pr', '&startIndex=2&count=2&attributes=userName');
    expect(page).toEqual(expect.objectContaining({ totalResults: 5, startIndex: 2, itemsPerPage: 2 }));
    expect(page.Resources.map((r: { userName: string }) => r.userName)).toEqual([
      'user1@example.com',
      'user2@example.com',
    ]);
    expect(Object.keys(page.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
    for (const junk of ['userName eq', 'nope eq "x"', '((', 'active co "x"'])
      expectScimError(await scim.get(`/Users?filter=${encodeURIComponent(junk)}`), 400, 'invalidFilter');
    expectScimError(await scim.get('/Users?count=abc'), 400, 'invalidValue');
  });

  it('bad input answers in the SCIM error schema and writes nothing', async () => {
    const { tenant, scim } = await scimTenant();
    const before = await t.dataSource.getRepository(User).countBy({ tenantId: tenant.id });
    expectScimError(await scim.post('/Users', { schemas: [USER] }), 400, 'invalidValue');
    expectScimError(
      await scim.post('/Users', { schemas: [USER], userName: 'no-email' }),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim.post('/Users', { schemas: [USER], userName: 'x@example.com', active: 'perhaps' }),
      400,
      'invalidValue',
    );
    const malformed = await request(t.http)
      .post(`/scim/v2/${tenant.slug}/Users`)
      .set(
        'Authorization',
        `Bearer ${(await t.op.post(`/api/v1/tenants/${tenant.slug}/scim-tokens`).send({ idp: 'entra', name: 'b' })).body.token}`,
      )
      .set('Content-Type', 'application/scim+json')
      .send('{"userName": ');
    expectScimError(malformed, 400, 'invalidSyntax');
    expectScimError(await scim.get('/Users/00000000-0000-4000-8000-000000000000'), 404);
    expectScimError(await scim.get('/Users/not-an-id'), 404);
    expectScimError(await scim.post('/Groups', { schemas: [GROUP] }), 400, 'invalidValue');
    expectScimError(
      await scim.post('/Groups', {
        schemas: [GROUP],
        displayName: 'X',
        members: [{ value: '00000000-0000-4000-8000-000000000000' }],
      }),
      400,
      'invalidValue',
    );
    expect(await t.dataSource.getRepository(User).countBy({ tenantId: tenant.id })).toBe(before);
  });

  it('tenants and IdPs never see each other: resources are scoped to the token', async () => {
    const a = await scimTenant();
    const b = await scimTenant();
    const id = (await a.scim.post('/Users', { schemas: [USER], userName: 'shared@example.com' }).expect(201))
      .body.id;
    expectScimError(await b.scim.get(`/Users/${id}`), 404);
    expect(
      (
        await b.scim
          .get(`/Users?filter=${encodeURIComponent('userName eq "shared@example.com"')}`)
          .expect(200)
      ).body.totalResults,
    ).toBe(0);
    // the same email in tenant B is another user
    const other = (
      await b.scim.post('/Users', { schemas: [USER], userName: 'shared@example.com' }).expect(201)
    ).body.id;
    expect(other).not.toBe(id);
    expectScimError(await b.scim.delete(`/Users/${id}`), 404);
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id })).status).toBe('active');
  });

  it('DELETE: memberships from SCIM and sync go, the user is blocked (or deleted by setting); last owner refused', async () => {
    const { tenant, scim } = await scimTenant();
    const eng = await newGroup(t, tenant.slug, { name: 'Eng' });
    const owned = await newGroup(t, tenant.slug, { name: 'Owned' });
    await newGroupLink(t, tenant.slug, eng.id, { externalGroup: 'eng', role: 'developer' });
    const id = (await scim.post('/Users', { schemas: [USER], userName: 'del@example.com' }).expect(201)).body
      .id;
    await scim
      .post('/Groups', { schemas: [GROUP], displayName: 'eng', members: [{ value: id }] })
      .expect(201);
    await t.op
      .put(`/api/v1/tenants/${tenant.slug}/groups/${owned.id}/members/${id}`)
      .send({ role: 'owner' })
      .expect(200);
    await scim.delete(`/Users/${id}`).expect(204);
    // SCIM membership gone; the manual ownership stays with the blocked user
    expect(await memberships(id)).toEqual([`${owned.id}:owner:manual`]);
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id })).status).toBe('blocked');
    expectScimError(await scim.get(`/Users/${id}`), 404);

    // with scimDeleteAction=delete the user row goes too, unless that leaves a group without owner
    await t.op
      .patch(`/api/v1/tenants/${tenant.slug}`)
      .send({ settings: { scimDeleteAction: 'delete' } })
      .expect(200);
    const id2 = (await scim.post('/Users', { schemas: [USER], userName: 'del2@example.com' }).expect(201))
      .body.id;
    const lonely = await newGroup(t, tenant.slug, { name: 'Lonely' });
    await t.op
      .put(`/api/v1/tenants/${tenant.slug}/groups/${lonely.id}/members/${id2}`)
      .send({ role: 'owner' })
      .expect(200);
    const refused = await scim.delete(`/Users/${id2}`);
    expectScimError(refused, 409, 'mutability');
    expect(refused.body.detail).toContain('last owner of group "Lonely"');
    expect(await t.dataSource.getRepository(User).countBy({ id: id2 })).toBe(1);
    await t.op
      .put(`/api/v1/tenants/${tenant.slug}/groups/${lonely.id}/members/${id}`)
      .send({ role: 'owner' })
      .expect(200);
    await scim.delete(`/Users/${id2}`).expect(204);
    expect(await t.dataSource.getRepository(User).countBy({ id: id2 })).toBe(0);
  });

  it('sign-in and SCIM agree: a stale claim does not undo a newer SCIM removal', async () => {
    const { tenant, scim } = await scimTenant();
    const eng = await newGroup(t, tenant.slug, { name: 'Eng' });
    await newGroupLink(t, tenant.slug, eng.id, { externalGroup: 'eng', role: 'developer' });
    const id = (await scim.post('/Users', { schemas: [USER], userName: 'both@example.com' }).expect(201)).body
      .id;
    // sign-in with the claim: identity linked by email, membership from the claim
    const first = await signIn(
      t,
      tenant.slug,
      'entra',
      { email: 'both@example.com', externalId: 'sub-both' },
      ['eng'],
    );
    expect(first.status).toBe('signed-in');
    expect(await memberships(id)).toEqual([`${eng.id}:developer:sync`]);
    // SCIM pushes the group, then removes the user from it: the membership goes, though the old claim said eng
    const g = (
      await scim
        .post('/Groups', { schemas: [GROUP], displayName: 'eng', members: [{ value: id }] })
        .expect(201)
    ).body.id;
    await scim
      .patch(`/Groups/${g}`, {
        schemas: [PATCH],
        Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
      })
      .expect(200);
    expect(await memberships(id)).toEqual([]);
    // a sign-in with no group claim keeps it that way; a SCIM push alone grants access again
    await signIn(t, tenant.slug, 'entra', { email: 'both@example.com', externalId: 'sub-both' }, []);
    expect(await memberships(id)).toEqual([]);
    await scim
      .patch(`/Groups/${g}`, {
        schemas: [PATCH],
        Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
      })
      .expect(200);
    await signIn(t, tenant.slug, 'entra', { email: 'both@example.com', externalId: 'sub-both' }, []);
    expect(await memberships(id)).toEqual([`${eng.id}:developer:scim`]);
  });

  it('two IdPs of one tenant: neither sees nor takes over the users the other provisions', async () => {
    const { tenant, scim } = await scimTenant('entra');
    await newOidcIdp(t, tenant.slug, 'okta');
    const other = await t.op
      .post(`/api/v1/tenants/${tenant.slug}/scim-tokens`)
      .send({ idp: 'okta', name: 'okta' })
      .expect(201);
    const okta = {
      get: (p: string) =>
        request(t.http).get(`/scim/v2/${tenant.slug}${p}`).set('Authorization', `Bearer ${other.body.token}`),
      post: (p: string, body: object) =>
        request(t.http)
          .post(`/scim/v2/${tenant.slug}${p}`)
          .set('Authorization', `Bearer ${other.body.token}`)
          .send(body),
      delete: (p: string) =>
        request(t.http)
          .delete(`/scim/v2/${tenant.slug}${p}`)
          .set('Authorization', `Bearer ${other.body.token}`),
    };
    const id = (await scim.post('/Users', { schemas: [USER], userName: 'victim@x.example' }).expect(201)).body
      .id;
    expectScimError(await okta.get(`/Users/${id}`), 404);
    expectScimError(await okta.delete(`/Users/${id}`), 404);
    const takeover = await okta.post('/Users', {
      schemas: [USER],
      userName: 'whoever',
      emails: [{ value: 'victim@x.example' }],
      active: false,
    });
    expectScimError(takeover, 409, 'uniqueness');
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id })).status).toBe('active');
    // a user nobody provisions (pre-provisioned by an admin) is taken over, not duplicated, by a
    // second IdP only when the admin allows it to link accounts and vouches for the email's domain
    const pre = await t.op
      .post(`/api/v1/tenants/${tenant.slug}/users`)
      .send({ email: 'pre@x.example' })
      .expect(201);
    expectScimError(
      await okta.post('/Users', { schemas: [USER], userName: 'pre@x.example' }),
      409,
      'uniqueness',
    );
    await t.op
      .patch(`/api/v1/tenants/${tenant.slug}/identity-providers/okta`)
      .send({ accountLinking: 'email', verifiedDomains: ['x.example'] })
      .expect(200);
    const adopted = await okta.post('/Users', { schemas: [USER], userName: 'pre@x.example' }).expect(201);
    expect(adopted.body.id).toBe(pre.body.id);
  });

  it('deactivation ends sessions; an admin block survives the IdP saying active; reactivation re-plans', async () => {
    const { tenant, scim } = await scimTenant();
    const eng = await newGroup(t, tenant.slug, { name: 'Eng' });
    await newGroupLink(t, tenant.slug, eng.id, { externalGroup: 'eng', role: 'developer' });
    const id = (await scim.post('/Users', { schemas: [USER], userName: 'sess@example.com' }).expect(201)).body
      .id;
    const g = (
      await scim
        .post('/Groups', { schemas: [GROUP], displayName: 'eng', members: [{ value: id }] })
        .expect(201)
    ).body.id;
    const first = await signIn(t, tenant.slug, 'entra', { email: 'sess@example.com' }, ['eng']);
    expect(first.status).toBe('signed-in');
    await t.dataSource.getRepository(Session).save(
      t.dataSource.getRepository(Session).create({
        tenantId: tenant.id,
        userId: id,
        tokenHash: 'h'.repeat(64),
        csrfToken: 'c',
        expiresAt: new Date(Date.now() + 3600_000),
      }),
    );
    expect(await t.dataSource.getRepository(Session).countBy({ userId: id })).toBe(1);
    await scim
      .patch(`/Users/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      })
      .expect(200);
    expect(await t.dataSource.getRepository(Session).countBy({ userId: id })).toBe(0);
    // while blocked, the IdP removes the user from the group; reactivation applies it
    await scim
      .patch(`/Groups/${g}`, {
        schemas: [PATCH],
        Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
      })
      .expect(200);
    expect(await memberships(id)).toEqual([`${eng.id}:developer:scim`]);
    await scim
      .patch(`/Users/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: true }],
      })
      .expect(200);
    expect(await memberships(id)).toEqual([]);
    // an admin blocks the user: the IdP's routine "active: true" does not lift it
    await t.op.patch(`/api/v1/tenants/${tenant.slug}/users/${id}`).send({ status: 'blocked' }).expect(200);
    await scim
      .put(`/Users/${id}`, { schemas: [USER], userName: 'sess@example.com', active: true })
      .expect(200);
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id })).status).toBe('blocked');
  });

  it('group PUT sets the exact members, DELETE takes them all out; PATCH paths in any case', async () => {
    const { tenant, scim } = await scimTenant();
    const eng = await newGroup(t, tenant.slug, { name: 'Eng' });
    await newGroupLink(t, tenant.slug, eng.id, { externalGroup: 'team', role: 'reporter' });
    const a = (await scim.post('/Users', { schemas: [USER], userName: 'a@example.com' }).expect(201)).body.id;
    const b = (await scim.post('/Users', { schemas: [USER], userName: 'b@example.com' }).expect(201)).body.id;
    const g = (
      await scim
        .post('/Groups', { schemas: [GROUP], displayName: 'team', members: [{ value: a }] })
        .expect(201)
    ).body.id;
    const put = await scim
      .put(`/Groups/${g}`, { schemas: [GROUP], displayName: 'team', members: [{ value: b }] })
      .expect(200);
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([b]);
    expect(await memberships(a)).toEqual([]);
    expect(await memberships(b)).toEqual([`${eng.id}:reporter:scim`]);
    await scim.delete(`/Groups/${g}`).expect(204);
    expect(await memberships(b)).toEqual([]);
    expectScimError(await scim.get(`/Groups/${g}`), 404);

    const patched = await scim
      .patch(`/Users/${a}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'Replace', path: 'Name.GivenName', value: 'Ann' },
          { op: 'replace', path: `${ENTERPRISE}:EmployeeNumber`, value: '42' },
          { op: 'add', value: { 'emails[type eq "work"].value': 'ann@example.com' } },
        ],
      })
      .expect(200);
    expect(patched.body.name).toEqual({ givenName: 'Ann' });
    expect(patched.body[ENTERPRISE]).toEqual({ employeeNumber: '42' });
    expect(patched.body.emails).toEqual([{ type: 'work', value: 'ann@example.com' }]);
    const found = await scim.get(`/Users?filter=${encodeURIComponent('employeeNumber eq "42"')}`).expect(200);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([a]);
    const schema = await scim.get(`/Schemas/${ENTERPRISE}`).expect(200);
    expect(schema.body.id).toBe(ENTERPRISE);
    await scim.get('/ResourceTypes/Group').expect(200);
    expectScimError(await scim.get('/ResourceTypes/Nope'), 404);
  });

  it('concurrent PATCHes of one group, or of two groups sharing members, lose nothing', async () => {
    const { tenant, scim } = await scimTenant();
    const eng = await newGroup(t, tenant.slug, { name: 'Eng' });
    const ops = await newGroup(t, tenant.slug, { name: 'Ops' });
    await newGroupLink(t, tenant.slug, eng.id, { externalGroup: 'g1-renamed-4', role: 'developer' });
    await newGroupLink(t, tenant.slug, ops.id, { externalGroup: 'g2', role: 'reporter' });
    const users: string[] = [];
    for (let i = 0; i < 10; i++)
      users.push(
        (await scim.post('/Users', { schemas: [USER], userName: `c${i}@example.com` }).expect(201)).body.id,
      );
    const g1 = (await scim.post('/Groups', { schemas: [GROUP], displayName: 'g1' }).expect(201)).body.id;
    const g2 = (await scim.post('/Groups', { schemas: [GROUP], displayName: 'g2' }).expect(201)).body.id;
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([
        scim.patch(`/Groups/${g1}`, {
          schemas: [PATCH],
          Operations: [{ op: 'replace', path: 'displayName', value: `g1-renamed-${round}` }],
        }),
        scim.patch(`/Groups/${g1}`, {
          schemas: [PATCH],
          Operations: [
            {
              op: 'add',
              path: 'members',
              value: [{ value: users[round * 2] }, { value: users[round * 2 + 1] }],
            },
          ],
        }),
        scim.patch(`/Groups/${g2}`, {
          schemas: [PATCH],
          Operations: [
            {
              op: 'add',
              path: 'members',
              value: [{ value: users[round * 2] }, { value: users[round * 2 + 1] }],
            },
          ],
        }),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    }
    const g1Now = await scim.get(`/Groups/${g1}`).expect(200);
    expect(g1Now.body.displayName).toBe('g1-renamed-4');
    expect(g1Now.body.members).toHaveLength(10);
    for (const id of users)
      expect(await memberships(id)).toEqual([`${eng.id}:developer:scim`, `${ops.id}:reporter:scim`].sort());
  });
});
