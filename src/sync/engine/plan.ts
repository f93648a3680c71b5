import { isLastOwner } from './last-owner';
import { normalizeGroupName } from './normalize';
import { BUILT_IN_ROLE_RANKS, higherRole, roleRank, type RoleRanks } from './roles';
import type {
  ClaimStatus,
  EngineGroup,
  EngineLink,
  EngineMembership,
  EngineUser,
  ExternalGroups,
  GroupSyncPolicy,
  Role,
} from './types';
import {
  ADMIN_REVOKED_REASON,
  addedReason,
  adminGrantedReason,
  adminKeptReason,
  DENIED_JIT_OFF,
  deniedNotInGroup,
  describeJustification,
  describeOrphaned,
  describeUnjustified,
  incompleteClaimProtection,
  keptReason,
  removedReason,
  roleChangedReason,
  PROTECTION_LAST_OWNER,
  PROTECTION_MANUAL_UNDER_SYNCED_ONLY,
  type DesiredRole,
} from './reasons';

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
interface PlanKept {
  groupId: string;
  groupName: string;
  role: Role;
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
  admin: { from: boolean; to: boolean; reason?: string };
  complete: boolean;
  claimStatus: ClaimStatus;
  externalGroups: string[];
  /** External groups that matched an applicable link or (name matching) a local group. */
  matchedExternalGroups: string[];
}

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
  /** The tenant's roles by rank: "highest role wins" and "lower role" compare these. */
  readonly roleRanks: RoleRanks;
}

export function buildSyncContext(args: {
  idpId: string;
  policy: GroupSyncPolicy;
  groups: EngineGroup[];
  links: EngineLink[];
  /** The tenant's ladder; absent: the built-in one. */
  roles?: RoleRanks;
}): SyncContext {
  const { idpId, policy } = args;
  const groupsById = new Map(args.groups.map((group) => [group.id, group]));

  const linksByExternalGroup = new Map<string, EngineLink[]>();
  const managedGroupIds = new Set<string>();
  const linkedGroupIds = new Set<string>();
  for (const link of args.links) {
    linkedGroupIds.add(link.groupId);
    const appliesToThisIdp = link.idpId === null || link.idpId === idpId;
    // A link to a group that no longer exists has nothing to manage.
    if (!appliesToThisIdp || !groupsById.has(link.groupId)) continue;
    const key = normalizeGroupName(link.externalGroup, policy);
    if (key === '') continue;
    appendTo(linksByExternalGroup, key, link);
    managedGroupIds.add(link.groupId);
  }

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

  return {
    idpId,
    policy,
    groupsById,
    linksByExternalGroup,
    managedGroupIds,
    linkedGroupIds,
    groupsByNormalizedName,
    adminGroups,
    roleRanks: args.roles ?? BUILT_IN_ROLE_RANKS,
  };
}

const NO_OWNER_COUNTS: ReadonlyMap<string, number> = new Map();

export interface PlanSyncInput {
  /** null: first sign-in, the user does not exist yet. */
  user: EngineUser | null;
  memberships: EngineMembership[];
  external: ExternalGroups;
  /** Direct owners per group id (this user included), for the last-owner rule. A missing count is 1. */
  ownerCounts?: ReadonlyMap<string, number>;
}

/** What sync would do for one user. Pure: reads its inputs, writes nothing. */
export function planSync(ctx: SyncContext, input: PlanSyncInput): SyncPlan {
  const { policy } = ctx;
  const { user, external } = input;

  if (user === null && !policy.jit) return deniedPlan(external, DENIED_JIT_OFF);

  const plan = emptyPlan(external, user === null ? 'create' : 'existing');
  if (!policy.enabled) {
    const isAdmin = user?.isAdmin ?? false;
    plan.admin = { from: isAdmin, to: isAdmin };
    return plan;
  }

  const { desired, matchedExternalGroups } = desiredRoles(ctx, external.groups);

  if (user === null && policy.prohibitSignupIfNotInGroup && matchedExternalGroups.length === 0) {
    return deniedPlan(external, deniedNotInGroup(external));
  }

  // A new user has no memberships yet, whatever the caller passed.
  const memberships = user === null ? [] : input.memberships;
  const changes = planMemberships(ctx, desired, memberships, external, input.ownerCounts);
  plan.adds = changes.adds;
  plan.roleChanges = changes.roleChanges;
  plan.removals = changes.removals;
  plan.kept = changes.kept;
  plan.admin = planAdmin(ctx, user, external);
  plan.matchedExternalGroups = matchedExternalGroups;
  return plan;
}

