/**
 * Configuration rules: every kind of bad input fails the synth with one line naming the file, the key path
 * and what is allowed, exits non-zero, prints no stack trace, and leaves the output folder byte-for-byte
 * as it was.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../lib/output/write';
import { main } from '../main';
import { FIXTURES, ROOT } from './helpers';

const production = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8');

let work: string;
let outDir: string;
let before: Map<string, string>;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-config-'));
  outDir = path.join(work, 'dist');
  // A real previous synth in the output folder, so "unchanged" is checked against real content.
  fs.mkdirSync(path.join(work, 'good'));
  fs.copyFileSync(path.join(FIXTURES, 'production.yaml'), path.join(work, 'good', 'production.yaml'));
  expect(runInProcess(path.join(work, 'good')).code).toBe(0);
  before = readTree(outDir);
  expect(before.size).toBeGreaterThan(3);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs the synth in this process against a config folder; captures its stderr. */
function runInProcess(configDir: string): { code: number; stderr: string } {
  let stderr = '';
  const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => { stderr += String(s); return true; });
  const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: main(['--config', configDir, '--out', outDir]), stderr };
  } finally {
    errSpy.mockRestore();
    outSpy.mockRestore();
  }
}


test('the real process exits non-zero without a stack trace, and dist/ stays as it was', () => {
  const dir = fs.mkdtempSync(path.join(work, 'proc-'));
  fs.writeFileSync(path.join(dir, 'production.yaml'), production.replace('minReplicas: 2', 'minReplicas: 0'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--config', dir, '--out', outDir], { encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/backend\.autoscaling\.minReplicas: must be at least 1, got 0/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(readTree(outDir)).toEqual(before);
});

test('an unknown command-line argument is a clear error, not a crash', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--outdir', 'x'], { encoding: 'utf8' });
  expect(r.status).toBe(2); // bad usage (docs/cli.md)
  expect(r.stderr).toMatch(/unknown argument "--outdir" \(allowed: --config DIR, --out DIR\)/);
});

test('the cdk8s CLI path writes the same files as npm run synth', () => {
  // `cdk8s synth` runs cdk8s.yaml's app: with CDK8S_OUTDIR set; our app mirrors dist/ there.
  const mirror = path.join(work, 'cli-out');
  const out = path.join(work, 'cli-dist');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--out', out], {
    cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: mirror }, stdio: 'pipe',
  });
  expect(readTree(mirror)).toEqual(readTree(out));
  expect(readTree(out)).toEqual(readTree(path.join(ROOT, 'dist')));
});
