// Grace period, default memberships and the visible last-owner rule (issue 15).
import { applyPlanToMemberships } from './apply';
import { buildSyncContext, planHasChanges, planSync, type SyncPlan } from './plan';
import { resolvePolicy } from './policy';
import type { EngineMembership, GroupSyncPolicy, Role } from './types';

const IDP = 'idp-1';
const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const groups = [
  { id: 'g-dev', name: 'Dev', parentId: null },
  { id: 'g-ops', name: 'Ops', parentId: null },
  { id: 'g-all', name: 'Everyone', parentId: null },
];
const links = [
  { id: 'l-dev', groupId: 'g-dev', externalGroup: 'dev', role: 'developer' as Role, idpId: IDP },
  { id: 'l-ops', groupId: 'g-ops', externalGroup: 'ops', role: 'owner' as Role, idpId: IDP },
];

function plan(
  input: {
    claim?: string[];
    complete?: boolean;
    memberships?: EngineMembership[];
    owners?: Record<string, number>;
    now?: number;
  },
  policy: Partial<GroupSyncPolicy> = {},
  keepLastOwner?: boolean,
): SyncPlan {
  const ctx = buildSyncContext({ idpId: IDP, policy: resolvePolicy(policy), groups, links, keepLastOwner });
  const complete = input.complete ?? true;
  return planSync(ctx, {
    user: { id: 'u', isAdmin: false, adminSource: null },
    memberships: input.memberships ?? [],
    external: { groups: input.claim ?? [], status: complete ? 'present' : 'overage', complete },
    ownerCounts: new Map(Object.entries(input.owners ?? {})),
    now: input.now ?? NOW,
  });
}

const ids = (items: { groupId: string }[]) => items.map((i) => i.groupId);
const dev = (extra: Partial<EngineMembership> = {}): EngineMembership => ({
  groupId: 'g-dev',
  role: 'developer',
  source: 'sync',
  ...extra,
});

describe('grace period (removalGraceHours)', () => {
  const grace = { removalGraceHours: 24 };

  it('marks an unclaimed membership pending removal instead of removing it', () => {
    const result = plan({ claim: [], memberships: [dev()] }, grace);
    expect(result.removals).toEqual([]);
    expect(result.removalsScheduled).toEqual([
      {
        groupId: 'g-dev',
        groupName: 'Dev',
        role: 'developer',
        dueAt: '2026-12-02T12:00:00.000Z',
        reason:
          'Removal from "Dev" scheduled for 2026-12-02T12:00:00.000Z (grace period of 24 hours): no external group of this user is linked to it (removal policy: enforce).',
      },
    ]);
    expect(planHasChanges(result)).toBe(true);
  });

  it('leaves a pending removal alone until it is due, then removes it saying so', () => {
    const pending = dev({ removalDueAt: NOW + HOUR, removalIdpId: IDP });
    const early = plan({ claim: [], memberships: [pending] }, grace);
    expect(planHasChanges(early)).toBe(false);
    const due = plan({ claim: [], memberships: [pending], now: NOW + HOUR }, grace);
    expect(ids(due.removals)).toEqual(['g-dev']);
    expect(due.removals[0].reason).toBe(
      'Removed from "Dev" after the grace period (due 2026-12-01T13:00:00.000Z): no external group of this user is linked to it (removal policy: enforce).',
    );
    expect(due.removalsCancelled).toEqual([]);
  });

  it('cancels the pending removal when the claim justifies the membership again', () => {
    const result = plan({ claim: ['dev'], memberships: [dev({ removalDueAt: NOW - 1 })] }, grace);
    expect(result.removals).toEqual([]);
    expect(result.removalsCancelled).toEqual([
      {
        groupId: 'g-dev',
        groupName: 'Dev',
        reason: 'Pending removal from "Dev" cancelled: external group "dev" is linked to it as developer.',
      },
    ]);
  });

  it('cancels on an incomplete list (it cannot confirm the removal) and on a policy that no longer removes', () => {
    const marked = dev({ removalDueAt: NOW - 1 });
    expect(ids(plan({ claim: [], complete: false, memberships: [marked] }, grace).removalsCancelled)).toEqual(
      ['g-dev'],
    );
    const never = plan({ claim: [], memberships: [marked] }, { ...grace, removal: 'never' });
    expect(never.removalsCancelled[0].reason).toBe(
      'Pending removal from "Dev" cancelled: the removal policy never does not remove it.',
    );
  });

  it("cancels a pending removal this IdP made in a group it no longer manages, not another IdP's", () => {
    const gone = { groupId: 'g-all', role: 'guest' as Role, source: 'manual' as const, removalDueAt: NOW };
    expect(ids(plan({ memberships: [{ ...gone, removalIdpId: IDP }] }, grace).removalsCancelled)).toEqual([
      'g-all',
    ]);
    expect(plan({ memberships: [{ ...gone, removalIdpId: 'other' }] }, grace).removalsCancelled).toEqual([]);
  });

  it('removes at once with the grace period off, also a membership marked earlier', () => {
    expect(ids(plan({ claim: [], memberships: [dev()] }).removals)).toEqual(['g-dev']);
    const marked = plan({ claim: [], memberships: [dev({ removalDueAt: NOW + 10 * HOUR })] });
    expect(ids(marked.removals)).toEqual(['g-dev']);
  });

  it('a second plan after applying the first plans nothing (idempotent with marks)', () => {
    const memberships = [dev()];
    const first = plan({ claim: [], memberships }, grace);
    const after = applyPlanToMemberships(memberships, first);
    expect(after[0].removalDueAt).toBe(NOW + 24 * HOUR);
    expect(planHasChanges(plan({ claim: [], memberships: after }, grace))).toBe(false);
  });

  it('never marks a last owner: the owner is kept and the kept mark set instead', () => {
    const owner = { groupId: 'g-ops', role: 'owner' as Role, source: 'sync' as const };
    const result = plan({ claim: [], memberships: [owner], owners: { 'g-ops': 1 } }, grace);
    expect(result.removalsScheduled).toEqual([]);
    expect(ids(result.lastOwnerMarked)).toEqual(['g-ops']);
  });
});

