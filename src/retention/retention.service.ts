import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { Session } from '../auth/session.entity';
import type { AllConfigType, RetentionConfig } from '../config/configuration';
import { PeriodicRound } from '../database/periodic-round';
import { Job, JobBatch } from '../jobs/job.entity';
import { SsoLoginState } from '../sso/sso-login-state.entity';
import { WebhookDelivery } from '../webhooks/webhook.entity';
import { type RetentionTarget, retentionTargets } from './retention-plan';

/** Any fixed number: every groupsync process on one database agrees on it. */
export const RETENTION_LOCK_KEY = 7_140_221_002;

const ENTITY_OF: Record<RetentionTarget['table'], EntityTarget<ObjectLiteral>> = {
  audit_events: AuditEvent,
  sso_login_states: SsoLoginState,
  sessions: Session,
  jobs: Job,
  job_batches: JobBatch,
  webhook_deliveries: WebhookDelivery,
};

export type RetentionResult = Record<RetentionTarget['name'], number> | 'skipped';

/**
 * Deletes what the retention settings say is old, in primary-key batches: each batch is one short
 * statement (select a page of ids, delete those ids), so no table is locked for long and requests
 * interleave between batches. On PostgreSQL one process at a time runs it (a try-lock: the others
 * skip that round); on SQLite there is one process anyway.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private readonly settings: RetentionConfig;
  private readonly rounds: PeriodicRound;

  constructor(@InjectDataSource() dataSource: DataSource, config: ConfigService<AllConfigType, true>) {
    this.settings = config.get('ops.retention', { infer: true });
    this.rounds = new PeriodicRound({
      name: 'Retention run',
      logger: this.logger,
      everyMs: this.settings.intervalMinutes * 60_000,
      round: () => this.pruneOnce(),
      lock: { dataSource, key: RETENTION_LOCK_KEY },
    });
  }

  onApplicationBootstrap(): void {
    this.rounds.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.rounds.stop();
  }

  async pruneOnce(now = new Date()): Promise<RetentionResult> {
    // The batches run on the lock's connection (PostgreSQL), one statement at a time, no transaction.
    const outcome = await this.rounds.exclusive(async (em) => {
      const deleted = {} as Record<RetentionTarget['name'], number>;
      for (const target of retentionTargets(this.settings, now))
        deleted[target.name] = await this.prune(em, target);
      return deleted;
    });
    if (!outcome.ran) return 'skipped';
    const deleted = outcome.value;
    const total = Object.values(deleted).reduce((a, b) => a + b, 0);
    if (total > 0) this.logger.log({ msg: `Retention deleted ${total} row(s)`, deleted });
    return deleted;
  }

  private async prune(em: EntityManager, target: RetentionTarget): Promise<number> {
    const entity = ENTITY_OF[target.table];
    let deleted = 0;
    for (;;) {
      const ids = await this.page(em, target);
      if (ids.length === 0) return deleted;
      await em.createQueryBuilder().delete().from(entity).whereInIds(ids).execute();
      deleted += ids.length;
      if (ids.length < this.settings.batchSize) return deleted;
      await new Promise((resolve) => setImmediate(resolve)); // let waiting requests run
    }
  }

  /** The ids of the next batch of rows that go. */
  private async page(em: EntityManager, target: RetentionTarget): Promise<string[]> {
    const jobs = target.finishedJobs;
    const page = em
      .createQueryBuilder(ENTITY_OF[target.table], 'r')
      .select('r.id', 'id')
      .limit(this.settings.batchSize);
    // A batch-log row goes by its job's conditions; any page of them will do (no sort over the join).
    if (jobs?.ofJob) page.innerJoin(Job, 'j', 'j.id = r.jobId');
    else page.orderBy('r.id');
    const row = jobs?.ofJob ? 'j' : 'r';
    page.where(`${row}.${target.column} < :below`, { below: target.below });
    if (target.action) page.andWhere('r.action = :action', { action: target.action });
    if (target.statuses) page.andWhere('r.status IN (:...statuses)', { statuses: target.statuses });
    if (jobs)
      page
        .andWhere(`${row}.id < :createdBelow`, { createdBelow: jobs.createdBelow })
        .andWhere(`${row}.status IN (:...statuses)`, { statuses: jobs.statuses });
    return (await page.getRawMany<{ id: string }>()).map((r) => r.id);
  }
}
