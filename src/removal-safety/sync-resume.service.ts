import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { ReconcileJobs } from '../jobs/reconcile-job';
import { addResults, emptyReconcileResult, ReconcileService } from '../sync/reconcile.service';
import type { SyncPlan } from '../sync/engine';
import { Tenant } from '../tenants/tenant.entity';

const pick = ({ groupId, groupName, reason }: { groupId: string; groupName: string; reason: string }) => ({
  groupId,
  groupName,
  reason,
});

/** One user's pending changes, as the resume preview lists them. */
const pendingView = (u: { userId: string; email: string; idp: string; plan: SyncPlan }) => ({
  userId: u.userId,
  email: u.email,
  idp: u.idp,
  adds: u.plan.adds.map((a) => ({ ...pick(a), role: a.role })),
  roleChanges: u.plan.roleChanges.map((c) => ({ ...pick(c), from: c.from, to: c.to })),
  removals: u.plan.removals.map((r) => ({ ...pick(r), role: r.role })),
  admin: u.plan.admin.from !== u.plan.admin.to ? { from: u.plan.admin.from, to: u.plan.admin.to } : null,
});

/**
 * Resuming a paused sync: the tenant (`settings.syncPaused`) or one IdP (`syncPaused`). The dry run
 * lists what resuming would apply (a full reconcile over the stored claims); the real one clears
 * the pause and applies it through the sync writer, so the removal breaker still applies. Over
 * JOBS_RECONCILE_THRESHOLD users the apply is a reconcile job, queued in the transaction that
 * clears the pause (the answer then carries the job instead of the result).
 */
@Injectable()
export class SyncResumeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly reconciler: ReconcileService,
    private readonly reconcileJobs: ReconcileJobs,
  ) {}

  async resume(tenant: Tenant, idpSlug: string | undefined, dryRun: boolean, ctx: RequestContext) {
    const em = this.dataSource.manager;
    const scope = await this.reconciler.idpsIn(em, tenant.id, idpSlug); // 404 for an unknown IdP
    const resume = { tenant: idpSlug === undefined, idp: idpSlug ?? null };
    // What stays paused once this pause is lifted: the tenant's own pause, or IdPs paused on their own.
    const tenantStaysPaused = idpSlug !== undefined && tenant.settings.syncPaused === true;
    const idps = tenantStaysPaused ? [] : scope.filter((idp) => idpSlug !== undefined || !idp.syncPaused);
    const stillPaused = {
      tenant: tenantStaysPaused,
      idps: idpSlug === undefined ? scope.filter((idp) => idp.syncPaused).map((idp) => idp.slug) : [],
    };
    if (dryRun) {
      const pending = await this.reconciler.pendingChanges(tenant, idps);
      return { dryRun: true, resume, stillPaused, ...pending, users: pending.users.map(pendingView) };
    }
    const segments = await this.reconciler.segments(tenant.id, idps, {});
    if (this.reconcileJobs.isLarge(segments)) {
      const job = await this.tx.shared(async (tem) => {
        await this.lift(tem, tenant, scope, idpSlug, ctx);
        return this.reconcileJobs.queue(tenant, idpSlug === undefined ? {} : { idp: idpSlug }, segments, ctx);
      });
      return { dryRun: false, resume, stillPaused, job };
    }
    const fresh = await this.tx.run((tem) => this.lift(tem, tenant, scope, idpSlug, ctx));
    const result = emptyReconcileResult();
    for (const idp of idps) {
      addResults(result, await this.reconciler.reconcile(fresh, { idp: idp.slug }, ctx));
    }
    return { dryRun: false, resume, stillPaused, result };
  }

  /** Clears the pause (audited as `sync.resumed`) and answers the tenant as it is now. */
  private async lift(
    em: EntityManager,
    tenant: Tenant,
    scope: IdentityProvider[],
    idpSlug: string | undefined,
    ctx: RequestContext,
  ): Promise<Tenant> {
    await this.tx.lockRow(em, 'tenants', tenant.id);
    const current = await em.findOneByOrFail(Tenant, { id: tenant.id });
    let wasPaused: boolean;
    if (idpSlug === undefined) {
      wasPaused = current.settings.syncPaused === true;
      current.settings = { ...current.settings, syncPaused: false };
      await em.update(Tenant, { id: tenant.id }, { settings: current.settings, updatedAt: new Date() });
    } else {
      wasPaused = scope[0].syncPaused;
      await em.update(IdentityProvider, { id: scope[0].id }, { syncPaused: false, updatedAt: new Date() });
      scope[0].syncPaused = false;
    }
    await this.audit.record(em, ctx, tenant.id, {
      action: 'sync.resumed',
      targetType: idpSlug === undefined ? 'tenant' : 'identity_provider',
      targetId: idpSlug === undefined ? tenant.id : scope[0].id,
      details: { idp: idpSlug ?? null, wasPaused },
    });
    return current;
  }
}
