import type { Construct } from 'constructs';
import { ObjectStore, type ObjectStoreSpec, ObjectStoreSpecConfigurationDataCompression, ObjectStoreSpecConfigurationDataEncryption, ObjectStoreSpecConfigurationWalCompression, ObjectStoreSpecConfigurationWalEncryption, ObjectStoreSpecInstanceSidecarConfigurationResourcesLimits, ObjectStoreSpecInstanceSidecarConfigurationResourcesRequests } from '../imports/barmancloud-objectstores-barmancloud.cnpg.io';
import { Cluster, type ClusterSpec, type ClusterSpecBootstrap, type ClusterSpecExternalClusters, ClusterSpecPrimaryUpdateMethod, ClusterSpecPrimaryUpdateStrategy, ClusterSpecResourcesLimits, ClusterSpecResourcesRequests } from '../imports/cnpg-clusters-postgresql.cnpg.io';
import { Pooler, type PoolerSpec, PoolerSpecDeploymentStrategyRollingUpdateMaxSurge, PoolerSpecDeploymentStrategyRollingUpdateMaxUnavailable, PoolerSpecPgbouncerPoolMode, PoolerSpecTemplateSpecContainersResourcesLimits, PoolerSpecTemplateSpecContainersResourcesRequests, PoolerSpecType } from '../imports/cnpg-poolers-postgresql.cnpg.io';
import { ScheduledBackup, ScheduledBackupSpecBackupOwnerReference, ScheduledBackupSpecMethod, ScheduledBackupSpecTarget } from '../imports/cnpg-scheduledbackups-postgresql.cnpg.io';
import { EnvChart, type EnvChartProps, type EnvContext } from '../lib/constructs/env-chart';
import type { Workload } from '../lib/constructs/workload';
import type { EnvConfig } from '../lib/config';
import { k8s } from '../lib/k8s';
import { SPREAD_HONOR } from '../lib/k8s/hardened';
import { meta, PART_OF, versionOfImage } from '../lib/k8s/labels';
import { dnsEgress, fromNamespace, tcp } from '../lib/k8s/network';
import {
  BARMAN_PLUGIN, CLUSTER_LABEL, DATABASE, INSTANCE_METRICS_PORT, INSTANCE_STATUS_PORT, POD_ROLE_LABEL,
  POOLER_LABEL, POOLER_METRICS_PORT, POOLER_PORT, POSTGRES_PORT, RECOVERY_SOURCE, clusterNames, instanceSelector,
  poolerOf, poolerSelector, scheduledBackupOf,
} from '../lib/database/names';
import type { CnpgConfig, ConnectionSizing } from '../lib/database/schema';
import type { ClusterSpecManagedRoles } from '../imports/cnpg-clusters-postgresql.cnpg.io';

/** The names a client in the cluster may use for a Service (the server certificate's SANs). */
const serviceNames = (service: string, namespace: string) => [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];

export interface DatabaseChartProps extends EnvChartProps {
  /** `database`: its name and owner, and `cloudnativePg` (instances, storage, pooler, backups, recovery, the operator). */
  readonly database: EnvConfig['database'];
  /** max_connections and PgBouncer's pool sizes from the connection budget (lib/database/schema.ts `connectionSizing`). */
  readonly sizing: ConnectionSizing;
  /**
   * The backend's own data-only role in the Cluster's `managed.roles` (lib/database/roles.ts `managedAppRole`).
   * @default - none: the backend connects as the owner
   */
  readonly appRole?: ClusterSpecManagedRoles;
  /** The database's client: the poolers admit its pods. */
  readonly backend: Workload;
  /**
   * The migration Job's pods (charts/migrations.ts), which use the backend's DATABASE_URL.
   * @default - none: no migrations run in the cluster
   */
  readonly migrations?: k8s.NetworkPolicyPeer;
  /**
   * Prometheus's pods (`network`), with `monitoring.enabled`: they scrape the instances and the poolers.
   * @default - none: no metrics port is open
   */
  readonly prometheus?: k8s.NetworkPolicyPeer;
}

