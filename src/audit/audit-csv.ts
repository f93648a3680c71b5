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

/** A character a spreadsheet reads as the start of a formula (OWASP's list: = + - @ tab CR). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * The same character just after a separator: a spreadsheet that splits on `;` (the default in many
 * locales) or on tabs ignores RFC 4180 quotes that are not at the start of its own cell, so
 * `x;=HYPERLINK(...)` inside a quoted field starts a cell of its own there.
 */
const FORMULA_AFTER_SEPARATOR = /([,;\t\r\n])(?=[=+\-@\t\r])/g;

/**
 * One field per RFC 4180: quoted when it holds a comma, quote or line break. A formula character at
 * the start, or after a separator a spreadsheet may split on, gets a ' before it, so an IdP-sent
 * value cannot run as a formula whatever separator the spreadsheet uses (docs/api.md, "Audit").
 */
export function csvField(value: unknown): string {
  let s =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  s = s.replace(FORMULA_AFTER_SEPARATOR, "$1'");
  if (FORMULA_START.test(s)) s = `'${s}`;
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
