import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { decodeCursor, Page, PAGE_DEFAULT, toPage } from '../common/cursor';
import { AppError } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { Membership } from '../groups/membership.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { countDownOwners, planSync, storedExternalGroups } from '../sync/engine';
import { engineUser, storedGroupNames, SyncLoader } from '../sync/pipeline/sync-loader';
import type { Tenant } from '../tenants/tenant.entity';
import { closeBreakerIfEmpty } from './removal-gate';
import { StagedRemoval } from './staged-removal.entity';

export interface StagedRemovalView {
  id: string;
  userId: string;
  email: string;
  groupId: string;
  groupName: string;
  role: string;
  reason: string;
  trigger: string;
  idp: string;
  createdAt: string;
}

interface Skipped {
  id: string;
  userId: string;
  groupId: string;
  why: string;
}

/** The staged removals of a tenant: listed, approved (applied after a fresh check) or discarded. */
@Injectable()
export class StagedRemovalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly loader: SyncLoader,
  ) {}

  /** Oldest first, cursor-paged by id (time-ordered). */
  async list(tenant: Tenant, q: { limit?: number; cursor?: string }): Promise<Page<StagedRemovalView>> {
    const limit = q.limit ?? PAGE_DEFAULT;
    const qb = this.dataSource
      .createQueryBuilder(StagedRemoval, 's')
      .innerJoin('s.user', 'u')
      .innerJoin('s.group', 'g')
      .innerJoin('s.idp', 'i')
      .select(['s.id AS id', 's.userId AS "userId"', 'u.email AS email', 's.groupId AS "groupId"'])
      .addSelect(['g.name AS "groupName"', 's.role AS role', 's.reason AS reason', 's.trigger AS trigger'])
      .addSelect(['i.slug AS idp', 's.createdAt AS "createdAt"'])
      .where('s.tenantId = :tenantId', { tenantId: tenant.id });
    if (q.cursor) qb.andWhere('s.id > :after', { after: decodeCursor(q.cursor, 1, [0])[0] });
    const rows = await qb
      .orderBy('s.id', 'ASC')
      .limit(limit + 1)
      .getRawMany<StagedRemovalView & { createdAt: unknown }>();
    const items = rows.map((r) => ({ ...r, createdAt: asIso(r.createdAt) }));
    return toPage(items, limit, (r) => [r.id]);
  }

  /**
   * Applies the staged removals after checking each again under the users' locks: the membership
   * still exists, the IdP's stored word still removes it, and the last-owner rule still holds.
   * Those that no longer hold are dropped and named in `skipped`.
   */
  async approve(tenant: Tenant, ids: string[] | undefined, ctx: RequestContext) {
    return this.tx.run(async (em) => {
      const rows = await this.select(em, tenant, ids, true);
      const entries: AuditEntry[] = [];
      const skipped: Skipped[] = [];
      let approved = 0;
      for (const [idpId, list] of groupBy(rows, (r) => r.idpId)) {
        const done = await this.applyOf(em, tenant, idpId, list, skipped);
        entries.push(...done);
        approved += done.length;
      }
      if (rows.length > 0) await em.delete(StagedRemoval, { id: In(rows.map((r) => r.id)) });
      entries.push({
        action: 'sync.staged_removals_approved',
        targetType: 'tenant',
        targetId: tenant.id,
        details: { approved, skipped: skipped.slice(0, 100), skippedCount: skipped.length },
      });
      entries.push(...(await closeBreakerIfEmpty(em, tenant.id, 'the staged removals were approved')));
      await this.audit.record(em, ctx, tenant.id, entries);
      return { approved, skipped };
    });
  }

  /** Drops the staged removals: everyone keeps their membership. */
  async discard(tenant: Tenant, ids: string[] | undefined, ctx: RequestContext) {
    return this.tx.run(async (em) => {
      const rows = await this.select(em, tenant, ids, false);
      if (rows.length > 0) await em.delete(StagedRemoval, { id: In(rows.map((r) => r.id)) });
      const entries: AuditEntry[] = [
        {
          action: 'sync.staged_removals_discarded',
          targetType: 'tenant',
          targetId: tenant.id,
          details: {
            discarded: rows.length,
            removals: rows.slice(0, 100).map((r) => ({ id: r.id, userId: r.userId, groupId: r.groupId })),
          },
        },
        ...(await closeBreakerIfEmpty(em, tenant.id, 'the staged removals were discarded')),
      ];
      await this.audit.record(em, ctx, tenant.id, entries);
      return { discarded: rows.length };
    });
  }

  /**
   * The rows asked for, all of this tenant (404 naming the unknown ids, nothing done). Locks as
   * every sync does, users before the tenant (approve: the users, so a sign-in cannot deadlock with
   * it), then reads again: a sync may have cleared some rows in between.
   */
  private async select(
    em: EntityManager,
    tenant: Tenant,
    ids: string[] | undefined,
    lockUsers: boolean,
  ): Promise<StagedRemoval[]> {
    const wanted = ids ? [...new Set(ids.map((id) => id.toLowerCase()))] : null;
    const read = () =>
      em.find(StagedRemoval, {
        where: { tenantId: tenant.id, ...(wanted ? { id: In(wanted) } : {}) },
        order: { id: 'ASC' },
      });
    const rows = await read();
    const found = new Set(rows.map((r) => r.id.toLowerCase()));
    const missing = (wanted ?? []).filter((id) => !found.has(id));
    if (missing.length > 0)
      throw new AppError('staged_removal_not_found', `Staged removal "${missing[0]}" was not found`, {
        missing: missing.slice(0, 100),
      });
    if (lockUsers) await this.tx.lockRows(em, 'users', [...new Set(rows.map((r) => r.userId))]);
    await this.tx.lockRow(em, 'tenants', tenant.id);
    return lockUsers && this.tx.dialect === 'postgres' ? read() : rows;
  }

  /** One IdP's approved rows: re-planned from the stored groups, removed where the plan still removes. */
  private async applyOf(
    em: EntityManager,
    tenant: Tenant,
    idpId: string,
    rows: StagedRemoval[],
    skipped: Skipped[],
  ): Promise<AuditEntry[]> {
    const idp = await em.findOneByOrFail(IdentityProvider, { tenantId: tenant.id, id: idpId });
    // No grace period here: the admin approved this removal, and a grace period turned on since it
    // was staged would otherwise plan it as postponed and drop it as "granted again".
    const scope = { tenantId: tenant.id, idpId, policy: { ...idp.groupSync, removalGraceHours: 0 } };
    const inputs = await this.loader.load(em, scope, [...new Set(rows.map((r) => r.userId))], {
      lock: true,
      lastClaim: true,
    });
    // Counted down as owners go (countDownOwners), so approving two owners of one group cannot leave it without one.
    const ownerCounts = new Map(inputs.ownerCounts);
    const entries: AuditEntry[] = [];
    for (const row of rows) {
      const mine = inputs.users.get(row.userId)!;
      const current = mine.memberships.find((m) => m.groupId === row.groupId);
      const plan = planSync(inputs.context, {
        user: engineUser(mine.user),
        memberships: current ? [current] : [],
        external: storedExternalGroups(storedGroupNames(mine), mine.lastClaim, scope.policy),
        ownerCounts,
        now: Date.now(),
      });
      const removal = plan.removals.find((r) => r.groupId === row.groupId);
      if (!current || !removal) {
        const kept = plan.kept.find((k) => k.groupId === row.groupId);
        const why = !current
          ? 'the membership no longer exists'
          : (kept?.reason ?? 'the identity provider grants the membership again');
        skipped.push({ id: row.id, userId: row.userId, groupId: row.groupId, why });
        continue;
      }
      await em.delete(Membership, { tenantId: tenant.id, userId: row.userId, groupId: row.groupId });
      countDownOwners(ownerCounts, { removals: [removal], roleChanges: [] });
      entries.push({
        action: 'membership.removed',
        targetType: 'group',
        targetId: row.groupId,
        userId: row.userId,
        before: { role: current.role },
        details: {
          trigger: 'approval',
          idp: idp.slug,
          groupName: removal.groupName,
          reason: removal.reason,
          stagedRemovalId: row.id,
          stagedBy: row.trigger,
          stagedAt: row.createdAt.toISOString(),
        },
      });
    }
    return entries;
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

/** A raw timestamp as ISO text: PostgreSQL gives a Date, SQLite its stored text (UTC). */
function asIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`).toISOString();
}
