import type { EntityManager } from 'typeorm';
import { GroupLink } from '../group-links/group-link.entity';
import { Membership } from '../groups/membership.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';

/** How many of each use the 409 lists by name; the counts are always whole. */
const LISTED = 100;

export interface RoleUsage {
  linkCount: number;
  membershipCount: number;
  links: { id: string; groupId: string; groupName: string; externalGroup: string }[];
  memberships: { groupId: string; groupName: string; userId: string; email: string }[];
  /** IdPs whose group-sync policy names the role (defaultRole or a default membership's role). */
  identityProviders: string[];
}

/** Everything of the tenant that names `role`: what deleting or renaming it would leave dangling. */
export async function roleUsage(em: EntityManager, tenantId: string, role: string): Promise<RoleUsage> {
  const linkCount = await em.countBy(GroupLink, { tenantId, role });
  const links = await em
    .createQueryBuilder(GroupLink, 'l')
    .innerJoin('l.group', 'g')
    .select(['l.id AS id', 'l.groupId AS "groupId"', 'g.name AS "groupName"'])
    .addSelect('l.externalGroup', 'externalGroup')
    .where('l.tenantId = :tenantId AND l.role = :role', { tenantId, role })
    .orderBy('g.name')
    .addOrderBy('l.externalGroup')
    .limit(LISTED)
    .getRawMany<RoleUsage['links'][number]>();
  const membershipCount = await em.countBy(Membership, { tenantId, role });
  const memberships = await em
    .createQueryBuilder(Membership, 'm')
    .innerJoin('m.group', 'g')
    .innerJoin('m.user', 'u')
    .select(['m.groupId AS "groupId"', 'g.name AS "groupName"', 'm.userId AS "userId"', 'u.email AS email'])
    .where('m.tenantId = :tenantId AND m.role = :role', { tenantId, role })
    .orderBy('g.name')
    .addOrderBy('u.email')
    .limit(LISTED)
    .getRawMany<RoleUsage['memberships'][number]>();
  const idps = await em.find(IdentityProvider, { where: { tenantId }, order: { slug: 'ASC' } });
  const identityProviders = idps
    .filter(
      (idp) =>
        idp.groupSync.defaultRole === role || idp.groupSync.defaultMemberships.some((d) => d.role === role),
    )
    .map((idp) => idp.slug);
  return { linkCount, membershipCount, links, memberships, identityProviders };
}

export function isInUse(usage: RoleUsage): boolean {
  return usage.linkCount > 0 || usage.membershipCount > 0 || usage.identityProviders.length > 0;
}

/** "2 links (Eng: devs, Ops: ops), 3 memberships (Eng: a@x, ...) and the defaultRole of IdP okta". */
export function describeUsage(usage: RoleUsage): string {
  const parts: string[] = [];
  const more = (shown: number, total: number) => (total > shown ? `, and ${total - shown} more` : '');
  if (usage.linkCount > 0) {
    const named = usage.links.slice(0, 5).map((l) => `${l.groupName}: ${l.externalGroup}`);
    parts.push(`${usage.linkCount} link(s) (${named.join(', ')}${more(named.length, usage.linkCount)})`);
  }
  if (usage.membershipCount > 0) {
    const named = usage.memberships.slice(0, 5).map((m) => `${m.groupName}: ${m.email}`);
    parts.push(
      `${usage.membershipCount} membership(s) (${named.join(', ')}${more(named.length, usage.membershipCount)})`,
    );
  }
  if (usage.identityProviders.length > 0)
    parts.push(`the defaultRole of identity provider(s) ${usage.identityProviders.join(', ')}`);
  return parts.join(', ');
}
