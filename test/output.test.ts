/** The output: complete, deterministic, readable names, recommended labels, and dist/ equal to a fresh synth. */
import * as path from 'path';
import { readTree } from '../lib/output/write';
import { buildApp, renderAll } from '../lib/pipeline';
import { chartsToJson } from '../lib/constructs/charts-to-json';
import { configEnvironments, objectsOf, ROOT } from './helpers';

const rendered = renderAll(configEnvironments());

test('dist/ is exactly what a fresh synth writes (fix: `npm run synth` and commit dist/)', () => {
  const committed = readTree(path.join(ROOT, 'dist'));
  const stale = [...new Set([...committed.keys(), ...rendered.keys()])].filter((f) => committed.get(f) !== rendered.get(f));
  if (stale.length > 0) {
    throw new Error(`dist/ is stale in ${stale.length} file(s): ${stale.join(', ')}\nRun \`npm run synth\` and commit dist/.`);
  }
});

test('charts rendered with the App prepared once equal cdk8s Chart.toJson() of each chart, in every environment', () => {
  for (const env of configEnvironments()) {
    const fast = chartsToJson(buildApp(env).charts);
    const plain = buildApp(env).charts.map((c) => c.toJson());
    expect(fast.map((objs) => objs.length)).toEqual(plain.map((objs) => objs.length));
    expect(JSON.stringify(fast)).toBe(JSON.stringify(plain)); // same objects, same order, same key order
  }
});

test('two synths are byte-identical', () => {
  expect(renderAll(configEnvironments())).toEqual(rendered);
});

test('every environment is written, each with the Namespace in its first file', () => {
  for (const env of configEnvironments()) {
    const files = [...rendered.keys()].filter((f) => f.startsWith(`${env.name}/`)).sort();
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files[0]).toBe(`${env.name}/00-namespace.yaml`);
    expect(rendered.get(files[0])).toMatch(/kind: Namespace\n/);
  }
});

describe.each(configEnvironments().map((e) => [e.name, e] as const))('%s objects', (_name, env) => {
  const objects = objectsOf(env);

  test('names are readable: no cdk8s hash suffixes, no cdk8s address labels', () => {
    for (const o of objects) {
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(o.metadata.name).not.toMatch(/-c8[0-9a-f]{6,}$/);
    }
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('every object carries the app.kubernetes.io recommended labels', () => {
    for (const o of objects) {
      for (const k of ['name', 'instance', 'version', 'component', 'part-of', 'managed-by']) {
        expect([`${o.kind}/${o.metadata.name}`, o.metadata.labels?.[`app.kubernetes.io/${k}`]]).toEqual([`${o.kind}/${o.metadata.name}`, expect.any(String)]);
      }
    }
  });

  test('namespaced objects are in the configured namespace, no two objects share kind and name', () => {
    const cluster = new Set(['Namespace', 'ClusterIssuer', 'ClusterSecretStore', 'ClusterRole', 'ClusterRoleBinding', 'AppProject', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    const seen = new Set<string>();
    for (const o of objects) {
      if (!cluster.has(o.kind)) expect([o.kind, o.metadata.name, o.metadata.namespace]).toEqual([o.kind, o.metadata.name, env.config.namespace]);
      else if (o.kind !== 'AppProject') expect(o.metadata.namespace).toBeUndefined();
      const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });
});
