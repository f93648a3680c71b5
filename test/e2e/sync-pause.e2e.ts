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
import { JobRunner } from '../../src/jobs/job-runner.service';
import { JobsService } from '../../src/jobs/jobs.service';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const api = (slug: string) => `/api/v1/tenants/${slug}`;

/**
 * A tenant whose sync is paused (the tenant, or its IdP "entra") while ada moved from team-a to
 * team-b and admins and bob arrived in team-a: resuming adds 2, removes 1 and makes ada an admin.
 */
async function pausedTenant(t: TestApp, pause: 'tenant' | 'idp') {
  const { slug } = await newTenant(t);
  await newOidcIdp(t, slug, 'entra', { groupSync: { adminGroups: ['admins'] } });
  const a = await newGroup(t, slug, { name: 'A' });
  const b = await newGroup(t, slug, { name: 'B' });
  await newGroupLink(t, slug, a.id, { externalGroup: 'team-a', role: 'developer' });
  await newGroupLink(t, slug, b.id, { externalGroup: 'team-b', role: 'maintainer' });
  await signIn(t, slug, 'entra', { email: 'ada@example.com' }, ['team-a']);
  if (pause === 'tenant')
    await t.op
      .patch(api(slug))
      .send({ settings: { syncPaused: true } })
      .expect(200);
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

/** Pausing sync per tenant and per IdP, and resuming with a preview (issue 15). */
describe('sync pause over HTTP: paused sign-ins, resume with a dry-run preview', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const emails = (slug: string, groupId: string) => memberEmails(t, slug, groupId);
  const events = (slug: string, action: string) => auditEventsOf(t, slug, action);
  const settings = (slug: string, body: object) => t.op.patch(api(slug)).send({ settings: body }).expect(200);

  describe('pause and resume', () => {
    const pausedWorld = (pause: 'tenant' | 'idp') => pausedTenant(t, pause);

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

/** Resuming over JOBS_RECONCILE_THRESHOLD users applies the pending changes as a job (issue 14). */
describe('resume over the threshold runs as a job', () => {
  let t: TestApp;
  let runner: JobRunner;
  beforeAll(async () => {
    // Two users are pending in a paused tenant: over a threshold of 1.
    t = await startTestApp({ JOBS_RECONCILE_THRESHOLD: '1' });
    runner = t.app.get(JobRunner);
  });
  afterAll(async () => t.close());

  const emails = (slug: string, groupId: string) => memberEmails(t, slug, groupId);
  const paused = async (slug: string) => {
    const tenant = (await t.op.get(api(slug)).expect(200)).body;
    const idp = (await t.op.get(`${api(slug)}/identity-providers/entra`).expect(200)).body;
    return { tenant: tenant.settings.syncPaused, idp: idp.syncPaused };
  };

  for (const pause of ['tenant', 'idp'] as const) {
    it(`paused (${pause}): 202 with the job, the pause lifted at once, the changes applied by the job`, async () => {
      const { slug, a, b } = await pausedTenant(t, pause);
      const body = pause === 'tenant' ? {} : { idp: 'entra' };
      const res = await t.op
        .post(`${api(slug)}/sync/resume`)
        .send(body)
        .expect(202);
      const job = res.body.job;
      expect(res.body).toEqual({
        dryRun: false,
        resume: { tenant: pause === 'tenant', idp: pause === 'tenant' ? null : 'entra' },
        stillPaused: { tenant: false, idps: [] },
        job: expect.objectContaining({
          kind: 'reconcile',
          status: 'queued',
          progress: { done: 0, total: 2 },
          params: expect.objectContaining({ scope: pause === 'tenant' ? {} : { idp: 'entra' } }),
        }),
      });
      expect(res.headers.location).toBe(`${api(slug)}/jobs/${job.id}`);
      // The pause is lifted with the queueing; the memberships wait for a runner.
      expect(await paused(slug)).toEqual({ tenant: false, idp: false });
      expect(await emails(slug, b.id)).toEqual([]);
      expect(await auditActions(t, slug)).toEqual(expect.arrayContaining(['sync.resumed', 'job.queued']));

      expect(await runner.runNext()).toBe(job.id);
      const done = (await t.op.get(`${api(slug)}/jobs/${job.id}`).expect(200)).body;
      expect(done).toMatchObject({
        status: 'succeeded',
        progress: { done: 2, total: 2 },
        result: expect.objectContaining({ usersChanged: 2, adds: 2, removals: 1 }),
      });
      expect(await emails(slug, a.id)).toEqual(['bob@example.com']);
      expect(await emails(slug, b.id)).toEqual(['ada@example.com']);
      const ada = (await t.op.get(`${api(slug)}/users?email=ada@example.com`).expect(200)).body[0];
      expect(ada.isAdmin).toBe(true);
      const reconciled = await auditEventsOf(t, slug, 'sync.reconciled');
      expect(reconciled.map((e) => e.details)).toEqual([expect.objectContaining({ jobId: job.id, adds: 2 })]);
    });
  }

  it('dry runs stay synchronous over the threshold, and a resume at the threshold answers its result', async () => {
    const { slug, b } = await pausedTenant(t, 'tenant');
    const preview = await t.op
      .post(`${api(slug)}/sync/resume?dryRun=true`)
      .send({})
      .expect(200);
    expect(preview.body.totals).toMatchObject({ usersEvaluated: 2, usersChanged: 2 });
    expect((await t.op.get(`${api(slug)}/jobs`).expect(200)).body.items).toEqual([]);
    expect(await emails(slug, b.id)).toEqual([]);

    // One pending user: at the threshold, applied in the request.
    const small = await newTenant(t);
    await newOidcIdp(t, small.slug, 'entra');
    const group = await newGroup(t, small.slug, { name: 'Solo' });
    await newGroupLink(t, small.slug, group.id, { externalGroup: 'solo', role: 'developer' });
    await t.op
      .patch(api(small.slug))
      .send({ settings: { syncPaused: true } })
      .expect(200);
    await signIn(t, small.slug, 'entra', { email: 'sam@example.com' }, ['solo']);
    const res = await t.op
      .post(`${api(small.slug)}/sync/resume`)
      .send({})
      .expect(200);
    expect(res.body.result).toMatchObject({ usersEvaluated: 1, adds: 1 });
    expect(await emails(small.slug, group.id)).toEqual(['sam@example.com']);
    expect((await t.op.get(`${api(small.slug)}/jobs`).expect(200)).body.items).toEqual([]);
  });

  it('the pause is lifted only together with its job: a queue that fails leaves everything paused', async () => {
    const { slug } = await pausedTenant(t, 'tenant');
    const jobs = t.app.get(JobsService);
    const spy = jest.spyOn(jobs, 'enqueue').mockRejectedValueOnce(new Error('queue unavailable'));
    try {
      await t.op
        .post(`${api(slug)}/sync/resume`)
        .send({})
        .expect(500);
    } finally {
      spy.mockRestore();
    }
    expect((await paused(slug)).tenant).toBe(true);
    expect(await auditActions(t, slug)).not.toContain('sync.resumed');
    expect((await t.op.get(`${api(slug)}/jobs`).expect(200)).body.items).toEqual([]);
  });

  it("another tenant cannot resume this tenant's sync nor read its job", async () => {
    const { slug } = await pausedTenant(t, 'tenant');
    const other = await newTenant(t);
    const key = await newApiKey(t, other.slug);
    await key
      .as('post', `${api(slug)}/sync/resume`)
      .send({})
      .expect(403);
    expect((await paused(slug)).tenant).toBe(true);
    const job = (
      await t.op
        .post(`${api(slug)}/sync/resume`)
        .send({})
        .expect(202)
    ).body.job;
    await key.as('get', `${api(slug)}/jobs/${job.id}`).expect(403);
    expectErrorShape((await key.as('get', `${api(other.slug)}/jobs/${job.id}`).expect(404)).body, 404);
    await key.as('post', `${api(other.slug)}/jobs/${job.id}/cancel`).expect(404);
    expect((await t.op.get(`${api(slug)}/jobs/${job.id}`).expect(200)).body.status).toBe('queued');
  });
});
