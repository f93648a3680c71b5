import { graceStep } from './grace';
import type { EngineMembership } from './types';

// graceStep on its own: what a removal sync wants now becomes, for each state of the mark.
const HOUR = 3_600_000;
const member = (removalDueAt?: number | null): EngineMembership => ({
  groupId: 'g',
  role: 'guest',
  source: 'sync',
  removalDueAt,
});

describe('graceStep', () => {
  const now = Date.parse('2026-12-02T10:00:00.000Z');

  it('schedules an unmarked membership the grace period ahead, or removes it at once without one', () => {
    expect(graceStep({ removalGraceHours: 2 }, member(), now)).toEqual({
      kind: 'schedule',
      dueAt: '2026-12-02T12:00:00.000Z',
    });
    expect(graceStep({ removalGraceHours: 0 }, member(null), now)).toEqual({ kind: 'remove', dueAt: null });
  });

  it('leaves a marked membership pending until it is due, then removes it naming the due time', () => {
    expect(graceStep({ removalGraceHours: 2 }, member(now + HOUR), now)).toEqual({ kind: 'pending' });
    expect(graceStep({ removalGraceHours: 2 }, member(now), now)).toEqual({
      kind: 'remove',
      dueAt: '2026-12-02T10:00:00.000Z',
    });
    // A grace period turned off since: the marked membership goes at once.
    expect(graceStep({ removalGraceHours: 0 }, member(now + HOUR), now)).toEqual({
      kind: 'remove',
      dueAt: '2026-12-02T11:00:00.000Z',
    });
  });
});
