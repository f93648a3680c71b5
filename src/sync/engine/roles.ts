/** The built-in ladder every tenant has, in ascending order of power; tenants may add their own roles. */
export const ROLES = ['guest', 'reporter', 'developer', 'maintainer', 'owner'] as const;
export type BuiltInRole = (typeof ROLES)[number];

/**
 * A role name: a built-in one or one of the tenant's custom roles (docs/sync.md, "Custom roles").
 * The API checks a name against the tenant's roles; inside the engine every role has a rank.
 */
export type Role = string;

/** The role the last-owner rule protects: always the built-in owner, the top of every ladder. */
export const OWNER_ROLE: BuiltInRole = 'owner';

/** Role name -> rank; a higher rank wins. Ranks are unique within one tenant's ladder. */
export type RoleRanks = ReadonlyMap<string, number>;

/** Ranks of the built-ins, 10 apart so custom roles fit between them (owner stays the top, 50). */
export const BUILT_IN_ROLE_RANKS: RoleRanks = new Map(ROLES.map((role, i) => [role, (i + 1) * 10]));

/** The rank of a role in `ranks`. Throws on a value that is not a role: comparing garbage would silently mis-rank. */
export function roleRank(role: Role, ranks: RoleRanks): number {
  const rank = ranks.get(role);
  if (rank === undefined) throw new Error(`Unknown role: ${String(role)}`);
  return rank;
}

export function isRole(value: unknown, ranks: RoleRanks): value is Role {
  // A ladder's keys are all strings: any other value is simply not in it.
  return ranks.has(value as Role);
}

export function higherRole(a: Role, b: Role, ranks: RoleRanks): Role {
  // Stryker disable next-line EqualityOperator: ranks are unique in a ladder, so equal ranks mean a === b
  return roleRank(a, ranks) >= roleRank(b, ranks) ? a : b;
}

/** The built-ins plus a tenant's custom roles. */
export function roleRanksWith(custom: readonly { name: string; rank: number }[]): RoleRanks {
  const ranks = new Map(BUILT_IN_ROLE_RANKS);
  for (const role of custom) ranks.set(role.name, role.rank);
  return ranks;
}
