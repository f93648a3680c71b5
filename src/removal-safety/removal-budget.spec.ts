import {
  decideRemovals,
  DEFAULT_REMOVAL_SAFETY,
  RemovalDecisionInput,
  removalLimit,
  resolveRemovalSafety,
} from './removal-budget';

const input = (over: Partial<RemovalDecisionInput>): RemovalDecisionInput => ({
  settings: DEFAULT_REMOVAL_SAFETY,
  removedInWindow: 0,
  managedMemberships: 100,
  open: false,
  wanted: 1,
  ...over,
});

describe('removal budget (the circuit breaker decision)', () => {
  it('defaults: on, 10 removals and 10% in 60 minutes', () => {
    expect(resolveRemovalSafety()).toEqual({
      enabled: true,
      maxRemovals: 10,
      maxRemovalPercent: 10,
      windowMinutes: 60,
    });
  });

  it('resolves a partial or malformed stored value key by key', () => {
    expect(resolveRemovalSafety({ maxRemovals: 3 })).toEqual({ ...DEFAULT_REMOVAL_SAFETY, maxRemovals: 3 });
    const junk = { enabled: 'yes', maxRemovals: -1, maxRemovalPercent: Number.NaN, windowMinutes: 0 };
    expect(resolveRemovalSafety(junk as never)).toEqual({ ...DEFAULT_REMOVAL_SAFETY, windowMinutes: 1 });
    expect(resolveRemovalSafety({ enabled: false, maxRemovals: 0, maxRemovalPercent: 0 })).toEqual({
      enabled: false,
      maxRemovals: 0,
      maxRemovalPercent: 0,
      windowMinutes: 60,
    });
  });

  it('the limit is the larger of the count and the percent of the managed memberships', () => {
    expect(removalLimit(DEFAULT_REMOVAL_SAFETY, 5)).toBe(10);
    expect(removalLimit(DEFAULT_REMOVAL_SAFETY, 100)).toBe(10);
    expect(removalLimit(DEFAULT_REMOVAL_SAFETY, 109)).toBe(10);
    expect(removalLimit(DEFAULT_REMOVAL_SAFETY, 110)).toBe(11);
    expect(removalLimit(DEFAULT_REMOVAL_SAFETY, 10_000)).toBe(1000);
    expect(removalLimit({ ...DEFAULT_REMOVAL_SAFETY, maxRemovalPercent: 0 }, 10_000)).toBe(10);
    expect(removalLimit({ ...DEFAULT_REMOVAL_SAFETY, maxRemovals: 0 }, 50)).toBe(5);
    expect(removalLimit(DEFAULT_REMOVAL_SAFETY, -3)).toBe(10);
  });

  it('a small tenant losing one member does not trip', () => {
    expect(decideRemovals(input({ managedMemberships: 5, wanted: 1 }))).toEqual({ action: 'apply' });
  });

  it('up to the limit applies; the write that would cross it is staged whole and trips', () => {
    expect(decideRemovals(input({ removedInWindow: 9, wanted: 1 }))).toEqual({ action: 'apply' });
    expect(decideRemovals(input({ removedInWindow: 10, wanted: 1 }))).toEqual({
      action: 'stage',
      trips: true,
    });
    expect(decideRemovals(input({ removedInWindow: 0, wanted: 11 }))).toEqual({
      action: 'stage',
      trips: true,
    });
    expect(decideRemovals(input({ managedMemberships: 20, wanted: 12 }))).toEqual({
      action: 'stage',
      trips: true,
    });
  });

  it('an open breaker stages everything without tripping again', () => {
    expect(decideRemovals(input({ open: true, wanted: 1 }))).toEqual({ action: 'stage', trips: false });
  });

  it('off, or nothing to remove: apply', () => {
    const off = { ...DEFAULT_REMOVAL_SAFETY, enabled: false };
    expect(decideRemovals(input({ settings: off, open: true, wanted: 1000 }))).toEqual({ action: 'apply' });
    expect(decideRemovals(input({ open: true, wanted: 0 }))).toEqual({ action: 'apply' });
  });

  it('both limits at 0: every removal waits for an admin', () => {
    const strict = { ...DEFAULT_REMOVAL_SAFETY, maxRemovals: 0, maxRemovalPercent: 0 };
    expect(decideRemovals(input({ settings: strict, wanted: 1 }))).toEqual({ action: 'stage', trips: true });
  });
});
