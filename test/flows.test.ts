/** The NetworkPolicies allow every flow the application needs and none that nothing needs (test/flows.ts), per fixture. */
import { flowProblems, allowed, podsOf, outsidePeers } from './flows';
import * as fs from 'fs';
import * as path from 'path';
import { environment, environments, objectsOf, ROOT } from './helpers';

test.each(environments().map((e) => [e.name, e] as const))('%s: exactly the needed flows are allowed', (_n, env) => {
  expect(flowProblems(env, objectsOf(env))).toEqual([]);
});

test('the evaluator is not vacuous: without the backend policy\'s edge rule the edge is refused; without any policy a stranger gets in', () => {
  const env = environment('production');
  const objects = objectsOf('production');
  const np = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'backend')!;
  np.spec.ingress = np.spec.ingress.slice(1);
  expect(flowProblems(env, objects)).toEqual(expect.arrayContaining([expect.stringMatching(/^flow refused: the edge reaches the backend/)]));
  const pods = podsOf(objects);
  const { stranger } = outsidePeers(env);
  expect(allowed([], stranger, pods.get('backend')!, env.config.backend.port)).toBe(true);
});

test('docs/security.md lists exactly the flows checked here, each as allowed or not', () => {
  const src = fs.readFileSync(path.join(ROOT, 'test', 'flows.ts'), 'utf8');
  const checked = [...src.matchAll(/(need|never)\('([^']+)'/g)].map((m) => `| ${m[2]} | ${m[1] === 'need' ? 'yes' : 'no'} |`);
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'security.md'), 'utf8');
  const table = doc.slice(doc.indexOf('### The flow table, checked')).split('\n## ')[0];
  const rows = table.split('\n').filter((l) => /^\| .* \| (yes|no) \|$/.test(l));
  expect(new Set(rows)).toEqual(new Set(checked));
});

test('the backend reaches its own instance\'s cache, not another instance\'s cache pods in the same namespace', () => {
  const env = environment('production');
  const objects = objectsOf(env);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const pods = podsOf(objects);
  const backend = pods.get('backend')!;
  const cache = pods.get('redis')!;
  const haproxy = pods.get('redis-haproxy')!;
  expect(allowed(policies, backend, cache, 26379)).toBe(true);
  expect(allowed(policies, backend, haproxy, 6379)).toBe(true);
  // another release of the application installed beside this one (its own `instance`): same components, other instance
  const other = (p: typeof cache) => ({ ...p, name: `other-${p.name}`, labels: { ...p.labels, 'app.kubernetes.io/instance': 'pensioen-other' } });
  expect(allowed(policies.filter((np) => np.metadata.name === 'backend'), backend, other(cache), 26379)).toBe(false);
  expect(allowed(policies.filter((np) => np.metadata.name === 'backend'), backend, other(haproxy), 6379)).toBe(false);
});
