// Stryker's Jest runner drives one flat Jest config (it does not understand `projects`): this is the
// `unit` project of jest.config.js, narrowed to the specs of the code under mutation.
const root = require('../../jest.config.js');

const unit = root.projects.find((p) => p.displayName === 'unit');
const { displayName: _unitName, ...flat } = unit;

module.exports = {
  ...flat,
  rootDir: '../..',
  testMatch: ['<rootDir>/src/sync/engine/**/*.spec.ts', '<rootDir>/src/scim/scim-filter*.spec.ts'],
  // Only these folders: Jest crawls its roots on every run, and Stryker starts one run per mutant.
  roots: ['<rootDir>/src/sync/engine', '<rootDir>/src/scim'],
  maxWorkers: 1,
  testTimeout: 30000,
};
