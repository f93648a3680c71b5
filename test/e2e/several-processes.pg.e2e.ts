import { freePort } from '../browser/service';
import { authnRequestId, createSamlIdp } from '../support/saml-idp';
import { jsonClient, queryDatabase } from '../support/service-client';
import { ensureServerBuilt, type ServiceProcess, startServiceProcess } from '../support/service-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const TOKEN = 'several-processes-operator-token-0123456789';
const TENANT = 'multi';
const PUBLIC_URL = 'http://sso.test';
const GROUPS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';
const EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
const ACS = `${PUBLIC_URL}/sso/${TENANT}/entra/acs`;

/**
 * Two real service processes on one PostgreSQL database (as behind a load balancer): everything
 * they share lives in the database, so either may serve any request.
 */
describe('several processes on one PostgreSQL', () => {
  let db: TestDatabase;
  let a: ServiceProcess;
  let b: ServiceProcess;
  const idp = createSamlIdp('https://sts.windows.net/multi/');
  let spMetadata: string;
  const groups: Record<string, string> = {};

  beforeAll(async () => {
    ensureServerBuilt();
    db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, ADMIN_TOKEN: TOKEN, PUBLIC_URL, LOG_LEVEL: 'info' };
    // Started together on an empty database: both try to migrate at once.
    a = startServiceProcess({ ...env, PORT: String(await freePort()) });
    b = startServiceProcess({ ...env, PORT: String(await freePort()) });
    await Promise.all([a.waitFor('/health/ready'), b.waitFor('/health/ready')]);
    const api = jsonClient(a.base, TOKEN);
    expect((await api('POST', '/api/v1/tenants', { slug: TENANT, name: 'Multi' })).status).toBe(201);
    const made = await api('POST', `/api/v1/tenants/${TENANT}/identity-providers`, {
      slug: 'entra',
      type: 'saml',
      metadataXml: idp.metadataXml,
      groupSync: { claims: [GROUPS] },
    });
    expect(made.status).toBe(201);
    spMetadata = await (await fetch(`${b.base}/sso/${TENANT}/entra/metadata`)).text();
    for (const [name, external, role] of [
      ['Red', 'red', 'developer'],
      ['Blue', 'blue', 'maintainer'],
    ]) {
      groups[name] = (await api('POST', `/api/v1/tenants/${TENANT}/groups`, { name })).body.id;
      await api('POST', `/api/v1/tenants/${TENANT}/groups/${groups[name]}/links`, {
        externalGroup: external,
        role,
      });
    }
  }, 120_000);

  afterAll(async () => {
    for (const p of [a, b]) p?.signal('SIGTERM');
    await Promise.all([a?.exited, b?.exited]);
    await db.drop();
  });

  /** SP-initiated: the AuthnRequest is issued by `login` (its id stored in the database). */
  const response = async (login: ServiceProcess, email: string, claim: string[]) => {
    const res = await fetch(`${login.base}/sso/${TENANT}/entra/login`, { redirect: 'manual' });
    return idp.respond(spMetadata, ACS, {
      inResponseTo: authnRequestId(res.headers.get('location')!),
      nameId: email,
      attributes: { [EMAIL]: [email], [GROUPS]: claim },
    });
  };
  const post = (to: ServiceProcess, samlResponse: string) =>
    fetch(`${to.base}/sso/${TENANT}/entra/acs`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: '' }),
    });
  const membershipsOf = async (email: string) =>
    (
      await queryDatabase<{ name: string; role: string }>(
        db,
        `SELECT g."name", m."role" FROM "memberships" m JOIN "groups" g ON g."id" = m."groupId"
           JOIN "users" u ON u."id" = m."userId" WHERE u."email" = '${email}' ORDER BY g."name"`,
      )
    ).map((r) => `${r.name}:${r.role}`);

  it('migrated once: one process applied the migrations, the other waited for the lock and found none', () => {
    const said = [a, b].map(
      (p) => p.lines().find((l) => /^(Applied \d+ migration|Schema is up to date)/.test(String(l.msg)))?.msg,
    );
    expect(said.filter((m) => /^Applied/.test(String(m)))).toHaveLength(1);
    expect(said).toContain('Schema is up to date');
  });

  it('concurrent sign-ins of one user on both: one claim wins whole, no duplicate rows, the audit replays to it', async () => {
    const email = 'ada@multi.example';
    const [red, blue] = await Promise.all([response(a, email, ['red']), response(b, email, ['blue'])]);
    const [ra, rb] = await Promise.all([post(a, red), post(b, blue)]);
    expect([ra.status, rb.status]).toEqual([302, 302]);

    const final = await membershipsOf(email);
    expect([['Red:developer'], ['Blue:maintainer']]).toContainEqual(final);
    const [{ users }] = await queryDatabase<{ users: string }>(
      db,
      `SELECT COUNT(*) AS users FROM "users" WHERE "email" = '${email}'`,
    );
    expect(Number(users)).toBe(1);
    const [{ identities }] = await queryDatabase<{ identities: string }>(
      db,
      `SELECT COUNT(*) AS identities FROM "identities" i JOIN "users" u ON u."id" = i."userId" WHERE u."email" = '${email}'`,
    );
    expect(Number(identities)).toBe(1);

    // Replaying the membership events in order rebuilds exactly the final state.
    const events = await queryDatabase<{ action: string; targetId: string; after: { role: string } | null }>(
      db,
      `SELECT e."action", e."targetId", e."after" FROM "audit_events" e JOIN "users" u ON u."id" = e."userId"
         WHERE u."email" = '${email}' AND e."action" LIKE 'membership.%' ORDER BY e."createdAt", e."id"`,
    );
    const replayed = new Map<string, string>();
    for (const e of events) {
      if (e.action === 'membership.removed') replayed.delete(e.targetId);
      else replayed.set(e.targetId, e.after!.role);
    }
    const names = new Map(Object.entries(groups).map(([name, id]) => [id, name]));
    expect([...replayed].map(([id, role]) => `${names.get(id)}:${role}`).sort()).toEqual(final);
  });

  it('an assertion accepted by one process is refused when replayed to the other', async () => {
    const email = 'grace@multi.example';
    const signed = await response(a, email, ['red']);
    expect((await post(a, signed)).status).toBe(302);
    const replay = await post(b, signed);
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.status).toBeLessThan(500);
    expect((await post(a, signed)).status).toBeGreaterThanOrEqual(400);
  });

  it('one IdP-initiated assertion posted to both at once signs in once; the other is refused and audited', async () => {
    // No request id to take: the assertion's single use (written in the sync transaction) is all
    // that stands between the two posts.
    const okta = createSamlIdp('http://www.okta.com/multi');
    const api = jsonClient(a.base, TOKEN);
    const made = await api('POST', `/api/v1/tenants/${TENANT}/identity-providers`, {
      slug: 'okta',
      type: 'saml',
      metadataXml: okta.metadataXml,
      allowIdpInitiated: true,
      groupSync: { claims: [GROUPS] },
    });
    expect(made.status).toBe(201);
    const oktaMetadata = await (await fetch(`${a.base}/sso/${TENANT}/okta/metadata`)).text();
    const email = 'hedy@multi.example';
    const unsolicited = await okta.respond(oktaMetadata, `${PUBLIC_URL}/sso/${TENANT}/okta/acs`, {
      nameId: email,
      attributes: { [EMAIL]: [email], [GROUPS]: ['red'] },
    });
    const postOkta = (to: ServiceProcess) =>
      fetch(`${to.base}/sso/${TENANT}/okta/acs`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ SAMLResponse: unsolicited }),
      });
    const answers = await Promise.all([postOkta(a), postOkta(b)]);
    expect(answers.map((r) => r.status).sort()).toEqual([302, 401]);
    expect(await answers.find((r) => r.status === 401)!.text()).toContain('already used');
    const sessions = await queryDatabase<{ n: string }>(
      db,
      `SELECT COUNT(*) AS n FROM "sessions" s JOIN "users" u ON u."id" = s."userId" WHERE u."email" = '${email}'`,
    );
    expect(Number(sessions[0].n)).toBe(1);
    const refused = await queryDatabase<{ details: unknown }>(
      db,
      `SELECT "details" FROM "audit_events" WHERE "action" = 'sso.sign_in_refused' AND "targetId" = '${made.body.id}'`,
    );
    const codes = refused.map(
      (r) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details).code,
    );
    expect(codes).toEqual(['saml_replay']);
  });

  it('a link change made through one process is seen by the next sign-in on the other', async () => {
    const email = 'linus@multi.example';
    expect((await post(b, await response(b, email, ['red']))).status).toBe(302); // B caches the context
    expect(await membershipsOf(email)).toEqual(['Red:developer']);
    const api = jsonClient(a.base, TOKEN);
    const linked = await api('POST', `/api/v1/tenants/${TENANT}/groups/${groups.Blue}/links`, {
      externalGroup: 'red',
      role: 'reporter',
    });
    expect(linked.status).toBe(201);
    expect((await post(b, await response(a, email, ['red']))).status).toBe(302);
    expect(await membershipsOf(email)).toEqual(['Blue:reporter', 'Red:developer']);
  });
});

