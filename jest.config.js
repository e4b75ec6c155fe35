/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // @marcbachmann/cel-js (the gate's CEL library) is ES modules only: Jest's module system needs it as CommonJS.
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js', '/node_modules/@marcbachmann/cel-js/.+\\.js$': '<rootDir>/test/esbuild-transform.js' },
  transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
  // The chaos scenarios (minutes of real waits) and the other long real-process runs (snapshot builds,
  // large corpora) run with `npm run test:chaos` (jest.chaos.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/chaos/'],
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  testTimeout: 60000,
  // Jest's default is one worker per core minus one: a single worker on these 2-core machines. The
  // real-tool suites (Redis failover, promtool) mostly wait, so one worker per core keeps both busy.
  // Override with --maxWorkers.
  maxWorkers: 2,
};
