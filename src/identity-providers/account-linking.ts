import { EntityManager, Not } from 'typeorm';
import { ScimUser } from '../scim/scim-user.entity';
import { type AccountOwners, linkingSettingsOf, type OtherIdp } from '../sync/engine';
import { Identity } from '../users/identity.entity';
import { IdentityProvider } from './identity-provider.entity';

/**
 * What the account-linking rules (pure, src/sync/engine/admission.ts) read from the database, for
 * sign-ins and SCIM alike: the tenant's other IdPs and which IdPs hold a user.
 */

/** The other IdPs of the tenant, as the reserved-domain rule and refusal details need them. */
export async function otherIdpsOf(em: EntityManager, tenantId: string, idpId: string): Promise<OtherIdp[]> {
  const rows = await em.find(IdentityProvider, {
    where: { tenantId, id: Not(idpId) },
    select: { id: true, slug: true, config: true },
  });
  return rows.map((o) => ({
    id: o.id,
    slug: o.slug,
    verifiedDomains: linkingSettingsOf(o.config).verifiedDomains,
  }));
}

/** Which IdPs hold a user: their identities and SCIM records. */
export async function accountOwners(
  em: EntityManager,
  tenantId: string,
  userId: string,
  idpId: string,
): Promise<AccountOwners> {
  const select = { idpId: true } as const;
  const identities = await em.find(Identity, { where: { tenantId, userId }, select });
  const scim = await em.find(ScimUser, { where: { tenantId, userId }, select });
  const ids = new Set([...identities, ...scim].map((r) => r.idpId));
  return { thisIdp: ids.delete(idpId), otherIdpIds: [...ids] };
}
