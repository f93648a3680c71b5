// The sentences a plan carries. Kept in one place so previews, audit events and sign-in pages read alike.
import type { PatternHit } from './link-match';
import type {
  ClaimStatus,
  EngineLink,
  ExternalGroups,
  GroupSyncPolicy,
  MembershipSource,
  Role,
} from './types';

/** What made sync want a role in a group: the matching links (strongest first) and name matches. */
export interface DesiredRole {
  role: Role;
  links: EngineLink[];
  /** Glob and regex links that matched, with the claim (and capture) each matched. */
  patternMatches?: PatternHit[];
  /** Normalized external groups equal to the group's name (name matching). */
  nameMatches: string[];
  defaultRole: Role;
  /** True when the role comes from the IdP's default memberships (the user matches no link). */
  fromDefault: boolean;
}

export const DENIED_JIT_OFF =
  'automatic account creation is turned off for this sign-in method; ask your administrator to create your account';

export function deniedNotInGroup(external: ExternalGroups): string {
  const base = 'your account is not in any group of this workspace';
  if (external.complete) return base;
  return `${base}; ${incompleteClaimPhrase(external.status)}, so membership could not be confirmed`;
}

/** Names the claim status behind an incomplete group list. */
function incompleteClaimPhrase(status: ClaimStatus): string {
  switch (status) {
    case 'overage':
      return 'the group claim was truncated (overage: the identity provider left groups out)';
    case 'missing':
      return 'the group claim was missing from the sign-in';
    case 'present':
      return 'the group list is incomplete';
  }
}

/** Why sync wants `sources.role`: `external group "Dev Team" is linked to it as maintainer`. */
export function describeJustification(sources: DesiredRole): string {
  const single: string[] = [];
  const listed: string[] = [];
  for (const link of sources.links) {
    single.push(`external group ${quoteLink(link)} is linked to it as ${link.role}`);
    listed.push(`${quoteLink(link)} (linked as ${link.role})`);
  }
  for (const hit of sources.patternMatches ?? []) {
    single.push(
      `external group "${hit.claim}" matches ${describePattern(hit)}, linked to it as ${hit.link.role}`,
    );
    listed.push(`"${hit.claim}" (matches ${describePattern(hit)}, linked as ${hit.link.role})`);
  }
  for (const name of sources.nameMatches) {
    single.push(
      `external group "${name}" has its name, and name matching gives the default role, ${sources.defaultRole}`,
    );
    listed.push(`"${name}" (same name, default role ${sources.defaultRole})`);
  }
  if (single.length === 0 && sources.fromDefault) return DEFAULT_JUSTIFICATION;
  if (single.length === 1) return single[0];
  return `external groups ${joinWords(listed)} match it; the highest role, ${sources.role}, wins`;
}

/** Why a member of a managed group is no longer justified, with the policy that decides what follows. */
export function describeUnjustified(policy: GroupSyncPolicy, source: MembershipSource): string {
  const noMatch = policy.matchByName
    ? 'no external group of this user is linked to it or has its name'
    : 'no external group of this user is linked to it';
  switch (policy.removal) {
    case 'default-role':
      return `${noMatch} (removal policy: default-role gives the default role, ${policy.defaultRole})`;
    case 'synced-only':
      return source === 'manual'
        ? `${noMatch} (removal policy: synced-only)`
        : `${noMatch} (removal policy: synced-only, and this membership came from ${source === 'scim' ? 'SCIM' : 'sync'})`;
    case 'enforce':
    case 'never':
      return `${noMatch} (removal policy: ${policy.removal})`;
  }
}

/** Why a membership sync made is unjustified once its group lost every link. */
export function describeOrphaned(policy: GroupSyncPolicy, source: MembershipSource): string {
  return `the group has no group links any more and this membership came from ${source === 'scim' ? 'SCIM' : 'sync'} (removal policy: ${policy.removal})`;
}

export function addedReason(groupName: string, role: Role, why: string): string {
  return `Added to "${groupName}" as ${role}: ${why}.`;
}

export function roleChangedReason(groupName: string, from: Role, to: Role, why: string): string {
  return `Role in "${groupName}" changed from ${from} to ${to}: ${why}.`;
}

export function removedReason(groupName: string, why: string): string {
  // The group's name through quote(): the purity check reads `from "..."` as an import.
  return `Removed from ${quote(groupName)}: ${why}.`;
}

