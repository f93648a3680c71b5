// The last-owner rule, the one home of it: a group never loses its last direct owner, whoever asks
// (sync, an admin removing a member or deleting a user, a SCIM deprovisioning).
import { OWNER_ROLE } from './roles';

/** A membership as the rule sees it. */
export interface OwnedMembership {
  groupId: string;
  role: string;
}

/**
 * True when taking this membership away (or lowering its role) would leave its group without a
 * direct owner. `ownerCounts` holds the group's direct owners, this one included; a group missing
 * from it counts as owned by this membership alone, so a gap in the counts protects, never exposes.
 */
export function isLastOwner(membership: OwnedMembership, ownerCounts: ReadonlyMap<string, number>): boolean {
  return membership.role === OWNER_ROLE && (ownerCounts.get(membership.groupId) ?? 1) <= 1;
}

/** The first of `going` whose loss would leave its group ownerless, or undefined when none would. */
export function lastOwnerAmong<T extends OwnedMembership>(
  going: readonly T[],
  ownerCounts: ReadonlyMap<string, number>,
): T | undefined {
  return going.find((membership) => isLastOwner(membership, ownerCounts));
}

/**
 * True when the plan takes (or keeps, or would have taken) an owner's role away: the owner counts
 * decided something, so they must be current (SyncService counts again under the groups' locks).
 */
export function weighsOwners(plan: {
  removals: readonly OwnedMembership[];
  removalsScheduled: readonly OwnedMembership[];
  kept: readonly OwnedMembership[];
  roleChanges: readonly { from: string }[];
  lastOwnerMarked: readonly unknown[];
  lastOwnerCleared: readonly unknown[];
}): boolean {
  const owner = (m: OwnedMembership) => m.role === OWNER_ROLE;
  return (
    plan.removals.some(owner) ||
    plan.removalsScheduled.some(owner) ||
    plan.kept.some(owner) ||
    plan.roleChanges.some((c) => c.from === OWNER_ROLE) ||
    plan.lastOwnerMarked.length > 0 ||
    plan.lastOwnerCleared.length > 0
  );
}

/**
 * Several users planned against one count of owners (a SCIM push, a reconcile, a sweep): each
 * plan's owner losses (removed, or given a lower role) are counted down before the next user is
 * planned, so two owners leaving in one batch cannot both go. Planned but not written (a paused
 * sync, a staged removal) still counts down: the count errs only towards keeping an owner.
 */
export function countDownOwners(
  ownerCounts: Map<string, number>,
  plan: { removals: readonly OwnedMembership[]; roleChanges: readonly { groupId: string; from: string }[] },
): void {
  const losses = [
    ...plan.removals.filter((r) => r.role === OWNER_ROLE),
    ...plan.roleChanges.filter((c) => c.from === OWNER_ROLE),
  ];
  for (const { groupId } of losses) ownerCounts.set(groupId, (ownerCounts.get(groupId) ?? 1) - 1);
}
