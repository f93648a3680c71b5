// The completeness rule, the one home of it: when a group list is the user's whole list, so that
// absence from it may remove access. Every trigger builds the engine's external groups here.
import type { ClaimStatus, ExternalGroups, GroupSyncPolicy } from './types';

/** A claim is whole when present, or when absent and the policy reads absence as "no groups". */
export function isCompleteClaim(status: ClaimStatus, policy: Pick<GroupSyncPolicy, 'missingClaim'>): boolean {
  return status === 'present' || (status === 'missing' && policy.missingClaim === 'empty');
}

/**
 * Stored groups re-evaluated without a sign-in (reconcile, link impact): as complete as the last
 * claim was. No claim yet (only SCIM pushed groups) counts as present: a pushed list is the whole truth.
 */
export function storedExternalGroups(
  groups: string[],
  lastClaim: ClaimStatus | null,
  policy: Pick<GroupSyncPolicy, 'missingClaim'>,
): ExternalGroups {
  const status: ClaimStatus = lastClaim ?? 'present';
  return { groups, status, complete: isCompleteClaim(status, policy) };
}

/**
 * After a SCIM push: the IdP pushes the whole truth, so the stored list counts as complete even when
 * the last sign-in's claim was truncated.
 */
export function pushedExternalGroups(groups: string[]): ExternalGroups {
  return { groups, status: 'present', complete: true };
}

/** A sign-in's claim joined with what the IdP's SCIM client pushed: the engine sees the IdP's whole word. */
export function withPushedGroups(claim: ExternalGroups, pushed: readonly string[]): ExternalGroups {
  if (pushed.length === 0) return claim;
  return { ...claim, groups: [...new Set([...claim.groups, ...pushed])] };
}
