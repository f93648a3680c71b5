import { EntityManager } from 'typeorm';
import { IdentityProvider } from './identity-provider.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An IdP of the tenant by slug (the documented reference) or, as a courtesy to API clients, by id. */
export async function findIdp(
  em: EntityManager,
  tenantId: string,
  ref: string,
): Promise<IdentityProvider | null> {
  const bySlug = await em.findOneBy(IdentityProvider, { tenantId, slug: ref });
  if (bySlug || !UUID.test(ref)) return bySlug;
  return em.findOneBy(IdentityProvider, { tenantId, id: ref });
}
