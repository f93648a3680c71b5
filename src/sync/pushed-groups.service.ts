import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { type AuditEntry, AuditService } from '../audit/audit.service';
import type { RequestContext } from '../common/request-context';
import { inChunks, USERS_PER_TRANSACTION } from '../database/chunks';
import { Transactions } from '../database/transactions.service';
import type { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import {
  countDownOwners,
  planHasChanges,
  planSync,
  pushedExternalGroups,
  seesAnyName,
  type SyncContext,
} from './engine';
import { engineUser, storedGroupNames, SyncLoader } from './pipeline/sync-loader';
import { ApplyMeta, PlannedUser, SyncWriter } from './pipeline/sync-writer';
import type { RawSyncStamp } from './sync-context-cache';

export interface PushTotals {
  usersChanged: number;
  adds: number;
  roleChanges: number;
  removals: number;
}

/**
 * The SCIM trigger of the sync pipeline: re-plans users after a push changed what the IdP says
 * about them, from their stored external groups (claims and SCIM, unioned; complete, as the IdP
 * pushes the whole truth). Blocked users are left alone (deprovisioned, memberships kept).
 */
@Injectable()
export class PushedGroupsService {
  constructor(
    private readonly tx: Transactions,
    private readonly loader: SyncLoader,
    private readonly writer: SyncWriter,
    private readonly audit: AuditService,
  ) {}

  /**
   * Users go in batches, each loaded in a fixed number of queries; inside `within` (the SCIM write
   * and its re-plan commit together; the SCIM service locked the users before its write, and a
   * user is locked once per transaction) or one transaction per batch, which locks them.
   */
  async apply(
    tenant: Tenant,
    idp: IdentityProvider,
    userIds: string[],
    ctx: RequestContext,
    within?: EntityManager,
  ): Promise<PushTotals> {
    return this.applyChanged(tenant, idp, userIds, ctx, within);
  }

  /**
   * As `apply`, for the users whose stored groups a push changed, with the names each gained or
   * lost: a user whose names are seen by no link, no name-matched group and no admin group is not
   * re-planned (the plan could not differ), which spares a bulk load into unlinked groups the
   * users' locks, reads and plans. Their stored groups are written already; a later link sees them.
   * `events` (the push's own audit events) go in the same insert as the re-plan's.
   */
  async applyToChanged(
    tenant: Tenant,
    idp: IdentityProvider,
    changed: ReadonlyMap<string, readonly string[]>,
    ctx: RequestContext,
    within: EntityManager,
    events: AuditEntry[] = [],
    stamp?: RawSyncStamp,
  ): Promise<PushTotals> {
    const context =
      changed.size > 0
        ? await this.loader.context(
            within,
            { tenantId: tenant.id, idpId: idp.id, policy: idp.groupSync },
            stamp,
          )
        : null;
    const seen = context
      ? [...changed].filter(([, names]) => seesAnyName(context, names)).map(([userId]) => userId)
      : [];
    if (seen.length === 0) {
      if (events.length > 0) await this.audit.record(within, ctx, tenant.id, events);
      return { usersChanged: 0, adds: 0, roleChanges: 0, removals: 0 };
    }
    return this.applyChanged(tenant, idp, seen, ctx, within, context ?? undefined, events);
  }

  private async applyChanged(
    tenant: Tenant,
    idp: IdentityProvider,
    userIds: string[],
    ctx: RequestContext,
    within?: EntityManager,
    context?: SyncContext,
    events: AuditEntry[] = [],
  ): Promise<PushTotals> {
    const scope = { tenantId: tenant.id, idpId: idp.id, policy: idp.groupSync };
    const meta: ApplyMeta = {
      trigger: 'scim',
      idpId: idp.id,
      idpSlug: idp.slug,
      source: 'scim',
      tenant,
      idpPaused: idp.syncPaused,
    };
    const totals: PushTotals = { usersChanged: 0, adds: 0, roleChanges: 0, removals: 0 };
    const run = <T>(work: (em: EntityManager) => Promise<T>) => (within ? work(within) : this.tx.run(work));
    let before = events;
    for (const batch of inChunks([...new Set(userIds)].sort(), USERS_PER_TRANSACTION)) {
      await run(async (em) => {
        const inputs = await this.loader.load(em, scope, batch, {
          lock: true,
          usersLocked: !!within,
          context,
        });
        const changed: PlannedUser[] = [];
        const ownerCounts = new Map(inputs.ownerCounts);
        for (const mine of inputs.users.values()) {
          if (mine.user.status === 'blocked') continue;
          const plan = planSync(inputs.context, {
            user: engineUser(mine.user),
            memberships: mine.memberships,
            external: pushedExternalGroups(storedGroupNames(mine)),
            ownerCounts,
            now: Date.now(),
          });
          countDownOwners(ownerCounts, plan);
          // While staged removals wait, unchanged users too: a push that claims a membership again clears its row.
          if (!planHasChanges(plan)) {
            if (tenant.removalBreakerTrippedAt) changed.push({ user: mine.user, plan });
            continue;
          }
          changed.push({ user: mine.user, plan });
          totals.usersChanged++;
          totals.adds += plan.adds.length;
          totals.roleChanges += plan.roleChanges.length;
          totals.removals += plan.removals.length;
        }
        // The per-user summary only when it says more than the change events (a protection kept something).
        await this.writer.apply(em, ctx, tenant.id, changed, meta, { summary: 'when-kept', before });
        before = [];
      });
    }
    return totals;
  }
}
