/**
 * PostgreSQL with CloudNativePG (`database.mode: cloudnative-pg`, config/onprem.yaml): the Cluster, Pooler,
 * ObjectStore and ScheduledBackup in 08-database.yaml, the recovery Cluster, the backend's DATABASE_URL, the
 * Argo CD order, and the managed mode left as it was. Every value is asserted, and config values are changed
 * to see the output follow.
 */
import { cnpgEnv, cnpgOverrides } from './database-helpers';
import { environment, find, objectsOf } from './helpers';
import { backendBudget, connectionSizing } from '../lib/database/schema';
import { SKIP_DRY_RUN, SYNC_OPTIONS, SYNC_WAVE } from '../lib/output/sync-waves';
import { contextOf, validateEnvironments, validateObjects } from '../lib/validate';
import { synthEnvironment } from '../lib/pipeline';

const onprem = objectsOf('onprem');
const of = (objects: Record<string, any>[], kind: string, name: string) => find(objects, kind, name);

describe('onprem: 08-database.yaml', () => {
  const cluster = of(onprem, 'Cluster', 'pensioen-db');
  const pooler = of(onprem, 'Pooler', 'pensioen-db-pooler-rw');
  const store = of(onprem, 'ObjectStore', 'pensioen-db-backups');
  const backup = of(onprem, 'ScheduledBackup', 'pensioen-db-daily');

  test('holds exactly the database objects, in the file 08-database.yaml, in namespace pensioen', () => {
    const inFile = onprem.filter((o) => o.__file === 'onprem/08-database.yaml').map((o) => `${o.kind}/${o.metadata.name}`);
    expect(inFile).toEqual([
      'ObjectStore/pensioen-db-backups', 'Cluster/pensioen-db', 'Pooler/pensioen-db-pooler-rw', 'PodDisruptionBudget/pensioen-db-pooler-rw-pdb',
      'ScheduledBackup/pensioen-db-daily', 'NetworkPolicy/pensioen-db-instances', 'NetworkPolicy/pensioen-db-pooler',
    ]);
    for (const o of [cluster, pooler, store, backup]) {
      expect(o.metadata.namespace).toBe('pensioen');
      expect(o.metadata.labels['app.kubernetes.io/part-of']).toBe('pensioen-beslissingstool');
      expect(o.metadata.labels['app.kubernetes.io/managed-by']).toBe('cdk8s');
    }
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(store.apiVersion).toBe('barmancloud.cnpg.io/v1');
  });

  test('Cluster: 3 instances of a pinned image, spread over nodes (required) and zones', () => {
    const s = cluster.spec;
    expect(s.instances).toBe(3);
    expect(s.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie');
    expect(s.affinity).toEqual({ enablePodAntiAffinity: true, podAntiAffinityType: 'required', topologyKey: 'kubernetes.io/hostname' });
    const sel = { matchLabels: { 'cnpg.io/cluster': 'pensioen-db', 'cnpg.io/podRole': 'instance' } };
    expect(s.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: sel, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor' },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: sel, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor' },
    ]);
    expect(s.enablePDB).toBe(true);
    expect(s.primaryUpdateStrategy).toBe('unsupervised');
    expect(s.primaryUpdateMethod).toBe('switchover');
  });

  test('Cluster: data and WAL volumes with size and class, resources in the Guaranteed class', () => {
    expect(cluster.spec.storage).toEqual({ size: '50Gi', storageClass: 'local-ssd', resizeInUseVolumes: true });
    expect(cluster.spec.walStorage).toEqual({ size: '10Gi', storageClass: 'local-ssd', resizeInUseVolumes: true });
    expect(cluster.spec.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '1Gi' } });
  });

  test('Cluster: restricted-compatible (RuntimeDefault seccomp, no superuser access, no pod/container overrides)', () => {
    expect(cluster.spec.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(cluster.spec.enableSuperuserAccess).toBe(false);
    // The operator's defaults (uid 26, runAsNonRoot, drop ALL, no privilege escalation, read-only root) stay.
    expect(cluster.spec.podSecurityContext).toBeUndefined();
    expect(cluster.spec.securityContext).toBeUndefined();
  });

  test('Cluster: database rules_engine owned by rules_engine, created by initdb', () => {
    expect(cluster.spec.bootstrap).toEqual({ initdb: { database: 'rules_engine', owner: 'rules_engine', dataChecksums: true, encoding: 'UTF8' } });
    expect(cluster.spec.externalClusters).toBeUndefined();
  });

  test('Cluster: max_connections 300 (database.maxConnections), above the budget (6 + 2 surge) pods x (10 + 20) = 240', () => {
    expect(backendBudget(environment('onprem').config)).toBe(240);
    expect(cluster.spec.postgresql.parameters).toEqual({
      shared_buffers: '256MB', effective_cache_size: '768MB', work_mem: '4MB', maintenance_work_mem: '64MB', wal_compression: 'on',
      log_min_duration_statement: '1000', idle_in_transaction_session_timeout: '300000', max_connections: '300',
    });
  });

  test('Cluster: WAL archived by the Barman Cloud plugin into the ObjectStore, below its own server name', () => {
    expect(cluster.spec.plugins).toEqual([{
      name: 'barman-cloud.cloudnative-pg.io', enabled: true, isWALArchiver: true,
      parameters: { barmanObjectName: 'pensioen-db-backups', serverName: 'pensioen-db' },
    }]);
    // In-tree Barman Cloud (deprecated since 1.26, removed in 1.31) is not used; nor the deprecated PodMonitor.
    expect(cluster.spec.backup).toBeUndefined();
    expect(cluster.spec.monitoring).toEqual({ enablePodMonitor: false });
  });

  test('Pooler: PgBouncer rw in transaction mode, 2 pods spread over nodes, sized from the budget', () => {
    expect(pooler.spec).toEqual({
      cluster: { name: 'pensioen-db' },
      instances: 2,
      type: 'rw',
      pgbouncer: { poolMode: 'transaction', parameters: { default_pool_size: '120', max_client_conn: '240' } },
      deploymentStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/part-of': 'pensioen-beslissingstool' } },
        spec: {
          containers: [{ name: 'pgbouncer', resources: { requests: { cpu: '100m', memory: '64Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '500m', memory: '128Mi', 'ephemeral-storage': '512Mi' } } }],
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'cnpg.io/poolerName': 'pensioen-db-pooler-rw' } }, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor' },
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'cnpg.io/poolerName': 'pensioen-db-pooler-rw' } }, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor' },
          ],
        },
      },
    });
    expect(of(onprem, 'PodDisruptionBudget', 'pensioen-db-pooler-rw-pdb').spec)
      .toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'cnpg.io/poolerName': 'pensioen-db-pooler-rw' } } });
  });

  test('ObjectStore: S3-compatible endpoint, bucket path, keys from a Secret, compression, 30 days retention', () => {
    expect(store.spec).toEqual({
      retentionPolicy: '30d',
      configuration: {
        destinationPath: 's3://pensioen-onprem-db-backups/postgres',
        endpointURL: 'https://s3.pensioen.intern',
        endpointCA: { name: 'object-store-ca', key: 'ca.crt' },
        s3Credentials: {
          accessKeyId: { name: 'pensioen-db-backup-credentials', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 'pensioen-db-backup-credentials', key: 'ACCESS_SECRET_KEY' },
        },
        wal: { compression: 'zstd', maxParallel: 2, encryption: 'AES256' },
        data: { compression: 'snappy', jobs: 2, encryption: 'AES256' },
      },
      instanceSidecarConfiguration: { resources: { requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' } } },
    });
    // CEL rule of the CRD: the server name is a plugin parameter of the Cluster, never in the ObjectStore.
    expect(store.spec.configuration.serverName).toBeUndefined();
  });

  test('ScheduledBackup: daily at 02:00 through the plugin, from a standby, first one right away', () => {
    expect(backup.spec).toEqual({
      cluster: { name: 'pensioen-db' },
      schedule: '0 0 2 * * *',
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      target: 'prefer-standby',
      immediate: true,
      backupOwnerReference: 'self',
    });
  });

  test('Argo CD: ObjectStore, then Cluster and Pooler, before the migration Job and the backend; ScheduledBackup with the workloads; all skip the dry run', () => {
    const wave = (o: Record<string, any>) => Number(o.metadata.annotations[SYNC_WAVE]);
    expect([wave(store), wave(cluster), wave(pooler), wave(backup)]).toEqual([-1, 0, 0, 2]);
    const migrate = onprem.find((o) => o.kind === 'Job')!;
    expect(wave(cluster)).toBeLessThan(wave(migrate) || 1);
    expect(wave(pooler)).toBeLessThan(wave(of(onprem, 'Deployment', 'backend')));
    // kubectl apply order: the database file before the migrations.
    expect(cluster.__file < migrate.__file).toBe(true);
    for (const o of [pooler, backup]) expect(o.metadata.annotations[SYNC_OPTIONS]).toBe(SKIP_DRY_RUN);
    // The objects that own the data are also kept from pruning without confirmation and from Application deletion.
    for (const o of [store, cluster]) expect(o.metadata.annotations[SYNC_OPTIONS]).toBe(`Prune=confirm,Delete=false,${SKIP_DRY_RUN}`);
  });

  test('the validation gate accepts every object (CRD schemas, references to operator-created pods and Secrets)', () => {
    const env = environment('onprem');
    expect(validateEnvironments([{ env, files: synthEnvironment(env) }])).toEqual([]);
  });

  test('the gate holds them to the CRDs\' CEL rules too: a broken copy of each is refused', () => {
    const env = environment('onprem');
    const objects = synthEnvironment(env).flatMap((f) => f.objects);
    const broken = objects.map((o) => {
      const c = JSON.parse(JSON.stringify(o));
      if (c.kind === 'Cluster') c.spec.imageCatalogRef = { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'x', major: 18 };
      if (c.kind === 'ObjectStore') c.spec.configuration.serverName = 'pensioen-db';
      if (c.kind === 'Pooler') c.spec.pgbouncer.poolMode = 'statement';
      return c;
    });
    const findings = validateObjects(broken, contextOf(env)).map((f) => `${f.kind}/${f.name}: ${f.rule}`);
    expect(findings).toEqual(expect.arrayContaining([
      'Cluster/pensioen-db: cel-rule',
      'ObjectStore/pensioen-db-backups: cel-rule',
      expect.stringMatching(/^Pooler\/pensioen-db-pooler-rw: schema-enum/),
    ]));
  });
});

