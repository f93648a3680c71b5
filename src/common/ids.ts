import { randomUUID } from 'node:crypto';

/** A random UUID (v4): for ids that must not say when they were made (sessions, keys, tokens). */
export const newId = (): string => randomUUID();

let lastMs = 0;
let sequence = 0;

/**
 * UUIDv7 (RFC 9562): time-ordered, so audit events sort newest-first by id alone and a cursor is just
 * an id. A 12-bit counter keeps ids created in the same millisecond in order within one process.
 * Rows written in bulk (users, memberships, stored external groups) use it too: a new row lands at
 * the end of its primary-key index instead of on a random page, so a write touches a few pages, not
 * one per row (issue #14: the SCIM bulk load). The last 62 bits are random (a v4 UUID's).
 */
export function newTimeOrderedId(now = Date.now()): string {
  if (now <= lastMs) {
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
  } else {
    lastMs = now;
    sequence = 0;
  }
  const time = lastMs.toString(16).padStart(12, '0');
  // A v4 UUID's fourth and fifth fields: the variant bits (10) and 62 random bits.
  const random = randomUUID().slice(19);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${random}`;
}
