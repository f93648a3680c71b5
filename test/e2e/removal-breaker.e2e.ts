import request from 'supertest';
import {
  auditActions,
  auditEventsOf,
  expectErrorShape,
  memberEmails,
  newApiKey,
  newGroup,
  newGroupLink,
  newOidcIdp,
  newTenant,
} from '../support/factories';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

/** The mass-removal circuit breaker and its staged removals (issue 15); pausing is in sync-pause.e2e.ts. */
describe('removal safety over HTTP: circuit breaker and staged removals', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const api = (slug: string) => `/api/v1/tenants/${slug}`;
  const emails = (slug: string, groupId: string) => memberEmails(t, slug, groupId);
  const events = (slug: string, action: string) => auditEventsOf(t, slug, action);
  const staged = async (slug: string) =>
    (await t.op.get(`${api(slug)}/staged-removals?limit=500`).expect(200)).body.items as {
      id: string;
      email: string;
      groupName: string;
      trigger: string;
      reason: string;
      idp: string;
    }[];
  const settings = (slug: string, body: object) => t.op.patch(api(slug)).send({ settings: body }).expect(200);

  /** 20 members: 12 in A (team-a), 8 in B (team-b); everyone is also in the IdP group "all". */
  async function twentyMembers() {
    const { slug } = await newTenant(t);
    await newOidcIdp(t, slug, 'entra');
    const a = await newGroup(t, slug, { name: 'A' });
    const b = await newGroup(t, slug, { name: 'B' });
    const c = await newGroup(t, slug, { name: 'C' });
    const linkA = await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
    await newGroupLink(t, slug, b.id, { externalGroup: 'team-b', role: 'developer' });
    for (let i = 0; i < 20; i++) {
      const team = i < 12 ? 'team-a' : 'team-b';
      await signIn(t, slug, 'entra', { email: `u${String(i).padStart(2, '0')}@example.com` }, [team, 'all']);
    }
    return { slug, a, b, c, linkA };
  }

  /** Deletes A's only link and links "all" to C, then reconciles: 12 of 20 members would lose A (60%). */
  async function tripOnReconcile() {
    const w = await twentyMembers();
    await t.op.delete(`${api(w.slug)}/groups/${w.a.id}/links/${w.linkA.id}`).expect(204);
    await newGroupLink(t, w.slug, w.c.id, { externalGroup: 'all', role: 'reporter' });
    const res = await t.op
      .post(`${api(w.slug)}/sync/reconcile`)
      .send({})
      .expect(200);
    return { ...w, result: res.body };
  }

  describe('the circuit breaker', () => {
    it('a link deletion that would remove 60% of the members trips it on reconcile; adds still flow', async () => {
      const { slug, a, c, result } = await tripOnReconcile();
      expect(result).toEqual(expect.objectContaining({ adds: 20, removals: 0, removalsStaged: 12 }));
      expect(await emails(slug, a.id)).toHaveLength(12); // nobody lost A
      expect(await emails(slug, c.id)).toHaveLength(20); // everyone got C
      const rows = await staged(slug);
      expect(rows).toHaveLength(12);
      expect(rows[0]).toEqual(
        expect.objectContaining({
          email: expect.stringMatching(/^u\d\d@example\.com$/),
          groupName: 'A',
          trigger: 'reconcile',
          idp: 'entra',
          reason: expect.stringContaining('Removed from "A"'),
        }),
      );
      const trips = await events(slug, 'sync.breaker_tripped');
      expect(trips).toHaveLength(1); // once per trip, not once per staged row
      expect(trips[0].details).toEqual(
        expect.objectContaining({
          trigger: 'reconcile',
          staged: 12,
          wanted: 12,
          limit: 10,
          managedMemberships: 20,
        }),
      );
      expect(await events(slug, 'membership.removal_staged')).toHaveLength(12);
      // The trip is visible on the tenant and the overview.
      const tenant = (await t.op.get(api(slug)).expect(200)).body;
      expect(tenant.removalBreakerTrippedAt).toEqual(expect.any(String));
      const overview = (await t.op.get(`${api(slug)}/overview`).expect(200)).body;
      expect(overview.removalSafety).toEqual({
        trippedAt: tenant.removalBreakerTrippedAt,
        stagedRemovals: 12,
      });
      // A second reconcile stages the same rows again, not twice, and does not trip again.
      await t.op
        .post(`${api(slug)}/sync/reconcile`)
        .send({})
        .expect(200);
      expect(await staged(slug)).toHaveLength(12);
      expect(await events(slug, 'sync.breaker_tripped')).toHaveLength(1);
    });

    it('approve applies the staged removals and closes the breaker', async () => {
      const { slug, a, b } = await tripOnReconcile();
      const res = await t.op
        .post(`${api(slug)}/staged-removals/approve`)
        .send({})
        .expect(200);
      expect(res.body).toEqual({ approved: 12, skipped: [] });
      expect(await emails(slug, a.id)).toEqual([]);
      expect(await emails(slug, b.id)).toHaveLength(8);
      expect(await staged(slug)).toEqual([]);
      expect((await t.op.get(api(slug)).expect(200)).body.removalBreakerTrippedAt).toBeNull();
      const removed = await events(slug, 'membership.removed');
      expect(removed).toHaveLength(12);
      expect(removed[0].details).toEqual(
        expect.objectContaining({ trigger: 'approval', stagedBy: 'reconcile' }),
      );
      expect(await auditActions(t, slug)).toEqual(
        expect.arrayContaining(['sync.staged_removals_approved', 'sync.breaker_reset']),
      );
    });

    it('discard keeps everyone; approving by ids acts on those only', async () => {
      const { slug, a } = await tripOnReconcile();
      const rows = await staged(slug);
      const two = rows.slice(0, 2).map((r) => r.id);
      const res = await t.op
        .post(`${api(slug)}/staged-removals/approve`)
        .send({ ids: two })
        .expect(200);
      expect(res.body.approved).toBe(2);
      expect(await emails(slug, a.id)).toHaveLength(10);
      expect((await t.op.get(api(slug)).expect(200)).body.removalBreakerTrippedAt).not.toBeNull();
      const discarded = await t.op
        .post(`${api(slug)}/staged-removals/discard`)
        .send({})
        .expect(200);
      expect(discarded.body).toEqual({ discarded: 10 });
      expect(await emails(slug, a.id)).toHaveLength(10);
      expect(await staged(slug)).toEqual([]);
      expect((await t.op.get(api(slug)).expect(200)).body.removalBreakerTrippedAt).toBeNull();
    });

    it('approve checks again: a membership the IdP grants again is skipped, not removed', async () => {
      const { slug, a, linkA } = await tripOnReconcile();
      void linkA;
      // team-a is linked to A again: the stored claims justify A for the 12 again.
      await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
      const res = await t.op
        .post(`${api(slug)}/staged-removals/approve`)
        .send({})
        .expect(200);
      expect(res.body.approved).toBe(0);
      expect(res.body.skipped).toHaveLength(12);
      expect(res.body.skipped[0].why).toContain('grants the membership again');
      expect(await emails(slug, a.id)).toHaveLength(12);
    });

    it('sign-ins past the limit stage; a claim that comes back clears its staged row', async () => {
      const { slug } = await newTenant(t);
      await newOidcIdp(t, slug, 'entra');
      const a = await newGroup(t, slug, { name: 'A' });
      await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
      await settings(slug, { removalSafety: { maxRemovals: 2, maxRemovalPercent: 0 } });
      const users = ['p1', 'p2', 'p3', 'p4', 'p5'].map((n) => ({ email: `${n}@example.com` }));
      for (const who of users) await signIn(t, slug, 'entra', who, ['team-a']);
      for (const who of users.slice(0, 4)) await signIn(t, slug, 'entra', who, []);
      expect(await emails(slug, a.id)).toEqual(['p3@example.com', 'p4@example.com', 'p5@example.com']);
      expect((await staged(slug)).map((r) => [r.email, r.trigger])).toEqual([
        ['p3@example.com', 'sign-in'],
        ['p4@example.com', 'sign-in'],
      ]);
      expect(await events(slug, 'sync.breaker_tripped')).toHaveLength(1);
      // p3 is in team-a again: the staged removal goes by itself; p4's stays.
      await signIn(t, slug, 'entra', users[2], ['team-a']);
      expect((await staged(slug)).map((r) => r.email)).toEqual(['p4@example.com']);
      expect(await events(slug, 'membership.removal_unstaged')).toHaveLength(1);
      // p4 too: nothing waits any more, the breaker closes.
      await signIn(t, slug, 'entra', users[3], ['team-a']);
      expect(await staged(slug)).toEqual([]);
      expect((await t.op.get(api(slug)).expect(200)).body.removalBreakerTrippedAt).toBeNull();
      expect(await events(slug, 'sync.breaker_reset')).toHaveLength(1);
      expect(await emails(slug, a.id)).toEqual(['p3@example.com', 'p4@example.com', 'p5@example.com']);
    });

    it('an open breaker whose staged rows went with their user closes at the next removal', async () => {
      const { slug } = await newTenant(t);
      await newOidcIdp(t, slug, 'entra');
      const a = await newGroup(t, slug, { name: 'A' });
      await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
      await settings(slug, { removalSafety: { maxRemovals: 0, maxRemovalPercent: 0 } });
      for (const n of ['d1', 'd2']) await signIn(t, slug, 'entra', { email: `${n}@example.com` }, ['team-a']);
      await signIn(t, slug, 'entra', { email: 'd1@example.com' }, []);
      expect(await staged(slug)).toHaveLength(1);
      const d1 = (await t.op.get(`${api(slug)}/users?email=d1@example.com`).expect(200)).body[0];
      await t.op.delete(`${api(slug)}/users/${d1.id}`).expect(204);
      expect(await staged(slug)).toEqual([]);
      await settings(slug, { removalSafety: { maxRemovals: 5 } });
      await signIn(t, slug, 'entra', { email: 'd2@example.com' }, []);
      expect(await emails(slug, a.id)).toEqual([]);
      expect((await t.op.get(api(slug)).expect(200)).body.removalBreakerTrippedAt).toBeNull();
      expect(await events(slug, 'sync.breaker_reset')).toHaveLength(1);
    });

    it('counts removals across triggers (sign-in, then reconcile, then sign-in)', async () => {
      const { slug } = await newTenant(t);
      await newOidcIdp(t, slug, 'entra');
      const a = await newGroup(t, slug, { name: 'A' });
      const b = await newGroup(t, slug, { name: 'B' });
      await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
      const linkB = await newGroupLink(t, slug, b.id, { externalGroup: 'team-b', role: 'developer' });
      await settings(slug, { removalSafety: { maxRemovals: 2, maxRemovalPercent: 0 } });
      for (const n of ['q1', 'q2', 'q3'])
        await signIn(t, slug, 'entra', { email: `${n}@example.com` }, ['team-a', 'team-b']);
      await signIn(t, slug, 'entra', { email: 'q1@example.com' }, ['team-b']); // sign-in: 1 removal
      await t.op.delete(`${api(slug)}/groups/${b.id}/links/${linkB.id}`).expect(204);
      const user2 = (await t.op.get(`${api(slug)}/users?email=q2@example.com`).expect(200)).body[0];
      const rec = await t.op
        .post(`${api(slug)}/sync/reconcile`)
        .send({ userId: user2.id })
        .expect(200);
      expect(rec.body).toEqual(expect.objectContaining({ removals: 1, removalsStaged: 0 })); // reconcile: 2
      // q3 loses A, and B (its last link is gone): past the limit of 2, both are staged.
      await signIn(t, slug, 'entra', { email: 'q3@example.com' }, ['team-b']);
      expect((await staged(slug)).map((r) => [r.email, r.groupName, r.trigger])).toEqual([
        ['q3@example.com', 'A', 'sign-in'],
        ['q3@example.com', 'B', 'sign-in'],
      ]);
      const trips = await events(slug, 'sync.breaker_tripped');
      expect(trips.map((e) => [e.details.trigger, e.details.removedInWindow])).toEqual([['sign-in', 2]]);
    });

    it('a small tenant losing one member does not trip with the defaults; enabled:false never stages', async () => {
      const { slug } = await newTenant(t);
      await newOidcIdp(t, slug, 'entra');
      const a = await newGroup(t, slug, { name: 'A' });
      await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
      for (let i = 0; i < 5; i++) await signIn(t, slug, 'entra', { email: `s${i}@example.com` }, ['team-a']);
      await signIn(t, slug, 'entra', { email: 's0@example.com' }, []);
      expect(await emails(slug, a.id)).toHaveLength(4);
      await settings(slug, { removalSafety: { enabled: false, maxRemovals: 0, maxRemovalPercent: 0 } });
      for (let i = 1; i < 5; i++) await signIn(t, slug, 'entra', { email: `s${i}@example.com` }, []);
      expect(await emails(slug, a.id)).toEqual([]);
      expect(await staged(slug)).toEqual([]);
    });
  });

  describe('the circuit breaker: SCIM pushes and concurrent writers', () => {
    const scimBody = (body: object) => JSON.stringify(body);
    const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

    it('a SCIM push past the limit stages (trigger scim); a push that adds the member back clears it', async () => {
      const { slug } = await newTenant(t);
      await newOidcIdp(t, slug, 'entra');
      const eng = await newGroup(t, slug, { name: 'Eng' });
      await newGroupLink(t, slug, eng.id, { externalGroup: 'Engineers', role: 'developer' });
      await settings(slug, { removalSafety: { maxRemovals: 1, maxRemovalPercent: 0 } });
      const token = (
        await t.op
          .post(`${api(slug)}/scim-tokens`)
          .send({ idp: 'entra', name: 'p' })
          .expect(201)
      ).body.token as string;
      const scim = (method: 'post' | 'patch', path: string, body: object) => {
        const client = request(t.http);
        return (method === 'post' ? client.post : client.patch)
          .call(client, `/scim/v2/${slug}${path}`)
          .set('Authorization', `Bearer ${token}`)
          .set('Content-Type', 'application/scim+json')
          .send(scimBody(body));
      };
      const ids: string[] = [];
      for (const n of ['r1', 'r2', 'r3']) {
        const email = `${n}@example.com`;
        const user = {
          schemas: [USER],
          userName: email,
          active: true,
          emails: [{ primary: true, value: email }],
        };
        ids.push((await scim('post', '/Users', user).expect(201)).body.id);
      }
      const members = ids.map((value) => ({ value }));
      const group = (
        await scim('post', '/Groups', { schemas: [GROUP], displayName: 'Engineers', members }).expect(201)
      ).body.id as string;
      expect(await emails(slug, eng.id)).toHaveLength(3);
      const remove = { op: 'Remove', path: 'members', value: members.slice(0, 2) };
      await scim('patch', `/Groups/${group}`, { schemas: [PATCH], Operations: [remove] }).expect(200);
      expect(await emails(slug, eng.id)).toHaveLength(3);
      expect((await staged(slug)).map((r) => [r.email, r.trigger]).sort()).toEqual([
        ['r1@example.com', 'scim'],
        ['r2@example.com', 'scim'],
      ]);
      const add = { op: 'Add', path: 'members', value: [members[0]] };
      await scim('patch', `/Groups/${group}`, { schemas: [PATCH], Operations: [add] }).expect(200);
      expect((await staged(slug)).map((r) => r.email)).toEqual(['r2@example.com']);
    });

    it('writers racing cannot all slip under the limit: exactly the budget applies', async () => {
      const { slug } = await newTenant(t);
      await newOidcIdp(t, slug, 'entra');
      const a = await newGroup(t, slug, { name: 'A' });
      await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
      await settings(slug, { removalSafety: { maxRemovals: 2, maxRemovalPercent: 0 } });
      const users = [1, 2, 3, 4, 5, 6].map((n) => ({ email: `c${n}@example.com` }));
      for (const who of users) await signIn(t, slug, 'entra', who, ['team-a']);
      // On PostgreSQL these run side by side (the pool); the tenant row lock serializes the decision.
      await Promise.all(users.map((who) => signIn(t, slug, 'entra', who, [])));
      expect(await emails(slug, a.id)).toHaveLength(4);
      expect(await staged(slug)).toHaveLength(4);
      expect(await events(slug, 'sync.breaker_tripped')).toHaveLength(1);
    });
  });

  describe('bad input and other tenants', () => {
    it('refuses invalid settings, unknown and foreign ids; nothing happens', async () => {
      const { slug } = await tripOnReconcile();
      const other = await tripOnReconcile();
      const foreign = (await staged(other.slug))[0].id;
      for (const removalSafety of [
        { maxRemovalPercent: 101 },
        { maxRemovals: -1 },
        { windowMinutes: 0 },
        { windowMinutes: 10_081 },
        { maxRemovals: 1.5 },
        { enabled: 'yes' },
        { unknown: 1 },
      ]) {
        const res = await t.op.patch(api(slug)).send({ settings: { removalSafety } });
        expect({ removalSafety, status: res.status }).toEqual({ removalSafety, status: 400 });
      }
      await t.op
        .patch(api(slug))
        .send({ settings: { syncPaused: 'yes' } })
        .expect(400);
      // A partial change keeps the other keys.
      await settings(slug, { removalSafety: { windowMinutes: 30 } });
      await settings(slug, { removalSafety: { maxRemovals: 5 } });
      expect((await t.op.get(api(slug)).expect(200)).body.settings.removalSafety).toEqual({
        enabled: true,
        maxRemovals: 5,
        maxRemovalPercent: 10,
        windowMinutes: 30,
      });
      for (const action of ['approve', 'discard']) {
        const url = `${api(slug)}/staged-removals/${action}`;
        const unknown = await t.op
          .post(url)
          .send({ ids: ['00000000-0000-4000-8000-000000000000'] })
          .expect(404);
        expectErrorShape(unknown.body, 404, 'staged_removal_not_found');
        const mixed = [(await staged(slug))[0].id, foreign];
        await t.op.post(url).send({ ids: mixed }).expect(404);
        await t.op.post(url).send({ ids: [] }).expect(400);
        await t.op
          .post(url)
          .send({ ids: ['nope'] })
          .expect(400);
        await t.op.post(url).send({ ids: 'all' }).expect(400);
        await t.op.post(url).send({ all: true }).expect(400);
        await t.op.post(`${url}?force=true`).send({}).expect(400);
      }
      expect(await staged(slug)).toHaveLength(12);
      expect(await staged(other.slug)).toHaveLength(12);
      await t.op.get(`${api(slug)}/staged-removals?cursor=bad!`).expect(400);
      await t.op.get(`${api(slug)}/staged-removals?limit=0`).expect(400);
      // A tenant's key reaches its own staged removals only.
      const key = await newApiKey(t, slug);
      await key.as('get', `${api(slug)}/staged-removals`).expect(200);
      await key.as('get', `${api(other.slug)}/staged-removals`).expect(403);
      await key
        .as('post', `${api(other.slug)}/staged-removals/discard`)
        .send({})
        .expect(403);
      expect(await staged(other.slug)).toHaveLength(12);
    });

    it('pages the list oldest first', async () => {
      const { slug } = await tripOnReconcile();
      const first = await t.op.get(`${api(slug)}/staged-removals?limit=5`).expect(200);
      expect(first.body.items).toHaveLength(5);
      const seen = [...first.body.items];
      let cursor = first.body.nextCursor;
      while (cursor) {
        const next = await t.op.get(`${api(slug)}/staged-removals?limit=5&cursor=${cursor}`).expect(200);
        seen.push(...next.body.items);
        cursor = next.body.nextCursor;
      }
      expect(seen.map((r: { id: string }) => r.id)).toEqual((await staged(slug)).map((r) => r.id));
      expect(new Set(seen.map((r: { id: string }) => r.id)).size).toBe(12);
    });
  });
});
