// Stryker's Jest runner drives one flat Jest config (it does not understand `projects`): this is the
// `unit` project of jest.config.js, narrowed to the specs of the code under mutation.
const root = require('../../jest.config.js');

// A zone other than UTC, so the rule "a date-time without an offset is UTC" can fail under mutation
// (in a UTC process local time and UTC are the same). The config loads in Stryker's test-runner
// process itself, and Node applies a changed TZ at once.
process.env.TZ = 'America/New_York';

const unit = root.projects.find((p) => p.displayName === 'unit');
const { displayName: _unitName, ...flat } = unit;

module.exports = {
  ...flat,
  rootDir: '../..',
  testMatch: ['<rootDir>/src/sync/engine/**/*.spec.ts', '<rootDir>/src/scim/scim-filter*.spec.ts'],
  // Property specs are left out: on a shared 2-core machine they make a run take hours, and they can
  // only kill more mutants, so the score measured without them is a lower bound (docs/testing.md).
  testPathIgnorePatterns: ['\\.property\\.spec\\.ts$'],
  // Only these folders: Jest crawls its roots on every run, and Stryker starts one run per mutant.
  roots: ['<rootDir>/src/sync/engine', '<rootDir>/src/scim'],
  // The engine and the filter compiler log nothing: no Nest logger setup to load on every run.
  setupFiles: [],
  maxWorkers: 1,
  testTimeout: 30000,
};
