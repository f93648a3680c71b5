import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { connectAndMigrate, MIGRATION_LOCK_KEY } from '../../src/database/connect';
import { buildDataSourceOptions } from '../../src/database/data-source';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** What every process does at start-up: connect (retrying), then migrate, once, under a lock. */
describe('start-up: connect and migrate', () => {
  let db: TestDatabase;
  const opened: DataSource[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(opened.map((ds) => ds.destroy()));
    await db.drop();
  });
  const start = async () => {
    const ds = await connectAndMigrate(buildDataSourceOptions(db.url), {
      retries: 0,
      retryDelayMs: 10,
      logger: silent,
    });
    opened.push(ds);
    return ds;
  };

  it('several processes starting together apply each migration exactly once', async () => {
    const [first] = await Promise.all([start(), start(), start()]);
    const rows: { name: string }[] = await first.query('SELECT "name" FROM "migrations"');
    expect(rows.length).toBe(first.migrations.length);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    expect(await first.showMigrations()).toBe(false);
  });

  it('on PostgreSQL a process waits while another holds the migration lock', async () => {
    if (db.dialect !== 'postgres') {
      // SQLite is one process: a second start finds the schema up to date.
      expect(await (await start()).showMigrations()).toBe(false);
      return;
    }
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      let done = false;
      const starting = start().then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(done).toBe(false); // blocked on the lock
      const waiting = await holder.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(waiting.rows[0].n).toBe(1);
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      await starting;
      expect(done).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it('an unreachable database: one warning per retry naming the cause, then a clear error', async () => {
    const warnings: { msg: string; cause: string }[] = [];
    const logger = { ...silent, warn: (line: { msg: string; cause: string }) => void warnings.push(line) };
    await expect(
      connectAndMigrate(
        { type: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' },
        { retries: 2, retryDelayMs: 10, logger },
      ),
    ).rejects.toThrow(/^database unreachable after 3 attempts: .*ECONNREFUSED/);
    expect(warnings.map((w) => w.msg)).toEqual([
      'Database unreachable; retrying in 0.01 s (attempt 1 of 3)',
      'Database unreachable; retrying in 0.01 s (attempt 2 of 3)',
    ]);
    expect(warnings.every((w) => /ECONNREFUSED 127\.0\.0\.1:1/.test(w.cause))).toBe(true);
  });
});
