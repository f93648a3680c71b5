// Narrowing a plan to one group: a group-scoped reconcile and a link's impact preview.
import type { SyncContext } from './context';
import type { SyncPlan } from './plan-types';

/** The part of a plan about one group; admin rights are not the group's business. */
export function onlyGroup(plan: SyncPlan, groupId: string): SyncPlan {
  return onlyGroups(plan, new Set([groupId]));
}

/** The part of a plan about these groups (the grace-period sweep: the groups whose removal is due). */
export function onlyGroups(plan: SyncPlan, groupIds: ReadonlySet<string>): SyncPlan {
  const inGroup = <T extends { groupId: string }>(items: T[]) => items.filter((i) => groupIds.has(i.groupId));
  return {
    ...plan,
    adds: inGroup(plan.adds),
    roleChanges: inGroup(plan.roleChanges),
    removals: inGroup(plan.removals),
    kept: inGroup(plan.kept),
    removalsScheduled: inGroup(plan.removalsScheduled),
    removalsCancelled: inGroup(plan.removalsCancelled),
    lastOwnerMarked: inGroup(plan.lastOwnerMarked),
    lastOwnerCleared: inGroup(plan.lastOwnerCleared),
    admin: { from: plan.admin.from, to: plan.admin.from },
  };
}

/**
 * Normalized external groups that some applicable link (or, matching by name, the name) ties to the
 * group; null when a glob or regex link may tie it (any external group may then concern it).
 */
export function externalGroupsLinkedTo(context: SyncContext, groupId: string): string[] | null {
  const group = context.groupsById.get(groupId);
  if (group !== undefined && context.patterns.anyTargets(group)) return null;
  const result: string[] = [];
  for (const [externalGroup, links] of context.linksByExternalGroup) {
    if (links.some((link) => link.groupId === groupId)) result.push(externalGroup);
  }
  for (const [name, groups] of context.groupsByNormalizedName) {
    if (groups.some((group) => group.id === groupId)) result.push(name);
  }
  return result;
}
