// Mutation testing (npm run mutate; on demand, not in CI): see docs/testing.md.
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'test/mutation/jest.config.js', enableFindRelatedTests: true },
  mutate: ['src/sync/engine/**/*.ts', '!src/sync/engine/**/*.spec.ts', 'src/scim/scim-filter.ts'],
  coverageAnalysis: 'perTest',
  checkers: [],
  concurrency: 2,
  // The specs under mutation run in milliseconds: a mutant that loops forever is a timeout (killed)
  // after 3 s plus Stryker's timeoutFactor of the measured run, not after 30 s.
  timeoutMS: 3000,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