/**
 * PostgreSQL in the cluster with CloudNativePG 1.30 and the Barman Cloud plugin (`database.mode:
 * cloudnative-pg`), written to `08-database.yaml`:
 *
 * - ObjectStore `<objectStore.name>`: the S3-compatible bucket for base backups and the WAL archive, with
 *   compression and the retention policy (point-in-time recovery window);
 * - Cluster `<clusterName>`: `instances` PostgreSQL pods (one primary, streaming replicas) spread over nodes and
 *   zones, data and WAL volumes, `max_connections` from the connection budget, database and owner created by
 *   initdb, WAL archived by the plugin;
 * - Pooler `<clusterName>-pooler-rw`: PgBouncer in transaction mode in front of the primary, plus its PDB;
 * - ScheduledBackup `<clusterName>-daily`: a base backup through the plugin every day;
 * - with `recovery.enabled`, a second Cluster bootstrapped from the object store (latest, or `targetTime`) and
 *   its Pooler; with `recovery.switchBackend`, its daily backups too (the backend then uses it);
 * - NetworkPolicies of the instances and the poolers.
 *
 * Argo CD order (lib/output/sync-waves.ts): the ObjectStore in the prerequisites wave, the Clusters and Poolers
 * with the workloads (Argo CD's built-in health check for Cluster holds the next wave until it is healthy), the
 * ScheduledBackups last, when the Cluster they back up runs.
 */
