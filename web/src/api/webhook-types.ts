// Webhook answers (GET .../webhooks, .../deliveries), beside types.ts for the same reason.
/** A webhook (GET .../webhooks); `secret` only in the answer to create and rotateSecret. */
export interface Webhook {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
  secret?: string;
}

export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

/** One event for one webhook, with its attempts (GET .../webhooks/:id/deliveries). */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  userId: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  nextAttemptAt: string | null;
  redeliveryOf: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
