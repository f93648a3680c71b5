import { AsyncLocalStorage } from 'node:async_hooks';
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
  /** The transaction opened by `shared`, which every `run` inside it joins. */
  private readonly ambient = new AsyncLocalStorage<EntityManager>();
  readonly dialect: Dialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const joined = this.ambient.getStore();
    if (joined) return work(joined);
    if (this.dialect === 'postgres') return this.dataSource.transaction(work);
    const result = this.sqliteQueue.then(() => this.dataSource.transaction(work));
    this.sqliteQueue = result.catch(() => undefined);
    return result;
  }

  /**
   * One transaction that the services' own `run` calls join (configuration as code applies one
   * tenant's changes through the services, all or nothing). Only this opts in: a `run` outside it
   * keeps its own transaction.
   */
  shared<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.run((em) => this.ambient.run(em, () => work(em)));
  }

  /** Row locks for many rows at once, taken in id order so two batches cannot deadlock. */
  async lockRows(em: EntityManager, table: string, ids: string[]): Promise<void> {
    if (this.dialect === 'postgres' && ids.length > 0) {
      await em.query(
        `SELECT 1 FROM "${table}" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR NO KEY UPDATE`,
        [[...ids].sort()],
      );
    }
  }

  /** Locks a row until the transaction ends (PostgreSQL); SQLite's queued single writer already serializes. */
  async lockRow(em: EntityManager, table: string, id: string): Promise<void> {
    if (this.dialect === 'postgres') {
      await em.query(`SELECT 1 FROM "${table}" WHERE "id" = $1 FOR NO KEY UPDATE`, [id]);
    }
  }
}
