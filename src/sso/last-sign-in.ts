import { EntityManager, In } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';

const CHANGE_ACTIONS = [
  'membership.added',
  'membership.role_changed',
  'membership.removed',
  'membership.removal_scheduled',
  'user.admin_granted',
  'user.admin_revoked',
];
/** Summaries looked at to find the last one of a sign-in (SCIM pushes and reconciles write them too). */
const SUMMARIES_SCANNED = 50;

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * What one person's last sign-in changed and why, read from the audit trail the sign-in wrote: its
 * `sync.applied` summary and the change events of the same correlation id about this user. For the
 * person themself (the Me page), who may not read the audit log.
 */
export async function lastSignInOf(em: EntityManager, tenantId: string, userId: string) {
  const summaries = await em.find(AuditEvent, {
    where: { tenantId, userId, action: 'sync.applied' },
    order: { id: 'DESC' },
    take: SUMMARIES_SCANNED,
  });
  const summary = summaries.find((e) => e.details?.trigger === 'sign-in');
  if (!summary) return null;
  const d = summary.details ?? {};
  const events = await em.find(AuditEvent, {
    where: { tenantId, userId, correlationId: summary.correlationId, action: In(CHANGE_ACTIONS) },
    order: { id: 'ASC' },
    take: 500,
  });
  return {
    at: summary.createdAt.toISOString(),
    idp: text(d.idp),
    correlationId: summary.correlationId,
    adds: num(d.adds),
    roleChanges: num(d.roleChanges),
    removals: num(d.removals),
    complete: d.complete !== false,
    changes: events.map((e) => ({
      action: e.action,
      groupId: e.targetType === 'group' ? e.targetId : null,
      groupName: text(e.details?.groupName),
      role: text(e.after?.role) ?? text(e.before?.role),
      from: text(e.before?.role),
      to: text(e.after?.role),
      reason: text(e.details?.reason),
    })),
  };
}
