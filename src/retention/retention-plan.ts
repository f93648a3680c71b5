/**
 * What the retention job deletes, as plain data (no I/O): each target is one table and the condition
 * a row must meet to go. Audit events are matched by id range: ids are UUIDv7, time-ordered, so
 * "older than the cutoff" is "id below the smallest id of the cutoff's millisecond", a range scan
 * of the primary key rather than a scan of createdAt.
 */
export interface RetentionTarget {
  /** Shown in the log and the metrics. */
  name: 'refused_sign_ins' | 'audit_events' | 'login_states' | 'sessions' | 'webhook_deliveries';
  table: 'audit_events' | 'sso_login_states' | 'sessions' | 'webhook_deliveries';
  /** Rows whose `column` is below `below` go (optionally only those of one audit action or of these statuses). */
  column: 'id' | 'expiresAt' | 'createdAt';
  below: string | Date;
  action?: string;
  statuses?: string[];
}

export interface RetentionSettings {
  auditDays: number;
  refusedSignInDays: number;
  /** Finished webhook deliveries (delivered, failed) older than this go; pending ones never do. */
  webhookDeliveryDays?: number;
}

const DAY_MS = 86_400_000;
const REFUSED_SIGN_IN_ACTION = 'sso.sign_in_refused';

export function retentionTargets(settings: RetentionSettings, now: Date): RetentionTarget[] {
  const targets: RetentionTarget[] = [];
  if (settings.refusedSignInDays < settings.auditDays) {
    targets.push({
      name: 'refused_sign_ins',
      table: 'audit_events',
      column: 'id',
      below: smallestTimeOrderedIdAt(now.getTime() - settings.refusedSignInDays * DAY_MS),
      action: REFUSED_SIGN_IN_ACTION,
    });
  }
  targets.push(
    {
      name: 'audit_events',
      table: 'audit_events',
      column: 'id',
      below: smallestTimeOrderedIdAt(now.getTime() - settings.auditDays * DAY_MS),
    },
    // Used once or expired: a sign-in in flight lives minutes, a session until its expiry.
    { name: 'login_states', table: 'sso_login_states', column: 'expiresAt', below: now },
    { name: 'sessions', table: 'sessions', column: 'expiresAt', below: now },
  );
  if (settings.webhookDeliveryDays !== undefined)
    targets.push({
      name: 'webhook_deliveries',
      table: 'webhook_deliveries',
      column: 'createdAt',
      below: new Date(now.getTime() - settings.webhookDeliveryDays * DAY_MS),
      statuses: ['delivered', 'failed'],
    });
  return targets;
}

/** The lowest UUIDv7 of millisecond `ms`: every id created before `ms` sorts below it. */
export function smallestTimeOrderedIdAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}
