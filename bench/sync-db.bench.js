// Sync against a real database, in-process with the built app: sign-in apply (first sign-in with
// 50 adds, no-change sign-in) and the link-change impact preview over 100,000 users.
// Run as its own process per dialect: entity column types are fixed when the entities load.
const { randomUUID } = require('node:crypto');
const { summarize, printRow } = require('./lib');

async function main(dialect, url) {
  process.env.DATABASE_URL = url;
  process.env.ADMIN_TOKEN = 'bench-operator-token-0123456789abcdef';
  // The bench's OIDC issuer is made up: no discovery read when it is saved.
  process.env.IDP_DISCOVERY_CHECK = 'false';
  process.env.LOG_LEVEL = 'silent';
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { AppModule } = require('../dist/app.module');
  const { DataSource } = require('typeorm');
  const app = await NestFactory.create(AppModule, { logger: false, bodyParser: false });
  await app.init();
  const ds = app.get(DataSource);
  const { SyncService } = require('../dist/sync/sync.service');
  const { LinkImpactService } = require('../dist/sync/link-impact.service');
  const { TenantsService } = require('../dist/tenants/tenants.service');
  const { IdentityProvidersService } = require('../dist/identity-providers/identity-providers.service');
  const { GroupsService } = require('../dist/groups/groups.service');
  const { GroupLinksService } = require('../dist/group-links/group-links.service');
  const ctx = { correlationId: 'bench', ip: null, userAgent: null, actor: { type: 'system', id: null, label: 'bench' } };

  const tenant = await app.get(TenantsService).create({ slug: 'bench', name: 'Bench' }, ctx);
  const idp = await app.get(IdentityProvidersService).create(tenant, { slug: 'idp', type: 'oidc', issuer: 'https://idp.example', clientId: 'c', clientSecret: 's' }, ctx);
  const groups = [];
  for (let i = 0; i < 200; i++) groups.push(await app.get(GroupsService).create(tenant.id, { name: `group-${i}` }, ctx));
  for (let i = 0; i < 1000; i++) await app.get(GroupLinksService).create(tenant.id, groups[i % 200].id, { externalGroup: `ext-${i}`, role: 'developer' }, ctx);
  const sync = app.get(SyncService);
  const fifty = Array.from({ length: 50 }, (_, i) => `ext-${i}`);

  const first = [];
  for (let i = 0; i < 150; i++) {
    const t0 = process.hrtime.bigint();
    const out = await sync.signIn(tenant, idp, { externalId: `u${i}`, email: `u${i}@example.com`, displayName: null }, { attributes: { groups: fifty } }, ctx);
    first.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (out.plan.adds.length !== 50) throw new Error(`expected 50 adds, got ${out.plan.adds.length}`);
  }
  const same = [];
  for (let i = 0; i < 300; i++) {
    const t0 = process.hrtime.bigint();
    await sync.signIn(tenant, idp, { externalId: `u${i % 150}`, email: `u${i % 150}@example.com`, displayName: null }, { attributes: { groups: fifty } }, ctx);
    same.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const secs = (xs) => xs.reduce((a, b) => a + b, 0) / 1000;
  printRow(`[${dialect}] apply: first sign-in, 50 adds (1,000 links)`, summarize(first.slice(10), secs(first.slice(10))));
  printRow(`[${dialect}] apply: no-change sign-in`, summarize(same.slice(10), secs(same.slice(10))));

  // 100,000 users with stored external groups (3 each); the target group has 10,000 members.
  const target = groups[199];
  const started = Date.now();
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const ts = dialect === 'postgres' ? new Date() : now;
  for (let base = 0; base < 100000; base += 1000) {
    await ds.transaction(async (em) => {
      const users = [], identities = [], externals = [], members = [];
      for (let i = base; i < base + 1000; i++) {
        const id = randomUUID();
        users.push({ id, tenantId: tenant.id, email: `p${i}@example.com`, displayName: null, isAdmin: false, adminSource: null, status: 'active', lastSignInAt: null, createdAt: ts, updatedAt: ts });
        identities.push({ id: randomUUID(), tenantId: tenant.id, userId: id, idpId: idp.id, externalId: `p${i}`, createdAt: ts, lastSignInAt: ts, claimStatus: 'present', claimsSeenAt: ts });
        for (const g of [`team-${i % 50}`, `site-${i % 7}`, i % 5 === 0 ? 'ops-all' : `misc-${i % 11}`]) {
          externals.push({ id: randomUUID(), tenantId: tenant.id, userId: id, idpId: idp.id, externalGroup: g, source: 'claim', seenAt: ts });
        }
        if (i % 10 === 0) members.push({ id: randomUUID(), tenantId: tenant.id, userId: id, groupId: target.id, role: 'reporter', source: 'sync', createdAt: ts, updatedAt: ts });
      }
      for (const [table, rows] of [['users', users], ['identities', identities], ['external_memberships', externals], ['memberships', members]]) {
        for (let i = 0; i < rows.length; i += 300) await em.createQueryBuilder().insert().into(table).values(rows.slice(i, i + 300)).execute();
      }
    });
  }
  console.log(`  [${dialect}] seeded 100,000 users, 300,000 external groups, 10,000 members in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const impact = app.get(LinkImpactService);
  const link = { id: 'proposed', groupId: target.id, idpId: null, externalGroup: 'ops-all', role: 'maintainer' };
  const times = [];
  let last;
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    last = await impact.impact(tenant, 'create', link);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  printRow(`[${dialect}] impact preview, 100k users (link on 'ops-all')`, summarize(times, secs(times)));
  console.log(`  evaluated ${last.usersEvaluated} users, ${last.usersAffected} affected: ${JSON.stringify(last.totals)}`);
  await app.close();
}

if (require.main === module) {
  main(process.argv[2], process.argv[3]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
