import type { LinkImpact } from '../api/types';
import { changeLines, impactHeadline, isDestructive } from './plan';

const impact = (over: Partial<LinkImpact>): LinkImpact => ({
  change: 'create',
  groupId: 'g',
  usersEvaluated: 3,
  usersAffected: 0,
  totals: { adds: 0, roleChanges: 0, removals: 0, kept: 0 },
  affected: [],
  truncated: false,
  ...over,
});

const ada = {
  userId: 'u1',
  email: 'ada@example.com',
  idp: 'dev',
  adds: [],
  roleChanges: [{ from: 'developer' as const, to: 'maintainer' as const, reason: 'link eng-leads' }],
  removals: [],
  kept: [],
};

describe('impact preview text', () => {
  it('says nobody changes when no one has signed in yet', () => {
    expect(impactHeadline(impact({ usersEvaluated: 0 }))).toMatch(/^Nobody has signed in/);
  });

  it('says no change when people were checked but none is affected', () => {
    expect(impactHeadline(impact({}))).toBe('No change for anyone: 3 people with known IdP groups checked.');
  });

  it('counts adds, re-roles and removals with singular and plural', () => {
    const text = impactHeadline(impact({ totals: { adds: 2, roleChanges: 1, removals: 0, kept: 0 } }));
    expect(text).toBe('2 people added, 1 person re-roled (of 3 people with known IdP groups).');
  });

  it('lists each change of a person with its reason', () => {
    expect(changeLines(ada)).toEqual([
      { kind: 'role', text: 'developer → maintainer', reason: 'link eng-leads' },
    ]);
  });

  it('calls removals and downgrades destructive, upgrades not', () => {
    expect(isDestructive(impact({ affected: [ada] }))).toBe(false);
    const down = { ...ada, roleChanges: [{ from: 'owner' as const, to: 'guest' as const, reason: 'r' }] };
    expect(isDestructive(impact({ affected: [down] }))).toBe(true);
    expect(isDestructive(impact({ totals: { adds: 0, roleChanges: 0, removals: 1, kept: 0 } }))).toBe(true);
  });
});
