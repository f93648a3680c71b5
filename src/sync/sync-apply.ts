import { EntityManager } from 'typeorm';
import { AuditEntry } from '../audit/audit.service';
import { Membership } from '../groups/membership.entity';
import { insertRows } from '../database/insert';
import { User } from '../users/user.entity';
import { ExternalMembership } from './external-membership.entity';
import type { ExternalGroups, MembershipSource, SyncPlan } from './engine';

type SyncTrigger = 'sign-in' | 'reconcile' | 'scim';

export interface ApplyMeta {
  trigger: SyncTrigger;
  idpId: string;
  idpSlug: string;
  /** Source given to memberships the plan adds. */
  source: Exclude<MembershipSource, 'manual'>;
}

/**
 * Writes a plan: memberships, admin flag, and one audit entry per change (returned, so the caller
 * records them with the summary in the same transaction). The caller holds the user's row lock.
 */
export async function writePlan(
  em: EntityManager,
  tenantId: string,
  user: User,
  plan: SyncPlan,
  meta: ApplyMeta,
): Promise<AuditEntry[]> {
  return writePlans(em, tenantId, [{ user, plan }], meta);
}

/**
 * writePlan for many users at once (a SCIM push): the new memberships of all of them go in
 * multi-row inserts instead of one statement per user. The caller holds the users' row locks.
 */
export async function writePlans(
  em: EntityManager,
  tenantId: string,
  items: { user: User; plan: SyncPlan }[],
  meta: ApplyMeta,
): Promise<AuditEntry[]> {
  const now = new Date();
  const rows = items.flatMap(({ user, plan }) =>
    plan.adds.map((add) =>
      em.create(Membership, {
        tenantId,
        userId: user.id,
        groupId: add.groupId,
        role: add.role,
        source: meta.source,
        createdAt: now,
        updatedAt: now,
      }),
    ),
  );
  for (let i = 0; i < rows.length; i += 50) await insertRows(em, Membership, rows.slice(i, i + 50));
  const entries: AuditEntry[] = [];
  for (const { user, plan } of items)
    entries.push(...(await writeChanges(em, tenantId, user, plan, meta, now)));
  return entries;
}

/** Everything of one user's plan but the inserts: role changes, removals, admin flag, and the audit entries. */
async function writeChanges(
  em: EntityManager,
  tenantId: string,
  user: User,
  plan: SyncPlan,
  meta: ApplyMeta,
  now: Date,
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  const common = { trigger: meta.trigger, idp: meta.idpSlug };
  for (const add of plan.adds) {
    entries.push({
      action: 'membership.added',
      targetType: 'group',
      targetId: add.groupId,
      userId: user.id,
      after: { role: add.role, source: meta.source },
      details: { ...common, groupName: add.groupName, reason: add.reason, linkIds: add.linkIds },
    });
  }
  for (const change of plan.roleChanges) {
    await em.update(
      Membership,
      { tenantId, userId: user.id, groupId: change.groupId },
      { role: change.to, updatedAt: now },
    );
    entries.push({
      action: 'membership.role_changed',
      targetType: 'group',
      targetId: change.groupId,
      userId: user.id,
      before: { role: change.from },
      after: { role: change.to },
      details: { ...common, groupName: change.groupName, reason: change.reason, linkIds: change.linkIds },
    });
  }
  for (const removal of plan.removals) {
    await em.delete(Membership, { tenantId, userId: user.id, groupId: removal.groupId });
    entries.push({
      action: 'membership.removed',
      targetType: 'group',
      targetId: removal.groupId,
      userId: user.id,
      before: { role: removal.role },
      details: { ...common, groupName: removal.groupName, reason: removal.reason },
    });
  }
  if (plan.admin.from !== plan.admin.to) {
    user.isAdmin = plan.admin.to;
    user.adminSource = plan.admin.to ? 'sync' : null;
    user.updatedAt = now;
    await em.update(
      User,
      { id: user.id },
      { isAdmin: user.isAdmin, adminSource: user.adminSource, updatedAt: now },
    );
    entries.push({
      action: plan.admin.to ? 'user.admin_granted' : 'user.admin_revoked',
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      before: { isAdmin: plan.admin.from },
      after: { isAdmin: plan.admin.to },
      details: { ...common, reason: plan.admin.reason ?? null },
    });
  }
  return entries;
}

/** The summary event of one sync run: counts, claim state and what was protected. */
export function summaryEntry(
  userId: string,
  plan: SyncPlan,
  meta: ApplyMeta,
  extra?: Record<string, unknown>,
): AuditEntry {
  return {
    action: 'sync.applied',
    targetType: 'user',
    targetId: userId,
    userId,
    details: {
      trigger: meta.trigger,
      idp: meta.idpSlug,
      signup: plan.signup,
      claimStatus: plan.claimStatus,
      complete: plan.complete,
      externalGroups: plan.externalGroups.length,
      matchedExternalGroups: plan.matchedExternalGroups.slice(0, 100),
      adds: plan.adds.length,
      roleChanges: plan.roleChanges.length,
      removals: plan.removals.length,
      kept: plan.kept
        .map((k) => ({ groupId: k.groupId, groupName: k.groupName, reason: k.reason }))
        .slice(0, 100),
      admin: plan.admin,
      ...extra,
    },
  };
}

/**
 * Stores what the IdP said in a claim: a complete list replaces the stored one; an incomplete one
 * (truncated, or absent and treated as unknown) only adds what it did show, so a later
 * re-evaluation never removes anyone on the strength of a partial list.
 */
const SEEN_AT_RESOLUTION_MS = 3600_000;

/** What is stored for one user at one IdP, both sources (read once per sign-in). */
export function loadStoredRows(em: EntityManager, tenantId: string, userId: string, idpId: string) {
  return em.find(ExternalMembership, {
    where: { tenantId, userId, idpId },
    select: { id: true, externalGroup: true, source: true, seenAt: true },
  });
}

/** Replaces (complete claim) or extends (incomplete one) the claim rows among `stored`. */
export async function storeClaimedGroups(
  em: EntityManager,
  tenantId: string,
  userId: string,
  idpId: string,
  external: ExternalGroups,
  stored: ExternalMembership[],
): Promise<void> {
  const existing = stored.filter((e) => e.source === 'claim');
  const wanted = new Set(external.groups);
  const have = new Set(existing.map((e) => e.externalGroup));
  const now = new Date();
  if (external.complete) {
    const stale = existing.filter((e) => !wanted.has(e.externalGroup)).map((e) => e.id);
    for (let i = 0; i < stale.length; i += 500) await em.delete(ExternalMembership, stale.slice(i, i + 500));
  }
  const fresh = external.groups
    .filter((g) => !have.has(g))
    .map((externalGroup) =>
      em.create(ExternalMembership, { tenantId, userId, idpId, externalGroup, source: 'claim', seenAt: now }),
    );
  for (let i = 0; i < fresh.length; i += 50) await insertRows(em, ExternalMembership, fresh.slice(i, i + 50));
  // seenAt to the hour: a user with 500 groups does not rewrite 500 rows on every sign-in.
  const stale = now.getTime() - SEEN_AT_RESOLUTION_MS;
  const confirmed = existing
    .filter((e) => wanted.has(e.externalGroup) && e.seenAt.getTime() < stale)
    .map((e) => e.id);
  for (let i = 0; i < confirmed.length; i += 500)
    await em.update(ExternalMembership, confirmed.slice(i, i + 500), { seenAt: now });
}
