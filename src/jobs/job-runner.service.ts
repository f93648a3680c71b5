import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Brackets, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { newId } from '../common/ids';
import type { RequestContext } from '../common/request-context';
import type { AllConfigType } from '../config/configuration';
import { insertRows } from '../database/insert';
import { PeriodicRound } from '../database/periodic-round';
import { Transactions } from '../database/transactions.service';
import { Job, JobBatch, JobKind, jobPatch } from './job.entity';
import { lockedJob } from './jobs.service';

/** What one batch did: the items it covered, in order, where the next one starts, the running summary. */
export interface JobStep {
  items: string[];
  cursor: Record<string, unknown>;
  result: Record<string, unknown>;
}

/** A job's work from where its cursor stands: read once per claim, then one batch per call. */
export interface JobWork {
  /** Items left from the cursor on. */
  remaining: number;
  /** Runs the next batch in `em` (the runner's transaction); null when nothing is left. */
  next(em: EntityManager, job: Job, ctx: RequestContext): Promise<JobStep | null>;
  /** Writes what a finished job leaves behind (its audit summary), in the transaction that ends it. */
  finish(em: EntityManager, job: Job, ctx: RequestContext): Promise<void>;
}

/** A kind of job: its feature registers it at start-up (e.g. src/jobs/reconcile-job.ts). */
export interface JobHandler {
  start(job: Job): Promise<JobWork>;
}

type Outcome = 'more' | 'finished' | 'lost';

/** The job's own request context: the audit events of its batches are its creator's, under one correlation id. */
const contextOf = (job: Job): RequestContext => ({
  correlationId: job.correlationId,
  ip: null,
  userAgent: null,
  actor: job.createdBy,
});

