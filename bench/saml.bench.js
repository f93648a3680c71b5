// SAML, side by side in one run: (a) bare @node-saml/node-saml validation of one signed response in a
// loop on one core (this process), and (b) full returning sign-ins over HTTP (POST to the ACS ->
// validate -> sync -> session) against the service running as its own process, at 10 groups / 1k
// links and 500 groups / 10k links. On PostgreSQL the service runs with WORKERS=1, then WORKERS=2 on
// the same database. Per row: sign-ins per second and the ratio (b)/(a), (a) re-measured just before
// each (b) so a ratio compares like with like on a busy machine; the service's CPU per sign-in per
// process (how WORKERS=2 spread the load); the worst worker's p99 event-loop lag during the storm.
// Last, the service once more with LOG_SQL: the statements and commits of one returning sign-in.
// BENCH_SAML_SIZES=10 measures the small size only. Responses are signed before the timed loops.
const http = require('node:http');
const { loadavg } = require('node:os');
const { SAML, ValidateInResponseTo } = require('@node-saml/node-saml');
const { startService, measure, summarize, printRow, cpuOf } = require('./lib');
const { createSamlIdp, authnRequestId } = require('../test/support/saml-idp');
const { commitsOf } = require('../test/support/sql-commits');

const SIZES = [
  [10, 1000],
  [500, 10000],
].filter(([groups]) => !process.env.BENCH_SAML_SIZES || process.env.BENCH_SAML_SIZES.split(',').includes(String(groups)));
const USERS = 20;
const load = () => loadavg()[0].toFixed(1);

module.exports = async function samlBench(dialect, port) {
  process.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
  const svc = await startService(dialect, port, { WORKERS: '1' });
  try {
    const idp = createSamlIdp('https://sts.windows.net/bench/');
    await svc.api('POST', '/api/v1/tenants', { slug: 'bench', name: 'Bench' });
    const sizes = [];
    for (const [groupCount, linkCount] of SIZES) sizes.push(await setUpSize(svc, idp, groupCount, linkCount));
    const rows = [];
    // WORKERS is ignored on SQLite (one process owns the file): one configuration there.
    for (const workers of dialect === 'postgres' ? [1, 2] : [1]) {
      if (workers > 1) await svc.restart({ WORKERS: String(workers) });
      for (const size of sizes) rows.push(await measureSize(svc, idp, dialect, size, workers));
    }
    const counted = await countStatements(svc, idp, sizes[0]);
    printSummary(dialect, rows, counted);
  } finally {
    await svc.stop();
  }
};

/** An IdP with `linkCount` links over 200 groups; the users' claim matches `groupCount` of them. */
async function setUpSize(svc, idp, groupCount, linkCount) {
  const slug = `idp${groupCount}`;
  // The same users sign in through each size's IdP: later IdPs may link them (docs/sync.md section 15).
  await svc.api('POST', '/api/v1/tenants/bench/identity-providers', { slug, type: 'saml', metadataXml: idp.metadataXml, accountLinking: 'email', verifiedDomains: ['example.com'] });
  const spMetadata = await (await fetch(`${svc.base}/sso/bench/${slug}/metadata`)).text();
  const groupIds = [];
  for (let i = 0; i < 200; i++) groupIds.push((await svc.api('POST', '/api/v1/tenants/bench/groups', { name: `${slug}-group-${i}` })).id);
  await measure(linkCount, 4, (i) =>
    svc.api('POST', `/api/v1/tenants/bench/groups/${groupIds[i % 200]}/links`, { externalGroup: `${slug}-ext-${i}`, role: 'developer', idp: slug }),
  );
  const size = { slug, groupCount, linkCount, spMetadata, acs: `${svc.base}/sso/bench/${slug}/acs` };
  size.groups = Array.from({ length: groupCount }, (_, i) => `${slug}-ext-${i * 3}`);
  // The users' first sign-ins (JIT, adds) are untimed: the figures are the everyday returning sign-in.
  const lane = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (const SAMLResponse of await prepare(svc, idp, size, USERS)) await post(lane, size.acs, SAMLResponse);
  lane.destroy();
  return size;
}

