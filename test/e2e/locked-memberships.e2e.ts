import request from 'supertest';
import { Session } from '../../src/auth/session.entity';
import { sha256Hex } from '../../src/common/crypto';
import { insertRows } from '../../src/database/insert';
import { Membership } from '../../src/groups/membership.entity';
import {
  auditEventsOf,
  expectErrorShape,
  newApiKey,
  newGroup,
  newGroupLink,
  newOidcIdp,
  newTenant,
  newUser,
  SCIM_GROUP,
  SCIM_USER,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** Tenant setting lockSyncedMemberships: manual member changes in a group that links manage. */
describe('locked synced groups', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const auditOf = (slug: string, action: string) => auditEventsOf(t, slug, action);

  /** A locked tenant: Eng managed by two links (ada a manual member), Free without links. */
  async function lockedTenant(lock = true) {
    const { slug } = await newTenant(t);
    await newOidcIdp(t, slug, 'okta');
    await t.op
      .patch(`/api/v1/tenants/${slug}`)
      .send({ settings: { lockSyncedMemberships: lock } })
      .expect(200);
    const eng = await newGroup(t, slug, { name: 'Eng' });
    const free = await newGroup(t, slug, { name: 'Free' });
    const ada = await newUser(t, slug, 'ada@example.com');
    const bob = await newUser(t, slug, 'bob@example.com');
    const groups = `/api/v1/tenants/${slug}/groups`;
    // ada joined before the links existed (or before the lock): the lock is about later changes
    await t.op.put(`${groups}/${eng.id}/members/${ada.id}`).send({ role: 'owner' }).expect(200);
    await t.op.put(`${groups}/${eng.id}/members/${bob.id}`).send({ role: 'owner' }).expect(200);
    const devs = await newGroupLink(t, slug, eng.id, { externalGroup: 'devs', role: 'developer' });
    const ops = await newGroupLink(t, slug, eng.id, {
      externalGroup: 'ops',
      role: 'maintainer',
      idp: 'okta',
    });
    return { slug, eng, free, ada, bob, devs, ops, groups, member: `${groups}/${eng.id}/members` };
  }

  it('is off by default, validated, and shown in the tenant settings', async () => {
    const { slug } = await newTenant(t);
    const got = await t.op.get(`/api/v1/tenants/${slug}`).expect(200);
    expect(got.body.settings).toMatchObject({ scimDeleteAction: 'block', lockSyncedMemberships: false });
    for (const bad of ['yes', 1, null])
      expectErrorShape(
        (
          await t.op
            .patch(`/api/v1/tenants/${slug}`)
            .send({ settings: { lockSyncedMemberships: bad } })
            .expect(400)
        ).body,
        400,
        'validation_failed',
      );
    const on = await t.op
      .patch(`/api/v1/tenants/${slug}`)
      .send({ settings: { lockSyncedMemberships: true } })
      .expect(200);
    expect(on.body.settings.lockSyncedMemberships).toBe(true);
  });

  it('refuses PUT and DELETE of members in a linked group (409 naming the links); unlinked groups are free', async () => {
    const g = await lockedTenant();
    const carl = await newUser(t, g.slug, 'carl@example.com');
    const added = await t.op.put(`${g.member}/${carl.id}`).send({ role: 'guest' }).expect(409);
    expectErrorShape(added.body, 409, 'membership_locked');
    expect(added.body.message).toBe(
      'Members of "Eng" are managed by its group links (devs -> developer, ops -> maintainer (okta)) and this ' +
        'tenant locks synced memberships: change the membership at the identity provider, or ask the platform operator',
    );
    expect(added.body.details).toEqual({
      groupId: g.eng.id,
      groupName: 'Eng',
      linkCount: 2,
      links: [
        { id: g.devs.id, idp: null, externalGroup: 'devs', role: 'developer' },
        { id: g.ops.id, idp: 'okta', externalGroup: 'ops', role: 'maintainer' },
      ],
    });
    const changed = await t.op.put(`${g.member}/${g.ada.id}`).send({ role: 'guest' }).expect(409);
    expectErrorShape(changed.body, 409, 'membership_locked');
    expectErrorShape(
      (await t.op.delete(`${g.member}/${g.ada.id}`).expect(409)).body,
      409,
      'membership_locked',
    );
    await t.op.delete(`${g.member}/${g.ada.id}?force=false`).expect(409);
    const rows = await t.dataSource.getRepository(Membership).find({ where: { groupId: g.eng.id } });
    expect(rows.map((m) => m.role).sort()).toEqual(['owner', 'owner']);
    expect(await auditOf(g.slug, 'membership.removed')).toEqual([]);
    // a group without links, and a tenant without the lock, take manual changes as before
    await t.op.put(`${g.groups}/${g.free.id}/members/${carl.id}`).send({ role: 'guest' }).expect(200);
    await t.op.delete(`${g.groups}/${g.free.id}/members/${carl.id}`).expect(204);
    const open = await lockedTenant(false);
    await t.op.put(`${open.member}/${open.ada.id}`).send({ role: 'developer' }).expect(200);
  });

  it('the operator overrides with ?force=true, audited with the override and the links', async () => {
    const g = await lockedTenant();
    const carl = await newUser(t, g.slug, 'carl@example.com');
    await t.op.put(`${g.member}/${carl.id}?force=true`).send({ role: 'reporter' }).expect(200);
    await t.op.put(`${g.member}/${g.ada.id}?force=true`).send({ role: 'maintainer' }).expect(200);
    await t.op.delete(`${g.member}/${carl.id}?force=true`).expect(204);
    const links = [
      { id: g.devs.id, idp: null, externalGroup: 'devs', role: 'developer' },
      { id: g.ops.id, idp: 'okta', externalGroup: 'ops', role: 'maintainer' },
    ];
    const flagged = { groupName: 'Eng', lockOverridden: true, managingLinks: links };
    for (const action of ['membership.added', 'membership.role_changed', 'membership.removed']) {
      const [event] = await auditOf(g.slug, action);
      expect(event.details).toEqual(flagged);
      expect(event.actor).toEqual(expect.objectContaining({ type: 'operator' }));
    }
    // a write the lock does not concern is not flagged, force or not
    await t.op
      .put(`${g.groups}/${g.free.id}/members/${carl.id}?force=true`)
      .send({ role: 'guest' })
      .expect(200);
    const [free] = await auditOf(g.slug, 'membership.added');
    expect(free.details).toEqual({ groupName: 'Free' });
  });

  it('a tenant API key sending ?force=true gets 403 and nothing changes; force=yes is 400', async () => {
    const g = await lockedTenant();
    const key = await newApiKey(t, g.slug);
    const put = await key.as('put', `${g.member}/${g.ada.id}?force=true`).send({ role: 'guest' }).expect(403);
    expectErrorShape(put.body, 403, 'force_requires_operator');
    const del = await key.as('delete', `${g.member}/${g.ada.id}?force=true`).expect(403);
    expectErrorShape(del.body, 403, 'force_requires_operator');
    expectErrorShape(
      (await key.as('delete', `${g.member}/${g.ada.id}`).expect(409)).body,
      409,
      'membership_locked',
    );
    for (const q of ['force=yes', 'force=1', 'forced=true'])
      expectErrorShape(
        (await t.op.delete(`${g.member}/${g.ada.id}?${q}`).expect(400)).body,
        400,
        'validation_failed',
      );
    expect(await t.dataSource.getRepository(Membership).countBy({ groupId: g.eng.id })).toBe(2);
    // another tenant's operator path: the group is not found there, force or not
    const other = await newTenant(t);
    await t.op
      .delete(`/api/v1/tenants/${other.slug}/groups/${g.eng.id}/members/${g.ada.id}?force=true`)
      .expect(404);
    expect(await t.dataSource.getRepository(Membership).countBy({ groupId: g.eng.id })).toBe(2);
  });

  it("a workspace admin's SSO session sending ?force=true gets 403 too; without it, the lock's 409", async () => {
    const g = await lockedTenant();
    const { id: tenantId } = (await t.op.get(`/api/v1/tenants/${g.slug}`).expect(200)).body;
    await t.op.patch(`/api/v1/tenants/${g.slug}/users/${g.bob.id}`).send({ isAdmin: true }).expect(200);
    const token = `gss_locked_${g.slug}`;
    await insertRows(
      t.dataSource.manager,
      Session,
      Object.assign(new Session(), {
        tenantId,
        userId: g.bob.id,
        tokenHash: sha256Hex(token),
        csrfToken: 'csrf-locked',
        expiresAt: new Date(Date.now() + 3600_000),
      }),
    );
    const asBob = (method: 'put' | 'delete', url: string) =>
      (method === 'put' ? request(t.http).put(url) : request(t.http).delete(url))
        .set('Cookie', `gs_session_${g.slug}=${token}`)
        .set('X-CSRF-Token', 'csrf-locked');
    const forced = await asBob('delete', `${g.member}/${g.ada.id}?force=true`).expect(403);
    expectErrorShape(forced.body, 403, 'force_requires_operator');
    expectErrorShape(
      (await asBob('delete', `${g.member}/${g.ada.id}`).expect(409)).body,
      409,
      'membership_locked',
    );
    await asBob('put', `${g.groups}/${g.free.id}/members/${g.ada.id}`).send({ role: 'guest' }).expect(200);
    expect(await t.dataSource.getRepository(Membership).countBy({ groupId: g.eng.id })).toBe(2);
  });

  it('SCIM group pushes are the IdP writing, not a manual change: a locked group still follows them', async () => {
    const g = await lockedTenant();
    const token = await t.op
      .post(`/api/v1/tenants/${g.slug}/scim-tokens`)
      .send({ idp: 'okta', name: 'p' })
      .expect(201);
    const scim = (path: string, body: object) =>
      request(t.http)
        .post(`/scim/v2/${g.slug}${path}`)
        .set('Authorization', `Bearer ${token.body.token}`)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify(body));
    const dan = await scim('/Users', { schemas: [SCIM_USER], userName: 'dan@example.com' }).expect(201);
    await scim('/Groups', {
      schemas: [SCIM_GROUP],
      displayName: 'ops',
      members: [{ value: dan.body.id }],
    }).expect(201);
    const row = await t.dataSource
      .getRepository(Membership)
      .findOneByOrFail({ groupId: g.eng.id, userId: dan.body.id });
    expect([row.role, row.source]).toEqual(['maintainer', 'scim']);
  });
});
