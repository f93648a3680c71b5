import { EntityManager } from 'typeorm';
import { DeletePreview, PREVIEW_ROWS, preview } from '../common/delete-query';
import { GroupLink } from '../group-links/group-link.entity';
import { ScimGroup } from '../scim/scim-group.entity';
import { ScimToken } from '../scim/scim-token.entity';
import { ScimUser } from '../scim/scim-user.entity';
import { ExternalMembership } from '../sync/external-membership.entity';
import { Identity } from '../users/identity.entity';
import type { IdentityProvider } from './identity-provider.entity';

export const IDP_WORDS = {
  links: 'group link(s)',
  identities: 'user sign-in identity(ies)',
  scimTokens: 'SCIM token(s)',
  scimUsers: 'SCIM user resource(s)',
  scimGroups: 'SCIM group(s)',
  externalMemberships: 'stored external group membership(s)',
};

/**
 * The rows deleting an IdP takes with it (the database cascades them): links scoped to it (not the
 * tenant-wide ones), its users' sign-in identities and SCIM user resources (the users and their
 * memberships stay), SCIM tokens and groups, and the external groups it last reported. `limit` null: every row, for the audit.
 */
async function idpRows(em: EntityManager, idp: IdentityProvider, limit: number | null) {
  const where = { tenantId: idp.tenantId, idpId: idp.id };
  const take = limit ?? undefined;
  const links = await em.find(GroupLink, {
    where,
    relations: { group: true },
    order: { externalGroup: 'ASC', id: 'ASC' },
    take,
  });
  const identities = await em.find(Identity, {
    where,
    relations: { user: true },
    order: { user: { email: 'ASC' }, id: 'ASC' },
    take,
  });
  const scimUsers = await em.find(ScimUser, {
    where,
    relations: { user: true },
    order: { userName: 'ASC', id: 'ASC' },
    take,
  });
  const tokens = await em.find(ScimToken, { where, order: { name: 'ASC', id: 'ASC' }, take });
  const scimGroups = await em.find(ScimGroup, { where, order: { displayName: 'ASC', id: 'ASC' }, take });
  return {
    links: links.map((l) => ({
      id: l.id,
      groupId: l.groupId,
      groupName: l.group?.name ?? null,
      externalGroup: l.externalGroup,
      role: l.role,
    })),
    identities: identities.map((i) => ({
      userId: i.userId,
      email: i.user?.email ?? null,
      externalId: i.externalId,
    })),
    scimUsers: scimUsers.map((u) => ({
      userId: u.userId,
      email: u.user?.email ?? null,
      userName: u.userName,
    })),
    scimTokens: tokens.map((t) => ({ id: t.id, name: t.name, revoked: t.revokedAt !== null })),
    scimGroups: scimGroups.map((g) => ({ id: g.id, displayName: g.displayName, externalId: g.externalId })),
  };
}

async function idpCounts(em: EntityManager, idp: IdentityProvider): Promise<Record<string, number>> {
  const where = { tenantId: idp.tenantId, idpId: idp.id };
  return {
    links: await em.countBy(GroupLink, where),
    identities: await em.countBy(Identity, where),
    scimTokens: await em.countBy(ScimToken, where),
    scimUsers: await em.countBy(ScimUser, where),
    scimGroups: await em.countBy(ScimGroup, where),
    externalMemberships: await em.countBy(ExternalMembership, where),
  };
}

export async function previewIdpDelete(em: EntityManager, idp: IdentityProvider): Promise<DeletePreview> {
  const counts = await idpCounts(em, idp);
  const items = await idpRows(em, idp, PREVIEW_ROWS);
  return preview({ type: 'identity_provider', id: idp.id, name: idp.slug }, counts, items);
}

/**
 * Every link, identity, SCIM user, SCIM token and SCIM group a forced delete removes, for the audit
 * trail. Stored external memberships are the IdP's last answer, not something an admin made: they
 * are counted in the event, not listed.
 */
export const idpCascadeRows = (em: EntityManager, idp: IdentityProvider) => idpRows(em, idp, null);
