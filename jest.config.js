// One Jest run for everything `npm test` covers. Integration and e2e suites run once per database
// dialect: always SQLite, and PostgreSQL when TEST_DATABASE_URL is set. Each dialect is its own Jest
// project because the entity column types are chosen per dialect when the entity files load.
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

const base = {
  transform: { '^.+\\.(t|j)sx?$': swc },
  // ESM-only packages that Jest must transform to load them from CommonJS tests.
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose|oidc-provider|@nestjs/passport)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
};

const pg = process.env.TEST_DATABASE_URL;

const dialectProject = (kind, dialect, testMatch) => ({
  ...base,
  displayName: `${kind}:${dialect}`,
  testMatch,
  setupFiles: [`<rootDir>/test/support/dialect-${dialect}.ts`],
  testTimeout: 30000,
});

const projects = [
  {
    ...base,
    displayName: 'unit',
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
  },
  dialectProject('integration', 'sqlite', ['<rootDir>/test/integration/**/*.test.ts']),
  dialectProject('e2e', 'sqlite', ['<rootDir>/test/e2e/**/*.e2e.ts']),
  // The admin UI's pure logic (web/src/lib) and the browser suite against the built service.
  { ...base, displayName: 'web', testMatch: ['<rootDir>/web/src/**/*.spec.ts'] },
  { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser.ts'], testTimeout: 180000 },
];
if (pg) {
  projects.push(
    dialectProject('integration', 'postgres', ['<rootDir>/test/integration/**/*.test.ts']),
    dialectProject('e2e', 'postgres', ['<rootDir>/test/e2e/**/*.e2e.ts']),
    { ...base, displayName: 'schema', testMatch: ['<rootDir>/test/schema/**/*.test.ts'], testTimeout: 60000 },
  );
} else if (!process.env.JEST_WORKER_ID) {
  const line = '!'.repeat(100);
  console.warn(
    `\n${line}\n!! TEST_DATABASE_URL is not set: PostgreSQL suites and the SQLite/PostgreSQL schema comparison are NOT run.\n` +
      `!! Only SQLite was tested. Set TEST_DATABASE_URL=postgres://user@127.0.0.1:5432/db (a role that may CREATE DATABASE).\n${line}\n`,
  );
}

module.exports = {
  projects,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  maxWorkers: 2,
  // Jest reads testTimeout from the global config only: the per-project value above is ignored, and
  // 5 s is too short for an app boot on a loaded 2-core machine.
  testTimeout: 30000,
};
