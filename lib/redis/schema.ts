/**
 * The `redis` section of the configuration (besides `redis.url`, which lives in `lib/config/index.ts`): where the
 * cache runs (`mode`: in the cluster with Sentinel and HAProxy, or a managed service), which engine runs in the
 * cluster (`engine`: Redis or Valkey), the StatefulSet, its HAProxy, the exporter, persistence and the command policy.
 */
import * as path from 'path';
import { z } from 'zod';
import { parseQuantity } from '../k8s/quantity';
import { cidrList, dnsName, imageRef, port, resources, storageSize } from '../config/types';
import { CACHE_USERS, userPreviousKey, userSecretKey } from './users';

/** The engines that run in the cluster, and their pinned images (`redis.image` defaults to the engine's). */
export const CACHE_ENGINES = ['redis', 'valkey'] as const;
export type CacheEngine = typeof CACHE_ENGINES[number];
export const ENGINE_IMAGES: Record<CacheEngine, string> = {
  redis: 'docker.io/library/redis:7.4.11@sha256:c6eabf748fc7a61dbb5a705c78bcf3d6377b1127a97d0ce965c11c44ba46896f',
  valkey: 'docker.io/valkey/valkey:8.0.12',
};
/** Keys of `redis` that mean something with a managed cache; every other one configures in-cluster pods. */
export const MANAGED_MODE_KEYS = ['mode', 'managed', 'maxmemoryPolicy', 'exporter'] as const;
const secretKeyRef = (what: string) => z.strictObject({
  name: dnsName().describe('Name of the Secret'),
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'must be a Secret key (letters, digits, "-", "_", ".")' }).describe('Key in that Secret'),
}).describe(what);

/** Commands a client may never run in production (a cache flush or a blocking scan by mistake). */
export const DANGEROUS_COMMANDS = ['FLUSHALL', 'FLUSHDB', 'CONFIG', 'DEBUG', 'KEYS'] as const;
const COMMAND = /^[A-Z][A-Z0-9_-]*$/i;

/**
 * Commands the platform itself sends to Redis, and who needs them: none may be disabled, and only CONFIG
 * may be renamed (Sentinel and the exporter are told its new name; the others use the original names).
 */
export const REQUIRED_COMMANDS: Record<string, string> = {
  PING: 'the probes and Sentinel', INFO: 'Sentinel, HAProxy and the exporter', ROLE: 'Sentinel and the preStop hand-over',
  AUTH: 'every client', HELLO: 'Sentinel and the exporter', QUIT: 'the HAProxy check', SELECT: 'the exporter',
  REPLICAOF: 'Sentinel and the preStop hand-over', SLAVEOF: 'Sentinel', PSYNC: 'replication', SYNC: 'replication',
  REPLCONF: 'replication', MULTI: 'Sentinel (promotion is one transaction)', EXEC: 'Sentinel (promotion is one transaction)',
  CLIENT: 'Sentinel (CLIENT KILL) and the preStop hand-over (CLIENT PAUSE)', SCRIPT: 'Sentinel (SCRIPT KILL of a busy primary)',
  PUBLISH: 'Sentinel (hello channel)', SUBSCRIBE: 'Sentinel (hello channel)', SET: 'the preStop hand-over marker',
  WAIT: 'writers that wait for a replica', SLOWLOG: 'the exporter', LATENCY: 'the exporter', DBSIZE: 'the exporter',
  MEMORY: 'the exporter', COMMAND: 'clients and the exporter', ACL: 'password rotation (docs/cache.md)',
};
/**
 * The backend's commands by default: the data types, key expiry and deletion, transactions, Lua scripts (EVAL,
 * EVALSHA, SCRIPT LOAD/EXISTS: rate limiters such as `limits`/slowapi use them) and the connection commands
 * (AUTH, HELLO, PING, SELECT, WAIT, CLIENT SETNAME); without administration (CONFIG, ACL, CLIENT KILL, MONITOR,
 * SHUTDOWN, REPLICAOF, DEBUG, ...), the dangerous commands (FLUSHALL, FLUSHDB, KEYS, SORT, MIGRATE, RESTORE, ...),
 * blocking commands (BLPOP, XREAD BLOCK, ...: a cache has no queues, and a blocked call holds a connection; WAIT
 * stays, Valkey counts it as blocking), functions (FUNCTION LOAD/FLUSH change the server's code) and Pub/Sub.
 */
