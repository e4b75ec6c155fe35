/**
 * `npm run test:tools`: the suites that judge the output with a real tool or process (`test/<name>.tools.test.ts`:
 * promtool, amtool, haproxy -c, redis-server, kubectl, strace crash injection, spawned synth/validate/diff).
 * `npm test` (jest.config.js) leaves them out; `.ci/run` runs both, then the chaos lane.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/*.tools.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/chaos/'],
  testTimeout: 120000,
};
