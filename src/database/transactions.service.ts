import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Dialect } from './columns';

/**
 * Runs units of work in one database transaction. TypeORM's better-sqlite3 driver shares a single
 * connection, so two interleaved transactions would collide; SQLite work is queued instead (SQLite
 * has one writer anyway). PostgreSQL runs transactions side by side and relies on row locks.
 */
@Injectable()
export class Transactions {
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  readonly dialect: Dialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.dataSource.transaction(work);
    const result = this.sqliteQueue.then(() => this.dataSource.transaction(work));
    this.sqliteQueue = result.catch(() => undefined);
    return result;
  }

  /** Locks a row until the transaction ends (PostgreSQL); SQLite's queued single writer already serializes. */
  /** Row locks for many rows at once, taken in id order so two batches cannot deadlock. */
  async lockRows(em: EntityManager, table: string, ids: string[]): Promise<void> {
    if (this.dialect === 'postgres' && ids.length > 0) {
      await em.query(
        `SELECT 1 FROM "${table}" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR NO KEY UPDATE`,
        [[...ids].sort()],
      );
    }
  }

  async lockRow(em: EntityManager, table: string, id: string): Promise<void> {
    if (this.dialect === 'postgres') {
      await em.query(`SELECT 1 FROM "${table}" WHERE "id" = $1 FOR NO KEY UPDATE`, [id]);
    }
  }
}
