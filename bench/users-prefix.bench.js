// Users by email prefix (GET .../users?q=) at 10,000 users: the query plan (EXPLAIN, with the plan's
// own timing on PostgreSQL) and the list call's time, per dialect. docs/api.md, "email prefix search".
// Run as its own process per dialect: entity column types are fixed when the entities load.
const { summarize, printRow } = require('./lib');

async function main(dialect, url) {
  process.env.DATABASE_URL = url;
  process.env.ADMIN_TOKEN = 'bench-operator-token-0123456789abcdef';
  process.env.LOG_LEVEL = 'silent';
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { AppModule } = require('../dist/app.module');
  const { DataSource } = require('typeorm');
  const app = await NestFactory.create(AppModule, { logger: false, bodyParser: false });
  await app.init();
  const ds = app.get(DataSource);
  const { TenantsService } = require('../dist/tenants/tenants.service');
  const { UsersService } = require('../dist/users/users.service');
  const { User } = require('../dist/users/user.entity');
  const { insertInChunks } = require('../dist/database/insert');
  const { emailPrefix } = require('../dist/users/email-prefix');
  const ctx = {
    correlationId: 'bench',
    ip: null,
    userAgent: null,
    actor: { type: 'system', id: null, label: 'bench' },
  };
  const tenant = await app.get(TenantsService).create({ slug: 'bench', name: 'Bench' }, ctx);
  const names = ['ada', 'bob', 'carol', 'dan', 'eve', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
  const rows = Array.from({ length: 10_000 }, (_, i) =>
    ds.getRepository(User).create({ tenantId: tenant.id, email: `${names[i % 10]}.${i}@example.com` }),
  );
  await insertInChunks(ds.manager, User, rows);
  await ds.query(dialect === 'postgres' ? 'ANALYZE users' : 'ANALYZE');

  const qb = ds
    .getRepository(User)
    .createQueryBuilder('u')
    .where('u.tenantId = :tenantId', { tenantId: tenant.id });
  emailPrefix(qb, dialect, 'grace.12');
  const [sql, params] = qb.orderBy('u.email', 'ASC').take(101).getQueryAndParameters();
  const plan =
    dialect === 'postgres'
      ? (await ds.query(`EXPLAIN ANALYZE ${sql}`, params)).map((r) => r['QUERY PLAN'])
      : (await ds.query(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail);
  console.log(`[${dialect}] EXPLAIN of the prefix query ("grace.12", 10,000 users):\n  ${plan.join('\n  ')}`);

  const users = app.get(UsersService);
  for (let i = 0; i < 20; i++) await users.list(tenant.id, { q: 'grace.1', cursor: '', limit: 100 }); // warm-up
  const times = [];
  for (let i = 0; i < 200; i++) {
    const t0 = process.hrtime.bigint();
    await users.list(tenant.id, { q: `${names[i % 10]}.1`, cursor: '', limit: 100 });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  printRow(
    `[${dialect}] GET users?q= (prefix, 100 of ~111 matches, 10,000 users)`,
    summarize(times, times.reduce((a, b) => a + b, 0) / 1000),
  );
  await app.close();
}

main(process.argv[2], process.argv[3]).catch((error) => {
  console.error(error);
  process.exit(1);
});
