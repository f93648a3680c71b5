import type { EntityManager } from 'typeorm';
import { GroupLink } from '../group-links/group-link.entity';
import { Group } from '../groups/group.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { IdpSecrets } from '../identity-providers/idp-config';
import { CustomRole } from '../roles/role.entity';
import { toTenantResponse } from '../tenants/dto/tenant.dto';
import { Tenant } from '../tenants/tenant.entity';
import { LINK_COMPARED } from './schema';

export interface CurrentLink {
  link: GroupLink;
  group: string;
  idp: string | null;
}

/** One tenant as the database holds it, keyed the way the document names things. */
export interface CurrentTenant {
  tenant: Tenant;
  roles: Map<string, CustomRole>;
  idps: Map<string, IdentityProvider>;
  groups: Map<string, Group>;
  groupNames: Map<string, string>;
  links: Map<string, CurrentLink>;
}

export const linkKey = (group: string, idp: string | null | undefined, externalGroup: string) =>
  JSON.stringify([group, idp ?? null, externalGroup]);

export async function readTenant(em: EntityManager, slug: string): Promise<CurrentTenant | null> {
  const tenant = await em.findOneBy(Tenant, { slug });
  if (!tenant) return null;
  const tenantId = tenant.id;
  // One after another: inside a transaction they share one connection.
  const roles = await em.find(CustomRole, { where: { tenantId }, order: { rank: 'ASC' } });
  const idps = await em.find(IdentityProvider, { where: { tenantId }, order: { slug: 'ASC' } });
  const groups = await em.find(Group, { where: { tenantId }, order: { name: 'ASC' } });
  const links = await em.find(GroupLink, { where: { tenantId }, order: { externalGroup: 'ASC', id: 'ASC' } });
  const groupNames = new Map(groups.map((g) => [g.id, g.name]));
  const idpSlugs = new Map(idps.map((i) => [i.id, i.slug]));
  const current: CurrentTenant = {
    tenant,
    roles: new Map(roles.map((r) => [r.name, r])),
    idps: new Map(idps.map((i) => [i.slug, i])),
    groups: new Map(groups.map((g) => [g.name, g])),
    groupNames,
    links: new Map(),
  };
  for (const link of links) {
    const group = groupNames.get(link.groupId)!;
    const idp = link.idpId ? idpSlugs.get(link.idpId)! : null;
    current.links.set(linkKey(group, idp, link.externalGroup), { link, group, idp });
  }
  return current;
}

/**
 * What the document says of an IdP, read from the stored row (secrets excluded). Default memberships
 * name their group (a group deleted since is ignored by sync, and left out here).
 */
export function idpView(idp: IdentityProvider, groupNames: Map<string, string>): Record<string, unknown> {
  const { ssoBinding: _derived, ...config } = idp.config as Record<string, unknown>;
  const { defaultMemberships: ids = [], ...policy } = idp.groupSync;
  const defaults = ids.flatMap(({ groupId, role }) => {
    const group = groupNames.get(groupId);
    return group === undefined ? [] : [{ group, role }];
  });
  const groupSync = defaults.length > 0 ? { ...policy, defaultMemberships: defaults } : policy;
  return { name: idp.name, enabled: idp.enabled, syncPaused: idp.syncPaused, ...config, groupSync };
}

export const tenantSettingsView = (tenant: Tenant): Record<string, unknown> =>
  toTenantResponse(tenant).settings;

/** The environment variable an exported secret reference names. */
const secretVariable = (tenant: string, idp: string, graph: boolean) =>
  `GROUPSYNC_${tenant}_${idp}_${graph ? 'GRAPH_' : ''}CLIENT_SECRET`
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_');

/** The tenant in the document's shape; secrets as references, never their values. */
export function exportTenant(current: CurrentTenant, secrets: (idp: IdentityProvider) => IdpSecrets) {
  const { tenant } = current;
  const slug = tenant.slug;
  return {
    slug,
    name: tenant.name,
    settings: tenantSettingsView(tenant),
    roles: [...current.roles.values()].map((r) => ({
      name: r.name,
      rank: r.rank,
      ...(r.description !== null ? { description: r.description } : {}),
    })),
    identityProviders: [...current.idps.values()].map((idp) => {
      const view = idpView(idp, current.groupNames);
      const open = secrets(idp);
      const graph = view.graph as Record<string, unknown> | undefined;
      return {
        slug: idp.slug,
        type: idp.type,
        ...view,
        ...(open.clientSecret ? { clientSecret: `\${env:${secretVariable(slug, idp.slug, false)}}` } : {}),
        ...(graph && open.graphClientSecret
          ? { graph: { ...graph, clientSecret: `\${env:${secretVariable(slug, idp.slug, true)}}` } }
          : {}),
      };
    }),
    groups: [...current.groups.values()].map((g) => {
      const links = [...current.links.values()].filter((l) => l.link.groupId === g.id);
      return {
        name: g.name,
        ...(g.description !== null ? { description: g.description } : {}),
        ...(g.parentId ? { parent: current.groupNames.get(g.parentId) } : {}),
        ...(links.length
          ? {
              links: links.map(({ link, idp }) => ({
                externalGroup: link.externalGroup,
                ...(idp ? { idp } : {}),
                // Set when the link is made (the API cannot change them): written only when not the default.
                ...(link.matchType !== 'exact' ? { matchType: link.matchType } : {}),
                ...(link.targetFromCapture ? { targetFromCapture: true } : {}),
                ...Object.fromEntries(LINK_COMPARED.flatMap((f) => (link[f] === null ? [] : [[f, link[f]]]))),
              })),
            }
          : {}),
      };
    }),
  };
}
