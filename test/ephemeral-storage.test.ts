/**
 * Ephemeral storage is bounded everywhere: every container of every workload (init containers included) and the
 * containers CloudNativePG makes from our objects (the PostgreSQL instances, their Barman Cloud sidecar,
 * PgBouncer) have ephemeral-storage requests and limits, a request never above its limit, and per pod the limits
 * cover the disk-backed emptyDirs the pod mounts (otherwise a full /tmp evicts the pod before its sizeLimit says
 * so). Every fixture environment, and the values follow the config.
 */
import { parse, stringify } from 'yaml';
import { configProblems, environments, find, fixtureText, inlineEnvironment, objectsOf, podSpecs } from './helpers';
import { parseQuantity } from '../lib/k8s/quantity';

const ES = 'ephemeral-storage';

function storageFindings(objects: Record<string, any>[]): string[] {
  const out: string[] = [];
  const check = (where: string, r: any) => {
    if (!r?.requests?.[ES] || !r?.limits?.[ES]) out.push(`${where}: no ${ES} request and limit`);
    else if (parseQuantity(String(r.requests[ES])) > parseQuantity(String(r.limits[ES]))) out.push(`${where}: request above limit`);
  };
  for (const { owner, spec } of podSpecs(objects)) {
    const containers = [...(spec.initContainers ?? []), ...spec.containers];
    for (const c of containers) check(`${owner} ${c.name}`, c.resources);
    const disk = (spec.volumes ?? []).filter((v: any) => v.emptyDir && v.emptyDir.medium !== 'Memory')
      .reduce((n: number, v: any) => n + parseQuantity(v.emptyDir.sizeLimit ?? '0'), 0);
    const limits = spec.containers.reduce((n: number, c: any) => n + parseQuantity(String(c.resources?.limits?.[ES] ?? '0')), 0);
    if (limits < disk) out.push(`${owner}: limits ${limits} below the disk-backed emptyDirs ${disk}`);
  }
  // Pods the operator makes from our custom resources.
  for (const c of objects.filter((o) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/'))) check(`Cluster/${c.metadata.name}`, c.spec.resources);
  for (const s of objects.filter((o) => o.kind === 'ObjectStore')) check(`ObjectStore/${s.metadata.name} sidecar`, s.spec.instanceSidecarConfiguration?.resources);
  for (const p of objects.filter((o) => o.kind === 'Pooler')) for (const c of p.spec.template.spec.containers) check(`Pooler/${p.metadata.name} ${c.name}`, c.resources);
  return out;
}

test.each(environments().map((e) => [e.name, e] as const))('%s: every container, operator-made ones included, has bounded ephemeral storage', (_name, env) => {
  const objects = objectsOf(env);
  expect(podSpecs(objects).length).toBeGreaterThan(3);
  expect(storageFindings(objects)).toEqual([]);
});

test('the check finds a container without a limit (it is not vacuous)', () => {
  const objects = objectsOf('onprem');
  delete find(objects, 'Deployment', 'backend').spec.template.spec.containers[0].resources.limits[ES];
  delete find(objects, 'Pooler', 'pensioen-db-pooler-rw').spec.template.spec.containers[0].resources.requests[ES];
  expect(storageFindings(objects)).toEqual([
    'Deployment/backend backend: no ephemeral-storage request and limit',
    'Deployment/backend: limits 0 below the disk-backed emptyDirs 268435456',
    'Pooler/pensioen-db-pooler-rw pgbouncer: no ephemeral-storage request and limit',
  ]);
});

test('the values follow the config; a request above its limit is refused', () => {
  const doc = parse(fixtureText('production'));
  doc.backend.resources = { requests: { [ES]: '100Mi' }, limits: { [ES]: '2Gi' } };
  const backend = find(objectsOf(inlineEnvironment('production', stringify(doc))), 'Deployment', 'backend').spec.template.spec.containers[0];
  expect(backend.resources.requests[ES]).toBe('100Mi');
  expect(backend.resources.limits[ES]).toBe('2Gi');
  expect(configProblems(`backend:\n  resources: { requests: { ${ES}: 1Gi }, limits: { ${ES}: 512Mi } }\n`)).toEqual(expect.arrayContaining([
    'config/x.yaml: backend.resources.requests.ephemeral-storage: must not exceed limits.ephemeral-storage (512Mi), got 1Gi',
  ]));
});
