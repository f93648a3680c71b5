import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BACKSTOP_WAL_PAGES, SqliteCheckpointer, WRITER_WAL_PAGES } from './sqlite-checkpointer';

const EVERY_MS = 10 * 60_000;

/**
 * SQLite plans queries from the statistics ANALYZE leaves; without them it takes "tenantId = ?" for
 * a selective index and scans a whole tenant. `PRAGMA optimize` (SQLite's advice for long-lived
 * connections) refreshes them at start-up and every ten minutes, only for tables that changed enough;
 * `analysis_limit` keeps each run to milliseconds. PostgreSQL's autovacuum does the same on its own.
 * A database file also gets its WAL checkpoints from a thread of their own (sqlite-checkpointer.ts).
 */
@Injectable()
export class SqliteMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SqliteMaintenance.name);
  private timer?: NodeJS.Timeout;
  private checkpointer?: SqliteCheckpointer;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onApplicationBootstrap() {
    if (this.dataSource.options.type !== 'better-sqlite3') return;
    await this.dataSource.query('PRAGMA analysis_limit = 1000');
    await this.dataSource.query('PRAGMA optimize = 0x10002');
    this.timer = setInterval(
      () => void this.dataSource.query('PRAGMA optimize').catch(() => undefined),
      EVERY_MS,
    );
    this.timer.unref();
    await this.startCheckpointer(this.dataSource.options.database);
  }

  async onModuleDestroy() {
    clearInterval(this.timer);
    await this.checkpointer?.stop();
  }

  private async startCheckpointer(path: string | Buffer | undefined) {
    if (typeof path !== 'string' || path === ':memory:' || path === '') return;
    const restoreWriterCheckpoints = (error: Error) => {
      this.logger.warn(`${error.message}; the writer checkpoints the WAL itself again`);
      void this.setWriterCheckpoints(WRITER_WAL_PAGES).catch(() => undefined);
    };
    try {
      this.checkpointer = await SqliteCheckpointer.start(path, restoreWriterCheckpoints);
      await this.setWriterCheckpoints(BACKSTOP_WAL_PAGES);
    } catch (error) {
      this.logger.warn(`the WAL checkpoint thread did not start (${(error as Error).message}); the writer checkpoints the WAL itself`);
    }
  }

  private setWriterCheckpoints(pages: number) {
    return this.dataSource.query(`PRAGMA wal_autocheckpoint = ${pages}`);
  }
}
