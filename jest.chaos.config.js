/**
 * `npm run test:chaos`: the long real-tool scenarios (Redis, Sentinel and HAProxy faults with real waits, against
 * both engines: `redis-*.test.ts` and `valkey-*.test.ts` run the same scenarios; also the synth runner's snapshot
 * builds and the large YAML emitter corpus). The fault scenarios mostly wait (their
 * limits come from the mechanism: Sentinel's down-after, HAProxy's check interval). Four workers on two cores:
 * the fault table runs as two files per engine side by side while the CPU-bound files (SLO burn rates, snapshot
 * builds, corpus) fill the cores; test/chaos/sequencer.js starts the longest files first. `npm test` skips
 * test/chaos/.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/chaos'],
  testPathIgnorePatterns: [],
  testTimeout: 180000,
  maxWorkers: 4,
  testSequencer: '<rootDir>/test/chaos/sequencer.js',
};
