import { Global, Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AllConfigType } from '../config/configuration';
import { buildDataSourceOptions, sqlitePathOf } from './data-source';
import { SqliteMaintenance } from './sqlite-maintenance.service';
import { SystemSettingsService } from './system-settings.service';
import { Transactions } from './transactions.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfigType, true>) => {
        const url = config.get('database.url', { infer: true });
        const options = buildDataSourceOptions(url);
        const where = options.type === 'postgres' ? 'PostgreSQL' : `SQLite ${sqlitePathOf(url)}`;
        new Logger('Database').log(`Using ${where}; applying migrations`);
        // Migrations run before the app serves anything, so /health only answers once they are done.
        return { ...options, migrationsRun: true, migrationsTransactionMode: 'each' as const };
      },
    }),
  ],
  providers: [Transactions, SystemSettingsService, SqliteMaintenance],
  exports: [Transactions, SystemSettingsService],
})
export class DatabaseModule {}