export class DatabaseChart extends EnvChart {
  constructor(scope: Construct, id: string, props: DatabaseChartProps) {
    super(scope, id, props.env, '08-database.yaml');
    const env = props.env;
    const db = props.database;
    const cnpg = db.mode === 'cloudnative-pg' ? db.cloudnativePg : undefined;
    if (!cnpg) throw new Error(`DatabaseChart ${id}: database.mode: must be cloudnative-pg, got ${JSON.stringify(db.mode)}`);
    const store = cnpg.backup.objectStore;
    const labelSpec = { ...DATABASE, version: versionOfImage(cnpg.imageName) };
    const m = (name: string) => meta(env, name, labelSpec);

    new ObjectStore(this, 'object-store', {
      metadata: m(store.name),
      spec: objectStoreSpec(cnpg),
    });

    const r = cnpg.recovery;
    const clusters: { name: string; bootstrap: ClusterSpecBootstrap; externalClusters?: ClusterSpecExternalClusters[]; backups: boolean }[] = [{
      name: cnpg.clusterName,
      bootstrap: { initdb: { database: db.name, owner: db.owner, dataChecksums: true, encoding: 'UTF8' } },
      backups: true,
    }];
    if (r.enabled) {
      clusters.push({
        name: r.clusterName,
        bootstrap: {
          recovery: {
            source: RECOVERY_SOURCE,
            database: db.name,
            owner: db.owner,
            // Without a target, recovery replays every archived WAL file: the latest state.
            ...(r.targetTime ? { recoveryTarget: { targetTime: r.targetTime } } : {}),
          },
        },
        externalClusters: [{
          name: RECOVERY_SOURCE,
          plugin: { name: BARMAN_PLUGIN, parameters: { barmanObjectName: store.name, serverName: r.sourceServerName ?? cnpg.clusterName } },
        }],
        backups: r.switchBackend,
      });
    }

    for (const c of clusters.filter((x) => clusterNames(cnpg).includes(x.name))) {
      new Cluster(this, `cluster-${c.name}`, {
        metadata: m(c.name),
        spec: clusterSpec(env, props, cnpg, c.name, c.bootstrap, c.externalClusters),
      });
      new Pooler(this, `pooler-${c.name}`, {
        metadata: m(poolerOf(c.name)),
        spec: poolerSpec(props.sizing, cnpg, c.name),
      });
      new k8s.KubePodDisruptionBudget(this, `pooler-pdb-${c.name}`, {
        metadata: m(`${poolerOf(c.name)}-pdb`),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { [POOLER_LABEL]: poolerOf(c.name) } } },
      });
      if (c.backups) {
        new ScheduledBackup(this, `scheduled-backup-${c.name}`, {
          metadata: m(scheduledBackupOf(c.name)),
          spec: {
            cluster: { name: c.name },
            schedule: cnpg.backup.schedule,
            method: ScheduledBackupSpecMethod.PLUGIN,
            pluginConfiguration: { name: BARMAN_PLUGIN },
            target: BACKUP_TARGET[cnpg.backup.target],
            // A first backup right away: point-in-time recovery works from the first day, not the next night.
            immediate: true,
            backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
          },
        });
      }
    }

    this.networkPolicies(props, cnpg);
  }

  private networkPolicies(props: DatabaseChartProps, cnpg: CnpgConfig): void {
    const env = props.env;
    const clusters = clusterNames(cnpg);
    const instances = instanceSelector(clusters);
    const poolers = poolerSelector(clusters);
    const operator = { ...fromNamespace(cnpg.operatorNamespace), podSelector: { matchLabels: cnpg.operatorPodLabels } };
    const monitoring = props.prometheus;
    const apiServer = { to: cnpg.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(cnpg.apiServerPort)] };
    const store = cnpg.backup.objectStore;
    const spec = { name: DATABASE.name, component: 'network-policy' };

    new k8s.KubeNetworkPolicy(this, 'instances-policy', {
      metadata: meta(env, `${cnpg.clusterName}-instances`, spec),
      spec: {
        podSelector: instances,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          // Clients: only PgBouncer. The backend never talks to an instance directly.
          { from: [{ podSelector: poolers }], ports: [tcp(POSTGRES_PORT)] },
          // Streaming replication, pg_rewind and the join Job of a new replica; the instance managers' status.
          { from: [{ podSelector: instances }], ports: [tcp(POSTGRES_PORT), tcp(INSTANCE_STATUS_PORT)] },
          // The operator polls every instance's status endpoint and connects to PostgreSQL.
          { from: [operator], ports: [tcp(INSTANCE_STATUS_PORT), tcp(POSTGRES_PORT)] },
          ...(monitoring ? [{ from: [monitoring], ports: [tcp(INSTANCE_METRICS_PORT)] }] : []),
        ],
        egress: [
          dnsEgress(env.config),
          { to: [{ podSelector: instances }], ports: [tcp(POSTGRES_PORT), tcp(INSTANCE_STATUS_PORT)] },
          // The instance manager watches its Cluster and Secrets.
          apiServer,
          // The Barman Cloud sidecar: WAL archive, base backups, restore.
          { to: store.egressCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(store.egressPort)] },
        ],
      },
    });

    new k8s.KubeNetworkPolicy(this, 'pooler-policy', {
      metadata: meta(env, `${cnpg.clusterName}-pooler`, spec),
      spec: {
        podSelector: poolers,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [props.backend.peer], ports: [tcp(POOLER_PORT)] },
          // The migration Job uses the same DATABASE_URL (lib/database/connection.ts databaseEnv).
          ...(props.migrations ? [{ from: [props.migrations], ports: [tcp(POOLER_PORT)] }] : []),
          ...(monitoring ? [{ from: [monitoring], ports: [tcp(POOLER_METRICS_PORT)] }] : []),
        ],
        egress: [
          dnsEgress(env.config),
          { to: [{ podSelector: instances }], ports: [tcp(POSTGRES_PORT)] },
          // PgBouncer's instance manager reads its Pooler, the Cluster's certificates and the auth_query credentials.
          apiServer,
        ],
      },
    });
  }
}

