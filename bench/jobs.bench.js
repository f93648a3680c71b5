// A reconcile over 10,000 users as a job (docs/operations.md, "Jobs"): the built app in-process,
// its runner driven to the end; the time from queueing to the job's success, and the same reconcile
// run synchronously on a twin tenant for comparison. Run as its own process per dialect.
const { randomUUID } = require('node:crypto');
const { printRow, summarize } = require('./lib');

const USERS = 10000;

async function seed(app, ds, name, ctx) {
  const { TenantsService } = require('../dist/tenants/tenants.service');
  const { IdentityProvidersService } = require('../dist/identity-providers/identity-providers.service');
  const { GroupsService } = require('../dist/groups/groups.service');
  const { GroupLinksService } = require('../dist/group-links/group-links.service');
  const tenant = await app.get(TenantsService).create({ slug: name, name }, ctx);
  const idp = await app.get(IdentityProvidersService).create(tenant, { slug: 'idp', type: 'oidc', issuer: 'https://idp.example', clientId: 'c', clientSecret: 's' }, ctx);
  const groups = app.get(GroupsService);
  const red = await groups.create(tenant.id, { name: 'Red' }, ctx);
  const blue = await groups.create(tenant.id, { name: 'Blue' }, ctx);
  await app.get(GroupLinksService).create(tenant.id, red.id, { externalGroup: 'team-red', role: 'developer' }, ctx);
  await app.get(GroupLinksService).create(tenant.id, blue.id, { externalGroup: 'team-blue', role: 'maintainer' }, ctx);
  const ts = new Date();
  for (let base = 0; base < USERS; base += 1000) {
    await ds.transaction(async (em) => {
      const users = [], identities = [], externals = [];
      for (let i = base; i < base + 1000; i++) {
        const id = randomUUID();
        users.push({ id, tenantId: tenant.id, email: `p${i}@example.com`, displayName: null, isAdmin: false, adminSource: null, status: 'active', lastSignInAt: null, createdAt: ts, updatedAt: ts });
        identities.push({ id: randomUUID(), tenantId: tenant.id, userId: id, idpId: idp.id, externalId: `p${i}`, createdAt: ts, lastSignInAt: ts, claimStatus: 'present', claimsSeenAt: ts });
        for (const g of [i % 2 === 0 ? 'team-red' : 'other', i % 3 === 0 ? 'team-blue' : `misc-${i % 7}`])
          externals.push({ id: randomUUID(), tenantId: tenant.id, userId: id, idpId: idp.id, externalGroup: g, source: 'claim', seenAt: ts });
      }
      for (const [table, rows] of [['users', users], ['identities', identities], ['external_memberships', externals]])
        for (let i = 0; i < rows.length; i += 300) await em.createQueryBuilder().insert().into(table).values(rows.slice(i, i + 300)).execute();
    });
  }
  return tenant;
}

async function main(dialect, url) {
  Object.assign(process.env, { DATABASE_URL: url, ADMIN_TOKEN: 'bench-operator-token-0123456789abcdef', LOG_LEVEL: 'silent', JOBS_POLL_MS: '0', GRACE_SWEEP_SECONDS: '0', JOBS_RECONCILE_THRESHOLD: '500', IDP_DISCOVERY_CHECK: 'false' });
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { AppModule } = require('../dist/app.module');
  const { DataSource } = require('typeorm');
  const app = await NestFactory.create(AppModule, { logger: false, bodyParser: false });
  await app.init();
  const ds = app.get(DataSource);
  const { ReconcileJobs } = require('../dist/jobs/reconcile-job');
  const { ReconcileService } = require('../dist/sync/reconcile.service');
  const { JobRunner } = require('../dist/jobs/job-runner.service');
  const { JobsService } = require('../dist/jobs/jobs.service');
  const ctx = { correlationId: 'bench', ip: null, userAgent: null, actor: { type: 'system', id: null, label: 'bench' } };

  const sync = await seed(app, ds, 'bench-sync', ctx);
  let t0 = process.hrtime.bigint();
  const direct = await app.get(ReconcileService).reconcile(sync, {}, ctx);
  const syncMs = Number(process.hrtime.bigint() - t0) / 1e6;
  printRow(`[${dialect}] reconcile ${USERS.toLocaleString('en')} users, synchronous`, summarize([syncMs], syncMs / 1000));

  const tenant = await seed(app, ds, 'bench-job', ctx);
  t0 = process.hrtime.bigint();
  const answer = await app.get(ReconcileJobs).reconcileOrQueue(tenant, {}, ctx);
  if (!answer.queued) throw new Error('expected a job');
  await app.get(JobRunner).runNext();
  const jobMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const job = await app.get(JobsService).get(tenant, answer.job.id);
  if (job.status !== 'succeeded' || job.result.adds !== direct.adds) throw new Error(`job ended ${job.status}: ${JSON.stringify(job.result)}`);
  printRow(`[${dialect}] reconcile ${USERS.toLocaleString('en')} users as a job (queue to success)`, summarize([jobMs], jobMs / 1000));
  console.log(`  ${job.progress.done} users in 100-user batches; ${direct.adds} adds; job ${(jobMs / syncMs).toFixed(2)}x the synchronous time`);
  await app.close();
}

if (require.main === module) {
  main(process.argv[2], process.argv[3]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
