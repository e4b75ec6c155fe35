/**
 * The `database` section of the configuration: where PostgreSQL comes from. `managed` is an external
 * database (RDS, Azure Database): the backend reads its connection string from `secrets.database`, egress
 * goes to `network.databaseCidrs`, and postgres_exporter watches it. `cloudnative-pg` runs PostgreSQL in the
 * cluster with the CloudNativePG operator (1.30) and the Barman Cloud plugin: a 3-instance Cluster, a PgBouncer
 * Pooler, WAL archiving and daily base backups to an S3-compatible object store, and an optional recovery
 * Cluster for a restore (charts/database.ts).
 *
 * The connection budget ties the backend to the database: every backend pod may hold
 * `backend.databasePool.size + maxOverflow` connections, and up to `backend.autoscaling.maxReplicas` pods run
 * (`backend.replicas` without the HPA). The rules below keep the pooler and `max_connections` at least that big.
 */
import { z } from 'zod';
import { parseQuantity } from '../k8s/quantity';
import { cidrList, dnsLabel, dnsName, imageRef, port, resources, storageSize } from '../config/types';
import { clusterNameProblem, parameterProblems } from './cnpg-webhook';
import { parseCron } from './cron';
import { databaseLimitsShape, maxBackendPods } from '../config/connection-budget';

/** A PostgreSQL identifier we create (database, role): lower case, no quoting needed. */
const pgIdentifier = () => z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case PostgreSQL identifier (a-z, 0-9, "_", at most 63 characters)' });
/**
 * RFC 3339 with an explicit offset, as CloudNativePG's recoveryTarget.targetTime takes it
 * (2026-11-30T14:05:00Z, 2026-11-30T15:05:00+01:00); fractions of a second allowed.
 */
export const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** A CloudNativePG schedule: six cron fields, seconds first ("0 0 2 * * *" is 02:00:00 every day). */
const CRON6 = /^\s*(\S+\s+){5}\S+\s*$/;
/** Barman retention policy: days, weeks or months ("30d"). */
const RETENTION = /^[1-9][0-9]*[dwm]$/;

export function isRfc3339(v: string): boolean {
  const m = RFC3339.exec(v);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d));
  // The offset too: +99:99 is no time zone (Go's time.Parse refuses an hour above 23 or a minute above 59).
  const off = /^[+-](\d{2}):(\d{2})$/.exec(m[8]);
  if (off && (Number(off[1]) > 23 || Number(off[2]) > 59)) return false;
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h <= 23 && mi <= 59 && s <= 59;
}

/** Days a Barman retention policy (30d, 4w, 3m) keeps, at least: a month counts as 28 days. */
export function retentionDays(policy: string): number {
  const m = /^(\d+)([dwm])$/.exec(policy);
  return m ? Number(m[1]) * ({ d: 1, w: 7, m: 28 } as Record<string, number>)[m[2]] : NaN;
}

/** The clock the recovery window is judged by (tests set it). */
export const clock = { now: (): number => Date.now() };

const storage = (size: string, what: string) => z.strictObject({
  size: storageSize().default(size).describe(`Size of each instance's ${what} PersistentVolumeClaim`),
  storageClass: z.string().min(1).optional().describe('storageClassName of the claims; the cluster default when left out (use a class that allows volume expansion)'),
}).prefault({});

