/**
 * Argo CD sync annotations for every object of an environment, decided by kind and API group only, so that
 * whatever charts exist get them (one post-processing step in `synthEnvironment`).
 *
 * `argocd.argoproj.io/sync-wave`: Argo CD applies a wave only when every object of the waves before it is
 * in sync and Healthy. So whatever must exist even when the workloads fail comes first, and what may stay
 * unhealthy without harm comes last:
 *
 *  -3 `namespace`     the Namespace.
 *  -2 `safetyNet`     alert rules, scrape targets and alert routing (monitoring.coreos.com: no Argo CD health
 *                     check, so Healthy once applied) and the cert-manager Issuers/ClusterIssuers: `DatabaseDown`
 *                     and TLS exist even when a Secret, a pod or the HPA never gets healthy.
 *  -1 `prerequisites` what workloads need and that needs nothing running: ServiceAccounts, RBAC, ConfigMaps,
 *                     Secrets, secret stores and ExternalSecrets, claims, NetworkPolicies and Services.
 *   0 `edge`          Ingresses, Gateways, routes, Certificates and the edge's policies: TLS is requested as soon
 *                     as the routes exist, even when the pods behind them never get Ready.
 *   1 `migrations`    the database migration Job (an Argo CD Sync hook): must complete before the workloads.
 *   2 `workloads`     Deployments, StatefulSets and everything else.
 *   3 `autoscaling`   HorizontalPodAutoscalers: Argo CD counts an HPA Degraded while it cannot read metrics
 *                     (`FailedGetResourceMetric`, e.g. no metrics-server); last, it blocks nothing.
 *
 * `argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true` on every custom resource (an API group
 * that is not built into Kubernetes): its CRD comes from an operator installed separately, and without this a
 * first sync fails its dry run when the CRD is not there yet.
 *
 * `argocd.argoproj.io/sync-options: Prune=confirm,Delete=false` on the Namespace and on every object that owns
 * data (`PROTECTED_KINDS`: claims, the Redis StatefulSet whose volumeClaimTemplates own the Redis volumes, the
 * CloudNativePG Cluster that owns the PostgreSQL volumes, the Barman Cloud ObjectStore of its backups): a
 * rename or removal in git no longer prunes them without a person confirming it in Argo CD (`Prune=confirm`),
 * and deleting the environment's Application (a renamed environment, `gitops.enabled: false`) leaves them in
 * the cluster (`Delete=false`). Retiring an environment on purpose is in docs/gitops.md.
 *
 * An annotation an object already carries wins (a sync-wave is kept; sync-options are merged, and an object's
 * own Prune= or Delete= option is kept).
 */

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';

/** Sync options that keep data: pruning waits for a person's confirmation; deleting the Application leaves the object. */
export const PRUNE_CONFIRM = 'Prune=confirm';
export const DELETE_FALSE = 'Delete=false';
/** group/kind of the objects that are, or own, an environment's data ("" is the core group). */
export const PROTECTED_KINDS = new Set([
  '/Namespace', '/PersistentVolumeClaim', 'apps/StatefulSet', 'postgresql.cnpg.io/Cluster', 'barmancloud.cnpg.io/ObjectStore',
]);

export function isProtected(o: { apiVersion: string; kind: string }): boolean {
  return PROTECTED_KINDS.has(`${apiGroup(o.apiVersion)}/${o.kind}`);
}

/** The waves, in order. Numbers are strings in the annotation. */
export const WAVES = { namespace: -3, safetyNet: -2, prerequisites: -1, edge: 0, migrations: 1, workloads: 2, autoscaling: 3 } as const;

