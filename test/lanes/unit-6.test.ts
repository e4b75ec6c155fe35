// Shard 6 of the in-process lane: see test/lanes/select.js.
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shardFiles } = require('./select') as { shardFiles: (k: number) => string[] };

for (const file of shardFiles(6)) {
  describe(path.basename(file), () => {
    require(file);
  });
}
