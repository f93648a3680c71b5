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
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

describe('sync over HTTP: preview, link impact (dry run), reconcile', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  async function world() {
    const { slug } = await newTenant(t);
    await newOidcIdp(t, slug, 'entra', {
      groupSync: {
        caseSensitive: false,
        claims: ['http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'groups'],
      },
    });
    const eng = await newGroup(t, slug, { name: 'Engineering' });
    const ops = await newGroup(t, slug, { name: 'Ops' });
    const devs = await newGroupLink(t, slug, eng.id, { externalGroup: 'Developers', role: 'developer' });
    const leads = await newGroupLink(t, slug, eng.id, { externalGroup: 'Leads', role: 'maintainer' });
    return { slug, eng, ops, devs, leads };
  }
  const members = async (slug: string, groupId: string) =>
    (await t.op.get(`/api/v1/tenants/${slug}/groups/${groupId}/members`).expect(200)).body.map(
      (m: { email: string; role: string }) => [m.email, m.role],
    );

  describe('POST /sync/preview', () => {
    it('answers the plan with reasons and writes nothing', async () => {
      const { slug, eng } = await world();
      const before = await auditActions(t, slug);
      const res = await t.op
        .post(`/api/v1/tenants/${slug}/sync/preview`)
        .send({ idp: 'entra', email: 'new@example.com', groups: ['developers', ' LEADS ', 'Other'] })
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          signup: 'create',
          complete: true,
          adds: [
            expect.objectContaining({
              groupId: eng.id,
              groupName: 'Engineering',
              role: 'maintainer',
              reason: expect.stringContaining('Leads'),
            }),
          ],
          roleChanges: [],
          removals: [],
          admin: { from: false, to: false },
        }),
      );
      expect(await auditActions(t, slug)).toEqual(before);
      const users = await t.op.get(`/api/v1/tenants/${slug}/users?email=new@example.com`).expect(200);
      expect(users.body).toEqual([]);
    });

    it('previews an existing user: removal, and no removal under an overage or missing claim', async () => {
      const { slug, eng } = await world();
      await signIn(t, slug, 'entra', { email: 'ada@example.com', externalId: 'oid-ada' }, ['Developers']);
      const removal = await t.op
        .post(`/api/v1/tenants/${slug}/sync/preview`)
        .send({ idp: 'entra', externalId: 'oid-ada', groups: [] })
        .expect(200);
      expect(removal.body.signup).toBe('existing');
      expect(removal.body.removals).toEqual([
        expect.objectContaining({
          groupId: eng.id,
          role: 'developer',
          reason: expect.stringContaining('enforce'),
        }),
      ]);
      for (const claim of ['overage', 'missing']) {
        const safe = await t.op
          .post(`/api/v1/tenants/${slug}/sync/preview`)
          .send({ idp: 'entra', email: 'ada@example.com', groups: [], claim })
          .expect(200);
        expect({ claim, removals: safe.body.removals, complete: safe.body.complete }).toEqual({
          claim,
          removals: [],
          complete: false,
        });
        expect(safe.body.kept).toHaveLength(1);
      }
      expect(await members(slug, eng.id)).toEqual([['ada@example.com', 'developer']]);
    });

    it('validates its input', async () => {
      const { slug } = await world();
      const url = `/api/v1/tenants/${slug}/sync/preview`;
      const cases: [object, number, string][] = [
        [{ email: 'a@example.com', groups: [] }, 400, 'validation_failed'],
        [{ idp: 'entra', groups: [] }, 400, 'validation_failed'],
        [{ idp: 'entra', email: 'a@example.com', groups: 'Developers' }, 400, 'validation_failed'],
        [{ idp: 'entra', email: 'a@example.com', groups: [1, 2] }, 400, 'validation_failed'],
        [{ idp: 'entra', email: 'a@example.com', groups: [], claim: 'partial' }, 400, 'validation_failed'],
        [{ idp: 'entra', email: 'a@example.com', groups: [], extra: true }, 400, 'validation_failed'],
        [{ idp: 'ghost', email: 'a@example.com', groups: [] }, 404, 'identity_provider_not_found'],
      ];
      for (const [body, status, code] of cases) {
        const res = await t.op.post(url).send(body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
        expectErrorShape(res.body, status, code);
      }
    });
  });

  describe('link changes: ?dryRun=true impact, then reconcile or next sign-in', () => {
    it('shows who a new link would add and writes nothing', async () => {
      const { slug, ops } = await world();
      await signIn(t, slug, 'entra', { email: 'a@example.com' }, ['Operators', 'Developers']);
      await signIn(t, slug, 'entra', { email: 'b@example.com' }, ['operators']); // case-insensitive IdP
      await signIn(t, slug, 'entra', { email: 'c@example.com' }, ['Developers']);
      const url = `/api/v1/tenants/${slug}/groups/${ops.id}/links`;
      const res = await t.op
        .post(`${url}?dryRun=true`)
        .send({ externalGroup: 'Operators', role: 'reporter' })
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          dryRun: true,
          change: 'create',
          link: expect.objectContaining({ externalGroup: 'Operators', role: 'reporter' }),
        }),
      );
      expect(res.body.impact).toEqual(
        expect.objectContaining({
          usersAffected: 2,
          totals: { adds: 2, roleChanges: 0, removals: 0, kept: 0 },
          truncated: false,
        }),
      );
      expect(
        res.body.impact.affected.map((a: { email: string; adds: { role: string }[] }) => [
          a.email,
          a.adds[0].role,
        ]),
      ).toEqual([
        ['a@example.com', 'reporter'],
        ['b@example.com', 'reporter'],
      ]);
      expect((await t.op.get(url).expect(200)).body).toEqual([]);
      await t.op
        .post(`${url}?dryRun=maybe`)
        .send({ externalGroup: 'Operators', role: 'reporter' })
        .expect(400);
      // a dry run validates like the real thing
      await t.op.post(`${url}?dryRun=true`).send({ externalGroup: 'Operators', role: 'boss' }).expect(400);
    });

    it('deleting the last link: the impact shows removals; nothing happens until reconcile', async () => {
      const { slug, eng, devs, leads } = await world();
      const ada = await signIn(t, slug, 'entra', { email: 'ada@example.com' }, ['Developers']);
      await signIn(t, slug, 'entra', { email: 'lin@example.com' }, ['Leads']);
      const manual = await newUser(t, slug, 'manual@example.com');
      await t.op
        .put(`/api/v1/tenants/${slug}/groups/${eng.id}/members/${manual.id}`)
        .send({ role: 'owner' })
        .expect(200);
      const links = `/api/v1/tenants/${slug}/groups/${eng.id}/links`;

      // deleting one of two links: only its users lose access
      const one = await t.op.delete(`${links}/${devs.id}?dryRun=true`).expect(200);
      expect(
        one.body.impact.affected.map((a: { email: string; removals: unknown[] }) => [
          a.email,
          a.removals.length,
        ]),
      ).toEqual([['ada@example.com', 1]]);
      await t.op.get(`${links}/${devs.id}`).expect(200); // still there
      await t.op.delete(`${links}/${devs.id}`).expect(204);
      // ...and nothing happened to memberships yet
      expect(await members(slug, eng.id)).toEqual([
        ['ada@example.com', 'developer'],
        ['lin@example.com', 'maintainer'],
        ['manual@example.com', 'owner'],
      ]);

      // the last link: everyone sync added would go; the manual owner stays
      const last = await t.op.delete(`${links}/${leads.id}?dryRun=true`).expect(200);
      expect(last.body.impact.totals).toEqual({ adds: 0, roleChanges: 0, removals: 2, kept: 0 });
      await t.op.delete(`${links}/${leads.id}`).expect(204);
      expect(await members(slug, eng.id)).toHaveLength(3);

      const rec = await t.op
        .post(`/api/v1/tenants/${slug}/sync/reconcile`)
        .send({ groupId: eng.id })
        .expect(200);
      expect(rec.body).toEqual(expect.objectContaining({ usersChanged: 2, removals: 2, adds: 0 }));
      expect(await members(slug, eng.id)).toEqual([['manual@example.com', 'owner']]);
      const actions = await auditActions(t, slug);
      expect(actions[0]).toBe('sync.reconciled');
      expect(actions.filter((a) => a === 'membership.removed')).toHaveLength(2);
      const removed = (
        await t.op
          .get(`/api/v1/tenants/${slug}/audit-events?action=membership.removed&userId=${ada.user!.id}`)
          .expect(200)
      ).body.items[0];
      expect(removed.actor.type).toBe('operator');
      expect(removed.details).toEqual(
        expect.objectContaining({
          trigger: 'reconcile',
          reason: expect.stringContaining('no group links any more'),
        }),
      );
      // a second reconcile has nothing left to do
      const again = await t.op.post(`/api/v1/tenants/${slug}/sync/reconcile`).send({}).expect(200);
      expect(again.body).toEqual(expect.objectContaining({ usersChanged: 0, adds: 0, removals: 0 }));
    });

    it('a role change preview shows re-roles; applying it happens at the next sign-in', async () => {
      const { slug, eng, devs } = await world();
      await signIn(t, slug, 'entra', { email: 'ada@example.com' }, ['Developers']);
      const url = `/api/v1/tenants/${slug}/groups/${eng.id}/links/${devs.id}`;
      const preview = await t.op.patch(`${url}?dryRun=true`).send({ role: 'reporter' }).expect(200);
      expect(preview.body.impact.affected[0].roleChanges).toEqual([
        expect.objectContaining({ from: 'developer', to: 'reporter' }),
      ]);
      expect((await t.op.get(url).expect(200)).body.role).toBe('developer');
      await t.op.patch(url).send({ role: 'reporter' }).expect(200);
      await signIn(t, slug, 'entra', { email: 'ada@example.com' }, ['Developers']);
      expect(await members(slug, eng.id)).toEqual([['ada@example.com', 'reporter']]);
    });

    it('validates reconcile input and keeps tenants apart', async () => {
      const { slug, eng } = await world();
      await t.op.post(`/api/v1/tenants/${slug}/sync/reconcile`).send({ groupId: 'nope' }).expect(400);
      await t.op
        .post(`/api/v1/tenants/${slug}/sync/reconcile`)
        .send({ groupId: '00000000-0000-4000-8000-000000000000' })
        .expect(404);
      await t.op.post(`/api/v1/tenants/${slug}/sync/reconcile`).send({ idp: 'ghost' }).expect(404);
      const other = await newTenant(t);
      const key = await newApiKey(t, other.slug);
      await key
        .as('post', `/api/v1/tenants/${slug}/sync/preview`)
        .send({ idp: 'entra', email: 'a@example.com', groups: [] })
        .expect(403);
      await key.as('post', `/api/v1/tenants/${slug}/sync/reconcile`).send({}).expect(403);
      await key
        .as(
          'delete',
          `/api/v1/tenants/${slug}/groups/${eng.id}/links/00000000-0000-4000-8000-000000000000?dryRun=true`,
        )
        .expect(403);
    });
  });
});
