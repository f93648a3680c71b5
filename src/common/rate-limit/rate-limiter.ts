import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CounterHit, DatabaseRateLimitStore, RATE_LIMIT_STORE, RateLimitStore } from './rate-limit.store';

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
    return (await this.hitAll([{ rule, subject }], now))[0];
  }

  /**
   * One hit under each rule (distinct rules), counted together: one statement (or one Redis round
   * trip) for all, so a request's several limits cost one commit. Verdicts in the order given.
   */
  async hitAll(
    hits: readonly { rule: RateLimitRule; subject: string }[],
    now = Date.now(),
  ): Promise<RateLimitVerdict[]> {
    await this.purgeIfDue(now);
    const windows = this.windowsOf(hits, now);
    return this.verdictsOf(hits, windows, await this.store.increment(windows), now);
  }

  /** Counters live in the database: a caller may count them in a statement of its own (`windowsOf`, `verdictsOf`). */
  get inDatabase(): boolean {
    return this.store instanceof DatabaseRateLimitStore;
  }

  /** Expired counters go once a minute per process. */
  async purgeIfDue(now = Date.now()): Promise<void> {
    if (now - this.lastPurge <= PURGE_EVERY_MS) return;
    this.lastPurge = now;
    await this.store.purgeExpired(now);
  }

  /** The counter and window each hit counts in. */
  windowsOf(hits: readonly { rule: RateLimitRule; subject: string }[], now = Date.now()): CounterHit[] {
    return hits.map(({ rule, subject }) => {
      const windowMs = rule.windowSeconds * 1000;
      const windowStart = Math.floor(now / windowMs) * windowMs;
      return { key: keyOf(rule.name, subject), windowStart, expiresAt: windowStart + windowMs };
    });
  }

  /** The verdicts of hits counted in `windows`, given each counter's count after the hit. */
  verdictsOf(
    hits: readonly { rule: RateLimitRule }[],
    windows: readonly CounterHit[],
    counts: readonly number[],
    now = Date.now(),
  ): RateLimitVerdict[] {
    return hits.map(({ rule }, i) => ({
      allowed: counts[i] <= rule.limit,
      count: counts[i],
      retryAfterSeconds: Math.max(1, Math.ceil((windows[i].expiresAt - now) / 1000)),
      windowStart: new Date(windows[i].windowStart),
    }));
  }
}

/** Keys stay short whatever the subject (an IPv6 address, a long slug): long ones are hashed. */
function keyOf(name: string, subject: string): string {
  const key = `${name}:${subject}`;
  return key.length <= 200 ? key : `${name}:#${createHash('sha256').update(subject).digest('hex')}`;
}
