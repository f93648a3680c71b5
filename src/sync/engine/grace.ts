// The grace period and the markers a plan leaves on memberships (pending removal, kept as last owner).
import type { MembershipChanges } from './plan-types';
import { cancelledReason, lastOwnerClearedReason, lastOwnerMarkedReason, NO_LONGER_MANAGED } from './reasons';
import type { EngineGroup, EngineMembership, GroupSyncPolicy } from './types';

const HOUR_MS = 3_600_000;

/** What the grace period makes of a removal sync wants now. */
export type GraceStep =
  { kind: 'remove'; dueAt: string | null } | { kind: 'schedule'; dueAt: string } | { kind: 'pending' };

/**
 * A removal waits `removalGraceHours` from the first plan that wanted it: that plan marks the
 * membership, later plans leave the mark until it is due, and the plan at or after the due time
 * removes. A grace period turned off removes marked memberships at once.
 */
export function graceStep(
  policy: Pick<GroupSyncPolicy, 'removalGraceHours'>,
  membership: EngineMembership,
  now: number,
): GraceStep {
  const due = membership.removalDueAt ?? null;
  if (due !== null && (due <= now || policy.removalGraceHours === 0))
    return { kind: 'remove', dueAt: new Date(due).toISOString() };
  if (due !== null) return { kind: 'pending' };
  if (policy.removalGraceHours === 0) return { kind: 'remove', dueAt: null };
  return { kind: 'schedule', dueAt: new Date(now + policy.removalGraceHours * HOUR_MS).toISOString() };
}

/** What the plan decided per group, for the markers. */
export interface MarkerState {
  /** Groups whose membership this plan removes or keeps pending removal: their marks stay. */
  removing: Set<string>;
  /** Groups where sync keeps the owner only because they are its last owner. */
  keptAsLastOwner: Set<string>;
  /** Why sync no longer removes a membership it looked at, by group: the words of a cancellation. */
  settled: Map<string, string>;
  /** Groups whose loss an incomplete claim stopped: whether the IdP still grants owner there is unknown. */
  unsure: Set<string>;
}

/**
 * Markers follow the plan: a pending removal survives only a plan that still wants the removal (a
 * claim that justifies the membership again, an incomplete list, a protection or a policy that no
 * longer removes all cancel it), and the last-owner mark is there exactly while the plan keeps the
 * owner as last owner. Marks of groups the plan did not look at are left alone, except pending
 * removals this IdP scheduled in a group it no longer manages.
 */
export function settleMarkers(
  idpId: string,
  groupsById: ReadonlyMap<string, EngineGroup>,
  memberships: readonly EngineMembership[],
  lookedAt: ReadonlySet<string>,
  state: MarkerState,
  changes: MembershipChanges,
): void {
  const removedNow = new Set(changes.removals.map((removal) => removal.groupId));
  for (const membership of memberships) {
    const group = groupsById.get(membership.groupId);
    if (group === undefined) continue;
    const looked = lookedAt.has(group.id);
    const pending = (membership.removalDueAt ?? null) !== null;
    if (pending && !state.removing.has(group.id) && (looked || membership.removalIdpId === idpId)) {
      const why = state.settled.get(group.id) ?? NO_LONGER_MANAGED;
      changes.removalsCancelled.push({
        groupId: group.id,
        groupName: group.name,
        reason: cancelledReason(group.name, why),
      });
    }
    const kept = state.keptAsLastOwner.has(group.id);
    const marker = { groupId: group.id, groupName: group.name };
    if (kept && membership.keptAsLastOwner !== true)
      changes.lastOwnerMarked.push({ ...marker, reason: lastOwnerMarkedReason(group.name, membership.role) });
    else if (
      !kept &&
      membership.keptAsLastOwner === true &&
      looked &&
      !removedNow.has(group.id) &&
      !state.unsure.has(group.id)
    )
      changes.lastOwnerCleared.push({ ...marker, reason: lastOwnerClearedReason(group.name) });
  }
}
