/**
 * The validation gate as a whole: every environment passes it, waivers work and are listed in docs/validation.md,
 * `npm run validate` reports a broken tree, and a synth with a finding writes nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { allFindings, contextOf, formatFinding, validateEnvironments, validateObjects, validateTree } from '../lib/validate';
import { readTree } from '../lib/output/write';
import { WAIVERS_END, WAIVERS_START, waiverList, withWaiverList } from '../lib/docs/waivers';
import { synthArgocd, synthEnvironment } from '../lib/pipeline';
import { configEnvironments, ROOT, environments } from './helpers';
import { CRD_DIR, productionContext, productionObjects } from './validate-fixtures';

const tmpDirs: string[] = [];
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
  expect(validateTree(readTree(path.join(ROOT, 'dist')), configEnvironments(), CRD_DIR).map(formatFinding)).toEqual([]);
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
    expect(withWaiverList(doc, configEnvironments())).toBe(doc); // else: npm run docs
  });
  test('the generated list shows environment, object, rule and reason', () => {
    const env = environments()[0];
    const withWaiver = { ...env, config: { ...env.config, validation: { waivers: [{ kind: 'Deployment', name: 'backend', rule: 'service-account-token', reason: 'needs | the API' }] } } };
    expect(waiverList([withWaiver])).toBe(`| environment | object | rule | reason |\n| --- | --- | --- | --- |\n| ${env.name} | Deployment/backend | \`service-account-token\` | needs \\| the API |`);
    expect(WAIVERS_END).toContain('end');
  });
});

test('every Secret declared as provided from outside is named, with its key, in docs/secrets.md (what to create, per environment)', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'secrets.md'), 'utf8');
  const before = doc.slice(doc.indexOf('## What to create, per environment'));
  expect(before.length).toBeGreaterThan(0);
  expect(doc.indexOf('## What to create, per environment')).toBeGreaterThan(0);
  for (const env of configEnvironments()) {
    for (const s of contextOf(env, CRD_DIR).externalSecrets) {
      expect({ env: env.name, secret: s.name, listed: before.includes(s.name) && s.keys.every((k) => before.includes(k)) }).toEqual({ env: env.name, secret: s.name, listed: true });
    }
  }
});
