/**
 * Configuration rules: every kind of bad input fails the synth with one line naming the file, the key path
 * and what is allowed, exits non-zero, prints no stack trace, and leaves the output folder byte-for-byte
 * as it was.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readTree } from '../lib/output/write';
import { synthWorkdir } from './synth-workdir';
import { FIXTURES, ROOT } from './helpers';

const production = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8');

const synth = synthWorkdir();


test('the real process exits non-zero without a stack trace, and dist/ stays as it was', () => {
  const dir = fs.mkdtempSync(path.join(synth.work, 'proc-'));
  fs.writeFileSync(path.join(dir, 'production.yaml'), production.replace('minReplicas: 2', 'minReplicas: 0'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--config', dir, '--out', synth.outDir], { encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/backend\.autoscaling\.minReplicas: must be at least 1, got 0/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(readTree(synth.outDir)).toEqual(synth.before);
});

test('an unknown command-line argument is a clear error, not a crash', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--outdir', 'x'], { encoding: 'utf8' });
  expect(r.status).toBe(2); // bad usage (docs/cli.md)
  expect(r.stderr).toMatch(/unknown argument "--outdir" \(allowed: --config DIR, --out DIR\)/);
});

test('the cdk8s CLI path writes the same files as npm run synth', () => {
  // `cdk8s synth` runs cdk8s.yaml's app: with CDK8S_OUTDIR set; our app mirrors dist/ there.
  const mirror = path.join(synth.work, 'cli-out');
  const out = path.join(synth.work, 'cli-dist');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--out', out], {
    cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: mirror }, stdio: 'pipe',
  });
  expect(readTree(mirror)).toEqual(readTree(out));
  expect(readTree(out)).toEqual(readTree(path.join(ROOT, 'dist')));
});
