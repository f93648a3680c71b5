import { FINISHED, type JobStatus } from '../jobs/job.entity';

/**
 * What the retention job deletes, as plain data (no I/O): each target is one table and the condition
 * a row must meet to go. Audit events are matched by id range: ids are UUIDv7, time-ordered, so
 * "older than the cutoff" is "id below the smallest id of the cutoff's millisecond", a range scan
 * of the primary key rather than a scan of createdAt.
 */
export interface RetentionTarget {
  /** Shown in the log and the metrics. */
  name:
    | 'refused_sign_ins'
    | 'audit_events'
    | 'login_states'
    | 'sessions'
    | 'job_batches'
    | 'jobs'
    | 'webhook_deliveries';
  table: 'audit_events' | 'sso_login_states' | 'sessions' | 'jobs' | 'job_batches' | 'webhook_deliveries';
  /** Rows whose `column` is below `below` go (optionally only those of one audit action or of these statuses). */
  column: 'id' | 'expiresAt' | 'finishedAt' | 'createdAt';
  below: string | Date;
  action?: string;
  statuses?: string[];
  /**
   * Jobs: only those in a finished state (never a queued or running one), and, since a job finished
   * before the cutoff was created before it too, only ids below `createdBelow` (a primary-key range).
   * With `ofJob`, the conditions are the job's and the rows are its batch log (`job_batches`).
   */
  finishedJobs?: { statuses: readonly JobStatus[]; createdBelow: string; ofJob: boolean };
}

export interface RetentionSettings {
  auditDays: number;
  refusedSignInDays: number;
  /** Finished jobs (and their batch log) are kept this many days after they finished. */
  jobDays: number;
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
    ...finishedJobTargets(now.getTime() - settings.jobDays * DAY_MS),
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

/**
 * A job's batch log goes first, in batches of its own, then the job: deleting a job alone would
 * cascade to all its batch rows (a large reconcile has thousands) in one statement.
 */
function finishedJobTargets(cutoff: number): RetentionTarget[] {
  const below = new Date(cutoff);
  const job = { statuses: [...FINISHED], createdBelow: smallestTimeOrderedIdAt(cutoff) };
  return [
    {
      name: 'job_batches',
      table: 'job_batches',
      column: 'finishedAt',
      below,
      finishedJobs: { ...job, ofJob: true },
    },
    { name: 'jobs', table: 'jobs', column: 'finishedAt', below, finishedJobs: { ...job, ofJob: false } },
  ];
}

/** The lowest UUIDv7 of millisecond `ms`: every id created before `ms` sorts below it. */
export function smallestTimeOrderedIdAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}
