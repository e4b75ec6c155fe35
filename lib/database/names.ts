/**
 * Names and labels of the CloudNativePG objects and of what the operator creates from them, shared by the
 * database chart, the backend (DATABASE_URL), the NetworkPolicies and the monitoring.
 *
 * What CloudNativePG 1.30 creates (pkg/specs, pkg/utils/labels_annotations.go in cloudnative-pg/cloudnative-pg):
 * - instance pods `<cluster>-<n>` labelled `cnpg.io/cluster: <cluster>`, `cnpg.io/podRole: instance` and
 *   `cnpg.io/instanceRole: primary|replica`, container ports `postgresql` 5432, `metrics` 9187, `status` 8000;
 *   its Jobs (initdb, join, full recovery) carry `cnpg.io/cluster` and `cnpg.io/jobRole`;
 * - PVCs `<cluster>-<n>` (PGDATA) and `<cluster>-<n>-wal` (pg_wal);
 * - the Secret `<cluster>-app` (type basic-auth) with keys username, user, password, dbname, host
 *   (`<cluster>-rw`), port, pgpass, uri, jdbc-uri, fqdn-uri, fqdn-jdbc-uri: none of them points at a pooler;
 * - a Pooler's Deployment and Service named like the Pooler, pods labelled `cnpg.io/poolerName: <pooler>`,
 *   ports `pgbouncer` 5432 and `metrics` 9127.
 */
import type { Environment } from '../config';
import type { CnpgConfig } from './schema';

export const CNPG_API = 'postgresql.cnpg.io/v1';
export const BARMAN_API = 'barmancloud.cnpg.io/v1';
/** The Barman Cloud plugin's name, as Clusters, ScheduledBackups and externalClusters reference it. */
export const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';
export const CLUSTER_LABEL = 'cnpg.io/cluster';
export const POD_ROLE_LABEL = 'cnpg.io/podRole';
export const POOLER_LABEL = 'cnpg.io/poolerName';
export const POSTGRES_PORT = 5432;
export const INSTANCE_STATUS_PORT = 8000;
export const INSTANCE_METRICS_PORT = 9187;
export const POOLER_PORT = 5432;
export const POOLER_METRICS_PORT = 9127;
/** The name externalClusters gives the object store a recovery Cluster restores from. */
export const RECOVERY_SOURCE = 'origin';

/** Labels of our own objects of the database (the CloudNativePG resources, PDB, NetworkPolicies). */
export const DATABASE = { name: 'pensioen-db', component: 'database' };

export const appSecretOf = (cluster: string) => `${cluster}-app`;
export const poolerOf = (cluster: string) => `${cluster}-pooler-rw`;
export const scheduledBackupOf = (cluster: string) => `${cluster}-daily`;

/** The CloudNativePG configuration of an environment in cloudnative-pg mode, else undefined. */
export function cnpgOf(env: Environment): CnpgConfig | undefined {
  return env.config.database.mode === 'cloudnative-pg' ? env.config.database.cloudnativePg : undefined;
}

/** Every Cluster the environment runs: the main one (unless retired) and, when enabled, the recovery Cluster. */
export function clusterNames(cnpg: CnpgConfig): string[] {
  const r = cnpg.recovery;
  return [...(r.retireOriginal ? [] : [cnpg.clusterName]), ...(r.enabled ? [r.clusterName] : [])];
}

/** The Cluster the backend uses: the recovery Cluster once `recovery.switchBackend` is set. */
export function servingCluster(cnpg: CnpgConfig): string {
  return cnpg.recovery.enabled && cnpg.recovery.switchBackend ? cnpg.recovery.clusterName : cnpg.clusterName;
}

/**
 * Selects the pods of these Clusters that are not PgBouncer: the instances and the operator's Jobs
 * (initdb, join, recovery), which need the same network paths. Pooler pods always carry `cnpg.io/poolerName`,
 * so they stay out whatever other labels a CloudNativePG version gives them.
 */
export function instanceSelector(clusters: string[]) {
  return {
    matchExpressions: [
      { key: CLUSTER_LABEL, operator: 'In', values: clusters },
      { key: POOLER_LABEL, operator: 'DoesNotExist' },
    ],
  };
}

export function poolerSelector(clusters: string[]) {
  return { matchExpressions: [{ key: POOLER_LABEL, operator: 'In', values: clusters.map(poolerOf) }] };
}

/**
 * What the backend's DATABASE_URL is made of in cloudnative-pg mode: the serving Cluster's pooler (host, port),
 * the database, and the Secret `<cluster>-app` the operator creates, whose `username` and `password` the
 * backend gets as env vars. No key of that Secret names the pooler, so DATABASE_URL is composed by the
 * kubelet from those two env vars (`$(VAR)` expansion): no value is in git. CloudNativePG generates the
 * password from letters and digits only (password.Generate(64, 10, 0, false, true)), so it needs no
 * URL escaping.
 */
export function backendDatabaseEndpoint(env: Environment): { host: string; port: number; database: string; secret: string; query?: string } | undefined {
  const cnpg = cnpgOf(env);
  if (!cnpg) return undefined;
  const cluster = servingCluster(cnpg);
  return { host: `${poolerOf(cluster)}.${env.config.namespace}`, port: POOLER_PORT, database: env.config.database.name, secret: appSecretOf(cluster), query: cnpg.connectionQuery };
}