describe('default memberships', () => {
  const defaults = { defaultMemberships: [{ groupId: 'g-all', role: 'reporter' as Role }] };

  it('gives users who match no link the default membership, with a reason naming the rule', () => {
    const result = plan({ claim: ['unrelated'] }, defaults);
    expect(result.adds).toEqual([
      {
        groupId: 'g-all',
        groupName: 'Everyone',
        role: 'reporter',
        linkIds: [],
        reason:
          'Added to "Everyone" as reporter: it is a default membership of this sign-in method, given to users whose groups match no link.',
      },
    ]);
  });

  it('gives nothing to users who match a link', () => {
    expect(ids(plan({ claim: ['dev'] }, defaults).adds)).toEqual(['g-dev']);
  });

  it('keeps the default after a link matches unless removeDefaultsOnMatch', () => {
    const had: EngineMembership = { groupId: 'g-all', role: 'reporter', source: 'sync' };
    const kept = plan({ claim: ['dev'], memberships: [had] }, defaults);
    expect(kept.removals).toEqual([]);
    const removed = plan(
      { claim: ['dev'], memberships: [had] },
      { ...defaults, removeDefaultsOnMatch: true },
    );
    expect(removed.removals).toEqual([
      {
        groupId: 'g-all',
        groupName: 'Everyone',
        role: 'reporter',
        reason:
          'Removed from "Everyone": it is a default membership of this sign-in method and the user now matches a link (removeDefaultsOnMatch).',
      },
    ]);
  });

  it('never removes a manual membership in a default group it does not manage, nor lowers a higher role', () => {
    const manual: EngineMembership = { groupId: 'g-all', role: 'maintainer', source: 'manual' };
    const policy = { ...defaults, removeDefaultsOnMatch: true };
    expect(planHasChanges(plan({ claim: ['dev'], memberships: [manual, dev()] }, policy))).toBe(false);
    expect(planHasChanges(plan({ claim: [], memberships: [manual] }, policy))).toBe(false);
  });

  it('raises a lower role to the default role', () => {
    const low: EngineMembership = { groupId: 'g-all', role: 'guest', source: 'sync' };
    expect(plan({ claim: [], memberships: [low] }, defaults).roleChanges.map((c) => c.to)).toEqual([
      'reporter',
    ]);
  });

  it('ignores a default membership whose group was deleted', () => {
    const result = plan({ claim: [] }, { defaultMemberships: [{ groupId: 'g-gone', role: 'guest' }] });
    expect(result.adds).toEqual([]);
  });

  it('removing a default goes through the grace period', () => {
    const had: EngineMembership = { groupId: 'g-all', role: 'reporter', source: 'sync' };
    const policy = { ...defaults, removeDefaultsOnMatch: true, removalGraceHours: 1 };
    expect(ids(plan({ claim: ['dev'], memberships: [had] }, policy).removalsScheduled)).toEqual(['g-all']);
  });
});

describe('last owner made visible (keepLastOwner)', () => {
  const owner: EngineMembership = { groupId: 'g-ops', role: 'owner', source: 'sync' };

  it('keeps the last owner with the words and marks the membership once', () => {
    const result = plan({ claim: ['dev'], memberships: [owner], owners: { 'g-ops': 1 } });
    expect(result.kept[0].reason).toContain('kept as last owner although the IdP no longer grants it');
    expect(result.lastOwnerMarked).toEqual([
      {
        groupId: 'g-ops',
        groupName: 'Ops',
        reason: 'Kept in "Ops" as owner as its last owner, although the IdP no longer grants it.',
      },
    ]);
    const again = plan({
      claim: ['dev'],
      memberships: [{ ...owner, keptAsLastOwner: true }],
      owners: { 'g-ops': 1 },
    });
    expect(again.lastOwnerMarked).toEqual([]);
    expect(again.lastOwnerCleared).toEqual([]);
  });

  it('clears the mark when the IdP grants owner again or another owner appears', () => {
    const marked = { ...owner, keptAsLastOwner: true };
    expect(
      ids(plan({ claim: ['ops'], memberships: [marked], owners: { 'g-ops': 1 } }).lastOwnerCleared),
    ).toEqual(['g-ops']);
    const twoOwners = plan({ claim: [], memberships: [marked], owners: { 'g-ops': 2 } });
    expect(ids(twoOwners.removals)).toEqual(['g-ops']);
    expect(twoOwners.lastOwnerCleared).toEqual([]); // the row goes, and its mark with it
  });

  it('keeps the mark on an incomplete list (the IdP may still grant it)', () => {
    const marked = { ...owner, keptAsLastOwner: true };
    const result = plan({ claim: [], complete: false, memberships: [marked], owners: { 'g-ops': 1 } });
    expect(result.lastOwnerCleared).toEqual([]);
  });

  it('with keepLastOwner off, removes or downgrades the last owner like anyone else', () => {
    const removed = plan({ claim: [], memberships: [owner], owners: { 'g-ops': 1 } }, {}, false);
    expect(ids(removed.removals)).toEqual(['g-ops']);
    expect(removed.kept).toEqual([]);
    const downgraded = plan(
      { claim: [], memberships: [owner], owners: { 'g-ops': 1 } },
      { removal: 'default-role' },
      false,
    );
    expect(downgraded.roleChanges.map((c) => c.to)).toEqual(['guest']);
  });
});
