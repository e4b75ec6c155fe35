/** Argo CD sync annotations on every object of every environment, decided by kind and API group. */
import { DELETE_FALSE, isBuiltinGroup, PRUNE_CONFIRM, SKIP_DRY_RUN, SYNC_OPTIONS, SYNC_WAVE, syncWaveOf, WAVES, withSyncAnnotations } from '../lib/output/sync-waves';
import { environments, objectsOf } from './helpers';

const ENVS = environments();
const groupOf = (o: Record<string, any>): string => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '');

describe.each(ENVS.map((e) => [e.name, e] as const))('%s', (_name, env) => {
  const objects = objectsOf(env);

  test('every object has a sync-wave: alerts, scrape targets and issuers before anything can fail, the edge before the workloads, the HPA last', () => {
    const wave = (o: Record<string, any>) => Number(o.metadata.annotations?.[SYNC_WAVE]);
    for (const o of objects) expect({ o: `${o.kind}/${o.metadata.name}`, wave: Number.isInteger(wave(o)) }).toEqual({ o: `${o.kind}/${o.metadata.name}`, wave: true });
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind).map(wave);
    expect(byKind('Namespace')).toEqual([WAVES.namespace]);
    for (const k of ['ServiceAccount', 'ConfigMap', 'NetworkPolicy', 'Service']) expect(new Set(byKind(k))).toEqual(new Set([WAVES.prerequisites]));
    for (const k of ['Deployment', 'StatefulSet', 'PodDisruptionBudget']) expect(new Set(byKind(k))).toEqual(new Set([WAVES.workloads]));
    expect(new Set(byKind('HorizontalPodAutoscaler'))).toEqual(new Set([WAVES.autoscaling]));
    for (const k of objects.some((o) => o.kind === 'Ingress') ? ['Ingress'] : ['Gateway', 'HTTPRoute']) expect(new Set(byKind(k))).toEqual(new Set([WAVES.edge]));
    for (const o of objects.filter((x) => ['gateway.envoyproxy.io', 'gateway.nginx.org'].includes(groupOf(x)))) expect(wave(o)).toBe(WAVES.edge);
    const issuers = objects.filter((o) => o.kind === 'ClusterIssuer' || o.kind === 'Issuer');
    expect(issuers.length).toBeGreaterThan(0);
    for (const o of issuers) expect(wave(o)).toBe(WAVES.safetyNet);
    for (const o of objects.filter((x) => groupOf(x) === 'monitoring.coreos.com')) expect(wave(o)).toBe(WAVES.safetyNet);
    for (const o of objects.filter((x) => groupOf(x) === 'external-secrets.io')) expect(wave(o)).toBe(WAVES.prerequisites);
    // The order that keeps "DatabaseDown" and TLS independent of pod health, and the HPA from blocking.
    expect([WAVES.namespace, WAVES.safetyNet, WAVES.prerequisites, WAVES.edge, WAVES.migrations, WAVES.workloads, WAVES.autoscaling])
      .toEqual([...Object.values(WAVES)].sort((x, y) => x - y));
    const migrations = objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('backend-migrate'));
    for (const j of migrations) {
      // A hook (Argo CD) runs in its wave; a plain Job (kubectl) is a workload.
      expect(wave(j)).toBe(env.config.gitops.enabled ? WAVES.migrations : WAVES.workloads);
    }
    expect(Math.min(...objects.map(wave))).toBe(WAVES.namespace);
    expect(Math.max(...objects.map(wave))).toBe(objects.some((o) => o.kind === 'HorizontalPodAutoscaler') ? WAVES.autoscaling : WAVES.workloads);
  });

  test('custom resources (and only they) skip the dry run when their CRD is missing', () => {
    for (const o of objects) {
      const options = String(o.metadata.annotations?.[SYNC_OPTIONS] ?? '').split(',');
      expect({ o: `${o.apiVersion} ${o.kind}`, skip: options.includes(SKIP_DRY_RUN) })
        .toEqual({ o: `${o.apiVersion} ${o.kind}`, skip: !isBuiltinGroup(groupOf(o)) });
    }
    expect(objects.some((o) => o.kind === 'ClusterIssuer' || o.kind === 'Issuer')).toBe(true);
  });

  test('the Namespace and every object that owns data are neither pruned without confirmation nor deleted with the Application', () => {
    const options = (o: Record<string, any>) => String(o.metadata.annotations?.[SYNC_OPTIONS] ?? '').split(',');
    const holdsData = (o: Record<string, any>) => (o.kind === 'Namespace' && groupOf(o) === '')
      || o.kind === 'PersistentVolumeClaim'
      || (o.kind === 'StatefulSet' && (o.spec.volumeClaimTemplates ?? []).length > 0)
      || (groupOf(o) === 'postgresql.cnpg.io' && o.kind === 'Cluster')
      || (groupOf(o) === 'barmancloud.cnpg.io' && o.kind === 'ObjectStore');
    const held = objects.filter(holdsData);
    expect(held.map((o) => o.kind)).toContain('Namespace');
    if (env.config.database.mode === 'cloudnative-pg') expect(held.map((o) => o.kind)).toEqual(expect.arrayContaining(['Cluster', 'ObjectStore']));
    if (objects.some((o) => o.kind === 'StatefulSet')) expect(held.map((o) => o.kind)).toContain('StatefulSet');
    for (const o of held) {
      expect({ o: `${o.kind}/${o.metadata.name}`, options: options(o) })
        .toEqual({ o: `${o.kind}/${o.metadata.name}`, options: expect.arrayContaining([PRUNE_CONFIRM, DELETE_FALSE]) });
    }
    // Everything else stays prunable (a Deployment renamed in git is pruned as before).
    for (const o of objects.filter((x) => !holdsData(x) && !['StatefulSet'].includes(x.kind))) {
      expect({ o: `${o.kind}/${o.metadata.name}`, prune: options(o).some((x) => x.startsWith('Prune=') || x.startsWith('Delete=')) })
        .toEqual({ o: `${o.kind}/${o.metadata.name}`, prune: false });
    }
  });
});

