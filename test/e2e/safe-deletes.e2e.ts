import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Membership } from '../../src/groups/membership.entity';
import { Identity } from '../../src/users/identity.entity';
import { User } from '../../src/users/user.entity';
import { insertInChunks, insertRows } from '../../src/database/insert';
import {
  auditActions,
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

interface Preview {
  dryRun?: true;
  target: { type: string; id: string; name: string };
  requiresForce: boolean;
  counts: Record<string, number>;
  items: Record<string, Record<string, unknown>[]>;
}

/** Deleting a group, an IdP or a tenant with something attached: 409 with the list, dryRun, force. */
describe('deletes that cannot surprise', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const events = async (slug: string, action: string) =>
    (await t.op.get(`/api/v1/tenants/${slug}/audit-events?action=${action}&limit=200`).expect(200)).body
      .items as { action: string; target: { id: string }; details: Record<string, unknown> }[];

  /** Eng (owner ada, link devs) > Backend (developer bob, link backend@okta) > DB (empty). */
  async function busyGroup() {
    const { slug, id: tenantId } = await newTenant(t);
    const okta = await newOidcIdp(t, slug, 'okta');
    const eng = await newGroup(t, slug, { name: 'Eng' });
    const backend = await newGroup(t, slug, { name: 'Backend', parentId: eng.id });
    const db = await newGroup(t, slug, { name: 'DB', parentId: backend.id });
    const ada = await newUser(t, slug, 'ada@example.com');
    const bob = await newUser(t, slug, 'bob@example.com');
    const groups = `/api/v1/tenants/${slug}/groups`;
    await t.op.put(`${groups}/${eng.id}/members/${ada.id}`).send({ role: 'owner' }).expect(200);
    await t.op.put(`${groups}/${backend.id}/members/${bob.id}`).send({ role: 'developer' }).expect(200);
    const devs = await newGroupLink(t, slug, eng.id, { externalGroup: 'devs', role: 'developer' });
    const be = await newGroupLink(t, slug, backend.id, {
      externalGroup: 'backend',
      role: 'maintainer',
      idp: 'okta',
    });
    return { slug, tenantId, okta, eng, backend, db, ada, bob, devs, be, url: `${groups}/${eng.id}` };
  }

  it('deletes a group with nothing attached as before (204); its dry run lists nothing', async () => {
    const { slug } = await newTenant(t);
    const group = await newGroup(t, slug, { name: 'Empty' });
    const url = `/api/v1/tenants/${slug}/groups/${group.id}`;
    const dry = await t.op.delete(`${url}?dryRun=true`).expect(200);
    expect(dry.body).toEqual({
      dryRun: true,
      target: { type: 'group', id: group.id, name: 'Empty' },
      requiresForce: false,
      counts: { subgroups: 0, links: 0, memberships: 0 },
      items: { subgroups: [], links: [], memberships: [] },
    });
    await t.op.get(url).expect(200);
    await t.op.delete(url).expect(204);
    await t.op.get(url).expect(404);
    const [deleted] = await events(slug, 'group.deleted');
    expect(deleted.details).toEqual(expect.objectContaining({ forced: false, parts: 1, cascade: {} }));
  });

  it('refuses a group with subgroups, links and members (409 with the list) and deletes nothing', async () => {
    const g = await busyGroup();
    const before = await auditActions(t, g.slug);
    const res = await t.op.delete(g.url).expect(409);
    expectErrorShape(res.body, 409, 'group_not_empty');
    expect(res.body.message).toBe(
      'Group "Eng" has 2 subgroup(s), 2 link(s), 2 member(s); delete with ?force=true to remove them with it (?dryRun=true lists them)',
    );
    const details = res.body.details as Preview;
    expect(details.counts).toEqual({ subgroups: 2, links: 2, memberships: 2 });
    expect(details.requiresForce).toBe(true);
    expect(details.items.subgroups.map((s) => s.name)).toEqual(['Backend', 'DB']);
    expect(details.items.links).toEqual([
      expect.objectContaining({ id: g.be.id, groupName: 'Backend', idp: 'okta', externalGroup: 'backend' }),
      expect.objectContaining({ id: g.devs.id, groupName: 'Eng', idp: null, role: 'developer' }),
    ]);
    expect(details.items.memberships.map((m) => [m.email, m.groupName, m.role, m.source])).toEqual([
      ['ada@example.com', 'Eng', 'owner', 'manual'],
      ['bob@example.com', 'Backend', 'developer', 'manual'],
    ]);
    for (const id of [g.eng.id, g.backend.id, g.db.id])
      await t.op.get(`/api/v1/tenants/${g.slug}/groups/${id}`).expect(200);
    expect((await t.op.get(`${g.url}/links`).expect(200)).body).toHaveLength(1);
    expect(await t.dataSource.getRepository(Membership).countBy({ groupId: g.backend.id })).toBe(1);
    expect(await auditActions(t, g.slug)).toEqual(before);

    // dry run: 200 with the same list, nothing deleted, with or without force
    for (const query of ['dryRun=true', 'dryRun=true&force=true', 'dryRun=true&force=false']) {
      const dry = await t.op.delete(`${g.url}?${query}`).expect(200);
      expect(dry.body).toEqual({ dryRun: true, ...details });
    }
    await t.op.delete(`${g.url}?force=false`).expect(409);
    await t.op.get(g.url).expect(200);
    expect(await auditActions(t, g.slug)).toEqual(before);
  });

  it('?force=true deletes the whole subtree; the audit event records every row it took', async () => {
    const g = await busyGroup();
    await t.op.delete(`${g.url}?force=true`).expect(204);
    for (const id of [g.eng.id, g.backend.id, g.db.id])
      await t.op.get(`/api/v1/tenants/${g.slug}/groups/${id}`).expect(404);
    expect(await t.dataSource.getRepository(Membership).countBy({ userId: g.ada.id })).toBe(0);
    await t.op.get(`/api/v1/tenants/${g.slug}/users/${g.bob.id}`).expect(200); // people stay
    const [deleted, ...more] = await events(g.slug, 'group.deleted');
    expect(more).toEqual([]);
    expect(deleted.target.id).toBe(g.eng.id);
    expect(deleted.details).toEqual({
      forced: true,
      counts: { subgroups: 2, links: 2, memberships: 2 },
      parts: 1,
      cascade: {
        subgroups: [
          { id: g.backend.id, name: 'Backend', parentId: g.eng.id },
          { id: g.db.id, name: 'DB', parentId: g.backend.id },
        ],
        links: [
          expect.objectContaining({ id: g.be.id, externalGroup: 'backend', role: 'maintainer', idp: 'okta' }),
          expect.objectContaining({ id: g.devs.id, externalGroup: 'devs', role: 'developer', idp: null }),
        ],
        memberships: [
          expect.objectContaining({ userId: g.ada.id, email: 'ada@example.com', role: 'owner' }),
          expect.objectContaining({ userId: g.bob.id, email: 'bob@example.com', role: 'developer' }),
        ],
      },
    });
    expect(await events(g.slug, 'group.delete_cascade')).toEqual([]);
  });

  it('records a forced delete of 2 500 members in bounded events (1 000 rows each), every one', async () => {
    const { slug, id: tenantId } = await newTenant(t);
    const group = await newGroup(t, slug, { name: 'Big' });
    const users = Array.from({ length: 2500 }, (_, i) =>
      Object.assign(new User(), { tenantId, email: `u${String(i).padStart(4, '0')}@example.com` }),
    );
    await insertInChunks(t.dataSource.manager, User, users);
    const rows = users.map((u) =>
      Object.assign(new Membership(), {
        tenantId,
        groupId: group.id,
        userId: u.id,
        role: 'developer',
        source: 'sync',
      }),
    );
    await insertInChunks(t.dataSource.manager, Membership, rows);
    const url = `/api/v1/tenants/${slug}/groups/${group.id}`;
    const refused = await t.op.delete(url).expect(409);
    expect(refused.body.details.counts.memberships).toBe(2500);
    expect(refused.body.details.items.memberships).toHaveLength(50); // the first 50, by email
    expect(refused.body.details.items.memberships[0].email).toBe('u0000@example.com');
    await t.op.delete(`${url}?force=true`).expect(204);
    const [main] = await events(slug, 'group.deleted');
    const rest = await events(slug, 'group.delete_cascade');
    expect(main.details).toEqual(
      expect.objectContaining({ counts: { subgroups: 0, links: 0, memberships: 2500 }, parts: 3 }),
    );
    expect(rest.map((e) => [e.target.id, e.details.part, e.details.parts]).sort()).toEqual([
      [group.id, 2, 3],
      [group.id, 3, 3],
    ]);
    const recorded = [main, ...rest].flatMap((e) =>
      ((e.details.cascade as { memberships?: { userId: string }[] }).memberships ?? []).map((m) => m.userId),
    );
    expect(recorded).toHaveLength(2500);
    expect(new Set(recorded)).toEqual(new Set(users.map((u) => u.id)));
  });

  it.each([
    ['force=yes', 'force'],
    ['force=', 'force'],
    ['dryRun=1', 'dryRun'],
    ['force=TRUE', 'force'],
    ['dryrun=true', 'dryrun'],
    ['force=true&force=true', 'force'],
  ])('refuses ?%s with 400 and deletes nothing', async (query, field) => {
    const g = await busyGroup();
    const res = await t.op.delete(`${g.url}?${query}`).expect(400);
    expectErrorShape(res.body, 400, 'validation_failed');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    const idp = await t.op.delete(`/api/v1/tenants/${g.slug}/identity-providers/okta?${query}`).expect(400);
    expectErrorShape(idp.body, 400, 'validation_failed');
    const tenant = await t.op.delete(`/api/v1/tenants/${g.slug}?${query}`).expect(400);
    expectErrorShape(tenant.body, 400, 'validation_failed');
    await t.op.get(g.url).expect(200);
    await t.op.get(`/api/v1/tenants/${g.slug}/identity-providers/okta`).expect(200);
  });

  it("another tenant's group or IdP: 404 with force and dryRun, nothing deleted; its key: 403", async () => {
    const a = await busyGroup();
    const b = await newTenant(t);
    for (const query of ['', '?force=true', '?dryRun=true']) {
      const res = await t.op.delete(`/api/v1/tenants/${b.slug}/groups/${a.eng.id}${query}`).expect(404);
      expectErrorShape(res.body, 404, 'group_not_found');
      await t.op.delete(`/api/v1/tenants/${b.slug}/identity-providers/okta${query}`).expect(404);
    }
    const bKey = await newApiKey(t, b.slug);
    await bKey.as('delete', `${a.url}?force=true`).expect(403);
    await bKey.as('delete', `/api/v1/tenants/${a.slug}/identity-providers/okta?force=true`).expect(403);
    await t.op.get(a.url).expect(200);
    await t.op.get(`/api/v1/tenants/${a.slug}/identity-providers/okta`).expect(200);
  });

  it('an IdP with links, identities and SCIM data: 409 with the list; dryRun; force audits every row', async () => {
    const g = await busyGroup();
    const base = `/api/v1/tenants/${g.slug}`;
    const token = await t.op
      .post(`${base}/scim-tokens`)
      .send({ idp: 'okta', name: 'entra push' })
      .expect(201);
    const scim = (path: string, body: object) =>
      request(t.http)
        .post(`/scim/v2/${g.slug}${path}`)
        .set('Authorization', `Bearer ${token.body.token}`)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify(body));
    const cy = await scim('/Users', {
      schemas: [SCIM_USER],
      userName: 'cy@example.com',
      externalId: 'ext-cy',
    }).expect(201);
    await scim('/Groups', {
      schemas: [SCIM_GROUP],
      displayName: 'backend',
      members: [{ value: cy.body.id }],
    }).expect(201);
    // ada signed in through okta once (her identity: what a sign-in writes)
    await insertRows(
      t.dataSource.manager,
      Identity,
      Object.assign(new Identity(), {
        tenantId: g.tenantId,
        userId: g.ada.id,
        idpId: g.okta.id,
        externalId: 'sub-ada',
      }),
    );
    const url = `${base}/identity-providers/okta`;

    const res = await t.op.delete(url).expect(409);
    expectErrorShape(res.body, 409, 'identity_provider_in_use');
    expect(res.body.message).toMatch(
      /^Identity provider "okta" has 1 group link\(s\), 1 user sign-in identity\(ies\), 1 SCIM token\(s\)/,
    );
    const details = res.body.details as Preview;
    expect(details.counts).toEqual({
      links: 1,
      identities: 1,
      scimTokens: 1,
      scimUsers: 1,
      scimGroups: 1,
      externalMemberships: 1,
    });
    expect(details.items.links).toEqual([
      {
        id: g.be.id,
        groupId: g.backend.id,
        groupName: 'Backend',
        externalGroup: 'backend',
        role: 'maintainer',
      },
    ]);
    expect(details.items.identities).toEqual([
      { userId: g.ada.id, email: 'ada@example.com', externalId: 'sub-ada' },
    ]);
    expect(details.items.scimUsers).toEqual([
      { userId: cy.body.id, email: 'cy@example.com', userName: 'cy@example.com' },
    ]);
    expect(details.items.scimTokens).toEqual([{ id: token.body.id, name: 'entra push', revoked: false }]);
    const dry = await t.op.delete(`${url}?dryRun=true&force=true`).expect(200);
    expect(dry.body).toEqual({ dryRun: true, ...details });
    await t.op.get(url).expect(200);
    expect(await t.dataSource.getRepository(Membership).countBy({ userId: cy.body.id })).toBe(1);

    await t.op.delete(`${url}?force=true`).expect(204);
    await t.op.get(url).expect(404);
    const [deleted] = await events(g.slug, 'identity_provider.deleted');
    expect(deleted.details).toEqual({
      forced: true,
      externalMemberships: 1,
      counts: { links: 1, identities: 1, scimUsers: 1, scimTokens: 1, scimGroups: 1 },
      parts: 1,
      cascade: {
        links: details.items.links,
        identities: details.items.identities,
        scimUsers: details.items.scimUsers,
        scimTokens: details.items.scimTokens,
        scimGroups: [expect.objectContaining({ displayName: 'backend' })],
      },
    });
    // the tenant-wide link and the users stay
    expect((await t.op.get(`${g.url}/links`).expect(200)).body).toEqual([
      expect.objectContaining({ id: g.devs.id }),
    ]);
    await t.op.get(`${base}/users/${cy.body.id}`).expect(200);
    await t.op.get(`${base}/users/${g.ada.id}`).expect(200);
  });

  it('an IdP with nothing attached deletes as before (204)', async () => {
    const { slug } = await newTenant(t);
    await newOidcIdp(t, slug, 'spare');
    const dry = await t.op.delete(`/api/v1/tenants/${slug}/identity-providers/spare?dryRun=true`).expect(200);
    expect(dry.body.requiresForce).toBe(false);
    await t.op.delete(`/api/v1/tenants/${slug}/identity-providers/spare`).expect(204);
    expect((await events(slug, 'identity_provider.deleted'))[0].details).toEqual(
      expect.objectContaining({ forced: false, cascade: {} }),
    );
  });

  it('a tenant that holds data: 409 tenant_not_empty, dryRun lists it, force deletes (operator only)', async () => {
    const g = await busyGroup();
    const url = `/api/v1/tenants/${g.slug}`;
    const res = await t.op.delete(url).expect(409);
    expectErrorShape(res.body, 409, 'tenant_not_empty');
    expect(res.body.details.counts).toEqual({ identityProviders: 1, groups: 3, users: 2 });
    expect(res.body.details.items.groups.map((x: { name: string }) => x.name)).toEqual([
      'Backend',
      'DB',
      'Eng',
    ]);
    const dry = await t.op.delete(`${url}?dryRun=true&force=true`).expect(200);
    expect(dry.body).toEqual({ dryRun: true, ...res.body.details });
    await t.op.get(url).expect(200);
    const key = await newApiKey(t, g.slug);
    await key.as('delete', `${url}?force=true`).expect(403);
    await key.as('delete', `${url}?dryRun=true`).expect(403);
    await t.op.delete(`${url}?force=true`).expect(204);
    await t.op.get(url).expect(404);
    const trail = await t.dataSource.getRepository(AuditEvent).findOneByOrFail({
      targetId: res.body.details.target.id,
      action: 'tenant.deleted',
    });
    expect(trail.details).toEqual(
      expect.objectContaining({ forced: true, counts: { identityProviders: 1, groups: 3, users: 2 } }),
    );
  });
});
