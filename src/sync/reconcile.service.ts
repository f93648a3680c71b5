import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Not } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { inChunks, USERS_PER_TRANSACTION } from '../database/chunks';
import { Transactions } from '../database/transactions.service';
import { Group } from '../groups/group.entity';
import { Membership } from '../groups/membership.entity';
import { findIdp } from '../identity-providers/find-idp';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import { Identity } from '../users/identity.entity';
import {
  countDownOwners,
  externalGroupsLinkedTo,
  onlyGroup,
  planHasChanges,
  planSync,
  storedExternalGroups,
  SyncContext,
  SyncPlan,
} from './engine';
import { ExternalMembership } from './external-membership.entity';
import { engineUser, storedGroupNames, SyncLoader, SyncScope } from './pipeline/sync-loader';
import { ApplyMeta, PlannedUser, SyncWriter } from './pipeline/sync-writer';

export interface ReconcileScope {
  idp?: string;
  groupId?: string;
  userId?: string;
}

/** One IdP's share of a reconcile: the users it walks, sorted by id. */
export interface ReconcileSegment {
  idp: IdentityProvider;
  sync: SyncScope;
  userIds: string[];
}

export interface ReconcileResult {
  usersEvaluated: number;
  usersChanged: number;
  adds: number;
  roleChanges: number;
  removals: number;
  /** Removals the grace period postponed: marked pending removal, applied by the sweep when due. */
  removalsScheduled: number;
  /** Removals the circuit breaker staged instead of applying (not counted in `removals`). */
  removalsStaged: number;
  kept: number;
}

/**
 * The reconcile trigger of the sync pipeline: re-evaluates users from their stored external groups
 * (no sign-in needed), e.g. after links changed. With `groupId`, only that group's memberships
 * change. Users go in batches, one transaction each.
 */
@Injectable()
export class ReconcileService {
  private readonly logger = new Logger('Sync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly loader: SyncLoader,
    private readonly writer: SyncWriter,
  ) {}

  /**
   * The users a reconcile walks, per IdP in slug order, read before any write: its size decides
   * whether it runs now or as a job (src/jobs/reconcile-job.ts). 409 when paused, 404 for an
   * unknown IdP or group.
   */
  async prepare(tenant: Tenant, scope: ReconcileScope): Promise<ReconcileSegment[]> {
    const em = this.dataSource.manager;
    const idps = await this.idpsIn(em, tenant.id, scope.idp);
    assertNotPaused(tenant, idps);
    if (scope.groupId && !(await em.existsBy(Group, { tenantId: tenant.id, id: scope.groupId })))
      throw notFound('Group', scope.groupId);
    return this.segments(tenant.id, idps, scope);
  }

  /** For each IdP, the users it told something about (narrowed by the scope), sorted by id. */
  async segments(tenantId: string, idps: IdentityProvider[], scope: ReconcileScope) {
    const em = this.dataSource.manager;
    const segments: ReconcileSegment[] = [];
    for (const idp of idps) {
      const sync: SyncScope = { tenantId, idpId: idp.id, policy: idp.groupSync };
      const context = await this.loader.context(em, sync);
      segments.push({ idp, sync, userIds: await usersKnownTo(em, sync, context, scope) });
    }
    return segments;
  }

  async reconcile(
    tenant: Tenant,
    scope: ReconcileScope,
    ctx: RequestContext,
    prepared?: ReconcileSegment[],
  ): Promise<ReconcileResult> {
    const segments = prepared ?? (await this.prepare(tenant, scope));
    const result = emptyReconcileResult();
    for (const segment of segments)
      for (const batch of inChunks(segment.userIds, USERS_PER_TRANSACTION)) {
        const one = await this.tx.run((tem) =>
          this.reconcileBatch(tem, tenant, segment, batch, scope.groupId, ctx),
        );
        addResults(result, one);
      }
    await this.tx.run((tem) => this.recordReconciled(tem, tenant, scope, result, ctx));
    this.logger.log(
      { tenant: tenant.slug, scope, ...result, correlationId: ctx.correlationId },
      'Reconciled',
    );
    return result;
  }

