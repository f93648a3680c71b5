// Issue 15 (part): the grace period, default memberships and the visible last-owner rule, through
// the real HTTP surface and the real sync pipeline, on SQLite and PostgreSQL.
import request from 'supertest';
import { GraceSweepService } from '../../src/sync/grace-sweep.service';
import { expectErrorShape, newGroup, newGroupLink, newOidcIdp, newTenant } from '../support/factories';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const HOUR = 3_600_000;

interface Member {
  email: string;
  role: string;
  pendingRemovalAt: string | null;
  pendingRemovalReason: string | null;
  keptAsLastOwner: boolean;
  syncNote: string | null;
}
interface Event {
  action: string;
  userId: string | null;
  actor: { type: string };
  details: Record<string, unknown>;
}

describe('removal safety: grace period, default memberships, last owner', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const sweepAt = (ms: number) => t.app.get(GraceSweepService).sweep(new Date(ms));
  const members = async (slug: string, groupId: string): Promise<Member[]> =>
    (await t.op.get(`/api/v1/tenants/${slug}/groups/${groupId}/members`).expect(200)).body;
  const events = async (slug: string, action: string): Promise<Event[]> =>
    (await t.op.get(`/api/v1/tenants/${slug}/audit-events?action=${action}&limit=100`).expect(200)).body
      .items;

  async function world(groupSync: object = {}) {
    const { slug } = await newTenant(t);
    const eng = await newGroup(t, slug, { name: 'Engineering' });
    const everyone = await newGroup(t, slug, { name: 'Everyone' });
    await newGroupLink(t, slug, eng.id, { externalGroup: 'dev', role: 'developer' });
    await newOidcIdp(t, slug, 'corp', { groupSync });
    return { slug, eng, everyone };
  }

  describe('grace period (removalGraceHours)', () => {
    it('marks the membership pending, shows it, and a claim that comes back cancels it: nobody removed', async () => {
      const { slug, eng } = await world({ removalGraceHours: 24 });
      const who = { email: 'ann@example.com' };
      await signIn(t, slug, 'corp', who, ['dev']);
      const before = Date.now();
      const out = await signIn(t, slug, 'corp', who, []);
      expect(out.status).toBe('signed-in');

      const [ann] = await members(slug, eng.id);
      expect(ann.role).toBe('developer');
      const due = Date.parse(ann.pendingRemovalAt!);
      expect(due).toBeGreaterThanOrEqual(before + 24 * HOUR);
      expect(due).toBeLessThanOrEqual(Date.now() + 24 * HOUR);
      expect(ann.pendingRemovalReason).toContain('grace period of 24 hours');
      expect(ann.syncNote).toContain('Pending removal at');
      const user = (await t.op.get(`/api/v1/tenants/${slug}/users?email=ann@example.com`).expect(200)).body;
      const listed = (Array.isArray(user) ? user : user.items)[0];
      expect(listed.memberships[0]).toEqual(
        expect.objectContaining({ groupName: 'Engineering', pendingRemovalAt: ann.pendingRemovalAt }),
      );
      const why = (await t.op.get(`/api/v1/tenants/${slug}/users/${listed.id}/memberships`).expect(200)).body;
      expect(why.memberships[0]).toEqual(
        expect.objectContaining({ pendingRemovalAt: ann.pendingRemovalAt, keptAsLastOwner: false }),
      );
      const [scheduled] = await events(slug, 'membership.removal_scheduled');
      expect(scheduled.details).toEqual(
        expect.objectContaining({
          trigger: 'sign-in',
          groupName: 'Engineering',
          dueAt: ann.pendingRemovalAt,
        }),
      );

      // Not due yet: the sweep leaves it.
      await sweepAt(Date.now() + HOUR);
      expect((await members(slug, eng.id))[0].pendingRemovalAt).toBe(ann.pendingRemovalAt);
      // The claim comes back: the mark goes, with an audit event saying why.
      await signIn(t, slug, 'corp', who, ['dev']);
      const [back] = await members(slug, eng.id);
      expect(back).toEqual(expect.objectContaining({ pendingRemovalAt: null, syncNote: null }));
      const [cancelled] = await events(slug, 'membership.removal_cancelled');
      expect(cancelled.details.reason).toBe(
        'Pending removal from "Engineering" cancelled: external group "dev" is linked to it as developer.',
      );
      await sweepAt(Date.now() + 25 * HOUR);
      expect((await members(slug, eng.id)).map((m) => m.email)).toEqual(['ann@example.com']);
      expect(await events(slug, 'membership.removed')).toEqual([]);
    });

    it('a claim that does not come back: the sweep removes when due, audited as after the grace period', async () => {
      const { slug, eng } = await world({ removalGraceHours: 2 });
      const who = { email: 'bob@example.com' };
      await signIn(t, slug, 'corp', who, ['dev']);
      await signIn(t, slug, 'corp', who, ['unrelated']);
      expect(await members(slug, eng.id)).toHaveLength(1);

      await sweepAt(Date.now() + HOUR);
      expect(await members(slug, eng.id)).toHaveLength(1);
      const result = await sweepAt(Date.now() + 3 * HOUR);
      expect(result.removals).toBeGreaterThanOrEqual(1);
      expect(await members(slug, eng.id)).toEqual([]);
      const [removed] = await events(slug, 'membership.removed');
      expect(removed.actor.type).toBe('system');
      expect(removed.details).toEqual(expect.objectContaining({ trigger: 'grace-period', idp: 'corp' }));
      expect(removed.details.reason).toMatch(
        /^Removed from "Engineering" after the grace period \(due .+\): /,
      );
      // A second sweep finds nothing left here: no second event.
      await sweepAt(Date.now() + 4 * HOUR);
      expect(await events(slug, 'membership.removed')).toHaveLength(1);
    });

    it('an incomplete claim (Entra overage) cancels the pending removal: it cannot confirm it', async () => {
      const { slug, eng } = await world({ removalGraceHours: 1 });
      const who = { email: 'cy@example.com' };
      await signIn(t, slug, 'corp', who, ['dev']);
      await signIn(t, slug, 'corp', who, []);
      await signIn(t, slug, 'corp', who, ['x'], { overage: true });
      expect((await members(slug, eng.id))[0].pendingRemovalAt).toBeNull();
      expect(await events(slug, 'membership.removal_cancelled')).toHaveLength(1);
    });

    it('a SCIM push that removes the member marks it pending; a push that adds them back cancels it', async () => {
      const { slug, eng } = await world({ removalGraceHours: 24 });
      const made = await t.op
        .post(`/api/v1/tenants/${slug}/scim-tokens`)
        .send({ idp: 'corp', name: 'provisioning' })
        .expect(201);
      const scim = (method: 'post' | 'patch', path: string, body: object) => {
        const client = request(t.http);
        const url = `/scim/v2/${slug}${path}`;
        return (method === 'post' ? client.post(url) : client.patch(url))
          .set('Authorization', `Bearer ${made.body.token}`)
          .set('Content-Type', 'application/scim+json')
          .send(JSON.stringify(body));
      };
      const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
      const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
      const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
      const id = (await scim('post', '/Users', { schemas: [USER], userName: 'sam@example.com' }).expect(201))
        .body.id;
      const g = (
        await scim('post', '/Groups', {
          schemas: [GROUP],
          displayName: 'dev',
          members: [{ value: id }],
        }).expect(201)
      ).body.id;
      expect(await members(slug, eng.id)).toEqual([
        expect.objectContaining({ source: 'scim', pendingRemovalAt: null }),
      ]);
      const push = (op: 'add' | 'remove') =>
        scim('patch', `/Groups/${g}`, {
          schemas: [PATCH],
          Operations: [
            op === 'remove'
              ? { op, path: `members[value eq "${id}"]` }
              : { op, path: 'members', value: [{ value: id }] },
          ],
        }).expect(200);
      await push('remove');
      const [pending] = await members(slug, eng.id);
      expect(pending.pendingRemovalAt).not.toBeNull();
      expect((await events(slug, 'membership.removal_scheduled'))[0].details.trigger).toBe('scim');
      await push('add');
      expect((await members(slug, eng.id))[0].pendingRemovalAt).toBeNull();
      expect((await events(slug, 'membership.removal_cancelled'))[0].details.trigger).toBe('scim');
    });

    it('sync turned off for the IdP before the due time: the sweep cancels instead of removing, and finds nothing next time', async () => {
      const { slug, eng } = await world({ removalGraceHours: 1 });
      const who = { email: 'gus@example.com' };
      await signIn(t, slug, 'corp', who, ['dev']);
      await signIn(t, slug, 'corp', who, []);
      await t.op
        .patch(`/api/v1/tenants/${slug}/identity-providers/corp`)
        .send({ groupSync: { enabled: false } })
        .expect(200);
      await sweepAt(Date.now() + 2 * HOUR);
      const [gus] = await members(slug, eng.id);
      expect(gus).toEqual(expect.objectContaining({ role: 'developer', pendingRemovalAt: null }));
      const [cancelled] = await events(slug, 'membership.removal_cancelled');
      expect(cancelled.details).toEqual(
        expect.objectContaining({
          trigger: 'grace-period',
          reason:
            'Pending removal from "Engineering" cancelled: sync of its sign-in method no longer removes it.',
        }),
      );
      expect(await events(slug, 'membership.removed')).toEqual([]);
    });

    it('several processes (PostgreSQL): a sweep finding another one at work skips the round', async () => {
      if (t.dataSource.options.type !== 'postgres') return; // SQLite serves one process
      const holder = t.dataSource.createQueryRunner();
      await holder.connect();
      try {
        await holder.startTransaction();
        await holder.query('SELECT pg_advisory_xact_lock(7140221015)');
        expect(await sweepAt(Date.now())).toEqual(
          expect.objectContaining({ skipped: true, usersEvaluated: 0 }),
        );
        await holder.commitTransaction();
        expect((await sweepAt(Date.now())).skipped).toBe(false);
      } finally {
        await holder.release();
      }
    });

    it('a deleted link: the impact counts the postponed removals, reconcile schedules them, the sweep applies them', async () => {
      const { slug, eng } = await world({ removalGraceHours: 48 });
      const links = (await t.op.get(`/api/v1/tenants/${slug}/groups/${eng.id}/links`).expect(200)).body;
      for (const email of ['p1@example.com', 'p2@example.com'])
        await signIn(t, slug, 'corp', { email }, ['dev']);
      const dry = await t.op
        .delete(`/api/v1/tenants/${slug}/groups/${eng.id}/links/${links[0].id}?dryRun=true`)
        .expect(200);
      expect(dry.body.impact.totals.removals).toBe(2);
      expect(dry.body.impact.affected[0].removals[0].reason).toContain('grace period of 48 hours');
      await t.op.delete(`/api/v1/tenants/${slug}/groups/${eng.id}/links/${links[0].id}`).expect(204);
      const rec = await t.op.post(`/api/v1/tenants/${slug}/sync/reconcile`).send({}).expect(200);
      expect(rec.body).toEqual(
        expect.objectContaining({ usersChanged: 2, removals: 0, removalsScheduled: 2 }),
      );
      expect((await members(slug, eng.id)).every((m) => m.pendingRemovalAt !== null)).toBe(true);
      // Not due yet here (the sweep is global: other tests' tenants are not counted on).
      await sweepAt(Date.now() + 47 * HOUR);
      expect(await members(slug, eng.id)).toHaveLength(2);
      await sweepAt(Date.now() + 49 * HOUR);
      expect(await members(slug, eng.id)).toEqual([]);
      expect(await events(slug, 'membership.removed')).toHaveLength(2);
    });

    it('refuses negative, fractional, huge or non-numeric hours (400), and keeps the stored policy', async () => {
      const { slug } = await newTenant(t);
      for (const removalGraceHours of [-1, 1.5, 8761, 1e12, '24', null]) {
        const res = await t.op
          .post(`/api/v1/tenants/${slug}/identity-providers`)
          .send({
            slug: 'x',
            type: 'oidc',
            issuer: 'https://idp.example.com',
            clientId: 'c',
            groupSync: { removalGraceHours },
          })
          .expect(400);
        expectErrorShape(res.body, 400);
      }
      await newOidcIdp(t, slug, 'ok', { groupSync: { removalGraceHours: 8760 } });
      await t.op
        .patch(`/api/v1/tenants/${slug}/identity-providers/ok`)
        .send({ groupSync: { removalGraceHours: -5 } })
        .expect(400);
      const idp = (await t.op.get(`/api/v1/tenants/${slug}/identity-providers/ok`).expect(200)).body;
      expect(idp.groupSync.removalGraceHours).toBe(8760);
    });
  });

  describe('default memberships', () => {
    it('users who match no link get them; they go when a link matches if removeDefaultsOnMatch', async () => {
      const { slug, eng, everyone } = await world();
      await t.op
        .patch(`/api/v1/tenants/${slug}/identity-providers/corp`)
        .send({ groupSync: { defaultMemberships: [{ groupId: everyone.id, role: 'reporter' }] } })
        .expect(200);
      const who = { email: 'dee@example.com' };
      await signIn(t, slug, 'corp', who, ['unrelated']);
      expect(await members(slug, everyone.id)).toEqual([
        expect.objectContaining({ email: 'dee@example.com', role: 'reporter', source: 'sync' }),
      ]);
      const [added] = await events(slug, 'membership.added');
      expect(added.details.reason).toBe(
        'Added to "Everyone" as reporter: it is a default membership of this sign-in method, given to users whose groups match no link.',
      );

      // Flag off (the default): matching a link keeps the default membership.
      await signIn(t, slug, 'corp', who, ['dev']);
      expect(await members(slug, everyone.id)).toHaveLength(1);
      expect(await members(slug, eng.id)).toHaveLength(1);

      await t.op
        .patch(`/api/v1/tenants/${slug}/identity-providers/corp`)
        .send({ groupSync: { removeDefaultsOnMatch: true } })
        .expect(200);
      await signIn(t, slug, 'corp', who, ['dev']);
      expect(await members(slug, everyone.id)).toEqual([]);
      const [removed] = await events(slug, 'membership.removed');
      expect(removed.details.reason).toContain('the user now matches a link (removeDefaultsOnMatch)');
    });

    it("refuses another tenant's group or a missing one (400); a default group deleted later is ignored", async () => {
      const { slug, everyone } = await world();
      const other = await newTenant(t);
      const theirs = await newGroup(t, other.slug, { name: 'Theirs' });
      for (const defaultMemberships of [
        [{ groupId: theirs.id, role: 'guest' }],
        [{ groupId: '00000000-0000-4000-8000-000000000000', role: 'guest' }],
        [{ groupId: 'not-a-uuid', role: 'guest' }],
        [{ groupId: everyone.id, role: 'emperor' }],
        [{ groupId: everyone.id, role: 'guest', extra: 1 }],
        [{ groupId: everyone.id }],
        { groupId: everyone.id, role: 'guest' },
        Array.from({ length: 21 }, () => ({ groupId: everyone.id, role: 'guest' })),
      ]) {
        const res = await t.op
          .patch(`/api/v1/tenants/${slug}/identity-providers/corp`)
          .send({ groupSync: { defaultMemberships } })
          .expect(400);
        expectErrorShape(res.body, 400);
      }
      const refused = await t.op
        .post(`/api/v1/tenants/${slug}/identity-providers`)
        .send({
          slug: 'second',
          type: 'oidc',
          issuer: 'https://idp.example.com',
          clientId: 'c',
          groupSync: { defaultMemberships: [{ groupId: theirs.id, role: 'guest' }] },
        })
        .expect(400);
      expect(refused.body.details).toEqual(expect.objectContaining({ groupIds: [theirs.id] }));
      expect(await members(other.slug, theirs.id)).toEqual([]);

      await t.op
        .patch(`/api/v1/tenants/${slug}/identity-providers/corp`)
        .send({ groupSync: { defaultMemberships: [{ groupId: everyone.id, role: 'guest' }] } })
        .expect(200);
      await t.op.delete(`/api/v1/tenants/${slug}/groups/${everyone.id}`).expect(204);
      const out = await signIn(t, slug, 'corp', { email: 'eve@example.com' }, ['nothing']);
      expect(out.status).toBe('signed-in');
    });
  });

  describe('the last owner, made visible', () => {
    async function ownerWorld() {
      const { slug } = await newTenant(t);
      const ops = await newGroup(t, slug, { name: 'Ops' });
      await newGroupLink(t, slug, ops.id, { externalGroup: 'ops-admins', role: 'owner' });
      await newOidcIdp(t, slug, 'corp');
      const who = { email: 'olga@example.com' };
      await signIn(t, slug, 'corp', who, ['ops-admins']);
      return { slug, ops, who };
    }

    it('keeps the only owner, and the members list and the audit say so; the mark goes when the IdP grants it again', async () => {
      const { slug, ops, who } = await ownerWorld();
      await signIn(t, slug, 'corp', who, []);
      const [olga] = await members(slug, ops.id);
      expect(olga).toEqual(expect.objectContaining({ role: 'owner', keptAsLastOwner: true }));
      expect(olga.syncNote).toMatch(
        /^Kept as last owner although the IdP no longer grants it \(since .+\)\.$/,
      );
      const [kept] = await events(slug, 'membership.kept_as_last_owner');
      expect(kept.details.reason).toBe(
        'Kept in "Ops" as owner as its last owner, although the IdP no longer grants it.',
      );
      const [summary] = await events(slug, 'sync.applied');
      expect(JSON.stringify(summary.details.kept)).toContain(
        'kept as last owner although the IdP no longer grants it',
      );

      // A second sign-in without the group writes no second mark event.
      await signIn(t, slug, 'corp', who, []);
      expect(await events(slug, 'membership.kept_as_last_owner')).toHaveLength(1);

      await signIn(t, slug, 'corp', who, ['ops-admins']);
      expect((await members(slug, ops.id))[0]).toEqual(
        expect.objectContaining({ keptAsLastOwner: false, syncNote: null }),
      );
      expect(await events(slug, 'membership.last_owner_mark_cleared')).toHaveLength(1);
    });

    it('with keepLastOwner off, the last owner is removed like anyone else', async () => {
      const { slug, ops, who } = await ownerWorld();
      const res = await t.op
        .patch(`/api/v1/tenants/${slug}`)
        .send({ settings: { keepLastOwner: false } })
        .expect(200);
      expect(res.body.settings).toEqual(expect.objectContaining({ keepLastOwner: false }));
      await signIn(t, slug, 'corp', who, []);
      expect(await members(slug, ops.id)).toEqual([]);
      expect(await events(slug, 'membership.kept_as_last_owner')).toEqual([]);
    });

    it('the setting defaults to true and refuses anything but a boolean', async () => {
      const { slug } = await newTenant(t);
      const got = (await t.op.get(`/api/v1/tenants/${slug}`).expect(200)).body;
      expect(got.settings.keepLastOwner).toBe(true);
      for (const keepLastOwner of ['no', 0, null])
        expectErrorShape(
          (await t.op.patch(`/api/v1/tenants/${slug}`).send({ settings: { keepLastOwner } }).expect(400))
            .body,
          400,
        );
    });
  });
});
