import { Injectable } from '@nestjs/common';
import { EntityManager, In, LessThan } from 'typeorm';
import type { AuditEntry } from '../audit/audit.service';
import { newTimeOrderedId } from '../common/ids';
import { inChunks, rowsPerInsert } from '../database/chunks';
import { insertInChunks } from '../database/insert';
import { Transactions } from '../database/transactions.service';
import { Membership } from '../groups/membership.entity';
import type { SyncPlan } from '../sync/engine';
import { Tenant } from '../tenants/tenant.entity';
import type { User } from '../users/user.entity';
import { decideRemovals, RemovalSafety, removalLimit, resolveRemovalSafety } from './removal-budget';
import { RemovalTrigger, StagedRemoval, SyncRemovalCount } from './staged-removal.entity';

const EMPTY = 'no staged removal was left (they went with their users or groups)';

/** What the gate needs to know about a write (the sync writer's ApplyMeta has all of it). */
export interface GateScope {
  /** The tenant as loaded for the request: its settings, and whether the breaker was open then. */
  tenant: Pick<Tenant, 'id' | 'settings' | 'removalBreakerTrippedAt'>;
  idpId: string;
  idpSlug: string;
  idpPaused: boolean;
  trigger: RemovalTrigger;
  /** A write narrowed to one group (group-scoped reconcile): staged rows of other groups are not its business. */
  groupId?: string;
}

interface Planned {
  user: User;
  plan: SyncPlan;
}

export interface Gated<T extends Planned> {
  items: T[];
  /** Audit entries of what the gate decided (staged, un-staged, tripped, reset). */
  entries: AuditEntry[];
  /** Extra details for a user's `sync.applied` summary (paused: what was not written). */
  notes: Map<string, Record<string, unknown>>;
  staged: number;
}

/** The plan with nothing left to write: what a paused sync does (the summary says what waits). */
const nothingWritten = (plan: SyncPlan): SyncPlan => ({
  ...plan,
  adds: [],
  roleChanges: [],
  removals: [],
  removalsScheduled: [],
  removalsCancelled: [],
  lastOwnerMarked: [],
  lastOwnerCleared: [],
  admin: { from: plan.admin.from, to: plan.admin.from },
});

/**
 * Between the engine's plans and the writer: a paused tenant or IdP writes nothing; removals past
 * the tenant's removal budget are staged instead of applied. Costs no statement for a write without
 * removals while the breaker is closed (the sign-in hot path).
 */
@Injectable()
export class RemovalGate {
  constructor(private readonly tx: Transactions) {}

  async gate<T extends Planned>(em: EntityManager, items: T[], scope: GateScope): Promise<Gated<T>> {
    const out: Gated<T> = { items, entries: [], notes: new Map(), staged: 0 };
    if (items.length === 0) return out;
    if (scope.tenant.settings.syncPaused === true || scope.idpPaused) return paused(out, scope);
    const wanted = items.reduce((n, i) => n + i.plan.removals.length, 0);
    if (wanted === 0 && !scope.tenant.removalBreakerTrippedAt) return out;
    // The decision reads the tenant fresh under its row lock: two processes cannot both slip under.
    const tenant = await this.lockTenant(em, scope.tenant.id);
    if (wanted > 0) {
      const settings = resolveRemovalSafety(tenant.settings.removalSafety);
      // Open with nothing staged (the rows went with their user or group): closed again.
      const reset = tenant.removalBreakerTrippedAt ? await closeBreakerIfEmpty(em, tenant.id, EMPTY) : [];
      if (reset.length > 0) tenant.removalBreakerTrippedAt = null;
      out.entries.push(...reset);
      const open = tenant.removalBreakerTrippedAt !== null;
      const decision = await this.decide(em, tenant.id, settings, open, wanted);
      if (decision.action === 'apply') {
        if (settings.enabled) await recordRemovals(em, tenant.id, settings, wanted);
      } else {
        await this.stage(em, out, scope, decision.trips ? { settings, ...decision.figures } : null);
      }
    }
    if (tenant.removalBreakerTrippedAt || out.staged > 0) await this.unstageClaimed(em, out, scope);
    return out;
  }

