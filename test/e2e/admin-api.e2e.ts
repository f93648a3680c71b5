import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { makeKeyPair } from '../support/saml-idp';
import {
  auditActions,
  expectErrorShape,
  newGroup,
  newApiKey,
  newGroupLink,
  newOidcIdp,
  newTenant,
  newUser,
} from '../support/factories';

describe('admin REST API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const countAudit = async (slug: string) => (await auditActions(t, slug)).length;

  describe('tenants', () => {
    it('creates, lists, reads, renames and deletes a tenant, auditing each write', async () => {
      const tenant = await newTenant(t);
      expect(tenant).toEqual(
        expect.objectContaining({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), slug: tenant.slug }),
      );
      const list = await t.op.get('/api/v1/tenants').expect(200);
      expect(list.body.map((x: { slug: string }) => x.slug)).toContain(tenant.slug);
      await t.op.patch(`/api/v1/tenants/${tenant.slug}`).send({ name: 'Renamed' }).expect(200);
      const got = await t.op.get(`/api/v1/tenants/${tenant.slug}`).expect(200);
      expect(got.body.name).toBe('Renamed');
      expect(await auditActions(t, tenant.slug)).toEqual(['tenant.updated', 'tenant.created']);
      await t.op.delete(`/api/v1/tenants/${tenant.slug}`).expect(204);
      await t.op.get(`/api/v1/tenants/${tenant.slug}`).expect(404);
    });

    it('refuses a duplicate slug with 409 and writes nothing', async () => {
      const tenant = await newTenant(t);
      const res = await t.op.post('/api/v1/tenants').send({ slug: tenant.slug, name: 'again' }).expect(409);
      expectErrorShape(res.body, 409, 'tenant_slug_taken');
      expect(await auditActions(t, tenant.slug)).toEqual(['tenant.created']);
    });

    it.each([
      ['bad slug', { slug: 'Not A Slug', name: 'x' }],
      ['missing name', { slug: 'ok-slug' }],
      ['empty name', { slug: 'ok-slug', name: '' }],
      ['unknown field', { slug: 'ok-slug', name: 'x', plan: 'gold' }],
      ['wrong type', { slug: 42, name: 'x' }],
      ['bad settings', { slug: 'ok-slug', name: 'x', settings: { scimDeleteAction: 'explode' } }],
    ])('rejects %s with 400 validation_failed and creates nothing', async (_, body) => {
      const res = await t.op.post('/api/v1/tenants').send(body).expect(400);
      expectErrorShape(res.body, 400, 'validation_failed');
      expect(Array.isArray(res.body.details)).toBe(true);
      await t.op.get('/api/v1/tenants/ok-slug').expect(404);
    });

    it('answers malformed JSON with 400 and an oversized body with 413', async () => {
      const bad = await t.op
        .post('/api/v1/tenants')
        .set('Content-Type', 'application/json')
        .send('{"slug": "x",')
        .expect(400);
      expectErrorShape(bad.body, 400, 'invalid_json');
      const huge = JSON.stringify({ slug: 'huge', name: 'x'.repeat(1024 * 1024 + 10) });
      const big = await t.op
        .post('/api/v1/tenants')
        .set('Content-Type', 'application/json')
        .send(huge)
        .expect(413);
      expectErrorShape(big.body, 413, 'payload_too_large');
      await t.op.get('/api/v1/tenants/huge').expect(404);
    });

    it('answers unknown routes with the error shape', async () => {
      const res = await t.op.get('/api/v1/nothing-here').expect(404);
      expectErrorShape(res.body, 404, 'not_found');
    });
  });

  describe('groups and memberships', () => {
    it('creates groups with a subgroup, refuses cycles, duplicates and unknown parents', async () => {
      const { slug } = await newTenant(t);
      const parent = await newGroup(t, slug, { name: 'Engineering' });
      const child = await newGroup(t, slug, { name: 'Backend', parentId: parent.id });
      const grandchild = await newGroup(t, slug, { name: 'Databases', parentId: child.id });
      expect(child.parentId).toBe(parent.id);

      const before = await countAudit(slug);
      const self = await t.op
        .patch(`/api/v1/tenants/${slug}/groups/${parent.id}`)
        .send({ parentId: parent.id })
        .expect(400);
      expectErrorShape(self.body, 400, 'group_cycle');
      const cycle = await t.op
        .patch(`/api/v1/tenants/${slug}/groups/${parent.id}`)
        .send({ parentId: grandchild.id })
        .expect(400);
      expectErrorShape(cycle.body, 400, 'group_cycle');
      const dup = await t.op.post(`/api/v1/tenants/${slug}/groups`).send({ name: 'Engineering' }).expect(409);
      expectErrorShape(dup.body, 409, 'group_name_taken');
      const orphan = await t.op
        .post(`/api/v1/tenants/${slug}/groups`)
        .send({ name: 'Orphan', parentId: '00000000-0000-4000-8000-000000000000' })
        .expect(404);
      expectErrorShape(orphan.body, 404);
      await t.op
        .post(`/api/v1/tenants/${slug}/groups`)
        .send({ name: 'Bad', parentId: 'not-a-uuid' })
        .expect(400);
      expect(await countAudit(slug)).toBe(before);
      const unchanged = await t.op.get(`/api/v1/tenants/${slug}/groups/${parent.id}`).expect(200);
      expect(unchanged.body.parentId).toBeNull();

      // moving to top level and renaming work
      await t.op
        .patch(`/api/v1/tenants/${slug}/groups/${grandchild.id}`)
        .send({ parentId: null, name: 'DBs' })
        .expect(200);
      const list = await t.op.get(`/api/v1/tenants/${slug}/groups`).expect(200);
      expect(list.body.map((g: { name: string }) => g.name)).toEqual(['Backend', 'DBs', 'Engineering']);

      const busy = await t.op.delete(`/api/v1/tenants/${slug}/groups/${parent.id}`).expect(409);
      expectErrorShape(busy.body, 409, 'group_not_empty');
      await t.op.delete(`/api/v1/tenants/${slug}/groups/${child.id}`).expect(204);
      await t.op.delete(`/api/v1/tenants/${slug}/groups/${parent.id}`).expect(204);
      await t.op.get(`/api/v1/tenants/${slug}/groups/${parent.id}`).expect(404);
    });

    it('manages manual memberships and lists inherited roles from parent groups', async () => {
      const { slug } = await newTenant(t);
      const parent = await newGroup(t, slug, { name: 'Org' });
      const child = await newGroup(t, slug, { name: 'Team', parentId: parent.id });
      const ada = await newUser(t, slug, 'ada@example.com');
      const bob = await newUser(t, slug, 'bob@example.com');
      const cy = await newUser(t, slug, 'cy@example.com');
      const base = `/api/v1/tenants/${slug}/groups`;

      const put = await t.op
        .put(`${base}/${parent.id}/members/${ada.id}`)
        .send({ role: 'maintainer' })
        .expect(200);
      expect(put.body).toEqual(
        expect.objectContaining({ userId: ada.id, groupId: parent.id, role: 'maintainer', source: 'manual' }),
      );
      await t.op.put(`${base}/${child.id}/members/${ada.id}`).send({ role: 'guest' }).expect(200);
      await t.op.put(`${base}/${child.id}/members/${bob.id}`).send({ role: 'developer' }).expect(200);
      await t.op.put(`${base}/${parent.id}/members/${cy.id}`).send({ role: 'owner' }).expect(200);
      await t.op.put(`${base}/${child.id}/members/${cy.id}`).send({ role: 'owner' }).expect(200);

      const members = await t.op.get(`${base}/${child.id}/members`).expect(200);
      const view = members.body.map((m: Record<string, unknown>) => [m.email, m.role, m.source, m.inherited]);
      expect(view).toEqual([
        ['ada@example.com', 'maintainer', 'manual', true], // parent's maintainer beats direct guest
        ['bob@example.com', 'developer', 'manual', false],
        ['cy@example.com', 'owner', 'manual', false], // equal roles: the direct membership shows
      ]);

      // role change, then removal
      await t.op.put(`${base}/${child.id}/members/${bob.id}`).send({ role: 'reporter' }).expect(200);
      await t.op.delete(`${base}/${child.id}/members/${bob.id}`).expect(204);
      await t.op.delete(`${base}/${child.id}/members/${bob.id}`).expect(404);

      // the last owner stays
      const last = await t.op.delete(`${base}/${parent.id}/members/${cy.id}`).expect(409);
      expectErrorShape(last.body, 409, 'last_owner');
      await t.op.put(`${base}/${parent.id}/members/${cy.id}`).send({ role: 'guest' }).expect(409);

      const bad = await t.op
        .put(`${base}/${child.id}/members/${bob.id}`)
        .send({ role: 'emperor' })
        .expect(400);
      expectErrorShape(bad.body, 400, 'validation_failed');
      await t.op
        .put(`${base}/${child.id}/members/00000000-0000-4000-8000-000000000000`)
        .send({ role: 'guest' })
        .expect(404);

      const actions = await auditActions(t, slug);
      expect(actions.filter((a) => a.startsWith('membership.'))).toEqual([
        'membership.removed',
        'membership.role_changed',
        'membership.added',
        'membership.added',
        'membership.added',
        'membership.added',
        'membership.added',
      ]);
      const user = await t.op.get(`/api/v1/tenants/${slug}/users/${ada.id}`).expect(200);
      expect(
        user.body.memberships.map((m: { groupName: string; role: string }) => [m.groupName, m.role]),
      ).toEqual([
        ['Org', 'maintainer'],
        ['Team', 'guest'],
      ]);
    });
  });

  describe('group links', () => {
    it('adds, lists, reads, updates and deletes links; refuses duplicates, unknown groups and IdPs, bad roles', async () => {
      const { slug } = await newTenant(t);
      const idp = await newOidcIdp(t, slug, 'entra');
      const group = await newGroup(t, slug);
      const base = `/api/v1/tenants/${slug}/groups/${group.id}/links`;

      const any = await newGroupLink(t, slug, group.id, { externalGroup: ' Developers ', role: 'developer' });
      expect(any).toEqual(
        expect.objectContaining({ externalGroup: 'Developers', idp: null, role: 'developer' }),
      );
      const scoped = await newGroupLink(t, slug, group.id, {
        externalGroup: '6f1c1c5e-0000-4000-8000-aaaaaaaaaaaa',
        role: 'maintainer',
        idp: idp.slug,
        label: 'Developers (Entra)',
      });
      expect(scoped.idp).toBe('entra');
      // the IdP may also be named by its id
      const byId = await newGroupLink(t, slug, group.id, {
        externalGroup: 'ById',
        role: 'guest',
        idp: idp.id,
      });
      expect(byId.idp).toBe('entra');
      await t.op.delete(`${base}/${byId.id}`).expect(204);
      // the same external group on a different IdP scope is a different link
      await newGroupLink(t, slug, group.id, { externalGroup: 'Developers', role: 'guest', idp: 'entra' });

      const before = await countAudit(slug);
      const dup = await t.op.post(base).send({ externalGroup: 'Developers', role: 'owner' }).expect(409);
      expectErrorShape(dup.body, 409, 'group_link_exists');
      const noIdp = await t.op
        .post(base)
        .send({ externalGroup: 'x', role: 'guest', idp: 'ghost' })
        .expect(404);
      expectErrorShape(noIdp.body, 404, 'identity_provider_not_found');
      const badRole = await t.op.post(base).send({ externalGroup: 'x', role: 'admin' }).expect(400);
      expectErrorShape(badRole.body, 400, 'validation_failed');
      await t.op.post(base).send({ externalGroup: '   ', role: 'guest' }).expect(400);
      await t.op.post(base).send({ role: 'guest' }).expect(400);
      const noGroup = await t.op
        .post(`/api/v1/tenants/${slug}/groups/00000000-0000-4000-8000-000000000000/links`)
        .send({ externalGroup: 'x', role: 'guest' })
        .expect(404);
      expectErrorShape(noGroup.body, 404, 'group_not_found');
      expect(await countAudit(slug)).toBe(before);

      const list = await t.op.get(base).expect(200);
      expect(list.body).toHaveLength(3);
      // the list (raw rows) and the single read (entity) agree to the millisecond
      const listed = list.body.find((l: { id: string }) => l.id === scoped.id);
      expect(listed).toEqual((await t.op.get(`${base}/${scoped.id}`).expect(200)).body);
      expect(listed.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const got = await t.op.get(`${base}/${scoped.id}`).expect(200);
      expect(got.body.label).toBe('Developers (Entra)');
      const changed = await t.op.patch(`${base}/${scoped.id}`).send({ role: 'owner' }).expect(200);
      expect(changed.body.role).toBe('owner');
      await t.op.delete(`${base}/${any.id}`).expect(204);
      await t.op.get(`${base}/${any.id}`).expect(404);
      expect((await auditActions(t, slug)).slice(0, 2)).toEqual(['group_link.deleted', 'group_link.updated']);
    });
  });

  describe('users', () => {
    it('pre-provisions users, filters by email case-insensitively, refuses duplicates', async () => {
      const { slug } = await newTenant(t);
      const res = await t.op
        .post(`/api/v1/tenants/${slug}/users`)
        .send({ email: 'Grace@Example.com', displayName: 'Grace' })
        .expect(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          email: 'grace@example.com',
          isAdmin: false,
          status: 'active',
          memberships: [],
          externalGroups: [],
        }),
      );
      await newUser(t, slug, 'alan@example.com');
      const dup = await t.op
        .post(`/api/v1/tenants/${slug}/users`)
        .send({ email: 'GRACE@example.com' })
        .expect(409);
      expectErrorShape(dup.body, 409, 'user_email_taken');
      await t.op.post(`/api/v1/tenants/${slug}/users`).send({ email: 'not-an-email' }).expect(400);
      const found = await t.op.get(`/api/v1/tenants/${slug}/users?email=GRACE@EXAMPLE.COM`).expect(200);
      expect(found.body.map((u: { email: string }) => u.email)).toEqual(['grace@example.com']);
      const all = await t.op.get(`/api/v1/tenants/${slug}/users`).expect(200);
      expect(all.body).toHaveLength(2);
      const admin = await t.op
        .patch(`/api/v1/tenants/${slug}/users/${res.body.id}`)
        .send({ isAdmin: true })
        .expect(200);
      expect(admin.body).toEqual(expect.objectContaining({ isAdmin: true, adminSource: 'manual' }));
      await t.op.get(`/api/v1/tenants/${slug}/users/not-a-uuid`).expect(400);
    });
  });

  describe('identity providers', () => {
    it('stores OIDC settings, never returns the secret, and validates per protocol', async () => {
      const { slug } = await newTenant(t);
      const res = await t.op
        .post(`/api/v1/tenants/${slug}/identity-providers`)
        .send({
          slug: 'ping',
          type: 'oidc',
          issuer: 'https://auth.pingone.example/as',
          clientId: 'cid',
          clientSecret: 'top-secret-value',
          groupSync: { caseSensitive: false, adminGroups: ['admins'] },
        })
        .expect(201);
      expect(JSON.stringify(res.body)).not.toContain('top-secret-value');
      expect(res.body).toEqual(
        expect.objectContaining({
          type: 'oidc',
          hasClientSecret: true,
          loginUrl: `http://sso.test/sso/${slug}/ping/login`,
          callbackUrl: `http://sso.test/sso/${slug}/ping/callback`,
        }),
      );
      expect(res.body.groupSync).toEqual(
        expect.objectContaining({
          caseSensitive: false,
          adminGroups: ['admins'],
          removal: 'enforce',
          claims: ['groups'],
        }),
      );
      const stored = await t.dataSource.query('SELECT "secrets" FROM "identity_providers"');
      expect(JSON.stringify(stored)).not.toContain('top-secret-value');

      const saml = await t.op
        .post(`/api/v1/tenants/${slug}/identity-providers`)
        .send({
          slug: 'adfs',
          type: 'saml',
          entityId: 'http://adfs.example.com/adfs/services/trust',
          ssoUrl: 'https://adfs.example.com/adfs/ls/',
          // a real certificate: since issue #12 its dates are checked when saved
          certificates: [makeKeyPair('adfs').cert],
        })
        .expect(201);
      expect(saml.body).toEqual(
        expect.objectContaining({
          acsUrl: `http://sso.test/sso/${slug}/adfs/acs`,
          metadataUrl: `http://sso.test/sso/${slug}/adfs/metadata`,
          spEntityId: expect.any(String),
        }),
      );

      // from pasted metadata: entity id, SSO URL and signing certificates are read out of it
      const cert = makeKeyPair('entra')
        .cert.replace(/-----[A-Z ]+-----/g, '')
        .replace(/\s+/g, '');
      const metadataXml = `<EntityDescriptor entityID="https://sts.windows.net/t1/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${cert}</X509Certificate></X509Data></KeyInfo></KeyDescriptor><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/t1/saml2"/></IDPSSODescriptor></EntityDescriptor>`;
      const entra = await t.op
        .post(`/api/v1/tenants/${slug}/identity-providers`)
        .send({ slug: 'entra-saml', type: 'saml', metadataXml })
        .expect(201);
      expect(entra.body).toEqual(
        expect.objectContaining({
          entityId: 'https://sts.windows.net/t1/',
          ssoUrl: 'https://login.microsoftonline.com/t1/saml2',
          ssoBinding: 'redirect',
          certificates: [expect.stringContaining('-----BEGIN CERTIFICATE-----')],
          hasMetadataXml: true,
        }),
      );
      const badMetadata = await t.op
        .post(`/api/v1/tenants/${slug}/identity-providers`)
        .send({
          slug: 'bad-saml',
          type: 'saml',
          metadataXml: metadataXml.replace(/<KeyDescriptor[\s\S]*<\/KeyDescriptor>/, ''),
        })
        .expect(400);
      expectErrorShape(badMetadata.body, 400, 'invalid_metadata');
      expect(badMetadata.body.message).toContain('no signing certificate');
      const xxe = await t.op
        .post(`/api/v1/tenants/${slug}/identity-providers`)
        .send({
          slug: 'xxe-saml',
          type: 'saml',
          metadataXml: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${metadataXml}`,
        })
        .expect(400);
      expect(xxe.body.message).toContain('DOCTYPE');
      await t.op.delete(`/api/v1/tenants/${slug}/identity-providers/entra-saml`).expect(204);

      const before = await countAudit(slug);
      const cases: [object, number, string][] = [
        [
          { slug: 'ping', type: 'oidc', issuer: 'https://x.example', clientId: 'c', clientSecret: 's' },
          409,
          'identity_provider_slug_taken',
        ],
        [{ slug: 'half', type: 'saml', entityId: 'x' }, 400, 'invalid_identity_provider'],
        [
          { slug: 'mixed', type: 'saml', metadataXml: '<x/>', clientId: 'c' },
          400,
          'invalid_identity_provider',
        ],
        [{ slug: 'noclient', type: 'oidc', issuer: 'https://x.example' }, 400, 'invalid_identity_provider'],
        [{ slug: 'badurl', type: 'oidc', issuer: 'not a url', clientId: 'c' }, 400, 'validation_failed'],
        [
          {
            slug: 'badpolicy',
            type: 'oidc',
            issuer: 'https://x.example',
            clientId: 'c',
            groupSync: { removal: 'sometimes' },
          },
          400,
          'validation_failed',
        ],
        [
          {
            slug: 'badpolicy2',
            type: 'oidc',
            issuer: 'https://x.example',
            clientId: 'c',
            groupSync: { bogus: true },
          },
          400,
          'validation_failed',
        ],
        [{ slug: 'ldap', type: 'ldap' }, 400, 'validation_failed'],
      ];
      for (const [body, status, code] of cases) {
        const r = await t.op.post(`/api/v1/tenants/${slug}/identity-providers`).send(body);
        expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status, code });
      }
      expect(await countAudit(slug)).toBe(before);

      const patched = await t.op
        .patch(`/api/v1/tenants/${slug}/identity-providers/ping`)
        .send({ groupSync: { removal: 'never' } })
        .expect(200);
      expect(patched.body.groupSync).toEqual(
        expect.objectContaining({ removal: 'never', caseSensitive: false }),
      );
      const list = await t.op.get(`/api/v1/tenants/${slug}/identity-providers`).expect(200);
      expect(list.body.map((i: { slug: string }) => i.slug)).toEqual(['adfs', 'ping']);
      await t.op.delete(`/api/v1/tenants/${slug}/identity-providers/adfs`).expect(204);
      await t.op.get(`/api/v1/tenants/${slug}/identity-providers/adfs`).expect(404);
    });
  });

  describe('audit log', () => {
    it('records actor, target, before/after, correlation id and IP, filters and pages newest first', async () => {
      const { slug } = await newTenant(t);
      const group = await newGroup(t, slug, { name: 'Audited' });
      const user = await newUser(t, slug);
      await request(t.http)
        .put(`/api/v1/tenants/${slug}/groups/${group.id}/members/${user.id}`)
        .set('Authorization', `Bearer ${'test-operator-token-0123456789abcdef'}`)
        .set('X-Correlation-Id', 'corr-42')
        .set('User-Agent', 'audit-test')
        .send({ role: 'developer' })
        .expect(200);
      for (let i = 0; i < 5; i++)
        await newGroupLink(t, slug, group.id, { externalGroup: `g${i}`, role: 'guest' });

      const all = await t.op.get(`/api/v1/tenants/${slug}/audit-events`).expect(200);
      const actions = all.body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual([
        ...Array(5).fill('group_link.created'),
        'membership.added',
        'user.created',
        'group.created',
        'tenant.created',
      ]);
      const membership = all.body.items[5];
      expect(membership).toEqual(
        expect.objectContaining({
          actor: { type: 'operator', id: null, label: 'operator token' },
          target: { type: 'group', id: group.id },
          userId: user.id,
          after: { role: 'developer', source: 'manual' },
          correlationId: 'corr-42',
          userAgent: 'audit-test',
          ip: expect.stringContaining('127.0.0.1'),
        }),
      );

      const byUser = await t.op.get(`/api/v1/tenants/${slug}/audit-events?userId=${user.id}`).expect(200);
      expect(byUser.body.items.map((e: { action: string }) => e.action)).toEqual([
        'membership.added',
        'user.created',
      ]);
      const byPrefix = await t.op.get(`/api/v1/tenants/${slug}/audit-events?action=group_link.*`).expect(200);
      expect(byPrefix.body.items).toHaveLength(5);
      // `_` is a letter of the prefix, not a LIKE wildcard: these match no action.
      for (const wild of ['_*', 'group_lin_.*'])
        expect(
          (
            await t.op
              .get(`/api/v1/tenants/${slug}/audit-events?action=${encodeURIComponent(wild)}`)
              .expect(200)
          ).body.items,
        ).toEqual([]);
      const exact = await t.op.get(`/api/v1/tenants/${slug}/audit-events?action=group.created`).expect(200);
      expect(exact.body.items).toHaveLength(1);

      // cursor pagination walks everything exactly once
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await t.op
          .get(`/api/v1/tenants/${slug}/audit-events?limit=4${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        seen.push(...page.body.items.map((e: { id: string }) => e.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.body.items.map((e: { id: string }) => e.id));

      const future = new Date(Date.now() + 60_000).toISOString();
      const none = await t.op.get(`/api/v1/tenants/${slug}/audit-events?since=${future}`).expect(200);
      expect(none.body.items).toEqual([]);
      const until = await t.op.get(`/api/v1/tenants/${slug}/audit-events?until=${future}`).expect(200);
      expect(until.body.items).toHaveLength(9);

      for (const q of [
        'limit=0',
        'limit=500',
        'since=yesterday',
        'cursor=abc',
        'userId=42',
        'action=DROP TABLE',
      ]) {
        const bad = await t.op.get(`/api/v1/tenants/${slug}/audit-events?${q}`);
        expect({ q, status: bad.status }).toEqual({ q, status: 400 });
      }
    });

    it('filters by correlation id (exact match), only inside the tenant asked for', async () => {
      const a = await newTenant(t);
      const b = await newTenant(t);
      const tokenAuth = `Bearer ${'test-operator-token-0123456789abcdef'}`;
      // The same correlation id in two tenants (a client may send its own X-Correlation-Id).
      for (const slug of [a.slug, b.slug])
        await request(t.http)
          .post(`/api/v1/tenants/${slug}/groups`)
          .set('Authorization', tokenAuth)
          .set('X-Correlation-Id', 'ref-7')
          .send({ name: 'Traced' })
          .expect(201);
      await request(t.http)
        .post(`/api/v1/tenants/${a.slug}/groups`)
        .set('Authorization', tokenAuth)
        .set('X-Correlation-Id', 'ref-70')
        .send({ name: 'Other' })
        .expect(201);

      const inA = await t.op.get(`/api/v1/tenants/${a.slug}/audit-events?correlationId=ref-7`).expect(200);
      expect(inA.body.items).toHaveLength(1);
      expect(inA.body.items[0]).toEqual(
        expect.objectContaining({
          action: 'group.created',
          correlationId: 'ref-7',
          after: expect.objectContaining({ name: 'Traced' }),
        }),
      );
      const withAction = await t.op
        .get(`/api/v1/tenants/${a.slug}/audit-events?correlationId=ref-7&action=group.*`)
        .expect(200);
      expect(withAction.body.items).toHaveLength(1);
      const none = await t.op.get(`/api/v1/tenants/${a.slug}/audit-events?correlationId=ref-`).expect(200);
      expect(none.body.items).toEqual([]);

      // A's key sees A's event only, and cannot read B's through the filter.
      const keyA = await newApiKey(t, a.slug);
      const own = await keyA
        .as('get', `/api/v1/tenants/${a.slug}/audit-events?correlationId=ref-7`)
        .expect(200);
      expect(own.body.items.map((e: { id: string }) => e.id)).toEqual([inA.body.items[0].id]);
      await keyA.as('get', `/api/v1/tenants/${b.slug}/audit-events?correlationId=ref-7`).expect(403);
      const inB = await t.op.get(`/api/v1/tenants/${b.slug}/audit-events?correlationId=ref-7`).expect(200);
      expect(inB.body.items).toHaveLength(1);
      expect(inB.body.items[0].id).not.toBe(inA.body.items[0].id);

      for (const q of [
        'correlationId=',
        'correlationId=a%20b',
        `correlationId=${'x'.repeat(65)}`,
        "correlationId=x'--",
      ]) {
        const bad = await t.op.get(`/api/v1/tenants/${a.slug}/audit-events?${q}`);
        expect({ q, status: bad.status }).toEqual({ q, status: 400 });
      }
    });
  });
});
