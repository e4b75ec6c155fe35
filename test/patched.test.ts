/**
 * lib/k8s/patched.ts: a typed object's JSON patches reach the manifest even where they add a field its
 * Kubernetes 1.27 types lack (the generated class alone drops them: cdk8s-team/cdk8s-core#72).
 */
import { App, Chart, JsonPatch } from 'cdk8s';
import { k8s } from '../lib/k8s';
import { KubeDeployment } from '../lib/k8s/patched';

const props = { spec: { selector: { matchLabels: { app: 'a' } }, template: { spec: { containers: [{ name: 'a', lifecycle: { preStop: {} } }] } } } };
const sleep = JsonPatch.add('/spec/template/spec/containers/0/lifecycle/preStop/sleep', { seconds: 5 });

test('the generated class alone drops a patched field its types lack', () => {
  const d = new k8s.KubeDeployment(new Chart(new App(), 'c'), 'd', props);
  d.addJsonPatch(sleep);
  expect(d.toJson().spec.template.spec.containers[0].lifecycle).toEqual({ preStop: {} });
});

test('KubeDeployment applies it to the rendered manifest, the same on every render', () => {
  const d = new KubeDeployment(new Chart(new App(), 'c'), 'd', props);
  d.addJsonPatch(sleep);
  expect(d.toJson().spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
  expect(d.toJson()).toEqual(d.toJson());
});