/** True when applying the plan would write something: a new user, a membership change, an admin change. */
export function planHasChanges(plan: SyncPlan): boolean {
  return (
    plan.signup === 'create' ||
    plan.adds.length > 0 ||
    plan.roleChanges.length > 0 ||
    plan.removals.length > 0 ||
    plan.admin.from !== plan.admin.to
  );
}

// ---------------------------------------------------------------------------------------------

function desiredRoles(
  ctx: SyncContext,
  externalGroups: readonly string[],
): { desired: Map<string, DesiredRole>; matchedExternalGroups: string[] } {
  const desired = new Map<string, DesiredRole>();
  const matchedExternalGroups: string[] = [];
  const want = (groupId: string, role: Role): DesiredRole => {
    let entry = desired.get(groupId);
    if (entry === undefined) {
      entry = { role, links: [], nameMatches: [], defaultRole: ctx.policy.defaultRole };
      desired.set(groupId, entry);
    } else {
      entry.role = higherRole(entry.role, role, ctx.roleRanks);
    }
    return entry;
  };

  for (const externalGroup of externalGroups) {
    let matched = false;
    for (const link of ctx.linksByExternalGroup.get(externalGroup) ?? []) {
      want(link.groupId, link.role).links.push(link);
      matched = true;
    }
    for (const group of ctx.groupsByNormalizedName.get(externalGroup) ?? []) {
      want(group.id, ctx.policy.defaultRole).nameMatches.push(externalGroup);
      matched = true;
    }
    if (matched) matchedExternalGroups.push(externalGroup);
  }

  // Strongest link first, so the reason reads in the order that decided the role.
  const strongestFirst = (a: EngineLink, b: EngineLink) => compareLinks(a, b, ctx.roleRanks);
  for (const entry of desired.values()) entry.links.sort(strongestFirst);
  return { desired, matchedExternalGroups };
}

function compareLinks(a: EngineLink, b: EngineLink, ranks: RoleRanks): number {
  return (
    roleRank(b.role, ranks) - roleRank(a.role, ranks) ||
    compareStrings(a.externalGroup, b.externalGroup) ||
    compareStrings(a.id, b.id)
  );
}

interface MembershipChanges {
  adds: PlanAdd[];
  roleChanges: PlanRoleChange[];
  removals: PlanRemoval[];
  kept: PlanKept[];
}

