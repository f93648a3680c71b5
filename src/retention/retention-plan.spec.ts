import { newTimeOrderedId } from '../common/ids';
import { JOB_STATUSES } from '../jobs/job.entity';
import { retentionTargets, smallestTimeOrderedIdAt } from './retention-plan';

describe('retention plan', () => {
  it('the cutoff id sorts above every id made before the cutoff and below every id made at or after it', () => {
    const cutoff = Date.UTC(2026, 0, 1);
    const bound = smallestTimeOrderedIdAt(cutoff);
    expect(newTimeOrderedId(cutoff - 1) < bound).toBe(true);
    expect(newTimeOrderedId(cutoff - 86_400_000 * 400) < bound).toBe(true);
    expect(newTimeOrderedId(cutoff + 5000) > bound).toBe(true);
  });

  it('keeps 365 days of audit by default and prunes refused sign-ins sooner only when told', () => {
    const now = new Date(Date.UTC(2026, 11, 1));
    const same = retentionTargets({ auditDays: 365, refusedSignInDays: 365, jobDays: 30 }, now);
    expect(same.map((t) => t.name)).toEqual([
      'audit_events',
      'login_states',
      'sessions',
      'job_batches',
      'jobs',
    ]);
    expect(same[0].below).toBe(smallestTimeOrderedIdAt(now.getTime() - 365 * 86_400_000));
    const shorter = retentionTargets({ auditDays: 365, refusedSignInDays: 30, jobDays: 30 }, now);
    expect(shorter[0]).toEqual({
      name: 'refused_sign_ins',
      table: 'audit_events',
      column: 'id',
      below: smallestTimeOrderedIdAt(now.getTime() - 30 * 86_400_000),
      action: 'sso.sign_in_refused',
    });
    expect(shorter.find((t) => t.name === 'sessions')?.below).toBe(now);
  });

  it('prunes jobs by the time they finished, only finished ones, their batch log first', () => {
    const now = new Date(Date.UTC(2026, 11, 1));
    const cutoff = now.getTime() - 30 * 86_400_000;
    const [batches, jobs] = retentionTargets(
      { auditDays: 365, refusedSignInDays: 365, jobDays: 30 },
      now,
    ).slice(-2);
    const finished = {
      statuses: ['succeeded', 'failed', 'cancelled'],
      createdBelow: smallestTimeOrderedIdAt(cutoff),
    };
    expect(batches).toEqual({
      name: 'job_batches',
      table: 'job_batches',
      column: 'finishedAt',
      below: new Date(cutoff),
      finishedJobs: { ...finished, ofJob: true },
    });
    expect(jobs).toEqual({
      name: 'jobs',
      table: 'jobs',
      column: 'finishedAt',
      below: new Date(cutoff),
      finishedJobs: { ...finished, ofJob: false },
    });
    // Every state but these two is one a job ends in: a queued or running job is never a target.
    const kept = JOB_STATUSES.filter((s) => !jobs.finishedJobs!.statuses.includes(s));
    expect(kept).toEqual(['queued', 'running']);
    const week = retentionTargets({ auditDays: 365, refusedSignInDays: 365, jobDays: 7 }, now).at(-1);
    expect(week?.below).toEqual(new Date(now.getTime() - 7 * 86_400_000));
  });

  it('prunes only finished webhook deliveries, by age, when a number of days is set', () => {
    const now = new Date(Date.UTC(2026, 11, 1));
    const targets = retentionTargets(
      { auditDays: 365, refusedSignInDays: 365, jobDays: 30, webhookDeliveryDays: 30 },
      now,
    );
    expect(targets.find((t) => t.name === 'webhook_deliveries')).toEqual({
      name: 'webhook_deliveries',
      table: 'webhook_deliveries',
      column: 'createdAt',
      below: new Date(now.getTime() - 30 * 86_400_000),
      statuses: ['delivered', 'failed'],
    });
  });
});
