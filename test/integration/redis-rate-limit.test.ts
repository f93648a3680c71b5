import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiter } from '../../src/common/rate-limit/rate-limiter';
import { RedisRateLimitStore } from '../../src/common/rate-limit/redis-rate-limit.store';
import { startTestApp } from '../support/test-app';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** REDIS_URL: counters that hold across processes live in Redis (the machine's server on 6379). */
describe('rate limits in Redis', () => {
  const prefix = `gs-test-${randomBytes(6).toString('hex')}:`;
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    clients.push(redis);
    return redis;
  };
  afterAll(async () => {
    const keys = await clients[0].keys(`${prefix}*`);
    if (keys.length) await clients[0].del(...keys);
    await Promise.all(clients.map((c) => c.quit()));
  });
  const rule = { name: 'sso-address', limit: 3, windowSeconds: 60 };

  it('two limiters on separate connections (two processes) share one count per window', async () => {
    const a = new RateLimiter(new RedisRateLimitStore(client(), prefix));
    const b = new RateLimiter(new RedisRateLimitStore(client(), prefix));
    // The start of the current window: keys expire at the window end, so it must lie ahead.
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const verdicts = await Promise.all([a, b, a, b].map((limiter) => limiter.hit(rule, '203.0.113.7', now)));
    expect(verdicts.map((v) => v.count).sort()).toEqual([1, 2, 3, 4]);
    expect(verdicts.filter((v) => !v.allowed)).toHaveLength(1);
    // The next window starts again; another subject has its own count.
    expect((await a.hit(rule, '203.0.113.7', now + 60_000)).count).toBe(1);
    expect((await b.hit(rule, '198.51.100.1', now)).count).toBe(1);
  });

  it("a request's several limits count in one round trip, each under its own key", async () => {
    const redis = client();
    const limiter = new RateLimiter(new RedisRateLimitStore(redis, prefix));
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const perTenant = { name: 'sso-tenant', limit: 2, windowSeconds: 60 };
    const hits = [
      { rule, subject: '192.0.2.44' },
      { rule: perTenant, subject: 'tenant-1' },
    ];
    const first = await limiter.hitAll(hits, now);
    expect(first.map((v) => [v.count, v.allowed])).toEqual([
      [1, true],
      [1, true],
    ]);
    await limiter.hitAll(hits, now);
    const third = await limiter.hitAll(hits, now);
    // The tenant's limit of 2 is passed on the third hit, the address's 3 not yet.
    expect(third.map((v) => [v.count, v.allowed])).toEqual([
      [3, true],
      [3, false],
    ]);
    expect(await redis.get(`${prefix}rate:sso-tenant:tenant-1:${now}`)).toBe('3');
  });

  it('keys expire with their window (nothing to purge) and carry the configured prefix', async () => {
    const redis = client();
    const store = new RedisRateLimitStore(redis, prefix);
    const windowStart = Date.now();
    await store.increment([{ key: 'auth-failures:x', windowStart, expiresAt: windowStart + 60_000 }]);
    const key = `${prefix}rate:auth-failures:x:${windowStart}`;
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it('the app uses Redis when REDIS_URL is set: failed credentials count there', async () => {
    const appPrefix = `${prefix}app:`;
    const t = await startTestApp({
      REDIS_URL,
      REDIS_KEY_PREFIX: appPrefix,
      RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '2',
    });
    try {
      const { default: request } = await import('supertest');
      const bad = () => request(t.http).get('/api/v1/tenants').set('Authorization', 'Bearer wrong-token');
      expect((await bad()).status).toBe(401);
      expect((await bad()).status).toBe(401);
      expect((await bad()).status).toBe(429);
      const keys = await client().keys(`${appPrefix}rate:auth-failures:*`);
      expect(keys).toHaveLength(1);
      const rows = await t.dataSource.query('SELECT COUNT(*) AS n FROM "rate_limit_counters"');
      expect(Number(rows[0].n)).toBe(0); // not in the database
    } finally {
      await t.close();
    }
  });
});
