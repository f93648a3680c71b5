// The group-sync engine: pure functions from (policy, groups, links, user, claims) to a plan with reasons.
// See docs/sync.md for the rules it follows.
export * from './types';
export { DEFAULT_GROUP_SYNC_POLICY, resolvePolicy } from './policy';
export { hasOverageMarker, normalizeClaims, normalizeGroupName } from './normalize';
export type { RawClaims } from './normalize';
export { buildSyncContext, seesAnyName } from './context';
export { compilePattern, matchTypeOf } from './link-match';
export type { CompiledPattern, RegexCompiler, RegexMatcher } from './link-match';
export { describePattern } from './reasons';
export type { SyncContext } from './context';
export { planHasChanges, planSync } from './plan';
export type { SyncPlan } from './plan-types';
export { countDownOwners, isLastOwner, lastOwnerAmong, weighsOwners } from './last-owner';
export { pushedExternalGroups, storedExternalGroups, withPushedGroups } from './completeness';
export { externalGroupsLinkedTo, onlyGroup, onlyGroups } from './scope';
export {
  admissionNeeds,
  decideLink,
  defaultAccountLinking,
  emailDomain,
  emailVerification,
  isAllowedDomain,
  linkingSettingsOf,
  reservedDomainReason,
  reservingIdps,
  signInRefusal,
} from './admission';
export type {
  AccountLinking,
  AccountOwners,
  AdmissionRefusal,
  EmailVerification,
  OtherIdp,
} from './admission';
