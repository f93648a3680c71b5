import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditEntry, AuditService } from '../../audit/audit.service';
import { SecretKeyService } from '../../auth/secret-key.service';
import { conflict } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { inChunks, USERS_PER_TRANSACTION } from '../../database/chunks';
import { Transactions } from '../../database/transactions.service';
import type { IdentityProvider } from '../../identity-providers/identity-provider.entity';
import type { Tenant } from '../../tenants/tenant.entity';
import { Identity } from '../../users/identity.entity';
import type { User } from '../../users/user.entity';
import { planHasChanges, planSync, type SyncPlan, withPushedGroups } from '../engine';
import { fetchGraphToken } from '../graph/graph-groups.client';
import { graphSettingsOf } from '../graph/graph-overage';
import { engineUser, SyncLoader, type SyncScope } from '../pipeline/sync-loader';
import { type PlannedUser, storeClaimedGroups, SyncWriter } from '../pipeline/sync-writer';
import { blockUsers } from './block-users';
import { GraphLookup, lookUpUsers, LookupState } from './graph-lookup';
import { cutoffFor, LeaverCandidate, objectIdsOf, usersNotSeenSince } from './leaver-candidates';
import { leaversSettings } from './leavers-settings';

/** Per-user lines of an answer, at most this many (the counts are always whole). */
const LISTED_USERS = 1000;
const LISTED_FAILURES = 20;

type LeaverOutcome = 'changes' | 'unchanged' | 'blocked' | 'failed' | 'skipped' | 'not-read';

export interface GraphRefreshUser {
  userId: string;
  email: string;
  lastSeenAt: string;
  outcome: LeaverOutcome;
  reason: string | null;
  /** The plan, for users Graph answered for completely. */
  plan?: SyncPlan;
}

export interface GraphRefreshResult {
  dryRun: boolean;
  notSeenDays: number;
  usersConsidered: number;
  usersRead: number;
  usersChanged: number;
  usersBlocked: number;
  usersFailed: number;
  usersSkipped: number;
  usersNotRead: number;
  throttled: { retryAfterSeconds: number } | null;
  failures: { userId: string; reason: string }[];
  /** Dry run: what would happen to each user (first 1,000). */
  users?: GraphRefreshUser[];
}

const GONE_REASON = 'Microsoft Graph says the user no longer exists (404 on /users/{id})';

/**
 * Leavers caught without a sign-in, for Entra ID: reads the groups of users not seen for
 * `notSeenDays` through Microsoft Graph and applies them through the sync pipeline (the same loader,
 * engine and writer as a sign-in), trigger `graph-refresh`. Only complete answers are used; a user
 * Graph says is gone is blocked. Graph is asked outside transactions; each batch of users is then
 * planned and written in one transaction under their row locks.
 */