const objectStore = z.strictObject({
  name: dnsName().default('pensioen-db-backups').describe('Name of the ObjectStore (barmancloud.cnpg.io/v1)'),
  endpointURL: z.url().optional().describe('S3-compatible endpoint (MinIO, Ceph RGW, ...); left out for AWS S3 itself'),
  endpointCA: z.strictObject({
    name: dnsName().describe('Secret with the CA bundle of the endpoint'),
    key: z.string().min(1).default('ca.crt').describe('Key in that Secret'),
  }).optional().describe('CA that signed the endpoint\'s certificate, when it is not publicly trusted'),
  destinationPath: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/, { message: 'must be s3://<bucket>/<path>' })
    .describe('Bucket and path of the backups and WAL archive (each Cluster writes below <path>/<serverName>/)'),
  credentials: z.strictObject({
    type: z.enum(['secret', 'iam-role']).default('secret')
      .describe('"secret": an access key pair in a Secret; "iam-role": inheritFromIAMRole (IRSA, or the node\'s role), nothing in a Secret'),
    secretName: dnsName().default('pensioen-db-backup-credentials').describe('type secret: the Secret (created outside git) with the access key pair'),
    accessKeyIdKey: z.string().min(1).default('ACCESS_KEY_ID').describe('type secret: key of the access key id in that Secret'),
    secretAccessKeyKey: z.string().min(1).default('ACCESS_SECRET_KEY').describe('type secret: key of the secret access key in that Secret'),
    regionKey: z.string().min(1).optional().describe('type secret: key of the region in that Secret, when the endpoint needs one'),
  }).prefault({}).describe('How the Barman Cloud plugin authenticates to the object store'),
  encryption: z.enum(['AES256', 'aws:kms', 'bucket-default']).default('AES256')
    .describe('Server-side encryption the plugin asks for on every base backup and WAL file: "AES256" (SSE-S3; MinIO needs a KMS/KES for it), "aws:kms" (the bucket\'s KMS key), or "bucket-default" (only the bucket\'s own policy, which must then encrypt). Object lock and a copy under separate credentials: docs/security.md#backups'),
  walCompression: z.enum(['bzip2', 'gzip', 'lz4', 'snappy', 'xz', 'zstd']).default('zstd').describe('Compression of archived WAL files'),
  dataCompression: z.enum(['bzip2', 'gzip', 'lz4', 'snappy']).default('snappy').describe('Compression of base backups'),
  walMaxParallel: z.number().int().min(1).max(32).default(2).describe('WAL files archived (and restored) in parallel'),
  retentionPolicy: z.string().regex(RETENTION, { message: 'must be a Barman retention such as 30d, 4w or 3m' }).default('30d')
    .describe('How far back point-in-time recovery reaches: older base backups and WAL are deleted'),
  egressCidrs: cidrList().min(1).describe('Where the object store is (NetworkPolicy egress of the database pods)'),
  egressPort: port().default(443).describe('Port of the object store endpoint'),
  sidecarResources: resources({ cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '500m', memoryLimit: '256Mi', ephemeralStorageLimit: '1Gi' }),
}).describe('Barman Cloud plugin ObjectStore: where base backups and the WAL archive go');

