const { TEXT_EXTENSIONS } = require('./bin/text-files');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // @marcbachmann/cel-js (the gate's CEL library) is ES modules only: Jest's module system needs it as CommonJS.
  // Scripts imported as text (bin/text-files.js) become modules exporting their content.
  transform: {
    '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js',
    ...Object.fromEntries(TEXT_EXTENSIONS.map((e) => [`^.+\\${e}$`, '<rootDir>/test/esbuild-transform.js'])),
    '/node_modules/@marcbachmann/cel-js/.+\\.js$': '<rootDir>/test/esbuild-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
  // `npm test` is the in-process lane. Suites that spawn a real tool or process (`*.tools.test.ts`: promtool,
  // amtool, haproxy, redis-server, kubectl, strace, spawned synth and validate) run with `npm run test:tools`
  // (jest.tools.config.js); the fault-injection scenarios with `npm run test:chaos` (jest.chaos.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/chaos/', '<rootDir>/test/lanes/', '\\.tools\\.test\\.ts$'],
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  testTimeout: 60000,
  // One worker per core (Jest's default leaves one core idle on a 2-core machine). Override with --maxWorkers.
  maxWorkers: 2,
};
