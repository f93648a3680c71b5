import { DataSource } from 'typeorm';

/**
 * Where counters live. The database store makes limits hold across instances; a Redis or
 * PostgreSQL-advisory store can replace it by implementing these two calls.
 */
export interface RateLimitStore {
  /** Counts one hit in the window starting at `windowStart`; answers the count in that window. */
  increment(key: string, windowStart: number, expiresAt: number): Promise<number>;
  /** Forgets counters whose window ended before `now`. */
  purgeExpired(now: number): Promise<void>;
}

export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

/** Counters in `rate_limit_counters`: one atomic upsert per hit on either dialect. */
export class DatabaseRateLimitStore implements RateLimitStore {
  private readonly upsert: string;

  constructor(private readonly dataSource: DataSource) {
    const pg = dataSource.options.type === 'postgres';
    const [p1, p2, p3] = pg ? ['$1', '$2', '$3'] : ['?', '?', '?'];
    const greatest = pg ? 'GREATEST' : 'MAX';
    // A newer window resets the count; an older one (another instance's clock) adds to the newer.
    this.upsert = `INSERT INTO "rate_limit_counters" AS c ("key", "windowStart", "count", "expiresAt")
      VALUES (${p1}, ${p2}, 1, ${p3})
      ON CONFLICT ("key") DO UPDATE SET
        "count" = CASE WHEN c."windowStart" >= excluded."windowStart" THEN c."count" + 1 ELSE 1 END,
        "windowStart" = ${greatest}(c."windowStart", excluded."windowStart"),
        "expiresAt" = ${greatest}(c."expiresAt", excluded."expiresAt")
      RETURNING "count"`;
  }

  async increment(key: string, windowStart: number, expiresAt: number): Promise<number> {
    const rows: { count: number | string }[] = await this.dataSource.query(this.upsert, [
      key,
      windowStart,
      expiresAt,
    ]);
    return Number(rows[0].count);
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