describe('WORKERS=2 on PostgreSQL', () => {
  it('forks two workers sharing the port, migrates once, aggregates metrics, and stops both on SIGTERM', async () => {
    ensureServerBuilt();
    const db = await createTestDatabase();
    const port = String(await freePort());
    const metricsPort = String(await freePort());
    const service = startServiceProcess({
      DATABASE_URL: db.url,
      ADMIN_TOKEN: TOKEN,
      PORT: port,
      WORKERS: '2',
      METRICS_PORT: metricsPort,
    });
    // Each wait is bounded and named, so a run that hangs says where and what the service printed
    // (it once ran past the test's 120 s in CI, and never again alone).
    const within = <T>(what: string, ms: number, work: Promise<T>): Promise<T> =>
      Promise.race([
        work,
        new Promise<never>((_, reject) =>
          setTimeout(
            () =>
              reject(new Error(`${what}: no answer within ${ms} ms; the service printed:\n${service.raw()}`)),
            ms,
          ).unref(),
        ),
      ]);
    const get = (url: string, init?: RequestInit) =>
      within(`GET ${url}`, 10_000, fetch(url, { ...init, signal: AbortSignal.timeout(10_000) }));
    try {
      await service.waitFor('/health/ready', 40_000);
      // Both workers up (each logs its own listening line).
      for (
        let i = 0;
        i < 100 && service.lines().filter((l) => /listening on port/.test(String(l.msg))).length < 2;
        i++
      )
        await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = service.lines();
      const listening = lines.filter((l) => /listening on port/.test(String(l.msg)));
      expect(new Set(listening.map((l) => l.pid)).size).toBe(2);
      expect(lines.find((l) => String(l.msg).startsWith('Starting 2 worker'))?.pid).toBe(service.pid);
      expect(lines.filter((l) => /^Applied \d+ migration/.test(String(l.msg)))).toHaveLength(1);

      for (let i = 0; i < 6; i++) await get(`http://127.0.0.1:${port}/health/live`);
      const scraped = await (await get(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const live =
        /^groupsync_http_request_duration_seconds_count\{route="\/health\/live",method="GET",status="2xx"\} (\d+)$/m.exec(
          scraped,
        );
      expect(Number(live?.[1])).toBeGreaterThanOrEqual(6); // summed over both workers
      // One value, the worst worker's (a gauge with the max aggregator), not two summed.
      expect(scraped.match(/^groupsync_eventloop_lag_p99_seconds [0-9.e-]+$/gm)).toHaveLength(1);
      const viaApp = await get(`http://127.0.0.1:${port}/metrics`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(viaApp.status).toBe(200);
      expect(await viaApp.text()).toMatch(/^groupsync_db_pool_max 20$/m); // two pools of 10, summed

      service.signal('SIGTERM');
      expect((await within('exit after SIGTERM', 50_000, service.exited)).code).toBe(0);
      const stopped = service.lines().filter((l) => l.msg === 'groupsync stopped');
      expect(stopped.map((l) => l.pid).sort()).toEqual(
        [...new Set([...listening.map((l) => l.pid), service.pid])].sort(),
      );
    } finally {
      service.signal('SIGKILL');
      await service.exited;
      await db.drop();
    }
  }, 120_000);
});
