/** `npm run diff` names list items as kubectl diff and dyff do: by their name, not their position. */
import { fieldChanges } from '../lib/output/object-diff';
import { find, objectsOf } from './helpers';

const container = (name: string, env: { name: string; value?: string }[], image = 'r/x:1') => ({ name, image, env });

test('containers and env by name: env[DATABASE_URL], containers[backend]; an inserted item is one addition, not a shifted list', () => {
  const before = { containers: [container('backend', [{ name: 'A', value: '1' }, { name: 'DATABASE_URL', value: 'postgresql://db/a' }])] };
  const after = { containers: [container('wait', []), container('backend', [{ name: 'NEW', value: 'x' }, { name: 'A', value: '1' }, { name: 'DATABASE_URL', value: 'postgresql://db/b' }], 'r/x:2')] };
  expect(fieldChanges(before, after)).toEqual([
    { path: 'containers[backend].env[DATABASE_URL].value', before: 'postgresql://db/a', after: 'postgresql://db/b' },
    { path: 'containers[backend].env[NEW]', before: undefined, after: { name: 'NEW', value: 'x' } },
    { path: 'containers[backend].image', before: 'r/x:1', after: 'r/x:2' },
    { path: 'containers[wait]', before: undefined, after: container('wait', []) },
  ]);
});

test('kinds in an AppProject whitelist by group/kind; a removed kind is named', () => {
  const before = { namespaceResourceWhitelist: [{ group: 'apps', kind: 'Deployment' }, { group: 'networking.k8s.io', kind: 'Ingress' }] };
  const after = { namespaceResourceWhitelist: [{ group: 'apps', kind: 'Deployment' }] };
  expect(fieldChanges(before, after)).toEqual([{ path: 'namespaceResourceWhitelist[networking.k8s.io/Ingress]', before: { group: 'networking.k8s.io', kind: 'Ingress' }, after: undefined }]);
});

test('a reordering of named items is reported as an order change; lists without a shared unique name compare by position', () => {
  expect(fieldChanges({ v: [{ name: 'a' }, { name: 'b' }] }, { v: [{ name: 'b' }, { name: 'a' }] })).toEqual([{ path: 'v (order)', before: ['a', 'b'], after: ['b', 'a'] }]);
  expect(fieldChanges({ args: ['-a', '-b'] }, { args: ['-a', '-c'] })).toEqual([{ path: 'args[1]', before: '-b', after: '-c' }]);
  expect(fieldChanges({ v: [{ name: 'a' }, { name: 'a', x: 1 }] }, { v: [{ name: 'a' }, { name: 'a', x: 2 }] })).toEqual([{ path: 'v[1].x', before: 1, after: 2 }]);
});

test('on a real Deployment: an env change of the backend is named by variable and container', () => {
  const d = find(objectsOf('production'), 'Deployment', 'backend');
  const changed = structuredClone(d);
  const c = changed.spec.template.spec.containers.find((x: any) => x.name === 'backend');
  const v = c.env.find((e: any) => e.value !== undefined);
  v.value = `${v.value}-changed`;
  expect(fieldChanges(d, changed).map((f) => f.path)).toEqual([`spec.template.spec.containers[backend].env[${v.name}].value`]);
});