/** A loss a protection stopped: a downgrade to `to`, or a removal when `to` is null. */
export function keptReason(
  groupName: string,
  role: Role,
  to: Role | null,
  why: string,
  protection: string,
): string {
  const stopped = to === null ? 'not removed' : `not downgraded to ${to}`;
  return `Kept in "${groupName}" as ${role} (${stopped}): ${why}, but ${protection}.`;
}

export function incompleteClaimProtection(status: ClaimStatus): string {
  return `${incompleteClaimPhrase(status)}, and an incomplete group list never removes or downgrades anyone`;
}

export const PROTECTION_MANUAL_UNDER_SYNCED_ONLY =
  'the membership was added by hand, and the removal policy synced-only never removes or downgrades those';

export const PROTECTION_LAST_OWNER =
  'the user is its last owner: kept as last owner although the IdP no longer grants it (workspace setting keepLastOwner)';

const DEFAULT_JUSTIFICATION =
  'it is a default membership of this sign-in method, given to users whose groups match no link';

export const DEFAULT_GONE =
  'it is a default membership of this sign-in method and the user now matches a link (removeDefaultsOnMatch)';

export const DEFAULT_STAYS =
  'it is a default membership of this sign-in method, kept after the user matched a link (removeDefaultsOnMatch is off)';

export const NO_LONGER_MANAGED = 'no link of this sign-in method manages the group any more';

export function policyKeepsReason(policy: GroupSyncPolicy): string {
  return `the removal policy ${policy.removal} does not remove it`;
}

/** A removal postponed by the grace period. */
export function scheduledReason(groupName: string, dueAt: string, hours: number, why: string): string {
  return `Removal from ${quote(groupName)} scheduled for ${dueAt} (grace period of ${hours} hours): ${why}.`;
}

export function removedAfterGraceReason(groupName: string, dueAt: string, why: string): string {
  return `Removed from ${quote(groupName)} after the grace period (due ${dueAt}): ${why}.`;
}

export function cancelledReason(groupName: string, why: string): string {
  return `Pending removal from ${quote(groupName)} cancelled: ${why}.`;
}

export function lastOwnerMarkedReason(groupName: string, role: Role): string {
  return `Kept in "${groupName}" as ${role} as its last owner, although the IdP no longer grants it.`;
}

export function lastOwnerClearedReason(groupName: string): string {
  return `No longer kept in "${groupName}" only as its last owner: the IdP grants the role again, another owner appeared, or the role changed.`;
}

export function adminGrantedReason(adminGroup: string): string {
  return `Made a workspace admin: external group "${adminGroup}" is an admin group of this sign-in method.`;
}

export function adminKeptReason(status: ClaimStatus): string {
  return `Still a workspace admin: no external group of this user is an admin group, but ${incompleteClaimPhrase(status)}, so admin rights granted by sync are not revoked.`;
}

export const ADMIN_REVOKED_REASON =
  'Workspace admin revoked: sync granted it, and no external group of this user is an admin group any more.';

function quote(name: string): string {
  return `"${name}"`;
}

/** `the glob "eng-*"`, `the regex "^team-(.+)$" (capture "blue" names the group)`. */
export function describePattern(hit: PatternHit): string {
  const kind = hit.link.matchType === 'glob' ? 'glob' : 'regex';
  const label = hit.link.label ? ` ("${hit.link.label}")` : '';
  const capture =
    hit.link.targetFromCapture === true ? ` (capture "${hit.capture ?? ''}" names the group)` : '';
  return `the ${kind} "${hit.link.externalGroup}"${label}${capture}`;
}

/** A capture link matched but names no single group. */
export function captureMissReason(hit: PatternHit, groupsNamed: number): string {
  const pattern = `External group "${hit.claim}" matches the regex "${hit.link.externalGroup}"`;
  const capture = hit.capture ?? '';
  if (groupsNamed === 0)
    return `${pattern}, but no group of this workspace is named "${capture}": no membership (sync never creates groups).`;
  return `${pattern}, but ${groupsNamed} groups are named "${capture}" (ignoring case): no membership until one is renamed.`;
}

function quoteLink(link: EngineLink): string {
  return link.label ? `"${link.externalGroup}" ("${link.label}")` : `"${link.externalGroup}"`;
}

/** `a, b and c`, for the two or more words describeJustification lists. */
function joinWords(words: readonly string[]): string {
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
