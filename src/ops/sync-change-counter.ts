import type { EntitySubscriberInterface, InsertEvent, QueryRunner, TransactionCommitEvent } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import type { MetricsService } from './metrics.service';

/** Audit actions that record a change sync (or an admin) made, and the metric kind of each. */
const KINDS: Record<string, string> = {
  'membership.added': 'membership_added',
  'membership.role_changed': 'membership_role_changed',
  'membership.removed': 'membership_removed',
  'user.admin_granted': 'admin_granted',
  'user.admin_revoked': 'admin_revoked',
  'user.created': 'user_created',
  'sync.signup_denied': 'signup_denied',
};

/**
 * Counts changes from the audit events written with them, so no sync code needs a metrics call:
 * every change is audited in its own transaction, and the count is taken only when that
 * transaction commits (a rolled-back sign-in changed nothing).
 */
export class SyncChangeCounter implements EntitySubscriberInterface<AuditEvent> {
  private readonly pending = new WeakMap<QueryRunner, Map<string, number>>();

  constructor(private readonly metrics: MetricsService) {}

  listenTo() {
    return AuditEvent;
  }

  afterInsert(event: InsertEvent<AuditEvent>): void {
    const kind = KINDS[event.entity?.action ?? ''];
    if (!kind) return;
    const key = `${kind}\u0000${event.entity.actorType}`;
    if (!event.queryRunner.isTransactionActive) {
      this.flush(new Map([[key, 1]]));
      return;
    }
    const counts = this.pending.get(event.queryRunner) ?? new Map<string, number>();
    counts.set(key, (counts.get(key) ?? 0) + 1);
    this.pending.set(event.queryRunner, counts);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const counts = this.pending.get(event.queryRunner);
    if (!counts) return;
    this.pending.delete(event.queryRunner);
    this.flush(counts);
  }

  afterTransactionRollback(event: TransactionCommitEvent): void {
    this.pending.delete(event.queryRunner);
  }

  private flush(counts: Map<string, number>): void {
    for (const [key, n] of counts) {
      const [kind, actor] = key.split('\u0000');
      this.metrics.recordSyncChanges(kind, actor, n);
    }
  }
}
