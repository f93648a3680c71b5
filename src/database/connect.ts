import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { causeOf } from '../ops/json-logger';

/** Any fixed number: every groupsync process on one database agrees on it. */
export const MIGRATION_LOCK_KEY = 7_140_221_001;

export interface ConnectOptions {
  retries: number;
  retryDelayMs: number;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

/**
 * Opens the data source, retrying an unreachable database with one log line per attempt that names
 * the cause, then applies pending migrations. On PostgreSQL the migrations run under a session
 * advisory lock, so of several processes starting together exactly one migrates and the others wait,
 * then find nothing pending.
 */
export async function connectAndMigrate(
  options: DataSourceOptions,
  opts: ConnectOptions,
): Promise<DataSource> {
  const logger = opts.logger ?? new Logger('Database');
  const dataSource = new DataSource(options);
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.initialize();
      break;
    } catch (error) {
      if (attempt > opts.retries) {
        throw new Error(`database unreachable after ${attempt} attempts: ${causeOf(error)}`);
      }
      logger.warn({
        msg: `Database unreachable; retrying in ${opts.retryDelayMs / 1000} s (attempt ${attempt} of ${opts.retries + 1})`,
        cause: causeOf(error),
      });
      await new Promise((resolve) => setTimeout(resolve, opts.retryDelayMs));
    }
  }
  await runMigrationsLocked(dataSource, logger);
  return dataSource;
}

async function runMigrationsLocked(
  dataSource: DataSource,
  logger: Pick<Logger, 'log'> = new Logger('Database'),
): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await runAndLog(dataSource, logger);
    return;
  }
  // A session lock lives on one connection: hold a query runner for the whole run.
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    logger.log({ msg: 'Holding the migration lock', lock: MIGRATION_LOCK_KEY });
    try {
      await runAndLog(dataSource, logger);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

async function runAndLog(dataSource: DataSource, logger: Pick<Logger, 'log'>): Promise<void> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  logger.log({
    msg: applied.length ? `Applied ${applied.length} migration(s)` : 'Schema is up to date',
    migrations: applied.map((m) => m.name),
  });
}
