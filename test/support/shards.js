// Shards: a whole-suite run (`npm test`) runs the integration and e2e files in a few shard files
// (test/shards/*.shard.ts), each of which loads several test files into one Jest module registry.
// Jest gives every test file a registry of its own, so every file loaded Nest, TypeORM and the whole
// app again: about 3.5 s of CPU per file, half the time of a typical e2e file (docs/testing.md, "CI
// time"). A run that names test files (`jest test/e2e/saml.e2e.ts`) runs them alone, as before.
// Plain JavaScript: jest.config.js, the sequencer and the reporter use it too.
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..', '..');
/** The suites that are sharded, with where their files live and how they are named. */
const KINDS = {
  e2e: { dir: 'test/e2e', suffix: '.e2e.ts' },
  integration: { dir: 'test/integration', suffix: '.test.ts' },
};
/** A file with no measured time yet counts as this many seconds when shards are filled. */
const UNKNOWN_SECONDS = 10;
/** What a shard costs before its first test: one load of the app's modules (measured: ~3.5 s). */
const SHARD_OVERHEAD_SECONDS = 4;
const TIMES = join(__dirname, 'test-times.json');

/** Jest options that take one value, and those that take every word after them. */
const WITH_VALUE = new Set(['-c', '--config', '-t', '--testNamePattern', '-w', '--maxWorkers', '--shard', '--testTimeout', '--seed', '--outputFile', '--rootDir', '--testSequencer', '--cacheDirectory', '--coverageDirectory', '--workerIdleMemoryLimit']);
const WITH_VALUES = new Set(['--selectProjects', '--ignoreProjects', '--testPathIgnorePatterns', '--reporters']);

/** True unless the command line names test files or patterns (then each file runs alone), or names shards. */
function shardedRun(argv) {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--testPathPatterns' || arg.startsWith('--testPathPatterns=')) return false;
    if (WITH_VALUES.has(arg)) {
      while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) i++;
    } else if (WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg.includes('test/shards');
  }
  return true;
}

/** `kind:dialect` ("e2e:sqlite"), the Jest project a test file runs in. */
function projectOf(kind, dialect) {
  return `${kind}:${dialect}`;
}

/** The test files of a kind for a dialect, relative to the project root, sorted. */
function filesOf(kind, dialect) {
  const { dir, suffix } = KINDS[kind];
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(suffix) && !(dialect === 'sqlite' && f.endsWith(`.pg${suffix}`)))
    .sort()
    .map((f) => `${dir}/${f}`);
}

function knownSeconds() {
  return existsSync(TIMES) ? JSON.parse(readFileSync(TIMES, 'utf8')) : {};
}

/** The shard files of a kind: test/shards/<kind>-<n>.shard.ts, in order of n. */
function shardFiles(kind) {
  const dir = join(ROOT, 'test', 'shards');
  return readdirSync(dir)
    .map((f) => /^(\w+)-(\d+)\.shard\.ts$/.exec(f))
    .filter((m) => m !== null && m[1] === kind)
    .sort((a, b) => Number(a[2]) - Number(b[2]))
    .map((m) => `test/shards/${m[0]}`);
}

/**
 * The files of each shard: longest first, each to the shard with the least time so far (ties to the
 * lower shard), from the seconds in test-times.json. The same inputs give the same shards in every
 * process, which is what lets each shard file compute its own list.
 */
function assignShards(kind, dialect, count, times = knownSeconds()) {
  const project = projectOf(kind, dialect);
  const seconds = (file) => times[`${project} ${file}`] ?? UNKNOWN_SECONDS;
  const shards = Array.from({ length: count }, () => ({ files: [], seconds: 0 }));
  const files = filesOf(kind, dialect).sort((a, b) => seconds(b) - seconds(a) || a.localeCompare(b));
  for (const file of files) {
    const lightest = shards.reduce((best, s) => (s.seconds < best.seconds ? s : best));
    lightest.files.push(file);
    lightest.seconds += seconds(file);
  }
  return shards;
}

/** The shard a shard file runs: its kind, dialect and files. */
function shardOf(shardPath, dialect, times) {
  const rel = relative(ROOT, shardPath);
  const [, kind] = /^test\/shards\/(\w+)-\d+\.shard\.ts$/.exec(rel);
  const all = shardFiles(kind);
  const index = all.indexOf(rel);
  return { kind, dialect, ...assignShards(kind, dialect, all.length, times)[index] };
}

/** Seconds the sequencer expects a shard file to take in a project ("e2e:sqlite"), or undefined. */
function shardEstimate(project, rel, times = knownSeconds()) {
  const m = /^(\w+):(\w+)$/.exec(project ?? '');
  if (!m || !/^test\/shards\//.test(rel)) return undefined;
  return shardOf(join(ROOT, rel), m[2], times).seconds + SHARD_OVERHEAD_SECONDS;
}

module.exports = { KINDS, shardedRun, projectOf, filesOf, shardFiles, assignShards, shardOf, shardEstimate, ROOT };
