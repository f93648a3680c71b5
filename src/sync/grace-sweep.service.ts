import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager } from 'typeorm';
import { newId } from '../common/ids';
import type { RequestContext } from '../common/request-context';
import type { AllConfigType } from '../config/configuration';
import { USERS_PER_TRANSACTION } from '../database/chunks';
import { PeriodicRound } from '../database/periodic-round';
import { Transactions } from '../database/transactions.service';
import { Membership } from '../groups/membership.entity';
import { Tenant } from '../tenants/tenant.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import {
  countDownOwners,
  onlyGroups,
  planSync,
  resolvePolicy,
  storedExternalGroups,
  type SyncContext,
  type SyncPlan,
} from './engine';
import { engineUser, storedGroupNames, SyncLoader, type UserInputs } from './pipeline/sync-loader';
import { PlannedUser, SyncWriter } from './pipeline/sync-writer';

/** Any fixed number: every groupsync process on one database agrees on it. */
const GRACE_SWEEP_LOCK_KEY = 7_140_221_015;

export interface GraceSweepResult {
  usersEvaluated: number;
  removals: number;
  cancelled: number;
  /** PostgreSQL: another process was sweeping, this one left it the work. */
  skipped: boolean;
}

interface DueKey {
  tenantId: string;
  idpId: string;
  userId: string;
}

/**
 * The grace period's background job: applies pending removals that are due. Each due user is
 * re-planned from their stored external groups with the policy of the IdP that scheduled the
 * removal, narrowed to the due groups, and written through the sync pipeline (row locks, audit),
 * 100 users per transaction. A claim that came back in the meantime cancels instead of removing.
 * Several processes: on PostgreSQL a sweep holds an advisory try-lock, so one process sweeps at a
 * time and the others skip the round; SQLite has one process.
 */
@Injectable()
export class GraceSweepService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sync');
  private readonly rounds: PeriodicRound;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly loader: SyncLoader,
    private readonly writer: SyncWriter,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.rounds = new PeriodicRound({
      name: 'Grace-period sweep',
      logger: this.logger,
      everyMs: config.get('ops.graceSweepSeconds', { infer: true }) * 1000,
      round: () => this.sweep(),
      lock: { dataSource, key: GRACE_SWEEP_LOCK_KEY },
    });
  }

  onApplicationBootstrap(): void {
    this.rounds.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.rounds.stop();
  }

  /** Applies every pending removal due at `now` (operators and tests call it; the timer does too). */
  async sweep(now = new Date()): Promise<GraceSweepResult> {
    const result: GraceSweepResult = { usersEvaluated: 0, removals: 0, cancelled: 0, skipped: false };
    const outcome = await this.rounds.exclusive(() => this.sweepAll(now, result));
    if (!outcome.ran) return { ...result, skipped: true };
    return result;
  }

  private async sweepAll(now: Date, result: GraceSweepResult): Promise<void> {
    const ctx: RequestContext = {
      correlationId: newId(),
      ip: null,
      userAgent: null,
      actor: { type: 'system', id: null, label: 'grace period' },
    };
    // Keyset order over (tenant, IdP, user): each run walks the due users once, so a removal a
    // protection keeps pending can never hold the loop.
    let after: DueKey | null = null;
    for (;;) {
      const batch = await this.tx.run((em) => this.sweepBatch(em, now, after, ctx, result));
      if (batch.length < USERS_PER_TRANSACTION) break;
      after = batch[batch.length - 1];
    }
    if (result.removals + result.cancelled > 0)
      this.logger.log({ ...result, correlationId: ctx.correlationId }, 'Grace-period sweep applied');
  }

  private async sweepBatch(
    em: EntityManager,
    now: Date,
    after: DueKey | null,
    ctx: RequestContext,
    result: GraceSweepResult,
  ): Promise<DueKey[]> {
    const due = await dueUsers(em, now, after);
    const byIdp = new Map<string, DueKey[]>();
    for (const key of due) {
      const k = `${key.tenantId}\u0000${key.idpId}`;
      byIdp.set(k, [...(byIdp.get(k) ?? []), key]);
    }
    for (const keys of byIdp.values()) await this.sweepIdp(em, now, keys, ctx, result);
    return due;
  }

  /** The due users of one IdP: re-planned with its policy, or cleared when the IdP is gone. */
  private async sweepIdp(
    em: EntityManager,
    now: Date,
    keys: DueKey[],
    ctx: RequestContext,
    result: GraceSweepResult,
  ): Promise<void> {
    const { tenantId, idpId } = keys[0];
    const userIds = keys.map((k) => k.userId);
    const idp = await em.findOneBy(IdentityProvider, { tenantId, id: idpId });
    // The removal gate's input: a paused tenant or IdP writes nothing, the breaker counts these removals.
    const tenant = await em.findOneByOrFail(Tenant, { id: tenantId });
    const meta = {
      trigger: 'grace-period' as const,
      tenant,
      idpId,
      idpSlug: idp?.slug ?? idpId,
      idpPaused: idp?.syncPaused ?? false,
      source: 'sync' as const,
    };
    // A deleted IdP's marks are cleared; the defaults only give the loader a policy to file under.
    const scope = { tenantId, idpId, policy: idp?.groupSync ?? resolvePolicy() };
    const inputs = await this.loader.load(em, scope, userIds, { lock: true, lastClaim: true });
    const planned: PlannedUser[] = [];
    const ownerCounts = new Map(inputs.ownerCounts);
    for (const userId of userIds) {
      const mine = inputs.users.get(userId);
      if (!mine || mine.user.status === 'blocked') continue;
      const dueGroups = new Set(
        mine.memberships
          .filter(
            (m) => m.removalIdpId === idpId && m.removalDueAt != null && m.removalDueAt <= now.getTime(),
          )
          .map((m) => m.groupId),
      );
      if (dueGroups.size === 0) continue; // settled by a sign-in since the query
      const plan = idp
        ? this.planDue(inputs.context, mine, ownerCounts, now, dueGroups)
        : cancelAll(inputs.context, dueGroups, 'its sign-in method was deleted');
      countDownOwners(ownerCounts, plan);
      planned.push({ user: mine.user, plan });
      result.usersEvaluated++;
      result.removals += plan.removals.length;
      result.cancelled += plan.removalsCancelled.length;
    }
    await this.writer.apply(em, ctx, tenantId, planned, meta, { summary: 'when-written' });
  }

  private planDue(
    context: SyncContext,
    mine: UserInputs,
    ownerCounts: ReadonlyMap<string, number>,
    now: Date,
    dueGroups: ReadonlySet<string>,
  ): SyncPlan {
    const plan = onlyGroups(
      planSync(context, {
        user: engineUser(mine.user),
        memberships: mine.memberships,
        external: storedExternalGroups(storedGroupNames(mine), mine.lastClaim, context.policy),
        ownerCounts,
        now: now.getTime(),
      }),
      dueGroups,
    );
    // Whatever the plan neither removes nor cancels (sync turned off for the IdP, say) is cancelled,
    // so no due mark outlives the sweep that found it.
    const settled = new Set([...plan.removals, ...plan.removalsCancelled].map((item) => item.groupId));
    const left = new Set([...dueGroups].filter((groupId) => !settled.has(groupId)));
    if (left.size > 0)
      plan.removalsCancelled.push(
        ...cancelAll(context, left, 'sync of its sign-in method no longer removes it').removalsCancelled,
      );
    return plan;
  }
}