  private async lockTenant(em: EntityManager, tenantId: string) {
    const query = em
      .createQueryBuilder(Tenant, 't')
      .select(['t.id', 't.settings', 't.removalBreakerTrippedAt'])
      .where('t.id = :tenantId', { tenantId });
    if (this.tx.dialect === 'postgres') query.setLock('for_no_key_update');
    return query.getOneOrFail();
  }

  /** Reads the window (and the managed memberships only when the count limit alone is passed). */
  private async decide(
    em: EntityManager,
    tenantId: string,
    settings: RemovalSafety,
    open: boolean,
    wanted: number,
  ) {
    if (!settings.enabled) return { action: 'apply' as const };
    const removedInWindow = open ? 0 : await removalsInWindow(em, tenantId, settings);
    const managedMemberships =
      open || removedInWindow + wanted <= settings.maxRemovals ? 0 : await managedCount(em, tenantId);
    const decision = decideRemovals({ settings, removedInWindow, managedMemberships, open, wanted });
    const limit = removalLimit(settings, managedMemberships);
    return decision.action === 'apply'
      ? decision
      : { ...decision, figures: { removedInWindow, managedMemberships, limit, wanted } };
  }

  /** Stages every removal of the write, and opens the breaker when this is the trip. */
  private async stage<T extends Planned>(
    em: EntityManager,
    out: Gated<T>,
    scope: GateScope,
    trip: Record<string, unknown> | null,
  ): Promise<void> {
    const now = new Date();
    const rows: Omit<StagedRemoval, 'id' | 'tenant' | 'user' | 'group' | 'idp'>[] = [];
    out.items = out.items.map((item) => {
      for (const removal of item.plan.removals) {
        rows.push({
          tenantId: scope.tenant.id,
          userId: item.user.id,
          groupId: removal.groupId,
          idpId: scope.idpId,
          role: removal.role,
          reason: removal.reason,
          trigger: scope.trigger,
          createdAt: now,
        });
        out.entries.push({
          action: 'membership.removal_staged',
          targetType: 'group',
          targetId: removal.groupId,
          userId: item.user.id,
          before: { role: removal.role },
          details: {
            trigger: scope.trigger,
            idp: scope.idpSlug,
            groupName: removal.groupName,
            reason: removal.reason,
          },
        });
      }
      if (item.plan.removals.length > 0)
        out.notes.set(item.user.id, { removalsStaged: item.plan.removals.length });
      return { ...item, plan: { ...item.plan, removals: [] } };
    });
    // A removal staged before (the same user re-planned) stays the one row.
    for (const chunk of inChunks(rows, rowsPerInsert(9)))
      await em
        .createQueryBuilder()
        .insert()
        .into(StagedRemoval)
        .values(chunk.map((row) => ({ id: newTimeOrderedId(), ...row })))
        .orIgnore()
        .execute();
    out.staged = rows.length;
    if (!trip) return;
    await em.update(Tenant, { id: scope.tenant.id }, { removalBreakerTrippedAt: now });
    out.entries.push({
      action: 'sync.breaker_tripped',
      targetType: 'tenant',
      targetId: scope.tenant.id,
      details: { trigger: scope.trigger, idp: scope.idpSlug, staged: rows.length, ...trip },
    });
  }

