// Outside attack pass on issue 15's removal safety: interactions between the features, probed
// through the real HTTP surface on SQLite and PostgreSQL. Each test is a finding or a probe that held.
import { expectErrorShape, newGroup, newGroupLink, newOidcIdp, newTenant } from '../support/factories';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

describe('attack pass: removal safety interactions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const api = (slug: string) => `/api/v1/tenants/${slug}`;
  const emails = async (slug: string, groupId: string): Promise<string[]> =>
    (await t.op.get(`${api(slug)}/groups/${groupId}/members`).expect(200)).body.map(
      (m: { email: string }) => m.email,
    );

  /** 20 members, 12 of them in A through team-a; A's link deleted and reconciled: 12 staged. */
  async function tripped() {
    const { slug } = await newTenant(t);
    await newOidcIdp(t, slug, 'entra');
    const a = await newGroup(t, slug, { name: 'A' });
    const b = await newGroup(t, slug, { name: 'B' });
    const linkA = await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
    await newGroupLink(t, slug, b.id, { externalGroup: 'team-b', role: 'developer' });
    for (let i = 0; i < 20; i++)
      await signIn(t, slug, 'entra', { email: `u${String(i).padStart(2, '0')}@example.com` }, [
        i < 12 ? 'team-a' : 'team-b',
      ]);
    await t.op.delete(`${api(slug)}/groups/${a.id}/links/${linkA.id}`).expect(204);
    const res = await t.op
      .post(`${api(slug)}/sync/reconcile`)
      .send({})
      .expect(200);
    expect(res.body.removalsStaged).toBe(12);
    return { slug, a, b };
  }

  it('approving after a grace period was turned on applies the approved removals (the admin decided)', async () => {
    const { slug, a } = await tripped();
    await t.op
      .patch(`${api(slug)}/identity-providers/entra`)
      .send({ groupSync: { removalGraceHours: 24 } })
      .expect(200);
    const res = await t.op
      .post(`${api(slug)}/staged-removals/approve`)
      .send({})
      .expect(200);
    // Before the fix: approved 0, all 12 "skipped" as if the IdP granted them again, staged rows
    // dropped, and nobody removed or even marked pending.
    expect(res.body).toEqual({ approved: 12, skipped: [] });
    expect(await emails(slug, a.id)).toEqual([]);
  });

  it('a custom role cannot be renamed to a built-in name (409), nor created with one in another case', async () => {
    const { slug } = await newTenant(t);
    await t.op
      .post(`${api(slug)}/roles`)
      .send({ name: 'auditor', rank: 25 })
      .expect(201);
    for (const name of ['owner', 'guest']) {
      const res = await t.op
        .patch(`${api(slug)}/roles/auditor`)
        .send({ name })
        .expect(409);
      expectErrorShape(res.body, 409, 'role_name_taken');
    }
    await t.op
      .patch(`${api(slug)}/roles/auditor`)
      .send({ name: 'Owner' })
      .expect(400);
  });

  it('hostile removalSafety values are refused (400) and the stored settings stay', async () => {
    const { slug } = await newTenant(t);
    const before = (await t.op.get(api(slug)).expect(200)).body.settings.removalSafety;
    const bad: unknown[] = [
      { maxRemovals: -1 },
      { maxRemovals: 1.5 },
      { maxRemovals: 1e300 },
      { maxRemovals: '5' },
      { maxRemovals: [5] },
      { maxRemovals: { n: 5 } },
      { maxRemovalPercent: 101 },
      { maxRemovalPercent: -0.5 },
      { windowMinutes: 0 },
      { windowMinutes: 1e12 },
      { enabled: 'yes' },
      { surprise: true },
      'on',
      [],
      null,
    ];
    for (const removalSafety of bad) {
      const res = await t.op.patch(api(slug)).send({ settings: { removalSafety } });
      expect([res.status, JSON.stringify(removalSafety)]).toEqual([400, JSON.stringify(removalSafety)]);
    }
    for (const syncPaused of ['true', 1, null, [true], { on: true }]) {
      const res = await t.op.patch(api(slug)).send({ settings: { syncPaused } });
      expect([res.status, JSON.stringify(syncPaused)]).toEqual([400, JSON.stringify(syncPaused)]);
    }
    // An array where an object belongs passed the nested validation (it validates each element)
    await t.op.patch(api(slug)).send({ settings: [] }).expect(400);
    expect((await t.op.get(api(slug)).expect(200)).body.settings.removalSafety).toEqual(before);
  });

  it('hostile defaultMemberships are refused (400)', async () => {
    const { slug } = await newTenant(t);
    const g = await newGroup(t, slug, { name: 'G' });
    await newOidcIdp(t, slug, 'corp');
    const bad: unknown[] = [
      [{ groupId: g.id }],
      [{ groupId: g.id, role: 'root' }],
      [{ groupId: g.id, role: 'guest', extra: 1 }],
      [{ groupId: 'not-a-uuid', role: 'guest' }],
      [{ groupId: [g.id], role: 'guest' }],
      [{ groupId: g.id, role: ['guest'] }],
      [[g.id, 'guest']],
      { groupId: g.id, role: 'guest' },
      'G',
      Array.from({ length: 10_000 }, () => ({ groupId: g.id, role: 'guest' })),
    ];
    for (const field of ['groupSync', 'claimMapping', 'graph'])
      await t.op
        .patch(`${api(slug)}/identity-providers/corp`)
        .send({ [field]: [] })
        .expect(400);
    for (const defaultMemberships of bad) {
      const res = await t.op
        .patch(`${api(slug)}/identity-providers/corp`)
        .send({ groupSync: { defaultMemberships } });
      expect([res.status, JSON.stringify(defaultMemberships).slice(0, 80)]).toEqual([
        400,
        JSON.stringify(defaultMemberships).slice(0, 80),
      ]);
    }
  });

  it('a default membership in a group that a link also manages is stable: no remove-and-add at each sign-in', async () => {
    const { slug } = await newTenant(t);
    const eng = await newGroup(t, slug, { name: 'Engineering' });
    await newGroupLink(t, slug, eng.id, { externalGroup: 'dev', role: 'developer' });
    await newOidcIdp(t, slug, 'corp', {
      groupSync: { defaultMemberships: [{ groupId: eng.id, role: 'guest' }], removalGraceHours: 0 },
    });
    const who = { email: 'dee@example.com' };
    for (let i = 0; i < 3; i++) await signIn(t, slug, 'corp', who, ['unrelated']);
    expect(await emails(slug, eng.id)).toEqual(['dee@example.com']);
    const actions = (await t.op.get(`${api(slug)}/audit-events?limit=200`).expect(200)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions.filter((a: string) => a === 'membership.added')).toHaveLength(1);
    expect(actions.filter((a: string) => a === 'membership.removed')).toHaveLength(0);
    // matching the link raises the default to the link's role, and leaving the link goes back to it
    await signIn(t, slug, 'corp', who, ['dev']);
    const roleOf = async () =>
      (await t.op.get(`${api(slug)}/groups/${eng.id}/members`).expect(200)).body[0]?.role;
    expect(await roleOf()).toBe('developer');
    await signIn(t, slug, 'corp', who, ['unrelated']);
    expect(await roleOf()).toBe('guest');
  });

  it("resume and staged removals never reach another tenant's IdP or rows", async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    await newOidcIdp(t, b.slug, 'bidp', { syncPaused: true });
    const res = await t.op.post(`${api(a.slug)}/sync/resume?dryRun=true`).send({ idp: 'bidp' });
    expect(res.status).toBe(404);
    await t.op
      .post(`${api(a.slug)}/sync/resume`)
      .send({ idp: 'bidp' })
      .expect(404);
    const idp = (await t.op.get(`${api(b.slug)}/identity-providers/bidp`).expect(200)).body;
    expect(idp.syncPaused).toBe(true);
    await t.op.get(`${api(a.slug)}/staged-removals?limit=100000`).expect(400);
    await t.op.get(`${api(a.slug)}/staged-removals?limit=-1`).expect(400);
    await t.op.get(`${api(a.slug)}/staged-removals?cursor=%00%00`).expect(400);
    await t.op
      .post(`${api(a.slug)}/staged-removals/approve?force=true`)
      .send({})
      .expect(400);
    await t.op
      .post(`${api(a.slug)}/staged-removals/discard`)
      .send({ ids: 'all' })
      .expect(400);
    await t.op
      .post(`${api(a.slug)}/staged-removals/discard`)
      .send({ ids: [{ id: 'x' }] })
      .expect(400);
  });

  it('pause, then a mass removal, then resume: the breaker still stages; approving while paused applies', async () => {
    const { slug } = await newTenant(t);
    await newOidcIdp(t, slug, 'entra');
    const a = await newGroup(t, slug, { name: 'A' });
    const b = await newGroup(t, slug, { name: 'B' });
    const linkA = await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
    await newGroupLink(t, slug, b.id, { externalGroup: 'team-b', role: 'developer' });
    for (let i = 0; i < 20; i++)
      await signIn(t, slug, 'entra', { email: `p${String(i).padStart(2, '0')}@example.com` }, [
        i < 12 ? 'team-a' : 'team-b',
      ]);
    await t.op
      .patch(api(slug))
      .send({ settings: { syncPaused: true } })
      .expect(200);
    await t.op.delete(`${api(slug)}/groups/${a.id}/links/${linkA.id}`).expect(204);
    // a sign-in while paused writes nothing and stages nothing
    await signIn(t, slug, 'entra', { email: 'p00@example.com' }, []);
    expect(await emails(slug, a.id)).toHaveLength(12);
    const preview = await t.op
      .post(`${api(slug)}/sync/resume?dryRun=true`)
      .send({})
      .expect(200);
    expect(preview.body.totals.removals).toBe(12);
    const resumed = await t.op
      .post(`${api(slug)}/sync/resume`)
      .send({})
      .expect(200);
    expect(resumed.body.result).toEqual(expect.objectContaining({ removals: 0, removalsStaged: 12 }));
    expect(await emails(slug, a.id)).toHaveLength(12);
    // paused again, the admin approves: their own decision, applied (docs/sync.md)
    await t.op
      .patch(api(slug))
      .send({ settings: { syncPaused: true } })
      .expect(200);
    const approved = await t.op
      .post(`${api(slug)}/staged-removals/approve`)
      .send({})
      .expect(200);
    expect(approved.body).toEqual({ approved: 12, skipped: [] });
    expect(await emails(slug, a.id)).toEqual([]);
    expect((await t.op.get(api(slug)).expect(200)).body.removalBreakerTrippedAt).toBeNull();
  });

  it('a group deleted with its staged removals: none is left behind, and an empty approve closes the breaker', async () => {
    const { slug, a } = await tripped();
    await t.op.delete(`${api(slug)}/groups/${a.id}?force=true`).expect(204);
    expect((await t.op.get(`${api(slug)}/staged-removals`).expect(200)).body.items).toEqual([]);
    await t.op
      .post(`${api(slug)}/staged-removals/approve`)
      .send({})
      .expect(200);
    expect((await t.op.get(api(slug)).expect(200)).body.removalBreakerTrippedAt).toBeNull();
  });
});
