import { EntityManager, In } from 'typeorm';
import { badRequest } from '../common/errors';
import { Group } from '../groups/group.entity';
import type { GroupSyncPolicy } from '../sync/engine';

/**
 * A policy's default memberships must name groups of this tenant: another tenant's group id, or
 * one that does not exist, is refused (400). A group deleted later is ignored by sync, not an error.
 */
export async function assertDefaultGroupsInTenant(
  em: EntityManager,
  tenantId: string,
  policy: Pick<GroupSyncPolicy, 'defaultMemberships'>,
): Promise<void> {
  const ids = [...new Set(policy.defaultMemberships.map((d) => d.groupId))];
  if (ids.length === 0) return;
  const found = await em.find(Group, { where: { tenantId, id: In(ids) }, select: { id: true } });
  const known = new Set(found.map((g) => g.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0)
    throw badRequest(
      'validation_failed',
      `groupSync.defaultMemberships names groups that are not in this workspace: ${missing.join(', ')}`,
      { field: 'groupSync.defaultMemberships', groupIds: missing },
    );
}
