import { EntityManager, EntityTarget, InsertResult, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { inChunks, rowsPerInsert } from './chunks';

/**
 * A plain INSERT of fully built entities (no read-back like `save`). TypeORM's partial-entity type
 * rejects JSON columns typed as records, hence the one cast here rather than at every call.
 */
export function insertRows<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  rows: T | T[],
): Promise<InsertResult> {
  return em.insert(target, rows as QueryDeepPartialEntity<T> | QueryDeepPartialEntity<T>[]);
}

/** Many rows in as few multi-row INSERTs as the parameter budget allows (one per column per row). */
export async function insertInChunks<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  rows: T[],
): Promise<void> {
  const columns = em.connection.getMetadata(target).columns.length;
  for (const chunk of inChunks(rows, rowsPerInsert(columns))) await insertRows(em, target, chunk);
}

/** Rows of one table for `insertTogether`. */
export interface InsertPart<T extends ObjectLiteral = ObjectLiteral> {
  target: EntityTarget<T>;
  rows: T[];
}

/**
 * Inserts into several tables at once. PostgreSQL gets one statement (each table's INSERT in a
 * `WITH`), so one round trip instead of one per table: a SCIM user's creation writes four tables
 * (issue #14). Foreign keys hold: PostgreSQL checks them when the whole statement has run. SQLite
 * runs the INSERTs in the given order, as `insertRows` would: it has no round trips to save.
 */
export async function insertTogether(em: EntityManager, parts: InsertPart[]): Promise<void> {
  const present = parts.filter((p) => p.rows.length > 0);
  if (em.connection.options.type !== 'postgres' || present.length < 2) {
    for (const { target, rows } of present) await insertRows(em, target, rows);
    return;
  }
  const statements: string[] = [];
  const parameters: unknown[] = [];
  for (const { target, rows } of present) {
    const [sql, values] = em
      .createQueryBuilder()
      .insert()
      .into(target)
      .values(rows as QueryDeepPartialEntity<ObjectLiteral>[])
      .updateEntity(false)
      .getQueryAndParameters();
    // Each INSERT numbers its parameters from $1: shift them past the ones before it.
    const offset = parameters.length;
    statements.push(sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`));
    parameters.push(...values);
  }
  const last = statements.pop()!;
  await em.query(`WITH ${statements.map((s, i) => `w${i} AS (${s})`).join(', ')} ${last}`, parameters);
}