/** Pending removals due at `now`, a page of distinct (tenant, IdP, user) after `after`, active users only. */
async function dueUsers(em: EntityManager, now: Date, after: DueKey | null): Promise<DueKey[]> {
  const query = em
    .createQueryBuilder(Membership, 'm')
    .innerJoin('m.user', 'u')
    .select(['m.tenantId AS "tenantId"', 'm.removalIdpId AS "idpId"', 'm.userId AS "userId"'])
    .distinct(true)
    .where('m.removalDueAt <= :now', { now })
    .andWhere('m.removalIdpId IS NOT NULL')
    .andWhere("u.status <> 'blocked'");
  if (after)
    query.andWhere(
      new Brackets((q) =>
        q
          .where('m.tenantId > :t', { t: after.tenantId })
          .orWhere('m.tenantId = :t AND m.removalIdpId > :i', { i: after.idpId })
          .orWhere('m.tenantId = :t AND m.removalIdpId = :i AND m.userId > :u', { u: after.userId }),
      ),
    );
  return query
    .orderBy('"tenantId"')
    .addOrderBy('"idpId"')
    .addOrderBy('"userId"')
    .limit(USERS_PER_TRANSACTION)
    .getRawMany<DueKey>();
}

/** A plan that only cancels the pending removals of these groups, with one reason. */
function cancelAll(context: SyncContext, groupIds: ReadonlySet<string>, why: string): SyncPlan {
  const removalsCancelled = [...groupIds].map((groupId) => {
    const groupName = context.groupsById.get(groupId)?.name ?? groupId;
    return { groupId, groupName, reason: `Pending removal from "${groupName}" cancelled: ${why}.` };
  });
  return {
    signup: 'existing',
    adds: [],
    roleChanges: [],
    removals: [],
    kept: [],
    removalsScheduled: [],
    removalsCancelled,
    lastOwnerMarked: [],
    lastOwnerCleared: [],
    admin: { from: false, to: false },
    complete: true,
    claimStatus: 'present',
    externalGroups: [],
    matchedExternalGroups: [],
    captureMisses: [],
  };
}