/**
 * Runs jobs in every process. A poll claims one job that is queued or whose lease ran out (its
 * process died): `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two processes never claim the same
 * row; SQLite has one process and a queued writer. Each batch is one transaction that first locks
 * the job row and checks this runner still holds it (not cancelled, not taken over), then writes
 * the batch, its cursor, progress, lease and batch-log row together: a crash loses at most the
 * batch in flight, which the next claim runs again from the last committed cursor.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<JobKind, JobHandler>();
  private readonly settings: AllConfigType['ops']['jobs'];
  /** This runner, as `lockedBy` names it. */
  readonly id = newId();
  private readonly rounds: PeriodicRound;
  private stopping = false;

  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.settings = config.get('ops.jobs', { infer: true });
    // No advisory lock: the claim's SKIP LOCKED spreads jobs over the processes.
    this.rounds = new PeriodicRound({
      name: 'Job runner',
      logger: this.logger,
      everyMs: this.settings.pollMs,
      round: () => this.drain(),
    });
  }

  register(kind: JobKind, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  onApplicationBootstrap(): void {
    this.rounds.start();
  }

  /** Shutdown: the batch in flight commits, then the job is handed back (queued) for another process. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.rounds.stop();
  }

  /** Runs jobs until none is left to claim. */
  async drain(): Promise<void> {
    while (!this.stopping && (await this.runNext()) !== null);
  }

  /**
   * Claims one job and runs it; null when there was nothing to claim. `maxBatches` stops after that
   * many batches and keeps the lease, as a process that died would (tests and operators' scripts).
   */
  async runNext(options: { maxBatches?: number } = {}): Promise<string | null> {
    const job = await this.tx.run((em) => this.claim(em));
    if (!job) return null;
    await this.run(job, options.maxBatches ?? Number.POSITIVE_INFINITY);
    return job.id;
  }

  private async claim(em: EntityManager): Promise<Job | null> {
    const now = new Date();
    const qb = em
      .createQueryBuilder(Job, 'j')
      .where(
        new Brackets((w) =>
          w
            .where("j.status = 'queued'")
            .orWhere("j.status = 'running' AND (j.lockedUntil IS NULL OR j.lockedUntil < :now)", { now }),
        ),
      )
      .orderBy('j.createdAt', 'ASC')
      .take(1);
    if (this.tx.dialect === 'postgres') qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    const job = await qb.getOne();
    if (!job) return null;
    Object.assign(job, {
      status: 'running',
      lockedBy: this.id,
      lockedUntil: this.leaseEnd(now),
      attempts: job.attempts + 1,
      startedAt: job.startedAt ?? now,
      updatedAt: now,
    });
    await em.update(Job, { id: job.id }, jobPatch(job));
    return job;
  }

  private async run(job: Job, maxBatches: number): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`No runner for jobs of kind "${job.kind}" in this process`);
      const work = await handler.start(job);
      const total = job.progressDone + work.remaining;
      await this.tx.run((em) => em.update(Job, { id: job.id, lockedBy: this.id }, { progressTotal: total }));
      for (let n = 0; n < maxBatches; n++) {
        if (this.stopping) return await this.release(job.id);
        const outcome: Outcome = await this.tx.run((em) => this.batch(em, job.id, work));
        if (outcome !== 'more') return;
      }
    } catch (error) {
      await this.failed(job.id, error as Error);
    }
  }

  /** One batch, or the end of the job, in one transaction with the job row locked. */
  private async batch(em: EntityManager, id: string, work: JobWork): Promise<Outcome> {
    const job = await lockedJob(em, this.tx.dialect, id);
    if (!job || job.status !== 'running' || job.lockedBy !== this.id) return 'lost';
    const ctx = contextOf(job);
    const step = await work.next(em, job, ctx);
    const now = new Date();
    if (!step) {
      await work.finish(em, job, ctx);
      await em.update(Job, { id }, { ...this.unlocked(now), status: 'succeeded', finishedAt: now });
      await this.audit.record(em, ctx, job.tenantId, {
        action: 'job.succeeded',
        targetType: 'job',
        targetId: id,
        details: { kind: job.kind, result: job.result, batches: job.batches, done: job.progressDone },
      });
      return 'finished';
    }
    const seq = job.batches + 1;
    await em.update(
      Job,
      { id },
      jobPatch({
        cursor: step.cursor,
        result: step.result,
        progressDone: job.progressDone + step.items.length,
        progressTotal: Math.max(job.progressTotal, job.progressDone + step.items.length),
        batches: seq,
        lockedUntil: this.leaseEnd(now),
        updatedAt: now,
      }),
    );
    await insertRows(
      em,
      JobBatch,
      em.create(JobBatch, {
        jobId: id,
        seq,
        processedBy: this.id,
        firstItem: step.items[0] ?? '',
        lastItem: step.items[step.items.length - 1] ?? '',
        items: step.items.length,
        committedAt: now,
      }),
    );
    return 'more';
  }

  /** A batch failed (rolled back): the job goes back to the queue, or fails after its last attempt. */
  private async failed(id: string, error: Error): Promise<void> {
    this.logger.warn({ msg: 'Job batch failed', job: id, cause: error.message });
    await this.tx.run(async (em) => {
      const job = await lockedJob(em, this.tx.dialect, id);
      if (!job || job.status !== 'running' || job.lockedBy !== this.id) return;
      const now = new Date();
      const last = job.attempts >= this.settings.maxAttempts;
      const message = error.message.slice(0, 2000);
      await em.update(
        Job,
        { id },
        {
          ...this.unlocked(now),
          status: last ? 'failed' : 'queued',
          error: message,
          ...(last ? { finishedAt: now } : {}),
        },
      );
      if (last)
        await this.audit.record(em, contextOf(job), job.tenantId, {
          action: 'job.failed',
          targetType: 'job',
          targetId: id,
          details: { kind: job.kind, error: message, attempts: job.attempts, done: job.progressDone },
        });
    });
  }

  /** Hands a job this runner holds back to the queue (shutdown), so another process need not wait for the lease. */
  private async release(id: string): Promise<void> {
    await this.tx.run((em) =>
      em.update(
        Job,
        { id, lockedBy: this.id, status: 'running' },
        { ...this.unlocked(new Date()), status: 'queued' },
      ),
    );
  }

  private unlocked(now: Date) {
    return { lockedBy: null, lockedUntil: null, updatedAt: now };
  }

  private leaseEnd(now: Date): Date {
    return new Date(now.getTime() + this.settings.leaseSeconds * 1000);
  }
}
