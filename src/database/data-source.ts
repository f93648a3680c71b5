import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/configuration';
import { Dialect, ENTITY_DIALECT, dialectOf } from './columns';
import { ENTITIES } from './entities';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { WRITER_WAL_PAGES } from './sqlite-checkpointer';

const DEFAULT_SQLITE_PATH = './data/groupsync.sqlite';

/** `sqlite:./file.sqlite`, `sqlite::memory:` or nothing (the default file) -> a path for better-sqlite3. */
export function sqlitePathOf(url: string | undefined): string {
  if (!url) return DEFAULT_SQLITE_PATH;
  const path = url.replace(/^sqlite:(\/\/)?/i, '');
  return path === '' ? DEFAULT_SQLITE_PATH : path;
}

/**
 * The one place database options are written, for the app and the TypeORM CLI alike.
 * Migrations run at start-up; `synchronize` is never on.
 */
export function buildDataSourceOptions(
  url: string | undefined,
  { poolSize = 10, logSql = false }: Partial<Pick<DatabaseConfig, 'poolSize' | 'logSql'>> = {},
): DataSourceOptions {
  const dialect: Dialect = dialectOf(url);
  if (dialect !== ENTITY_DIALECT) {
    throw new Error(
      `DATABASE_URL is ${dialect} but the entities were loaded for ${ENTITY_DIALECT}: set DATABASE_URL before the process starts`,
    );
  }
  const common = {
    entities: ENTITIES,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    logging: (logSql ? ['query'] : false) as false,
  };
  if (dialect === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url,
      migrations: POSTGRES_MIGRATIONS,
      extra: { max: poolSize },
    };
  }
  const path = sqlitePathOf(url);
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: path,
    migrations: SQLITE_MIGRATIONS,
    // WAL lets readers run while the single writer writes; busy_timeout waits instead of failing.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL keeps the database consistent on a crash and skips an fsync per commit.
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      // Checkpoint every ~16 MB of WAL instead of 4 MB: a quarter of the fsyncs under write bursts
      // (SCIM pushes), for a larger WAL file between checkpoints. Once the checkpoint thread runs
      // (sqlite-checkpointer.ts) this is only its backstop.
      db.pragma(`wal_autocheckpoint = ${WRITER_WAL_PAGES}`);
      // A 64 MB page cache (default 2 MB): the one connection serves every request.
      db.pragma('cache_size = -65536');
      db.pragma('foreign_keys = ON');
    },
  };
}
