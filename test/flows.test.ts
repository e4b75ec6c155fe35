/** The NetworkPolicies allow every flow the application needs and none that nothing needs (test/flows.ts), per fixture. */
import { flowProblems, allowed, podsOf, outsidePeers } from './flows';
import { environment, environments, objectsOf } from './helpers';

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
