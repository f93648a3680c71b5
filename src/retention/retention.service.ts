import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { Session } from '../auth/session.entity';
import type { AllConfigType, RetentionConfig } from '../config/configuration';
import { SsoLoginState } from '../sso/sso-login-state.entity';
import { WebhookDelivery } from '../webhooks/webhook.entity';
import { type RetentionTarget, retentionTargets } from './retention-plan';

/** Any fixed number: every groupsync process on one database agrees on it. */
export const RETENTION_LOCK_KEY = 7_140_221_002;

const ENTITY_OF: Record<RetentionTarget['table'], EntityTarget<ObjectLiteral>> = {
  audit_events: AuditEvent,
  sso_login_states: SsoLoginState,
  sessions: Session,
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
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.settings = config.get('ops.retention', { infer: true });
  }

  onApplicationBootstrap(): void {
    const minutes = this.settings.intervalMinutes;
    if (minutes === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.pruneOnce()
        .catch((error: Error) => this.logger.warn({ msg: 'Retention run failed', cause: error.message }))
        .finally(() => (this.running = undefined));
    }, minutes * 60_000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running; // never close the pool under a batch
  }

  async pruneOnce(now = new Date()): Promise<RetentionResult> {
    const runner = this.dataSource.createQueryRunner();
    const pg = this.dataSource.options.type === 'postgres';
    try {
      await runner.connect();
      if (pg) {
        const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
          RETENTION_LOCK_KEY,
        ]);
        if (!locked) return 'skipped';
      }
      try {
        const deleted = {} as Record<RetentionTarget['name'], number>;
        for (const target of retentionTargets(this.settings, now)) {
          deleted[target.name] = await this.prune(runner.manager, target);
        }
        const total = Object.values(deleted).reduce((a, b) => a + b, 0);
        if (total > 0) this.logger.log({ msg: `Retention deleted ${total} row(s)`, deleted });
        return deleted;
      } finally {
        if (pg) await runner.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private async prune(em: EntityManager, target: RetentionTarget): Promise<number> {
    const entity = ENTITY_OF[target.table];
    let deleted = 0;
    for (;;) {
      const page = em
        .createQueryBuilder(entity, 'r')
        .select('r.id', 'id')
        .where(`r.${target.column} < :below`, { below: target.below })
        .orderBy('r.id')
        .limit(this.settings.batchSize);
      if (target.action) page.andWhere('r.action = :action', { action: target.action });
      if (target.statuses) page.andWhere('r.status IN (:...statuses)', { statuses: target.statuses });
      const ids = (await page.getRawMany<{ id: string }>()).map((r) => r.id);
      if (ids.length === 0) return deleted;
      await em.createQueryBuilder().delete().from(entity).whereInIds(ids).execute();
      deleted += ids.length;
      if (ids.length < this.settings.batchSize) return deleted;
      await new Promise((resolve) => setImmediate(resolve)); // let waiting requests run
    }
  }
}
