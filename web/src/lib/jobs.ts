import type { Job, JobStatus, ReconcileResult } from '../api/types';

const FINISHED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** Over: no runner touches it again, so polling stops. */
export const jobFinished = (job: Pick<Job, 'status'>): boolean => FINISHED.has(job.status);

/** 0-100, whole numbers; a job with nothing to do is complete once it succeeded. */
export function jobPercent(job: Pick<Job, 'status' | 'progress'>): number {
  const { done, total } = job.progress;
  if (total <= 0) return job.status === 'succeeded' ? 100 : 0;
  return Math.min(100, Math.floor((done / total) * 100));
}

const people = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'person' : 'people'}`;

/** Where the job stands, in one line. */
export function jobProgressLine(job: Pick<Job, 'status' | 'progress' | 'error'>): string {
  const of = `${people(job.progress.done)} of ${job.progress.total.toLocaleString('en')}`;
  switch (job.status) {
    case 'queued':
      return `Waiting for a worker (${people(job.progress.total)} to check).`;
    case 'running':
      return `Applying: ${of} checked (${jobPercent(job)}%).`;
    case 'succeeded':
      return `Done: ${people(job.progress.done)} checked.`;
    case 'cancelled':
      return `Cancelled after ${of}; the changes made so far stay.`;
    case 'failed':
      return `Failed after ${of}: ${job.error ?? 'unknown error'}. The changes made so far stay.`;
  }
}

/** A reconcile's counts in words (the synchronous answer, or a job's result). */
export function reconcileSummary(result: Partial<ReconcileResult>): string {
  const n = (k: keyof ReconcileResult) => result[k] ?? 0;
  return `${n('adds')} added, ${n('roleChanges')} re-roled, ${n('removals')} removed (${people(n('usersEvaluated'))} checked).`;
}