@Injectable()
export class GraphRefreshService {
  private readonly logger = new Logger('Leavers');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly secretKey: SecretKeyService,
    private readonly loader: SyncLoader,
    private readonly writer: SyncWriter,
  ) {}

  async run(
    tenant: Pick<Tenant, 'id' | 'slug'>,
    idp: IdentityProvider,
    options: { dryRun: boolean },
    ctx: RequestContext,
  ): Promise<GraphRefreshResult> {
    const settings = graphSettingsOf(idp, this.secretKey.box);
    if (typeof settings === 'string')
      throw conflict('leavers_not_configured', `Graph refresh of "${idp.slug}" is not possible: ${settings}`);
    const { notSeenDays } = leaversSettings(idp.config);
    const em = this.dataSource.manager;
    const candidates = await usersNotSeenSince(em, tenant.id, idp.id, cutoffFor(notSeenDays, new Date()));
    const objectIds = await objectIdsOf(
      em,
      tenant.id,
      idp.id,
      candidates.map((c) => c.id),
    );
    const result = emptyResult(options.dryRun, notSeenDays, candidates.length);
    const token = candidates.length > 0 ? await fetchGraphToken(settings) : null;
    const state: LookupState = { token: token?.ok ? token.token : null, throttled: null };
    for (const batch of inChunks(candidates, USERS_PER_TRANSACTION)) {
      const failure = token && !token.ok ? token.reason : null;
      const lookups = await lookUpUsers(settings, idp.groupSync, state, batch, objectIds, failure);
      const users = options.dryRun
        ? await this.planBatch(em, tenant, idp, batch, lookups, null)
        : await this.tx.run((tem) => this.planBatch(tem, tenant, idp, batch, lookups, ctx));
      for (const user of users) tally(result, user);
    }
    result.throttled = state.throttled;
    if (!options.dryRun) await this.recordRun(tenant, idp, result, ctx);
    return result;
  }

  /**
   * Plans one batch from the Graph answers and, with a context (not a dry run), writes it: stored
   * groups, memberships, blocks and their audit events, under the users' row locks.
   */
  private async planBatch(
    em: EntityManager,
    tenant: Pick<Tenant, 'id'>,
    idp: IdentityProvider,
    batch: LeaverCandidate[],
    lookups: Map<string, GraphLookup>,
    ctx: RequestContext | null,
  ): Promise<GraphRefreshUser[]> {
    const scope: SyncScope = { tenantId: tenant.id, idpId: idp.id, policy: idp.groupSync };
    const asked = batch.filter((c) => ['groups', 'gone'].includes(lookups.get(c.id)!.kind)).map((c) => c.id);
    const inputs = await this.loader.load(em, scope, asked, { lock: ctx !== null });
    const changed: PlannedUser[] = [];
    const read: string[] = [];
    const gone: User[] = [];
    const users: GraphRefreshUser[] = [];
    for (const candidate of batch) {
      const lookup = lookups.get(candidate.id)!;
      const mine = inputs.users.get(candidate.id);
      const line = (outcome: LeaverOutcome, reason: string | null, plan?: SyncPlan) =>
        users.push({ ...userLine(candidate), outcome, reason, ...(plan ? { plan } : {}) });
      if ('reason' in lookup) line(lookup.kind, lookup.reason);
      else if (!mine || mine.user.status === 'blocked') line('skipped', 'blocked or deleted meanwhile');
      else if (lookup.kind === 'gone') {
        gone.push(mine.user);
        line('blocked', GONE_REASON);
      } else {
        const pushed = mine.stored.filter((r) => r.source === 'scim').map((r) => r.externalGroup);
        const plan = planSync(inputs.context, {
          user: engineUser(mine.user),
          memberships: mine.memberships,
          external: withPushedGroups(lookup.external, pushed),
          ownerCounts: inputs.ownerCounts,
        });
        if (ctx) await storeClaimedGroups(em, tenant.id, mine.user.id, idp.id, lookup.external, mine.stored);
        read.push(mine.user.id);
        if (planHasChanges(plan)) changed.push({ user: mine.user, plan });
        line(planHasChanges(plan) ? 'changes' : 'unchanged', null, plan);
      }
    }
    if (ctx) await this.write(em, ctx, tenant.id, idp, { changed, read, gone });
    return users;
  }

  private async write(
    em: EntityManager,
    ctx: RequestContext,
    tenantId: string,
    idp: IdentityProvider,
    batch: { changed: PlannedUser[]; read: string[]; gone: User[] },
  ): Promise<void> {
    // Graph's list is whole: later reconciles may use the stored groups as a complete claim.
    for (const chunk of inChunks(batch.read))
      await em.update(
        Identity,
        { tenantId, idpId: idp.id, userId: In(chunk) },
        { claimStatus: 'present', claimsSeenAt: new Date() },
      );
    const before: AuditEntry[] = await blockUsers(em, tenantId, batch.gone, 'graph', () => ({
      trigger: 'graph-refresh',
      idp: idp.slug,
      reason: GONE_REASON,
    }));
    const meta = { trigger: 'graph-refresh', idpId: idp.id, idpSlug: idp.slug, source: 'sync' } as const;
    await this.writer.apply(em, ctx, tenantId, batch.changed, meta, { summary: 'when-written', before });
  }

  /** One audit event and one log line per run, however many users failed. */
  private async recordRun(
    tenant: Pick<Tenant, 'id' | 'slug'>,
    idp: IdentityProvider,
    result: GraphRefreshResult,
    ctx: RequestContext,
  ): Promise<void> {
    const { users: _users, ...summary } = result;
    await this.tx.run((em) =>
      this.audit.record(em, ctx, tenant.id, {
        action: 'sync.graph_refreshed',
        targetType: 'identity_provider',
        targetId: idp.id,
        details: { idp: idp.slug, ...summary },
      }),
    );
    const log = { tenant: tenant.slug, idp: idp.slug, ...summary, correlationId: ctx.correlationId };
    if (result.usersFailed > 0 || result.throttled) this.logger.warn(log, 'Graph refresh incomplete');
    else this.logger.log(log, 'Graph refresh done');
  }
}

function emptyResult(dryRun: boolean, notSeenDays: number, considered: number): GraphRefreshResult {
  return {
    dryRun,
    notSeenDays,
    usersConsidered: considered,
    usersRead: 0,
    usersChanged: 0,
    usersBlocked: 0,
    usersFailed: 0,
    usersSkipped: 0,
    usersNotRead: 0,
    throttled: null,
    failures: [],
    ...(dryRun ? { users: [] } : {}),
  };
}

function tally(result: GraphRefreshResult, user: GraphRefreshUser): void {
  if (user.outcome === 'changes' || user.outcome === 'unchanged') result.usersRead++;
  if (user.outcome === 'changes') result.usersChanged++;
  if (user.outcome === 'blocked') result.usersBlocked++;
  if (user.outcome === 'skipped') result.usersSkipped++;
  if (user.outcome === 'not-read') result.usersNotRead++;
  if (user.outcome === 'failed') {
    result.usersFailed++;
    if (result.failures.length < LISTED_FAILURES)
      result.failures.push({ userId: user.userId, reason: user.reason ?? 'unknown' });
  }
  if (result.users && result.users.length < LISTED_USERS) result.users.push(user);
}

const userLine = (c: LeaverCandidate) => ({
  userId: c.id,
  email: c.email,
  lastSeenAt: c.seenAt.toISOString(),
});
