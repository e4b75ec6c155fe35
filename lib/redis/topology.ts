/**
 * Names, ports and hostnames of the Redis + Sentinel deployment: one place, so that the StatefulSet, the
 * Services, the generated config files and the client ConfigMap agree.
 */
import type { EnvConfig } from '../config';
import type { EnvContext } from '../config/context';
import type { CacheEngine } from './schema';
import { BACKEND_USER } from './users';

/**
 * What the cache's builders read: the environment context, the `redis` section and the cache's Secret
 * (`secrets.redis`). An `Environment` is one; the cache chart builds it from its props (`cacheEnvOf`).
 */
export interface CacheEnv extends EnvContext {
  readonly config: EnvContext['config'] & { readonly redis: EnvConfig['redis']; readonly secrets: { readonly redis: EnvConfig['secrets']['redis'] } };
}

/** The environment context with the cache's own sections: what the cache chart hands the builders of lib/redis. */
export function cacheEnvOf(env: EnvContext, redis: EnvConfig['redis'], secret: EnvConfig['secrets']['redis']): CacheEnv {
  return { ...env, config: { ...env.config, redis, secrets: { redis: secret } } };
}

export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
export const METRICS_PORT = 9121;
export const HAPROXY_HEALTH_PORT = 8404;

/** Fixed interface: the backend's NetworkPolicy and the ServiceMonitor select these labels. */
export const REDIS = { name: 'redis', component: 'redis' };
export const REDIS_SENTINEL = { name: 'redis', component: 'sentinel' };
export const REDIS_HAPROXY = { name: 'redis-haproxy', component: 'redis-proxy' };

/**
 * What a client of the in-cluster cache may reach: pods of these components (the Redis or Valkey pods, whose
 * Sentinel runs beside Redis, and HAProxy) on these ports (Redis through HAProxy, Sentinel for Sentinel-aware clients).
 */
export const CACHE_CLIENT_COMPONENTS = [REDIS.component, REDIS_HAPROXY.component];
export const CACHE_CLIENT_PORTS = [REDIS_PORT, SENTINEL_PORT];

export const STATEFULSET = 'redis';
export const HEADLESS_SERVICE = 'redis-headless';
export const SENTINEL_SERVICE = 'redis-sentinel';
/** The Service in front of HAProxy: what REDIS_URL points at. */
export const PROXY_SERVICE = 'redis';
export const HAPROXY_DEPLOYMENT = 'redis-haproxy';
export const NODE_CONFIGMAP = 'redis-node';
export const HAPROXY_CONFIGMAP = 'redis-haproxy';

/**
 * What differs between the in-cluster engines: object names (Valkey runs under its own names, so a switch of
 * engine starts a new StatefulSet on new volumes instead of rolling Valkey onto Redis's files, and the old
 * engine's objects keep serving until they are pruned), binaries and the server's config file name. HAProxy
 * (`redis-haproxy`), Service `redis` and ConfigMap `redis-config` keep their names: the backend never changes.
 */
export interface CacheNames {
  engine: CacheEngine;
  statefulset: string;
  headless: string;
  sentinelService: string;
  nodeConfigMap: string;
  pdb: string;
  /** NetworkPolicy of the cache pods, and the one of HAProxy towards them. */
  podPolicy: string;
  haproxyPolicy: string;
  server: string;
  sentinel: string;
  cli: string;
  /** The server's config file (template and rendered copy). */
  conf: string;
  /** Labels of the cache pods (selector: `name`) and of the Sentinel Service. */
  pods: { name: string; component: string };
  sentinelSpec: { name: string; component: string };
}

export function engineNames(engine: CacheEngine): CacheNames {
  if (engine === 'redis') {
    return {
      engine, statefulset: STATEFULSET, headless: HEADLESS_SERVICE, sentinelService: SENTINEL_SERVICE, nodeConfigMap: NODE_CONFIGMAP,
      pdb: 'redis-pdb', podPolicy: 'redis', haproxyPolicy: 'redis-haproxy',
      server: 'redis-server', sentinel: 'redis-sentinel', cli: 'redis-cli', conf: 'redis.conf', pods: REDIS, sentinelSpec: REDIS_SENTINEL,
    };
  }
  return {
    engine, statefulset: 'valkey', headless: 'valkey-headless', sentinelService: 'valkey-sentinel', nodeConfigMap: 'valkey-node',
    pdb: 'valkey-pdb', podPolicy: 'valkey', haproxyPolicy: 'valkey-haproxy',
    server: 'valkey-server', sentinel: 'valkey-sentinel', cli: 'valkey-cli', conf: 'valkey.conf',
    pods: { name: 'valkey', component: 'redis' }, sentinelSpec: { name: 'valkey', component: 'sentinel' },
  };
}

