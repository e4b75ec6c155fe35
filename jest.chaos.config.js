/**
 * `npm run test:chaos`: the long real-tool scenarios (Redis, Sentinel and HAProxy faults with real waits;
 * also the synth runner's snapshot builds and the large YAML emitter corpus),
 * one file at a time (they time failovers: a busy machine distorts the figures). `npm test` skips test/chaos/.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/chaos'],
  testPathIgnorePatterns: [],
  testTimeout: 180000,
  maxWorkers: 1,
};
