import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Session } from '../../src/auth/session.entity';
import { newTimeOrderedId } from '../../src/common/ids';
import { Job, JobBatch, type JobStatus } from '../../src/jobs/job.entity';
import { RETENTION_LOCK_KEY, RetentionService } from '../../src/retention/retention.service';
import { SsoLoginState } from '../../src/sso/sso-login-state.entity';
import { newOidcIdp, newTenant, newUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 86_400_000;

/** Retention on a real database: what goes, what stays, in batches, and one process at a time. */
describe('retention', () => {
  let t: TestApp;
  let retention: RetentionService;
  const now = new Date();
  let tenantId: string;
  let userId: string;
  let idpId: string;

  beforeAll(async () => {
    t = await startTestApp({
      RETENTION_AUDIT_DAYS: '365',
      RETENTION_REFUSED_SIGN_IN_DAYS: '30',
      RETENTION_JOB_DAYS: '30',
      RETENTION_BATCH_SIZE: '2',
      RETENTION_INTERVAL_MINUTES: '0',
    });
    retention = t.app.get(RetentionService);
    const tenant = await newTenant(t);
    tenantId = tenant.id;
    userId = (await newUser(t, tenant.slug)).id;
    idpId = (await newOidcIdp(t, tenant.slug)).id;
  });
  afterAll(async () => t.close());

  const audit = (ageDays: number, action: string) => {
    const at = now.getTime() - ageDays * DAY;
    return insertEntity(t, AuditEvent, {
      id: newTimeOrderedIdAt(at),
      tenantId,
      createdAt: new Date(at),
      actorType: 'system',
      action,
      targetType: 'tenant',
      correlationId: `age-${ageDays}`,
    });
  };
  const hash = () => createHash('sha256').update(randomBytes(16)).digest('hex');
  const loginState = (expiresInMs: number) =>
    insertEntity(t, SsoLoginState, {
      tenantId,
      idpId,
      stateHash: hash(),
      bindingHash: hash(),
      nonce: 'n',
      expiresAt: new Date(now.getTime() + expiresInMs),
    });
  const session = (expiresInMs: number) =>
    insertEntity(t, Session, {
      tenantId,
      userId,
      tokenHash: hash(),
      csrfToken: 'c',
      expiresAt: new Date(now.getTime() + expiresInMs),
    });

  it('deletes old audit events, old refused sign-ins, expired login states and sessions, and nothing else', async () => {
    await t.dataSource.getRepository(AuditEvent).delete({ tenantId });
    for (const age of [400, 380, 366]) await audit(age, 'membership.added'); // past a year: go
    await audit(364, 'membership.added'); // stays
    await audit(1, 'membership.added'); // stays
    for (const age of [45, 31]) await audit(age, 'sso.sign_in_refused'); // past 30 days: go
    await audit(29, 'sso.sign_in_refused'); // stays
    for (let i = 0; i < 5; i++) await loginState(-60_000); // expired
    await loginState(5 * 60_000);
    for (let i = 0; i < 3; i++) await session(-1000);
    await session(DAY);

    const deleted = await retention.pruneOnce(now);

    expect(deleted).toEqual({
      refused_sign_ins: 2,
      audit_events: 3,
      login_states: 5,
      sessions: 3,
      job_batches: 0,
      jobs: 0,
      webhook_deliveries: 0,
    });
    const left = await t.dataSource
      .getRepository(AuditEvent)
      .find({ where: { tenantId }, order: { id: 'ASC' } });
    expect(left.map((e) => `${e.correlationId} ${e.action}`)).toEqual([
      'age-364 membership.added',
      'age-29 sso.sign_in_refused',
      'age-1 membership.added',
    ]);
    expect(await t.dataSource.getRepository(SsoLoginState).countBy({ tenantId })).toBe(1);
    expect(await t.dataSource.getRepository(Session).countBy({ tenantId })).toBe(1);
    expect(await retention.pruneOnce(now)).toEqual({
      refused_sign_ins: 0,
      audit_events: 0,
      login_states: 0,
      sessions: 0,
      job_batches: 0,
      jobs: 0,
      webhook_deliveries: 0,
    });
  });

  /** A job created `createdDays` ago, in `status`, finished `finishedDays` ago (null: not finished), with `batches` log rows. */
  const job = async (
    label: string,
    status: JobStatus,
    createdDays: number,
    finishedDays: number | null,
    batches = 0,
  ) => {
    const created = now.getTime() - createdDays * DAY;
    const id = newTimeOrderedIdAt(created);
    await insertEntity(t, Job, {
      id,
      tenantId,
      kind: 'reconcile',
      status,
      params: { label },
      createdBy: { type: 'system', id: null, label: 'test' },
      correlationId: label,
      createdAt: new Date(created),
      finishedAt: finishedDays === null ? null : new Date(now.getTime() - finishedDays * DAY),
    });
    for (let seq = 1; seq <= batches; seq++)
      await insertEntity(t, JobBatch, {
        jobId: id,
        seq,
        processedBy: 'p',
        firstItem: 'a',
        lastItem: 'b',
        items: 1,
      });
    return id;
  };

  it('deletes jobs finished more than RETENTION_JOB_DAYS ago with their batch log; never a queued or running one', async () => {
    const gone = [
      await job('succeeded-45', 'succeeded', 50, 45, 5),
      await job('failed-31', 'failed', 31, 31, 1),
      await job('cancelled-60', 'cancelled', 60, 60),
    ];
    const kept = [
      await job('succeeded-29', 'succeeded', 40, 29, 2), // created long ago, finished within 30 days
      await job('queued-90', 'queued', 90, null),
      await job('running-90', 'running', 90, null, 3),
      // A finishedAt left on a job that is running again must not make it a target either.
      await job('running-stale-finish', 'running', 90, 80, 1),
      await job('failed-today', 'failed', 1, 0),
    ];

    expect(await retention.pruneOnce(now)).toMatchObject({ job_batches: 6, jobs: 3 });

    const jobs = await t.dataSource.getRepository(Job).find({ where: { tenantId }, order: { id: 'ASC' } });
    expect(jobs.map((j) => j.correlationId).sort()).toEqual(
      ['succeeded-29', 'queued-90', 'running-90', 'running-stale-finish', 'failed-today'].sort(),
    );
    const batches = await t.dataSource.getRepository(JobBatch).find({ order: { jobId: 'ASC', seq: 'ASC' } });
    expect(batches.filter((b) => gone.includes(b.jobId))).toEqual([]);
    const keptBatches = batches.filter((b) => kept.includes(b.jobId)).map((b) => `${b.jobId}:${b.seq}`);
    expect(keptBatches.sort()).toEqual(
      [`${kept[0]}:1`, `${kept[0]}:2`, `${kept[2]}:1`, `${kept[2]}:2`, `${kept[2]}:3`, `${kept[3]}:1`].sort(),
    );
    expect(await retention.pruneOnce(now)).toMatchObject({ job_batches: 0, jobs: 0 });
  });

  it('deletes the batch log of a job in batches of RETENTION_BATCH_SIZE before the job itself', async () => {
    await job('big-old', 'succeeded', 100, 100, 5);
    const deletes: string[] = [];
    const logger = t.dataSource.logger;
    const spy = jest.spyOn(logger, 'logQuery').mockImplementation((query: string) => {
      const table = /^DELETE FROM "(jobs|job_batches)"/i.exec(query);
      if (table) deletes.push(table[1]);
    });
    const saved = t.dataSource.options.logging;
    Object.assign(t.dataSource.options, { logging: ['query'] });
    try {
      expect(await retention.pruneOnce(now)).toMatchObject({ job_batches: 5, jobs: 1 });
    } finally {
      Object.assign(t.dataSource.options, { logging: saved });
      spy.mockRestore();
    }
    expect(deletes).toEqual(['job_batches', 'job_batches', 'job_batches', 'jobs']); // 2 + 2 + 1, then the job
  });

  it('deletes in primary-key batches of RETENTION_BATCH_SIZE statements, never one big delete', async () => {
    for (let i = 0; i < 5; i++) await audit(500 + i, 'membership.removed');
    const deletes: string[] = [];
    const logger = t.dataSource.logger;
    const spy = jest.spyOn(logger, 'logQuery').mockImplementation((query: string) => {
      if (/^DELETE FROM "audit_events"/i.test(query)) deletes.push(query);
    });
    const saved = t.dataSource.options.logging;
    Object.assign(t.dataSource.options, { logging: ['query'] });
    try {
      expect(await retention.pruneOnce(now)).toMatchObject({ audit_events: 5 });
    } finally {
      Object.assign(t.dataSource.options, { logging: saved });
      spy.mockRestore();
    }
    expect(deletes).toHaveLength(3); // 2 + 2 + 1
    expect(deletes.every((q) => /WHERE "id" IN/i.test(q))).toBe(true);
  });

  it('on PostgreSQL one process prunes at a time: a held lock makes the others skip the round', async () => {
    await audit(600, 'membership.added');
    if (t.dataSource.options.type !== 'postgres') {
      // SQLite has one process: nothing to coordinate, the round runs.
      expect(await retention.pruneOnce(now)).toMatchObject({ audit_events: 1 });
      return;
    }
    const other = new Client({ connectionString: t.db.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK_KEY]);
      expect(await retention.pruneOnce(now)).toBe('skipped');
      await other.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
      expect(await retention.pruneOnce(now)).toMatchObject({ audit_events: 1 });
    } finally {
      await other.end();
    }
  });
});

/** Through `create`, so the entity's defaults (ids, timestamps) are filled in as the app does. */
function insertEntity<T extends object>(t: TestApp, entity: new () => T, values: Partial<T>) {
  const repo = t.dataSource.getRepository(entity);
  return repo.insert(repo.create(values as T) as never);
}

/** A UUIDv7 of a past millisecond (newTimeOrderedId never goes back in time within a process). */
function newTimeOrderedIdAt(ms: number): string {
  const fresh = newTimeOrderedId().replace(/-/g, '');
  const hex = ms.toString(16).padStart(12, '0') + fresh.slice(12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
