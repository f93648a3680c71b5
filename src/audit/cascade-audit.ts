import type { AuditEntry } from './audit.service';

/**
 * Rows of a forced delete's cascade one audit event carries. A group of 10 000 members is then the
 * delete event plus 9 continuation events: each stays a few hundred kilobytes at most, and every
 * row is recorded.
 */
const CASCADE_ROWS_PER_EVENT = 1000;

/**
 * The audit entries of a delete that took `rows` (by kind) with it: `main` carries the counts and
 * the first CASCADE_ROWS_PER_EVENT rows in `details.cascade`; the rest follow in `continuation`
 * events on the same target (same correlation id), `details: {part, parts, cascade}`.
 */
export function cascadeAuditEntries(
  main: AuditEntry,
  rows: Record<string, object[]>,
  continuation: string,
): AuditEntry[] {
  const flat = Object.entries(rows).flatMap(([kind, list]) => list.map((row) => [kind, row] as const));
  const parts: Record<string, object[]>[] = [];
  for (let i = 0; i < flat.length; i += CASCADE_ROWS_PER_EVENT) {
    const part: Record<string, object[]> = {};
    for (const [kind, row] of flat.slice(i, i + CASCADE_ROWS_PER_EVENT)) (part[kind] ??= []).push(row);
    parts.push(part);
  }
  const counts = Object.fromEntries(Object.entries(rows).map(([kind, list]) => [kind, list.length]));
  const first: AuditEntry = {
    ...main,
    details: { ...main.details, counts, parts: Math.max(1, parts.length), cascade: parts[0] ?? {} },
  };
  const rest = parts.slice(1).map((cascade, i): AuditEntry => ({
    action: continuation,
    targetType: main.targetType,
    targetId: main.targetId,
    details: { part: i + 2, parts: parts.length, cascade },
  }));
  return [first, ...rest];
}
