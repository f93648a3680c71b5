import { Injectable } from '@nestjs/common';
import { loadRoleRanks } from '../roles/role-ranks';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Membership } from '../groups/membership.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import { User } from '../users/user.entity';
import {
  countDownOwners,
  buildSyncContext,
  ClaimStatus,
  EngineGroup,
  EngineLink,
  EngineMembership,
  externalGroupsLinkedTo,
  GroupSyncPolicy,
  normalizeGroupName,
  onlyGroups,
  planSync,
  Role,
  storedExternalGroups,
  SyncContext,
  SyncPlan,
} from './engine';
import { loadMembershipsOf, loadTenantGroupsAndLinks } from './sync-state';
import { compileRegex } from './pattern-regex';

export type LinkChangeKind = 'create' | 'update' | 'delete';

export interface AffectedUser {
  userId: string;
  email: string;
  idp: string;
  adds: { role: Role; reason: string }[];
  roleChanges: { from: Role; to: Role; reason: string }[];
  removals: { role: Role; reason: string }[];
  kept: { role: Role; reason: string }[];
}

export interface LinkImpact {
  change: LinkChangeKind;
  groupId: string;
  usersEvaluated: number;
  usersAffected: number;
  totals: { adds: number; roleChanges: number; removals: number; kept: number };
  affected: AffectedUser[];
  /** True when `affected` lists only the first MAX_LISTED users; the totals count everyone. */
  truncated: boolean;
}

const MAX_LISTED = 1000;

/**
 * What a link change would do to the people it concerns, computed from every user's stored
 * external groups (what their IdP last said), writing nothing. It is what `sync/reconcile` for the
 * group would apply now, and what each user's next sign-in will apply otherwise.
 */
@Injectable()
export class LinkImpactService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async impact(tenant: Tenant, kind: LinkChangeKind, link: EngineLink): Promise<LinkImpact> {
    const em = this.dataSource.manager;
    const { groups, links } = await loadTenantGroupsAndLinks(em, tenant.id);
    const proposed =
      kind === 'create'
        ? [...links, link]
        : kind === 'update'
          ? links.map((l) => (l.id === link.id ? link : l))
          : links.filter((l) => l.id !== link.id);
    const idps = await em.find(IdentityProvider, {
      where: { tenantId: tenant.id, ...(link.idpId ? { id: link.idpId } : {}) },
      order: { slug: 'ASC' },
    });

