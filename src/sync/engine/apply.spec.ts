import { applyPlanToMemberships } from './apply';
import type { SyncPlan } from './plan-types';
import type { EngineMembership } from './types';

// applyPlanToMemberships on plans written by hand: each list of a plan does exactly its own part.
const empty: SyncPlan = {
  signup: 'existing',
  adds: [],
  roleChanges: [],
  removals: [],
  kept: [],
  removalsScheduled: [],
  removalsCancelled: [],
  lastOwnerMarked: [],
  lastOwnerCleared: [],
  admin: { from: false, to: false },
  complete: true,
  claimStatus: 'present',
  externalGroups: [],
  matchedExternalGroups: [],
  captureMisses: [],
};
const marker = (groupId: string) => ({ groupId, groupName: groupId, reason: 'r' });
const DUE = '2026-12-02T10:00:00.000Z';

describe('applyPlanToMemberships', () => {
  const memberships: EngineMembership[] = [
    { groupId: 'a', role: 'developer', source: 'manual' },
    { groupId: 'b', role: 'guest', source: 'scim' },
  ];

  it('an empty plan leaves the memberships as they are', () => {
    expect(applyPlanToMemberships(memberships, empty)).toEqual(memberships);
  });

  it('removes, changes roles (keeping the source) and adds sync memberships', () => {
    const plan: SyncPlan = {
      ...empty,
      removals: [{ groupId: 'a', groupName: 'a', role: 'developer', reason: 'r' }],
      roleChanges: [{ groupId: 'b', groupName: 'b', from: 'guest', to: 'owner', linkIds: [], reason: 'r' }],
      adds: [{ groupId: 'c', groupName: 'c', role: 'maintainer', linkIds: [], reason: 'r' }],
    };
    expect(applyPlanToMemberships(memberships, plan)).toEqual([
      { groupId: 'b', role: 'owner', source: 'scim' },
      { groupId: 'c', role: 'maintainer', source: 'sync' },
    ]);
  });

  it('a scheduled removal marks the membership with its due time, and the mark stays until cancelled', () => {
    const scheduled: SyncPlan = {
      ...empty,
      removalsScheduled: [{ groupId: 'a', groupName: 'a', role: 'developer', dueAt: DUE, reason: 'r' }],
    };
    const marked = applyPlanToMemberships(memberships, scheduled);
    expect(marked).toEqual([{ ...memberships[0], removalDueAt: Date.parse(DUE) }, memberships[1]]);
    expect(applyPlanToMemberships(marked, empty)).toEqual(marked);
    const cancelled = applyPlanToMemberships(marked, { ...empty, removalsCancelled: [marker('a')] });
    expect(cancelled).toEqual(memberships);
    expect(cancelled[0]).not.toHaveProperty('removalDueAt');
  });

  it('a null due time is no mark', () => {
    const result = applyPlanToMemberships([{ ...memberships[0], removalDueAt: null }], empty);
    expect(result).toEqual([memberships[0]]);
    expect(result[0]).not.toHaveProperty('removalDueAt');
  });

  it('the last-owner mark is set by lastOwnerMarked, kept by later plans and cleared by lastOwnerCleared', () => {
    const marked = applyPlanToMemberships(memberships, { ...empty, lastOwnerMarked: [marker('b')] });
    expect(marked).toEqual([memberships[0], { ...memberships[1], keptAsLastOwner: true }]);
    expect(applyPlanToMemberships(marked, empty)).toEqual(marked);
    const cleared = applyPlanToMemberships(marked, { ...empty, lastOwnerCleared: [marker('b')] });
    expect(cleared).toEqual(memberships);
    expect(cleared[1]).not.toHaveProperty('keptAsLastOwner');
    // A false mark is no mark.
    const unmarked = applyPlanToMemberships([{ ...memberships[0], keptAsLastOwner: false }], empty);
    expect(unmarked[0]).not.toHaveProperty('keptAsLastOwner');
  });
});
