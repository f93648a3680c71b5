import { JobRunner } from '../../src/jobs/job-runner.service';
import { JobBatch } from '../../src/jobs/job.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { expectErrorShape, newApiKey } from '../support/factories';
import { membershipState, seedPopulation } from '../support/jobs-seed';
import { startTestApp, TestApp } from '../support/test-app';
import { checkAgainst } from '../support/openapi-check';
import { createTestDatabase } from '../support/test-database';

const api = (slug: string) => `/api/v1/tenants/${slug}`;

/** The job's batch log, in order. */
const batchesOf = (t: TestApp, jobId: string) =>
  t.dataSource.getRepository(JobBatch).find({ where: { jobId }, order: { seq: 'ASC' } });

/** Each user in exactly one batch, batches in user order: no batch ran twice, none was skipped. */
function expectEachUserOnce(batches: JobBatch[], userIds: string[]) {
  const sorted = [...userIds].sort();
  expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i + 1));
  expect(batches.reduce((sum, b) => sum + b.items, 0)).toBe(sorted.length);
  let at = 0;
  for (const b of batches) {
    expect(b.firstItem).toBe(sorted[at]);
    at += b.items;
    expect(b.lastItem).toBe(sorted[at - 1]);
  }
}

/** Audit events of one kind per (user, target): a user written twice would show up here. */
async function duplicateEvents(t: TestApp, tenantId: string, correlationId: string) {
  const events = await t.dataSource
    .getRepository(AuditEvent)
    .find({ where: { tenantId, correlationId }, select: { action: true, userId: true, targetId: true } });
  const seen = new Map<string, number>();
  for (const e of events.filter((x) => x.action.startsWith('membership.')))
    seen.set(
      `${e.action} ${e.userId} ${e.targetId}`,
      (seen.get(`${e.action} ${e.userId} ${e.targetId}`) ?? 0) + 1,
    );
  return { events: events.length, duplicates: [...seen.values()].filter((n) => n > 1).length };
}

