// Which in-process test files `npm test` loads together (see jest.unit.config.js and README.md here).
//
// Loading the app (cdk8s, cdk8s-plus, zod, the charts and the generated imports) costs about a second of CPU,
// and Jest loads it afresh for every test file: with 50-odd files that was most of the lane's time. `npm test`
// therefore runs the small files in a few shards (`unit-N.test.ts`), each requiring its files inside a
// `describe` named after the file, so the app is loaded once per shard and a file's hooks stay its own.
// A file stays on its own when it needs a module registry or snapshot file of its own: it calls `jest.mock`
// (the mock would reach every file of the shard) or keeps snapshots (their file is named after the test file).
const fs = require('fs');
const path = require('path');

const TEST_DIR = path.resolve(__dirname, '..');
/** How many shards: a few more than workers, so a slow shard does not leave a core idle at the end. */
const SHARDS = 6;
const STANDALONE = /\bjest\.mock\(|toMatch(Inline)?Snapshot\(/;

/** The in-process test files (`test/*.test.ts`, not tools) and whether each must run on its own. */
function unitFiles() {
  return fs.readdirSync(TEST_DIR)
    .filter((f) => f.endsWith('.test.ts') && !f.endsWith('.tools.test.ts'))
    .sort()
    .map((f) => {
      const file = path.join(TEST_DIR, f);
      return { file, standalone: STANDALONE.test(fs.readFileSync(file, 'utf8')) };
    });
}

/** Shard k (1-based) of the shared files: longest first onto the lightest shard, by size (deterministic). */
function shardFiles(k) {
  const shared = unitFiles().filter((f) => !f.standalone)
    .map((f) => ({ file: f.file, size: fs.statSync(f.file).size }))
    .sort((a, b) => b.size - a.size || a.file.localeCompare(b.file));
  const shards = Array.from({ length: SHARDS }, () => ({ size: 0, files: [] }));
  for (const f of shared) {
    const lightest = shards.reduce((min, s) => (s.size < min.size ? s : min));
    lightest.size += f.size;
    lightest.files.push(f.file);
  }
  return shards[k - 1].files.sort();
}

module.exports = { SHARDS, unitFiles, shardFiles };
