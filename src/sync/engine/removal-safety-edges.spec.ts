// Edges of the grace period, default memberships and last-owner marks that mutation testing found
// unpinned: the default as a floor only for roles given by hand, marks outside the groups a plan
// looks at, memberships of groups the context does not know, and the grace period's due instant.
import { buildSyncContext, planHasChanges, planSync, type SyncPlan } from './plan';
import { resolvePolicy } from './policy';
import type { EngineMembership, GroupSyncPolicy, Role } from './types';

const IDP = 'idp-1';
const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const groups = [
  { id: 'g-dev', name: 'Dev', parentId: null },
  { id: 'g-all', name: 'Everyone', parentId: null },
  { id: 'g-club', name: 'Club', parentId: null },
];
const links = [
  { id: 'l-dev', groupId: 'g-dev', externalGroup: 'dev', role: 'developer' as Role, idpId: IDP },
];

function plan(
  memberships: EngineMembership[],
  policy: Partial<GroupSyncPolicy> = {},
  input: { claim?: string[]; now?: number; owners?: Record<string, number> } = {},
): SyncPlan {
  const ctx = buildSyncContext({ idpId: IDP, policy: resolvePolicy(policy), groups, links });
  return planSync(ctx, {
    user: { id: 'u', isAdmin: false, adminSource: null },
    memberships,
    external: { groups: input.claim ?? [], status: 'present', complete: true },
    ownerCounts: new Map(Object.entries(input.owners ?? {})),
    now: input.now ?? NOW,
  });
}

describe('a default membership is a floor only for roles given by hand', () => {
  const defaults = { defaultMemberships: [{ groupId: 'g-all', role: 'reporter' as Role }] };

  it('lowers a higher role sync gave (through a link the user has left) to the default role', () => {
    const synced: EngineMembership = { groupId: 'g-all', role: 'maintainer', source: 'sync' };
    const result = plan([synced], defaults);
    expect(result.roleChanges).toEqual([
      expect.objectContaining({ groupId: 'g-all', from: 'maintainer', to: 'reporter' }),
    ]);
    expect(result.kept).toEqual([]);
  });

  it('keeps a higher role an admin gave by hand, and raises a lower one', () => {
    const high: EngineMembership = { groupId: 'g-all', role: 'maintainer', source: 'manual' };
    expect(planHasChanges(plan([high], defaults))).toBe(false);
    const low: EngineMembership = { groupId: 'g-all', role: 'guest', source: 'manual' };
    expect(plan([low], defaults).roleChanges).toEqual([
      expect.objectContaining({ groupId: 'g-all', from: 'guest', to: 'reporter' }),
    ]);
  });
});

describe('marks outside what the plan looks at', () => {
  it('leaves the last-owner mark of a group this IdP does not manage', () => {
    // Club has no link and no default: a manual membership there is not sync's business.
    const marked: EngineMembership = {
      groupId: 'g-club',
      role: 'owner',
      source: 'manual',
      keptAsLastOwner: true,
    };
    const result = plan([marked], {}, { owners: { 'g-club': 2 } });
    expect(result.lastOwnerCleared).toEqual([]);
    expect(planHasChanges(result)).toBe(false);
  });

  it("leaves another IdP's pending removal in a group this IdP does not manage", () => {
    const pending: EngineMembership = {
      groupId: 'g-club',
      role: 'guest',
      source: 'manual',
      removalDueAt: NOW - HOUR,
      removalIdpId: 'idp-2',
    };
    expect(planHasChanges(plan([pending], { removalGraceHours: 24 }))).toBe(false);
  });

  it('ignores memberships of a group the context does not know (deleted meanwhile), marks and all', () => {
    const stale: EngineMembership = {
      groupId: 'g-gone',
      role: 'owner',
      source: 'sync',
      removalDueAt: NOW - HOUR,
      removalIdpId: IDP,
      keptAsLastOwner: true,
    };
    const result = plan([stale], { removalGraceHours: 24 });
    expect(planHasChanges(result)).toBe(false);
  });
});

describe('the grace period at its due instant', () => {
  const pending: EngineMembership = {
    groupId: 'g-dev',
    role: 'developer',
    source: 'sync',
    removalDueAt: NOW,
    removalIdpId: IDP,
  };

  it('removes at the due millisecond, not one millisecond before', () => {
    expect(plan([pending], { removalGraceHours: 24 }, { now: NOW - 1 }).removals).toEqual([]);
    expect(plan([pending], { removalGraceHours: 24 }, { now: NOW }).removals).toEqual([
      expect.objectContaining({ groupId: 'g-dev' }),
    ]);
  });

  it('schedules a fresh removal the whole grace period ahead', () => {
    const fresh: EngineMembership = { groupId: 'g-dev', role: 'developer', source: 'sync' };
    expect(plan([fresh], { removalGraceHours: 2 }).removalsScheduled).toEqual([
      expect.objectContaining({ groupId: 'g-dev', dueAt: new Date(NOW + 2 * HOUR).toISOString() }),
    ]);
  });
});

describe('what the context leaves out', () => {
  it('a link to a group that no longer exists matches nothing: the user gets the defaults', () => {
    const gone = {
      id: 'l-gone',
      groupId: 'g-gone',
      externalGroup: 'gone',
      role: 'owner' as Role,
      idpId: IDP,
    };
    const policy = resolvePolicy({ defaultMemberships: [{ groupId: 'g-all', role: 'reporter' }] });
    const ctx = buildSyncContext({ idpId: IDP, policy, groups, links: [...links, gone] });
    const result = planSync(ctx, {
      user: null,
      memberships: [],
      external: { groups: ['gone'], status: 'present', complete: true },
      now: NOW,
    });
    expect(result.matchedExternalGroups).toEqual([]);
    expect(result.adds.map((add) => [add.groupId, add.role])).toEqual([['g-all', 'reporter']]);
  });

  it('two default memberships of one group give the higher role, in either order', () => {
    for (const roles of [
      ['developer', 'reporter'],
      ['reporter', 'developer'],
    ] as Role[][]) {
      const defaultMemberships = roles.map((role) => ({ groupId: 'g-all', role }));
      expect(plan([], { defaultMemberships }).adds.map((add) => [add.groupId, add.role])).toEqual([
        ['g-all', 'developer'],
      ]);
    }
  });

  it('says why it cancels a pending removal in a group this IdP no longer manages', () => {
    const pending: EngineMembership = {
      groupId: 'g-club',
      role: 'guest',
      source: 'manual',
      removalDueAt: NOW + HOUR,
      removalIdpId: IDP,
    };
    expect(plan([pending], { removalGraceHours: 24 }).removalsCancelled).toEqual([
      {
        groupId: 'g-club',
        groupName: 'Club',
        reason:
          'Pending removal from "Club" cancelled: no link of this sign-in method manages the group any more.',
      },
    ]);
  });
});
