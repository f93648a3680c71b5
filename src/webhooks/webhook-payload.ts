import { EntityManager } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { Tenant } from '../tenants/tenant.entity';
import type { WebhookDelivery } from './webhook.entity';

/**
 * The JSON body of a delivery, built from the audit event it reports (docs/webhooks.md, "Payload").
 * Null when the audit event is gone (deleted by retention before the event could be sent).
 */
export async function buildBody(em: EntityManager, delivery: WebhookDelivery): Promise<string | null> {
  const event = await em.findOneBy(AuditEvent, { id: delivery.auditEventId, tenantId: delivery.tenantId });
  if (!event) return null;
  const tenant = await em.findOne(Tenant, {
    where: { id: delivery.tenantId },
    select: { id: true, slug: true },
  });
  const reason = event.details?.reason ?? event.after?.reason ?? null;
  return JSON.stringify({
    id: event.id,
    type: delivery.eventType,
    createdAt: event.createdAt.toISOString(),
    tenant: { id: delivery.tenantId, slug: tenant?.slug ?? null },
    actor: { type: event.actorType, id: event.actorId, label: event.actorLabel },
    correlationId: event.correlationId,
    reason: typeof reason === 'string' ? reason : null,
    userId: event.userId,
    target: { type: event.targetType, id: event.targetId },
    auditAction: event.action,
    data: { before: event.before, after: event.after, details: event.details },
  });
}