  /** One batch of users planned and written in the caller's transaction (a job adds its cursor to it). */
  async reconcileBatch(
    em: EntityManager,
    tenant: Tenant,
    segment: Pick<ReconcileSegment, 'idp' | 'sync'>,
    batch: string[],
    groupId: string | undefined,
    ctx: RequestContext,
  ): Promise<ReconcileResult> {
    const { idp, sync } = segment;
    const meta: ApplyMeta = {
      trigger: 'reconcile',
      idpId: idp.id,
      idpSlug: idp.slug,
      source: 'sync',
      tenant,
      idpPaused: idp.syncPaused,
      groupId,
    };
    const planned = await this.planBatch(em, sync, batch, groupId);
    const written = await this.writer.apply(em, ctx, tenant.id, planned, meta, { summary: 'when-written' });
    const result = emptyReconcileResult();
    for (const { plan } of planned) addUp(result, plan);
    result.removals -= written.staged;
    result.removalsStaged += written.staged;
    return result;
  }

  /** The reconcile's one summary event (`sync.reconciled`); a job adds its id in `extra`. */
  recordReconciled(
    em: EntityManager,
    tenant: Tenant,
    scope: ReconcileScope,
    result: ReconcileResult,
    ctx: RequestContext,
    extra: object = {},
  ): Promise<void> {
    return this.audit.record(em, ctx, tenant.id, {
      action: 'sync.reconciled',
      targetType: scope.groupId ? 'group' : 'tenant',
      targetId: scope.groupId ?? tenant.id,
      details: { scope, ...result, ...extra },
    });
  }

  /**
   * What a full reconcile of these IdPs would change, per user with changes, writing nothing (the
   * preview of resuming a paused sync). The list stops at `max` users; the totals count everyone.
   */
  async pendingChanges(tenant: Tenant, idps: IdentityProvider[], max = 1000) {
    const em = this.dataSource.manager;
    const users: { userId: string; email: string; idp: string; plan: SyncPlan }[] = [];
    const totals = {
      usersEvaluated: 0,
      usersChanged: 0,
      adds: 0,
      roleChanges: 0,
      removals: 0,
      adminChanges: 0,
    };
    for (const idp of idps) {
      const sync: SyncScope = { tenantId: tenant.id, idpId: idp.id, policy: idp.groupSync };
      const userIds = await usersKnownTo(em, sync, await this.loader.context(em, sync), {});
      for (const batch of inChunks(userIds, USERS_PER_TRANSACTION))
        for (const { user, plan } of await this.planBatch(em, sync, batch, undefined, false)) {
          totals.usersEvaluated++;
          const admin = plan.admin.from !== plan.admin.to ? 1 : 0;
          if (plan.adds.length + plan.roleChanges.length + plan.removals.length + admin === 0) continue;
          totals.usersChanged++;
          totals.adds += plan.adds.length;
          totals.roleChanges += plan.roleChanges.length;
          totals.removals += plan.removals.length;
          totals.adminChanges += admin;
          if (users.length < max) users.push({ userId: user.id, email: user.email, idp: idp.slug, plan });
        }
    }
    return { totals, users, truncated: totals.usersChanged > users.length };
  }

  /** Plans for the batch's users this IdP told something about (blocked users are left alone). */
  private async planBatch(
    em: EntityManager,
    sync: SyncScope,
    batch: string[],
    groupId?: string,
    lock = true,
  ) {
    const inputs = await this.loader.load(em, sync, batch, { lock, lastClaim: true });
    const planned: PlannedUser[] = [];
    const ownerCounts = new Map(inputs.ownerCounts);
    for (const userId of batch) {
      const mine = inputs.users.get(userId);
      if (!mine || mine.user.status === 'blocked') continue;
      if (!mine.lastClaim && mine.stored.length === 0) continue; // nothing known from this IdP
      const plan = planSync(inputs.context, {
        user: engineUser(mine.user),
        memberships: mine.memberships,
        external: storedExternalGroups(storedGroupNames(mine), mine.lastClaim, sync.policy),
        ownerCounts,
        now: Date.now(),
      });
      const applied = groupId ? onlyGroup(plan, groupId) : plan;
      countDownOwners(ownerCounts, applied);
      planned.push({ user: mine.user, plan: applied });
    }
    return planned;
  }

