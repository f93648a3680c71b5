import { DataSource } from 'typeorm';
import { POSTGRES_MIGRATIONS } from '../../src/database/migrations/postgres';
import { SQLITE_MIGRATIONS } from '../../src/database/migrations/sqlite';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * Both migration chains must build the same schema: tables, columns (type, nullability), primary
 * keys, indexes and unique constraints, foreign keys. Types are compared after mapping PostgreSQL's
 * names to the SQLite ones the entity column helpers pick (uuid -> varchar(36), jsonb -> text, ...).
 */
interface Schema {
  columns: string[];
  indexes: string[];
  foreignKeys: string[];
}

const IGNORED_TABLES = new Set(['migrations']);

function pgTypeAsSqlite(type: string, length: number | null): string {
  switch (type) {
    case 'uuid':
      return 'varchar(36)';
    case 'character varying':
      return `varchar(${length})`;
    case 'jsonb':
      return 'text';
    case 'timestamp with time zone':
      return 'datetime';
    default:
      return type;
  }
}

async function sqliteSchema(): Promise<Schema> {
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: ':memory:',
    migrations: SQLITE_MIGRATIONS,
    entities: [],
  });
  await ds.initialize();
  await ds.runMigrations();
  const tables: { name: string }[] = await ds.query(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  const schema: Schema = { columns: [], indexes: [], foreignKeys: [] };
  for (const { name } of tables.filter((t) => !IGNORED_TABLES.has(t.name))) {
    const cols: { name: string; type: string; notnull: number; pk: number }[] = await ds.query(
      `PRAGMA table_info("${name}")`,
    );
    for (const c of cols)
      schema.columns.push(
        `${name}.${c.name} ${c.type.toLowerCase()}${c.notnull || c.pk ? ' not null' : ''}${c.pk ? ' pk' : ''}`,
      );
    const indexes: { name: string; unique: number; origin: string }[] = await ds.query(
      `PRAGMA index_list("${name}")`,
    );
    for (const ix of indexes.filter((i) => i.origin !== 'pk')) {
      const ixCols: { name: string }[] = await ds.query(`PRAGMA index_info("${ix.name}")`);
      schema.indexes.push(`${name}(${ixCols.map((c) => c.name).join(',')})${ix.unique ? ' unique' : ''}`);
    }
    const fks: { table: string; from: string; to: string; on_delete: string }[] = await ds.query(
      `PRAGMA foreign_key_list("${name}")`,
    );
    for (const fk of fks)
      schema.foreignKeys.push(
        `${name}.${fk.from} -> ${fk.table}.${fk.to} on delete ${fk.on_delete.toLowerCase()}`,
      );
  }
  await ds.destroy();
  return sort(schema);
}

async function postgresSchema(serverUrl: string): Promise<Schema> {
  const name = `gs_schema_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const ds = new DataSource({
    type: 'postgres',
    url: url.toString(),
    migrations: POSTGRES_MIGRATIONS,
    entities: [],
  });
  try {
    await ds.initialize();
    await ds.runMigrations();
    const schema: Schema = { columns: [], indexes: [], foreignKeys: [] };
    const cols: {
      table_name: string;
      column_name: string;
      data_type: string;
      character_maximum_length: number | null;
      is_nullable: string;
    }[] = await ds.query(`SELECT table_name, column_name, data_type, character_maximum_length, is_nullable
                      FROM information_schema.columns WHERE table_schema = 'public'`);
    const pks: { table_name: string; column_name: string }[] = await ds.query(
      `SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
       WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public'`,
    );
    const pkSet = new Set(pks.map((p) => `${p.table_name}.${p.column_name}`));
    for (const c of cols.filter((c) => !IGNORED_TABLES.has(c.table_name))) {
      const pk = pkSet.has(`${c.table_name}.${c.column_name}`);
      schema.columns.push(
        `${c.table_name}.${c.column_name} ${pgTypeAsSqlite(c.data_type, c.character_maximum_length)}${c.is_nullable === 'NO' ? ' not null' : ''}${pk ? ' pk' : ''}`,
      );
    }
    const indexes: { table: string; columns: string; unique: boolean }[] = await ds.query(
      `SELECT t.relname AS table, string_agg(a.attname, ',' ORDER BY k.ord) AS columns, ix.indisunique AS unique
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE NOT ix.indisprimary
       GROUP BY t.relname, ix.indexrelid, ix.indisunique`,
    );
    for (const ix of indexes.filter((i) => !IGNORED_TABLES.has(i.table)))
      schema.indexes.push(`${ix.table}(${ix.columns})${ix.unique ? ' unique' : ''}`);
    const fks: {
      table: string;
      column: string;
      ref_table: string;
      ref_column: string;
      delete_rule: string;
    }[] = await ds.query(
      `SELECT kcu.table_name AS table, kcu.column_name AS column, ccu.table_name AS ref_table, ccu.column_name AS ref_column, rc.delete_rule
       FROM information_schema.referential_constraints rc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.unique_constraint_name AND ccu.constraint_schema = rc.unique_constraint_schema
       WHERE rc.constraint_schema = 'public'`,
    );
    for (const fk of fks)
      schema.foreignKeys.push(
        `${fk.table}.${fk.column} -> ${fk.ref_table}.${fk.ref_column} on delete ${fk.delete_rule.toLowerCase()}`,
      );
    return sort(schema);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

const sort = (s: Schema): Schema => ({
  columns: s.columns.sort(),
  indexes: s.indexes.sort(),
  foreignKeys: s.foreignKeys.sort(),
});

describe('SQLite and PostgreSQL migration chains', () => {
  it('produce the same tables, columns, keys, indexes and unique constraints', async () => {
    const [sqlite, postgres] = await Promise.all([
      sqliteSchema(),
      postgresSchema(process.env.TEST_DATABASE_URL!),
    ]);
    expect(sqlite.columns.length).toBeGreaterThan(50);
    expect(sqlite.indexes.length).toBeGreaterThan(10);
    expect(sqlite.foreignKeys.length).toBeGreaterThan(10);
    expect(postgres).toEqual(sqlite);
  });
});
