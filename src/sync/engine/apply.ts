import type { SyncPlan } from './plan-types';
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
  const dueByGroupId = new Map(plan.removalsScheduled.map((s) => [s.groupId, Date.parse(s.dueAt)]));
  const cancelled = new Set(plan.removalsCancelled.map((c) => c.groupId));
  const marked = new Set(plan.lastOwnerMarked.map((m) => m.groupId));
  const unmarked = new Set(plan.lastOwnerCleared.map((m) => m.groupId));

  const result: EngineMembership[] = [];
  for (const membership of memberships) {
    const { groupId, source } = membership;
    if (removedGroupIds.has(groupId)) continue;
    const role = newRoleByGroupId.get(groupId) ?? membership.role;
    const next: EngineMembership = { groupId, role, source };
    const due = cancelled.has(groupId)
      ? null
      : (dueByGroupId.get(groupId) ?? membership.removalDueAt ?? null);
    if (due !== null) next.removalDueAt = due;
    if (marked.has(groupId) || (membership.keptAsLastOwner === true && !unmarked.has(groupId)))
      next.keptAsLastOwner = true;
    result.push(next);
  }
  for (const add of plan.adds) result.push({ groupId: add.groupId, role: add.role, source: 'sync' });
  return result;
}