type ObjectStoreConfig = CnpgConfig['backup']['objectStore'];
const BACKUP_TARGET: Record<CnpgConfig['backup']['target'], ScheduledBackupSpecTarget> = {
  'primary': ScheduledBackupSpecTarget.PRIMARY,
  'prefer-standby': ScheduledBackupSpecTarget.PREFER_HYPHEN_STANDBY,
};
const POOL_MODE: Record<CnpgConfig['pooler']['poolMode'], PoolerSpecPgbouncerPoolMode> = {
  session: PoolerSpecPgbouncerPoolMode.SESSION,
  transaction: PoolerSpecPgbouncerPoolMode.TRANSACTION,
};
const WAL_COMPRESSION: Record<ObjectStoreConfig['walCompression'], ObjectStoreSpecConfigurationWalCompression> = {
  bzip2: ObjectStoreSpecConfigurationWalCompression.BZIP2, gzip: ObjectStoreSpecConfigurationWalCompression.GZIP,
  lz4: ObjectStoreSpecConfigurationWalCompression.LZ4, snappy: ObjectStoreSpecConfigurationWalCompression.SNAPPY,
  xz: ObjectStoreSpecConfigurationWalCompression.XZ, zstd: ObjectStoreSpecConfigurationWalCompression.ZSTD,
};
const DATA_COMPRESSION: Record<ObjectStoreConfig['dataCompression'], ObjectStoreSpecConfigurationDataCompression> = {
  bzip2: ObjectStoreSpecConfigurationDataCompression.BZIP2, gzip: ObjectStoreSpecConfigurationDataCompression.GZIP,
  lz4: ObjectStoreSpecConfigurationDataCompression.LZ4, snappy: ObjectStoreSpecConfigurationDataCompression.SNAPPY,
};
const WAL_ENCRYPTION = { 'AES256': ObjectStoreSpecConfigurationWalEncryption.AES256, 'aws:kms': ObjectStoreSpecConfigurationWalEncryption.AWS_KMS } as const;
const DATA_ENCRYPTION = { 'AES256': ObjectStoreSpecConfigurationDataEncryption.AES256, 'aws:kms': ObjectStoreSpecConfigurationDataEncryption.AWS_KMS } as const;

/** Requests and limits (`cpu`, `memory`, `ephemeral-storage`) as the quantity class of one generated type. */
function quantityMap<Q>(values: Readonly<Record<string, string>>, quantity: (v: string) => Q): Record<string, Q> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, quantity(v)]));
}

function objectStoreSpec(cnpg: CnpgConfig): ObjectStoreSpec {
  const s = cnpg.backup.objectStore;
  const cred = s.credentials;
  // Server-side encryption of every object the plugin writes (unless the bucket's own policy is relied on).
  const walEncryption = s.encryption === 'bucket-default' ? {} : { encryption: WAL_ENCRYPTION[s.encryption] };
  const dataEncryption = s.encryption === 'bucket-default' ? {} : { encryption: DATA_ENCRYPTION[s.encryption] };
  const s3Credentials = cred.type === 'iam-role'
    ? { inheritFromIamRole: true }
    : {
      accessKeyId: { name: cred.secretName, key: cred.accessKeyIdKey },
      secretAccessKey: { name: cred.secretName, key: cred.secretAccessKeyKey },
      ...(cred.regionKey ? { region: { name: cred.secretName, key: cred.regionKey } } : {}),
    };
  return {
    retentionPolicy: s.retentionPolicy,
    configuration: {
      destinationPath: s.destinationPath,
      ...(s.endpointURL ? { endpointUrl: s.endpointURL } : {}),
      ...(s.endpointCA ? { endpointCa: { name: s.endpointCA.name, key: s.endpointCA.key } } : {}),
      s3Credentials,
      wal: { compression: WAL_COMPRESSION[s.walCompression], maxParallel: s.walMaxParallel, ...walEncryption },
      data: { compression: DATA_COMPRESSION[s.dataCompression], jobs: 2, ...dataEncryption },
    },
    instanceSidecarConfiguration: {
      resources: {
        requests: quantityMap(s.sidecarResources.requests, ObjectStoreSpecInstanceSidecarConfigurationResourcesRequests.fromString),
        limits: quantityMap(s.sidecarResources.limits, ObjectStoreSpecInstanceSidecarConfigurationResourcesLimits.fromString),
      },
    },
  };
}