/** Kinds (of any group) that other objects depend on and that need nothing running. */
const PREREQUISITE_KINDS = new Set([
  'ServiceAccount', 'ConfigMap', 'Secret', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding',
  'PersistentVolumeClaim', 'StorageClass', 'PriorityClass', 'ResourceQuota', 'LimitRange', 'NetworkPolicy',
  'SecretStore', 'ClusterSecretStore', 'ExternalSecret', 'PushSecret',
]);
/** Built-in kinds that go with the prerequisites: a ClusterIP Service is Healthy at once, and routes need it. */
const PREREQUISITE_BUILTIN_KINDS = new Set(['Service']);
/** Kinds (of any group) that route traffic to, or certify, workloads. */
const EDGE_KINDS = new Set(['Ingress', 'IngressClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'Certificate', 'ReferenceGrant']);
/** API groups whose objects all belong to the edge: implementation policies of the Gateway API edge. */
const EDGE_GROUPS = new Set(['gateway.networking.k8s.io', 'gateway.envoyproxy.io', 'gateway.nginx.org', 'cert-manager.io', 'acme.cert-manager.io']);
/** Objects that must exist even when everything else fails: rules, scrape targets, routing of alerts, issuers. */
const SAFETY_NET_GROUPS = new Set(['monitoring.coreos.com']);
const SAFETY_NET_KINDS = new Set(['cert-manager.io/Issuer', 'cert-manager.io/ClusterIssuer']);
/**
 * Kinds of one API group whose place differs from their group's. CloudNativePG: the Barman Cloud plugin's
 * ObjectStore is configuration the Clusters' WAL archiving needs from their first start (prerequisites);
 * the Cluster and its Pooler come in wave 0, so that Argo CD's built-in Cluster health check holds the
 * migration Job (wave 1) and the backend (wave 2) until PostgreSQL runs; a ScheduledBackup needs its
 * Cluster running and goes with the workloads.
 */
const GROUP_KIND_WAVES: Record<string, number> = {
  'barmancloud.cnpg.io/ObjectStore': WAVES.prerequisites,
  'postgresql.cnpg.io/Cluster': WAVES.edge,
  'postgresql.cnpg.io/Pooler': WAVES.edge,
  'postgresql.cnpg.io/ScheduledBackup': WAVES.workloads,
  // Argo Rollouts: the AnalysisTemplate is configuration the Rollout (a workload) reads at its first step.
  'argoproj.io/AnalysisTemplate': WAVES.prerequisites,
};

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

export function syncWaveOf(o: { apiVersion: string; kind: string; metadata?: { annotations?: Record<string, string> } }): number {
  const group = apiGroup(o.apiVersion);
  if (o.kind === 'Namespace' && group === '') return WAVES.namespace;
  if (SAFETY_NET_GROUPS.has(group) || SAFETY_NET_KINDS.has(`${group}/${o.kind}`)) return WAVES.safetyNet;
  const byGroupKind = GROUP_KIND_WAVES[`${group}/${o.kind}`];
  if (byGroupKind !== undefined) return byGroupKind;
  if (PREREQUISITE_KINDS.has(o.kind)) return WAVES.prerequisites;
  if (PREREQUISITE_BUILTIN_KINDS.has(o.kind) && group === '') return WAVES.prerequisites;
  if (EDGE_KINDS.has(o.kind) || EDGE_GROUPS.has(group)) return WAVES.edge;
  if (o.kind === 'Job' && o.metadata?.annotations?.['argocd.argoproj.io/hook']) return WAVES.migrations;
  if (o.kind === 'HorizontalPodAutoscaler') return WAVES.autoscaling;
  return WAVES.workloads;
}

/** A copy of the object with its Argo CD sync annotations (the input is not changed). */
export function withSyncAnnotations<T extends Record<string, any>>(o: T): T {
  const annotations: Record<string, string> = { ...(o.metadata?.annotations ?? {}) };
  if (annotations[SYNC_WAVE] === undefined) annotations[SYNC_WAVE] = String(syncWaveOf(o as any));
  const options = (annotations[SYNC_OPTIONS] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const has = (name: string) => options.some((x) => x.startsWith(`${name}=`));
  if (isProtected(o as any)) {
    if (!has('Prune')) options.push(PRUNE_CONFIRM);
    if (!has('Delete')) options.push(DELETE_FALSE);
  }
  if (!isBuiltinGroup(apiGroup(o.apiVersion)) && !options.includes(SKIP_DRY_RUN)) options.push(SKIP_DRY_RUN);
  if (options.length > 0) annotations[SYNC_OPTIONS] = options.join(',');
  return { ...o, metadata: { ...o.metadata, annotations } };
}
