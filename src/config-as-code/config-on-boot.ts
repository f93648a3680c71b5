import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { AllConfigType } from '../config/configuration';
import { ConfigAsCodeService } from './config-as-code.service';
import { ConfigDocumentError, readConfigDocument } from './document';
import { referenceEnvironment } from '../config/process-environment';

/** Next to the service's other advisory locks (migrations 001, retention 002, grace sweep 015). */
const CONFIG_FILE_LOCK_KEY = 7_140_221_020;

/**
 * CONFIG_FILE: the document is applied (without prune) before the service listens; a problem stops
 * the start with one line. On PostgreSQL the apply holds an advisory lock, so processes starting
 * together apply it once (the others then find nothing to change).
 */
@Injectable()
export class ConfigOnBoot implements OnApplicationBootstrap {
  private readonly log = new Logger('ConfigFile');

  constructor(
    private readonly config: ConfigService<AllConfigType, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly service: ConfigAsCodeService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const file = this.config.get('app.configFile', { infer: true });
    if (!file) return;
    try {
      const spec = readConfigDocument(file, readFileSync(file, 'utf8'), referenceEnvironment());
      const plan = await this.locked(() =>
        this.service.apply(spec, { prune: false, source: `CONFIG_FILE ${file}` }),
      );
      this.log.log(`CONFIG_FILE ${file} applied: ${plan.pending} change(s)`);
    } catch (error) {
      const why = error instanceof ConfigDocumentError ? error.problems.join('; ') : (error as Error).message;
      throw new Error(`CONFIG_FILE ${file} was not applied: ${why}`);
    }
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'postgres') return work();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [CONFIG_FILE_LOCK_KEY]);
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [CONFIG_FILE_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  }
}