export const BACKEND_COMMANDS_DEFAULT =
  '+@connection +@read +@write +@keyspace +@transaction +eval +evalsha +eval_ro +evalsha_ro +script|load +script|exists -@admin -@dangerous -@blocking -@pubsub -function +wait';

/**
 * Rule words a backend rule set may not contain: they grant every command, administration or the dangerous
 * commands back (the config refuses them).
 */
export const BACKEND_FORBIDDEN_RULES = ['+@all', 'allcommands', '+@admin', '+@dangerous', '+acl', '+config', '+flushall', '+flushdb', '+debug', '+shutdown', '+monitor', '+replicaof', '+slaveof', '+module', '+failover', '+keys', '+function'];

/** Redis memory sizes as redis.conf takes them: 256mb, 1gb, 524288000. */
const REDIS_MEMORY = /^\d+(b|kb|mb|gb)?$/i;

export function redisBytes(v: string): number {
  const m = /^(\d+)(b|kb|mb|gb)?$/i.exec(v);
  if (!m) return NaN;
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * ({ b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as Record<string, number>)[unit];
}

export function redisSchemaShape() {
  return {
    mode: z.enum(['in-cluster', 'managed']).default('in-cluster')
      .describe('Where the cache runs: "in-cluster" (StatefulSet with Sentinel, HAProxy in front; `engine` picks Redis or Valkey) or "managed" (a cloud service such as ElastiCache or Azure Cache for Redis, `redis.managed`: no cache pods in the cluster). Comparison and switching: [cache.md](cache.md)'),
    engine: z.enum(CACHE_ENGINES).default('redis')
      .describe('In-cluster engine: "redis" (Redis 7.4, RSALv2/SSPL) or "valkey" (Valkey 8, BSD-3). Same topology; Valkey runs under its own names (StatefulSet `valkey`, fresh volumes), so a switch empties the cache ([cache.md](cache.md#switching))'),
    image: imageRef().optional()
      .describe(`Image of the Redis or Valkey and Sentinel containers (full reference with registry, pinned tag); default per engine: ${Object.entries(ENGINE_IMAGES).map(([e, i]) => `${e} \`${i}\``).join(', ')}. Runs as the image's uid 999`),
    replicas: z.number().int().min(3, { message: 'must be at least 3 (one primary, two replicas, three Sentinels)' }).default(3)
      .describe('Redis pods, each with a Sentinel sidecar: one primary, the rest replicas'),
    masterName: z.string().regex(/^[a-zA-Z0-9._-]+$/, { message: 'must be letters, digits, ".", "_" and "-"' }).default('pensioen-redis')
      .describe('Name Sentinel monitors the primary under (Sentinel-aware clients ask for it)'),
    quorum: z.number().int().min(1).default(2).describe('Sentinels that must agree the primary is down before a failover (a majority of `replicas`)'),
    clusterDomain: dnsName().default('cluster.local').describe('Cluster DNS domain of the per-pod hostnames Redis and Sentinel announce'),
    maxmemory: z.string().regex(REDIS_MEMORY, { message: 'must be a Redis memory size such as 256mb or 1gb' }).default('256mb')
      .refine((v) => redisBytes(v) > 0, { message: 'must be more than 0 (0 means "no limit": the pod would be OOM-killed instead of evicting keys)' })
      .describe('redis.conf maxmemory'),
    maxmemoryPolicy: z.enum(['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])
      .default('allkeys-lru').describe('redis.conf maxmemory-policy'),
    appendonly: z.boolean().default(true).describe('redis.conf appendonly (AOF persistence on the PersistentVolumeClaim)'),
    appendfsync: z.enum(['always', 'everysec', 'no']).default('everysec').describe('redis.conf appendfsync'),
    disabledCommands: z.array(z.string().regex(COMMAND, { message: 'must be a Redis command name' }))
      .default(['FLUSHALL', 'FLUSHDB', 'DEBUG', 'KEYS'])
      .describe('Commands removed from Redis (rename-command NAME "")'),
    renamedCommands: z.record(z.string().regex(COMMAND, { message: 'must be a Redis command name' }), z.string().regex(/^[A-Za-z0-9_-]{8,}$/, { message: 'must be at least 8 letters, digits, "_" or "-"' }))
      .default({ CONFIG: 'PENSIOEN-ADMIN-CONFIG' })
      .describe('Commands renamed in Redis (rename-command NAME NEWNAME); Sentinel (sentinel rename-command) and the exporter are told the new names. CONFIG must be renamed or kept, never disabled: Sentinel needs it to fail over'),
    previousPasswordKey: z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'must be a Secret key (letters, digits, "-", "_", ".")' }).default('previous-password')
      .describe('Key of the Secret `secrets.redis` that holds the previous Redis password while a password rotation is under way ([cache.md](cache.md#password-rotation-without-an-outage)). Optional: normally the key is absent and only the password is accepted; while it is present, a Redis or Sentinel that (re)starts accepts both (ACL default user with two passwords). Never put a value in git'),
    acl: z.strictObject({
      backendKeys: z.array(z.string().regex(/^[^\s"'~%&]+$/, { message: 'must be a key pattern (glob) without whitespace, quotes, "~", "%" or "&"' })).min(1).default(['*'])
        .describe('Key patterns (globs) the backend\'s ACL user may touch; `*` by default (the application\'s key names are its own). Narrow them once the application prefixes its keys, e.g. `["cache:*", "LIMITS:*"]`'),
      backendCommands: z.string().regex(/^[-+@|a-z0-9_ ]+$/i, { message: 'must be ACL command rules such as "-@all +@read +get" (letters, digits, "+", "-", "@", "|", "_")' }).default(BACKEND_COMMANDS_DEFAULT)
        .describe('ACL command rules of the backend\'s user (applied after `-@all`); the default allows the data types, expiry, transactions and Lua scripts, and refuses administration, @dangerous, blocking commands, Pub/Sub and FUNCTION ([cache.md](cache.md#acl-users))'),
    }).prefault({}).describe('ACL users of the in-cluster cache: one per client, `default` off ([cache.md](cache.md#acl-users)); the backend\'s rules are configurable, the others are fixed'),
    minReplicasToWrite: z.number().int().min(0).default(1)
      .describe('redis.conf min-replicas-to-write: the primary refuses writes (NOREPLICAS) unless this many replicas acknowledged within minReplicasMaxLagSeconds; a frozen or cut-off old primary thus cannot take writes that a failover discards. 0 turns it off. Cost: with fewer replicas up, writes fail (docs/cache.md)'),
    minReplicasMaxLagSeconds: z.number().int().min(1).default(10)
      .describe('redis.conf min-replicas-max-lag: seconds since a replica\'s last acknowledgement for it to count towards minReplicasToWrite'),
    replicaOutputBuffer: z.strictObject({
      hardLimit: z.string().regex(REDIS_MEMORY, { message: 'must be a Redis memory size such as 256mb' }).default('256mb')
        .describe('client-output-buffer-limit replica hard limit: a replica whose backlog exceeds it is disconnected (and resyncs in full)'),
      softLimit: z.string().regex(REDIS_MEMORY, { message: 'must be a Redis memory size such as 64mb' }).default('64mb')
        .describe('client-output-buffer-limit replica soft limit'),
      softSeconds: z.number().int().min(0).default(60).describe('client-output-buffer-limit replica soft seconds'),
    }).prefault({}).describe('client-output-buffer-limit replica: memory the primary may hold per replica on top of maxmemory (counts against the memory limit)'),
    sentinel: z.strictObject({
      downAfterMilliseconds: z.number().int().min(1000).default(5000).describe('sentinel down-after-milliseconds: how long the primary may be unreachable before it counts as down'),
      failoverTimeout: z.number().int().min(1000).default(10000).describe('sentinel failover-timeout'),
      parallelSyncs: z.number().int().min(1).default(1).describe('sentinel parallel-syncs: replicas that resync with a new primary at once'),
      requirePassword: z.boolean().default(true).describe('Sentinel itself requires the Redis password (clients then pass it to Sentinel too)'),
      resources: resources({ cpuRequest: '50m', memoryRequest: '32Mi', cpuLimit: '200m', memoryLimit: '64Mi' }),
    }).prefault({}).describe('Sentinel (a sidecar in every Redis pod, port 26379)'),
    // limit >= 2 x maxmemory (fork copy-on-write during AOF rewrite and full sync) + the replica output buffer.
    resources: resources({ cpuRequest: '100m', memoryRequest: '384Mi', cpuLimit: '500m', memoryLimit: '768Mi' }),
    persistence: z.strictObject({
      size: storageSize().default('2Gi').describe('Size of each Redis pod\'s PersistentVolumeClaim (AOF and RDB files)'),
      storageClass: z.string().min(1).optional().describe('storageClassName of the claims; the cluster default when left out'),
    }).prefault({}).describe('PersistentVolumeClaims of the StatefulSet (volumeClaimTemplate `data`)'),
    antiAffinity: z.enum(['required', 'preferred']).default('required')
      .describe('Pod anti-affinity of Redis pods per node: "required" never puts two on one node (needs as many nodes as replicas)'),
    pdb: z.strictObject({
      maxUnavailable: z.number().int().min(1).default(1).describe('Redis pods a voluntary disruption may take down at once'),
    }).prefault({}).describe('PodDisruptionBudget `redis-pdb`'),
    exporter: z.strictObject({
      image: imageRef().default('docker.io/oliver006/redis_exporter:v1.76.0').describe('redis_exporter image (runs as the image\'s uid 59000)'),
      resources: resources({ cpuRequest: '25m', memoryRequest: '32Mi', cpuLimit: '100m', memoryLimit: '64Mi' }),
    }).prefault({}).describe('redis_exporter sidecar (port `metrics`, 9121)'),
    haproxy: z.strictObject({
      image: imageRef().default('docker.io/library/haproxy:3.2.24@sha256:b89c23154f8c5df97f2bd06aceb69d2190ed97b46b35708edc104b659dce0eae').describe('HAProxy image (runs as the image\'s uid 99)'),
      replicas: z.number().int().min(1).default(2).describe('HAProxy replicas behind Service `redis`'),
      checkIntervalMilliseconds: z.number().int().min(100).max(1000).default(500).describe('How often HAProxy asks every Redis pod for its role (a replica or demoted primary is down within this + 0.2 s; at most 1000 so that no write reaches a replica for more than ~1 s)'),
      resources: resources({ cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '250m', memoryLimit: '128Mi' }),
      pdb: z.strictObject({
        maxUnavailable: z.number().int().min(1).default(1).describe('HAProxy pods a voluntary disruption may take down at once'),
      }).prefault({}).describe('PodDisruptionBudget `redis-haproxy-pdb`'),
    }).prefault({}).describe('HAProxy in front of the current primary (Service `redis`, what REDIS_URL points at)'),
    tls: z.strictObject({
      enabled: z.boolean().default(false)
        .describe('TLS on every connection of the in-cluster cache: the servers and Sentinels listen only on TLS (`port 0`, `tls-port`), replication and Sentinel connect over TLS, HAProxy verifies the servers and serves TLS itself (REDIS_URL `rediss://`), the exporter, the probes and the scripts too; the certificate comes from cert-manager ([cache.md](cache.md#tls))'),
      issuerRef: z.strictObject({
        name: dnsName().describe('Name of the Issuer or ClusterIssuer'),
        kind: z.enum(['Issuer', 'ClusterIssuer']).default('Issuer').describe('Issuer (in the namespace) or ClusterIssuer'),
        group: z.string().regex(/^[a-z0-9.-]+$/, { message: 'must be an API group such as cert-manager.io' }).default('cert-manager.io').describe('API group of the issuer (an external issuer\'s, e.g. awspca.cert-manager.io)'),
      }).optional().describe('An existing issuer that signs the cache\'s server certificate (referenced, never created). It must put its CA into the Secret\'s ca.crt (cert-manager\'s CA and Vault issuers do; ACME cannot sign cluster-internal names). Left out: a CA of the cache\'s own in the namespace (SelfSigned Issuer, CA Certificate, CA Issuer; [security.md](security.md#cache-acl-users-and-tls))'),
      restartOnRenewal: z.enum(['none', 'reloader']).default('none')
        .describe('What rolls the cache pods when cert-manager renews the server certificate (Redis/Valkey, Sentinel and HAProxy read it only at start): `none`, the operator rolls them (alert RedisTlsCertificateNotLoaded says when); `reloader`, Stakater Reloader (installed in the cluster, not by these manifests) rolls the StatefulSet and the HAProxy Deployment, annotated `secret.reloader.stakater.com/reload` with the certificate Secret ([cache.md](cache.md#tls))'),
    }).prefault({}).describe('TLS of the in-cluster cache (with mode managed: `managed.tls`)'),
    managed: z.strictObject({
      host: dnsName().optional().describe('Endpoint of the managed cache (ElastiCache primary endpoint, Azure Cache host name); REDIS_URL becomes redis[s]://host:port/database. Or `urlSecret`'),
      port: port().default(6379).describe('Port of the managed cache (ElastiCache 6379; Azure Cache TLS 6380)'),
      database: z.number().int().min(0).max(15).default(0).describe('Database number in REDIS_URL'),
      tls: z.boolean().default(true).describe('TLS in transit (rediss://); required in production'),
      urlSecret: secretKeyRef('REDIS_URL from this Secret key instead of `host`/`port` (e.g. written by Terraform or External Secrets); no credentials in it, the AUTH token stays in `secrets.redis`').optional(),
      caSecret: secretKeyRef('A private CA bundle (PEM) to verify the cache\'s certificate with, mounted into the backend (REDIS_TLS_CA_FILE) and the exporter; not needed for ElastiCache and Azure Cache (public CAs)').optional(),
      cidrs: cidrList().min(1)
        .describe('CIDRs of the managed cache (its subnets): NetworkPolicy egress of the backend and the exporter, to `port` only'),
      metrics: z.enum(['exporter', 'cloud']).default('exporter')
        .describe('"exporter": a redis_exporter Deployment scrapes the endpoint (TLS and AUTH as the backend), with the connection and eviction alerts; "cloud": no exporter, the cloud\'s metrics and alarms instead ([cache.md](cache.md#managed))'),
    }).optional().describe('The managed cache (`mode: managed` only)'),
  };
}

/** The image of the in-cluster engine: `redis.image`, else the engine's pinned default. */
export function cacheImage(r: { engine: CacheEngine; image?: string }): string {
  return r.image ?? ENGINE_IMAGES[r.engine];
}

interface RedisSection {
  mode: 'in-cluster' | 'managed';
  engine: CacheEngine;
  image?: string;
  managed?: { host?: string; urlSecret?: unknown };
  replicas: number;
  quorum: number;
  maxmemory: string;
  minReplicasToWrite: number;
  replicaOutputBuffer: { hardLimit: string };
  disabledCommands: string[];
  renamedCommands: Record<string, string>;
  acl: { backendCommands: string };
  url?: string;
  tls?: { enabled: boolean; issuerRef?: { name: string; kind: string; group: string }; restartOnRenewal?: 'none' | 'reloader' };
  resources: { limits: { memory: string } };
}

/** Cross-field rules of the `redis` section. */
export function refineRedis(r: RedisSection, ctx: z.RefinementCtx): void {
  if (r.mode === 'managed') {
    if (!r.managed) ctx.addIssue({ code: 'custom', path: ['managed'], message: 'is required with mode managed (allowed: host or urlSecret, port, tls, cidrs, ...)' });
    else if ((r.managed.host === undefined) === (r.managed.urlSecret === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['managed'], message: 'needs exactly one of host (REDIS_URL built from host, port, tls) and urlSecret (REDIS_URL from a Secret)' });
    }
  }
  if (r.image !== undefined) {
    const repo = path.posix.basename(r.image.split('@')[0].replace(/:[^/:]*$/, ''));
    const other = r.engine === 'redis' ? 'valkey' : 'redis';
    if (repo.includes(other) && !repo.includes(r.engine)) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: `is a ${other} image but engine is ${r.engine} (allowed: a ${r.engine} image such as ${ENGINE_IMAGES[r.engine]}, or leave image out for that default)` });
    }
  }
  if (r.mode !== 'managed' && r.tls && !r.tls.enabled && r.tls.restartOnRenewal === 'reloader') {
    ctx.addIssue({ code: 'custom', path: ['tls', 'restartOnRenewal'], message: 'reloader only with tls.enabled true: without TLS there is no certificate Secret to watch (allowed: none, or set tls.enabled true)' });
  }
  if (r.mode !== 'managed' && r.tls && r.url !== undefined) {
    const tlsUrl = /^rediss:\/\//.test(r.url);
    if (r.tls.enabled && !tlsUrl) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `must start with rediss:// when tls.enabled is true: HAProxy then serves only TLS (allowed: ${r.url.replace(/^redis:/, 'rediss:')})` });
    } else if (!r.tls.enabled && tlsUrl) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `must start with redis:// when tls.enabled is false: the in-cluster cache then serves no TLS (allowed: ${r.url.replace(/^rediss:/, 'redis:')}, or set tls.enabled true)` });
    }
    if (!r.tls.enabled && r.tls.issuerRef) {
      ctx.addIssue({ code: 'custom', path: ['tls', 'issuerRef'], message: 'only with tls.enabled true: without TLS no certificate is requested (allowed: set tls.enabled true, or leave issuerRef out)' });
    }
  }
  const majority = Math.floor(r.replicas / 2) + 1;
  if (r.quorum < majority || r.quorum > r.replicas) {
    ctx.addIssue({ code: 'custom', path: ['quorum'], message: `must be a majority of replicas (${majority}–${r.replicas}), got ${r.quorum}` });
  }
  const disabled = r.disabledCommands.map((c) => c.toUpperCase());
  if (disabled.includes('CONFIG')) {
    ctx.addIssue({ code: 'custom', path: ['disabledCommands'], message: 'must not contain CONFIG: Sentinel needs it to fail over (rename it in renamedCommands instead)' });
  }
  for (const name of Object.keys(r.renamedCommands)) {
    if (disabled.includes(name.toUpperCase())) {
      ctx.addIssue({ code: 'custom', path: ['renamedCommands', name], message: 'is also in disabledCommands (allowed: rename or disable a command, not both)' });
    }
  }
  for (const [i, c] of r.disabledCommands.entries()) {
    const need = REQUIRED_COMMANDS[c.toUpperCase()];
    if (need) ctx.addIssue({ code: 'custom', path: ['disabledCommands', i], message: `must not disable ${c.toUpperCase()}: needed by ${need} (allowed: commands other than ${Object.keys(REQUIRED_COMMANDS).sort().join(', ')} and CONFIG)` });
  }
  for (const name of Object.keys(r.renamedCommands)) {
    const need = REQUIRED_COMMANDS[name.toUpperCase()];
    if (need) ctx.addIssue({ code: 'custom', path: ['renamedCommands', name], message: `must not rename ${name.toUpperCase()}: used under its own name by ${need} (allowed: CONFIG and commands the platform does not use)` });
  }
  const words = r.acl.backendCommands.toLowerCase().split(/\s+/).filter(Boolean);
  for (const w of words) {
    const base = w.split('|')[0];
    if (BACKEND_FORBIDDEN_RULES.includes(w) || BACKEND_FORBIDDEN_RULES.includes(base)) {
      ctx.addIssue({ code: 'custom', path: ['acl', 'backendCommands'], message: `must not grant ${w}: the backend's user gets no administration, no dangerous commands and not every command (refused: ${BACKEND_FORBIDDEN_RULES.join(', ')})` });
    }
  }
  if (r.minReplicasToWrite > r.replicas - 1) {
    ctx.addIssue({ code: 'custom', path: ['minReplicasToWrite'], message: `must be at most replicas - 1 (${r.replicas - 1}), got ${r.minReplicasToWrite}: the primary would refuse every write` });
  }
  const limit = parseQuantity(r.resources.limits.memory);
  const max = redisBytes(r.maxmemory);
  const buffer = redisBytes(r.replicaOutputBuffer.hardLimit);
  if (max > 0 && 2 * max + buffer > limit) {
    const mi = (b: number) => `${Math.ceil(b / 1024 ** 2)}Mi`;
    ctx.addIssue({
      code: 'custom', path: ['resources', 'limits', 'memory'],
      message: `must be at least 2 x maxmemory (${r.maxmemory}, fork copy-on-write) + replicaOutputBuffer.hardLimit (${r.replicaOutputBuffer.hardLimit}) = ${mi(2 * max + buffer)}, got ${r.resources.limits.memory} (allowed: raise it, or lower maxmemory or replicaOutputBuffer.hardLimit)`,
    });
  }
}

