/**
 * The gate's CEL evaluation (lib/validate/cel.ts): rules of the pinned CRDs run on the objects we emit,
 * broken copies are rejected by the rule that guards them, nothing unsupported passes silently.
 */
import * as fs from 'fs';
import * as path from 'path';
import { celRuleStats, celRulesDoc } from '../lib/docs/cel-rules';
import { allFindings, contextOf, formatFinding, validateEnvironments } from '../lib/validate';
import { celProblems, compileCel, rewriteHas, withDefaults } from '../lib/validate/cel';
import { loadCrds } from '../lib/validate/crd-schema';
import type { K8sObject } from '../lib/validate/types';
import { synthEnvironment } from '../lib/pipeline';
import { ROOT, environments } from './helpers';
import { CRD_DIR, pick, productionObjects } from './validate-fixtures';

const crds = loadCrds(CRD_DIR);
const ctx = contextOf(undefined, CRD_DIR);
const celOf = (objects: K8sObject[]) => allFindings(objects, ctx).filter((f) => f.rule.startsWith('cel-')).map(formatFinding);

test('docs/cel-rules.md is generated from crds/ (fix: `npm run docs`)', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'cel-rules.md'), 'utf8');
  expect(celRulesDoc(CRD_DIR) === doc ? 'up to date' : 'stale: run `npm run docs`').toBe('up to date');
});

test('every CEL rule of every kind we emit compiles (an unsupported rule would fail the gate)', () => {
  const emitted = new Set<string>();
  for (const env of environments()) for (const f of synthEnvironment(env)) for (const o of f.objects) emitted.add(`${o.apiVersion}/${o.kind}`);
  const stats = celRuleStats(crds).filter((s) => emitted.has(s.gvk));
  expect(stats.length).toBeGreaterThan(0);
  expect(stats.filter((s) => s.unsupported.length > 0).map((s) => `${s.gvk}: ${s.unsupported.map((u) => u.error).join('; ')}`)).toEqual([]);
});

test('every CEL rule in crds/ compiles; so does every rule of ../shared/crds when it is there (CNPG, Argo CD, ...)', () => {
  expect(celRuleStats(crds).flatMap((s) => s.unsupported)).toEqual([]);
  const shared = path.join(ROOT, '..', 'shared', 'crds');
  if (fs.existsSync(shared)) expect(celRuleStats(loadCrds(shared)).flatMap((s) => s.unsupported.map((u) => `${s.gvk} ${u.path}: ${u.error}`))).toEqual([]);
});

test('a rule the library cannot compile is a cel-unsupported finding, never a pass', () => {
  const schema = { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a ==', message: 'm' }] } } };
  expect(celProblems({ spec: { a: 1 } }, schema)).toEqual([expect.objectContaining({ rule: 'cel-unsupported', path: '.spec' })]);
  expect(compileCel('self.a ==').ok).toBe(false);
});

test('messageExpression, fieldPath and reason shape the finding; transition rules are skipped and counted', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { replicas: { type: 'integer' }, max: { type: 'integer' }, ratio: { type: 'number' } },
        'x-kubernetes-validations': [
          { rule: 'self.replicas <= self.max', messageExpression: '"replicas " + string(self.replicas) + " exceeds " + string(self.max)', fieldPath: '.replicas', reason: 'FieldValueInvalid' },
          { rule: 'self.ratio < 1.0', message: 'ratio must be below 1' },
          { rule: 'self.replicas == oldSelf.replicas', message: 'immutable' },
        ],
      },
    },
  };
  const stats = { evaluated: 0, skippedTransition: 0 };
  expect(celProblems({ spec: { replicas: 5, max: 3, ratio: 0.5 } }, schema, stats)).toEqual([
    { rule: 'cel-rule', path: '.spec.replicas', message: 'replicas 5 exceeds 3 (FieldValueInvalid)' },
  ]);
  expect(stats).toEqual({ evaluated: 2, skippedTransition: 1 });
  // integers are CEL int, `type: number` is double (1 is still a double there)
  expect(celProblems({ spec: { replicas: 1, max: 3, ratio: 1 } }, schema)).toEqual([{ rule: 'cel-rule', path: '.spec', message: 'ratio must be below 1' }]);
  // a runtime error (no such key) is a finding, as the API server rejects the object too
  expect(celProblems({ spec: { replicas: 1, ratio: 0.1 } }, schema).map((p) => p.rule)).toEqual(['cel-error']);
});

test('has() on an indexed operand is rewritten to the same semantics', () => {
  expect(rewriteHas('has(self.matches[0].path) && has(self.a.b)')).toBe('__has(self.matches[0], "path") && has(self.a.b)');
  expect(rewriteHas('self.x == "has(a[0].b)"')).toBe('self.x == "has(a[0].b)"');
  const schema = { type: 'object', properties: { m: { type: 'array', items: { type: 'object' } } }, 'x-kubernetes-validations': [{ rule: 'has(self.m[0].path)', message: 'no path' }] };
  expect(celProblems({ m: [{ path: 'x' }] }, schema)).toEqual([]);
  expect(celProblems({ m: [{ other: 'x' }] }, schema)).toEqual([{ rule: 'cel-rule', path: '', message: 'no path' }].map((p) => ({ ...p, path: '.' })));
});

test('defaults are applied before the rules run, as the API server does', () => {
  const schema = { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string', default: 'x' } } } } };
  expect(withDefaults({ a: {} }, schema)).toEqual({ a: { b: 'x' } });
  expect(withDefaults({}, schema)).toEqual({});
});

test('the objects every shipped environment emits pass every CEL rule', () => {
  const synthesized = environments().map((env) => ({ env, files: synthEnvironment(env) }));
  expect(validateEnvironments(synthesized, CRD_DIR).map(formatFinding)).toEqual([]);
});

describe('hand-broken copies are rejected by their CEL rule, with environment, object and field path', () => {
  test('ClusterIssuer: venafi needs exactly one of tpp, cloud, ngts', () => {
    const objects = productionObjects();
    pick(objects, 'ClusterIssuer', 'letsencrypt-prod').spec = { venafi: { zone: 'z' } };
    expect(celOf(objects)).toEqual(['ClusterIssuer/(cluster)/letsencrypt-prod: cel-rule: .spec.venafi: exactly one of tpp, cloud, or ngts must be configured (CEL, CRD cert-manager.io_clusterissuers.yaml)']);
  });

  test('SecretStore: reserved session tag keys (production, named in the synth line)', () => {
    const env = environments().find((e) => e.name === 'production')!;
    const files = synthEnvironment(env);
    const store = files.flatMap((f) => f.objects).find((o) => o.kind === 'SecretStore')!;
    store.spec.provider.aws.customSessionTags = { esoNamespace: 'x' };
    const lines = validateEnvironments([{ env, files }], CRD_DIR).map(formatFinding).filter((l) => l.includes('cel-'));
    expect(lines).toEqual([expect.stringMatching(/^production: SecretStore\/pensioen\/pensioen-secret-store: cel-rule: \.spec\.provider\.aws\.customSessionTags: customSessionTags cannot contain automatically injected reserved keys/)]);
  });
});
