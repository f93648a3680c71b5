import type { Redis } from 'ioredis';
import type { RateLimitStore } from './rate-limit.store';

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

  async increment(key: string, windowStart: number, expiresAt: number): Promise<number> {
    const k = `${this.prefix}rate:${key}:${windowStart}`;
    // A second past the window's end: a late hit of the window never recreates an expired key.
    const replies = await this.redis
      .multi()
      .incr(k)
      .pexpireat(k, expiresAt + 1000)
      .exec();
    const [error, count] = replies?.[0] ?? [new Error('Redis transaction was aborted'), 0];
    if (error) throw error;
    return Number(count);
  }

  async purgeExpired(): Promise<void> {
    // Keys expire on their own.
  }
}
