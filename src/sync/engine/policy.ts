import type { DefaultMembership, GroupSyncPolicy } from './types';

/**
 * Defaults follow GitLab and ClearML (exact, case-sensitive matching on the `groups` claim, enforce
 * removal) except where safety wins: an absent claim is "unknown" and never removes anyone.
 */
export const DEFAULT_GROUP_SYNC_POLICY: Readonly<GroupSyncPolicy> = Object.freeze({
  enabled: true,
  claims: Object.freeze(['groups']) as unknown as string[],
  delimiter: null,
  caseSensitive: true,
  dnCommonName: false,
  matchByName: false,
  defaultRole: 'guest',
  removal: 'enforce',
  adminGroups: Object.freeze([]) as unknown as string[],
  prohibitSignupIfNotInGroup: false,
  missingClaim: 'keep',
  overage: 'keep',
  jit: true,
  removalGraceHours: 0,
  defaultMemberships: Object.freeze([]) as unknown as DefaultMembership[],
  removeDefaultsOnMatch: false,
});

const POLICY_KEYS = Object.keys(DEFAULT_GROUP_SYNC_POLICY) as (keyof GroupSyncPolicy)[];

/**
 * The full policy: the defaults overlaid with the fields `partial` sets. Undefined fields and unknown
 * keys are ignored; arrays are copied so the result never shares state with the defaults or the input.
 * Validation of values belongs to the API layer.
 */
export function resolvePolicy(partial?: Partial<GroupSyncPolicy> | null): GroupSyncPolicy {
  const resolved: GroupSyncPolicy = {
    ...DEFAULT_GROUP_SYNC_POLICY,
    claims: [...DEFAULT_GROUP_SYNC_POLICY.claims],
    // The defaults of these two lists are empty: fresh empty arrays.
    adminGroups: [],
    defaultMemberships: [],
  };
  if (!partial) return resolved;
  for (const key of POLICY_KEYS) {
    const value = partial[key];
    if (value === undefined) continue;
    (resolved as unknown as Record<string, unknown>)[key] = Array.isArray(value)
      ? value.map((item: unknown) => (typeof item === 'object' && item !== null ? { ...item } : item))
      : value;
  }
  return resolved;
}
