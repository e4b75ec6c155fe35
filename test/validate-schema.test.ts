/** Schema rules of the validation gate: built-in kinds (kubernetes-models) and custom resources (CRDs in crds/). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { clearMemoryCaches, crdVersionsOf, loadCrds, pruneSchema, strictSchema, validateCustomResource } from '../lib/validate/crd-schema';
import { jsPatternOf } from '../lib/validate/go-regex';
import { PROJECT_CRDS, backendPod, findingsAfter, pick } from './validate-fixtures';

const expectRule = (lines: string[], prefix: string, rule: string, text?: string) => {
  const hit = lines.filter((l) => l.startsWith(`${prefix} ${rule}:`) && (text === undefined || l.includes(text)));
  expect({ lines, hit: hit.length > 0 }).toEqual(expect.objectContaining({ hit: true }));
};

describe('built-in kinds', () => {
  test('production has no schema findings', () => {
    expect(findingsAfter(() => undefined).filter((l) => / schema-/.test(l))).toEqual([]);
  });
  test('an unknown field anywhere is schema-unknown-field, with its path', () => {
    const lines = findingsAfter((o) => { backendPod(o).container.securityContext.runAsNonRot = true; });
    expectRule(lines, 'Deployment/backend', 'schema-unknown-field', '/spec/template/spec/containers/0/securityContext/runAsNonRot');
  });
  test('an unknown top-level field and one in metadata', () => {
    const lines = findingsAfter((o) => { const s = pick(o, 'Service', 'backend-service'); s.bogus = 1; s.metadata.lables = {}; });
    expectRule(lines, 'Service/backend-service', 'schema-unknown-field', '/bogus');
    expectRule(lines, 'Service/backend-service', 'schema-unknown-field', '/metadata/lables');
  });
  test('unknown fields inside maps of objects and lists are found (volumes, env)', () => {
    const lines = findingsAfter((o) => { backendPod(o).spec.volumes[0].emptyDir.sizeLimt = '1Gi'; });
    expectRule(lines, 'Deployment/backend', 'schema-unknown-field', 'emptyDir/sizeLimt');
  });
  test('a wrong type is schema-type', () => {
    expectRule(findingsAfter((o) => { pick(o, 'Deployment', 'frontend').spec.replicas = 'two'; }), 'Deployment/frontend', 'schema-type', '/spec/replicas');
  });
  test('a missing required field is schema-required', () => {
    expectRule(findingsAfter((o) => { delete backendPod(o).container.name; }), 'Deployment/backend', 'schema-required', 'name');
  });
  test('an invalid enum value is schema-enum', () => {
    expectRule(findingsAfter((o) => { pick(o, 'Service', 'backend-service').spec.type = 'Internal'; }), 'Service/backend-service', 'schema-enum', 'ClusterIP');
  });
  test('other schema violations (format) are schema-invalid', () => {
    expectRule(findingsAfter((o) => { backendPod(o).container.ports[0].containerPort = 2 ** 40; }), 'Deployment/backend', 'schema-invalid', 'int32');
  });
  test('a built-in kind without a schema is schema-unknown-kind', () => {
    const lines = findingsAfter((o) => { o.push({ apiVersion: 'v1', kind: 'Bogus', metadata: { name: 'x', namespace: 'pensioen' } }); });
    expectRule(lines, 'Bogus/x', 'schema-unknown-kind');
  });
  test('an object without a name is schema-required', () => {
    const lines = findingsAfter((o) => { o.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'pensioen' } }); });
    expect(lines.some((l) => l.includes('schema-required') && l.includes('/metadata/name'))).toBe(true);
  });
  test('the same object twice is duplicate-object', () => {
    expectRule(findingsAfter((o) => { o.push(structuredClone(pick(o, 'ConfigMap', 'redis-config'))); }), 'ConfigMap/redis-config', 'duplicate-object');
  });
});

describe('custom resources', () => {
  test('a field unknown to the CRD schema is schema-unknown-field (ClusterIssuer)', () => {
    const lines = findingsAfter((o) => { pick(o, 'ClusterIssuer', 'letsencrypt-prod').spec.acme.privateKeySecretRf = { name: 'x' }; });
    expectRule(lines, 'ClusterIssuer/letsencrypt-prod', 'schema-unknown-field', '/spec/acme/privateKeySecretRf');
  });
  test('metadata of a custom resource is checked against ObjectMeta', () => {
    const lines = findingsAfter((o) => { pick(o, 'ClusterIssuer', 'letsencrypt-prod').metadata.namspace = 'x'; });
    expectRule(lines, 'ClusterIssuer/letsencrypt-prod', 'schema-unknown-field', '/metadata/namspace');
  });
  test('a namespace on a cluster-scoped custom resource is schema-scope', () => {
    const lines = findingsAfter((o) => { pick(o, 'ClusterIssuer', 'letsencrypt-prod').metadata.namespace = 'pensioen'; });
    expectRule(lines, 'ClusterIssuer/letsencrypt-prod', 'schema-scope');
  });
  test('a kind no CRD in crds/ serves is schema-unknown-kind', () => {
    const lines = findingsAfter((o) => { o.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'pensioen' } }); });
    expectRule(lines, 'Widget/w', 'schema-unknown-kind');
  });

  describe('every CRD vendored in crds/', () => {
    // crds/ below a temp folder: the build cache goes to its sibling .build/ and is deleted with it
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-crds-'));
    const dir = path.join(tmp, 'crds');
    fs.mkdirSync(dir);
    // The CRDs these cases read (test/validate-crd-corpus.tools.test.ts compiles all of them).
    const used = ['cert-manager.io_clusterissuers', 'monitoring.coreos.com_servicemonitors', 'monitoring.coreos.com_prometheusrules', 'argoproj.io_applications',
      'argoproj.io_appprojects', 'external-secrets.io_externalsecrets', 'external-secrets.io_secretstores', 'external-secrets.io_clustersecretstores'];
    for (const f of used) fs.copyFileSync(path.join(PROJECT_CRDS, `${f}.yaml`), path.join(dir, `${f}.yaml`));
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const crds = loadCrds(dir);
    const rule = (spec: Record<string, any>) => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'n' }, spec });
    const prometheusRule = () => crds.get('monitoring.coreos.com/v1/PrometheusRule')!;

    test('is found by group/version/kind', () => {
      for (const gvk of ['cert-manager.io/v1/ClusterIssuer', 'monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PrometheusRule',
        'argoproj.io/v1alpha1/Application', 'argoproj.io/v1alpha1/AppProject', 'external-secrets.io/v1/ExternalSecret',
        'external-secrets.io/v1/SecretStore', 'external-secrets.io/v1/ClusterSecretStore']) expect(crds.has(gvk)).toBe(true);
    });
    test("the Go pattern (?i) of PrometheusRule compiles and is still enforced, case-insensitively", () => {
      const group = (s: string) => rule({ groups: [{ name: 'g', partial_response_strategy: s, rules: [] }] });
      for (const ok of ['abort', 'WARN', 'Abort', '']) expect(validateCustomResource(group(ok), prometheusRule())).toEqual([]);
      const bad = validateCustomResource(group('sometimes'), prometheusRule());
      expect(bad.map((f) => f.rule)).toEqual(['schema-invalid']);
      expect(bad[0].message).toContain('partial_response_strategy');
    });
    test('int-or-string accepts both, rejects other types', () => {
      const r = (v: unknown) => validateCustomResource(rule({ groups: [{ name: 'g', rules: [{ record: 'x', expr: v }] }] }), prometheusRule());
      expect(r('up')).toEqual([]);
      expect(r(1)).toEqual([]);
      expect(r(true).map((f) => f.rule)).toContain('schema-invalid');
    });
    test('a schema read from the build cache finds what one parsed from the CRD finds (formats included)', () => {
      const app = (started: unknown) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a', namespace: 'argocd' },
        spec: { destination: {}, project: 'p', source: { repoURL: 'r' } }, status: { operationState: { startedAt: started, operation: {}, phase: 'Running' } } });
      const v = () => loadCrds(dir).get('argoproj.io/v1alpha1/Application')!;
      const fresh = [validateCustomResource(app('2026-01-01T00:00:00Z'), v()), validateCustomResource(app('yesterday'), v())];
      expect(fs.readdirSync(path.join(tmp, '.build', 'validate-cache')).filter((f) => f.endsWith('.index.json')).length).toBeGreaterThan(5);
      clearMemoryCaches();
      const cached = [validateCustomResource(app('2026-01-01T00:00:00Z'), v()), validateCustomResource(app('yesterday'), v())];
      expect(cached).toEqual(fresh);
      expect(fresh[0]).toEqual([]);
      expect(fresh[1].map((f) => f.message)).toEqual([expect.stringContaining('date-time')]);
    });
  });

  test('strictSchema: additionalProperties false where properties are given, unless preserve-unknown-fields', () => {
    const s = strictSchema({ type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' } } }, c: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { d: { type: 'string' } } } } });
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.a.additionalProperties).toBe(false);
    expect(s.properties.c.additionalProperties).toBeUndefined();
  });
  test('strictSchema adds nothing inside allOf/anyOf/oneOf/not (value validations only)', () => {
    const s = strictSchema({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ properties: { a: { pattern: 'x' } } }] });
    expect(s.additionalProperties).toBe(false);
    expect(s.anyOf[0].additionalProperties).toBeUndefined();
  });
  test('pruneSchema keeps only what the object uses, and unknown fields still fail', () => {
    const s = strictSchema({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'array', items: { type: 'object', properties: { c: { type: 'integer' }, d: { type: 'string' } } } } } }, true);
    const o = { a: 'x', b: [{ c: 1 }, { c: 2, e: 3 }] };
    const p = pruneSchema(s, [o]);
    expect(Object.keys(p.properties)).toEqual(['a', 'b']);
    expect(Object.keys(p.properties.b.items.properties)).toEqual(['c']);
    expect(p.properties.b.items.additionalProperties).toBe(false);
    const validate = new Ajv({ strict: false, allErrors: true }).compile(p);
    expect(validate(o)).toBe(false);
    expect(validate.errors!.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/b/1 additionalProperties']);
  });
  test('strictSchema: int-or-string, nullable and embedded resources', () => {
    expect(strictSchema({ 'x-kubernetes-int-or-string': true }).anyOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
    expect(strictSchema({ type: 'string', nullable: true }).type).toEqual(['string', 'null']);
    const e = strictSchema({ type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } });
    expect(e.required).toEqual(['apiVersion', 'kind']);
    expect(Object.keys(e.properties)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(e.additionalProperties).toBe(false);
  });
  test('crdVersionsOf reads group, versions, kind and scope', () => {
    const text = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ws.example.com}\nspec:\n  group: example.com\n  scope: Cluster\n  names: {kind: W, plural: ws}\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema: {type: object}\n';
    expect(crdVersionsOf(text, 'f.yaml').map((v) => [v.group, v.version, v.kind, v.namespaced])).toEqual([['example.com', 'v1', 'W', false]]);
  });
  test('jsPatternOf rewrites (?i) without loosening', () => {
    expect(jsPatternOf('^(?i)(abort|warn)?$')).toBe('^([aA][bB][oO][rR][tT]|[wW][aA][rR][nN])?$');
    expect(jsPatternOf('^[a-z]+$')).toBe('^[a-z]+$');
    const r = new RegExp(jsPatternOf('^(?i)[a-c]x\\d$'));
    expect(['bX1', 'Ax9'].every((s) => r.test(s))).toBe(true);
    expect(['dx1', 'bxa'].some((s) => r.test(s))).toBe(false);
  });
});