describe('withSyncAnnotations (generic: any kind, any group)', () => {
  test('built-in and custom groups', () => {
    for (const g of ['', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io']) expect(isBuiltinGroup(g)).toBe(true);
    for (const g of ['cert-manager.io', 'monitoring.coreos.com', 'external-secrets.io', 'postgresql.cnpg.io', 'argoproj.io']) expect(isBuiltinGroup(g)).toBe(false);
  });

  test('kinds it has never seen: an unknown custom resource is a workload, a PodMonitor and an AlertmanagerConfig come first', () => {
    const widget: Record<string, any> = withSyncAnnotations({ apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w' } });
    expect(widget.metadata.annotations).toEqual({ [SYNC_WAVE]: String(WAVES.workloads), [SYNC_OPTIONS]: SKIP_DRY_RUN });
    // CloudNativePG: ObjectStore with the prerequisites, Cluster and Pooler before the migration hook, backups with the workloads.
    expect(['barmancloud.cnpg.io/v1 ObjectStore', 'postgresql.cnpg.io/v1 Cluster', 'postgresql.cnpg.io/v1 Pooler', 'postgresql.cnpg.io/v1 ScheduledBackup']
      .map((k) => syncWaveOf({ apiVersion: k.split(' ')[0], kind: k.split(' ')[1] }))).toEqual([WAVES.prerequisites, WAVES.edge, WAVES.edge, WAVES.workloads]);
    expect(syncWaveOf({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' })).toBe(WAVES.safetyNet);
    expect(syncWaveOf({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig' })).toBe(WAVES.safetyNet);
    expect(syncWaveOf({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate' })).toBe(WAVES.edge);
    expect(syncWaveOf({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' })).toBe(WAVES.autoscaling);
    expect(syncWaveOf({ apiVersion: 'batch/v1', kind: 'Job', metadata: { annotations: { 'argocd.argoproj.io/hook': 'Sync' } } })).toBe(WAVES.migrations);
    expect(syncWaveOf({ apiVersion: 'v1', kind: 'Secret' })).toBe(WAVES.prerequisites);
    expect(syncWaveOf({ apiVersion: 'v1', kind: 'PersistentVolumeClaim' })).toBe(WAVES.prerequisites);
    expect(syncWaveOf({ apiVersion: 'batch/v1', kind: 'CronJob' })).toBe(WAVES.workloads);
    expect(syncWaveOf({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' })).toBe(WAVES.edge);
  });

  test('keeps a wave an object sets itself, merges sync-options, and does not change its input', () => {
    const input = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', annotations: { [SYNC_WAVE]: '5', [SYNC_OPTIONS]: 'Prune=false', other: 'x' } } };
    const out = withSyncAnnotations(input);
    expect(out.metadata.annotations).toEqual({ [SYNC_WAVE]: '5', [SYNC_OPTIONS]: `Prune=false,${SKIP_DRY_RUN}`, other: 'x' });
    expect(input.metadata.annotations[SYNC_OPTIONS]).toBe('Prune=false');
    expect(withSyncAnnotations(out).metadata.annotations[SYNC_OPTIONS]).toBe(`Prune=false,${SKIP_DRY_RUN}`);
  });

  test('protection by kind: data owners get Prune=confirm and Delete=false, an own Prune=/Delete= option wins', () => {
    const opts = (apiVersion: string, kind: string, own?: string) => (withSyncAnnotations({ apiVersion, kind, metadata: { name: 'x', ...(own ? { annotations: { [SYNC_OPTIONS]: own } } : {}) } }) as Record<string, any>).metadata.annotations[SYNC_OPTIONS];
    expect(opts('v1', 'Namespace')).toBe(`${PRUNE_CONFIRM},${DELETE_FALSE}`);
    expect(opts('v1', 'PersistentVolumeClaim')).toBe(`${PRUNE_CONFIRM},${DELETE_FALSE}`);
    expect(opts('apps/v1', 'StatefulSet')).toBe(`${PRUNE_CONFIRM},${DELETE_FALSE}`);
    expect(opts('postgresql.cnpg.io/v1', 'Cluster')).toBe(`${PRUNE_CONFIRM},${DELETE_FALSE},${SKIP_DRY_RUN}`);
    expect(opts('barmancloud.cnpg.io/v1', 'ObjectStore')).toBe(`${PRUNE_CONFIRM},${DELETE_FALSE},${SKIP_DRY_RUN}`);
    expect(opts('apps/v1', 'Deployment')).toBeUndefined();
    expect(opts('example.org/v1', 'Namespace')).toBe(SKIP_DRY_RUN);
    expect(opts('v1', 'Namespace', 'Prune=false')).toBe(`Prune=false,${DELETE_FALSE}`);
  });
});
