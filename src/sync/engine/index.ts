// The group-sync engine: pure functions from (policy, groups, links, user, claims) to a plan with reasons.
// See docs/sync.md for the rules it follows.
export * from './types';
export { higherRole, isRole } from './roles';
export { DEFAULT_GROUP_SYNC_POLICY, resolvePolicy } from './policy';
export { hasOverageMarker, normalizeClaims, normalizeGroupName, parseDnCommonName } from './normalize';
export type { NameMatchingPolicy, RawClaims } from './normalize';
export { buildSyncContext, planHasChanges, planSync } from './plan';
export type {
  PlanAdd,
  PlanKept,
  PlanRemoval,
  PlanRoleChange,
  PlanSyncInput,
  SyncContext,
  SyncPlan,
} from './plan';
export { applyPlanToMemberships } from './apply';
export { isLastOwner, lastOwnerAmong } from './last-owner';
export type { OwnedMembership } from './last-owner';
export {
  isCompleteClaim,
  pushedExternalGroups,
  storedExternalGroups,
  withPushedGroups,
} from './completeness';
export { externalGroupsLinkedTo, onlyGroup } from './scope';