/** The spread of a Cluster's instances: never two on one node (anti-affinity), as even as possible over zones. */
function clusterSpec(env: EnvContext, props: DatabaseChartProps, cnpg: CnpgConfig, name: string, bootstrap: ClusterSpecBootstrap, externalClusters?: ClusterSpecExternalClusters[]): ClusterSpec {
  const sizing = props.sizing;
  const storage = (s: { size: string; storageClass?: string }) => ({
    size: s.size,
    ...(s.storageClass ? { storageClass: s.storageClass } : {}),
    resizeInUseVolumes: true,
  });
  const instancePods = { matchLabels: { [CLUSTER_LABEL]: name, [POD_ROLE_LABEL]: 'instance' } };
  const appRole = props.appRole;
  return {
    description: `PostgreSQL of ${env.name} (database ${props.database.name})`,
    instances: cnpg.instances,
    imageName: cnpg.imageName,
    // Replicas are updated first, then the primary by a switchover to an updated replica.
    primaryUpdateStrategy: ClusterSpecPrimaryUpdateStrategy.UNSUPERVISED,
    primaryUpdateMethod: ClusterSpecPrimaryUpdateMethod.SWITCHOVER,
    // Pod Security "restricted": CloudNativePG runs PostgreSQL as uid 26, non-root, every capability dropped,
    // no privilege escalation, a read-only root filesystem; the seccomp profile is set here explicitly.
    seccompProfile: { type: 'RuntimeDefault' },
    enableSuperuserAccess: false,
    enablePdb: true,
    // The backend's own data-only role (lib/database/roles.ts); the owner stays the migrator.
    ...(appRole ? { managed: { roles: [appRole] } } : {}),
    // PgBouncer presents the Cluster's server certificate to clients: with the pooler's Service names in it,
    // DATABASE_URL's sslmode=verify-full holds for the pooler's host.
    certificates: { serverAltDnsNames: serviceNames(poolerOf(name), env.config.namespace) },
    postgresql: {
      parameters: { ...cnpg.parameters, max_connections: String(sizing.maxConnections) },
    },
    bootstrap,
    ...(externalClusters ? { externalClusters } : {}),
    storage: storage(cnpg.storage),
    walStorage: storage(cnpg.walStorage),
    resources: {
      requests: quantityMap(cnpg.resources.requests, ClusterSpecResourcesRequests.fromString),
      limits: quantityMap(cnpg.resources.limits, ClusterSpecResourcesLimits.fromString),
    },
    affinity: {
      enablePodAntiAffinity: true,
      podAntiAffinityType: cnpg.antiAffinity,
      topologyKey: 'kubernetes.io/hostname',
    },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: cnpg.antiAffinity === 'required' ? 'DoNotSchedule' : 'ScheduleAnyway', labelSelector: instancePods, ...SPREAD_HONOR },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: instancePods, ...SPREAD_HONOR },
    ],
    // The operator's own PodMonitor is deprecated; 50-monitoring.yaml has ours.
    monitoring: { enablePodMonitor: false },
    plugins: [{
      name: BARMAN_PLUGIN,
      enabled: true,
      isWalArchiver: true,
      // Each Cluster writes below <destinationPath>/<serverName>/: a recovery Cluster never writes into the
      // archive it restores from.
      parameters: { barmanObjectName: cnpg.backup.objectStore.name, serverName: name },
    }],
  };
}

function poolerSpec(s: ConnectionSizing, cnpg: CnpgConfig, cluster: string): PoolerSpec {
  const p = cnpg.pooler;
  const pods = { matchLabels: { [POOLER_LABEL]: poolerOf(cluster) } };
  return {
    cluster: { name: cluster },
    instances: p.instances,
    type: PoolerSpecType.RW,
    pgbouncer: {
      poolMode: POOL_MODE[p.poolMode],
      parameters: {
        default_pool_size: String(s.defaultPoolSize),
        max_client_conn: String(s.maxClientConnections),
      },
    },
    deploymentStrategy: {
      type: 'RollingUpdate',
      rollingUpdate: {
        maxUnavailable: PoolerSpecDeploymentStrategyRollingUpdateMaxUnavailable.fromNumber(0),
        maxSurge: PoolerSpecDeploymentStrategyRollingUpdateMaxSurge.fromNumber(1),
      },
    },
    template: {
      metadata: { labels: { 'app.kubernetes.io/part-of': PART_OF } },
      spec: {
        containers: [{
          name: 'pgbouncer',
          resources: {
            requests: quantityMap(p.resources.requests, PoolerSpecTemplateSpecContainersResourcesRequests.fromString),
            limits: quantityMap(p.resources.limits, PoolerSpecTemplateSpecContainersResourcesLimits.fromString),
          },
        }],
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: pods, ...SPREAD_HONOR },
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: pods, ...SPREAD_HONOR },
        ],
      },
    },
  };
}