export function databaseSchema() {
  return z.strictObject({
    // max_connections and the reserve: the managed server's (checked against the budget), or the
    // CloudNativePG Cluster's (computed from the budget when left out).
    ...databaseLimitsShape,
    mode: z.enum(['managed', 'cloudnative-pg']).default('managed')
      .describe('"managed": an external PostgreSQL (secrets.database, network.databaseCidrs, postgres_exporter); "cloudnative-pg": PostgreSQL in the cluster with CloudNativePG (08-database.yaml)'),
    name: pgIdentifier().default('rules_engine').describe('Database the backend uses (created by initdb in cloudnative-pg mode)'),
    managedTls: z.strictObject({
      sslmode: z.enum(['verify-full', 'verify-ca', 'require']).default('verify-full')
        .describe('PGSSLMODE of every client (libpq and asyncpg read it; an sslmode in the connection string itself wins)'),
      caSecret: z.strictObject({ name: dnsName(), key: z.string().min(1).default('ca.crt') }).optional()
        .describe('Secret with the CA bundle of the managed server (RDS: the region\'s global bundle; Azure: DigiCert Global Root G2 and Microsoft RSA Root 2017), mounted alone and named by PGSSLROOTCERT; required for verify-full and verify-ca'),
    }).optional().describe('TLS of the managed PostgreSQL (mode managed): the clients verify the server (docs/database.md, "TLS"); left out, the connection string decides'),
    owner: pgIdentifier().default('rules_engine').describe('Role that owns it, the backend\'s user (cloudnative-pg mode)'),
    cloudnativePg: z.strictObject({
      clusterName: dnsLabel().default('pensioen-db').describe('Name of the Cluster; its Secret `<name>-app` holds the owner\'s credentials, its Service `<name>-rw` the primary'),
      imageName: imageRef().default('ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie')
        .describe('PostgreSQL operand image, pinned (a minor upgrade is a change of this tag)'),
      instances: z.number().int().min(3, { message: 'must be at least 3 (a primary and two replicas, so that HA survives one lost instance)' }).default(3)
        .describe('PostgreSQL instances: one primary, the rest streaming replicas'),
      antiAffinity: z.enum(['required', 'preferred']).default('required')
        .describe('Pod anti-affinity of instances per node: "required" never puts two on one node (needs as many nodes as instances)'),
      storage: storage('20Gi', 'data (PGDATA)').describe('Data volume of each instance'),
      walStorage: storage('5Gi', 'WAL (pg_wal)').describe('Separate WAL volume of each instance (WAL keeps growing when archiving fails: alerts watch both volumes)'),
      resources: resources({ cpuRequest: '500m', memoryRequest: '1Gi', cpuLimit: '2', memoryLimit: '1Gi', ephemeralStorageLimit: '1Gi' }),
      parameters: z.record(z.string().regex(/^[a-z_.]+$/, { message: 'must be a PostgreSQL parameter name' }), z.string())
        .default({ shared_buffers: '256MB', effective_cache_size: '768MB', work_mem: '4MB', maintenance_work_mem: '64MB', wal_compression: 'on', log_min_duration_statement: '1000', idle_in_transaction_session_timeout: '300000' })
        .describe('Further postgresql.conf parameters (max_connections is database.maxConnections, or computed from the budget)'),
      operatorNamespace: dnsLabel().default('cnpg-system').describe('Namespace of the CloudNativePG operator (reaches the instances on 8000 and 5432)'),
      operatorPodLabels: z.record(z.string(), z.string()).default({ 'app.kubernetes.io/name': 'cloudnative-pg' }).describe('Labels of the operator\'s pods'),
      apiServerCidrs: cidrList().min(1).describe('Addresses of the Kubernetes API server: instance and PgBouncer pods run an instance manager that watches its Cluster/Pooler (egress)'),
      apiServerPort: port().default(6443).describe('Port of the Kubernetes API server (the endpoint port, as the pods reach it after the Service)'),
      appRole: z.strictObject({
        enabled: z.boolean().default(true)
          .describe('The backend connects as its own login role with data privileges only (SELECT, INSERT, UPDATE, DELETE; no CREATE, ALTER or DROP); the owner (database.owner, Secret `<clusterName>-app`) is the migrator, used only by the migration Job. false: the backend uses the owner (it can change the schema at run time)'),
        name: pgIdentifier().default('rules_engine_app').describe('Name of the backend\'s role (CloudNativePG `managed.roles`; the migration Job grants it data access)'),
        passwordSecret: dnsName().default('pensioen-db-app-role')
          .describe('Secret (type kubernetes.io/basic-auth: username = the role name, password) CloudNativePG sets the role\'s password from, and the backend connects with; created outside git (docs/secrets.md)'),
      }).prefault({}).describe('The backend\'s database role, separate from the migrator (least privilege)'),
      clientSslMode: z.enum(['verify-full', 'require']).default('verify-full')
        .describe('sslmode of DATABASE_URL: "verify-full" checks the pooler\'s certificate against the Cluster\'s CA (`<clusterName>-ca`, only its ca.crt mounted) and its name (the pooler\'s Service names are added to the server certificate); "require" encrypts without checking'),
      connectionQuery: z.string().regex(/^([A-Za-z0-9_]+=[A-Za-z0-9_.-]+)(&[A-Za-z0-9_]+=[A-Za-z0-9_.-]+)*$/, { message: 'must be a URL query such as sslmode=require' })
        .optional().describe('Further query string appended to DATABASE_URL, e.g. connect_timeout=10 (sslmode and sslrootcert come from clientSslMode)'),
      pooler: z.strictObject({
        instances: z.number().int().min(2, { message: 'must be at least 2 (one PgBouncer must survive a node drain)' }).default(2).describe('PgBouncer pods'),
        poolMode: z.enum(['transaction', 'session']).default('transaction').describe('PgBouncer pool_mode (transaction: a server connection is held only during a transaction)'),
        defaultPoolSize: z.number().int().min(1).optional()
          .describe('PgBouncer default_pool_size: server connections per pod; defaults to the backend budget spread over the pods (rounded up)'),
        maxClientConnections: z.number().int().min(1).optional()
          .describe('PgBouncer max_client_conn per pod; defaults to the backend budget (one pod must take every backend connection while the other restarts)'),
        resources: resources({ cpuRequest: '100m', memoryRequest: '64Mi', cpuLimit: '500m', memoryLimit: '128Mi' }),
      }).prefault({}).describe('PgBouncer Pooler `<clusterName>-pooler-rw` (type rw) in front of the primary; DATABASE_URL points here'),
      backup: z.strictObject({
        objectStore,
        schedule: z.string().regex(CRON6, { message: 'must be six cron fields, seconds first, such as "0 0 2 * * *"' }).default('0 0 2 * * *')
          .describe('ScheduledBackup schedule (CloudNativePG cron: seconds minutes hours day month weekday)'),
        target: z.enum(['prefer-standby', 'primary']).default('prefer-standby').describe('Instance the base backup is taken from'),
      }).describe('Continuous WAL archiving and daily base backups (point-in-time recovery within the retention)'),
      alerts: z.strictObject({
        replicationLagSeconds: z.number().positive().default(60).describe('PostgresReplicationLag: seconds a replica may trail the primary (for 5 minutes)'),
        backupMaxAgeHours: z.number().positive().default(26).describe('PostgresBackupTooOld: hours since the last successful base backup (a daily schedule plus slack)'),
        diskUsageRatio: z.number().gt(0).lt(1, { message: 'must be a ratio between 0 and 1' }).default(0.85)
          .describe('PostgresDiskNearFull: used share of a data or WAL volume'),
      }).prefault({}).describe('Thresholds of the CloudNativePG alerts (lib/monitoring/cnpg-rules.ts)'),
      recovery: z.strictObject({
        enabled: z.boolean().default(false).describe('Generate a recovery Cluster bootstrapped from the object store (restore drill or disaster recovery)'),
        clusterName: dnsLabel().default('pensioen-db-restore').describe('Name of the recovery Cluster (must differ from clusterName)'),
        sourceServerName: dnsLabel().optional().describe('serverName in the object store to restore from; defaults to clusterName'),
        targetTime: z.string().optional().describe('Point in time to recover to (RFC 3339 with offset, e.g. 2026-11-30T14:05:00Z); left out: the latest archived WAL'),
        switchBackend: z.boolean().default(false)
          .describe('Point the backend (DATABASE_URL) at the recovery Cluster\'s pooler, and back it up daily: the last step of a real restore'),
        retireOriginal: z.boolean().default(false)
          .describe('Stop generating the original Cluster, its Pooler and ScheduledBackup (after switchBackend, once the restored Cluster has its own backups); delete them by hand'),
      }).prefault({}).describe('Restore from the object store (runbooks/database-restore-drill.md)'),
    }).optional().describe('PostgreSQL with CloudNativePG (required with mode cloudnative-pg)'),
  }).prefault({}).describe('PostgreSQL: managed (external) or in the cluster with CloudNativePG (see docs/database.md)');
}

