import type { AuditEvent } from './audit-event.entity';

export const AUDIT_CSV_COLUMNS = [
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

/** One event as a CSV record, CRLF-terminated. */
export function auditCsvRow(e: AuditEvent): string {
  return (
    [
      e.createdAt.toISOString(),
      e.action,
      e.actorType,
      e.actorLabel ?? e.actorId,
      e.targetType,
      e.targetId,
      e.userId,
      e.correlationId,
      e.before,
      e.after,
      e.details,
    ]
      .map(csvField)
      .join(',') + '\r\n'
  );
}
