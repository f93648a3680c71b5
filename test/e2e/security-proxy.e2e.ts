import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(60_000);

/**
 * The client address behind rate limits and audit events: X-Forwarded-For counts only as far as
 * TRUST_PROXY says proxies wrote it, so a client cannot pick a fresh address per request.
 */
describe.each([
  // No proxy: whatever the client writes in the header is ignored.
  ['TRUST_PROXY unset: the header is ignored', {}, (i: number) => `198.51.100.${i}`],
  // One proxy that appends the address it saw (203.0.113.9) after what the client sent.
  [
    'TRUST_PROXY=true: only the entry the one proxy appended counts',
    { TRUST_PROXY: 'true' },
    (i: number) => `198.51.100.${i}, 203.0.113.9`,
  ],
  // One IPv6 host holds a whole /64: new interface parts are not new clients.
  [
    'TRUST_PROXY=true, IPv6: one /64 counts as one client',
    { TRUST_PROXY: 'true' },
    (i: number) => `2001:db8:1:2::${i}`,
  ],
])('%s', (_title, env: Record<string, string>, forwardedFor: (i: number) => string) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...env, RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '3' });
  });
  afterAll(async () => t.close());

  it('rotating the leftmost X-Forwarded-For entry does not escape the failed-credential limit', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await request(t.http)
        .get('/api/v1/tenants')
        .set('Authorization', 'Bearer not-a-token')
        .set('X-Forwarded-For', forwardedFor(i));
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
