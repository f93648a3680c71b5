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
