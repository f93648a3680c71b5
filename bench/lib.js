// Shared helpers for the benchmarks: start the built service on a fresh database, time requests.
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomBytes } = require('node:crypto');
const { createServer } = require('node:net');

const ADMIN_TOKEN = 'bench-operator-token-0123456789abcdef';

// Benchmarks sign in thousands of times from one address: the service's rate limits would stop them.
const BENCH_LIMITS = { RATE_LIMIT_SSO_PER_ADDRESS: '100000000', RATE_LIMIT_SSO_PER_TENANT: '100000000' };

/** The PostgreSQL server to measure on: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local default. */
function postgresServerUrl() {
  return (
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/test'
  );
}

async function freshDatabase(dialect) {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'groupsync-bench-'));
    return {
      url: `sqlite:${join(dir, 'bench.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const { Client } = require('pg');
  const server = postgresServerUrl();
  const name = `gs_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Starts dist/main.js as its own process (as in production) on a fresh database and waits for
 * /health, with `env` added to its environment. `restart(env)` stops and starts it on the same database with these variables added (e.g.
 * WORKERS=2; start-up work such as SQLite's statistics refresh runs again). The service's stdout is
 * kept from `capture()` on (LOG_SQL statements). BENCH_PROFILE=<dir> writes a V8 CPU profile of
 * each service process there.
 */
async function startService(dialect, preferredPort, env = {}) {
  const db = await freshDatabase(dialect);
  // Another bench (another session's, on a shared machine) may hold the preferred port: then this
  // service could not listen, and its requests would reach the other one until that one stopped
  // and reset them (ECONNRESET). So a free port, and a service that exits while starting is an error.
  const port = (await portIsFree(preferredPort)) ? preferredPort : await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  let child;
  let output = null;
  const launch = async (extraEnv) => {
    child = spawn(
      process.execPath,
      ['--disable-proto=delete', ...profile, join(__dirname, '..', 'dist', 'main.js')],
      {
        env: {
          ...process.env,
          PORT: String(port),
          DATABASE_URL: db.url,
          ADMIN_TOKEN,
          LOG_LEVEL: 'warn',
          IDP_DISCOVERY_CHECK: 'false',
          ...BENCH_LIMITS,
          ...extraEnv,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let exited = null;
    child.once('exit', (code) => (exited = code));
    // Always read the pipe (a full one would stop the service); keep the text only when asked.
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (output !== null) output += chunk;
    });
    // Up to 2 minutes: on a loaded machine the start-up (migrations, Nest's modules) takes a while.
    for (let i = 0; i < 600; i++) {
      if (exited !== null) throw new Error(`the service exited with ${exited} while starting`);
      try {
        if ((await fetch(`${base}/health`)).ok) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the service did not answer ${base}/health`);
  };
  const halt = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  await launch(env);
  const api = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : null;
  };
  /** The service's Prometheus text (all workers together under WORKERS>1). */
  const metrics = async () =>
    (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
  return {
    base,
    api,
    metrics,
    databaseUrl: db.url,
    /** The service's processes: the one serving, or with WORKERS>1 the primary and its workers. */
    pids: () => [child.pid, ...childrenOf(child.pid)],
    /** Starts keeping stdout (from now on); answers what was kept so far and starts afresh. */
    capture: () => {
      const kept = output ?? '';
      output = '';
      return kept;
    },
    restart: async (extraEnv = {}) => {
      await halt();
      output = null;
      await launch(extraEnv);
    },
    stop: async () => {
      await halt();
      await db.drop();
    },
  };
}

/** Child process ids of `pid`, from /proc (Linux; none elsewhere). */
function childrenOf(pid) {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          return statOf(Number(d)).ppid === pid;
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

/** Parent id and CPU time (user + system, all threads) of a process, from /proc/<pid>/stat. */
function statOf(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: split after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / CLOCK_TICKS };
}
// USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK).
const CLOCK_TICKS = 100;

/** CPU milliseconds used so far by each of these processes (0 for one that is gone). */
function cpuOf(pids) {
  return pids.map((pid) => {
    try {
      return statOf(pid).cpuMs;
    } catch {
      return 0;
    }
  });
}

/**
 * Runs `count` calls of `fn(i, lane)` with `concurrency` lanes in flight (lane 0..concurrency-1);
 * returns latency percentiles and throughput.
 */
async function measure(count, concurrency, fn) {
  const latencies = new Array(count);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      while (next < count) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        await fn(i, lane);
        latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return summarize(latencies, seconds);
}

function summarize(latencies, seconds) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return {
    n: sorted.length,
    p50: pct(50),
    p99: pct(99),
    max: sorted[sorted.length - 1],
    perSecond: sorted.length / seconds,
  };
}

function printRow(label, r) {
  console.log(
    `${label.padEnd(58)} n=${String(r.n).padStart(6)}  p50=${r.p50.toFixed(2).padStart(8)} ms  p99=${r.p99.toFixed(2).padStart(8)} ms  ${r.perSecond.toFixed(0).padStart(7)} /s`,
  );
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function postgresAvailable() {
  try {
    const { Client } = require('pg');
    const c = new Client({ connectionString: postgresServerUrl(), connectionTimeoutMillis: 2000 });
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

module.exports = { startService, freshDatabase, measure, summarize, printRow, postgresAvailable, cpuOf };
