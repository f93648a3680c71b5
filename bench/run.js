// npm run bench: builds, then measures each benchmark on SQLite and (when reachable) PostgreSQL.
// Figures are printed, never asserted: speed is tracked in issue notes, not in timed tests.
const { postgresAvailable } = require('./lib');

const BENCHES = { 'admin-api': require('./admin-api.bench') };

async function main() {
  const only = process.argv.slice(2);
  const dialects = ['sqlite'];
  if (await postgresAvailable()) dialects.push('postgres');
  else console.log('PostgreSQL not reachable (set BENCH_DATABASE_URL): measuring SQLite only');
  console.log(`node ${process.version}, ${require('node:os').cpus().length} cores`);
  let port = 3700;
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