  /**
   * Staged removals of these users (this IdP, this scope) that the write no longer wants (their
   * group is neither removed nor kept by a protection): the claim came back, they go by themselves.
   */
  private async unstageClaimed<T extends Planned>(em: EntityManager, out: Gated<T>, scope: GateScope) {
    const byUser = new Map(out.items.map((i) => [i.user.id, i.plan]));
    const staged = await em.find(StagedRemoval, {
      where: {
        tenantId: scope.tenant.id,
        idpId: scope.idpId,
        userId: In([...byUser.keys()]),
        ...(scope.groupId ? { groupId: scope.groupId } : {}),
      },
    });
    const stale = staged.filter((row) => {
      const plan = byUser.get(row.userId)!;
      const stillWanted = [...plan.removals, ...plan.kept].some((r) => r.groupId === row.groupId);
      const stagedNow = out.entries.some(
        (e) =>
          e.action === 'membership.removal_staged' && e.userId === row.userId && e.targetId === row.groupId,
      );
      return !stillWanted && !stagedNow;
    });
    if (stale.length === 0) return;
    await em.delete(StagedRemoval, { id: In(stale.map((r) => r.id)) });
    for (const row of stale)
      out.entries.push({
        action: 'membership.removal_unstaged',
        targetType: 'group',
        targetId: row.groupId,
        userId: row.userId,
        details: {
          trigger: scope.trigger,
          idp: scope.idpSlug,
          stagedRemovalId: row.id,
          reason: 'a later sync of this identity provider no longer removes the membership',
        },
      });
    out.entries.push(
      ...(await closeBreakerIfEmpty(em, scope.tenant.id, 'the last staged removal went by itself')),
    );
  }
}

/** A paused write: nothing of the plans is written; each summary says what waits. */
function paused<T extends Planned>(out: Gated<T>, scope: GateScope): Gated<T> {
  for (const { user, plan } of out.items)
    out.notes.set(user.id, {
      paused: scope.tenant.settings.syncPaused === true ? 'tenant' : 'identity-provider',
      pending: {
        adds: plan.adds.length,
        roleChanges: plan.roleChanges.length,
        removals: plan.removals.length,
        admin: plan.admin.from !== plan.admin.to ? plan.admin.to : null,
      },
    });
  out.items = out.items.map((i) => ({ ...i, plan: nothingWritten(i.plan) }));
  return out;
}

async function removalsInWindow(em: EntityManager, tenantId: string, settings: RemovalSafety) {
  const since = new Date(Date.now() - settings.windowMinutes * 60_000);
  const row = await em
    .createQueryBuilder(SyncRemovalCount, 'c')
    .select('COALESCE(SUM(c.removals), 0)', 'n')
    .where('c.tenantId = :tenantId AND c.at >= :since', { tenantId, since })
    .getRawOne<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

const managedCount = (em: EntityManager, tenantId: string) =>
  em.countBy(Membership, { tenantId, source: In(['sync', 'scim']) });

/** Counts applied sync removals for the window, and drops rows older than any window could need. */
async function recordRemovals(
  em: EntityManager,
  tenantId: string,
  settings: RemovalSafety,
  removals: number,
) {
  const now = new Date();
  await insertInChunks(em, SyncRemovalCount, [em.create(SyncRemovalCount, { tenantId, at: now, removals })]);
  const oldest = new Date(now.getTime() - Math.max(settings.windowMinutes, 24 * 60) * 60_000);
  await em.delete(SyncRemovalCount, { tenantId, at: LessThan(oldest) });
}

/** Closes the breaker once no staged removal waits (approved, discarded or gone by themselves). */
export async function closeBreakerIfEmpty(
  em: EntityManager,
  tenantId: string,
  why: string,
): Promise<AuditEntry[]> {
  if (await em.existsBy(StagedRemoval, { tenantId })) return [];
  const result = await em
    .createQueryBuilder()
    .update(Tenant)
    .set({ removalBreakerTrippedAt: null })
    .where('id = :tenantId AND "removalBreakerTrippedAt" IS NOT NULL', { tenantId })
    .execute();
  if (!result.affected) return [];
  return [
    { action: 'sync.breaker_reset', targetType: 'tenant', targetId: tenantId, details: { reason: why } },
  ];
}
