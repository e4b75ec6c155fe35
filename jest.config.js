/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  testTimeout: 60000,
  // Jest's default is one worker per core minus one: a single worker on these 2-core machines. The
  // real-tool suites (Redis failover, promtool) mostly wait, so one worker per core keeps both busy.
  // Override with --maxWorkers.
  maxWorkers: 2,
};
