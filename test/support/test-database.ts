import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dialectOf, type Dialect } from '../../src/database/columns';
import { buildDataSourceOptions } from '../../src/database/data-source';

/**
 * A fresh database for one test file: a new SQLite file in a temp folder, or a new PostgreSQL
 * database on the TEST_DATABASE_URL server. Empty by default; `{ migrated: true }` gives one with
 * every migration applied, copied from a template that is migrated once per set of migrations
 * (the app's start-up then finds nothing to apply). Tests of the migrations themselves take an
 * empty one. `drop()` removes it.
 */
export interface TestDatabase {
  dialect: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase({ migrated = false } = {}): Promise<TestDatabase> {
  const dialect = dialectOf(process.env.DATABASE_URL);
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'groupsync-test-'));
    const file = join(dir, 'test.sqlite');
    if (migrated) copyFileSync(await sqliteTemplate(), file);
    return {
      dialect,
      url: `sqlite:${file}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const serverUrl = process.env.TEST_DATABASE_URL!;
  const name = `gs_test_${randomBytes(6).toString('hex')}`;
  const template = migrated ? await postgresTemplate(serverUrl) : undefined;
  await onServer(serverUrl, (c) =>
    c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`),
  );
  return {
    dialect,
    url: databaseUrl(serverUrl, name),
    drop: () => onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/** The migration files' contents, hashed: a template is reused only for the same migrations. */
function migrationsHash(dialect: Dialect): string {
  const dir = join(__dirname, '..', '..', 'src', 'database', 'migrations', dialect);
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 12);
}

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource(buildDataSourceOptions(url));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    // Everything into the main file, so a plain file copy is the whole database.
    if (dataSource.options.type === 'better-sqlite3')
      await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    await dataSource.destroy();
  }
}

/** A migrated SQLite file in the temp folder; workers that race each build one and rename it in. */
async function sqliteTemplate(): Promise<string> {
  const template = join(tmpdir(), `groupsync-template-${migrationsHash('sqlite')}.sqlite`);
  if (existsSync(template)) return template;
  const dir = mkdtempSync(join(tmpdir(), 'groupsync-template-'));
  try {
    await migrate(`sqlite:${join(dir, 'db.sqlite')}`);
    renameSync(join(dir, 'db.sqlite'), template);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return template;
}

// Any fixed key: it only serialises template builds of the test processes on one server.
const TEMPLATE_LOCK_KEY = 7_302_114_551;

/** A migrated PostgreSQL database to copy (CREATE DATABASE ... TEMPLATE), built once under a lock. */
async function postgresTemplate(serverUrl: string): Promise<string> {
  // Per role: a database may only be copied by its owner, and the CI role and a developer may share
  // one server.
  const role = (new URL(serverUrl).username || 'default')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_')
    .slice(0, 24);
  const template = `gs_tmpl_${migrationsHash('postgres')}_${role}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (!found.rowCount) {
      // Built under another name and renamed, so a half-built template is never copied.
      const building = `${template}_build_${randomBytes(3).toString('hex')}`;
      await admin.query(`CREATE DATABASE "${building}"`);
      await migrate(databaseUrl(serverUrl, building));
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]).catch(() => undefined);
    await admin.end();
  }
  return template;
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(serverUrl: string, work: (c: Client) => Promise<unknown>): Promise<void> {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await work(c);
  } finally {
    await c.end();
  }
}
