// Snapshots live in the top-level __snapshots__/ folder (the project layout), one file per test file.
const path = require('path');
const root = path.resolve(__dirname, '..');
module.exports = {
  resolveSnapshotPath: (testPath, ext) => path.join(root, '__snapshots__', path.basename(testPath) + ext),
  resolveTestPath: (snapshotPath, ext) => path.join(root, 'test', path.basename(snapshotPath, ext)),
  testPathForConsistencyCheck: path.join(root, 'test', 'example.test.ts'),
};