/** Signed responses of returning users, each answering its own AuthnRequest (InResponseTo). */
async function prepare(svc, idp, size, count) {
  const prepared = [];
  for (let i = 0; i < count; i++) {
    const login = await fetch(`${svc.base}/sso/bench/${size.slug}/login`, { redirect: 'manual' });
    const inResponseTo = authnRequestId(login.headers.get('location'));
    prepared.push(await idp.respond(size.spMetadata, size.acs, { inResponseTo, nameId: `u${i % USERS}@example.com`, attributes: { groups: size.groups } }));
  }
  return prepared;
}

/** One ACS post on the lane's own keep-alive connection (the cluster hands out connections, not requests). */
function post(agent, acs, SAMLResponse) {
  const body = new URLSearchParams({ SAMLResponse }).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(acs, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 302 ? resolve() : reject(new Error(`ACS answered ${res.statusCode}: ${text.slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** (a) node-saml alone on this process's one core, validating one response over and over. */
async function bareValidation(svc, idp, size) {
  const sample = await idp.respond(size.spMetadata, size.acs, { nameId: 'bench@example.com', attributes: { groups: size.groups } });
  const entity = `${svc.base}/sso/bench/${size.slug}/metadata`;
  const bare = new SAML({ callbackUrl: size.acs, issuer: entity, audience: entity, idpCert: idp.certificate, wantAssertionsSigned: true, wantAuthnResponseSigned: false, validateInResponseTo: ValidateInResponseTo.never });
  const times = [];
  let cpu;
  for (let i = 0; i < 70; i++) {
    if (i === 20) cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await bare.validatePostResponseAsync({ SAMLResponse: sample });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const timed = times.slice(20);
  // CPU per validation: unlike the rate, hardly moved by other work on a busy machine.
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / timed.length;
  return { ...summarize(timed, timed.reduce((a, b) => a + b, 0) / 1000), kb: Math.round(sample.length / 1024), cpuMs };
}

/** (a) then (b) with 1 in flight, then (after a warm-up) the storm: 2 + 2 x workers in flight, each on its own connection. */
async function measureSize(svc, idp, dialect, size, workers) {
  const small = size.groupCount <= 100;
  const sequential = small ? 100 : 40;
  const storm = small ? 300 : 80;
  const inFlight = 2 + 2 * workers;
  const warm = 20 * inFlight;
  const prepared = await prepare(svc, idp, size, sequential + warm + storm);
  const tag = `[${dialect}] WORKERS=${workers}`;
  const bare = await bareValidation(svc, idp, size);
  const lanes = Array.from({ length: inFlight }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const one = prepared.splice(0, sequential);
  const seq = await measure(one.length, 1, (i) => post(lanes[0], size.acs, one[i]));
  // Untimed, on the storm's connections: every worker process (and its validation thread) has
  // run the sign-in path before the timed storm, as a process that has been up a while has.
  const warming = prepared.splice(0, warm);
  await measure(warming.length, inFlight, (i, lane) => post(lanes[lane], size.acs, warming[i]));
  // Both lag gauges restart at each scrape: this one opens the storm's window.
  await svc.metrics();
  const pids = svc.pids();
  const cpuBefore = cpuOf(pids);
  const loadBefore = load();
  const many = await measure(prepared.length, inFlight, (i, lane) => post(lanes[lane], size.acs, prepared[i]));
  const cpuMs = cpuOf(pids).map((after, i) => (after - cpuBefore[i]) / prepared.length);
  const text = await svc.metrics();
  for (const lane of lanes) lane.destroy();
  const gauge = (name) => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
    return m ? Number(m[1]) * 1000 : NaN;
  };
  const row = { tag, size, workers, inFlight, bare, seq, many, cpuMs, load: `${loadBefore}-${load()}` };
  row.lagMs = gauge('groupsync_eventloop_lag_p99_seconds');
  row.promLagMs = gauge('nodejs_eventloop_lag_p99_seconds');
  const label = `${size.groupCount} groups / ${size.linkCount} links`;
  printRow(`${tag} (a) node-saml validation, ${size.groupCount} groups (${bare.kb} KB)`, bare);
  printRow(`${tag} (b) full SAML sign-in, ${label}, 1 in flight`, seq);
  printRow(`${tag} (b) full SAML sign-in, ${label}, ${inFlight} in flight`, many);
  console.log(`  ${tag} storm: ratio (b)/(a) ${(many.perSecond / bare.perSecond).toFixed(2)}, ${cpuText(cpuMs)} against ${bare.cpuMs.toFixed(1)} ms of CPU per bare validation, p99 event-loop lag ${row.lagMs.toFixed(1)} ms (worst process), load average ${row.load}`);
  return row;
}

/** CPU ms per sign-in of each service process (all its threads: the validation worker included). */
function cpuText(cpuMs) {
  const total = cpuMs.reduce((a, b) => a + b, 0);
  const serving = cpuMs.length > 1 ? cpuMs.slice(1) : cpuMs; // with WORKERS>1 the first is the primary
  const shares = serving.map((ms) => `${Math.round((100 * ms) / (total || 1))}%`).join(' / ');
  return `service CPU ${total.toFixed(1)} ms per sign-in (${cpuMs.length > 1 ? `primary ${cpuMs[0].toFixed(1)} ms, workers ${shares}` : 'one process'})`;
}

/**
 * The service once more with LOG_SQL (one process, background timers off): the statements of single
 * returning sign-ins, read from its stdout, and the transactions they commit. The fewest of five.
 */
async function countStatements(svc, idp, size) {
  const quiet = { JOBS_POLL_MS: '0', GRACE_SWEEP_SECONDS: '0', LEAVERS_INTERVAL_MINUTES: '0', RETENTION_INTERVAL_MINUTES: '0', METADATA_REFRESH_MINUTES: '0' };
  await svc.restart({ WORKERS: '1', LOG_SQL: 'true', ...quiet });
  const prepared = await prepare(svc, idp, size, 7);
  const lane = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // The first sign-ins after a start purge expired rate-limit counters and sessions: not counted.
  for (const SAMLResponse of prepared.splice(0, 2)) await post(lane, size.acs, SAMLResponse);
  let fewest = null;
  for (const SAMLResponse of prepared) {
    svc.capture();
    await post(lane, size.acs, SAMLResponse);
    await new Promise((r) => setTimeout(r, 200)); // the last lines through the pipe
    const statements = svc.capture().split(/^query: /m).slice(1);
    if (!fewest || statements.length < fewest.length) fewest = statements;
  }
  lane.destroy();
  return { statements: fewest.length, commits: commitsOf(fewest) };
}

function printSummary(dialect, rows, counted) {
  console.log(`\n  [${dialect}] summary: returning SAML sign-ins per second, service vs bare node-saml on one core (measured just before)`);
  for (const r of rows) {
    const ratio = (r.many.perSecond / r.bare.perSecond).toFixed(2);
    console.log(
      `  ${`${r.size.groupCount} groups / ${r.size.linkCount} links, WORKERS=${r.workers}, ${r.inFlight} in flight`.padEnd(48)} ` +
        `service ${r.many.perSecond.toFixed(0).padStart(4)}/s  bare ${r.bare.perSecond.toFixed(0).padStart(4)}/s  ratio ${ratio}  ` +
        `CPU per sign-in ${r.cpuMs.reduce((a, b) => a + b, 0).toFixed(1)} ms (bare ${r.bare.cpuMs.toFixed(1)} ms)  ` +
        `p99 lag ${r.lagMs.toFixed(1)} ms (prom-client's average ${r.promLagMs.toFixed(1)} ms)  load ${r.load}`,
    );
  }
  console.log(`  [${dialect}] one returning sign-in (10 groups): ${counted.statements} statements, ${counted.commits} commits`);
}
