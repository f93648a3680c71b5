/** Roles in ascending order of power: a role includes everything the roles before it can do. */
export const ROLES = ['guest', 'reporter', 'developer', 'maintainer', 'owner'] as const;
export type Role = (typeof ROLES)[number];

const RANK_BY_ROLE: ReadonlyMap<string, number> = new Map(ROLES.map((role, rank) => [role, rank]));

/** guest 0 .. owner 4. Throws on a value that is not a role: comparing garbage would silently mis-rank. */
export function roleRank(role: Role): number {
  const rank = RANK_BY_ROLE.get(role);
  if (rank === undefined) throw new Error(`Unknown role: ${String(role)}`);
  return rank;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && RANK_BY_ROLE.has(value);
}

export function higherRole(a: Role, b: Role): Role {
  return roleRank(a) >= roleRank(b) ? a : b;
}
