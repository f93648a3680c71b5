import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source';
import { PeriodicRound } from '../../src/database/periodic-round';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** A key no service uses: the test's two "processes" agree on it. */
const KEY = 7_140_229_901;

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * The helper's advisory try-lock on a real database: two data sources (two pools, as two processes
 * have) on one database. On PostgreSQL the second is refused while the first runs a round; SQLite has
 * one process, so there is no lock and both run.
 */
describe('PeriodicRound: the advisory try-lock across processes', () => {
  let db: TestDatabase;
  let one: DataSource;
  let two: DataSource;
  const logger = new Logger('PeriodicRoundTest');
  const roundsOn = (dataSource: DataSource) =>
    new PeriodicRound({
      name: 'Test round',
      logger,
      everyMs: 0,
      round: async () => undefined,
      lock: { dataSource, key: KEY },
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    one = await new DataSource(buildDataSourceOptions(db.url)).initialize();
    two = await new DataSource(buildDataSourceOptions(db.url)).initialize();
  });
  afterAll(async () => {
    await one?.destroy();
    await two?.destroy();
    await db?.drop();
  });

  it('while one process runs a round, the other skips it; once it is over, the other runs', async () => {
    const pg = db.dialect === 'postgres';
    const [a, b] = [roundsOn(one), roundsOn(two)];
    const held = gate();
    const inRound = gate();
    const first = a.exclusive(async () => {
      inRound.open();
      await held.promise;
      return 'a';
    });
    await inRound.promise;
    let ranB = false;
    const second = await b.exclusive(async () => {
      ranB = true;
      return 'b';
    });
    expect(second).toEqual(pg ? { ran: false } : { ran: true, value: 'b' });
    expect(ranB).toBe(!pg);
    if (pg) {
      // Really held in the database, by the first process's session (a bigint key is split in two).
      const [{ holders }] = await two.query(
        `SELECT count(*)::int AS holders FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND objsubid = 1
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND (classid::bigint << 32) + objid::bigint = $1`,
        [KEY],
      );
      expect(holders).toBe(1);
    }
    held.open();
    expect(await first).toEqual({ ran: true, value: 'a' });
    expect(await b.exclusive(async () => 'b')).toEqual({ ran: true, value: 'b' });
  });

  it('a second round of the same process is excluded too (it runs on a connection of its own)', async () => {
    const a = roundsOn(one);
    const held = gate();
    const inRound = gate();
    const first = a.exclusive(async () => {
      inRound.open();
      await held.promise;
    });
    await inRound.promise;
    const again = await a.exclusive(async () => 'again');
    expect(again.ran).toBe(db.dialect !== 'postgres');
    held.open();
    await first;
  });

  it('a round that throws releases the lock: the error reaches the caller and the next round runs', async () => {
    const [a, b] = [roundsOn(one), roundsOn(two)];
    await expect(
      a.exclusive(async () => {
        throw new Error('round failed');
      }),
    ).rejects.toThrow('round failed');
    expect(await b.exclusive(async () => 'after')).toEqual({ ran: true, value: 'after' });
    expect(await a.exclusive(async () => 'again')).toEqual({ ran: true, value: 'again' });
  });
});
