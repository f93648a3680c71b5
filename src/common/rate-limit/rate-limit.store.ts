import { DataSource } from 'typeorm';

/** One counter to count a hit in: its key and the window the hit falls in. */
export interface CounterHit {
  key: string;
  windowStart: number;
  expiresAt: number;
}

/**
 * Where counters live. The database store makes limits hold across instances; a Redis or
 * PostgreSQL-advisory store can replace it by implementing these calls.
 */
export interface RateLimitStore {
  /**
   * Counts one hit in each counter (distinct keys), all in one statement or round trip; answers
   * the count in each counter's window, in the order given.
   */
  increment(hits: readonly CounterHit[]): Promise<number[]>;
  /** Forgets counters whose window ended before `now`. */
  purgeExpired(now: number): Promise<void>;
}

export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

/**
 * The tail of every counter upsert (`INSERT INTO "rate_limit_counters" AS c ...`): a newer window
 * resets the count, an older one (another instance's clock) adds to the newer; answers each key's count.
 */
export function counterConflict(pg: boolean): string {
  const greatest = pg ? 'GREATEST' : 'MAX';
  return `ON CONFLICT ("key") DO UPDATE SET
        "count" = CASE WHEN c."windowStart" >= excluded."windowStart" THEN c."count" + 1 ELSE 1 END,
        "windowStart" = ${greatest}(c."windowStart", excluded."windowStart"),
        "expiresAt" = ${greatest}(c."expiresAt", excluded."expiresAt")
      RETURNING "key", "count"`;
}

/**
 * Counters in `rate_limit_counters`: one atomic multi-row upsert per request on either dialect, so
 * a sign-in's per-address and per-tenant hits are one statement and (on PostgreSQL) one commit.
 */
export class DatabaseRateLimitStore implements RateLimitStore {
  private readonly pg: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.pg = dataSource.options.type === 'postgres';
  }

  async increment(hits: readonly CounterHit[]): Promise<number[]> {
    // Rows are locked in the order of VALUES: sorted keys, so two requests cannot deadlock.
    const sorted = [...hits].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const params = sorted.flatMap((h) => [h.key, h.windowStart, h.expiresAt]);
    const rows: { key: string; count: number | string }[] = await this.dataSource.query(
      this.upsert(sorted.length),
      params,
    );
    const counts = new Map(rows.map((r) => [r.key, Number(r.count)]));
    return hits.map((h) => counts.get(h.key)!);
  }

  /** One row per hit, sorted by key. */
  private upsert(rows: number): string {
    const p = (i: number) => (this.pg ? `$${i}` : '?');
    const values = Array.from(
      { length: rows },
      (_, r) => `(${p(3 * r + 1)}, ${p(3 * r + 2)}, 1, ${p(3 * r + 3)})`,
    );
    return `INSERT INTO "rate_limit_counters" AS c ("key", "windowStart", "count", "expiresAt")
      VALUES ${values.join(', ')}
      ${counterConflict(this.pg)}`;
  }

  async purgeExpired(now: number): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from('rate_limit_counters')
      .where('"expiresAt" < :now', { now })
      .execute();
  }
}
