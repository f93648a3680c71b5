import type { SyncContext } from './context';
import { graceStep, settleMarkers, type MarkerState } from './grace';
import { isLastOwner } from './last-owner';
import { patternTargets, type CaptureMiss } from './pattern-targets';
import type { MembershipChanges, SyncPlan } from './plan-types';
import { higherRole, roleRank, type RoleRanks } from './roles';
import type { EngineGroup, EngineLink, EngineMembership, EngineUser, ExternalGroups, Role } from './types';
import {
  ADMIN_REVOKED_REASON,
  addedReason,
  adminGrantedReason,
  adminKeptReason,
  DEFAULT_GONE,
  DEFAULT_STAYS,
  DENIED_JIT_OFF,
  deniedNotInGroup,
  describeJustification,
  describeOrphaned,
  describeUnjustified,
  incompleteClaimProtection,
  keptReason,
  policyKeepsReason,
  removedAfterGraceReason,
  removedReason,
  roleChangedReason,
  scheduledReason,
  PROTECTION_LAST_OWNER,
  PROTECTION_MANUAL_UNDER_SYNCED_ONLY,
  type DesiredRole,
} from './reasons';

export { buildSyncContext } from './context';
export type { SyncContext } from './context';
export type { SyncPlan } from './plan-types';

const NO_OWNER_COUNTS: ReadonlyMap<string, number> = new Map();

export interface PlanSyncInput {
  /** null: first sign-in, the user does not exist yet. */
  user: EngineUser | null;
  memberships: EngineMembership[];
  external: ExternalGroups;
  /** Direct owners per group id (this user included), for the last-owner rule. A missing count is 1. */
  ownerCounts?: ReadonlyMap<string, number>;
  /** The time of the plan, epoch milliseconds: when pending removals (grace period) are due. */
  now: number;
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

  const { desired, matchedExternalGroups, captureMisses } = desiredRoles(ctx, external.groups);

  if (user === null && policy.prohibitSignupIfNotInGroup && matchedExternalGroups.length === 0) {
    return deniedPlan(external, deniedNotInGroup(external));
  }

  // A new user has no memberships yet, whatever the caller passed.
  const memberships = user === null ? [] : input.memberships;
  Object.assign(plan, planMemberships(ctx, desired, memberships, external, input));
  plan.admin = planAdmin(ctx, user, external);
  plan.matchedExternalGroups = matchedExternalGroups;
  plan.captureMisses = captureMisses;
  return plan;
}

/** True when applying the plan would write something: a new user, a membership change, an admin change. */
export function planHasChanges(plan: SyncPlan): boolean {
  return (
    plan.signup === 'create' ||
    plan.adds.length > 0 ||
    plan.roleChanges.length > 0 ||
    plan.removals.length > 0 ||
    plan.removalsScheduled.length > 0 ||
    plan.removalsCancelled.length > 0 ||
    plan.lastOwnerMarked.length > 0 ||
    plan.lastOwnerCleared.length > 0 ||
    plan.admin.from !== plan.admin.to
  );
}

// ---------------------------------------------------------------------------------------------

