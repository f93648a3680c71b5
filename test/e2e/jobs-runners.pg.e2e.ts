import { JobRunner } from '../../src/jobs/job-runner.service';
import { JobBatch } from '../../src/jobs/job.entity';
import { seedPopulation } from '../support/jobs-seed';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const api = (slug: string) => `/api/v1/tenants/${slug}`;

/**
 * Two processes' runners on one PostgreSQL database (two app instances): the claim's
 * `FOR UPDATE SKIP LOCKED` gives each job to one runner, a job under a live lease is left alone,
 * and one whose lease ran out is taken over from its last committed batch.
 */
describe('job runners of two processes on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let runnerA: JobRunner;
  let runnerB: JobRunner;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startTestApp({ JOBS_RECONCILE_THRESHOLD: '500', JOBS_LEASE_SECONDS: '600' }, db);
    b = await startTestApp({ JOBS_RECONCILE_THRESHOLD: '500', JOBS_LEASE_SECONDS: '600' }, db);
    runnerA = a.app.get(JobRunner);
    runnerB = b.app.get(JobRunner);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  const batches = (jobId: string) =>
    a.dataSource.getRepository(JobBatch).find({ where: { jobId }, order: { seq: 'ASC' } });

  /** Every user in exactly one batch of the job. */
  const expectEachUserOnce = (rows: JobBatch[], userIds: string[]) => {
    const sorted = [...userIds].sort();
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.map((r) => r.firstItem)).toEqual(rows.map((_, i) => sorted[i * 100]));
    expect(new Set(rows.map((r) => r.firstItem)).size).toBe(rows.length);
    expect(rows.reduce((sum, r) => sum + r.items, 0)).toBe(sorted.length);
  };

  it('two runners claiming at once never take the same job; each job runs once, batch by batch', async () => {
    const one = await seedPopulation(a, 700);
    const two = await seedPopulation(a, 800);
    const jobOne = (
      await a.op
        .post(`${api(one.slug)}/sync/reconcile`)
        .send({})
        .expect(202)
    ).body.job.id;
    const jobTwo = (
      await b.op
        .post(`${api(two.slug)}/sync/reconcile`)
        .send({})
        .expect(202)
    ).body.job.id;
    const claimed = await Promise.all([runnerA.runNext(), runnerB.runNext()]);
    expect([...claimed].sort()).toEqual([jobOne, jobTwo].sort());
    for (const [slug, id, users] of [
      [one.slug, jobOne, one.userIds],
      [two.slug, jobTwo, two.userIds],
    ] as const) {
      const job = (await a.op.get(`${api(slug)}/jobs/${id}`).expect(200)).body;
      expect(job).toMatchObject({ status: 'succeeded', attempts: 1, progress: { done: users.length } });
      const rows = await batches(id);
      expectEachUserOnce(rows, users);
      const runnerId = claimed[0] === id ? runnerA.id : runnerB.id;
      expect(new Set(rows.map((r) => r.processedBy))).toEqual(new Set([runnerId]));
    }
    expect(await runnerA.runNext()).toBeNull();
  }, 120_000);

  it('a job under a live lease is left alone; once the lease runs out another process takes it over', async () => {
    const w = await seedPopulation(a, 1000);
    const id = (
      await a.op
        .post(`${api(w.slug)}/sync/reconcile`)
        .send({})
        .expect(202)
    ).body.job.id;
    expect(await runnerA.runNext({ maxBatches: 2 })).toBe(id);
    expect(await runnerB.runNext()).toBeNull(); // A's lease holds
    // A's process dies: its lease runs out (moved back here rather than waited for).
    await a.dataSource.query(`UPDATE jobs SET "lockedUntil" = now() - interval '1 second' WHERE id = $1`, [
      id,
    ]);
    expect(await runnerB.runNext()).toBe(id);
    const job = (await b.op.get(`${api(w.slug)}/jobs/${id}`).expect(200)).body;
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2, progress: { done: 1000, total: 1000 } });
    const rows = await batches(id);
    expectEachUserOnce(rows, w.userIds);
    expect(rows.map((r) => (r.processedBy === runnerA.id ? 'A' : 'B')).join('')).toBe('AABBBBBBBB');
  }, 120_000);
});
