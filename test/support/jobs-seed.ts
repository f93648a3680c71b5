import { insertInChunks } from '../../src/database/insert';
import { Membership } from '../../src/groups/membership.entity';
import { ExternalMembership } from '../../src/sync/external-membership.entity';
import { Identity } from '../../src/users/identity.entity';
import { User } from '../../src/users/user.entity';
import { newGroup, newGroupLink, newOidcIdp, newTenant } from './factories';
import type { TestApp } from './test-app';

export interface Population {
  slug: string;
  tenantId: string;
  groups: { red: string; blue: string };
  userIds: string[];
}

/**
 * A tenant whose IdP told us the groups of `n` users (stored claims, as after their sign-ins), written
 * straight to the tables: user i is in "team-red" when i is even and "team-blue" when i is a multiple
 * of 3. Red links team-red (developer), Blue links team-blue (maintainer). Every tenth user already
 * is a guest of Red (a role change for the even ones), and user i with i % 100 == 1 a synced member
 * of Red that no link justifies any more (a removal).
 */
export async function seedPopulation(t: TestApp, n: number): Promise<Population> {
  const tenant = await newTenant(t);
  const idp = await newOidcIdp(t, tenant.slug);
  const red = await newGroup(t, tenant.slug, { name: 'Red' });
  const blue = await newGroup(t, tenant.slug, { name: 'Blue' });
  await newGroupLink(t, tenant.slug, red.id, { externalGroup: 'team-red', role: 'developer' });
  await newGroupLink(t, tenant.slug, blue.id, { externalGroup: 'team-blue', role: 'maintainer' });
  const users: User[] = [];
  const identities: Identity[] = [];
  const externals: ExternalMembership[] = [];
  const members: Membership[] = [];
  const em = t.dataSource.manager;
  const base = { tenantId: tenant.id };
  for (let i = 0; i < n; i++) {
    const user = em.create(User, { ...base, email: `person-${i}@example.com` });
    users.push(user);
    const seen = { ...base, userId: user.id, idpId: idp.id };
    identities.push(
      em.create(Identity, { ...seen, externalId: `p${i}`, claimStatus: 'present', claimsSeenAt: new Date() }),
    );
    const groups = [
      ...(i % 2 === 0 ? ['team-red'] : []),
      ...(i % 3 === 0 ? ['team-blue'] : []),
      `misc-${i % 7}`,
    ];
    for (const externalGroup of groups)
      externals.push(em.create(ExternalMembership, { ...seen, externalGroup, source: 'claim' }));
    if (i % 10 === 0 || i % 100 === 1)
      members.push(
        em.create(Membership, {
          ...base,
          userId: user.id,
          groupId: red.id,
          role: 'guest',
          source: i % 10 === 0 ? 'manual' : 'sync',
        }),
      );
  }
  await t.dataSource.transaction(async (tem) => {
    await insertInChunks(tem, User, users);
    await insertInChunks(tem, Identity, identities);
    await insertInChunks(tem, ExternalMembership, externals);
    await insertInChunks(tem, Membership, members);
  });
  return {
    slug: tenant.slug,
    tenantId: tenant.id,
    groups: { red: red.id, blue: blue.id },
    userIds: users.map((u) => u.id),
  };
}

/** Every membership of the tenant as "email group role source", sorted: two tenants seeded alike compare equal. */
export async function membershipState(t: TestApp, tenantId: string): Promise<string[]> {
  const rows = await t.dataSource
    .createQueryBuilder(Membership, 'm')
    .innerJoin('m.user', 'u')
    .innerJoin('m.group', 'g')
    .select(['u.email AS email', 'g.name AS "group"', 'm.role AS role', 'm.source AS source'])
    .where('m.tenantId = :tenantId', { tenantId })
    .getRawMany<{ email: string; group: string; role: string; source: string }>();
  return rows.map((r) => `${r.email} ${r.group} ${r.role} ${r.source}`).sort();
}
