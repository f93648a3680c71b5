import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, Page, PAGE_DEFAULT, toPage } from '../common/cursor';
import { conflict, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import type { Tenant } from '../tenants/tenant.entity';
import { insertRows } from '../database/insert';
import { FINISHED, Job, JobKind, jobPatch, JobStatus } from './job.entity';

export interface JobView {
  id: string;
  kind: JobKind;
  status: JobStatus;
  params: Record<string, unknown>;
  progress: { done: number; total: number };
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  createdBy: Job['createdBy'];
  correlationId: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** JSON with keys sorted at every level: the same parameters however a request ordered them. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );

const jobView = (job: Job): JobView => ({
  id: job.id,
  kind: job.kind,
  status: job.status,
  params: job.params,
  progress: { done: job.progressDone, total: job.progressTotal },
  result: job.result,
  error: job.error,
  attempts: job.attempts,
  createdBy: job.createdBy,
  correlationId: job.correlationId,
  createdAt: job.createdAt.toISOString(),
  startedAt: iso(job.startedAt),
  finishedAt: iso(job.finishedAt),
  updatedAt: job.updatedAt.toISOString(),
});

export interface JobsQuery {
  status?: JobStatus;
  kind?: JobKind;
  limit?: number;
  cursor?: string;
}

/** The jobs of a tenant as the API sees them: queued, read, listed, cancelled. Runners are in job-runner.service.ts. */
@Injectable()
export class JobsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
  ) {}

  /**
   * Queues a job (audited as `job.queued`); a runner of any process picks it up. The same work
   * already queued for the tenant is answered instead (nothing written): repeating a request cannot
   * pile up jobs that every tenant's jobs would wait behind (the queue is first come, first served).
   */
  async enqueue(
    tenant: Tenant,
    kind: JobKind,
    params: Record<string, unknown>,
    total: number,
    ctx: RequestContext,
  ): Promise<JobView> {
    return this.tx.run(async (em) => {
      const queued = await em.findBy(Job, { tenantId: tenant.id, kind, status: 'queued' });
      const same = queued.find((q) => canonical(q.params) === canonical(params));
      if (same) return jobView(same);
      const job = em.create(Job, {
        tenantId: tenant.id,
        kind,
        params,
        progressTotal: total,
        createdBy: ctx.actor,
        correlationId: ctx.correlationId,
      });
      await insertRows(em, Job, job);
      await this.audit.record(em, ctx, tenant.id, {
        action: 'job.queued',
        targetType: 'job',
        targetId: job.id,
        details: { kind, params, total },
      });
      return jobView(job);
    });
  }

  async get(tenant: Tenant, id: string): Promise<JobView> {
    const job = await this.dataSource.manager.findOneBy(Job, { tenantId: tenant.id, id });
    if (!job) throw notFound('Job', id);
    return jobView(job);
  }

  /** Newest first, cursor-paged by id (time-ordered), optionally one status or kind. */
  async list(tenant: Tenant, q: JobsQuery): Promise<Page<JobView>> {
    const limit = q.limit ?? PAGE_DEFAULT;
    const qb = this.dataSource
      .createQueryBuilder(Job, 'j')
      .where('j.tenantId = :tenantId', { tenantId: tenant.id });
    if (q.status) qb.andWhere('j.status = :status', { status: q.status });
    if (q.kind) qb.andWhere('j.kind = :kind', { kind: q.kind });
    if (q.cursor) qb.andWhere('j.id < :before', { before: decodeCursor(q.cursor, 1, [0])[0] });
    const rows = await qb
      .orderBy('j.id', 'DESC')
      .take(limit + 1)
      .getMany();
    return toPage(rows.map(jobView), limit, (j) => [j.id]);
  }

  /**
   * Stops a queued or running job: its runner sees the status at its next batch and stops (a batch
   * in flight commits first: this waits for it on PostgreSQL). 409 `job_finished` when it is over.
   */
  async cancel(tenant: Tenant, id: string, ctx: RequestContext): Promise<JobView> {
    return this.tx.run(async (em) => {
      const job = await lockedJob(em, this.tx.dialect, id, tenant.id);
      if (!job) throw notFound('Job', id);
      if (FINISHED.has(job.status))
        throw conflict(
          'job_finished',
          `Job "${id}" is ${job.status}; only a queued or running job can be cancelled`,
          {
            status: job.status,
          },
        );
      const now = new Date();
      const from = job.status;
      const patch = jobPatch({
        status: 'cancelled',
        finishedAt: now,
        updatedAt: now,
        lockedBy: null,
        lockedUntil: null,
      });
      await em.update(Job, { id: job.id }, patch);
      Object.assign(job, patch);
      await this.audit.record(em, ctx, tenant.id, {
        action: 'job.cancelled',
        targetType: 'job',
        targetId: job.id,
        details: { kind: job.kind, from, progress: { done: job.progressDone, total: job.progressTotal } },
      });
      return jobView(job);
    });
  }
}

/** The job row, locked until the transaction ends on PostgreSQL (SQLite's one writer serializes). */
export function lockedJob(
  em: EntityManager,
  dialect: 'sqlite' | 'postgres',
  id: string,
  tenantId?: string,
): Promise<Job | null> {
  const qb = em.createQueryBuilder(Job, 'j').where('j.id = :id', { id });
  if (tenantId) qb.andWhere('j.tenantId = :tenantId', { tenantId });
  if (dialect === 'postgres') qb.setLock('pessimistic_write');
  return qb.getOne();
}
