import { EntityManager, In } from 'typeorm';
import { inChunks, rowsPerInsert } from '../database/chunks';
import { insertInChunks, insertStatement, runTogether, SqlStatement } from '../database/insert';
import { normalizeGroupName } from '../sync/engine';
import { ExternalMembership } from '../sync/external-membership.entity';
import { ScimGroup, ScimGroupMember } from './scim-group.entity';
import type { ScimCaller } from './scim-tokens.service';

// A SCIM group is an external group of its IdP: what its members' stored (source scim) external
// groups say, which the sync pipeline then re-plans from.

/** The external group names a group stands for at this IdP: its displayName and externalId, normalized. */
export function groupNames(
  caller: ScimCaller,
  g: { displayName: string; externalId: string | null },
): string[] {
  const policy = caller.idp.groupSync;
  return [
    ...new Set(
      [g.displayName, g.externalId].filter((n): n is string => !!n).map((n) => normalizeGroupName(n, policy)),
    ),
  ].filter(Boolean);
}

/**
 * Makes each user's stored SCIM external groups at this IdP match their SCIM group memberships;
 * names in `dropped` also leave the user's stored claims, so a stale claim cannot undo a removal.
 * Answers the names each user gained or lost (users whose stored groups did not change are absent):
 * only those can change a plan.
 */
export async function refreshPushedGroups(
  em: EntityManager,
  caller: ScimCaller,
  userIds: string[],
  dropped: Map<string, string[]>,
): Promise<Map<string, string[]>> {
  const changed = new Map<string, string[]>();
  const note = (userId: string, name: string) =>
    (changed.get(userId) ?? changed.set(userId, []).get(userId)!).push(name);
  const tenantId = caller.tenant.id;
  const idpId = caller.idp.id;
  for (const batch of inChunks(userIds)) {
    // Two indexed lookups (members by user, then their groups by id) rather than a join the
    // planner may start from every group of the IdP.
    const rows = await em.find(ScimGroupMember, {
      where: { tenantId, userId: In(batch) },
      select: { userId: true, scimGroupId: true },
    });
    const groupIds = [...new Set(rows.map((r) => r.scimGroupId))];
    const groups = new Map<string, ScimGroup>();
    for (const chunk of inChunks(groupIds))
      for (const g of await em.find(ScimGroup, {
        where: { id: In(chunk), idpId },
        select: { id: true, displayName: true, externalId: true },
      }))
        groups.set(g.id, g);
    const memberships = rows
      .filter((r) => groups.has(r.scimGroupId))
      .map((r) => ({ userId: r.userId, ...groups.get(r.scimGroupId)! }));
    const desired = new Map<string, Set<string>>(batch.map((u) => [u, new Set<string>()]));
    for (const m of memberships) for (const n of groupNames(caller, m)) desired.get(m.userId)!.add(n);
    const stored = await em.find(ExternalMembership, {
      where: { tenantId, idpId, userId: In(batch) },
      select: { id: true, userId: true, externalGroup: true, source: true },
    });
    const stale: string[] = [];
    const have = new Map<string, Set<string>>();
    for (const row of stored) {
      const want = desired.get(row.userId)!;
      if (row.source === 'scim') {
        if (want.has(row.externalGroup))
          (have.get(row.userId) ?? have.set(row.userId, new Set()).get(row.userId)!).add(row.externalGroup);
        else {
          stale.push(row.id);
          note(row.userId, row.externalGroup);
        }
      } else if (dropped.get(row.userId)?.includes(row.externalGroup) && !want.has(row.externalGroup)) {
        stale.push(row.id);
        note(row.userId, row.externalGroup);
      }
    }
    for (const chunk of inChunks(stale)) await em.delete(ExternalMembership, chunk);
    const now = new Date();
    const fresh = [];
    for (const [userId, names] of desired)
      for (const externalGroup of names)
        if (!have.get(userId)?.has(externalGroup)) {
          note(userId, externalGroup);
          fresh.push(
            em.create(ExternalMembership, {
              tenantId,
              userId,
              idpId,
              externalGroup,
              source: 'scim',
              seenAt: now,
            }),
          );
        }
    await insertInChunks(em, ExternalMembership, fresh);
  }
  return changed;
}

/**
 * The fast way of `refreshPushedGroups` when members only join a group whose names stay (a PATCH
 * add, a new group): nobody can lose a name, so each joining user gains the group's names unless
 * stored already. One `INSERT ... DO NOTHING RETURNING` per chunk writes the missing rows and
 * answers which ones were new, instead of reading every user's groups first. `before` (the group's
 * own writes) runs with the first chunk: one statement on PostgreSQL.
 */
export async function addPushedGroups(
  em: EntityManager,
  caller: ScimCaller,
  userIds: string[],
  names: string[],
  before: SqlStatement[] = [],
): Promise<Map<string, string[]>> {
  const changed = new Map<string, string[]>();
  const now = new Date();
  const rows = userIds.flatMap((userId) =>
    names.map((externalGroup) =>
      em.create(ExternalMembership, {
        tenantId: caller.tenant.id,
        userId,
        idpId: caller.idp.id,
        externalGroup,
        source: 'scim',
        seenAt: now,
      }),
    ),
  );
  if (rows.length === 0) {
    await runTogether(em, before);
    return changed;
  }
  const columns = em.connection.getMetadata(ExternalMembership).columns.length;
  let first = before;
  for (const chunk of inChunks(rows, rowsPerInsert(columns))) {
    // TypeORM writes the dialect's "skip duplicates" and converts the values; RETURNING (both
    // dialects) is added here, as its builder offers it on PostgreSQL only.
    const insert = insertStatement(em, ExternalMembership, chunk, { orIgnore: true, bulk: true });
    const inserted = await runTogether<{ userId: string; externalGroup: string }>(em, [
      ...first,
      { sql: `${insert.sql} RETURNING "userId", "externalGroup"`, parameters: insert.parameters },
    ]);
    first = [];
    for (const { userId, externalGroup } of inserted)
      (changed.get(userId) ?? changed.set(userId, []).get(userId)!).push(externalGroup);
  }
  return changed;
}
