import { EntityManager } from 'typeorm';
import { DeletePreview, PREVIEW_ROWS, preview } from '../common/delete-query';
import { Group } from '../groups/group.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { User } from '../users/user.entity';
import type { Tenant } from './tenant.entity';

export const TENANT_WORDS = {
  identityProviders: 'identity provider(s)',
  groups: 'group(s)',
  users: 'user(s)',
};

/**
 * What deleting a tenant takes with it, by its three kinds of data (everything else hangs off them;
 * its API keys go without asking): the counts and the first rows of each.
 */
export async function previewTenantDelete(em: EntityManager, tenant: Tenant): Promise<DeletePreview> {
  const where = { tenantId: tenant.id };
  const idps = await em.find(IdentityProvider, { where, order: { slug: 'ASC' }, take: PREVIEW_ROWS });
  const groups = await em.find(Group, { where, order: { name: 'ASC' }, take: PREVIEW_ROWS });
  const users = await em.find(User, { where, order: { email: 'ASC' }, take: PREVIEW_ROWS });
  const counts = {
    identityProviders: await em.countBy(IdentityProvider, where),
    groups: await em.countBy(Group, where),
    users: await em.countBy(User, where),
  };
  return preview({ type: 'tenant', id: tenant.id, name: tenant.slug }, counts, {
    identityProviders: idps.map((i) => ({ id: i.id, slug: i.slug, type: i.type })),
    groups: groups.map((g) => ({ id: g.id, name: g.name })),
    users: users.map((u) => ({ id: u.id, email: u.email })),
  });
}
