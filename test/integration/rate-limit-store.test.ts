import { DatabaseRateLimitStore } from '../../src/common/rate-limit/rate-limit.store';
import { RateLimiter } from '../../src/common/rate-limit/rate-limiter';
import { countQueries } from '../support/query-counter';
import { startTestApp, TestApp } from '../support/test-app';

/** The database store (no REDIS_URL): a request's limits in one multi-row upsert, on either dialect. */
describe('rate-limit counters in the database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const perAddress = { name: 'sso-address', limit: 3, windowSeconds: 60 };
  const perTenant = { name: 'sso-tenant', limit: 2, windowSeconds: 60 };

  it("counts a request's several limits in one statement, each under its own key", async () => {
    const limiter = new RateLimiter(new DatabaseRateLimitStore(t.dataSource));
    const now = Math.floor(Date.now() / 60_000) * 60_000 + 1000;
    // The first hit of a limiter purges expired counters: out of the way before counting.
    await limiter.hit({ name: 'warm-up', limit: 1, windowSeconds: 60 }, 'x', now);
    // The tenant's key sorts after the address's: given in the other order, verdicts keep theirs.
    const hits = [
      { rule: perTenant, subject: 'tenant-1' },
      { rule: perAddress, subject: '192.0.2.44' },
    ];
    const first = await countQueries(t.dataSource, () => limiter.hitAll(hits, now));
    expect(first.count).toBe(1);
    expect(first.result.map((v) => [v.count, v.allowed])).toEqual([
      [1, true],
      [1, true],
    ]);
    await limiter.hitAll(hits, now);
    const third = await limiter.hitAll(hits, now);
    expect(third.map((v) => [v.count, v.allowed])).toEqual([
      [3, false],
      [3, true],
    ]);
    expect(third[0].retryAfterSeconds).toBe(59);
    // The next window starts again, for both keys.
    const later = await limiter.hitAll(hits, now + 60_000);
    expect(later.map((v) => v.count)).toEqual([1, 1]);
  });

  it('two limiters (two processes) hitting the same keys at once lose no count and do not deadlock', async () => {
    const a = new RateLimiter(new DatabaseRateLimitStore(t.dataSource));
    const b = new RateLimiter(new DatabaseRateLimitStore(t.dataSource));
    const now = Math.floor(Date.now() / 60_000) * 60_000 + 1000;
    const hits = (i: number) => [
      { rule: perAddress, subject: `198.51.100.${i % 2}` },
      { rule: perTenant, subject: 'tenant-2' },
    ];
    const verdicts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).hitAll(hits(i), now)),
    );
    expect(verdicts.map((v) => v[1].count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(verdicts.filter((v) => v[0].count === 5)).toHaveLength(2);
  });
});
