import { EntityManager, EntityTarget, InsertResult, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

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
