// The webhooks API in the OpenAPI document (docs/webhooks.md): the answers' schemas and the
// operations' summaries, spread into openapi-schemas.ts and openapi-operations.ts.
import type { OperationDoc } from './openapi-operations';
import { arrayOf, bool, int, ns, ntime, obj, page, s, time, uuid, type Schema } from './openapi-schema-parts';

const nint = { type: 'integer', nullable: true };
const STATUSES = ['pending', 'delivering', 'delivered', 'failed'];

const WEBHOOK_PROPERTIES: Record<string, Schema> = {
  id: uuid,
  url: s,
  description: ns,
  events: { ...arrayOf(s), description: 'The event types sent (docs/webhooks.md)' },
  enabled: bool,
  disabledAt: { ...ntime, description: 'When the service turned it off (a receiver failing too long)' },
  disabledReason: ns,
  createdAt: time,
  updatedAt: time,
};

export const WEBHOOK_SCHEMAS: Record<string, Schema> = {
  Webhook: { ...obj(WEBHOOK_PROPERTIES), description: 'A receiver of signed events' },
  WebhookWithSecret: {
    ...obj({ ...WEBHOOK_PROPERTIES, secret: s }, ['secret']),
    description: 'The webhook; `secret` (the signing secret) only at create and on rotateSecret, never again',
  },
  WebhookDelivery: {
    ...obj({
      id: uuid,
      webhookId: uuid,
      eventId: { ...uuid, description: 'The event (and its audit event): groupsync-event-id' },
      eventType: s,
      userId: { ...uuid, nullable: true },
      status: { type: 'string', enum: STATUSES },
      attempts: int,
      lastStatusCode: {
        ...nint,
        description: "The receiver's last HTTP status; null when it did not answer",
      },
      lastError: ns,
      lastDurationMs: nint,
      nextAttemptAt: { ...ntime, description: 'When a pending delivery is tried (again)' },
      redeliveryOf: { ...uuid, nullable: true },
      createdAt: time,
      deliveredAt: ntime,
    }),
    description: 'One event for one webhook, with its attempts',
  },
  WebhookDeliveryPage: page('WebhookDelivery', 'Deliveries, newest first'),
};

const json = (schema: string, description = 'OK') => ({ description, schema });
const BASE = '/api/v1/tenants/{tenant}/webhooks';

export const WEBHOOK_OPERATIONS: Record<string, OperationDoc> = {
  [`POST ${BASE}`]: {
    summary: 'Create a webhook; the answer shows its signing secret, once',
    ok: { 201: json('WebhookWithSecret', 'Created') },
  },
  [`GET ${BASE}`]: { summary: 'Webhooks of the tenant, oldest first', ok: { 200: json('[Webhook]') } },
  [`GET ${BASE}/{webhookId}`]: { summary: 'A webhook (without its secret)', ok: { 200: json('Webhook') } },
  [`PATCH ${BASE}/{webhookId}`]: {
    summary: 'Change, enable, disable a webhook, or rotate its secret (shown once)',
    ok: { 200: json('WebhookWithSecret') },
  },
  [`DELETE ${BASE}/{webhookId}`]: {
    summary: 'Delete a webhook and its deliveries',
    ok: { 204: { description: 'Deleted' } },
  },
  [`GET ${BASE}/{webhookId}/deliveries`]: {
    summary: 'Deliveries of a webhook, newest first, cursor-paged; ?status= narrows it',
    ok: { 200: json('WebhookDeliveryPage') },
  },
  [`POST ${BASE}/{webhookId}/deliveries/{deliveryId}/redeliver`]: {
    summary: 'Send an event again: a new delivery with the same event id and body',
    ok: { 202: json('WebhookDelivery', 'Queued') },
  },
  [`POST ${BASE}/{webhookId}/test`]: {
    summary: 'Send a webhook.test event to this webhook (through the outbox, like any event)',
    description: '409 webhook_disabled when the webhook is not enabled.',
    ok: { 202: json('WebhookDelivery', 'Queued') },
    errors: [409],
  },
};
