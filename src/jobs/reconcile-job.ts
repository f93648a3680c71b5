import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import type { AllConfigType } from '../config/configuration';
import { USERS_PER_TRANSACTION } from '../database/chunks';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import {
  addResults,
  emptyReconcileResult,
  ReconcileResult,
  ReconcileScope,
  ReconcileSegment,
  ReconcileService,
} from '../sync/reconcile.service';
import { Tenant } from '../tenants/tenant.entity';
import type { Job } from './job.entity';
import { JobHandler, JobRunner, JobStep, JobWork } from './job-runner.service';
import { JobsService, JobView } from './jobs.service';

/** Fixed when the job is queued: the request's scope and the IdPs it walks, in this order. */
interface ReconcileJobParams {
  scope: ReconcileScope;
  idpIds: string[];
}
/** The IdP (index into `idpIds`) and the last user of it whose batch committed. */
interface ReconcileCursor {
  idp: number;
  after: string | null;
}

export type ReconcileAnswer = { queued: false; result: ReconcileResult } | { queued: true; job: JobView };

/**
 * A reconcile over more users than JOBS_RECONCILE_THRESHOLD runs as a job: the same batches of
 * 100 users (ReconcileService.reconcileBatch), the job's cursor and counts written in each
 * batch's transaction, and the same `sync.reconciled` summary at the end (with the job's id).
 */
@Injectable()
export class ReconcileJobs implements JobHandler, OnModuleInit {
  private readonly threshold: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reconciler: ReconcileService,
    private readonly jobs: JobsService,
    private readonly runner: JobRunner,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.threshold = config.get('ops.jobs', { infer: true }).reconcileThreshold;
  }

  onModuleInit(): void {
    this.runner.register('reconcile', this);
  }

  /** Small reconciles answer their result; larger ones are queued and answer the job. */
  async reconcileOrQueue(
    tenant: Tenant,
    scope: ReconcileScope,
    ctx: RequestContext,
  ): Promise<ReconcileAnswer> {
    const segments = await this.reconciler.prepare(tenant, scope);
    if (!this.isLarge(segments))
      return { queued: false, result: await this.reconciler.reconcile(tenant, scope, ctx, segments) };
    return { queued: true, job: await this.queue(tenant, scope, segments, ctx) };
  }

  /** More users than JOBS_RECONCILE_THRESHOLD: the reconcile runs as a job. */
  isLarge(segments: ReconcileSegment[]): boolean {
    return usersIn(segments) > this.threshold;
  }

  /**
   * Queues the reconcile of these segments' IdPs (the users are read again when a runner starts it).
   * Inside `Transactions.shared` it joins the caller's transaction (resume: lifting the pause and
   * queueing its work commit together).
   */
  queue(tenant: Tenant, scope: ReconcileScope, segments: ReconcileSegment[], ctx: RequestContext) {
    const params: ReconcileJobParams = { scope: { ...scope }, idpIds: segments.map((s) => s.idp.id) };
    return this.jobs.enqueue(tenant, 'reconcile', { ...params }, usersIn(segments), ctx);
  }

  async start(job: Job): Promise<JobWork> {
    const { scope, idpIds } = job.params as unknown as ReconcileJobParams;
    const cursor = (job.cursor as unknown as ReconcileCursor | null) ?? { idp: 0, after: null };
    const em = this.dataSource.manager;
    const tenant = await em.findOneByOrFail(Tenant, { id: job.tenantId });
    // IdPs deleted since the job was queued are skipped; the others keep their place in the order.
    const found = new Map(
      (await em.findBy(IdentityProvider, { tenantId: tenant.id, id: In(idpIds) })).map((i) => [i.id, i]),
    );
    const left = idpIds
      .map((id, index) => ({ index, idp: found.get(id) }))
      .filter((x) => x.index >= cursor.idp);
    const idps = left.flatMap((x) => (x.idp ? [x.idp] : []));
    const segments = await this.reconciler.segments(tenant.id, idps, scope);
    const work = segments.map((segment) => {
      const index = idpIds.indexOf(segment.idp.id);
      const after = index === cursor.idp ? cursor.after : null;
      return {
        index,
        segment,
        userIds: after === null ? segment.userIds : segment.userIds.filter((u) => u > after),
      };
    });
    return new ReconcileWork(this.reconciler, tenant, scope, work);
  }
}

const usersIn = (segments: ReconcileSegment[]) => segments.reduce((sum, s) => sum + s.userIds.length, 0);

class ReconcileWork implements JobWork {
  remaining: number;

  constructor(
    private readonly reconciler: ReconcileService,
    private readonly tenant: Tenant,
    private readonly scope: ReconcileScope,
    private readonly work: { index: number; segment: ReconcileSegment; userIds: string[] }[],
  ) {
    this.remaining = work.reduce((sum, w) => sum + w.userIds.length, 0);
  }

  async next(em: EntityManager, job: Job, ctx: RequestContext): Promise<JobStep | null> {
    while (this.work.length > 0 && this.work[0].userIds.length === 0) this.work.shift();
    if (this.work.length === 0) return null;
    const { index, segment, userIds } = this.work[0];
    const batch = userIds.splice(0, USERS_PER_TRANSACTION);
    const one = await this.reconciler.reconcileBatch(
      em,
      this.tenant,
      segment,
      batch,
      this.scope.groupId,
      ctx,
    );
    const sum = addResults({ ...emptyReconcileResult(), ...(job.result ?? {}) } as ReconcileResult, one);
    const cursor: ReconcileCursor = { idp: index, after: batch[batch.length - 1] };
    return { items: batch, cursor: { ...cursor }, result: { ...sum } };
  }

  finish(em: EntityManager, job: Job, ctx: RequestContext): Promise<void> {
    const result = { ...emptyReconcileResult(), ...(job.result ?? {}) } as ReconcileResult;
    return this.reconciler.recordReconciled(em, this.tenant, this.scope, result, ctx, { jobId: job.id });
  }
}