/** Rules across `redis` and `secrets`: the rotation key must not be the password key itself. */
export function refineRedisSecret(c: { redis?: { mode?: string; previousPasswordKey?: string }; secrets?: { redis?: { key?: string } } }, ctx: z.RefinementCtx): void {
  const prev = c.redis?.previousPasswordKey;
  const key = c.secrets?.redis?.key;
  if (prev !== undefined && prev === key) {
    ctx.addIssue({ code: 'custom', path: ['redis', 'previousPasswordKey'], message: `must differ from secrets.redis.key ("${key}"): it holds the previous password during a rotation (allowed: another key of that Secret, default previous-password)` });
  }
  // The in-cluster cache's other ACL users' keys of the same Secret: the backend's password must not be one of them.
  if (key !== undefined && prev !== undefined && c.redis?.mode !== 'managed') {
    const c = { secrets: { redis: { key } }, redis: { previousPasswordKey: prev } };
    const others = CACHE_USERS.filter((u) => u !== 'backend').flatMap((u) => [userSecretKey(c, u), userPreviousKey(c, u)]);
    if (others.includes(key)) ctx.addIssue({ code: 'custom', path: ['secrets', 'redis', 'key'], message: `must not be "${key}": that key of the Secret holds another cache user's password (allowed: a key other than ${others.join(', ')}; default redis-password)` });
    if (others.includes(prev)) ctx.addIssue({ code: 'custom', path: ['redis', 'previousPasswordKey'], message: `must not be "${prev}": that key of the Secret holds another cache user's password (allowed: a key other than ${others.join(', ')}; default previous-password)` });
  }
}

