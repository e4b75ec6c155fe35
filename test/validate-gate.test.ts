/**
 * The validation gate as a whole: every environment passes it, waivers work and are listed in docs/validation.md,
 * `npm run validate` reports a broken tree, and a synth with a finding writes nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { allFindings, contextOf, formatFinding, validateEnvironments, validateObjects, validateTree } from '../lib/validate';
import { readTree } from '../lib/output/write';
import { WAIVERS_END, WAIVERS_START, waiverList, withWaiverList } from '../lib/docs/waivers';
import { synthArgocd } from '../charts/argocd';
import { synthEnvironment } from '../main';
import { ROOT, environments } from './helpers';
import { CRD_DIR, productionContext, productionObjects } from './validate-fixtures';

const tmpDirs: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
};
afterAll(() => { for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true }); });

test('every environment, and dist/argocd, has zero findings (waived ones included: there are none to hide)', () => {
  const synthesized = environments().map((env) => ({ env, files: synthEnvironment(env) }));
  expect(synthesized.length).toBeGreaterThanOrEqual(2);
  expect(validateEnvironments(synthesized, CRD_DIR).map(formatFinding)).toEqual([]);
  expect(validateObjects(synthArgocd(synthesized).flatMap((f) => f.objects), contextOf(undefined, CRD_DIR)).map(formatFinding)).toEqual([]);
  for (const { env, files } of synthesized) {
    const all = allFindings(files.flatMap((f) => f.objects), contextOf(env, CRD_DIR));
    expect({ env: env.name, waived: all.map(formatFinding) }).toEqual({ env: env.name, waived: env.config.validation.waivers.length ? expect.any(Array) : [] });
  }
});

test('the committed dist/ passes the gate as `npm run validate` reads it', () => {
  expect(validateTree(readTree(path.join(ROOT, 'dist')), environments(), CRD_DIR).map(formatFinding)).toEqual([]);
});

describe('waivers', () => {
  const broken = () => {
    const o = productionObjects();
    delete o.find((x) => x.kind === 'Deployment' && x.metadata.name === 'frontend')!.spec.template.spec.containers[0].readinessProbe;
    return o;
  };
  test('a waiver for the object and rule removes exactly that finding', () => {
    const ctx = productionContext();
    expect(validateObjects(broken(), ctx).map(formatFinding)).toEqual(['Deployment/pensioen/frontend: probe-readiness: containers[frontend]: readinessProbe is not set']);
    const waived = { ...ctx, waivers: [{ kind: 'Deployment', name: 'frontend', rule: 'probe-readiness', reason: 'test: the frontend has no readiness endpoint' }] };
    expect(validateObjects(broken(), waived)).toEqual([]);
  });
  test('a waiver for another rule or object does not apply, and is itself reported as waiver-unused', () => {
    const ctx = { ...productionContext(), waivers: [{ kind: 'Deployment', name: 'backend', rule: 'probe-readiness', reason: 'test: wrong object on purpose' }] };
    expect(validateObjects(broken(), ctx).map((f) => `${f.kind}/${f.name} ${f.rule}`)).toEqual(['Deployment/frontend probe-readiness', 'Deployment/backend waiver-unused']);
  });
  test('docs/validation.md lists every waiver of every config (generated, in sync)', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'validation.md'), 'utf8');
    expect(doc).toContain(WAIVERS_START);
    expect(withWaiverList(doc, environments())).toBe(doc); // else: npm run docs
  });
  test('the generated list shows environment, object, rule and reason', () => {
    const env = environments()[0];
    const withWaiver = { ...env, config: { ...env.config, validation: { waivers: [{ kind: 'Deployment', name: 'backend', rule: 'service-account-token', reason: 'needs | the API' }] } } };
    expect(waiverList([withWaiver])).toBe(`| environment | object | rule | reason |\n| --- | --- | --- | --- |\n| ${env.name} | Deployment/backend | \`service-account-token\` | needs \\| the API |`);
    expect(WAIVERS_END).toContain('end');
  });
});

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
  for (const f of fs.readdirSync(path.join(ROOT, 'config'))) fs.copyFileSync(path.join(ROOT, 'config', f), path.join(config, f));
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

test('every Secret declared as provided from outside is named, with its key, in docs/secrets.md (what to create, per environment)', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'secrets.md'), 'utf8');
  const before = doc.slice(doc.indexOf('## What to create, per environment'));
  expect(before.length).toBeGreaterThan(0);
  expect(doc.indexOf('## What to create, per environment')).toBeGreaterThan(0);
  for (const env of environments()) {
    for (const s of contextOf(env, CRD_DIR).externalSecrets) {
      expect({ env: env.name, secret: s.name, listed: before.includes(s.name) && s.keys.every((k) => before.includes(k)) }).toEqual({ env: env.name, secret: s.name, listed: true });
    }
  }
});
