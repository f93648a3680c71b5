import { EntityManager, In } from 'typeorm';
import { Group } from '../groups/group.entity';
import { Membership } from '../groups/membership.entity';
import { GroupLink } from '../group-links/group-link.entity';
import { ExternalMembership } from './external-membership.entity';
import type { EngineGroup, EngineLink, EngineMembership, Role } from './engine';

/**
 * Lean reads for the sync engine: raw rows, no entity hydration. A tenant may have thousands of
 * groups and tens of thousands of links, and these run on every sign-in.
 */
export async function loadTenantGroupsAndLinks(
  em: EntityManager,
  tenantId: string,
): Promise<{ groups: EngineGroup[]; links: EngineLink[] }> {
  // One after the other: inside a transaction both would share one connection.
  const groups = await em
    .createQueryBuilder(Group, 'g')
    .select(['g.id AS id', 'g.name AS name', 'g.parentId AS "parentId"'])
    .where('g.tenantId = :tenantId', { tenantId })
    .getRawMany<EngineGroup>();
  const links = await em
    .createQueryBuilder(GroupLink, 'l')
    .select([
      'l.id AS id',
      'l.groupId AS "groupId"',
      'l.idpId AS "idpId"',
      'l.externalGroup AS "externalGroup"',
      'l.role AS role',
      'l.label AS label',
    ])
    .where('l.tenantId = :tenantId', { tenantId })
    .getRawMany<EngineLink>();
  return { groups, links };
}

export async function loadMemberships(
  em: EntityManager,
  tenantId: string,
  userId: string,
): Promise<EngineMembership[]> {
  return em
    .createQueryBuilder(Membership, 'm')
    .select(['m.groupId AS "groupId"', 'm.role AS role', 'm.source AS source'])
    .where('m.tenantId = :tenantId AND m.userId = :userId', { tenantId, userId })
    .getRawMany<EngineMembership>();
}

/** The memberships of several users, by user id (one query). */
export async function loadMembershipsOf(
  em: EntityManager,
  tenantId: string,
  userIds: string[],
): Promise<Map<string, EngineMembership[]>> {
  const byUser = new Map<string, EngineMembership[]>();
  if (userIds.length === 0) return byUser;
  const rows = await em
    .createQueryBuilder(Membership, 'm')
    .select(['m.userId AS "userId"', 'm.groupId AS "groupId"', 'm.role AS role', 'm.source AS source'])
    .where('m.tenantId = :tenantId AND m.userId IN (:...userIds)', { tenantId, userIds })
    .getRawMany<EngineMembership & { userId: string }>();
  for (const { userId, ...m } of rows) {
    const list = byUser.get(userId);
    if (list) list.push(m);
    else byUser.set(userId, [m]);
  }
  return byUser;
}

/** Direct owners of each group where the user is an owner: what the last-owner rule needs. */
export async function loadOwnerCounts(
  em: EntityManager,
  tenantId: string,
  memberships: EngineMembership[],
): Promise<Map<string, number>> {
  const owned = memberships.filter((m) => m.role === 'owner').map((m) => m.groupId);
  if (owned.length === 0) return new Map();
  const rows = await em
    .createQueryBuilder(Membership, 'm')
    .select(['m.groupId AS "groupId"', 'COUNT(*) AS owners'])
    .where('m.tenantId = :tenantId AND m.role = :owner AND m.groupId IN (:...owned)', {
      tenantId,
      owner: 'owner' as Role,
      owned,
    })
    .groupBy('m.groupId')
    .getRawMany<{ groupId: string; owners: string | number }>();
  return new Map(rows.map((r) => [r.groupId, Number(r.owners)]));
}

/** Stored external groups (claims and SCIM pushes) of some users at one IdP, by user id. */
export async function loadStoredExternalGroups(
  em: EntityManager,
  tenantId: string,
  idpId: string,
  userIds: string[],
): Promise<Map<string, string[]>> {
  const byUser = new Map<string, Set<string>>();
  // Chunked: both dialects limit the number of bound parameters.
  for (let i = 0; i < userIds.length; i += 5000) {
    const rows = await em
      .createQueryBuilder(ExternalMembership, 'x')
      .select(['x.userId AS "userId"', 'x.externalGroup AS "externalGroup"'])
      .where('x.tenantId = :tenantId AND x.idpId = :idpId AND x.userId IN (:...ids)', {
        tenantId,
        idpId,
        ids: userIds.slice(i, i + 5000),
      })
      // No ORDER BY: it would lead the planner to walk every row of the IdP in externalGroup order.
      .getRawMany<{ userId: string; externalGroup: string }>();
    for (const r of rows) {
      const set = byUser.get(r.userId);
      if (set) set.add(r.externalGroup);
      else byUser.set(r.userId, new Set([r.externalGroup]));
    }
  }
  // Sorted here, the same on both dialects, so plans do not depend on row order.
  return new Map([...byUser].map(([userId, groups]) => [userId, [...groups].sort()]));
}

export async function loadGroupsByIds(
  em: EntityManager,
  tenantId: string,
  ids: string[],
): Promise<Map<string, Group>> {
  if (ids.length === 0) return new Map();
  const groups = await em.find(Group, { where: { tenantId, id: In(ids) } });
  return new Map(groups.map((g) => [g.id, g]));
}
