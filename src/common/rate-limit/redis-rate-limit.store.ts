import type { Redis } from 'ioredis';
import type { CounterHit, RateLimitStore } from './rate-limit.store';

/**
 * Counters in Redis (REDIS_URL): one key per rule, subject and window, incremented atomically and
 * expiring with its window, so there is nothing to purge. Every process sharing the Redis shares
 * the counts. Unlike the database store, a process whose clock is a window off counts into its own
 * window's key; clocks are assumed NTP-synchronised.
 */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(hits: readonly CounterHit[]): Promise<number[]> {
    // One MULTI for all of a request's counters: one round trip.
    const multi = this.redis.multi();
    for (const hit of hits) {
      const k = this.keyOf(hit);
      // A second past the window's end: a late hit of the window never recreates an expired key.
      multi.incr(k).pexpireat(k, hit.expiresAt + 1000);
    }
    const replies = await multi.exec();
    if (!replies) throw new Error('Redis transaction was aborted');
    return hits.map((_, i) => {
      const [error, count] = replies[2 * i];
      if (error) throw error;
      return Number(count);
    });
  }

  private keyOf(hit: CounterHit): string {
    return `${this.prefix}rate:${hit.key}:${hit.windowStart}`;
  }

  async purgeExpired(): Promise<void> {
    // Keys expire on their own.
  }
}
