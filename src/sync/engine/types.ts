// The engine's vocabulary: plain data in, plain data out. Nothing here knows about HTTP or the database.
export { BUILT_IN_ROLE_RANKS, ROLES, roleRank, roleRanksWith } from './roles';
export type { BuiltInRole, Role, RoleRanks } from './roles';
import type { Role } from './roles';

/** Who created a membership: an admin by hand, group-link sync, or a SCIM push. */
export type MembershipSource = 'manual' | 'sync' | 'scim';

/** What happens to a member of a managed group whom no link justifies any more. */
export type RemovalPolicy = 'enforce' | 'default-role' | 'synced-only' | 'never';

/** Group-sync settings of one identity provider. Defaults: DEFAULT_GROUP_SYNC_POLICY in policy.ts. */
export interface GroupSyncPolicy {
  /** Default true. When false the engine plans no group or admin changes at all. */
  enabled: boolean;
  /** Attribute / claim names that carry groups. Default ['groups']. */
  claims: string[];
  /** Default null. When set, each claim value is split on it. */
  delimiter: string | null;
  /** Default true (GitLab, ClearML). */
  caseSensitive: boolean;
  /** Default false. 'CN=test, OU=unit, DC=mycomp' -> 'test'. */
  dnCommonName: boolean;
  /** Default false. ClearML style: an external group equal to a local group's name maps there with defaultRole. */
  matchByName: boolean;
  /** Default 'guest'. Used by matchByName and by the 'default-role' removal policy. */
  defaultRole: Role;
  /** Default 'enforce'. */
  removal: RemovalPolicy;
  /** External groups whose members become tenant admins. Default []. */
  adminGroups: string[];
  /** Default false. Refuse to create a user whose external groups match nothing of this workspace. */
  prohibitSignupIfNotInGroup: boolean;
  /** Default 'keep': an absent claim means "unknown" (incomplete), so nobody is removed. */
  missingClaim: 'keep' | 'empty';
  /** Default 'keep'. 'graph': the caller completes a truncated claim through Microsoft Graph. */
  overage: 'keep' | 'graph';
  /** Default true: create unknown users at sign-in. */
  jit: boolean;
  /**
   * Default 0 (remove at once). Hours a membership sync would remove stays, marked pending removal,
   * before the removal happens; a claim that justifies it again in the meantime cancels it.
   */
  removalGraceHours: number;
  /** Default []. Memberships given to users of this IdP whose groups match no link. */
  defaultMemberships: DefaultMembership[];
  /** Default false. When true, the default memberships go once the user matches a link. */
  removeDefaultsOnMatch: boolean;
}

/** A membership every user of an IdP gets while their groups match no link. */
export interface DefaultMembership {
  groupId: string;
  role: Role;
}

export interface EngineGroup {
  id: string;
  name: string;
  parentId: string | null;
}

export interface EngineLink {
  id: string;
  groupId: string;
  /** null = any IdP of the tenant. */
  idpId: string | null;
  /** As the admin typed it (a group name or an object id); the engine normalizes it. */
  externalGroup: string;
  role: Role;
  label?: string | null;
  /** How `externalGroup` is compared with the claims; absent = 'exact'. See link-match.ts. */
  matchType?: MatchType;
  /** Regex links only: the target is the group named by capture 1, not `groupId` (the link's home). */
  targetFromCapture?: boolean;
}

/** exact: the name itself; glob: `*` and `?`; regex: an anchored regular expression. */
export type MatchType = 'exact' | 'glob' | 'regex';

export interface EngineMembership {
  groupId: string;
  role: Role;
  source: MembershipSource;
  /** Pending removal (grace period): when it is due, epoch milliseconds; null or absent: none. */
  removalDueAt?: number | null;
  /** The IdP whose sync scheduled the pending removal. */
  removalIdpId?: string | null;
  /** True while sync keeps this owner only because they are the group's last owner. */
  keptAsLastOwner?: boolean;
}

export interface EngineUser {
  id: string;
  isAdmin: boolean;
  /** Who granted admin. Sync only ever revokes what sync granted; null counts as manual. */
  adminSource: 'manual' | 'sync' | null;
}

export type ClaimStatus = 'present' | 'missing' | 'overage';

export interface ExternalGroups {
  /** Normalized (see normalize.ts), de-duplicated, in first-seen order. */
  groups: string[];
  status: ClaimStatus;
  /** True when `groups` is the user's whole group list, so absence from it may remove access. */
  complete: boolean;
}
