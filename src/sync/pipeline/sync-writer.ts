import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AuditEvent } from '../../audit/audit-event.entity';
import { AuditEntry, AuditService } from '../../audit/audit.service';
import type { RequestContext } from '../../common/request-context';
import { inChunks } from '../../database/chunks';
import { insertInChunks } from '../../database/insert';
import { Membership } from '../../groups/membership.entity';
import { User } from '../../users/user.entity';
import type { ExternalGroups, MembershipSource, SyncPlan } from '../engine';
import { ExternalMembership } from '../external-membership.entity';
import { writeMarkers } from './sync-markers';
import { GateScope, RemovalGate } from '../../removal-safety/removal-gate';
import type { StoredGroup } from './sync-loader';

type SyncTrigger = 'sign-in' | 'reconcile' | 'scim' | 'graph-refresh' | 'grace-period';

/** `tenant`, `idpPaused` and `groupId` are for the removal gate (pause, circuit breaker). */
export interface ApplyMeta extends GateScope {
  trigger: SyncTrigger;
  idpId: string;
  idpSlug: string;
  /** Source given to memberships the plan adds. */
  source: Exclude<MembershipSource, 'manual'>;
}

/** When a user's `sync.applied` summary is written: always (sign-in), or only when it says more. */
export type SummaryWhen = 'always' | 'when-kept' | 'when-written';

export interface PlannedUser {
  user: User;
  plan: SyncPlan;
}

/**
 * The one writer of the sync pipeline: plans (memberships, admin flags) and their audit trail, in
 * the caller's transaction, under the users' row locks the loader took.
 */
@Injectable()
export class SyncWriter {
  constructor(
    private readonly audit: AuditService,
    private readonly gate: RemovalGate,
  ) {}

  /**
   * Writes the plans and records, in one audit insert, `before` (the trigger's own events), one
   * event per change and each user's summary as `summary` says: a SCIM push of 5k members writes
   * 5k events, not 10k.
   */
  async apply(
    em: EntityManager,
    ctx: RequestContext,
    tenantId: string,
    items: PlannedUser[],
    meta: ApplyMeta,
    options: {
      summary: SummaryWhen;
      before?: AuditEntry[];
      extra?: Record<string, unknown>;
      /** The audit events go here, for the caller to insert with its own rows, instead of on their own. */
      auditInto?: AuditEvent[];
    },
  ): Promise<{ staged: number }> {
    // Paused: nothing written; past the removal budget: removals staged (src/removal-safety).
    const gated = await this.gate.gate(em, items, meta);
    const entries = [...(options.before ?? []), ...gated.entries];
    for (const { user, changes, plan } of await writePlans(em, tenantId, gated.items, meta)) {
      entries.push(...changes);
      const summarize =
        options.summary === 'always' ||
        (options.summary === 'when-kept' && plan.kept.length > 0) ||
        (options.summary === 'when-written' && changes.length > 0);
      const extra = { ...options.extra, ...gated.notes.get(user.id) };
      if (summarize) entries.push(summaryEntry(user.id, plan, meta, extra));
    }
    if (options.auditInto) options.auditInto.push(...this.audit.rows(em, ctx, tenantId, entries));
    else if (entries.length > 0) await this.audit.record(em, ctx, tenantId, entries);
    return { staged: gated.staged };
  }
}

/**
 * Writes many users' plans at once: the new memberships of all of them go in multi-row inserts
 * instead of one statement per user. Returns each user's change events.
 */
async function writePlans(
  em: EntityManager,
  tenantId: string,
  items: PlannedUser[],
  meta: ApplyMeta,
): Promise<(PlannedUser & { changes: AuditEntry[] })[]> {
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
  await insertInChunks(em, Membership, rows);
  const written = [];
  for (const { user, plan } of items)
    written.push({ user, plan, changes: await writeChanges(em, tenantId, user, plan, meta, now) });
  return written;
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
  entries.push(...(await writeMarkers(em, tenantId, user, plan, meta, now)));
  if (plan.admin.from !== plan.admin.to)
    entries.push(await writeAdminChange(em, user, plan.admin, common, now));
  return entries;
}

/** Sync's grant or revocation of workspace admin, with the `adminSource` that lets sync revoke only its own grants. */
async function writeAdminChange(
  em: EntityManager,
  user: User,
  admin: SyncPlan['admin'],
  common: { trigger: SyncTrigger; idp: string },
  now: Date,
): Promise<AuditEntry> {
  user.isAdmin = admin.to;
  user.adminSource = admin.to ? 'sync' : null;
  user.updatedAt = now;
  await em.update(
    User,
    { id: user.id },
    { isAdmin: user.isAdmin, adminSource: user.adminSource, updatedAt: now },
  );
  return {
    action: admin.to ? 'user.admin_granted' : 'user.admin_revoked',
    targetType: 'user',
    targetId: user.id,
    userId: user.id,
    before: { isAdmin: admin.from },
    after: { isAdmin: admin.to },
    details: { ...common, reason: admin.reason ?? null },
  };
}

/** The summary event of one sync run: counts, claim state and what was protected. */
function summaryEntry(
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
      ...(plan.captureMisses.length > 0 && { captureMisses: plan.captureMisses.slice(0, 100) }),
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

const SEEN_AT_RESOLUTION_MS = 3600_000;

/**
 * Stores what the IdP said in a claim: a complete list replaces the stored claim rows among
 * `stored`; an incomplete one (truncated, or absent and treated as unknown) only adds what it did
 * show, so a later re-evaluation never removes anyone on the strength of a partial list.
 */
export async function storeClaimedGroups(
  em: EntityManager,
  tenantId: string,
  userId: string,
  idpId: string,
  external: ExternalGroups,
  stored: StoredGroup[],
): Promise<void> {
  const existing = stored.filter((e) => e.source === 'claim');
  const wanted = new Set(external.groups);
  const have = new Set(existing.map((e) => e.externalGroup));
  const now = new Date();
  if (external.complete) {
    const stale = existing.filter((e) => !wanted.has(e.externalGroup)).map((e) => e.id);
    for (const chunk of inChunks(stale)) await em.delete(ExternalMembership, chunk);
  }
  const fresh = external.groups
    .filter((g) => !have.has(g))
    .map((externalGroup) =>
      em.create(ExternalMembership, { tenantId, userId, idpId, externalGroup, source: 'claim', seenAt: now }),
    );
  await insertInChunks(em, ExternalMembership, fresh);
  // seenAt to the hour: a user with 500 groups does not rewrite 500 rows on every sign-in.
  const stale = now.getTime() - SEEN_AT_RESOLUTION_MS;
  const confirmed = existing
    .filter((e) => wanted.has(e.externalGroup) && e.seenAt.getTime() < stale)
    .map((e) => e.id);
  for (const chunk of inChunks(confirmed)) await em.update(ExternalMembership, chunk, { seenAt: now });
}
