import type { SyncPlan } from './plan';
import type { EngineMembership } from './types';

/**
 * The memberships after `plan`, computed without touching anything: role changes keep the
 * membership's source (a manual membership stays manual); new memberships are 'sync'.
 * A denied plan changes nothing.
 */
export function applyPlanToMemberships(
  memberships: readonly EngineMembership[],
  plan: SyncPlan,
): EngineMembership[] {
  const removedGroupIds = new Set(plan.removals.map((removal) => removal.groupId));
  const newRoleByGroupId = new Map(plan.roleChanges.map((change) => [change.groupId, change.to]));

  const result: EngineMembership[] = [];
  for (const membership of memberships) {
    if (removedGroupIds.has(membership.groupId)) continue;
    const role = newRoleByGroupId.get(membership.groupId) ?? membership.role;
    result.push({ groupId: membership.groupId, role, source: membership.source });
  }
  for (const add of plan.adds) result.push({ groupId: add.groupId, role: add.role, source: 'sync' });
  return result;
}