function planMemberships(
  ctx: SyncContext,
  desired: ReadonlyMap<string, DesiredRole>,
  memberships: readonly EngineMembership[],
  external: ExternalGroups,
  ownerCounts: ReadonlyMap<string, number> | undefined,
): MembershipChanges {
  const { policy } = ctx;
  const changes: MembershipChanges = { adds: [], roleChanges: [], removals: [], kept: [] };

  // Only memberships of managed groups are ever looked at again: the rest is not sync's business.
  const currentByGroup = new Map<string, EngineMembership>();
  const orphaned = new Set<string>();
  for (const membership of memberships) {
    const { groupId } = membership;
    if (currentByGroup.has(groupId)) continue;
    if (ctx.managedGroupIds.has(groupId)) {
      currentByGroup.set(groupId, membership);
    } else if (
      membership.source !== 'manual' &&
      !ctx.linkedGroupIds.has(groupId) &&
      ctx.groupsById.has(groupId)
    ) {
      currentByGroup.set(groupId, membership);
      orphaned.add(groupId);
    }
  }

  /** Why this membership may not lose its role or be removed; null when it may. */
  const protectionAgainstLoss = (current: EngineMembership): string | null => {
    if (!external.complete) return incompleteClaimProtection(external.status);
    if (policy.removal === 'synced-only' && current.source === 'manual')
      return PROTECTION_MANUAL_UNDER_SYNCED_ONLY;
    if (isLastOwner(current, ownerCounts ?? NO_OWNER_COUNTS)) return PROTECTION_LAST_OWNER;
    return null;
  };

  const changeRole = (
    group: EngineGroup,
    current: EngineMembership,
    to: Role,
    linkIds: string[],
    why: string,
  ) => {
    if (to === current.role) return;
    if (roleRank(to, ctx.roleRanks) < roleRank(current.role, ctx.roleRanks)) {
      const protection = protectionAgainstLoss(current);
      if (protection !== null) {
        changes.kept.push({
          groupId: group.id,
          groupName: group.name,
          role: current.role,
          reason: keptReason(group.name, current.role, to, why, protection),
        });
        return;
      }
    }
    changes.roleChanges.push({
      groupId: group.id,
      groupName: group.name,
      from: current.role,
      to,
      linkIds,
      reason: roleChangedReason(group.name, current.role, to, why),
    });
  };

  for (const [groupId, want] of desired) {
    const group = ctx.groupsById.get(groupId);
    if (group === undefined) continue; // cannot happen: the context only indexes existing groups
    const linkIds = want.links.map((link) => link.id);
    const why = describeJustification(want);
    const current = currentByGroup.get(groupId);
    if (current === undefined) {
      changes.adds.push({
        groupId: group.id,
        groupName: group.name,
        role: want.role,
        linkIds,
        reason: addedReason(group.name, want.role, why),
      });
    } else {
      changeRole(group, current, want.role, linkIds, why);
    }
  }

  for (const [groupId, current] of currentByGroup) {
    if (desired.has(groupId)) continue;
    const group = ctx.groupsById.get(groupId);
    if (group === undefined) continue; // cannot happen: managed groups exist
    const why = orphaned.has(groupId)
      ? describeOrphaned(policy, current.source)
      : describeUnjustified(policy, current.source);

    switch (policy.removal) {
      case 'never':
        break;
      case 'default-role':
        changeRole(group, current, policy.defaultRole, [], why);
        break;
      case 'synced-only':
      case 'enforce': {
        const protection = protectionAgainstLoss(current);
        if (protection === null) {
          changes.removals.push({
            groupId: group.id,
            groupName: group.name,
            role: current.role,
            reason: removedReason(group.name, why),
          });
        } else {
          changes.kept.push({
            groupId: group.id,
            groupName: group.name,
            role: current.role,
            reason: keptReason(group.name, current.role, null, why, protection),
          });
        }
        break;
      }
    }
  }

  changes.adds.sort(compareByGroup);
  changes.roleChanges.sort(compareByGroup);
  changes.removals.sort(compareByGroup);
  changes.kept.sort(compareByGroup);
  return changes;
}

function planAdmin(ctx: SyncContext, user: EngineUser | null, external: ExternalGroups): SyncPlan['admin'] {
  const from = user?.isAdmin ?? false;
  let adminGroup: string | undefined;
  for (const group of external.groups) {
    if (ctx.adminGroups.has(group)) {
      adminGroup = group;
      break;
    }
  }

  if (adminGroup !== undefined)
    return from ? { from, to: true } : { from, to: true, reason: adminGrantedReason(adminGroup) };
  // Admin rights given by hand (or of unknown origin) are the admin's decision, never sync's to undo.
  if (user === null || !from || user.adminSource !== 'sync') return { from, to: from };
  if (!external.complete) return { from, to: true, reason: adminKeptReason(external.status) };
  return { from, to: false, reason: ADMIN_REVOKED_REASON };
}

function emptyPlan(external: ExternalGroups, signup: SyncPlan['signup']): SyncPlan {
  return {
    signup,
    adds: [],
    roleChanges: [],
    removals: [],
    kept: [],
    admin: { from: false, to: false },
    complete: external.complete,
    claimStatus: external.status,
    externalGroups: [...external.groups],
    matchedExternalGroups: [],
  };
}

function deniedPlan(external: ExternalGroups, denialReason: string): SyncPlan {
  const plan = emptyPlan(external, 'denied');
  plan.denialReason = denialReason;
  return plan;
}

function compareByGroup(
  a: { groupName: string; groupId: string },
  b: { groupName: string; groupId: string },
): number {
  return compareStrings(a.groupName, b.groupName) || compareStrings(a.groupId, b.groupId);
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function appendTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
