import { Global, Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { AllConfigType } from '../config/configuration';
import { connectAndMigrate, type ConnectOptions } from './connect';
import { buildDataSourceOptions, sqlitePathOf } from './data-source';
import { SqliteMaintenance } from './sqlite-maintenance.service';
import { SystemSettingsService } from './system-settings.service';
import { Transactions } from './transactions.service';

/** Carries the retry settings from the options factory to the data source factory. */
const RETRY = Symbol('connect-retry');

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfigType, true>) => {
        const database = config.get('database', { infer: true });
        const options = buildDataSourceOptions(database.url, database);
        const where = options.type === 'postgres' ? 'PostgreSQL' : `SQLite ${sqlitePathOf(database.url)}`;
        new Logger('Database').log(`Using ${where}; applying migrations`);
        // connectAndMigrate retries and logs each attempt itself: Nest's own retry loop is off.
        const retry = { retries: database.connectRetries, retryDelayMs: database.connectRetrySeconds * 1000 };
        return { ...options, retryAttempts: 0, toRetry: () => false, [RETRY]: retry };
      },
      // Migrations run before the app serves anything, so /health only answers once they are done.
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const { [RETRY]: retry, ...rest } = options as DataSourceOptions & { [RETRY]: ConnectOptions };
        return connectAndMigrate(rest as DataSourceOptions, retry);
      },
    }),
  ],
  providers: [Transactions, SystemSettingsService, SqliteMaintenance],
  exports: [Transactions, SystemSettingsService],
})
export class DatabaseModule {}
