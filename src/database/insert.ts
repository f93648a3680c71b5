import { EntityManager, EntityTarget, InsertResult, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { inChunks, PARAMETERS_PER_STATEMENT, rowsPerInsert } from './chunks';

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

/** One SQL statement with its parameters, numbered from the first as the dialect writes them. */
export interface SqlStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * The INSERT of these rows, not run: TypeORM's (the dialect's values and placeholders), or with
 * `bulk` on PostgreSQL one array parameter per column (`unnestInsert`).
 */
export function insertStatement<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  rows: T[],
  { orIgnore = false, bulk = false }: { orIgnore?: boolean; bulk?: boolean } = {},
): SqlStatement {
  if (bulk && rows.length > 1 && em.connection.options.type === 'postgres')
    return unnestInsert(em, target, rows, orIgnore);
  const builder = em
    .createQueryBuilder()
    .insert()
    .into(target)
    .values(rows as QueryDeepPartialEntity<T>[])
    .updateEntity(false);
  if (orIgnore) builder.orIgnore();
  const [sql, parameters] = builder.getQueryAndParameters();
  return { sql, parameters };
}

/**
 * PostgreSQL: many rows as one array per column, `INSERT ... SELECT * FROM unnest(...)`: a statement
 * of a few parameters instead of one per value, which TypeORM builds and PostgreSQL parses value by
 * value (a SCIM PATCH of 100 members writes 300 rows; issue #14). Every column's value must be in
 * the rows (built by `em.create` with the entity's defaults): a database default is not applied.
 */
function unnestInsert<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  rows: T[],
  orIgnore: boolean,
): SqlStatement {
  const metadata = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const columns = metadata.columns;
  const arrays = columns.map((column) =>
    rows.map((row) => driver.preparePersistentValue(column.getEntityValue(row), column)),
  );
  const types = columns.map((column) => driver.normalizeType(column));
  const sql =
    `INSERT INTO "${metadata.tableName}" (${columns.map((c) => `"${c.databaseName}"`).join(', ')}) ` +
    `SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})` +
    (orIgnore ? ' ON CONFLICT DO NOTHING' : '');
  return { sql, parameters: arrays };
}

/**
 * Runs statements together and answers the rows the last one returns. PostgreSQL gets one
 * statement (each earlier one in a data-modifying `WITH`), so one round trip instead of one per
 * statement (issue #14); foreign keys hold, as PostgreSQL checks them when the whole statement has
 * run. The earlier statements must not depend on each other's effects: they all see the same
 * snapshot. SQLite runs them one by one, in order: it has no round trips to save.
 */
export async function runTogether<R = unknown>(em: EntityManager, statements: SqlStatement[]): Promise<R[]> {
  if (statements.length === 0) return [];
  if (em.connection.options.type !== 'postgres' || statements.length === 1) {
    let rows: unknown = [];
    for (const { sql, parameters } of statements) rows = await em.query(sql, parameters);
    return Array.isArray(rows) ? (rows as R[]) : [];
  }
  const parts: string[] = [];
  const parameters: unknown[] = [];
  for (const statement of statements) {
    // Each statement numbers its parameters from $1: shift them past the ones before it.
    const offset = parameters.length;
    parts.push(statement.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`));
    parameters.push(...statement.parameters);
  }
  const last = parts.pop()!;
  return em.query(`WITH ${parts.map((s, i) => `w${i} AS (${s})`).join(', ')} ${last}`, parameters);
}

/**
 * Inserts into several tables at once (`runTogether`): a SCIM user's creation writes four. Many
 * rows (a sign-in's thousands of audit events) go in multi-row INSERTs within the parameter budget,
 * run together as far as the budget goes; in a transaction of their own if the caller has none.
 */
export async function insertTogether(em: EntityManager, parts: InsertPart[]): Promise<void> {
  const written = parts.filter((p) => p.rows.length > 0);
  const statements = written.flatMap(({ target, rows }) =>
    inChunks(rows, rowsPerInsert(em.connection.getMetadata(target).columns.length)).map((chunk) =>
      insertStatement(em, target, chunk),
    ),
  );
  const batches = withinBudget(statements);
  if (batches.length > 1 && !em.queryRunner?.isTransactionActive)
    return em.transaction((inner) => insertTogether(inner, parts));
  for (const batch of batches) await runTogether(em, batch);
  for (const part of written) announceInserted(em, part);
}

/** Consecutive statements grouped so that each group's parameters stay within one statement's budget. */
function withinBudget(statements: SqlStatement[]): SqlStatement[][] {
  const batches: SqlStatement[][] = [];
  let size = Infinity;
  for (const statement of statements) {
    if (size + statement.parameters.length > PARAMETERS_PER_STATEMENT) {
      batches.push([]);
      size = 0;
    }
    batches[batches.length - 1].push(statement);
    size += statement.parameters.length;
  }
  return batches;
}

/**
 * Raw statements pass TypeORM's entity subscribers by; rows written by `insertTogether` are
 * announced to them as `insert` would (the metrics count sync changes from audit events so).
 */
function announceInserted(em: EntityManager, { target, rows }: InsertPart): void {
  const metadata = em.connection.getMetadata(target);
  const queryRunner = em.queryRunner ?? em.connection.createQueryRunner();
  for (const subscriber of em.connection.subscribers) {
    const listensTo = subscriber.listenTo?.();
    if (!subscriber.afterInsert || (listensTo && listensTo !== metadata.target)) continue;
    for (const entity of rows)
      void subscriber.afterInsert({ connection: em.connection, queryRunner, manager: em, entity, metadata });
  }
}