export function cacheNames(env: CacheEnv): CacheNames {
  return engineNames(env.config.redis.engine);
}

/** Where the pod's files are. */
export const PATHS = {
  /** The ConfigMap `redis-node` (templates and scripts, read-only). */
  templates: '/opt/redis/templates',
  /** emptyDir: redis.conf and sentinel.conf with the password, written at start-up; Sentinel rewrites its file here. */
  runtime: '/run/redis',
  /** PersistentVolumeClaim `data`: AOF and RDB. */
  data: '/data',
  haproxyConfig: '/usr/local/etc/haproxy',
};

export function headlessDomain(env: CacheEnv): string {
  return `${cacheNames(env).headless}.${env.config.namespace}.svc.${env.config.redis.clusterDomain}`;
}

/** Stable DNS name of Redis pod `i` (through the headless Service). */
export function podHost(env: CacheEnv, i: number): string {
  return `${cacheNames(env).statefulset}-${i}.${headlessDomain(env)}`;
}

export function podHosts(env: CacheEnv): string[] {
  return Array.from({ length: env.config.redis.replicas }, (_, i) => podHost(env, i));
}

/** `host:6379` of every Redis pod, pod 0 first (pod 0 bootstraps as primary when no Sentinel knows one). */
export function redisNodes(env: CacheEnv): string[] {
  return podHosts(env).map((h) => `${h}:${REDIS_PORT}`);
}

export function sentinelNodes(env: CacheEnv): string[] {
  return podHosts(env).map((h) => `${h}:${SENTINEL_PORT}`);
}

/** Where the cache's CA is mounted in the backend (REDIS_TLS_CA_FILE) and a managed cache's exporter: a managed cache's private CA, or the in-cluster cache's (`redis.tls`). */
export const MANAGED_CA_DIR = '/etc/pensioen/redis-ca';
export const MANAGED_CA_FILE = `${MANAGED_CA_DIR}/ca.crt`;

/** REDIS_URL of a managed cache given by host (undefined when it comes from `managed.urlSecret`). */
export function managedUrl(env: CacheEnv): string | undefined {
  const m = env.config.redis.managed;
  return m?.host ? `${m.tls ? 'rediss' : 'redis'}://${m.host}:${m.port}/${m.database}` : undefined;
}

/**
 * The data of ConfigMap `redis-config` (its key `url` is REDIS_URL, with the backend's ACL user): what clients need, never a password. The
 * Sentinel keys only where Sentinels run; with a managed cache the URL (unless it comes from a Secret) and, for a
 * private CA, where its file is.
 */
export function redisClientConfig(env: CacheEnv): Record<string, string> {
  const r = env.config.redis;
  if (r.mode === 'managed') {
    const url = managedUrl(env);
    return {
      ...(url ? { url } : {}),
      ...(r.managed?.caSecret ? { 'tls-ca-file': MANAGED_CA_FILE } : {}),
    };
  }
  return {
    // The backend's ACL user in the URL (redis://backend@redis:6379/0): clients (redis-py, ioredis, go-redis) send
    // AUTH backend <REDIS_PASSWORD>; `username` for clients that take it separately.
    url: r.url.replace(/^(rediss?:\/\/)/, `$1${BACKEND_USER}@`),
    username: BACKEND_USER,
    'sentinel-master-name': r.masterName,
    'sentinel-hosts': sentinelNodes(env).join(','),
    'sentinel-service': `${cacheNames(env).sentinelService}.${env.config.namespace}.svc.${r.clusterDomain}:${SENTINEL_PORT}`,
    'sentinel-requires-password': String(r.sentinel.requirePassword),
    // With `redis.tls`: the servers, Sentinels and HAProxy speak only TLS, verified with this CA (redis-py:
    // ssl_ca_certs=os.environ["REDIS_TLS_CA_FILE"]; Sentinel clients: sentinel_kwargs with ssl=True too).
    ...(r.tls.enabled ? { tls: 'true', 'tls-ca-file': MANAGED_CA_FILE } : {}),
  };
}

/**
 * Labels of the Service in front of the exporters the ServiceMonitor `redis` selects: the cache pods' headless
 * Service (the redis_exporter sidecars), the managed cache's exporter, or none (managed, `metrics: cloud`).
 */
export function cacheMetricsServiceLabels(env: CacheEnv): Record<string, string> | undefined {
  const r = env.config.redis;
  if (r.mode === 'managed') {
    return r.managed?.metrics === 'exporter' ? { 'app.kubernetes.io/name': 'redis-exporter', 'app.kubernetes.io/component': 'metrics' } : undefined;
  }
  const pods = cacheNames(env).pods;
  return { 'app.kubernetes.io/name': pods.name, 'app.kubernetes.io/component': pods.component };
}
