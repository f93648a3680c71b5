import type { EntityManager } from 'typeorm';
import { roleRanksWith, type RoleRanks } from '../sync/engine';
import { CustomRole } from './role.entity';

/** The tenant's ladder: the built-ins and its custom roles, name -> rank (one small query). */
export async function loadRoleRanks(em: EntityManager, tenantId: string): Promise<RoleRanks> {
  const rows = await em
    .createQueryBuilder(CustomRole, 'r')
    .select(['r.name AS name', 'r.rank AS rank'])
    .where('r.tenantId = :tenantId', { tenantId })
    .getRawMany<{ name: string; rank: number | string }>();
  return roleRanksWith(rows.map((r) => ({ name: r.name, rank: Number(r.rank) })));
}

/** Role names in rank order, lowest first: how an error or a picker lists them. */
export function roleNamesByRank(ranks: RoleRanks): string[] {
  return [...ranks.entries()].sort((a, b) => a[1] - b[1]).map(([name]) => name);
}
