// One Jest run for everything `npm test` covers. Integration and e2e suites run once per database
// dialect: always SQLite, and PostgreSQL when TEST_DATABASE_URL is set. Each dialect is its own Jest
// project because the entity column types are chosen per dialect when the entity files load.
// `--selectProjects` takes every word after it, so a test path written after it is read as a
// project name and silently ignored: the whole project runs. Refuse that with the fix.
{
  const argv = process.argv;
  const at = argv.indexOf('--selectProjects');
  for (let i = at + 1; at >= 0 && i < argv.length && !argv[i].startsWith('-'); i++)
    if (/[/.]/.test(argv[i]))
      throw new Error(
        `"${argv[i]}" after --selectProjects is read as a project name, not a test path: put test paths ` +
          'first, e.g. jest test/e2e/x.e2e.ts --selectProjects e2e:sqlite',
      );
}

const { shardedRun } = require('./test/support/shards');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
  },
];

// CI's run on a second Node version loads better-sqlite3 built for that Node (see .ci/run).
const nativeOverride = process.env.GROUPSYNC_BETTER_SQLITE3
  ? { moduleNameMapper: { '^better-sqlite3$': process.env.GROUPSYNC_BETTER_SQLITE3 } }
  : {};

const base = {
  ...nativeOverride,
  transform: { '^.+\\.(t|j)sx?$': swc },
  // ESM-only packages that Jest must transform to load them from CommonJS tests.
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose|oidc-provider|@nestjs/passport)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Node's environment, plus a witness for workers that do not exit (test/support/node-environment.js).
  testEnvironment: '<rootDir>/test/support/node-environment.js',
  // Stryker's sandbox copies the whole project while `npm run mutate` runs.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
};

const pg = process.env.TEST_DATABASE_URL;
// A whole-suite run loads the integration and e2e files in shards (test/support/shards.js); a run
// that names files or patterns runs each file alone.
const sharded = shardedRun(process.argv);
const filesOrShards = (kind, testMatch) => (sharded ? [`<rootDir>/test/shards/${kind}-*.shard.ts`] : testMatch);

// `*.pg.e2e.ts`: suites that only mean something on PostgreSQL (several processes on one database).
const dialectProject = (kind, dialect, testMatch) => ({
  ...base,
  displayName: `${kind}:${dialect}`,
  testMatch: filesOrShards(kind, testMatch),
  testPathIgnorePatterns: dialect === 'sqlite' ? ['/node_modules/', '\\.pg\\.e2e\\.ts$'] : ['/node_modules/'],
  setupFiles: [`<rootDir>/test/support/dialect-${dialect}.ts`],
  testTimeout: 30000,
});

const projects = [
  {
    ...base,
    displayName: 'unit',
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    setupFiles: ['<rootDir>/test/support/unit-logging.ts'],
  },
  dialectProject('integration', 'sqlite', ['<rootDir>/test/integration/**/*.test.ts']),
  dialectProject('e2e', 'sqlite', ['<rootDir>/test/e2e/**/*.e2e.ts']),
  // The admin UI's pure logic (web/src/lib) and the browser suite against the built service.
  { ...base, displayName: 'web', testMatch: ['<rootDir>/web/src/**/*.spec.ts'] },
  {
    ...base,
    displayName: 'browser',
    testMatch: ['<rootDir>/test/browser/**/*.browser.ts'],
    testTimeout: 300000,
    // One built service and one Chromium for all browser files of a run (see test/browser/harness.ts).
    globalSetup: '<rootDir>/test/browser/global-setup.ts',
    globalTeardown: '<rootDir>/test/browser/global-teardown.ts',
  },
];
if (pg) {
  projects.push(
    dialectProject('integration', 'postgres', ['<rootDir>/test/integration/**/*.test.ts']),
    dialectProject('e2e', 'postgres', ['<rootDir>/test/e2e/**/*.e2e.ts']),
    { ...base, displayName: 'schema', testMatch: ['<rootDir>/test/schema/**/*.test.ts'], testTimeout: 60000 },
  );
} else if (!process.env.JEST_WORKER_ID && /\bjest(\.js)?$/.test(process.argv[1] ?? '')) {
  // Said once by the Jest CLI; tools that only read this file (knip, Stryker) stay quiet.
  const line = '!'.repeat(100);
  console.warn(
    `\n${line}\n!! TEST_DATABASE_URL is not set: PostgreSQL suites and the SQLite/PostgreSQL schema comparison are NOT run.\n` +
      `!! Only SQLite was tested. Set TEST_DATABASE_URL=postgres://user@127.0.0.1:5432/db (a role that may CREATE DATABASE).\n${line}\n`,
  );
}

module.exports = {
  projects,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // Known-slow files first: a clean clone has no timings cached (docs/testing.md, "CI time").
  testSequencer: '<rootDir>/test/support/test-sequencer.js',
  maxWorkers: 2,
  // A worker that ran shards ends with a 0.5-1 GB heap, and Node frees it after the worker's 'exit'
  // event: 200-330 ms for 1 GB on an idle machine, over Jest's default 500 ms on a loaded one, which
  // then kills it and prints "a worker process has failed to exit gracefully" (docs/testing.md). A
  // leaked handle still shows: test/support/node-environment.js records what keeps a worker alive.
  workerGracefulExitTimeout: 3000,
  // Jest reads testTimeout from the global config only: the per-project value above is ignored, and
  // 5 s is too short for an app boot on a loaded 2-core machine.
  testTimeout: 30000,
};
