/**
 * Argo CD sync annotations for every object of an environment, decided by kind and API group only, so that
 * whatever charts exist get them (one post-processing step in `synthEnvironment`):
 *
 * - `argocd.argoproj.io/sync-wave`: what others depend on first (Namespace; then ServiceAccounts, RBAC,
 *   ConfigMaps, Secrets, secret stores and ExternalSecrets, claims, NetworkPolicies), workloads and
 *   everything else next, and last what needs running workloads or an operator's webhook: Ingresses,
 *   cert-manager objects and monitoring objects.
 * - `argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true` on every custom resource (an API group
 *   that is not built into Kubernetes): its CRD comes from an operator installed separately, and without this a
 *   first sync fails its dry run when the CRD is not there yet.
 *
 * An annotation an object already carries wins (a sync-wave is kept; sync-options are merged).
 */

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';

/** The waves, in order. Numbers are strings in the annotation. */
export const WAVES = { namespace: -2, prerequisites: -1, workloads: 0, edge: 1 } as const;

/** Kinds (of any group) that other objects depend on and that need nothing running. */
const PREREQUISITE_KINDS = new Set([
  'ServiceAccount', 'ConfigMap', 'Secret', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding',
  'PersistentVolumeClaim', 'StorageClass', 'PriorityClass', 'ResourceQuota', 'LimitRange', 'NetworkPolicy',
  'SecretStore', 'ClusterSecretStore', 'ExternalSecret', 'PushSecret',
]);
/** Kinds (of any group) that come last: they route traffic to, or certify, workloads. */
const EDGE_KINDS = new Set(['Ingress', 'IngressClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant']);
/** API groups whose objects all come last: certificates, monitoring and the Gateway implementations' policies. */
const EDGE_GROUPS = new Set(['cert-manager.io', 'acme.cert-manager.io', 'monitoring.coreos.com', 'gateway.envoyproxy.io', 'gateway.nginx.org']);

/** The API group of an apiVersion ("" for the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether a group is built into Kubernetes: the core group, the un-dotted groups (apps, batch, policy,
 * autoscaling) and the `*.k8s.io` groups. Everything else is defined by a CRD.
 */
export function isBuiltinGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group === 'k8s.io' || group.endsWith('.k8s.io');
}

export function syncWaveOf(o: { apiVersion: string; kind: string }): number {
  const group = apiGroup(o.apiVersion);
  if (o.kind === 'Namespace' && group === '') return WAVES.namespace;
  if (PREREQUISITE_KINDS.has(o.kind)) return WAVES.prerequisites;
  if (EDGE_KINDS.has(o.kind) || EDGE_GROUPS.has(group)) return WAVES.edge;
  return WAVES.workloads;
}

/** A copy of the object with its Argo CD sync annotations (the input is not changed). */
export function withSyncAnnotations<T extends Record<string, any>>(o: T): T {
  const annotations: Record<string, string> = { ...(o.metadata?.annotations ?? {}) };
  if (annotations[SYNC_WAVE] === undefined) annotations[SYNC_WAVE] = String(syncWaveOf(o as any));
  if (!isBuiltinGroup(apiGroup(o.apiVersion))) {
    const options = (annotations[SYNC_OPTIONS] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!options.includes(SKIP_DRY_RUN)) options.push(SKIP_DRY_RUN);
    annotations[SYNC_OPTIONS] = options.join(',');
  }
  return { ...o, metadata: { ...o.metadata, annotations } };
}
