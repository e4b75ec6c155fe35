/**
 * The validation gate as a whole: every environment passes it, waivers work and are listed in docs/validation.md,
 * `npm run validate` reports a broken tree, and a synth with a finding writes nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../lib/output/write';
import { FIXTURES, ROOT } from './helpers';

const tmpDirs: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
};
afterAll(() => { for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true }); });

describe('npm run validate [DIR]', () => {
  const run = (args: string[]) => spawnSync('npm', ['run', '--silent', 'validate', '--', ...args], { cwd: ROOT, encoding: 'utf8' });
  test('a copy of dist/ with a bogus field in a Deployment: exit 1 and the finding named', () => {
    const dir = tmp('gate-tree-');
    fs.cpSync(path.join(ROOT, 'dist'), dir, { recursive: true });
    const file = path.join(dir, 'production', '20-frontend.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const patched = text.replace(/^kind: Deployment\n([\s\S]*?)^spec:\n/m, (m) => `${m}  bogusField: true\n`);
    expect(patched).not.toBe(text);
    fs.writeFileSync(file, patched);
    const r = run([dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Deployment/pensioen/frontend: schema-unknown-field: /spec/bogusField: unknown field');
    expect(r.stderr).toMatch(/validate: 1 finding\(s\)/);
  });
  test('the committed dist/: exit 0', () => {
    const r = run([]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/no findings/);
  });
  test('a file that is not YAML, and a folder that does not exist', () => {
    const dir = tmp('gate-bad-');
    fs.writeFileSync(path.join(dir, 'x.yaml'), 'a: [1,\n');
    const r = run([dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('yaml-parse');
    const missing = run([path.join(dir, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope: the tree to validate does not exist/);
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

test('synth with a finding exits 1, prints kind/namespace/name: rule: message, and leaves --out unchanged', () => {
  const config = tmp('gate-config-');
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(config, f));
  fs.appendFileSync(path.join(config, 'production.yaml'),
    '\nvalidation:\n  waivers:\n    - { kind: Deployment, name: backend, rule: probe-readiness, reason: waiver that matches nothing }\n');
  const out = tmp('gate-out-');
  fs.mkdirSync(path.join(out, 'old'));
  fs.writeFileSync(path.join(out, 'old', 'keep.yaml'), 'kept: true\n');
  const before = readTree(out);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--config', config, '--out', out], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('Deployment/pensioen/backend: waiver-unused: waiver of probe-readiness matches no finding');
  expect(r.stderr).toMatch(/synth failed: 1 validation finding\(s\); nothing was written/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(readTree(out)).toEqual(before);
});
