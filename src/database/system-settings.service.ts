import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SystemSetting } from './system-setting.entity';

@Injectable()
export class SystemSettingsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(key: string): Promise<string | null> {
    return this.dataSource
      .getRepository(SystemSetting)
      .findOneBy({ key })
      .then((row) => row?.value ?? null);
  }

  /**
   * Returns the stored value, or stores `candidate` when there is none. Safe when several instances
   * start at once: the insert that loses the race is ignored and everyone reads the winner.
   * `created` tells the caller whether its candidate won.
   */
  async getOrCreate(key: string, candidate: string): Promise<{ value: string; created: boolean }> {
    const existing = await this.get(key);
    if (existing !== null) return { value: existing, created: false };
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SystemSetting)
      .values({ key, value: candidate, updatedAt: new Date() })
      .orIgnore()
      .execute();
    const value = (await this.get(key)) as string;
    return { value, created: value === candidate };
  }

  /** Stores `value` under `key`, replacing what was there. */
  async set(key: string, value: string): Promise<void> {
    await this.dataSource.getRepository(SystemSetting).upsert({ key, value, updatedAt: new Date() }, ['key']);
  }
}
