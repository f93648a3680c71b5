import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { SecretKeyService } from '../../auth/secret-key.service';
import { conflict } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { inChunks, USERS_PER_TRANSACTION } from '../../database/chunks';
import { Transactions } from '../../database/transactions.service';
import type { IdentityProvider } from '../../identity-providers/identity-provider.entity';
import { Tenant as TenantEntity, type Tenant } from '../../tenants/tenant.entity';
import { Identity } from '../../users/identity.entity';
import { User } from '../../users/user.entity';
import { countDownOwners, planHasChanges, planSync, type SyncPlan, withPushedGroups } from '../engine';
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

interface GraphRefreshUser {
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
  /** Users Graph called gone but not blocked: too many at once to trust the settings (see docs). */
  blocksWithheld: number;
  throttled: { retryAfterSeconds: number } | null;
  failures: { userId: string; reason: string }[];
  /** Dry run: what would happen to each user (first 1,000). */
  users?: GraphRefreshUser[];
}

const GONE_REASON = 'Microsoft Graph says the user no longer exists (404 on /users/{id})';

/**
 * A run that finds more than this many users gone, and more than half of those it asked, blocks
 * nobody: that is what Graph settings pointing at the wrong directory look like, and blocks are not
 * behind the removal breaker. The inactivity rule still catches real leavers.
 */
