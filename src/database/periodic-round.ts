import type { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

/** A round under the lock: its value, or `ran: false` when another process held the lock. */
export type RoundOutcome<T> = { ran: true; value: T } | { ran: false };

interface PeriodicRoundOptions {
  /** Names the round in the warning a failed round logs ("<name> failed"). */
  name: string;
  logger: Logger;
  /** Time between two timer ticks; 0 turns the timer off (rounds run only when called). */
  everyMs: number;
  /** What a tick runs (the service's public method, which may take the lock through `exclusive`). */
  round: () => Promise<unknown>;
  /**
   * PostgreSQL: the session advisory lock `exclusive` tries, so that one process runs a round at a
   * time and the others skip it. Any fixed number every groupsync process on one database agrees on.
   * SQLite has one process: no lock.
   */
  lock?: { dataSource: DataSource; key: number };
}

/**
 * Background work that repeats: a timer, one round at a time per process (a tick finding the last
 * round still running does nothing), a round that throws is logged and the timer goes on, and on
 * shutdown the timer stops and the round in flight is waited for (never close the pool under it).
 * Across processes, `exclusive` holds a PostgreSQL advisory try-lock for the round's duration.
 */
export class PeriodicRound {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly options: PeriodicRoundOptions) {}

  start(): void {
    if (this.options.everyMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.everyMs);
    this.timer.unref(); // a process with only this left may exit
  }

  /** What the timer does each time: a round, unless this process's last one still runs. */
  tick(): Promise<void> {
    this.running ??= this.options
      .round()
      .then(
        () => undefined,
        (error: Error) =>
          this.options.logger.warn({ msg: `${this.options.name} failed`, cause: error.message }),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer, then waits for the round in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Runs `work` holding the advisory lock on PostgreSQL, or answers `ran: false` without running it
   * when another process holds the lock. The lock lives on a pool connection of its own for the
   * round; `work` gets that connection's manager, so statements outside transactions need no second
   * one. SQLite: `work` runs at once with the data source's manager.
   */
  async exclusive<T>(work: (em: EntityManager) => Promise<T>): Promise<RoundOutcome<T>> {
    const lock = this.options.lock;
    if (!lock) throw new Error(`${this.options.name}: exclusive() needs the lock option`);
    if (lock.dataSource.options.type !== 'postgres')
      return { ran: true, value: await work(lock.dataSource.manager) };
    const runner = lock.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [lock.key]);
      if (!locked) return { ran: false };
      try {
        return { ran: true, value: await work(runner.manager) };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [lock.key]);
      }
    } finally {
      await runner.release();
    }
  }
}
