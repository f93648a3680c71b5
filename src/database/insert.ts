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
