import { retryDelayMs } from './webhook-backoff';
import { decodeEvents, encodeEvents } from './webhook-events';

describe('webhook retry back-off', () => {
  const backoff = { baseMs: 1000, maxMs: 60_000 };

  it('doubles with each failed attempt, between half and all of the step (jitter)', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(backoff, n, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(backoff, n, 0.999999))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(retryDelayMs(backoff, 7, 0.999999)).toBe(60_000);
    expect(retryDelayMs(backoff, 500, 0.999999)).toBe(60_000);
    expect(retryDelayMs(backoff, 500, 0)).toBe(30_000);
  });
});

describe('the stored subscription', () => {
  it('is sorted, without repeats, with a space at each end (what the outbox trigger matches)', () => {
    expect(encodeEvents(['user.created', 'membership.added', 'user.created'])).toBe(
      ' membership.added user.created ',
    );
    expect(decodeEvents(' membership.added user.created ')).toEqual(['membership.added', 'user.created']);
  });
});
