import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RATE_LIMIT_STORE, RateLimitStore } from './rate-limit.store';

/** At most `limit` hits per fixed window of `windowSeconds` for one subject. */
export interface RateLimitRule {
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** Hits in the current window, this one included. */
  count: number;
  /** Seconds until the window ends (for Retry-After); at least 1. */
  retryAfterSeconds: number;
  windowStart: Date;
}

const PURGE_EVERY_MS = 60_000;

/** The one rate limiter of the service: fixed windows, counters behind RateLimitStore. */
@Injectable()
export class RateLimiter {
  private lastPurge = 0;

  constructor(@Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore) {}

  async hit(rule: RateLimitRule, subject: string, now = Date.now()): Promise<RateLimitVerdict> {
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const end = windowStart + windowMs;
    if (now - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = now;
      await this.store.purgeExpired(now);
    }
    const count = await this.store.increment(keyOf(rule.name, subject), windowStart, end);
    return {
      allowed: count <= rule.limit,
      count,
      retryAfterSeconds: Math.max(1, Math.ceil((end - now) / 1000)),
      windowStart: new Date(windowStart),
    };
  }
}

/** Keys stay short whatever the subject (an IPv6 address, a long slug): long ones are hashed. */
function keyOf(name: string, subject: string): string {
  const key = `${name}:${subject}`;
  return key.length <= 200 ? key : `${name}:#${createHash('sha256').update(subject).digest('hex')}`;
}
