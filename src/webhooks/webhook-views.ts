import { decodeEvents } from './webhook-events';
import type { Webhook, WebhookDelivery } from './webhook.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A webhook as the API shows it: never its secret (only create and rotate answer that, once). */
export const webhookView = (w: Webhook) => ({
  id: w.id,
  url: w.url,
  description: w.description,
  events: decodeEvents(w.events),
  enabled: w.enabled,
  disabledAt: iso(w.disabledAt),
  disabledReason: w.disabledReason,
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});
export type WebhookView = ReturnType<typeof webhookView>;

export const deliveryView = (d: WebhookDelivery) => ({
  id: d.id,
  webhookId: d.webhookId,
  eventId: d.auditEventId,
  eventType: d.eventType,
  userId: d.userId,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  lastDurationMs: d.lastDurationMs,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
  redeliveryOf: d.redeliveryOf,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: iso(d.deliveredAt),
});
export type DeliveryView = ReturnType<typeof deliveryView>;
