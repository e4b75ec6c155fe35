/** Group `pensioen-redis`: the cache (redis_exporter): down, no or several primaries, failovers, memory, connections. */
import type { Environment } from '../../config';
import type { AlertRule } from '../rule-types';
import { HANDOVER_KEY, HANDOVER_MARKER_SECONDS } from '../../redis/files';
import { pct, promql, sel, shortWindow } from './common';

/** The cache alerts that make sense for a managed cache (no Sentinel, no primaries to count). */
export const MANAGED_CACHE_ALERTS = ['RedisDown', 'RedisMemoryNearMax', 'RedisEvictionRateHigh', 'RedisRejectedConnections'];

/** The cache's alerts; for a managed cache only MANAGED_CACHE_ALERTS. */
export function redisAlerts(env: Environment): AlertRule[] {
  const c = env.config;
  const m = c.monitoring;
  const t = m.thresholds;
  const redis = sel(m.jobs.redis, c.namespace);
  const short = shortWindow(m.scrapeInterval);

  const redisRules: AlertRule[] = [
    {
      alert: 'RedisDown',
      // up == 0: the redis_exporter sidecar cannot be scraped; redis_up == 0: it cannot reach its Redis.
      expr: promql`
        min by (namespace, job, pod) (up{${redis}}) == 0
        or
        min by (namespace, job, pod) (redis_up{${redis}}) == 0`,
      for: '1m',
      severity: 'critical',
      summary: 'A Redis instance is down',
      description: 'Redis in pod {{ $labels.namespace }}/{{ $labels.pod }} (job {{ $labels.job }}) has been unreachable for 1 minute.',
    },
    {
      alert: 'RedisNoPrimary',
      expr: promql`
        count by (namespace) (redis_up{${redis}} == 1)
        unless on (namespace)
        count by (namespace) (redis_instance_info{${redis},role="master"})`,
      for: '1m',
      severity: 'critical',
      summary: 'Redis has no primary',
      description: `Redis instances in namespace {{ $labels.namespace }} run, but none has been primary for 1 minute: Sentinel (master name "${c.redis.masterName}") did not promote a replica, so writes fail.`,
    },
    {
      alert: 'RedisMultiplePrimaries',
      expr: promql`
        count by (namespace) (redis_instance_info{${redis},role="master"}) > 1`,
      for: '2m',
      severity: 'critical',
      summary: 'More than one Redis instance is primary (split brain)',
      description: '{{ $value }} Redis instances in namespace {{ $labels.namespace }} report role master for 2 minutes: writes go to different primaries and will be lost when Sentinel reconciles.',
    },
    {
      alert: 'RedisFailoverHappened',
      // More than one pod was primary within the last 10 minutes: Sentinel promoted a replica. Counted per
      // pod, so a primary that restarts and stays primary is no failover. A planned hand-over (the primary's
      // preStop: rolling update, drain) sets the key ${HANDOVER_KEY} (unix time, expires after
      // ${HANDOVER_MARKER_SECONDS} s) that redis_exporter exports as redis_key_value: a failover within 10 minutes
      // of such a marker is planned and does not alert.
      expr: promql`
        count by (namespace) (
          count by (namespace, pod) (max_over_time(redis_instance_info{${redis},role="master"}[10m]))
        ) > 1
        unless on (namespace)
        count by (namespace) (max_over_time(redis_key_value{${redis},key="${HANDOVER_KEY}"}[10m]) > time() - ${HANDOVER_MARKER_SECONDS})`,
      labels: { team: 'database' },
      severity: 'warning',
      summary: 'Sentinel failed Redis over to another primary',
      description: `{{ $value }} different pods in namespace {{ $labels.namespace }} were Redis primary (master name "${c.redis.masterName}") within the last 10 minutes without a planned hand-over (preStop): an unplanned failover happened. Find out why the old primary failed.`,
    },
    ...(c.redis.maxmemoryPolicy.startsWith('allkeys-') ? [{
      alert: 'RedisEvictionRateHigh',
      // With allkeys-* a full cache is normal (it evicts the least useful keys): what hurts is evicting so much
      // that the cache thrashes. redis_evicted_keys_total counts keys removed for maxmemory.
      expr: promql`
        sum by (namespace, job, pod) (rate(redis_evicted_keys_total{${redis}}[${short}])) > ${t.redisEvictionsPerSecond}`,
      for: '15m',
      severity: 'warning' as const,
      labels: { team: 'database' },
      summary: `Redis evicts more than ${t.redisEvictionsPerSecond} keys per second`,
      description: `Redis in pod {{ $labels.namespace }}/{{ $labels.pod }} has evicted {{ $value | humanize }} keys/s for 15 minutes (maxmemory ${c.redis.mode === 'managed' ? 'of the managed cache' : c.redis.maxmemory}, policy ${c.redis.maxmemoryPolicy}): the cache is too small for the working set.`,
    }] : [{
      alert: 'RedisMemoryNearMax',
      // Only when maxmemory is set (redis_memory_max_bytes > 0); otherwise the ratio would be +Inf. Only with a
      // policy under which a full Redis fails writes (noeviction, volatile-* without volatile keys).
      expr: promql`
        redis_memory_used_bytes{${redis}}
        / on (namespace, job, pod, instance)
        (redis_memory_max_bytes{${redis}} > 0)
        > ${t.redisMemoryRatio}`,
      for: '5m',
      severity: 'warning' as const,
      labels: { team: 'database' },
      summary: `Redis uses more than ${pct(t.redisMemoryRatio)} of maxmemory`,
      description: `Redis in pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of maxmemory (${c.redis.maxmemory}, policy ${c.redis.maxmemoryPolicy}): when it is full, writes fail (OOM command not allowed).`,
    }]),
    {
      alert: 'RedisRejectedConnections',
      expr: promql`
        increase(redis_rejected_connections_total{${redis}}[5m]) > 0`,
      severity: 'warning',
      summary: 'Redis rejects connections',
      description: 'Redis in pod {{ $labels.namespace }}/{{ $labels.pod }} rejected {{ $value | humanize }} connections in the last 5 minutes (maxclients reached).',
    },
  ];

  return c.redis.mode === 'managed' ? redisRules.filter((r) => MANAGED_CACHE_ALERTS.includes(r.alert)) : redisRules;
}
