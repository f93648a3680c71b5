// SCIM: provision 10k users, 1k groups and 100k group memberships through the HTTP API (4 requests
// in flight, as an IdP's provisioning service would), then a filtered list among 100k users (90k
// more written straight to the database: the read is what is measured), then one PATCH adding 5k
// members to a group. 100 of the groups are linked, so pushes re-plan users through the sync engine.
const { randomUUID } = require('node:crypto');
const { loadavg } = require('node:os');
const { startService, measure, printRow } = require('./lib');

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
// BENCH_SCIM_SCALE=0.1 runs a tenth (1k users, 100 groups, 10k memberships, 10 linked groups, 10k
// users for the filters): a before/after comparison on a machine too loaded for the whole run.
const SCALE = Number(process.env.BENCH_SCIM_SCALE ?? 1);
const USERS = Math.round(10_000 * SCALE);
const GROUPS = Math.round(1_000 * SCALE);
const LINKED = Math.round(100 * SCALE);
const MEMBERS_PER_GROUP = 100; // 100k memberships

module.exports = async function scimBench(dialect, port) {
  const svc = await startService(dialect, port);
  try {
    await svc.api('POST', '/api/v1/tenants', { slug: 'bench', name: 'Bench' });
    await svc.api('POST', '/api/v1/tenants/bench/identity-providers', { slug: 'entra', type: 'oidc', issuer: 'https://login.example.com', clientId: 'c', clientSecret: 'bench-secret' });
    const { token } = await svc.api('POST', '/api/v1/tenants/bench/scim-tokens', { idp: 'entra', name: 'bench' });
    for (let i = 0; i < LINKED; i++) {
      const group = await svc.api('POST', '/api/v1/tenants/bench/groups', { name: `local-${i}` });
      await svc.api('POST', `/api/v1/tenants/bench/groups/${group.id}/links`, { externalGroup: `scim-group-${i}`, role: 'developer' });
    }
    const send = (method, path, body) =>
      fetch(`${svc.base}/scim/v2/bench${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // No retry: a reset request is a finding. (The resets seen before came from the service closing
    // idle kept-alive connections after Node's 5 s while a starved client still picked them for its
    // next request; the service now keeps them HTTP_KEEP_ALIVE_SECONDS, 65, and clients close first.)
    const scim = async (method, path, body) => {
      const res = await send(method, path, body);
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : null;
    };

    const userIds = new Array(USERS);
    const loadAtStart = loadavg()[0].toFixed(1);
    const started = Date.now();
    const users = await measure(USERS, 4, async (i) => {
      userIds[i] = (await scim('POST', '/Users', { schemas: [USER], userName: `user${i}@bench.example`, externalId: `ext-${i}`, displayName: `User ${i}`, emails: [{ value: `user${i}@bench.example`, type: 'work', primary: true }], active: true })).id;
    });
    const groupIds = new Array(GROUPS);
    const groups = await measure(GROUPS, 4, async (i) => {
      groupIds[i] = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: `scim-group-${i}`, externalId: randomUUID() })).id;
    });
    const members = await measure(GROUPS, 4, (g) => {
      const value = Array.from({ length: MEMBERS_PER_GROUP }, (_, k) => ({ value: userIds[(g * 37 + k * 101) % USERS] }));
      return scim('PATCH', `/Groups/${groupIds[g]}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value }] });
    });
    const total = (Date.now() - started) / 1000;
    const seconds = (r) => `${(r.n / r.perSecond).toFixed(1)} s`;
    printRow(`[${dialect}] SCIM POST /Users (${USERS})`, users);
    printRow(`[${dialect}] SCIM POST /Groups (${GROUPS})`, groups);
    printRow(`[${dialect}] SCIM PATCH members (${GROUPS} x ${MEMBERS_PER_GROUP})`, members);
    console.log(
      `  [${dialect}] provisioning total: ${total.toFixed(1)} s for ${USERS} users, ${GROUPS} groups, ${GROUPS * MEMBERS_PER_GROUP} memberships` +
        ` (users ${seconds(users)}, groups ${seconds(groups)}, memberships ${seconds(members)};` +
        ` load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, at start ${loadAtStart})`,
    );

    if (process.env.BENCH_SCIM_PROVISION_ONLY === 'true') return; // the figure only
    await addUsersDirectly(dialect, svc.databaseUrl, Math.round(90_000 * SCALE));
    // A restart runs the start-up statistics refresh (SQLite's PRAGMA optimize; PostgreSQL: ANALYZE
    // above) that the service's 10-minute timer would otherwise do some minutes later.
    await svc.restart();
    const filters = [
      'userName eq "user4242@bench.example"',
      'externalId eq "ext-777"',
      'emails[type eq "work" and value eq "bulk-50000@bench.example"]',
      'userName sw "user99"',
    ];
    for (const filter of filters) {
      const q = `/Users?filter=${encodeURIComponent(filter)}&count=100`;
      await scim('GET', q);
      printRow(`[${dialect}] GET /Users filter ${filter} (${(USERS + Math.round(90_000 * SCALE)) / 1000}k users)`, await measure(200, 4, () => scim('GET', q)));
    }

    const big = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'scim-group-5', externalId: randomUUID() }).catch(() => null)) ??
      (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'big-group' }));
    const value = userIds.slice(0, Math.min(5000, USERS)).map((id) => ({ value: id }));
    const t0 = Date.now();
    await scim('PATCH', `/Groups/${big.id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value }] });
    console.log(`  [${dialect}] one PATCH adding ${value.length} members: ${((Date.now() - t0) / 1000).toFixed(2)} s (load average ${loadavg()[0].toFixed(1)})`);
  } finally {
    await svc.stop();
  }
};

/** 90k more SCIM users written in bulk (with their users and emails), so filters run over 100k rows. */
async function addUsersDirectly(dialect, url, count) {
  const tenantAndIdp = 'SELECT t."id" AS "tenantId", i."id" AS "idpId" FROM "tenants" t JOIN "identity_providers" i ON i."tenantId" = t."id" WHERE t."slug" = \'bench\'';
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  if (dialect === 'sqlite') {
    const db = new (require('better-sqlite3'))(url.replace(/^sqlite:/, ''));
    db.pragma('busy_timeout = 10000');
    const { tenantId, idpId } = db.prepare(tenantAndIdp).get();
    const user = db.prepare(`INSERT INTO "users" ("id","tenantId","email","displayName","isAdmin","status","createdAt","updatedAt") VALUES (?,?,?,?,0,'active',?,?)`);
    const scimUser = db.prepare(`INSERT INTO "scim_users" ("id","tenantId","idpId","userId","userName","userNameKey","externalId","active","resource","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,1,'{}',?,?)`);
    const email = db.prepare(`INSERT INTO "scim_user_emails" ("id","tenantId","scimUserId","valueKey","type","primary") VALUES (?,?,?,?,'work',1)`);
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const [uid, sid] = [randomUUID(), randomUUID()];
        const address = `bulk-${i}@bench.example`;
        user.run(uid, tenantId, address, `Bulk ${i}`, now, now);
        scimUser.run(sid, tenantId, idpId, uid, address, address, `bulk-ext-${i}`, now, now);
        email.run(randomUUID(), tenantId, sid, address);
      }
    })();
    db.close();
    return;
  }
  const { Client } = require('pg');
  const db = new Client({ connectionString: url });
  await db.connect();
  const { rows } = await db.query(tenantAndIdp);
  const { tenantId, idpId } = rows[0];
  await db.query(
    `WITH n AS (SELECT g, gen_random_uuid() AS uid, gen_random_uuid() AS sid FROM generate_series(0, $3 - 1) g),
     u AS (INSERT INTO "users" ("id","tenantId","email","displayName","isAdmin","status","createdAt","updatedAt")
           SELECT uid, $1, 'bulk-' || g || '@bench.example', 'Bulk ' || g, false, 'active', now(), now() FROM n),
     s AS (INSERT INTO "scim_users" ("id","tenantId","idpId","userId","userName","userNameKey","externalId","active","resource","createdAt","updatedAt")
           SELECT sid, $1, $2, uid, 'bulk-' || g || '@bench.example', 'bulk-' || g || '@bench.example', 'bulk-ext-' || g, true, '{}', now(), now() FROM n)
     INSERT INTO "scim_user_emails" ("id","tenantId","scimUserId","valueKey","type","primary")
     SELECT gen_random_uuid(), $1, sid, 'bulk-' || g || '@bench.example', 'work', true FROM n`,
    [tenantId, idpId, count],
  );
  await db.query('ANALYZE');
  await db.end();
}
