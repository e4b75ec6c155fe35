/**
 * The `redis` section of the configuration (besides `redis.url`, which lives in `lib/config/index.ts`): the
 * Redis + Sentinel StatefulSet, its HAProxy, the exporter, persistence and the command policy.
 */
import { z } from 'zod';
import { parseQuantity } from '../k8s/quantity';
import { dnsName, imageRef, quantity, resources } from '../config/types';

/** Commands a client may never run in production (a cache flush or a blocking scan by mistake). */
export const DANGEROUS_COMMANDS = ['FLUSHALL', 'FLUSHDB', 'CONFIG', 'DEBUG', 'KEYS'] as const;
const COMMAND = /^[A-Z][A-Z0-9_-]*$/i;
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
    image: imageRef().default('docker.io/library/redis:7.4.6')
      .describe('Redis image (Redis and Sentinel containers); full reference with registry, pinned tag. Runs as the image\'s uid 999'),
    replicas: z.number().int().min(3, { message: 'must be at least 3 (one primary, two replicas, three Sentinels)' }).default(3)
      .describe('Redis pods, each with a Sentinel sidecar: one primary, the rest replicas'),
    masterName: z.string().regex(/^[a-zA-Z0-9._-]+$/, { message: 'must be letters, digits, ".", "_" and "-"' }).default('pensioen-redis')
      .describe('Name Sentinel monitors the primary under (Sentinel-aware clients ask for it)'),
    quorum: z.number().int().min(1).default(2).describe('Sentinels that must agree the primary is down before a failover (a majority of `replicas`)'),
    clusterDomain: dnsName().default('cluster.local').describe('Cluster DNS domain of the per-pod hostnames Redis and Sentinel announce'),
    maxmemory: z.string().regex(REDIS_MEMORY, { message: 'must be a Redis memory size such as 256mb or 1gb' }).default('256mb')
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
    sentinel: z.strictObject({
      downAfterMilliseconds: z.number().int().min(1000).default(5000).describe('sentinel down-after-milliseconds: how long the primary may be unreachable before it counts as down'),
      failoverTimeout: z.number().int().min(1000).default(10000).describe('sentinel failover-timeout'),
      parallelSyncs: z.number().int().min(1).default(1).describe('sentinel parallel-syncs: replicas that resync with a new primary at once'),
      requirePassword: z.boolean().default(true).describe('Sentinel itself requires the Redis password (clients then pass it to Sentinel too)'),
      resources: resources({ cpuRequest: '50m', memoryRequest: '32Mi', cpuLimit: '200m', memoryLimit: '64Mi' }),
    }).prefault({}).describe('Sentinel (a sidecar in every Redis pod, port 26379)'),
    resources: resources({ cpuRequest: '100m', memoryRequest: '384Mi', cpuLimit: '500m', memoryLimit: '512Mi' }),
    persistence: z.strictObject({
      size: quantity().default('2Gi').describe('Size of each Redis pod\'s PersistentVolumeClaim (AOF and RDB files)'),
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
      image: imageRef().default('docker.io/library/haproxy:3.2.7').describe('HAProxy image (runs as the image\'s uid 99)'),
      replicas: z.number().int().min(1).default(2).describe('HAProxy replicas behind Service `redis`'),
      checkIntervalMilliseconds: z.number().int().min(100).default(1000).describe('How often HAProxy asks every Redis pod for its role'),
      resources: resources({ cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '250m', memoryLimit: '128Mi' }),
      pdb: z.strictObject({
        maxUnavailable: z.number().int().min(1).default(1).describe('HAProxy pods a voluntary disruption may take down at once'),
      }).prefault({}).describe('PodDisruptionBudget `redis-haproxy-pdb`'),
    }).prefault({}).describe('HAProxy in front of the current primary (Service `redis`, what REDIS_URL points at)'),
  };
}

interface RedisSection {
  replicas: number;
  quorum: number;
  maxmemory: string;
  disabledCommands: string[];
  renamedCommands: Record<string, string>;
  resources: { limits: { memory: string } };
}

/** Cross-field rules of the `redis` section. */
export function refineRedis(r: RedisSection, ctx: z.RefinementCtx): void {
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
  const limit = parseQuantity(r.resources.limits.memory);
  const max = redisBytes(r.maxmemory);
  if (max * 1.25 > limit) {
    ctx.addIssue({ code: 'custom', path: ['maxmemory'], message: `must leave room below resources.limits.memory (${r.resources.limits.memory}): at most 80% of it, got ${r.maxmemory}` });
  }
}
