import type { Job } from '../api/types';
import { jobFinished, jobPercent, jobProgressLine, reconcileSummary } from './jobs';

const job = (over: Partial<Job>): Pick<Job, 'status' | 'progress' | 'error'> => ({
  status: 'running',
  progress: { done: 0, total: 1200 },
  error: null,
  ...over,
});

describe('job progress', () => {
  it('counts whole percents, never over 100, and an empty job as done only once it succeeded', () => {
    expect(jobPercent(job({ progress: { done: 300, total: 1200 } }))).toBe(25);
    expect(jobPercent(job({ progress: { done: 1199, total: 1200 } }))).toBe(99);
    expect(jobPercent(job({ progress: { done: 1300, total: 1200 } }))).toBe(100);
    expect(jobPercent(job({ progress: { done: 0, total: 0 } }))).toBe(0);
    expect(jobPercent(job({ status: 'succeeded', progress: { done: 0, total: 0 } }))).toBe(100);
  });

  it('says where each state stands', () => {
    expect(jobProgressLine(job({ status: 'queued' }))).toBe('Waiting for a worker (1,200 people to check).');
    expect(jobProgressLine(job({ progress: { done: 600, total: 1200 } }))).toBe(
      'Applying: 600 people of 1,200 checked (50%).',
    );
    expect(jobProgressLine(job({ status: 'succeeded', progress: { done: 1, total: 1 } }))).toBe(
      'Done: 1 person checked.',
    );
    expect(jobProgressLine(job({ status: 'cancelled', progress: { done: 100, total: 600 } }))).toBe(
      'Cancelled after 100 people of 600; the changes made so far stay.',
    );
    expect(
      jobProgressLine(job({ status: 'failed', error: 'database gone', progress: { done: 0, total: 5 } })),
    ).toBe('Failed after 0 people of 5: database gone. The changes made so far stay.');
  });

  it('stops polling once the job is over', () => {
    expect(['queued', 'running'].map((status) => jobFinished({ status: status as Job['status'] }))).toEqual([
      false,
      false,
    ]);
    expect(
      ['succeeded', 'failed', 'cancelled'].map((status) => jobFinished({ status: status as Job['status'] })),
    ).toEqual([true, true, true]);
  });

  it("words a reconcile's counts, missing ones as zero", () => {
    expect(reconcileSummary({ adds: 880, roleChanges: 120, removals: 12, usersEvaluated: 1200 })).toBe(
      '880 added, 120 re-roled, 12 removed (1,200 people checked).',
    );
    expect(reconcileSummary({})).toBe('0 added, 0 re-roled, 0 removed (0 people checked).');
  });
});
