// The per tenant + IdP half of planning: groups, links and settings indexed once for many users.
import { CaptureReach } from './capture-reach';
import {
  compilePattern,
  groupsByFoldedName,
  matchTypeOf,
  PatternIndex,
  type RegexCompiler,
} from './link-match';
import { normalizeGroupName } from './normalize';
import { BUILT_IN_ROLE_RANKS, higherRole, type RoleRanks } from './roles';
import type { EngineGroup, EngineLink, GroupSyncPolicy, Role } from './types';

/**
 * Everything about one tenant + IdP that does not depend on the user, indexed once so that planning
 * many users (an impact preview) costs time in each user's groups, not in the tenant's size.
 */
export interface SyncContext {
  readonly idpId: string;
  readonly policy: GroupSyncPolicy;
  readonly groupsById: ReadonlyMap<string, EngineGroup>;
  /** Links that apply to this IdP (its own and the tenant-wide ones), by normalized externalGroup. */
  readonly linksByExternalGroup: ReadonlyMap<string, readonly EngineLink[]>;
  /** Groups sync may change: those with an applicable link; every group when matching by name. */
  readonly managedGroupIds: ReadonlySet<string>;
  /**
   * Groups with a link of any IdP. A sync-made membership in a group outside this set lost its last
   * link: sync created it, nothing justifies it any more, so sync may take it back.
   */
  readonly linkedGroupIds: ReadonlySet<string>;
  /** Name matching only: local groups by normalized name (names can collide once case-folded). */
  readonly groupsByNormalizedName: ReadonlyMap<string, readonly EngineGroup[]>;
  readonly adminGroups: ReadonlySet<string>;
  /** The policy's default memberships whose group exists, by group id (a deleted group is ignored). */
  readonly defaultRoles: ReadonlyMap<string, Role>;
  /** Tenant setting (default true): sync never removes or downgrades a group's last owner. */
  readonly keepLastOwner: boolean;
  /** The tenant's roles by rank: "highest role wins" and "lower role" compare these. */
  readonly roleRanks: RoleRanks;
  /** Glob and regex links that apply to this IdP (exact links are in linksByExternalGroup). */
  readonly patterns: PatternIndex;
  /** Capture links: local groups by case-folded name (what a capture names), and who may be reached. */
  readonly groupsByFoldedName: ReadonlyMap<string, readonly EngineGroup[]>;
  readonly captureReach: CaptureReach;
}

export function buildSyncContext(args: {
  idpId: string;
  policy: GroupSyncPolicy;
  groups: EngineGroup[];
  links: EngineLink[];
  keepLastOwner?: boolean;
  /** The tenant's ladder; absent: the built-in one. */
  roles?: RoleRanks;
  /** Compiles regex links (a linear-time engine, outside the engine); needed only when there are some. */
  compileRegex?: RegexCompiler;
}): SyncContext {
  const { idpId, policy } = args;
  const roleRanks = args.roles ?? BUILT_IN_ROLE_RANKS;
  const groupsById = new Map(args.groups.map((group) => [group.id, group]));

  const linksByExternalGroup = new Map<string, EngineLink[]>();
  const managedGroupIds = new Set<string>();
  const linkedGroupIds = new Set<string>();
  const patterns = new PatternIndex();
  const captureReach = new CaptureReach();
  for (const link of args.links) {
    const appliesToThisIdp = link.idpId === null || link.idpId === idpId;
    if (link.targetFromCapture === true) {
      // Its home group is where it is listed, not what it manages: the capture names the target.
      const compiled = compilePattern(link, !policy.caseSensitive, args.compileRegex);
      captureReach.add(compiled, appliesToThisIdp);
      if (appliesToThisIdp) patterns.add(compiled);
      continue;
    }
    linkedGroupIds.add(link.groupId);
    // A link to a group that no longer exists has nothing to manage.
    if (!appliesToThisIdp || !groupsById.has(link.groupId)) continue;
    if (matchTypeOf(link) !== 'exact') {
      patterns.add(compilePattern(link, !policy.caseSensitive, args.compileRegex));
      managedGroupIds.add(link.groupId);
      continue;
    }
    const key = normalizeGroupName(link.externalGroup, policy);
    if (key === '') continue;
    appendTo(linksByExternalGroup, key, link);
    managedGroupIds.add(link.groupId);
  }

  patterns.seal(args.compileRegex, !policy.caseSensitive);

  const groupsByNormalizedName = new Map<string, EngineGroup[]>();
  if (policy.matchByName) {
    for (const group of args.groups) {
      managedGroupIds.add(group.id);
      const key = normalizeGroupName(group.name, policy);
      if (key !== '') appendTo(groupsByNormalizedName, key, group);
    }
  }

  const adminGroups = new Set<string>();
  for (const adminGroup of policy.adminGroups) {
    const key = normalizeGroupName(adminGroup, policy);
    if (key !== '') adminGroups.add(key);
  }

  const defaultRoles = new Map<string, Role>();
  for (const { groupId, role } of policy.defaultMemberships)
    // Stryker disable next-line ConditionalExpression: `true` leaves a deleted group in, which planDesired's guard then skips
    if (groupsById.has(groupId))
      defaultRoles.set(groupId, higherRole(defaultRoles.get(groupId) ?? role, role, roleRanks));

  return {
    idpId,
    policy,
    groupsById,
    linksByExternalGroup,
    managedGroupIds,
    linkedGroupIds,
    groupsByNormalizedName,
    adminGroups,
    defaultRoles,
    keepLastOwner: args.keepLastOwner ?? true,
    roleRanks,
    patterns,
    // Stryker disable next-line ConditionalExpression,EqualityOperator: only capture hits read this map, and there are none without capture links: building it always only costs time.
    groupsByFoldedName: captureReach.size > 0 ? groupsByFoldedName(args.groups) : new Map(),
    captureReach: captureReach.withGroups(groupsById),
  };
}

function appendTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Whether a plan can depend on any of these normalized external group names: a link of this IdP (or
 * a tenant-wide one) matches it, a local group has that name when matching by name, or it is an
 * admin group. A user whose stored groups gained or lost only other names plans exactly as before.
 */
export function seesAnyName(context: SyncContext, names: Iterable<string>): boolean {
  for (const name of names)
    if (
      context.linksByExternalGroup.has(name) ||
      context.groupsByNormalizedName.has(name) ||
      context.adminGroups.has(name)
    )
      return true;
  return false;
}