/**
 * Rules on the `redis` section as written (before defaults): with a managed cache, the keys that configure
 * in-cluster pods (Sentinel, HAProxy, replicas, persistence, ...) have nothing to configure and are refused;
 * `managed` only with mode managed; a managed cache in production (the environment or its ENVIRONMENT is
 * "production") uses TLS.
 */
export function cacheModeProblems(raw: unknown, envName: string): { path: (string | number)[]; message: string }[] {
  const c = raw as { appEnvironment?: unknown; redis?: Record<string, unknown> } | undefined;
  const r = c?.redis;
  if (!r || typeof r !== 'object' || Array.isArray(r)) return [];
  const out: { path: (string | number)[]; message: string }[] = [];
  if (r.mode === 'managed') {
    for (const k of Object.keys(r)) {
      if (k === 'tls') {
        out.push({ path: ['redis', 'tls'], message: 'only with mode in-cluster: the TLS of a managed cache is redis.managed.tls (allowed with mode managed: ' + MANAGED_MODE_KEYS.join(', ') + ')' });
      } else if (k === 'url') {
        out.push({ path: ['redis', 'url'], message: 'only with mode in-cluster: with a managed cache REDIS_URL comes from redis.managed (host, port, tls, database, or urlSecret)' });
      } else if (!(MANAGED_MODE_KEYS as readonly string[]).includes(k)) {
        out.push({ path: ['redis', k], message: `only with mode in-cluster: a managed cache runs no ${k === 'sentinel' || k === 'masterName' || k === 'quorum' ? 'Sentinels' : 'cache pods'} in the cluster (allowed with mode managed: ${MANAGED_MODE_KEYS.join(', ')})` });
      }
    }
    const m = r.managed as Record<string, unknown> | undefined;
    const production = envName === 'production' || c?.appEnvironment === 'production';
    if (production && m && typeof m === 'object' && m.tls === false) {
      out.push({ path: ['redis', 'managed', 'tls'], message: 'must be true in production: the AUTH token and the data would cross the network in clear text (allowed: true; enable in-transit encryption on the cache)' });
    }
  } else if (r.managed !== undefined) {
    out.push({ path: ['redis', 'managed'], message: `only with mode managed (mode is ${JSON.stringify(r.mode ?? 'in-cluster')})` });
  }
  return out;
}

/**
 * Rules across `redis` and `certManager`: the issuer of the cache's certificate must be able to sign cluster-internal
 * names (`*.svc.cluster.local`), which an ACME CA never does.
 */
export function refineRedisTls(c: { redis?: { mode?: string; tls?: { enabled?: boolean; issuerRef?: { name: string; kind: string } } }; certManager?: { issuers?: { name: string; type: string }[] } }, ctx: z.RefinementCtx): void {
  const ref = c.redis?.mode !== 'managed' && c.redis?.tls?.enabled ? c.redis.tls.issuerRef : undefined;
  if (!ref) return;
  const configured = (c.certManager?.issuers ?? []).find((i) => i.name === ref.name);
  if (configured && configured.type.startsWith('acme-')) {
    ctx.addIssue({ code: 'custom', path: ['redis', 'tls', 'issuerRef', 'name'], message: `"${ref.name}" is an ACME issuer (certManager.issuers, type ${configured.type}): an ACME CA never signs the cache's cluster-internal names (allowed: a ca or vault issuer, or leave issuerRef out for the cache's own CA)` });
  }
}
