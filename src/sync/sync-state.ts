import { EntityManager, In } from 'typeorm';
import { inChunks } from '../database/chunks';
import { Group } from '../groups/group.entity';
import { Membership } from '../groups/membership.entity';
import { GroupLink } from '../group-links/group-link.entity';
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
      'l.matchType AS "matchType"',
      'l.targetFromCapture AS "targetFromCapture"',
    ])
    .where('l.tenantId = :tenantId', { tenantId })
    .getRawMany<EngineLink>();
  // SQLite answers booleans as 0 / 1.
  for (const link of links) link.targetFromCapture = Boolean(link.targetFromCapture);
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

type MembershipRow = Omit<EngineMembership, 'removalDueAt' | 'keptAsLastOwner'> & {
  userId: string;
  removalDueAt: RawTimestamp;
  lastOwnerKeptAt: RawTimestamp;
  /** Direct owners of the group, on the rows the user owns (null on the others). */
  owners: string | number | null;
};

/** A timestamp as a raw query returns it: a Date (PostgreSQL) or SQLite's UTC 'YYYY-MM-DD HH:MM:SS.SSS'. */
type RawTimestamp = Date | string | null;

function epochMs(value: RawTimestamp): number | null {
  if (value === null) return null;
  if (value instanceof Date) return value.getTime();
  return Date.parse(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
}

/** Owners of the membership's group, counted only where the membership itself is an owner's. */
const OWNERS_OF_OWNED_GROUP =
  `CASE WHEN "m"."role" = 'owner' THEN (SELECT COUNT(*) FROM "memberships" "o" ` +
  `WHERE "o"."tenantId" = "m"."tenantId" AND "o"."groupId" = "m"."groupId" AND "o"."role" = 'owner') END`;

/**
 * The memberships of several users, by user id, and the direct owners of every group one of them
 * owns (the last-owner rule's input), in one query per parameter budget of users: the owner count
 * is a correlated subquery on the owned rows only, so it costs no statement of its own.
 */
export async function loadMembershipsOf(
  em: EntityManager,
  tenantId: string,
  userIds: string[],
): Promise<{ byUser: Map<string, EngineMembership[]>; ownerCounts: Map<string, number> }> {
  const byUser = new Map<string, EngineMembership[]>();
  const ownerCounts = new Map<string, number>();
  for (const chunk of inChunks(userIds)) {
    const rows = await em
      .createQueryBuilder(Membership, 'm')
      .select([
        'm.userId AS "userId"',
        'm.groupId AS "groupId"',
        'm.role AS role',
        'm.source AS source',
        'm.removalDueAt AS "removalDueAt"',
        'm.removalIdpId AS "removalIdpId"',
        'm.lastOwnerKeptAt AS "lastOwnerKeptAt"',
      ])
      .addSelect(OWNERS_OF_OWNED_GROUP, 'owners')
      .where('m.tenantId = :tenantId AND m.userId IN (:...userIds)', { tenantId, userIds: chunk })
      .getRawMany<MembershipRow>();
    for (const row of rows) {
      const membership = membershipOf(row, ownerCounts);
      const list = byUser.get(row.userId);
      if (list) list.push(membership);
      else byUser.set(row.userId, [membership]);
    }
  }
  return { byUser, ownerCounts };
}

/** A membership row as the engine sees it; its group's owner count goes into `ownerCounts`. */
function membershipOf(
  { removalDueAt, lastOwnerKeptAt, owners, ...m }: Omit<MembershipRow, 'userId'> & { userId?: string },
  ownerCounts: Map<string, number>,
): EngineMembership {
  if (owners !== null) ownerCounts.set(m.groupId, Number(owners));
  return {
    groupId: m.groupId,
    role: m.role,
    source: m.source,
    removalIdpId: m.removalIdpId,
    removalDueAt: epochMs(removalDueAt),
    keptAsLastOwner: lastOwnerKeptAt !== null,
  };
}

/**
 * One user's memberships (with the owner counts of the groups they own) and stored groups at one
 * IdP, each as a JSON array column of the statement that finds and locks the user: a returning
 * sign-in reads all its inputs in one statement (issue #14). `i` is the identity's alias.
 */
export function signInInputColumns(dialect: 'postgres' | 'sqlite'): { memberships: string; stored: string } {
  const pg = dialect === 'postgres';
  const object = pg ? 'json_build_object' : 'json_object';
  const array = (of: string) => (pg ? `COALESCE(json_agg(${of}), '[]')` : `json_group_array(${of})`);
  const memberships = `(SELECT ${array(
    `${object}('groupId', "m"."groupId", 'role', "m"."role", 'source', "m"."source", ` +
      `'removalDueAt', "m"."removalDueAt", 'removalIdpId', "m"."removalIdpId", ` +
      `'lastOwnerKeptAt', "m"."lastOwnerKeptAt", 'owners', ${OWNERS_OF_OWNED_GROUP})`,
  )} FROM "memberships" "m" WHERE "m"."tenantId" = "i"."tenantId" AND "m"."userId" = "i"."userId")`;
  const stored =
    `(SELECT ${array(
      `${object}('id', "e"."id", 'externalGroup', "e"."externalGroup", 'source', "e"."source", 'seenAt', "e"."seenAt")`,
    )} FROM "external_memberships" "e" ` +
    `WHERE "e"."tenantId" = "i"."tenantId" AND "e"."idpId" = "i"."idpId" AND "e"."userId" = "i"."userId")`;
  return { memberships, stored };
}

/** What `signInInputColumns` read, as the loader keeps it; PostgreSQL answers JSON, SQLite its text. */
export function signInInputsOf(raw: { memberships: unknown; stored: unknown }): {
  memberships: EngineMembership[];
  ownerCounts: Map<string, number>;
  stored: { id: string; externalGroup: string; source: 'claim' | 'scim'; seenAt: Date }[];
} {
  const parse = <T>(v: unknown): T[] => (typeof v === 'string' ? (JSON.parse(v) as T[]) : ((v ?? []) as T[]));
  const ownerCounts = new Map<string, number>();
  const memberships = parse<Omit<MembershipRow, 'userId'>>(raw.memberships).map((row) =>
    membershipOf(row, ownerCounts),
  );
  const stored = parse<{ id: string; externalGroup: string; source: 'claim' | 'scim'; seenAt: string }>(
    raw.stored,
  ).map((row) => ({ ...row, seenAt: new Date(epochMs(row.seenAt)!) }));
  return { memberships, ownerCounts, stored };
}

/**
 * The last-owner rule under concurrency (PostgreSQL): whoever counts a group's owners to take one
 * away locks the group's row first, in id order, after the users' rows. Two owners leaving at once
 * (two sign-ins, an admin and a SCIM push) then decide one after the other, and the second counts
 * without the first. SQLite's single writer already serializes.
 */
export async function lockGroupsForOwnerCount(em: EntityManager, groupIds: readonly string[]): Promise<void> {
  if (em.connection.options.type !== 'postgres' || groupIds.length === 0) return;
  await em.query(`SELECT 1 FROM "groups" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR NO KEY UPDATE`, [
    [...new Set(groupIds)].sort(),
  ]);
}

/**
 * Direct owners of each group one of `memberships` owns (of one user or many): what the last-owner
 * rule needs, in one query per parameter budget of groups; the groups are locked first
 * (`lockGroupsForOwnerCount`).
 */
export async function loadOwnerCounts(
  em: EntityManager,
  tenantId: string,
  memberships: readonly Pick<EngineMembership, 'groupId' | 'role'>[],
): Promise<Map<string, number>> {
  const owned = [...new Set(memberships.filter((m) => m.role === 'owner').map((m) => m.groupId))];
  await lockGroupsForOwnerCount(em, owned);
  const counts = new Map<string, number>();
  for (const chunk of inChunks(owned)) {
    const rows = await em
      .createQueryBuilder(Membership, 'm')
      .select(['m.groupId AS "groupId"', 'COUNT(*) AS owners'])
      .where('m.tenantId = :tenantId AND m.role = :owner AND m.groupId IN (:...owned)', {
        tenantId,
        owner: 'owner' as Role,
        owned: chunk,
      })
      .groupBy('m.groupId')
      .getRawMany<{ groupId: string; owners: string | number }>();
    for (const r of rows) counts.set(r.groupId, Number(r.owners));
  }
  return counts;
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
