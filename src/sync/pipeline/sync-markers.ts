import { EntityManager } from 'typeorm';
import type { AuditEntry } from '../../audit/audit.service';
import { Membership } from '../../groups/membership.entity';
import type { User } from '../../users/user.entity';
import type { SyncPlan } from '../engine';

/** The audit fields every marker event of one sync run shares. */
interface MarkerMeta {
  trigger: string;
  idpId: string;
  idpSlug: string;
}

/**
 * Writes the markers a plan sets or clears on a user's memberships (grace-period pending removals,
 * owners kept as last owner), each with its audit event. Removals themselves are the writer's.
 */
export async function writeMarkers(
  em: EntityManager,
  tenantId: string,
  user: User,
  plan: SyncPlan,
  meta: MarkerMeta,
  now: Date,
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  const common = { trigger: meta.trigger, idp: meta.idpSlug };
  const where = (groupId: string) => ({ tenantId, userId: user.id, groupId });
  const event = (action: string, item: { groupId: string; groupName: string; reason: string }) => ({
    action,
    targetType: 'group',
    targetId: item.groupId,
    userId: user.id,
    details: { ...common, groupName: item.groupName, reason: item.reason },
  });
  for (const item of plan.removalsScheduled) {
    const removalDueAt = new Date(item.dueAt);
    await em.update(Membership, where(item.groupId), {
      removalDueAt,
      removalIdpId: meta.idpId,
      removalReason: item.reason,
    });
    const entry = event('membership.removal_scheduled', item);
    entries.push({ ...entry, details: { ...entry.details, dueAt: item.dueAt, role: item.role } });
  }
  for (const item of plan.removalsCancelled) {
    await em.update(Membership, where(item.groupId), {
      removalDueAt: null,
      removalIdpId: null,
      removalReason: null,
    });
    entries.push(event('membership.removal_cancelled', item));
  }
  for (const item of plan.lastOwnerMarked) {
    await em.update(Membership, where(item.groupId), { lastOwnerKeptAt: now });
    entries.push(event('membership.kept_as_last_owner', item));
  }
  for (const item of plan.lastOwnerCleared) {
    await em.update(Membership, where(item.groupId), { lastOwnerKeptAt: null });
    entries.push(event('membership.last_owner_mark_cleared', item));
  }
  return entries;
}