describe('backend DATABASE_URL', () => {
  const envVars = (objects: Record<string, any>[]) => of(objects, 'Deployment', 'backend').spec.template.spec.containers[0].env;

  test('cloudnative-pg: composed from the backend role\'s Secret and the pooler, verify-full against the Cluster CA, no value in git', () => {
    const env = envVars(onprem);
    expect(env.slice(0, 3)).toEqual([
      { name: 'DATABASE_USER', valueFrom: { secretKeyRef: { name: 'pensioen-db-app-role', key: 'username' } } },
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'pensioen-db-app-role', key: 'password' } } },
      { name: 'DATABASE_URL', value: 'postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@pensioen-db-pooler-rw.pensioen:5432/rules_engine?sslmode=verify-full&sslrootcert=/etc/pensioen/postgres-ca/ca.crt' },
    ]);
    expect(JSON.stringify(onprem)).not.toContain('db-secrets');
    expect(JSON.stringify(onprem)).not.toContain('postgres-exporter-secrets');
  });

  test('the query string, database and cluster name follow the config', () => {
    const objects = objectsOf(cnpgEnv({ database: { name: 'regels', owner: 'regels_owner', cloudnativePg: { clusterName: 'pg', connectionQuery: 'connect_timeout=10' } } }));
    expect(envVars(objects)[2].value).toBe('postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@pg-pooler-rw.pensioen:5432/regels?sslmode=verify-full&sslrootcert=/etc/pensioen/postgres-ca/ca.crt&connect_timeout=10');
    expect(envVars(objects)[0].valueFrom.secretKeyRef.name).toBe('pensioen-db-app-role');
    expect(of(objects, 'Cluster', 'pg').spec.bootstrap.initdb).toMatchObject({ database: 'regels', owner: 'regels_owner' });
    expect(of(objects, 'Pooler', 'pg-pooler-rw').spec.cluster).toEqual({ name: 'pg' });
  });

  test('managed (production): unchanged, the whole URL from secrets.database, no CloudNativePG object', () => {
    const production = objectsOf('production');
    expect(envVars(production)[0]).toEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db-secrets', key: 'connection-string' } } });
    expect(production.some((o) => /cnpg\.io\//.test(o.apiVersion))).toBe(false);
    expect(production.some((o) => o.__file.endsWith('08-database.yaml'))).toBe(false);
    find(production, 'Deployment', 'postgres-exporter');
  });
});