    const group = await this.groupState(em, tenant.id, link.groupId);
    // A capture link's changes land in whichever groups its capture may name, not in its home group.
    const scope = link.targetFromCapture ? reachableGroups(link, groups) : new Set([link.groupId]);
    const result: LinkImpact = {
      change: kind,
      groupId: link.groupId,
      usersEvaluated: 0,
      usersAffected: 0,
      totals: { adds: 0, roleChanges: 0, removals: 0, kept: 0 },
      affected: [],
      truncated: false,
    };
    const roles = await loadRoleRanks(em, tenant.id);
    for (const idp of idps) {
      const context = buildSyncContext({
        idpId: idp.id,
        policy: idp.groupSync,
        groups,
        links: proposed,
        roles,
        compileRegex,
      });
      const watched = watchedGroups(context, link, idp.groupSync);
      const { stored, statuses } = await this.candidates(em, tenant.id, idp.id, link.groupId, watched);
      const candidates = [...new Set([...stored.keys(), ...statuses.keys()])]
        .filter((id) => !group.blockedIds.has(id))
        .sort();
      const members = link.targetFromCapture
        ? await this.membershipsIn(em, tenant.id, candidates, scope)
        : group;
      // The preview counts owners down as the write would (countDownOwners).
      const ownerCounts = new Map(members.ownerCounts);
      for (const userId of candidates) {
        const groupsSeen = stored.get(userId) ?? [];
        if (!statuses.has(userId) && groupsSeen.length === 0) continue; // this IdP never told us anything
        result.usersEvaluated++;
        const plan = onlyGroups(
          planSync(context, {
            user: { id: userId, isAdmin: false, adminSource: null },
            memberships: members.membershipsOf.get(userId) ?? [],
            external: storedExternalGroups(groupsSeen, statuses.get(userId) ?? null, idp.groupSync),
            ownerCounts,
            now: Date.now(),
          }),
          scope,
        );
        countDownOwners(ownerCounts, plan);
        addAffected(result, userId, idp.slug, plan);
      }
    }
    await this.fillEmails(em, tenant.id, result.affected);
    return result;
  }

  /** The group's members, its owner count and the tenant's blocked users. Raw rows: this may read tens of thousands. */
  private async groupState(em: EntityManager, tenantId: string, groupId: string) {
    const [members, blocked, ownerCount] = await Promise.all([
      em
        .createQueryBuilder(Membership, 'm')
        .select(['m.userId AS "userId"', 'm.groupId AS "groupId"', 'm.role AS role', 'm.source AS source'])
        .where('m.tenantId = :tenantId AND m.groupId = :groupId', { tenantId, groupId })
        .getRawMany<EngineMembership & { userId: string }>(),
      em
        .createQueryBuilder(User, 'u')
        .select('u.id', 'id')
        .where('u.tenantId = :tenantId AND u.status = :blocked', { tenantId, blocked: 'blocked' })
        .getRawMany<{ id: string }>(),
      em.countBy(Membership, { tenantId, groupId, role: 'owner' }),
    ]);
    return {
      membershipsOf: new Map(members.map((m) => [m.userId, [m]])),
      blockedIds: new Set(blocked.map((u) => u.id)),
      ownerCounts: new Map([[groupId, ownerCount]]),
    };
  }

  /** The candidates' memberships in the groups a capture link may name, with those groups' owner counts. */
  private async membershipsIn(
    em: EntityManager,
    tenantId: string,
    userIds: string[],
    groupIds: ReadonlySet<string>,
  ) {
    const membershipsOf = new Map<string, EngineMembership[]>();
    // The owner counts come with the memberships (of every group a user owns; the plan reads those it needs).
    const { byUser, ownerCounts } = await loadMembershipsOf(em, tenantId, userIds);
    for (const [userId, memberships] of byUser)
      membershipsOf.set(
        userId,
        memberships.filter((m) => groupIds.has(m.groupId)),
      );
    return { membershipsOf, ownerCounts };
  }

  /**
   * The users a change of the group's links can concern (its members, and users whose stored groups
   * at this IdP include a watched one) with what this IdP last told us about each: their stored
   * groups and the status of their last claim. One pass per table, joined to the candidate set, so
   * the database probes its per-user indexes instead of scanning the IdP's rows once per chunk.
   */
  private async candidates(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    groupId: string,
    watched: string[] | null,
  ) {
    const [groupRows, statusRows] =
      em.connection.options.type === 'postgres'
        ? await this.candidatesPostgres(em, tenantId, idpId, groupId, watched)
        : await this.candidatesSqlite(em, tenantId, idpId, groupId, watched);
    const stored = new Map<string, string[]>();
    for (const r of groupRows) {
      const list = stored.get(r.userId);
      if (list) {
        if (list[list.length - 1] !== r.externalGroup) list.push(r.externalGroup); // sorted: duplicates are adjacent
      } else stored.set(r.userId, [r.externalGroup]);
    }
    const statuses = new Map(statusRows.map((r) => [r.userId, r.claimStatus]));
    return { stored, statuses };
  }

  // The two dialects differ in planners: SQLite picks the (tenant, IdP, group) index for a long IN
  // list and scans the IdP's rows once per chunk, but joins a CTE by probing the per-user index;
  // PostgreSQL, on freshly loaded tables without statistics, may nest-loop that join, but handles
  // one `= ANY(array)` per table predictably.
  private candidatesSqlite(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    groupId: string,
    watched: string[] | null,
  ) {
    const params: unknown[] = [tenantId, idpId, ...(watched ?? []), tenantId, groupId, idpId];
    const anyOf =
      watched === null ? '' : `AND "externalGroup" IN (${watched.map(() => '?').join(', ') || 'NULL'})`;
    const candidateSql = `WITH candidates AS (
        SELECT "userId" FROM "external_memberships"
         WHERE "tenantId" = ? AND "idpId" = ? ${anyOf}
        UNION
        SELECT "userId" FROM "memberships" WHERE "tenantId" = ? AND "groupId" = ?)`;
    return Promise.all([
      em.query(
        `${candidateSql} SELECT x."userId" AS "userId", x."externalGroup" AS "externalGroup"
           FROM candidates c JOIN "external_memberships" x ON x."userId" = c."userId" AND x."idpId" = ?
          ORDER BY x."externalGroup"`,
        params,
      ) as Promise<{ userId: string; externalGroup: string }[]>,
      em.query(
        `${candidateSql} SELECT i."userId" AS "userId", i."claimStatus" AS "claimStatus"
           FROM candidates c JOIN "identities" i ON i."userId" = c."userId" AND i."idpId" = ?
          WHERE i."claimStatus" IS NOT NULL`,
        params,
      ) as Promise<{ userId: string; claimStatus: ClaimStatus | null }[]>,
    ]);
  }

  private async candidatesPostgres(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    groupId: string,
    watched: string[] | null,
  ) {
    const ids: { userId: string }[] = await em.query(
      `SELECT "userId" FROM "external_memberships" WHERE "tenantId" = $1 AND "idpId" = $2
          AND ($3::text[] IS NULL OR "externalGroup" = ANY($3))
       UNION
       SELECT "userId" FROM "memberships" WHERE "tenantId" = $1 AND "groupId" = $4`,
      [tenantId, idpId, watched, groupId],
    );
    const userIds = ids.map((r) => r.userId);
    return Promise.all([
      em.query(
        `SELECT "userId", "externalGroup" FROM "external_memberships"
          WHERE "userId" = ANY($1::uuid[]) AND "idpId" = $2 ORDER BY "externalGroup"`,
        [userIds, idpId],
      ) as Promise<{ userId: string; externalGroup: string }[]>,
      em.query(
        `SELECT "userId", "claimStatus" FROM "identities"
          WHERE "userId" = ANY($1::uuid[]) AND "idpId" = $2 AND "claimStatus" IS NOT NULL`,
        [userIds, idpId],
      ) as Promise<{ userId: string; claimStatus: ClaimStatus | null }[]>,
    ]);
  }

  private async fillEmails(em: EntityManager, tenantId: string, affected: AffectedUser[]): Promise<void> {
    if (affected.length === 0) return;
    const users = await em.find(User, {
      where: { tenantId, id: In(affected.map((a) => a.userId)) },
      select: { id: true, email: true },
    });
    const email = new Map(users.map((u) => [u.id, u.email]));
    for (const a of affected) a.email = email.get(a.userId) ?? '';
    affected.sort((a, b) => a.email.localeCompare(b.email) || a.idp.localeCompare(b.idp));
  }
}

