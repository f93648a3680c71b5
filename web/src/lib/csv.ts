import type { AuditEvent } from '../api/types';

/** At most this many events go into one export (the rest would need a narrower filter). */
export const CSV_EXPORT_CAP = 5000;

const COLUMNS = [
  'time',
  'action',
  'actor_type',
  'actor',
  'target_type',
  'target_id',
  'user_id',
  'correlation_id',
  'before',
  'after',
  'details',
] as const;

/**
 * One field per RFC 4180: quoted when it holds a comma, quote or line break. A leading = + - @ (or
 * tab/CR) is prefixed with ' so a spreadsheet does not run an IdP-sent value as a formula.
 */
export function csvField(value: unknown): string {
  let s =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsv(events: AuditEvent[]): string {
  const rows = events.map((e) =>
    [
      e.createdAt,
      e.action,
      e.actor.type,
      e.actor.label ?? e.actor.id,
      e.target.type,
      e.target.id,
      e.userId,
      e.correlationId,
      e.before,
      e.after,
      e.details,
    ]
      .map(csvField)
      .join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
