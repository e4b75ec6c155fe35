/**
 * The sharded `npm test` (jest.unit.config.js, test/lanes/) runs every in-process test file exactly once:
 * a shared file in one shard and ignored on its own, a standalone file on its own. If the shards lost a
 * file, `npm test` would pass without running it.
 */
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SHARDS, unitFiles, shardFiles } = require('./lanes/select') as {
  SHARDS: number; unitFiles: () => { file: string; standalone: boolean }[]; shardFiles: (k: number) => string[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const unitConfig = require('../jest.unit.config.js') as { testPathIgnorePatterns: string[] };

const ignored = (file: string) => unitConfig.testPathIgnorePatterns.some((p) => new RegExp(p.replace('<rootDir>', path.resolve(__dirname, '..'))).test(file));

test('every shared file is in exactly one shard, and every shard has a test file that runs it', () => {
  const sharded = Array.from({ length: SHARDS }, (_, i) => shardFiles(i + 1)).flat();
  const shared = unitFiles().filter((f) => !f.standalone).map((f) => f.file);
  expect(shared.length).toBeGreaterThan(30);
  expect([...sharded].sort()).toEqual([...shared].sort());
  for (let k = 1; k <= SHARDS; k++) {
    expect(fs.readFileSync(path.join(__dirname, 'lanes', `unit-${k}.test.ts`), 'utf8')).toContain(`shardFiles(${k})`);
  }
  expect(fs.existsSync(path.join(__dirname, 'lanes', `unit-${SHARDS + 1}.test.ts`))).toBe(false);
});

test('npm test ignores exactly the shared files on their own, and runs the standalone files and the shards', () => {
  for (const f of unitFiles()) expect([path.basename(f.file), ignored(f.file)]).toEqual([path.basename(f.file), !f.standalone]);
  for (let k = 1; k <= SHARDS; k++) expect(ignored(path.join(__dirname, 'lanes', `unit-${k}.test.ts`))).toBe(false);
  expect(unitFiles().some((f) => f.standalone)).toBe(true);
});