describe('values follow the config', () => {
  test('instances, anti-affinity, storage class and schedule', () => {
    const objects = objectsOf(cnpgEnv(cnpgOverrides({
      instances: 5, antiAffinity: 'preferred', storage: { size: '100Gi', storageClass: 'fast' }, backup: { schedule: '0 30 3 * * *', target: 'primary' },
    })));
    const c = of(objects, 'Cluster', 'pensioen-db').spec;
    expect(c.instances).toBe(5);
    expect(c.affinity.podAntiAffinityType).toBe('preferred');
    expect(c.topologySpreadConstraints[0].whenUnsatisfiable).toBe('ScheduleAnyway');
    expect(c.storage).toEqual({ size: '100Gi', storageClass: 'fast', resizeInUseVolumes: true });
    expect(c.walStorage).toEqual({ size: '5Gi', resizeInUseVolumes: true });
    expect(of(objects, 'ScheduledBackup', 'pensioen-db-daily').spec).toMatchObject({ schedule: '0 30 3 * * *', target: 'primary' });
  });

  test('the budget: more backend pods or a bigger pool raise max_connections and the pooler', () => {
    const env = cnpgEnv({ backend: { autoscaling: { maxReplicas: 10 }, databasePool: { size: 20, maxOverflow: 40 } } });
    expect(backendBudget(env.config)).toBe(780); // (10 + 3 surge) x 60
    const objects = objectsOf(env);
    expect(of(objects, 'Cluster', 'pensioen-db').spec.postgresql.parameters.max_connections).toBe('790');
    expect(of(objects, 'Pooler', 'pensioen-db-pooler-rw').spec.pgbouncer.parameters).toEqual({ default_pool_size: '390', max_client_conn: '780' });
  });

  test('without the HPA the budget counts backend.replicas', () => {
    const env = cnpgEnv({ backend: { replicas: 3, autoscaling: { enabled: false } } });
    expect(backendBudget(env.config)).toBe(120); // (3 + 1 surge) x 30
    expect(connectionSizing(env.config, env.config.database.cloudnativePg!)).toEqual({
      budget: 120, defaultPoolSize: 60, maxClientConnections: 120, minMaxConnections: 130, maxConnections: 130,
    });
  });

  test('explicit pooler sizes and a larger max_connections are used as given', () => {
    const objects = objectsOf(cnpgEnv({ database: { maxConnections: 500, reservedConnections: 30, cloudnativePg: { pooler: { instances: 3, defaultPoolSize: 25, maxClientConnections: 1000, poolMode: 'session' } } } }));
    expect(of(objects, 'Cluster', 'pensioen-db').spec.postgresql.parameters.max_connections).toBe('500');
    const p = of(objects, 'Pooler', 'pensioen-db-pooler-rw').spec;
    expect(p.instances).toBe(3);
    expect(p.pgbouncer).toEqual({ poolMode: 'session', parameters: { default_pool_size: '25', max_client_conn: '1000' } });
  });

  test('IRSA / IAM role credentials: inheritFromIAMRole and no Secret', () => {
    const env = cnpgEnv(cnpgOverrides({ backup: { objectStore: { credentials: { type: 'iam-role' }, endpointURL: undefined, retentionPolicy: '35d', walCompression: 'gzip', dataCompression: 'bzip2' } } }));
    const s = of(objectsOf(env), 'ObjectStore', 'pensioen-db-backups').spec;
    expect(s.configuration.s3Credentials).toEqual({ inheritFromIAMRole: true });
    expect(s.configuration.endpointURL).toBeUndefined();
    expect(s.retentionPolicy).toBe('35d');
    expect(s.configuration.wal.compression).toBe('gzip');
    expect(s.configuration.data.compression).toBe('bzip2');
  });

  test('a region key and a private CA for the endpoint are referenced by name', () => {
    const env = cnpgEnv(cnpgOverrides({ backup: { objectStore: { credentials: { type: 'secret', secretName: 's3-keys', regionKey: 'REGION' }, endpointCA: { name: 'minio-ca' } } } }));
    const c = of(objectsOf(env), 'ObjectStore', 'pensioen-db-backups').spec.configuration;
    expect(c.s3Credentials).toEqual({
      accessKeyId: { name: 's3-keys', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 's3-keys', key: 'ACCESS_SECRET_KEY' }, region: { name: 's3-keys', key: 'REGION' },
    });
    expect(c.endpointCA).toEqual({ name: 'minio-ca', key: 'ca.crt' });
  });
});

