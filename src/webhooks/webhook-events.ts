/**
 * The event types a webhook may subscribe to, and the audit actions each comes from. The mapping
 * itself runs in the database (the outbox trigger on audit_events, migration AddWebhooks), so that an
 * event is written by the very statement that writes its audit event: this list is what the API
 * validates and documents (the sources, for people). `webhook.test` is sent only by
 * POST .../webhooks/:id/test.
 */
const EVENT_SOURCES = {
  'membership.added': ['membership.added'],
  'membership.removed': ['membership.removed'],
  'membership.role_changed': ['membership.role_changed'],
  'user.created': ['user.created'],
  'user.blocked': ['user.blocked', 'user.updated (status active -> blocked)'],
  'user.unblocked': ['user.unblocked', 'user.updated (status blocked -> active)'],
  'sign_in.refused': ['sso.sign_in_refused'],
  'signup.denied': ['sync.signup_denied'],
  'sync.breaker_tripped': ['sync.breaker_tripped'],
} as const;

export const EVENT_TYPES = Object.keys(EVENT_SOURCES) as (keyof typeof EVENT_SOURCES)[];

/** The column form of a subscription: sorted, unique, space-separated with a space at each end. */
export function encodeEvents(types: readonly string[]): string {
  return ` ${[...new Set(types)].sort().join(' ')} `;
}

export function decodeEvents(column: string): string[] {
  return column.split(' ').filter((t) => t !== '');
}