describe('long reconciles run as jobs (#14)', () => {
  let t: TestApp;
  let runner: JobRunner;

  beforeAll(async () => {
    t = await startTestApp({ JOBS_RECONCILE_THRESHOLD: '500' });
    runner = t.app.get(JobRunner);
  });
  afterAll(() => t?.close());

  it('a reconcile over 1,200 users answers 202 with the job and ends as the synchronous one does', async () => {
    // The same population reconciled synchronously, on an app whose threshold is above it.
    const syncApp = await startTestApp({ JOBS_RECONCILE_THRESHOLD: '100000' });
    let expected: string[];
    let expectedResult: Record<string, number>;
    try {
      const twin = await seedPopulation(syncApp, 1200);
      const sync = await syncApp.op
        .post(`${api(twin.slug)}/sync/reconcile`)
        .send({})
        .expect(200);
      expectedResult = sync.body;
      expected = await membershipState(syncApp, twin.tenantId);
    } finally {
      await syncApp.close();
    }
    expect(expectedResult.usersEvaluated).toBe(1200);
    expect(expectedResult.adds).toBeGreaterThan(500);
    expect(expectedResult.roleChanges).toBeGreaterThan(0);
    expect(expectedResult.removals).toBeGreaterThan(0);

    const w = await seedPopulation(t, 1200);
    const before = await membershipState(t, w.tenantId);
    const queued = await t.op
      .post(`${api(w.slug)}/sync/reconcile`)
      .send({})
      .expect(202);
    const job = queued.body.job;
    expect(job).toMatchObject({ kind: 'reconcile', status: 'queued', progress: { done: 0, total: 1200 } });
    expect(queued.headers.location).toBe(`${api(w.slug)}/jobs/${job.id}`);
    // Nothing is written before a runner takes it.
    expect(await membershipState(t, w.tenantId)).toEqual(before);

    expect(await runner.runNext()).toBe(job.id);
    const done = await t.op.get(`${api(w.slug)}/jobs/${job.id}`).expect(200);
    expect(done.body).toMatchObject({
      status: 'succeeded',
      progress: { done: 1200, total: 1200 },
      attempts: 1,
      error: null,
      result: expectedResult,
      createdBy: { type: 'operator' },
    });
    expect(done.body.finishedAt).toEqual(expect.any(String));
    expect(await membershipState(t, w.tenantId)).toEqual(expected);
    expectEachUserOnce(await batchesOf(t, job.id), w.userIds);

    const audit = await t.op.get(`${api(w.slug)}/audit-events?limit=20&action=sync.reconciled`).expect(200);
    expect(audit.body.items[0].details).toMatchObject({ ...expectedResult, jobId: job.id });
    for (const action of ['job.queued', 'job.succeeded']) {
      const one = await t.op.get(`${api(w.slug)}/audit-events?action=${action}`).expect(200);
      expect(one.body.items).toEqual([expect.objectContaining({ target: { type: 'job', id: job.id } })]);
    }
    // The batches' changes share the request's correlation id, as a synchronous reconcile's do.
    expect(await duplicateEvents(t, w.tenantId, job.correlationId)).toEqual({
      events: expect.any(Number),
      duplicates: 0,
    });
  }, 180_000);

  it('a reconcile at or under the threshold stays synchronous (200, the counts)', async () => {
    const w = await seedPopulation(t, 500);
    const res = await t.op
      .post(`${api(w.slug)}/sync/reconcile`)
      .send({})
      .expect(200);
    expect(res.body.usersEvaluated).toBe(500);
    expect((await t.op.get(`${api(w.slug)}/jobs`).expect(200)).body).toEqual({ items: [], nextCursor: null });
  }, 180_000);

  it('progress shows per batch; after a crash another process resumes from the last committed batch', async () => {
    const db = await createTestDatabase();
    const first = await startTestApp({ JOBS_RECONCILE_THRESHOLD: '500', JOBS_LEASE_SECONDS: '1' }, db);
    const w = await seedPopulation(first, 1200);
    const job = (
      await first.op
        .post(`${api(w.slug)}/sync/reconcile`)
        .send({})
        .expect(202)
    ).body.job;
    const firstRunner = first.app.get(JobRunner);
    expect(await firstRunner.runNext({ maxBatches: 1 })).toBe(job.id);
    const midway = await first.op.get(`${api(w.slug)}/jobs/${job.id}`).expect(200);
    expect(midway.body).toMatchObject({
      status: 'running',
      progress: { done: 100, total: 1200 },
      attempts: 1,
    });
    // The process dies holding the lease: nothing hands the job back.
    await first.close();

    const second = await startTestApp({ JOBS_POLL_MS: '100' }, db);
    try {
      let status = 'running';
      for (let i = 0; i < 600 && status !== 'succeeded'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await second.op.get(`${api(w.slug)}/jobs/${job.id}`).expect(200)).body.status;
      }
      const end = (await second.op.get(`${api(w.slug)}/jobs/${job.id}`).expect(200)).body;
      expect(end).toMatchObject({ status: 'succeeded', progress: { done: 1200, total: 1200 }, attempts: 2 });
      const batches = await batchesOf(second, job.id);
      expectEachUserOnce(batches, w.userIds);
      expect(batches[0].processedBy).toBe(firstRunner.id);
      expect(new Set(batches.slice(1).map((b) => b.processedBy))).toEqual(
        new Set([second.app.get(JobRunner).id]),
      );
      expect((await duplicateEvents(second, w.tenantId, job.correlationId)).duplicates).toBe(0);
      const red = await second.op.get(`${api(w.slug)}/groups/${w.groups.red}/members`).expect(200);
      expect(red.body).toHaveLength(600); // the even users; the synced odd ones were removed
    } finally {
      await second.close();
      await db.drop();
    }
  }, 180_000);

  it('cancels a running job: it stops after its committed batch; a finished job cannot be cancelled', async () => {
    const w = await seedPopulation(t, 600);
    const job = (
      await t.op
        .post(`${api(w.slug)}/sync/reconcile`)
        .send({})
        .expect(202)
    ).body.job;
    await runner.runNext({ maxBatches: 1 });
    const cancelled = await t.op.post(`${api(w.slug)}/jobs/${job.id}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', progress: { done: 100, total: 600 } });
    expect(await runner.runNext()).toBeNull();
    expect(await batchesOf(t, job.id)).toHaveLength(1);
    const again = await t.op.post(`${api(w.slug)}/jobs/${job.id}/cancel`).expect(409);
    expectErrorShape(again.body, 409, 'job_finished');
    const audit = await t.op.get(`${api(w.slug)}/audit-events?action=job.cancelled`).expect(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ from: 'running', progress: { done: 100, total: 600 } }),
      }),
    ]);
    // A queued job can be cancelled before any runner took it.
    const queued = (
      await t.op
        .post(`${api(w.slug)}/sync/reconcile`)
        .send({})
        .expect(202)
    ).body.job;
    await t.op.post(`${api(w.slug)}/jobs/${queued.id}/cancel`).expect(200);
    expect(await runner.runNext()).toBeNull();
  }, 180_000);

  it('lists jobs newest first, paged, filtered by status and kind', async () => {
    const w = await seedPopulation(t, 501);
    const ids: string[] = [];
    const queue = async (body: object) =>
      ids.push(
        (
          await t.op
            .post(`${api(w.slug)}/sync/reconcile`)
            .send(body)
            .expect(202)
        ).body.job.id,
      );
    // The same reconcile still queued is answered instead of a new job: cancel it, or ask another.
    await queue({});
    await t.op.post(`${api(w.slug)}/jobs/${ids[0]}/cancel`).expect(200);
    await queue({});
    await queue({ idp: 'oidc' });
    expect(new Set(ids).size).toBe(3);
    const page1 = await t.op.get(`${api(w.slug)}/jobs?limit=2`).expect(200);
    expect(page1.body.items.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
    const page2 = await t.op.get(`${api(w.slug)}/jobs?limit=2&cursor=${page1.body.nextCursor}`).expect(200);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    const cancelled = await t.op.get(`${api(w.slug)}/jobs?status=cancelled&kind=reconcile`).expect(200);
    expect(cancelled.body.items.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    expect((await t.op.get(`${api(w.slug)}/jobs?status=succeeded`).expect(200)).body.items).toEqual([]);
    for (const id of ids.slice(1)) await t.op.post(`${api(w.slug)}/jobs/${id}/cancel`).expect(200);
  }, 180_000);

  it('refuses bad ids and filters with 400, unknown jobs with 404', async () => {
    const w = await seedPopulation(t, 1);
    for (const url of [
      `jobs/not-a-uuid`,
      `jobs?status=done`,
      `jobs?kind=backup`,
      `jobs?cursor=!!`,
      `jobs?limit=0`,
      'jobs?sort=id',
    ])
      expectErrorShape((await t.op.get(`${api(w.slug)}/${url}`).expect(400)).body, 400);
    await t.op.post(`${api(w.slug)}/jobs/not-a-uuid/cancel`).expect(400);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectErrorShape(
      (await t.op.get(`${api(w.slug)}/jobs/${unknown}`).expect(404)).body,
      404,
      'job_not_found',
    );
    expectErrorShape(
      (await t.op.post(`${api(w.slug)}/jobs/${unknown}/cancel`).expect(404)).body,
      404,
      'job_not_found',
    );
  }, 180_000);

  it("keeps tenants apart: B cannot read, list or cancel A's job", async () => {
    const a = await seedPopulation(t, 501);
    const b = await seedPopulation(t, 1);
    const job = (
      await t.op
        .post(`${api(a.slug)}/sync/reconcile`)
        .send({})
        .expect(202)
    ).body.job;
    const keyB = await newApiKey(t, b.slug);
    await keyB.as('get', `${api(a.slug)}/jobs/${job.id}`).expect(403);
    await keyB.as('get', `${api(b.slug)}/jobs/${job.id}`).expect(404);
    await keyB.as('post', `${api(b.slug)}/jobs/${job.id}/cancel`).expect(404);
    expect((await keyB.as('get', `${api(b.slug)}/jobs`).expect(200)).body.items).toEqual([]);
    const keyA = await newApiKey(t, a.slug);
    const mine = await keyA.as('get', `${api(a.slug)}/jobs/${job.id}`).expect(200);
    expect(mine.body.status).toBe('queued');
    await keyA.as('post', `${api(a.slug)}/jobs/${job.id}/cancel`).expect(200);
  }, 180_000);

  it('answers as the OpenAPI document says (202 with the job, the job, the list, a cancel)', async () => {
    const doc = (await t.op.get('/api/docs/openapi.json').expect(200)).body;
    const schemaOf = (path: string, method: string, status: number) =>
      doc.paths[path][method].responses[String(status)].content['application/json'].schema;
    const w = await seedPopulation(t, 501);
    const base = '/api/v1/tenants/{tenant}';
    const queued = await t.op
      .post(`${api(w.slug)}/sync/reconcile`)
      .send({})
      .expect(202);
    const id = queued.body.job.id;
    const answers: [string, string, number, unknown][] = [
      [`${base}/sync/reconcile`, 'post', 202, queued.body],
      [`${base}/jobs/{id}`, 'get', 200, (await t.op.get(`${api(w.slug)}/jobs/${id}`).expect(200)).body],
      [`${base}/jobs`, 'get', 200, (await t.op.get(`${api(w.slug)}/jobs?limit=1`).expect(200)).body],
      [
        `${base}/jobs/{id}/cancel`,
        'post',
        200,
        (await t.op.post(`${api(w.slug)}/jobs/${id}/cancel`).expect(200)).body,
      ],
    ];
    const problems = answers.flatMap(([path, method, status, body]) =>
      checkAgainst(body, schemaOf(path, method, status), doc.components.schemas).map(
        (p) => `${method} ${path}: ${p}`,
      ),
    );
    expect(problems).toEqual([]);
    expect(doc.paths[`${base}/jobs/{id}/cancel`].post.responses['409']).toBeDefined();
  }, 180_000);
});