describe('recovery Cluster', () => {
  const recovery = (r: Record<string, unknown>) => objectsOf(cnpgEnv(cnpgOverrides({ recovery: { enabled: true, ...r } })));

  test('to the latest point: bootstrapped from the object store through the plugin, no recovery target', () => {
    const objects = recovery({});
    const c = of(objects, 'Cluster', 'pensioen-db-restore').spec;
    expect(c.bootstrap).toEqual({ recovery: { source: 'origin', database: 'rules_engine', owner: 'rules_engine' } });
    expect(c.externalClusters).toEqual([{
      name: 'origin', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'pensioen-db-backups', serverName: 'pensioen-db' } },
    }]);
    // It archives its own WAL below its own name: never into the archive it restores from.
    expect(c.plugins[0].parameters).toEqual({ barmanObjectName: 'pensioen-db-backups', serverName: 'pensioen-db-restore' });
    expect(c.instances).toBe(3);
    // Next to the original, which keeps serving the backend.
    expect(of(objects, 'Cluster', 'pensioen-db').spec.bootstrap.initdb).toBeDefined();
    expect(of(objects, 'Pooler', 'pensioen-db-restore-pooler-rw').spec.cluster).toEqual({ name: 'pensioen-db-restore' });
    expect(objects.filter((o) => o.kind === 'ScheduledBackup').map((o) => o.metadata.name)).toEqual(['pensioen-db-daily']);
    expect(of(objects, 'Deployment', 'backend').spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe('pensioen-db-app-role');
    expect(of(objects, 'Job', objects.find((o) => o.kind === 'Job')!.metadata.name).spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe('pensioen-db-app');
  });

  test('to a target time, from another server name, under another name', () => {
    const objects = recovery({ targetTime: '2026-11-30T14:05:00+01:00', sourceServerName: 'pensioen-db-old', clusterName: 'pg-pitr' });
    const c = of(objects, 'Cluster', 'pg-pitr').spec;
    expect(c.bootstrap.recovery).toEqual({ source: 'origin', database: 'rules_engine', owner: 'rules_engine', recoveryTarget: { targetTime: '2026-11-30T14:05:00+01:00' } });
    expect(c.externalClusters[0].plugin.parameters.serverName).toBe('pensioen-db-old');
  });

  test('switchBackend: the backend uses the recovery Cluster\'s pooler and Secret, and it is backed up daily', () => {
    const objects = recovery({ switchBackend: true });
    const env = of(objects, 'Deployment', 'backend').spec.template.spec.containers[0].env;
    // The backend's role is managed on the recovery Cluster too (same Secret); the migrator is its owner.
    expect(env[0].valueFrom.secretKeyRef.name).toBe('pensioen-db-app-role');
    expect(env[2].value).toBe('postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@pensioen-db-restore-pooler-rw.pensioen:5432/rules_engine?sslmode=verify-full&sslrootcert=/etc/pensioen/postgres-ca/ca.crt');
    const job = objects.find((o) => o.kind === 'Job')!;
    expect(job.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe('pensioen-db-restore-app');
    expect(job.spec.template.spec.volumes.find((v: any) => v.name === 'postgres-ca').secret.secretName).toBe('pensioen-db-restore-ca');
    expect(of(objects, 'Cluster', 'pensioen-db-restore').spec.managed.roles.map((r: any) => r.name)).toEqual(['rules_engine_app']);
    expect(of(objects, 'ScheduledBackup', 'pensioen-db-restore-daily').spec.cluster).toEqual({ name: 'pensioen-db-restore' });
  });

  test('retireOriginal: only the restored Cluster is generated, watched and reachable', () => {
    const objects = recovery({ switchBackend: true, retireOriginal: true });
    expect(objects.filter((o) => /cnpg\.io\//.test(o.apiVersion)).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ObjectStore/pensioen-db-backups', 'Cluster/pensioen-db-restore', 'Pooler/pensioen-db-restore-pooler-rw', 'ScheduledBackup/pensioen-db-restore-daily',
    ]);
    expect(find(objects, 'NetworkPolicy', 'pensioen-db-instances').spec.podSelector.matchExpressions[0].values).toEqual(['pensioen-db-restore']);
    expect(find(objects, 'PodMonitor', 'postgres').spec.selector.matchExpressions[0].values).toEqual(['pensioen-db-restore']);
  });

  test('the gate accepts the recovery objects', () => {
    const env = cnpgEnv(cnpgOverrides({ recovery: { enabled: true, switchBackend: true, targetTime: '2026-11-30T14:05:00Z' } }));
    expect(validateEnvironments([{ env, files: synthEnvironment(env) }])).toEqual([]);
  });
});

