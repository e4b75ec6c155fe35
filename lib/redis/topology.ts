/**
 * Names, ports and hostnames of the Redis + Sentinel deployment: one place, so that the StatefulSet, the
 * Services, the generated config files and the client ConfigMap agree.
 */
import type { Environment } from '../config';

export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
export const METRICS_PORT = 9121;
export const HAPROXY_HEALTH_PORT = 8404;

/** Fixed interface: the backend's NetworkPolicy and the ServiceMonitor select these labels. */
export const REDIS = { name: 'redis', component: 'redis' };
export const REDIS_SENTINEL = { name: 'redis', component: 'sentinel' };
export const REDIS_HAPROXY = { name: 'redis-haproxy', component: 'redis-proxy' };

export const STATEFULSET = 'redis';
export const HEADLESS_SERVICE = 'redis-headless';
export const SENTINEL_SERVICE = 'redis-sentinel';
/** The Service in front of HAProxy: what REDIS_URL points at. */
export const PROXY_SERVICE = 'redis';
export const HAPROXY_DEPLOYMENT = 'redis-haproxy';
export const NODE_CONFIGMAP = 'redis-node';
export const HAPROXY_CONFIGMAP = 'redis-haproxy';

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

export function headlessDomain(env: Environment): string {
  return `${HEADLESS_SERVICE}.${env.config.namespace}.svc.${env.config.redis.clusterDomain}`;
}

/** Stable DNS name of Redis pod `i` (through the headless Service). */
export function podHost(env: Environment, i: number): string {
  return `${STATEFULSET}-${i}.${headlessDomain(env)}`;
}

export function podHosts(env: Environment): string[] {
  return Array.from({ length: env.config.redis.replicas }, (_, i) => podHost(env, i));
}

/** `host:6379` of every Redis pod, pod 0 first (pod 0 bootstraps as primary when no Sentinel knows one). */
export function redisNodes(env: Environment): string[] {
  return podHosts(env).map((h) => `${h}:${REDIS_PORT}`);
}

export function sentinelNodes(env: Environment): string[] {
  return podHosts(env).map((h) => `${h}:${SENTINEL_PORT}`);
}

/** The data of ConfigMap `redis-config` (its key `url` is REDIS_URL): what clients need, never a password. */
export function redisClientConfig(env: Environment): Record<string, string> {
  const r = env.config.redis;
  return {
    url: r.url,
    'sentinel-master-name': r.masterName,
    'sentinel-hosts': sentinelNodes(env).join(','),
    'sentinel-service': `${SENTINEL_SERVICE}.${env.config.namespace}.svc.${r.clusterDomain}:${SENTINEL_PORT}`,
    'sentinel-requires-password': String(r.sentinel.requirePassword),
  };
}
