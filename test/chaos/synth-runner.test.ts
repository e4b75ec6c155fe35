/**
 * The synth runner's fast path (bin/synth, bin/bundle.js, bin/snapshot-entry.js), in a copy of the work
 * tree so that .build/ here is never touched: the startup snapshot gives the same output as the plain
 * bundle, is rebuilt when a source changes (and runs the new code at once), survives a touched but
 * unchanged file without a rebuild, falls back when the snapshot file is broken, and never holds config.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../../lib/output/write';
import { ROOT } from '../helpers';

const SKIP = new Set(['node_modules', '.git', '.build', 'dist', '.cdk8s.out', '__snapshots__', 'test', 'bench']);
let tree: string;

function run(cmd: string[], extraEnv: Record<string, string> = {}) {
  // No warm-up synth while building the snapshot: the same snapshot, built faster (bench/README.md).
  const env: Record<string, string | undefined> = { ...process.env, PENSIOEN_SYNTH_DEBUG: '1', PENSIOEN_SNAPSHOT_WARMUP: '0', ...extraEnv };
  delete env.CDK8S_OUTDIR;
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: tree, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const fast = (out: string, config = 'config') => run(['sh', 'bin/synth', '--config', config, '--out', out]);
const stamp = () => JSON.parse(fs.readFileSync(path.join(tree, '.build', 'stamp.json'), 'utf8'));

beforeAll(() => {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-runner-'));
  for (const e of fs.readdirSync(ROOT)) {
    if (SKIP.has(e) || e.startsWith('.')) continue;
    fs.cpSync(path.join(ROOT, e), path.join(tree, e), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
  // The validation gate's compiled-validator cache (keyed by CRD content) is not what is tested here.
  const validatorCache = path.join(ROOT, '.build', 'validate-cache');
  if (fs.existsSync(validatorCache)) fs.cpSync(validatorCache, path.join(tree, '.build', 'validate-cache'), { recursive: true });
});
afterAll(() => fs.rmSync(tree, { recursive: true, force: true }));

test('a fresh tree builds the bundle and the snapshot, and the snapshot writes what the bundle writes', () => {
  const first = fast('out-fast-1');
  expect(first.stderr).not.toContain('running from startup snapshot'); // nothing was built yet
  expect(first.code).toBe(0);
  for (const f of ['main.js', 'synth.blob', 'stamp.json']) expect(fs.existsSync(path.join(tree, '.build', f))).toBe(true);
  expect(stamp().env).toContain(process.version);
  expect(stamp().snapshot).toEqual(expect.any(String));

  const second = fast('out-fast-2');
  expect(second.code).toBe(0);
  expect(second.stderr).toContain('running from startup snapshot');
  const plain = run(['node', 'bin/synth.js', '--out', 'out-plain']);
  expect(plain.code).toBe(0);
  const want = readTree(path.join(tree, 'out-plain'));
  expect(want.size).toBeGreaterThan(0);
  expect(readTree(path.join(tree, 'out-fast-2'))).toEqual(want);
  expect(readTree(path.join(tree, 'out-fast-1'))).toEqual(want);
});

test('a touched but unchanged source keeps the snapshot; a changed one rebuilds it and runs the new code', () => {
  const before = stamp();
  const main = path.join(tree, 'main.ts');
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(main, later, later);
  const touched = fast('out-touched');
  expect(touched.code).toBe(0);
  expect(touched.stderr).toContain('running from startup snapshot');
  expect(stamp().snapshot).toBe(before.snapshot);

  fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace('synth: wrote ', 'synth: changed code wrote '));
  const changed = fast('out-changed');
  expect(changed.code).toBe(0);
  expect(changed.stderr).toContain('startup snapshot is stale');
  expect(changed.stdout).toContain('synth: changed code wrote ');
  expect(stamp().hash).not.toBe(before.hash);
  expect(stamp().snapshot).not.toBe(before.snapshot);
  const again = fast('out-changed-2');
  expect(again.stderr).toContain('running from startup snapshot');
  expect(again.stdout).toContain('synth: changed code wrote ');
});

test('a broken snapshot file falls back to the bundle and is rebuilt', () => {
  const blob = path.join(tree, '.build', 'synth.blob');
  fs.writeFileSync(blob, fs.readFileSync(blob).subarray(0, 4096));
  const r = fast('out-broken');
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('the startup snapshot could not be loaded');
  expect(readTree(path.join(tree, 'out-broken'))).toEqual(readTree(path.join(tree, 'out-plain')));
  expect(fs.statSync(blob).size).toBeGreaterThan(4096);
});

test('the snapshot holds no config: a value only in the config is in the output, never in the snapshot', () => {
  const marker = `registry.marker-${process.pid}-${Date.now()}.example`;
  const dir = path.join(tree, 'config-marker');
  fs.mkdirSync(dir);
  const prod = fs.readFileSync(path.join(tree, 'config', 'production.yaml'), 'utf8');
  fs.writeFileSync(path.join(dir, 'production.yaml'), prod.replace(/^registry:.*$/m, `registry: ${marker}`));
  const r = fast('out-marker', 'config-marker');
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('running from startup snapshot');
  expect(fs.readFileSync(path.join(tree, 'out-marker', 'production', '10-backend.yaml'), 'utf8')).toContain(marker);
  expect(fs.readFileSync(path.join(tree, '.build', 'synth.blob')).includes(Buffer.from(marker))).toBe(false);
  // Building the snapshot never reads config/ (what it read is in the stamp), so no config can be in it.
  expect(Object.keys(stamp().files).filter((f) => f.startsWith('config'))).toEqual([]);
});

test('a build started from another folder still records every source, so a later edit is seen', () => {
  fs.rmSync(path.join(tree, '.build', 'stamp.json'), { force: true });
  const r = spawnSync('node', [path.join(tree, 'bin', 'synth.js'), '--out', path.join(tree, 'out-elsewhere')],
    { cwd: os.tmpdir(), env: { ...process.env, PENSIOEN_SNAPSHOT_WARMUP: '0' }, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const files = Object.keys(stamp().files);
  expect(files).toEqual(expect.arrayContaining(['main.ts', 'charts/backend.ts', 'lib/config/index.ts']));
  expect(files.every((f) => !f.startsWith('..') && !path.isAbsolute(f))).toBe(true);
});