/** The groups a capture link may name (its capture's own pattern accepts their name). */
function reachableGroups(link: EngineLink, groups: readonly EngineGroup[]): Set<string> {
  const regex = compileRegex(link.externalGroup.trim(), true);
  return new Set(groups.filter((g) => regex.captureCanBe(g.name)).map((g) => g.id));
}

/**
 * The stored external groups that make a user a candidate; null when anyone this IdP told us about may
 * be one (a glob or regex link may concern the group, or the changed link is one).
 */
function watchedGroups(context: SyncContext, link: EngineLink, policy: GroupSyncPolicy): string[] | null {
  if (link.matchType === 'glob' || link.matchType === 'regex') return null;
  const linked = externalGroupsLinkedTo(context, link.groupId);
  if (linked === null) return null;
  return [...new Set([...linked, normalizeGroupName(link.externalGroup, policy)])];
}

/** Counts a user's plan for the group into the totals, and lists it among the first MAX_LISTED. */
function addAffected(result: LinkImpact, userId: string, idp: string, plan: SyncPlan): void {
  // A removal the grace period would postpone is still a loss of access: its reason says when.
  const removals = [...plan.removals, ...plan.removalsScheduled];
  const changes = plan.adds.length + plan.roleChanges.length + removals.length + plan.kept.length;
  if (changes === 0) return;
  result.usersAffected++;
  result.totals.adds += plan.adds.length;
  result.totals.roleChanges += plan.roleChanges.length;
  result.totals.removals += removals.length;
  result.totals.kept += plan.kept.length;
  if (result.affected.length >= MAX_LISTED) {
    result.truncated = true;
    return;
  }
  result.affected.push({
    userId,
    email: '',
    idp,
    adds: plan.adds.map(({ role, reason }) => ({ role, reason })),
    roleChanges: plan.roleChanges.map(({ from, to, reason }) => ({ from, to, reason })),
    removals: removals.map(({ role, reason }) => ({ role, reason })),
    kept: plan.kept.map(({ role, reason }) => ({ role, reason })),
  });
}
