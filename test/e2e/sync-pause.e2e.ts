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

/** Pausing sync per tenant and per IdP, and resuming with a preview (issue 15). */
describe('sync pause over HTTP: paused sign-ins, resume with a dry-run preview', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const api = (slug: string) => `/api/v1/tenants/${slug}`;
  const emails = (slug: string, groupId: string) => memberEmails(t, slug, groupId);
  const events = (slug: string, action: string) => auditEventsOf(t, slug, action);
  const settings = (slug: string, body: object) => t.op.patch(api(slug)).send({ settings: body }).expect(200);

  describe('pause and resume', () => {
    async function pausedWorld(pause: 'tenant' | 'idp') {
      const { slug } = await newTenant(t);
      await newOidcIdp(t, slug, 'entra', { groupSync: { adminGroups: ['admins'] } });
      const a = await newGroup(t, slug, { name: 'A' });
      const b = await newGroup(t, slug, { name: 'B' });
      await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
      await newGroupLink(t, slug, b.id, { externalGroup: 'team-b', role: 'maintainer' });
      await signIn(t, slug, 'entra', { email: 'ada@example.com' }, ['team-a']);
      if (pause === 'tenant') await settings(slug, { syncPaused: true });
      else {
        const idp = await t.op
          .patch(`${api(slug)}/identity-providers/entra`)
          .send({ syncPaused: true })
          .expect(200);
        expect(idp.body.syncPaused).toBe(true);
      }
      // While paused: ada moves to team-b and admins, bob arrives in team-a.
      const ada = await signIn(t, slug, 'entra', { email: 'ada@example.com' }, ['team-b', 'admins']);
      const bob = await signIn(t, slug, 'entra', { email: 'bob@example.com' }, ['team-a']);
      expect([ada.status, bob.status]).toEqual(['signed-in', 'signed-in']);
      return { slug, a, b };
    }

    for (const pause of ['tenant', 'idp'] as const) {
      it(`paused (${pause}): sign-ins work and store claims, nothing changes; resume previews then applies`, async () => {
        const { slug, a, b } = await pausedWorld(pause);
        expect(await emails(slug, a.id)).toEqual(['ada@example.com']);
        expect(await emails(slug, b.id)).toEqual([]);
        const ada = (await t.op.get(`${api(slug)}/users?email=ada@example.com`).expect(200)).body[0];
        expect(ada.isAdmin).toBe(false);
        const full = (await t.op.get(`${api(slug)}/users/${ada.id}`).expect(200)).body;
        expect(full.externalGroups.map((g: { externalGroup: string }) => g.externalGroup).sort()).toEqual([
          'admins',
          'team-b',
        ]);
        const summary = (await events(slug, 'sync.applied')).find((e) => e.userId === ada.id)!;
        expect(summary.details).toEqual(
          expect.objectContaining({
            paused: pause === 'tenant' ? 'tenant' : 'identity-provider',
            pending: { adds: 1, roleChanges: 0, removals: 1, admin: true },
            adds: 0,
            removals: 0,
          }),
        );
        const refused = await t.op
          .post(`${api(slug)}/sync/reconcile`)
          .send({})
          .expect(409);
        expectErrorShape(refused.body, 409, 'sync_paused');

        const body = pause === 'tenant' ? {} : { idp: 'entra' };
        const preview = await t.op
          .post(`${api(slug)}/sync/resume?dryRun=true`)
          .send(body)
          .expect(200);
        expect(preview.body.totals).toEqual({
          usersEvaluated: 2,
          usersChanged: 2,
          adds: 2,
          roleChanges: 0,
          removals: 1,
          adminChanges: 1,
        });
        const byEmail = Object.fromEntries(
          preview.body.users.map((u: { email: string }) => [u.email, u]),
        ) as Record<
          string,
          { adds: { groupName: string }[]; removals: { groupName: string }[]; admin: unknown }
        >;
        expect(byEmail['ada@example.com'].adds.map((x) => x.groupName)).toEqual(['B']);
        expect(byEmail['ada@example.com'].removals.map((x) => x.groupName)).toEqual(['A']);
        expect(byEmail['ada@example.com'].admin).toEqual({ from: false, to: true });
        expect(byEmail['bob@example.com'].adds.map((x) => x.groupName)).toEqual(['A']);
        expect(await emails(slug, b.id)).toEqual([]); // the preview wrote nothing
        expect(preview.body.stillPaused).toEqual({ tenant: false, idps: [] });

        const resumed = await t.op
          .post(`${api(slug)}/sync/resume`)
          .send(body)
          .expect(200);
        expect(resumed.body.result).toEqual(
          expect.objectContaining({ adds: 2, removals: 1, usersChanged: 2 }),
        );
        expect(await emails(slug, a.id)).toEqual(['bob@example.com']);
        expect(await emails(slug, b.id)).toEqual(['ada@example.com']);
        expect((await t.op.get(`${api(slug)}/users/${ada.id}`).expect(200)).body.isAdmin).toBe(true);
        const tenant = (await t.op.get(api(slug)).expect(200)).body;
        const idp = (await t.op.get(`${api(slug)}/identity-providers/entra`).expect(200)).body;
        expect([tenant.settings.syncPaused, idp.syncPaused]).toEqual([false, false]);
        expect(await auditActions(t, slug)).toContain('sync.resumed');
      });
    }

    it('PATCH syncPaused=false alone resumes without applying; the next sign-in applies', async () => {
      const { slug, b } = await pausedWorld('tenant');
      await settings(slug, { syncPaused: false });
      expect(await emails(slug, b.id)).toEqual([]);
      await signIn(t, slug, 'entra', { email: 'ada@example.com' }, ['team-b']);
      expect(await emails(slug, b.id)).toEqual(['ada@example.com']);
    });

    it('resuming one IdP while the tenant is paused applies nothing and says so', async () => {
      const { slug, b } = await pausedWorld('tenant');
      await t.op
        .patch(`${api(slug)}/identity-providers/entra`)
        .send({ syncPaused: true })
        .expect(200);
      const preview = await t.op
        .post(`${api(slug)}/sync/resume?dryRun=true`)
        .send({ idp: 'entra' })
        .expect(200);
      expect(preview.body.stillPaused).toEqual({ tenant: true, idps: [] });
      expect(preview.body.users).toEqual([]);
      const tenantOnly = await t.op
        .post(`${api(slug)}/sync/resume?dryRun=true`)
        .send({})
        .expect(200);
      expect(tenantOnly.body.stillPaused).toEqual({ tenant: false, idps: ['entra'] });
      await t.op
        .post(`${api(slug)}/sync/resume`)
        .send({ idp: 'entra' })
        .expect(200);
      expect(await emails(slug, b.id)).toEqual([]);
    });

    it('validates resume input', async () => {
      const { slug } = await pausedWorld('tenant');
      const url = `${api(slug)}/sync/resume`;
      expectErrorShape((await t.op.post(url).send({ idp: 'ghost' }).expect(404)).body, 404);
      await t.op.post(url).send({ idp: 'Not A Slug' }).expect(400);
      await t.op.post(url).send({ tenant: true }).expect(400);
      await t.op.post(`${url}?dryRun=maybe`).send({}).expect(400);
      await t.op.post(`${url}?preview=true`).send({}).expect(400);
      await t.op
        .patch(`${api(slug)}/identity-providers/entra`)
        .send({ syncPaused: 'no' })
        .expect(400);
      const other = await newTenant(t);
      const key = await newApiKey(t, other.slug);
      await key.as('post', url).send({}).expect(403);
      expect((await t.op.get(api(slug)).expect(200)).body.settings.syncPaused).toBe(true);
    });
  });
});