function desiredRoles(
  ctx: SyncContext,
  externalGroups: readonly string[],
): { desired: Map<string, DesiredRole>; matchedExternalGroups: string[]; captureMisses: CaptureMiss[] } {
  const desired = new Map<string, DesiredRole>();
  const matchedExternalGroups: string[] = [];
  const captureMisses: CaptureMiss[] = [];
  const want = (groupId: string, role: Role): DesiredRole => {
    let entry = desired.get(groupId);
    if (entry === undefined) {
      entry = { role, links: [], nameMatches: [], defaultRole: ctx.policy.defaultRole, fromDefault: false };
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
    const { targets, misses } = patternTargets(ctx, externalGroup);
    for (const { groupId, hit } of targets) {
      const hits = (want(groupId, hit.link.role).patternMatches ??= []);
      // One reason per link: a glob may match many of the user's groups.
      if (!hits.some((m) => m.link.id === hit.link.id)) hits.push(hit);
      matched = true;
    }
    captureMisses.push(...misses);
    for (const group of ctx.groupsByNormalizedName.get(externalGroup) ?? []) {
      want(group.id, ctx.policy.defaultRole).nameMatches.push(externalGroup);
      matched = true;
    }
    if (matched) matchedExternalGroups.push(externalGroup);
  }

  // Strongest link first, so the reason reads in the order that decided the role.
  const strongestFirst = (a: EngineLink, b: EngineLink) => compareLinks(a, b, ctx.roleRanks);
  for (const entry of desired.values()) {
    entry.links.sort(strongestFirst);
    entry.patternMatches?.sort((a, b) => strongestFirst(a.link, b.link));
  }
  // Default memberships: only for users whose groups match nothing (a deleted group is not in the map).
  if (matchedExternalGroups.length === 0)
    for (const [groupId, role] of ctx.defaultRoles) want(groupId, role).fromDefault = true;
  return { desired, matchedExternalGroups, captureMisses };
}

function compareLinks(a: EngineLink, b: EngineLink, ranks: RoleRanks): number {
  return (
    roleRank(b.role, ranks) - roleRank(a.role, ranks) ||
    compareStrings(a.externalGroup, b.externalGroup) ||
    compareStrings(a.id, b.id)
  );
}

/** One user's membership planning: the inputs and what has been decided so far. */
interface Planning extends MarkerState {
  ctx: SyncContext;
  external: ExternalGroups;
  ownerCounts: ReadonlyMap<string, number>;
  now: number;
  changes: MembershipChanges;
}

function planMemberships(
  ctx: SyncContext,
  desired: ReadonlyMap<string, DesiredRole>,
  memberships: readonly EngineMembership[],
  external: ExternalGroups,
  input: PlanSyncInput,
): MembershipChanges {
  const run: Planning = {
    ctx,
    external,
    ownerCounts: input.ownerCounts ?? NO_OWNER_COUNTS,
    now: input.now,
    changes: {
      adds: [],
      roleChanges: [],
      removals: [],
      kept: [],
      removalsScheduled: [],
      removalsCancelled: [],
      lastOwnerMarked: [],
      lastOwnerCleared: [],
    },
    removing: new Set(),
    keptAsLastOwner: new Set(),
    settled: new Map(),
    unsure: new Set(),
  };
  const { current, orphaned } = membershipsInScope(ctx, memberships);
  for (const [groupId, want] of desired) planDesired(run, groupId, want, current.get(groupId));
  for (const [groupId, membership] of current)
    if (!desired.has(groupId)) planUnjustified(run, membership, orphaned.has(groupId));
  settleMarkers(ctx.idpId, ctx.groupsById, memberships, new Set(current.keys()), run, run.changes);

  for (const list of Object.values(run.changes)) list.sort(compareByGroup);
  return run.changes;
}

/**
 * The memberships sync looks at: those of managed groups and default-membership groups, and the
 * ones sync or SCIM made in a group that lost every link. The rest is not sync's business.
 */
function membershipsInScope(ctx: SyncContext, memberships: readonly EngineMembership[]) {
  const current = new Map<string, EngineMembership>();
  const orphaned = new Set<string>();
  for (const membership of memberships) {
    const { groupId } = membership;
    if (current.has(groupId)) continue;
    if (ctx.managedGroupIds.has(groupId) || ctx.defaultRoles.has(groupId)) {
      current.set(groupId, membership);
    } else if (membership.source !== 'manual' && ctx.captureReach.byThisIdp(groupId)) {
      // A group a capture link may name: sync's business for what sync (or SCIM) granted, not for admins' grants.
      current.set(groupId, membership);
    } else if (
      membership.source !== 'manual' &&
      !ctx.linkedGroupIds.has(groupId) &&
      !ctx.captureReach.byAnyIdp(groupId) &&
      // Stryker disable next-line ConditionalExpression: `true` lets in a deleted group's membership, which planUnjustified's guard and settleMarkers then skip
      ctx.groupsById.has(groupId)
    ) {
      current.set(groupId, membership);
      orphaned.add(groupId);
    }
  }
  return { current, orphaned };
}

function planDesired(
  run: Planning,
  groupId: string,
  want: DesiredRole,
  current: EngineMembership | undefined,
): void {
  const group = run.ctx.groupsById.get(groupId);
  // Stryker disable next-line ConditionalExpression: cannot happen, the context only indexes existing groups
  if (group === undefined) return;
  const linkIds = [...want.links, ...(want.patternMatches ?? []).map((hit) => hit.link)].map(
    (link) => link.id,
  );
  const why = describeJustification(want);
  if (current === undefined) {
    run.changes.adds.push({
      groupId: group.id,
      groupName: group.name,
      role: want.role,
      linkIds,
      reason: addedReason(group.name, want.role, why),
    });
    return;
  }
  run.settled.set(groupId, why);
  // A default membership is a floor: it never lowers a role an admin gave by hand. A higher role
  // sync gave through a link the user no longer matches goes down to the default, or leaving
  // the link would keep it for good.
  if (
    want.fromDefault &&
    current.source === 'manual' &&
    // Stryker disable next-line EqualityOperator: `>` differs only at equal ranks, i.e. the same role, which changeRole leaves alone
    roleRank(current.role, run.ctx.roleRanks) >= roleRank(want.role, run.ctx.roleRanks)
  )
    return;
  changeRole(run, group, current, want.role, linkIds, why);
}

/** A member no link (and no default membership) justifies: the removal policy decides. */
function planUnjustified(run: Planning, current: EngineMembership, orphaned: boolean): void {
  const { ctx } = run;
  const { policy } = ctx;
  const group = ctx.groupsById.get(current.groupId);
  // Stryker disable next-line ConditionalExpression: cannot happen, membershipsInScope keeps only existing groups
  if (group === undefined) return;
  if (ctx.defaultRoles.has(group.id)) {
    if (!policy.removeDefaultsOnMatch) return void run.settled.set(group.id, DEFAULT_STAYS);
    if (current.source !== 'manual') return removeOrKeep(run, group, current, DEFAULT_GONE);
    if (!ctx.managedGroupIds.has(group.id)) return;
  }
  const why = orphaned
    ? describeOrphaned(policy, current.source)
    : describeUnjustified(policy, current.source);
  switch (policy.removal) {
    case 'never':
      run.settled.set(group.id, policyKeepsReason(policy));
      break;
    case 'default-role':
      run.settled.set(group.id, policyKeepsReason(policy));
      changeRole(run, group, current, policy.defaultRole, [], why);
      break;
    case 'synced-only':
    case 'enforce':
      removeOrKeep(run, group, current, why);
      break;
  }
}

/** Why this membership may not lose its role or be removed; null when it may. */
function protectionAgainstLoss(run: Planning, current: EngineMembership): string | null {
  const { policy, keepLastOwner } = run.ctx;
  if (!run.external.complete) {
    run.unsure.add(current.groupId);
    return incompleteClaimProtection(run.external.status);
  }
  if (policy.removal === 'synced-only' && current.source === 'manual')
    return PROTECTION_MANUAL_UNDER_SYNCED_ONLY;
  if (keepLastOwner && isLastOwner(current, run.ownerCounts)) {
    run.keptAsLastOwner.add(current.groupId);
    return PROTECTION_LAST_OWNER;
  }
  return null;
}

function keep(
  run: Planning,
  group: EngineGroup,
  current: EngineMembership,
  to: Role | null,
  why: string,
  protection: string,
): void {
  run.settled.set(group.id, protection);
  run.changes.kept.push({
    groupId: group.id,
    groupName: group.name,
    role: current.role,
    reason: keptReason(group.name, current.role, to, why, protection),
  });
}

function changeRole(
  run: Planning,
  group: EngineGroup,
  current: EngineMembership,
  to: Role,
  linkIds: string[],
  why: string,
): void {
  if (to === current.role) return;
  // Stryker disable next-line EqualityOperator: `<=` only adds equal ranks, and equal ranks are the same role, returned above
  if (roleRank(to, run.ctx.roleRanks) < roleRank(current.role, run.ctx.roleRanks)) {
    const protection = protectionAgainstLoss(run, current);
    if (protection !== null) return keep(run, group, current, to, why, protection);
  }
  run.changes.roleChanges.push({
    groupId: group.id,
    groupName: group.name,
    from: current.role,
    to,
    linkIds,
    reason: roleChangedReason(group.name, current.role, to, why),
  });
}

/** A removal, unless a protection keeps the member or the grace period postpones it. */
function removeOrKeep(run: Planning, group: EngineGroup, current: EngineMembership, why: string): void {
  const protection = protectionAgainstLoss(run, current);
  if (protection !== null) return keep(run, group, current, null, why, protection);
  const entry = { groupId: group.id, groupName: group.name, role: current.role };
  const step = graceStep(run.ctx.policy, current, run.now);
  run.removing.add(group.id);
  if (step.kind === 'remove') {
    const reason =
      step.dueAt === null
        ? removedReason(group.name, why)
        : removedAfterGraceReason(group.name, step.dueAt, why);
    run.changes.removals.push({ ...entry, reason });
  } else if (step.kind === 'schedule') {
    const hours = run.ctx.policy.removalGraceHours;
    const reason = scheduledReason(group.name, step.dueAt, hours, why);
    run.changes.removalsScheduled.push({ ...entry, dueAt: step.dueAt, reason });
  }
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
  // Stryker disable next-line OptionalChaining: a new user (null) has from === false, so `!from` has returned before it is read
  if (!from || user?.adminSource !== 'sync') return { from, to: from };
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
    removalsScheduled: [],
    removalsCancelled: [],
    lastOwnerMarked: [],
    lastOwnerCleared: [],
    admin: { from: false, to: false },
    complete: external.complete,
    claimStatus: external.status,
    externalGroups: [...external.groups],
    matchedExternalGroups: [],
    captureMisses: [],
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
