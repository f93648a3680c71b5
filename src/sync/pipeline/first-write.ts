import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { isUniqueViolation } from '../../common/errors';
import { insertRows } from '../../database/insert';

/**
 * A row a sign-in writes first in its sync transaction, under a unique key that makes it a
 * single-use token: the SAML assertion id (src/sso/saml-assertion-use.ts). A second use violates
 * the key (after waiting for the first use's transaction, on any process) and gets `onDuplicate`.
 */
export interface FirstWrite {
  target: EntityTarget<ObjectLiteral>;
  row: ObjectLiteral;
  onDuplicate: () => Error;
}

/** Writes the row on its own (SQLite, or any caller that does not fold it into a read). */
export async function writeFirst(em: EntityManager, first: FirstWrite): Promise<void> {
  await readOrRefuse(first, () => insertRows(em, first.target, first.row));
}

/** Runs a statement that writes `first` (alone or folded in): its key's violation is the refusal. */
export async function readOrRefuse<T>(first: FirstWrite | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (first && isUniqueViolation(error)) throw first.onDuplicate();
    throw error;
  }
}
