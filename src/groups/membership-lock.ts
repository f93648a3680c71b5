import { EntityManager } from 'typeorm';
import { PREVIEW_ROWS } from '../common/delete-query';
import { AppError, conflict } from '../common/errors';
import type { Principal } from '../common/request-context';
import { GroupLink } from '../group-links/group-link.entity';
import type { Tenant } from '../tenants/tenant.entity';
import type { Group } from './group.entity';

/** How a manual membership write meets the tenant's lockSyncedMemberships setting. */
export interface ManualWrite {
  /** The tenant setting: members of a group that links manage change only through the IdP. */
  locked: boolean;
  /** ?force=true from the operator token: write anyway, audited as an override. */
  force: boolean;
}

/** `?force=true` overrides a lock only for the platform operator; anyone else sending it gets 403. */
export function manualWrite(tenant: Tenant, principal: Principal | undefined, force?: string): ManualWrite {
  const forced = force === 'true';
  if (forced && principal?.kind !== 'operator')
    throw new AppError(
      'force_requires_operator',
      'Only the platform operator token may override a lock with ?force=true',
    );
  return { locked: tenant.settings.lockSyncedMemberships === true, force: forced };
}

/**
 * Refuses a manual write to a group that links manage while the tenant locks synced memberships
 * (409 `membership_locked`, the managing links in details). Forced by the operator, it answers what
 * the audit event records about the override; null when no lock applied.
 */
export async function checkMembershipLock(
  em: EntityManager,
  tenantId: string,
  group: Group,
  write: ManualWrite,
): Promise<{ lockOverridden: true; managingLinks: object[] } | null> {
  if (!write.locked) return null;
  const where = { tenantId, groupId: group.id };
  const links = await em.find(GroupLink, {
    where,
    relations: { idp: true },
    order: { externalGroup: 'ASC', id: 'ASC' },
    take: PREVIEW_ROWS,
  });
  if (links.length === 0) return null;
  const rows = links.map((l) => ({
    id: l.id,
    idp: l.idp?.slug ?? null,
    externalGroup: l.externalGroup,
    role: l.role,
  }));
  if (write.force) return { lockOverridden: true, managingLinks: rows };
  const total = await em.countBy(GroupLink, where);
  const named = rows
    .slice(0, 5)
    .map((l) => `${l.externalGroup} -> ${l.role}${l.idp ? ` (${l.idp})` : ''}`)
    .join(', ');
  const more = total > 5 ? ` and ${total - 5} more` : '';
  throw conflict(
    'membership_locked',
    `Members of "${group.name}" are managed by its group links (${named}${more}) and this tenant locks ` +
      'synced memberships: change the membership at the identity provider, or ask the platform operator',
    { groupId: group.id, groupName: group.name, linkCount: total, links: rows },
  );
}
