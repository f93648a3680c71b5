import { Membership } from '../../src/groups/membership.entity';
import { newGroup, newGroupLink, newOidcIdp, newTenant } from '../support/factories';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Sign-ins reuse each tenant's sync context until tenants.syncVersion changes; database triggers
 * bump it on every write to groups and group links. These tests change links every way there is
 * (API, cascade, a raw SQL write as another instance would make) and check the next sign-in sees it.
 */
describe('sync context cache and the tenant sync version', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const version = async (tenantId: string) =>
    Number(
      (
        await t.dataSource.query(
          t.dataSource.options.type === 'postgres'
            ? 'SELECT "syncVersion" AS v FROM "tenants" WHERE "id" = $1'
            : 'SELECT "syncVersion" AS v FROM "tenants" WHERE "id" = ?',
          [tenantId],
        )
      )[0].v,
    );
  const groupsOf = async (userId: string) =>
    (await t.dataSource.getRepository(Membership).find({ where: { userId } })).map((m) => m.groupId).sort();

  it("every write to groups and links bumps only that tenant's version, cascades included", async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const idp = await newOidcIdp(t, a.slug, 'okta');
    const bBefore = await version(b.id);
    let last = await version(a.id);
    const bumped = async () => {
      const now = await version(a.id);
      expect(now).toBeGreaterThan(last);
      last = now;
    };
    const group = await newGroup(t, a.slug, { name: 'Eng' });
    await bumped();
    const link = await newGroupLink(t, a.slug, group.id, {
      externalGroup: 'devs',
      role: 'developer',
      idp: 'okta',
    });
    await bumped();
    await t.op
      .patch(`/api/v1/tenants/${a.slug}/groups/${group.id}/links/${link.id}`)
      .send({ role: 'maintainer' })
      .expect(200);
    await bumped();
    await t.op
      .patch(`/api/v1/tenants/${a.slug}/groups/${group.id}`)
      .send({ name: 'Engineering' })
      .expect(200);
    await bumped();
    await t.op.delete(`/api/v1/tenants/${a.slug}/groups/${group.id}/links/${link.id}`).expect(204);
    await bumped();
    // deleting the IdP removes its links by cascade: the trigger still fires
    await newGroupLink(t, a.slug, group.id, { externalGroup: 'ops', role: 'developer', idp: 'okta' });
    await bumped();
    await t.op.delete(`/api/v1/tenants/${a.slug}/identity-providers/${idp.slug}?force=true`).expect(204);
    await bumped();
    await t.op.delete(`/api/v1/tenants/${a.slug}/groups/${group.id}`).expect(204);
    await bumped();
    expect(await version(b.id)).toBe(bBefore);
  });

  it("every write to the tenant's custom roles bumps only its version", async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const bBefore = await version(b.id);
    let last = await version(a.id);
    const bumped = async () => {
      const now = await version(a.id);
      expect(now).toBeGreaterThan(last);
      last = now;
    };
    await t.op.post(`/api/v1/tenants/${a.slug}/roles`).send({ name: 'auditor', rank: 25 }).expect(201);
    await bumped();
    await t.op.patch(`/api/v1/tenants/${a.slug}/roles/auditor`).send({ rank: 35 }).expect(200);
    await bumped();
    await t.op.delete(`/api/v1/tenants/${a.slug}/roles/auditor`).expect(204);
    await bumped();
    expect(await version(b.id)).toBe(bBefore);
  });

  it('the next sign-in sees a link added, changed or removed, even by a raw write of another instance', async () => {
    const tenant = await newTenant(t);
    await newOidcIdp(t, tenant.slug, 'okta');
    const eng = await newGroup(t, tenant.slug, { name: 'Eng' });
    const ops = await newGroup(t, tenant.slug, { name: 'Ops' });
    const link = await newGroupLink(t, tenant.slug, eng.id, { externalGroup: 'devs', role: 'developer' });
    const who = { email: 'cache@example.com' };

    const first = await signIn(t, tenant.slug, 'okta', who, ['devs', 'ops']);
    if (first.status !== 'signed-in') throw new Error(first.reason);
    expect(await groupsOf(first.user.id)).toEqual([eng.id]);

    // a link written behind the service's back (another instance, a SQL console)
    const params = [ops.id, tenant.id, 'ops'];
    await t.dataSource.query(
      t.dataSource.options.type === 'postgres'
        ? `INSERT INTO "group_links" ("id", "groupId", "tenantId", "idpKey", "externalGroup", "role", "createdAt", "updatedAt")
           VALUES (gen_random_uuid(), $1, $2, '*', $3, 'reporter', now(), now())`
        : `INSERT INTO "group_links" ("id", "groupId", "tenantId", "idpKey", "externalGroup", "role", "createdAt", "updatedAt")
           VALUES (lower(hex(randomblob(16))), ?, ?, '*', ?, 'reporter', datetime('now'), datetime('now'))`,
      params,
    );
    await signIn(t, tenant.slug, 'okta', who, ['devs', 'ops']);
    expect(await groupsOf(first.user.id)).toEqual([eng.id, ops.id].sort());

    // the link that justified Eng goes: the next sign-in removes the membership
    await t.op.delete(`/api/v1/tenants/${tenant.slug}/groups/${eng.id}/links/${link.id}`).expect(204);
    await signIn(t, tenant.slug, 'okta', who, ['devs', 'ops']);
    expect(await groupsOf(first.user.id)).toEqual([ops.id]);
  });
});