export type DatabaseConfig = z.output<ReturnType<typeof databaseSchema>>;
export type CnpgConfig = NonNullable<DatabaseConfig['cloudnativePg']>;

/**
 * What the backend may hold at most: every pod it can run (HPA maxReplicas, or replicas, plus the rollout
 * surge or canary: lib/config/connection-budget.ts) x (pool size + overflow).
 */
export function backendBudget(c: { backend: { replicas: number; autoscaling: { enabled: boolean; maxReplicas: number }; databasePool: { size: number; maxOverflow: number } } }): number {
  return maxBackendPods(c).pods * (c.backend.databasePool.size + c.backend.databasePool.maxOverflow);
}

/** The sizes derived from the budget, with any configured value in place of the default. */
export interface ConnectionSizing {
  readonly budget: number;
  readonly defaultPoolSize: number;
  readonly maxClientConnections: number;
  /** What max_connections must be at least. */
  readonly minMaxConnections: number;
  readonly maxConnections: number;
}

export function connectionSizing(c: Parameters<typeof backendBudget>[0] & { database: { maxConnections?: number; reservedConnections: number } }, cnpg: CnpgConfig): ConnectionSizing {
  const budget = backendBudget(c);
  const p = cnpg.pooler;
  const defaultPoolSize = p.defaultPoolSize ?? Math.ceil(budget / p.instances);
  const maxClientConnections = p.maxClientConnections ?? budget;
  // Every PgBouncer pod may open its whole pool, and the backend may bypass the pooler (migrations, a
  // pooler outage with DATABASE_URL pointed at `<cluster>-rw`): max_connections covers the larger, plus reserve.
  const minMaxConnections = Math.max(budget, p.instances * defaultPoolSize) + c.database.reservedConnections;
  return { budget, defaultPoolSize, maxClientConnections, minMaxConnections, maxConnections: c.database.maxConnections ?? minMaxConnections };
}

