import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../browser/service';
import { jsonClient, queryDatabase } from '../support/service-client';
import { ensureServerBuilt, startServiceProcess } from '../support/service-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const TOKEN = 'process-test-operator-token-0123456789';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const MEMBERS = 300;

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The shipped server (dist/main.js) as a real process: its log from start to stop, and SIGTERM. */
describe('the service process: JSON log, refusals at start, graceful stop', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    ensureServerBuilt();
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => db.drop());

  const baseEnv = async () => ({
    PORT: String(await freePort()),
    DATABASE_URL: db.url,
    ADMIN_TOKEN: TOKEN,
    ALLOW_PRIVATE_NETWORK: 'true',
    LOG_LEVEL: 'info',
  });

  it.each([
    ['DATABASE_POOL_SIZE', 'abc', /DATABASE_POOL_SIZE must be a whole number \(got "abc"\)/],
    ['TRUST_PROXY', 'yes', /TRUST_PROXY must be false, true .*\(got "yes"\)/],
  ])('refuses %s=%s at start: exit 1 and one JSON line naming it', async (name, bad, message) => {
    const service = startServiceProcess({ ...(await baseEnv()), [name]: bad });
    expect((await service.exited).code).toBe(1);
    const lines = service.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 60, msg: expect.stringMatching(message) });
  });

  it('an unreachable PostgreSQL: JSON lines only, one warning per retry with its cause, then the failure', async () => {
    const closed = await freePort();
    const service = startServiceProcess({
      ...(await baseEnv()),
      DATABASE_URL: `postgres://groupsync@127.0.0.1:${closed}/none`,
      DATABASE_CONNECT_RETRIES: '2',
      DATABASE_CONNECT_RETRY_SECONDS: '1',
    });
    expect((await service.exited).code).toBe(1);
    const lines = service.lines(); // throws on any line that is not JSON (no coloured stack traces)
    const retries = lines.filter((l) => String(l.msg).startsWith('Database unreachable'));
    expect(retries.map((l) => l.msg)).toEqual([
      'Database unreachable; retrying in 1 s (attempt 1 of 3)',
      'Database unreachable; retrying in 1 s (attempt 2 of 3)',
    ]);
    for (const line of retries)
      expect(line.cause).toMatch(new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${closed}`));
    expect(lines.at(-1)).toMatchObject({
      level: 60,
      msg: expect.stringMatching(/^groupsync failed to start: .*after 3 attempts/),
    });
    expect(service.raw()).not.toContain(String.fromCharCode(27)); // no ANSI colour codes
    expect(service.raw()).not.toMatch(/^\s+at /m); // no stack frames
  });

  it('WORKERS=2 on SQLite: a warning line, one process serves (SQLite has one writer)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-workers-'));
    const service = startServiceProcess({
      ...(await baseEnv()),
      DATABASE_URL: `sqlite:${join(dir, 'one.sqlite')}`,
      WORKERS: '2',
    });
    try {
      await service.waitFor('/health/ready');
      const lines = service.lines();
      expect(lines[0]).toMatchObject({
        level: 40,
        workers: 2,
        msg: expect.stringMatching(/^WORKERS is ignored on SQLite/),
      });
      expect(new Set(lines.map((l) => l.pid))).toEqual(new Set([service.pid]));
      expect(lines.filter((l) => /listening on port/.test(String(l.msg)))).toHaveLength(1);
    } finally {
      service.signal('SIGTERM');
      await service.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps an idle connection HTTP_KEEP_ALIVE_SECONDS (65 by default): clients and load balancers close theirs first', async () => {
    const keepAliveHeader = (base: string) =>
      new Promise<string>((resolve, reject) => {
        const agent = new Agent({ keepAlive: true });
        httpRequest(`${base}/health/live`, { agent }, (res) => {
          res.resume();
          agent.destroy();
          resolve(String(res.headers['keep-alive']));
        })
          .on('error', reject)
          .end();
      });
    for (const [setting, header] of [
      [undefined, 'timeout=65'],
      ['7', 'timeout=7'],
    ] as const) {
      const env = await baseEnv();
      const service = startServiceProcess(setting ? { ...env, HTTP_KEEP_ALIVE_SECONDS: setting } : env);
      try {
        await service.waitFor('/health/live');
        expect(await keepAliveHeader(service.base)).toBe(header);
      } finally {
        service.signal('SIGTERM');
        await service.exited;
      }
    }
  }, 120_000);

  it('SIGTERM during a large SCIM PATCH: the PATCH completes with 200, its change is stored, then the process stops', async () => {
    const env = await baseEnv();
    const service = startServiceProcess({ ...env, SHUTDOWN_TIMEOUT_SECONDS: '60' });
    try {
      await service.waitFor('/health/ready');
      const api = jsonClient(service.base, TOKEN);
      const tenant = 'drain';
      expect((await api('POST', '/api/v1/tenants', { slug: tenant, name: 'Drain' })).status).toBe(201);
      const idp = {
        slug: 'entra',
        type: 'oidc',
        issuer: 'https://idp.example.com',
        clientId: 'client',
        clientSecret: 'very-secret-value',
      };
      expect((await api('POST', `/api/v1/tenants/${tenant}/identity-providers`, idp)).status).toBe(201);
      const group = await api('POST', `/api/v1/tenants/${tenant}/groups`, { name: 'Engineering' });
      await api('POST', `/api/v1/tenants/${tenant}/groups/${group.body.id}/links`, {
        externalGroup: 'Engineers',
        role: 'developer',
      });
      const token = (await api('POST', `/api/v1/tenants/${tenant}/scim-tokens`, { idp: 'entra', name: 'p' }))
        .body.token;
      const scim = jsonClient(`${service.base}/scim/v2/${tenant}`, token);
      const SCIM = 'application/scim+json';
      const ids: string[] = [];
      for (let i = 0; i < MEMBERS; i += 20) {
        const made = await Promise.all(
          Array.from({ length: Math.min(20, MEMBERS - i) }, (_, k) =>
            scim(
              'POST',
              '/Users',
              { schemas: [USER], userName: `user${i + k}@drain.example`, active: true },
              SCIM,
            ),
          ),
        );
        for (const m of made) {
          expect(m.status).toBe(201);
          ids.push(m.body.id);
        }
      }
      const scimGroup = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineers' }, SCIM);
      expect(scimGroup.status).toBe(201);

      // The PATCH is sent in two parts: the first, then SIGTERM once the server counts the request in
      // flight, then the rest. So the signal lands mid-request however fast this machine is, and the
      // 300-member change is applied after the stop began.
      const body = JSON.stringify({
        schemas: [PATCH],
        Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }],
      });
      const req = httpRequest(`${service.base}/scim/v2/${tenant}/Groups/${scimGroup.body.id}`, {
        method: 'PATCH',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': SCIM,
          'Content-Length': Buffer.byteLength(body),
        },
      });
      const answered = new Promise<{ status?: number; text: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        });
        req.on('error', reject);
      });
      req.write(body.slice(0, body.length / 2));
      await until(async () => {
        const text = await (
          await fetch(`${service.base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })
        ).text();
        return Number(/^groupsync_http_requests_in_flight (\d+)$/m.exec(text)?.[1]) >= 2; // the scrape and the PATCH
      });
      service.signal('SIGTERM');
      await until(async () => service.lines().some((l) => String(l.msg).startsWith('Shutting down')));
      await expect(fetch(`${service.base}/health/live`)).rejects.toThrow(); // no longer accepting
      req.end(body.slice(body.length / 2));
      const result = await answered;
      expect(result.status).toBe(200);
      expect((await service.exited).code).toBe(0);

      const stopping = service.lines().find((l) => String(l.msg).startsWith('Shutting down'));
      expect(stopping).toMatchObject({ signal: 'SIGTERM', inFlight: 1 });
      expect(service.lines().at(-1)).toMatchObject({ msg: 'groupsync stopped', drained: true });
      const [{ n }] = await queryDatabase<{ n: number | string }>(
        db,
        `SELECT COUNT(*) AS n FROM "memberships" WHERE "groupId" = '${group.body.id}'`,
      );
      expect(Number(n)).toBe(MEMBERS);
    } finally {
      service.signal('SIGKILL');
      await service.exited;
    }
  }, 180_000);
});
