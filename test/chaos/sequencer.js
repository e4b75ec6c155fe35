// The chaos lane's order: the longest files first, so the last file to start is a short one and no worker
// waits alone at the end. Jest's default orders a first run (a clean clone: no timing cache) by file size, which
// puts the 5-line engine files that run minutes of scenarios last. Durations in seconds, measured on 2 cores;
// a file not listed goes after these, by size.
const Sequencer = require('@jest/test-sequencer').default;
const path = require('path');

const EXPECTED_SECONDS = {
  'valkey-chaos-2.test.ts': 215,
  'redis-chaos-1.test.ts': 210,
  'monitoring-slo.test.ts': 100,
  'redis-chaos-2.test.ts': 175,
  'valkey-chaos-1.test.ts': 170,
  'synth-runner.test.ts': 100,
  'valkey-rotation.test.ts': 65,
  'redis-rotation.test.ts': 65,
  'yaml-emitter-corpus.test.ts': 60,
  'valkey-failover.test.ts': 30,
  'redis-failover.test.ts': 25,
};

class ChaosSequencer extends Sequencer {
  sort(tests) {
    const expected = (t) => EXPECTED_SECONDS[path.basename(t.path)] ?? -1;
    return [...tests].sort((a, b) => expected(b) - expected(a) || a.path.localeCompare(b.path));
  }
}
module.exports = ChaosSequencer;
