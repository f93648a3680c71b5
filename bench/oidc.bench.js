// Full OIDC sign-ins through the local OpenID provider and our HTTP routes (login -> provider login
// and consent -> callback -> sync -> session), and the share of each spent in our callback.
// Run as its own process per dialect: entity column types are fixed when the entities load.
const { summarize, printRow } = require('./lib');
const { startTestOidcProvider } = require('../test/support/oidc-provider-harness');

async function main(dialect, url) {
  // The local OpenID provider listens on loopback, which only the operator setting allows.
  Object.assign(process.env, {
    DATABASE_URL: url,
    ADMIN_TOKEN: 'bench-operator-token-0123456789abcdef',
    LOG_LEVEL: 'silent',
    ALLOW_PRIVATE_NETWORK: 'true',
    RATE_LIMIT_SSO_PER_ADDRESS: '100000000',
    RATE_LIMIT_SSO_PER_TENANT: '100000000',
  });
  const port = 3800 + (dialect === 'postgres' ? 1 : 0);
  const publicUrl = `http://127.0.0.1:${port}`;
  process.env.PUBLIC_URL = publicUrl;
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { AppModule } = require('../dist/app.module');
  const { configureApp } = require('../dist/bootstrap');
  const app = await NestFactory.create(AppModule, { logger: false, bodyParser: false });
  configureApp(app);
  await app.listen(port, '127.0.0.1');

  const groups = Array.from({ length: 10 }, (_, i) => `team-${i}`);
  const accounts = {};
  for (let i = 0; i < 200; i++) accounts[`u${i}`] = { email: `u${i}@example.com`, name: `User ${i}`, groups };
  const op = await startTestOidcProvider({
    clients: [{ client_id: 'groupsync', client_secret: 'bench-secret', redirect_uris: [`${publicUrl}/sso/bench/op/callback`] }],
    accounts,
  });
  const api = async (method, path, body) => {
    const res = await fetch(`${publicUrl}${path}`, {
      method,
      headers: { authorization: 'Bearer bench-operator-token-0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await api('POST', '/api/v1/tenants', { slug: 'bench', name: 'Bench' });
  await api('POST', '/api/v1/tenants/bench/identity-providers', {
    slug: 'op',
    type: 'oidc',
    issuer: op.issuer,
    clientId: 'groupsync',
    clientSecret: 'bench-secret',
    scopes: ['openid', 'email', 'profile', 'groups'],
  });
  for (let i = 0; i < 100; i++) {
    const group = await api('POST', '/api/v1/tenants/bench/groups', { name: `group-${i}` });
    await api('POST', `/api/v1/tenants/bench/groups/${group.id}/links`, { externalGroup: `team-${i % 20}`, role: 'developer' });
  }

  const full = [];
  const ours = [];
  const signIn = async (account) => {
    const t0 = process.hrtime.bigint();
    const start = await fetch(`${publicUrl}/sso/bench/op/login`, { redirect: 'manual' });
    const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const back = await op.signIn(start.headers.get('location'), account);
    const t1 = process.hrtime.bigint();
    const done = await fetch(back, { headers: { cookie }, redirect: 'manual' });
    const t2 = process.hrtime.bigint();
    if (done.status !== 302) throw new Error(`callback answered ${done.status}: ${(await done.text()).slice(0, 200)}`);
    full.push(Number(t2 - t0) / 1e6);
    ours.push(Number(t2 - t1) / 1e6);
  };
  for (let i = 0; i < 10; i++) await signIn(`u${i}`); // warm-up, first sign-ins
  full.length = 0;
  ours.length = 0;
  const startedAt = process.hrtime.bigint();
  for (let i = 0; i < 150; i++) await signIn(`u${i % 200}`);
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  printRow(`[${dialect}] OIDC sign-in, full flow (10 groups, 100 links)`, summarize(full, seconds));
  printRow(`[${dialect}]   our callback: code exchange + sync + session`, summarize(ours, seconds));
  await op.close();
  await app.close();
}

if (require.main === module) {
  main(process.argv[2], process.argv[3]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
