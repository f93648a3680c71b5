// The shape of a plan: what sync would do for one user, every entry with the sentence that explains it.
import type { ClaimStatus, Role } from './types';

interface PlanAdd {
  groupId: string;
  groupName: string;
  role: Role;
  linkIds: string[];
  reason: string;
}
interface PlanRoleChange {
  groupId: string;
  groupName: string;
  from: Role;
  to: Role;
  linkIds: string[];
  reason: string;
}
interface PlanRemoval {
  groupId: string;
  groupName: string;
  role: Role;
  reason: string;
}
/** A change that a protection stopped (last owner, incomplete claim, manual membership under synced-only). */
type PlanKept = PlanRemoval;
/** A removal the grace period postponed: the membership is marked pending removal until `dueAt`. */
interface PlanScheduledRemoval extends PlanRemoval {
  /** ISO 8601. */
  dueAt: string;
}
/** A marker on a membership set or cleared: a pending removal cancelled, an owner kept as last owner. */
interface PlanMarker {
  groupId: string;
  groupName: string;
  reason: string;
}

export interface SyncPlan {
  signup: 'existing' | 'create' | 'denied';
  /** Plain words for the person signing in. */
  denialReason?: string;
  adds: PlanAdd[];
  roleChanges: PlanRoleChange[];
  removals: PlanRemoval[];
  kept: PlanKept[];
  /** Grace period: memberships marked pending removal by this plan (not removed yet). */
  removalsScheduled: PlanScheduledRemoval[];
  /** Pending removals this plan cancels: a claim justifies the membership again, or sync no longer removes it. */
  removalsCancelled: PlanMarker[];
  /** Owners this plan starts keeping only because they are the group's last owner. */
  lastOwnerMarked: PlanMarker[];
  /** Owners no longer kept as last owner (the IdP grants the role again, another owner appeared, or the role changes). */
  lastOwnerCleared: PlanMarker[];
  admin: { from: boolean; to: boolean; reason?: string };
  complete: boolean;
  claimStatus: ClaimStatus;
  externalGroups: string[];
  /** External groups that matched an applicable link or (name matching) a local group. */
  matchedExternalGroups: string[];
  /** Capture links that matched but name no group (or several): nothing granted, no group created. */
  captureMisses: { externalGroup: string; linkId: string; reason: string }[];
}

/** The plan's membership lists, filled group by group. */
export type MembershipChanges = Pick<
  SyncPlan,
  | 'adds'
  | 'roleChanges'
  | 'removals'
  | 'kept'
  | 'removalsScheduled'
  | 'removalsCancelled'
  | 'lastOwnerMarked'
  | 'lastOwnerCleared'
>;
