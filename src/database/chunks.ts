/**
 * Bound parameters one statement may carry. The dialects' hard limits are 32 766 (SQLite's
 * SQLITE_MAX_VARIABLE_NUMBER, measured with the bundled better-sqlite3) and 65 535 (PostgreSQL's
 * wire protocol); a fifth of the lower one leaves room for a statement's other parameters (tenant,
 * IdP) and keeps each statement's text, and PostgreSQL's plan for a long IN list, small.
 */
export const PARAMETERS_PER_STATEMENT = 5000;

/**
 * Users re-planned in one transaction (a SCIM push, a reconcile): their row locks are held until
 * it commits, so a batch is small enough for a sign-in of one of them to wait only briefly.
 */
export const USERS_PER_TRANSACTION = 100;

/** `items` in consecutive slices of at most `size` (the last one shorter); none for no items. */
export function inChunks<T>(items: readonly T[], size: number = PARAMETERS_PER_STATEMENT): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer: ${size}`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Rows of `columns` columns that fit one multi-row INSERT within the parameter budget. */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.floor(PARAMETERS_PER_STATEMENT / Math.max(1, columns)));
}
