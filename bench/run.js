// npm run bench: builds, then measures each benchmark on SQLite and (when reachable) PostgreSQL.
// Figures are printed, never asserted: speed is tracked in issue notes, not in timed tests.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { postgresAvailable, freshDatabase } = require('./lib');

/** Runs a bench file as its own process (entity types depend on the dialect) on a fresh database. */
const inChild = (file) => async (dialect) => {
  const db = await freshDatabase(dialect);
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(__dirname, file), dialect, db.url], { stdio: 'inherit' });
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}`)),
      );
    });
  } finally {
    await db.drop();
  }
};

const BENCHES = {
  'admin-api': require('./admin-api.bench'),
  'sync-engine': (dialect) => (dialect === 'sqlite' ? require('./sync-engine.bench')() : undefined),
  'sync-db': inChild('sync-db.bench.js'),
  jobs: inChild('jobs.bench.js'),
  oidc: inChild('oidc.bench.js'),
  saml: require('./saml.bench'),
  'saml-precheck': (dialect) => (dialect === 'sqlite' ? require('./saml-precheck.bench')() : undefined),
  scim: require('./scim.bench'),
  'users-prefix': inChild('users-prefix.bench.js'),
};

async function main() {
  const only = process.argv.slice(2);
  let dialects = ['sqlite'];
  if (await postgresAvailable()) dialects.push('postgres');
  else console.log('PostgreSQL not reachable (set BENCH_DATABASE_URL): measuring SQLite only');
  // BENCH_DIALECT=postgres (or sqlite): one database only, e.g. for the WORKERS=1/2 SAML figures.
  if (process.env.BENCH_DIALECT) dialects = dialects.filter((d) => d === process.env.BENCH_DIALECT);
  console.log(`node ${process.version}, ${require('node:os').cpus().length} cores, load average ${require('node:os').loadavg()[0].toFixed(1)}`);
  // BENCH_PORT: the first port to use (3700); on a shared machine another run may hold the default.
  let port = Number(process.env.BENCH_PORT) || 3700;
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (only.length && !only.includes(name)) continue;
    console.log(`\n# ${name}`);
    for (const dialect of dialects) await bench(dialect, port++);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