const GONE_TRUSTED = 10;
const WITHHELD_REASON =
  'not blocked: more than half of the users asked were gone from Graph, which looks like Graph settings pointing at another directory';

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
    const cutoff = cutoffFor(notSeenDays, new Date());
    const candidates = await usersNotSeenSince(em, tenant.id, idp.id, cutoff);
    const objectIds = await objectIdsOf(
      em,
      tenant.id,
      idp.id,
      candidates.map((c) => c.id),
    );
    const result = emptyResult(options.dryRun, notSeenDays, candidates.length);
    const gone: string[] = [];
    const token = candidates.length > 0 ? await fetchGraphToken(settings) : null;
    const state: LookupState = { token: token?.ok ? token.token : null, throttled: null };
    for (const batch of inChunks(candidates, USERS_PER_TRANSACTION)) {
      const failure = token && !token.ok ? token.reason : null;
      const lookups = await lookUpUsers(settings, idp.groupSync, state, batch, objectIds, failure);
      const input = { tenant, idp, batch, lookups, cutoff };
      const users = options.dryRun
        ? await this.planBatch(em, input, null)
        : await this.tx.run((tem) => this.planBatch(tem, input, ctx));
      for (const user of users) tally(result, user);
      gone.push(...users.filter((u) => u.outcome === 'blocked').map((u) => u.userId));
    }
    result.throttled = state.throttled;
    if (gone.length > GONE_TRUSTED && gone.length * 2 > result.usersRead + gone.length + result.usersFailed)
      withhold(result, gone.length);
    else if (!options.dryRun) result.usersBlocked = await this.blockGone(tenant.id, idp, gone, cutoff, ctx);
    if (!options.dryRun) await this.recordRun(tenant, idp, result, ctx);
    return result;
  }

  /** Blocks the users Graph said are gone, still active and unseen, under their row locks. */
  private async blockGone(
    tenantId: string,
    idp: IdentityProvider,
    ids: string[],
    cutoff: Date,
    ctx: RequestContext,
  ): Promise<number> {
    let blocked = 0;
    for (const chunk of inChunks(ids, USERS_PER_TRANSACTION))
      blocked += await this.tx.run(async (em) => {
        await this.tx.lockRows(em, 'users', chunk);
        const users = (await em.find(User, { where: { tenantId, id: In(chunk), status: 'active' } })).filter(
          (u) => (u.lastSeenAt ?? u.createdAt) < cutoff,
        );
        const entries = await blockUsers(em, tenantId, users, 'graph', () => ({
          trigger: 'graph-refresh',
          idp: idp.slug,
          reason: GONE_REASON,
        }));
        await this.audit.record(em, ctx, tenantId, entries);
        return users.length;
      });
    return blocked;
  }

  /**
   * Plans one batch from the Graph answers and, with a context (not a dry run), writes it: stored
   * groups, memberships and their audit events, under the users' row locks. Gone users are only
   * listed here; they are blocked after the whole run (`blockGone`).
   */
  private async planBatch(em: EntityManager, input: BatchInput, ctx: RequestContext | null) {
    const { tenant, idp, batch, lookups, cutoff } = input;
    const scope: SyncScope = { tenantId: tenant.id, idpId: idp.id, policy: idp.groupSync };
    const asked = batch.filter((c) => ['groups', 'gone'].includes(lookups.get(c.id)!.kind)).map((c) => c.id);
    const inputs = await this.loader.load(em, scope, asked, { lock: ctx !== null });
    const ownerCounts = new Map(inputs.ownerCounts);
    const changed: PlannedUser[] = [];
    const read: string[] = [];
    const users: GraphRefreshUser[] = [];
    for (const candidate of batch) {
      const lookup = lookups.get(candidate.id)!;
      const mine = inputs.users.get(candidate.id);
      const line = (outcome: LeaverOutcome, reason: string | null, plan?: SyncPlan) =>
        users.push({ ...userLine(candidate), outcome, reason, ...(plan ? { plan } : {}) });
      if ('reason' in lookup) line(lookup.kind, lookup.reason);
      else if (!mine || mine.user.status === 'blocked') line('skipped', 'blocked or deleted meanwhile');
      else if ((mine.user.lastSeenAt ?? mine.user.createdAt) >= cutoff) line('skipped', 'seen meanwhile');
      else if (lookup.kind === 'gone') line('blocked', GONE_REASON);
      else {
        const pushed = mine.stored.filter((r) => r.source === 'scim').map((r) => r.externalGroup);
        const plan = planSync(inputs.context, {
          user: engineUser(mine.user),
          memberships: mine.memberships,
          external: withPushedGroups(lookup.external, pushed),
          ownerCounts,
          now: Date.now(),
        });
        countDownOwners(ownerCounts, plan);
        if (ctx) await storeClaimedGroups(em, tenant.id, mine.user.id, idp.id, lookup.external, mine.stored);
        read.push(mine.user.id);
        if (planHasChanges(plan)) changed.push({ user: mine.user, plan });
        line(planHasChanges(plan) ? 'changes' : 'unchanged', null, plan);
      }
    }
    if (ctx) await this.write(em, ctx, tenant.id, idp, { changed, read });
    return users;
  }

  private async write(
    em: EntityManager,
    ctx: RequestContext,
    tenantId: string,
    idp: IdentityProvider,
    batch: { changed: PlannedUser[]; read: string[] },
  ): Promise<void> {
    // Graph's list is whole: later reconciles may use the stored groups as a complete claim.
    for (const chunk of inChunks(batch.read))
      await em.update(
        Identity,
        { tenantId, idpId: idp.id, userId: In(chunk) },
        { claimStatus: 'present', claimsSeenAt: new Date() },
      );
    // The removal gate's input: a paused tenant or IdP writes nothing, the breaker counts these removals.
    const tenant = await em.findOneByOrFail(TenantEntity, { id: tenantId });
    const meta = {
      trigger: 'graph-refresh',
      tenant,
      idpId: idp.id,
      idpSlug: idp.slug,
      idpPaused: idp.syncPaused,
      source: 'sync',
    } as const;
    await this.writer.apply(em, ctx, tenantId, batch.changed, meta, { summary: 'when-written' });
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
    blocksWithheld: 0,
    throttled: null,
    failures: [],
    ...(dryRun ? { users: [] } : {}),
  };
}

function withhold(result: GraphRefreshResult, gone: number): void {
  result.usersBlocked = 0;
  result.blocksWithheld = gone;
  result.usersSkipped += gone;
  for (const user of result.users ?? [])
    if (user.outcome === 'blocked') Object.assign(user, { outcome: 'skipped', reason: WITHHELD_REASON });
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

interface BatchInput {
  tenant: Pick<Tenant, 'id'>;
  idp: IdentityProvider;
  batch: LeaverCandidate[];
  lookups: Map<string, GraphLookup>;
  cutoff: Date;
}

const userLine = (c: LeaverCandidate) => ({
  userId: c.id,
  email: c.email,
  lastSeenAt: c.seenAt.toISOString(),
});
