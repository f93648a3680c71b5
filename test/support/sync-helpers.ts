import type { RequestContext } from '../../src/common/request-context';
import { IdentityProvider } from '../../src/identity-providers/identity-provider.entity';
import { SyncService } from '../../src/sync/sync.service';
import { Tenant } from '../../src/tenants/tenant.entity';
import type { TestApp } from './test-app';

export const idpContext = (idp: { id: string; slug: string }, correlationId = 'sign-in'): RequestContext => ({
  correlationId,
  ip: '127.0.0.1',
  userAgent: 'test',
  actor: { type: 'idp', id: idp.id, label: idp.slug },
});

/**
 * A sign-in as the SSO flows will make it, straight into the sync service: `groups` is the raw
 * claim (undefined = claim absent), `overage` the Entra truncation marker.
 */
export async function signIn(
  t: TestApp,
  tenantSlug: string,
  idpSlug: string,
  who: { email: string; externalId?: string; displayName?: string },
  groups: string[] | undefined,
  options: { overage?: boolean; claimName?: string; extraAttributes?: Record<string, unknown> } = {},
) {
  const tenant = await t.dataSource.getRepository(Tenant).findOneByOrFail({ slug: tenantSlug });
  const idp = await t.dataSource
    .getRepository(IdentityProvider)
    .findOneByOrFail({ tenantId: tenant.id, slug: idpSlug });
  const attributes = {
    ...(groups === undefined ? {} : { [options.claimName ?? 'groups']: groups }),
    ...options.extraAttributes,
  };
  return t.app
    .get(SyncService)
    .signIn(
      tenant,
      idp,
      { externalId: who.externalId ?? who.email, email: who.email, displayName: who.displayName ?? null },
      { attributes, overage: options.overage },
      idpContext(idp),
    );
}