  async idpsIn(em: EntityManager, tenantId: string, slug?: string): Promise<IdentityProvider[]> {
    if (!slug) return em.find(IdentityProvider, { where: { tenantId }, order: { slug: 'ASC' } });
    const idp = await findIdp(em, tenantId, slug);
    if (!idp) throw notFound('Identity provider', slug);
    return [idp];
  }
}

/** A reconcile of a paused tenant or IdP would write nothing: resuming (with its preview) is the way. */
function assertNotPaused(tenant: Tenant, idps: IdentityProvider[]): void {
  const paused = idps.filter((idp) => idp.syncPaused).map((idp) => idp.slug);
  if (tenant.settings.syncPaused !== true && paused.length === 0) return;
  throw new AppError(
    'sync_paused',
    tenant.settings.syncPaused === true
      ? 'Sync is paused for this tenant; POST .../sync/resume previews and applies the pending changes'
      : `Sync is paused for ${paused.join(', ')}; POST .../sync/resume with {idp} previews and applies the pending changes`,
    { tenantPaused: tenant.settings.syncPaused === true, pausedIdps: paused },
  );
}

function addUp(result: ReconcileResult, plan: SyncPlan): void {
  result.usersEvaluated++;
  if (planHasChanges(plan)) result.usersChanged++;
  result.adds += plan.adds.length;
  result.roleChanges += plan.roleChanges.length;
  result.removals += plan.removals.length;
  result.removalsScheduled += plan.removalsScheduled.length;
  result.kept += plan.kept.length;
}

/** Users whose groups this IdP told us about (claims or SCIM), narrowed by the scope. */
async function usersKnownTo(
  em: EntityManager,
  sync: SyncScope,
  context: SyncContext,
  scope: ReconcileScope,
): Promise<string[]> {
  if (scope.userId) return [scope.userId];
  const { tenantId, idpId } = sync;
  const pushedQuery = em
    .createQueryBuilder(ExternalMembership, 'x')
    .select('DISTINCT x.userId', 'userId')
    .where('x.tenantId = :tenantId AND x.idpId = :idpId', { tenantId, idpId });
  // A group a glob or regex link may reach can concern anyone this IdP told us about: read them all.
  const linked = scope.groupId ? externalGroupsLinkedTo(context, scope.groupId) : null;
  if (scope.groupId && linked !== null) {
    // Only the group's members and users whose stored groups match one of its links can see a change there.
    if (linked.length === 0) pushedQuery.andWhere('1 = 0');
    else pushedQuery.andWhere('x.externalGroup IN (:...linked)', { linked });
    const members = await em.find(Membership, {
      where: { tenantId, groupId: scope.groupId },
      select: { userId: true },
    });
    const pushed = await pushedQuery.getRawMany<{ userId: string }>();
    return [...new Set([...members.map((m) => m.userId), ...pushed.map((r) => r.userId)])].sort();
  }
  const claimed = await em.find(Identity, {
    where: { tenantId, idpId, claimStatus: Not(IsNull()) },
    select: { userId: true },
  });
  const pushed = await pushedQuery.getRawMany<{ userId: string }>();
  return [...new Set([...claimed.map((i) => i.userId), ...pushed.map((r) => r.userId)])].sort();
}

/** Adds `more` into `into` (the sum of several batches or reconciles). */
export function addResults(into: ReconcileResult, more: Partial<ReconcileResult>): ReconcileResult {
  for (const key of Object.keys(into) as (keyof ReconcileResult)[]) into[key] += more[key] ?? 0;
  return into;
}

/** A reconcile that has counted nothing yet (the sum of several reconciles starts here too). */
export const emptyReconcileResult = (): ReconcileResult => ({
  usersEvaluated: 0,
  usersChanged: 0,
  adds: 0,
  roleChanges: 0,
  removals: 0,
  removalsScheduled: 0,
  removalsStaged: 0,
  kept: 0,
});