type Ctx = z.core.$RefinementCtx;

/** The rules that tie `database` to `backend` and `network`; run on the whole configuration. */
export function refineDatabase(c: any, ctx: Ctx): void {
  const d = c.database as DatabaseConfig;
  if (d.managedTls && d.mode !== 'managed') ctx.addIssue({ code: 'custom', path: ['database', 'managedTls'], message: 'is for database.mode managed (allowed: database.cloudnativePg.clientSslMode for CloudNativePG)' });
  if (d.managedTls && d.managedTls.sslmode !== 'require' && !d.managedTls.caSecret) {
    ctx.addIssue({ code: 'custom', path: ['database', 'managedTls', 'caSecret'], message: `is required with sslmode ${d.managedTls.sslmode}: libpq checks the server against this CA bundle (allowed: a Secret with the provider's CA bundle, or sslmode require)` });
  }
  if (d.mode === 'managed') {
    if (!c.network?.databaseCidrs?.length) {
      ctx.addIssue({ code: 'custom', path: ['network', 'databaseCidrs'], message: 'needs at least 1 CIDR with database.mode managed (where the managed PostgreSQL is)' });
    }
    return;
  }
  const cnpg = d.cloudnativePg;
  if (!cnpg) {
    ctx.addIssue({ code: 'custom', path: ['database', 'cloudnativePg'], message: 'is required with database.mode cloudnative-pg (at least backup.objectStore.destinationPath, .egressCidrs and apiServerCidrs)' });
    return;
  }
  const at = (...p: (string | number)[]) => ['database', 'cloudnativePg', ...p];
  if (c.secrets?.migrationDatabase) ctx.addIssue({ code: 'custom', path: ['secrets', 'migrationDatabase'], message: 'is for database.mode managed: with CloudNativePG the migration Job connects as the owner from `<clusterName>-app` (allowed: leave it out)' });
  // TLS of DATABASE_URL is clientSslMode's: a second sslmode in the query would silently win or clash.
  const tlsParam = /(^|&)(sslmode|sslrootcert)=/.exec(cnpg.connectionQuery ?? '')?.[2];
  if (tlsParam) ctx.addIssue({ code: 'custom', path: at('connectionQuery'), message: `sets ${tlsParam}, which comes from database.cloudnativePg.clientSslMode (${cnpg.clientSslMode}: the Cluster's CA is mounted for verify-full) (allowed: other options such as connect_timeout=10; set clientSslMode instead)` });
  if (cnpg.appRole.enabled && cnpg.appRole.name === d.owner) {
    ctx.addIssue({ code: 'custom', path: at('appRole', 'name'), message: `is database.owner "${d.owner}", the migrator that owns the schema: the backend would keep DDL rights (allowed: another role name, e.g. ${d.owner}_app)` });
  }
  const s = connectionSizing(c, cnpg);
  const { max, surgeText } = maxBackendPods(c);
  const pods = `${c.backend.autoscaling.enabled ? `backend.autoscaling.maxReplicas ${max}` : `backend.replicas ${max}`} + ${surgeText}`;
  const budgetText = `the backend budget is ${s.budget} ((${pods}) x (databasePool.size ${c.backend.databasePool.size} + maxOverflow ${c.backend.databasePool.maxOverflow}))`;
  if (s.maxClientConnections < s.budget) {
    ctx.addIssue({ code: 'custom', path: at('pooler', 'maxClientConnections'), message: `must be at least ${s.budget}, got ${s.maxClientConnections}: ${budgetText}, and one PgBouncer pod must take them all while another restarts` });
  }
  if (d.maxConnections !== undefined && d.maxConnections < s.minMaxConnections) {
    ctx.addIssue({ code: 'custom', path: ['database', 'maxConnections'], message: `must be at least ${s.minMaxConnections} with cloudnative-pg, got ${d.maxConnections}: the larger of ${budgetText} and pooler.instances x defaultPoolSize (${cnpg.pooler.instances} x ${s.defaultPoolSize}), plus database.reservedConnections ${d.reservedConnections}` });
  }
  if ('max_connections' in cnpg.parameters) {
    ctx.addIssue({ code: 'custom', path: at('parameters', 'max_connections'), message: 'is set from the connection budget (allowed: database.maxConnections)' });
  }
  if (parseQuantity(cnpg.resources.requests.memory) !== parseQuantity(cnpg.resources.limits.memory)) {
    ctx.addIssue({ code: 'custom', path: at('resources', 'requests', 'memory'), message: `must equal limits.memory (${cnpg.resources.limits.memory}), got ${cnpg.resources.requests.memory}: PostgreSQL must not be the first pod the kubelet evicts or the OOM killer picks (CloudNativePG recommends the Guaranteed class)` });
  }
  // What CloudNativePG's webhook refuses (lib/database/cnpg-webhook.ts).
  const names: [(string | number)[], string][] = [[at('clusterName'), cnpg.clusterName]];
  if (cnpg.recovery.enabled) names.push([at('recovery', 'clusterName'), cnpg.recovery.clusterName]);
  for (const [path, name] of names) {
    const why = clusterNameProblem(name);
    if (why) ctx.addIssue({ code: 'custom', path, message: why });
  }
  for (const p of parameterProblems(cnpg.parameters, cnpg.instances, parseQuantity(cnpg.walStorage.size))) {
    ctx.addIssue({ code: 'custom', path: at('parameters', p.key), message: p.message });
  }
  const cron = parseCron(cnpg.backup.schedule);
  if ('error' in cron) {
    ctx.addIssue({ code: 'custom', path: at('backup', 'schedule'), message: `"${cnpg.backup.schedule}" cannot be parsed by CloudNativePG's cron parser (robfig/cron: ${cron.error}); its webhook refuses the ScheduledBackup (allowed: six fields, seconds first, such as "0 0 2 * * *")` });
  } else if (cron.schedule.length > 0 && cron.schedule[0].size > 1) {
    ctx.addIssue({ code: 'custom', path: at('backup', 'schedule'), message: `"${cnpg.backup.schedule}" starts a base backup ${cron.schedule[0].size} times a minute (the first field is seconds); a base backup copies the whole database (allowed: one second value, such as "0 0 2 * * *" for 02:00:00 daily)` });
  }
  const r = cnpg.recovery;
  if (r.targetTime !== undefined && !isRfc3339(r.targetTime)) {
    ctx.addIssue({ code: 'custom', path: at('recovery', 'targetTime'), message: `"${r.targetTime}" is not an RFC 3339 time (allowed: e.g. 2026-11-30T14:05:00Z or 2026-11-30T15:05:00+01:00; offsets up to +23:59)` });
  } else if (r.targetTime !== undefined && r.enabled) {
    const t = Date.parse(r.targetTime);
    const policy = cnpg.backup.objectStore.retentionPolicy;
    const days = retentionDays(policy);
    const now = clock.now();
    if (t > now) {
      ctx.addIssue({ code: 'custom', path: at('recovery', 'targetTime'), message: `${r.targetTime} is in the future: no archived WAL reaches it yet and the recovery would fail (allowed: a time between now minus backup.objectStore.retentionPolicy ${policy} and now)` });
    } else if (t < now - days * 86400000) {
      ctx.addIssue({ code: 'custom', path: at('recovery', 'targetTime'), message: `${r.targetTime} is older than backup.objectStore.retentionPolicy ${policy} (${days} days): the base backups and WAL before it are deleted, so no recovery can reach it (allowed: a time within the last ${days} days)` });
    }
  }
  if (r.clusterName === cnpg.clusterName) {
    ctx.addIssue({ code: 'custom', path: at('recovery', 'clusterName'), message: `must differ from database.cloudnativePg.clusterName (${cnpg.clusterName}): the recovery Cluster runs next to it` });
  }
  if (r.switchBackend && !r.enabled) {
    ctx.addIssue({ code: 'custom', path: at('recovery', 'switchBackend'), message: 'needs recovery.enabled: true (there is no recovery Cluster to switch to)' });
  }
  if (r.retireOriginal && !(r.enabled && r.switchBackend)) {
    ctx.addIssue({ code: 'custom', path: at('recovery', 'retireOriginal'), message: 'needs recovery.enabled and recovery.switchBackend: true (the backend must use the restored Cluster first)' });
  }
}
