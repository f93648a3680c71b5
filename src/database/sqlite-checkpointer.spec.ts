import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCheckpointer } from './sqlite-checkpointer';

// A real database file: the writer never checkpoints, so its pages reach the database file only
// through the checkpoint thread.
describe('SqliteCheckpointer', () => {
  let dir: string;
  let path: string;
  let writer: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
    path = join(dir, 'db.sqlite');
    writer = new Database(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  });

  afterEach(() => {
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const writePages = () => {
    const insert = writer.prepare('INSERT INTO t (body) VALUES (?)');
    writer.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(1000));
    })();
  };

  async function until(condition: () => boolean, what: string) {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!condition()) throw new Error(`timed out waiting for ${what}`);
  }

  it('copies committed WAL pages into the database file while the writer goes on', async () => {
    const failures: Error[] = [];
    const checkpointer = await SqliteCheckpointer.start(path, (e) => failures.push(e));
    try {
      writePages();
      const fullSize = () =>
        (writer.pragma('page_count', { simple: true }) as number) *
        (writer.pragma('page_size', { simple: true }) as number);
      await until(() => statSync(path).size === fullSize(), 'every page in the database file');
      // and again, while the writer goes on writing
      writePages();
      writer.prepare('INSERT INTO t (body) VALUES (?)').run('after');
      await until(() => statSync(path).size === fullSize(), 'the new pages in the database file');
      expect(writer.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 4001 });
    } finally {
      await checkpointer.stop();
    }
    expect(failures).toEqual([]);
  });

  it('refuses to start on a file that is not there, and stops cleanly twice', async () => {
    await expect(SqliteCheckpointer.start(join(dir, 'missing.sqlite'), () => undefined)).rejects.toThrow(
      /cannot open .*missing\.sqlite: unable to open database file/,
    );
    const checkpointer = await SqliteCheckpointer.start(path, () => undefined);
    await checkpointer.stop();
    await checkpointer.stop();
  });
});
