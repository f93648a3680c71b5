import { Worker } from 'node:worker_threads';

/** How often the checkpointer moves committed WAL pages into the database file. */
const EVERY_MS = 250;
/**
 * The writer's own checkpoint while the checkpointer runs: a backstop (~160 MB of WAL) that only a
 * stalled checkpointer reaches. Without the checkpointer the writer checkpoints every ~16 MB.
 */
export const BACKSTOP_WAL_PAGES = 40_000;
export const WRITER_WAL_PAGES = 4_000;

// A second connection to the same file in a worker thread. A PASSIVE checkpoint copies committed
// pages from the WAL into the database file and fsyncs it without blocking the writer; the writer
// then restarts the WAL from its start on its next commit. It never waits on a lock (busy_timeout 0):
// a busy round is skipped and the next one picks the pages up.
const WORKER_SOURCE = `(() => {
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
} catch (e) {
  parentPort.postMessage({ failed: String(e.message) });
  parentPort.close();
  return;
}
const round = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    if (e.code !== 'SQLITE_BUSY' && e.code !== 'SQLITE_LOCKED') parentPort.postMessage({ error: String(e.message) });
  }
};
const timer = setInterval(round, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage({ ready: true });
})();`;

/**
 * SQLite's WAL checkpoints off the event loop (issue #14). With one connection, every ~4,000th page
 * written made one request's COMMIT copy ~16 MB into the database file and fsync it, on the thread
 * that serves every request: in the SCIM bulk load that was most of the COMMIT time. Here a worker
 * thread does it every 250 ms on its own connection, and the writer's own checkpoint becomes a
 * backstop. `onFailure` runs if the thread dies, so the caller can restore the writer's checkpoints.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private stopping = false;
  private exited = false;

  private constructor(worker: Worker) {
    this.worker = worker;
  }

  /** Starts the thread; resolves once its connection is open, rejects if it cannot open one. */
  static start(path: string, onFailure: (error: Error) => void): Promise<SqliteCheckpointer> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, everyMs: EVERY_MS, betterSqlite3: require.resolve('better-sqlite3') },
    });
    worker.unref();
    const checkpointer = new SqliteCheckpointer(worker);
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: { ready?: true; error?: string; failed?: string }) => {
        if (message.failed) reject(new Error(`the checkpoint thread cannot open ${path}: ${message.failed}`));
        else if (message.ready) {
          ready = true;
          resolve(checkpointer);
        } else if (message.error) onFailure(new Error(`WAL checkpoint failed: ${message.error}`));
      });
      worker.on('error', (error) => (ready ? onFailure(error) : reject(error)));
      worker.on('exit', (code) => {
        checkpointer.exited = true;
        if (!ready) reject(new Error(`the checkpoint thread exited (${code}) while starting`));
        else if (!checkpointer.stopping) onFailure(new Error(`the checkpoint thread exited (${code})`));
      });
    });
  }

  /** Closes the thread's connection and waits for the thread to end. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exited) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    // An unref'd thread keeps nothing alive: without this, the process would end (exit code 0)
    // while its shutdown still waits here, before the caller's own exit code and last log line.
    this.worker.ref();
    this.worker.postMessage('stop');
    await exited;
  }
}
