import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const EVERY_MS = 10 * 60_000;

/**
 * SQLite plans queries from the statistics ANALYZE leaves; without them it takes "tenantId = ?" for
 * a selective index and scans a whole tenant. `PRAGMA optimize` (SQLite's advice for long-lived
 * connections) refreshes them at start-up and every ten minutes, only for tables that changed enough;
 * `analysis_limit` keeps each run to milliseconds. PostgreSQL's autovacuum does the same on its own.
 */
@Injectable()
export class SqliteMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

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
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }
}
