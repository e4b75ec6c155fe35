/**
 * promtool unit tests for every alert, generated from an environment's configuration (namespace, job
 * labels, metric names, thresholds), so that every environment's rules are proven, not only the defaults.
 * Each alert has cases where it must fire and cases where it must stay silent; `test/monitoring-promtool.tools.test.ts`
 * checks that and runs `promtool test rules` on them.
 *
 * Series use promtool's expanding notation with a 1m interval: `0+10x30` is 0, 10, ..., 300 (31 samples),
 * `1x10` is eleven 1s, `_` is a missing sample, `stale` a staleness marker (the series disappeared from a scrape).
 */
import type { Environment } from '../../lib/config';
import { backendMetrics } from '../../lib/monitoring/metrics';
import { BACKEND_HPA } from '../../lib/monitoring/names';
import { HANDOVER_KEY, HANDOVER_MARKER_SECONDS } from '../../lib/redis/files';
import { alertGroups } from '../../lib/monitoring/rules';
import { edgeMetricsSource, edgesOf } from '../../lib/monitoring/edge';
import { MANAGED_ONLY_ALERTS } from '../../lib/monitoring/cnpg-rules';
import { cnpgOf } from '../../lib/database/names';
import { durationSeconds } from '../../lib/monitoring/prom-types';
import { cnpgAlertCases } from './cnpg-cases';
import type { AlertCase, ExpAlert, Series } from './types';


/** Minutes in a Prometheus duration such as 5m, 1h or 1h30m. */
export function minutes(d: string): number {
  return durationSeconds(d) / 60;
}

const lbl = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}="${v}"`).join(',');
const s = (name: string, labels: Record<string, string>, values: string): Series => ({ series: `${name}{${lbl(labels)}}`, values });
const at = (min: number) => `${Math.round(min)}m`;

export function alertCases(env: Environment): AlertCase[] {
  const c = env.config;
  const m = c.monitoring;
  const t = m.thresholds;
  const ns = c.namespace;
  const bm = backendMetrics(m.metrics);
  const cases: AlertCase[] = [];
  // Every alert also carries its team and the environment's namespace (static labels of the rule).
  const teamOf = new Map(alertGroups(env).flatMap((g) => g.rules.map((r) => [r.alert, r.labels?.team ?? r.team ?? g.team] as const)));
  const withStatic = (alert: string, exp: ExpAlert[]) => exp.map((e) => ({ exp_labels: { ...e.exp_labels, namespace: ns, team: teamOf.get(alert)! } }));
  const add = (alert: string, name: string, input_series: Series[], checks: [number, ExpAlert[]][], interval = '1m') =>
    cases.push({ name: `${alert} ${name}`, alert, interval, input_series, checks: checks.map(([min, exp]) => ({ eval_time: at(min), alertname: alert, exp_alerts: withStatic(alert, exp) })) });
  const fires = (labels: Record<string, string>): ExpAlert[] => [{ exp_labels: labels }];
  const silent: ExpAlert[] = [];

  // --- HighErrorRate: the ratio of 5xx to all requests. 1000 requests a minute.
  {
    const job = { job: m.jobs.backend, namespace: ns };
    const pod = { ...job, instance: '10.0.0.1:8000', pod: 'backend-7d9f-abcde' };
    const req = bm.requestsTotal;
    const st = bm.statusLabel;
    const forMin = minutes(t.errorRatioFor);
    const bad = Math.min(2 * t.errorRatio, (1 + t.errorRatio) / 2); // 10% with the default 5%
    const low = t.errorRatio / 5; // 1% with the default 5%
    const perMin = (ratio: number) => Math.round(1000 * ratio);
    const traffic = (errRatio: number, n = 60) => [
      s(req, { ...pod, [st]: '200' }, `0+${1000 - perMin(errRatio)}x${n}`),
      s(req, { ...pod, [st]: '500' }, `0+${perMin(errRatio)}x${n}`),
    ];
    const labels = { ...job, severity: 'critical' };
    add('HighErrorRate', `fires: ${bad * 100}% errors, sustained`, traffic(bad), [[forMin + 2, fires(labels)], [forMin + 20, fires(labels)]]);
    // The 5-minute ratio crosses the threshold after about 3 minutes; then it must hold for `for`.
    add('HighErrorRate', `fires: 0% errors for 10 minutes, then ${bad * 100}% for ${forMin + 6} minutes`, [
      s(req, { ...pod, [st]: '200' }, `0+1000x10 ${10000 + 1000 - perMin(bad)}+${1000 - perMin(bad)}x${forMin + 6}`),
      s(req, { ...pod, [st]: '500' }, `0x10 ${perMin(bad)}+${perMin(bad)}x${forMin + 6}`),
    ], [[10 + forMin - 1, silent], [10 + forMin + 5, fires(labels)]]);
    add('HighErrorRate', `silent: ${low * 100}% errors`, traffic(low), [[forMin + 2, silent], [40, silent]]);
    add('HighErrorRate', `silent: a 2-minute spike of ${bad * 100}% errors`, [
      s(req, { ...pod, [st]: '200' }, `0+1000x10 ${10000 + 1000 - perMin(bad)}+${1000 - perMin(bad)}x1 ${12000 - 2 * perMin(bad) + 1000}+1000x30`),
      s(req, { ...pod, [st]: '500' }, `0x10 ${perMin(bad)}+${perMin(bad)}x1 ${2 * perMin(bad)}x30`),
    ], [[11, silent], [12, silent], [14, silent], [16, silent], [18, silent], [25, silent]]);
    add('HighErrorRate', 'silent: a 2-minute total outage (100% errors), over before `for` is reached', [
      s(req, { ...pod, [st]: '200' }, '0+1000x10 10000x1 10000+1000x30'),
      s(req, { ...pod, [st]: '500' }, '0x10 1000+1000x1 2000x30'),
    ], [[11, silent], [13, silent], [15, silent], [16, silent], [18, silent], [25, silent]]);
    add('HighErrorRate', 'silent: no traffic at all (counters flat, 0/0)', [
      s(req, { ...pod, [st]: '200' }, '1000x60'),
      s(req, { ...pod, [st]: '500' }, '50x60'),
    ], [[forMin + 2, silent], [40, silent]]);
    add('HighErrorRate', 'silent: no 5xx series ever', [s(req, { ...pod, [st]: '200' }, '0+1000x60')], [[forMin + 2, silent]]);
  }

  // --- HighLatencyP95: the backend's real buckets (Python's prometheus_client writes "1.0"), 100 requests a
  // minute, a share of them slower than the threshold L (in the buckets above it, +Inf at the top).
  {
    const job = { job: m.jobs.backend, namespace: ns };
    const pod = { ...job, instance: '10.0.0.1:8000', pod: 'backend-7d9f-abcde', handler: '/api/v1/rules', method: 'POST' };
    const L = t.latencyP95Seconds;
    const pyLe = (x: number) => (Number.isInteger(x) ? `${x}.0` : String(x));
    const bounds = [...bm.durationBuckets].sort((a, b) => a - b);
    const fast = bounds.find((x) => x <= L)!; // the lowest bucket at or under L
    const above = bounds.find((x) => x > L); // the bucket above L, or none (L is the top finite bucket)
    const bucket = `${bm.requestDuration}_bucket`;
    /** Phases of 100 requests a minute, `slow` of them above L (the first sample is 0). */
    const hist = (phases: { slow: number; n: number }[]) => {
      const counter = (perMin: (p: { slow: number }) => number) => {
        let v = 0;
        const parts = ['0'];
        for (const ph of phases) { const inc = perMin(ph); parts.push(`${v + inc}+${inc}x${ph.n - 1}`); v += inc * ph.n; }
        return parts.join(' ');
      };
      return [
        ...bounds.map((le) => s(bucket, { ...pod, le: pyLe(le) }, counter((ph) => (le >= (above ?? Infinity) ? 100 : le >= fast ? 100 - ph.slow : 0)))),
        s(bucket, { ...pod, le: '+Inf' }, counter(() => 100)),
        s(`${bm.requestDuration}_count`, pod, counter(() => 100)),
      ];
    };
    const forMin = minutes(t.latencyFor);
    const labels = { ...job, severity: 'warning' };
    add('HighLatencyP95', `fires: every request takes longer than ${L}s${above ? '' : ' (beyond the largest finite bucket)'}`, hist([{ slow: 100, n: 60 }]), [[forMin - 1, silent], [forMin + 2, fires(labels)]]);
    add('HighLatencyP95', `fires: 10% of the requests take longer than ${L}s`, hist([{ slow: 10, n: 60 }]), [[forMin + 2, fires(labels)]]);
    add('HighLatencyP95', `silent: 4% of the requests take longer than ${L}s (p95 is under it)`, hist([{ slow: 4, n: 60 }]), [[forMin + 2, silent], [40, silent]]);
    add('HighLatencyP95', `silent: every request takes under ${L}s`, hist([{ slow: 0, n: 60 }]), [[forMin + 2, silent], [40, silent]]);
    add('HighLatencyP95', 'silent: slow for 2 minutes, then fast again', hist([{ slow: 0, n: 10 }, { slow: 100, n: 2 }, { slow: 0, n: 40 }]),
      [[12, silent], [10 + forMin, silent], [20, silent], [30, silent]]);
    add('HighLatencyP95', 'silent: no traffic at all', hist([{ slow: 0, n: 1 }]).map((x) => ({ ...x, values: '500x60' })), [[forMin + 2, silent]]);
  }

  // --- BackendHpaAtMaxReplicas
  if (c.backend.autoscaling.enabled) {
    const max = c.backend.autoscaling.maxReplicas;
    const hpa = { job: 'kube-state-metrics', namespace: ns, horizontalpodautoscaler: BACKEND_HPA };
    const forMin = minutes(t.hpaMaxedFor);
    const hpaSeries = (current: string) => [
      s('kube_horizontalpodautoscaler_status_current_replicas', hpa, current),
      s('kube_horizontalpodautoscaler_spec_max_replicas', hpa, `${max}x60`),
    ];
    const labels = { namespace: ns, horizontalpodautoscaler: BACKEND_HPA, severity: 'warning' };
    add('BackendHpaAtMaxReplicas', `fires: at maxReplicas (${max}) for ${forMin + 2} minutes`, hpaSeries(`${max}x60`), [[forMin - 1, silent], [forMin + 2, fires(labels)]]);
    add('BackendHpaAtMaxReplicas', 'silent: at maxReplicas for 10 minutes, then scaled in', hpaSeries(`${max}x10 ${Math.max(1, max - 1)}x50`), [[forMin + 2, silent]]);
    add('BackendHpaAtMaxReplicas', 'silent: below maxReplicas', hpaSeries(`${Math.max(1, max - 1)}x60`), [[forMin + 2, silent]]);
  }

  // --- PodCrashLooping
  {
    const pod = { job: 'kube-state-metrics', namespace: ns, pod: 'backend-7d9f-abcde', container: 'backend', reason: 'CrashLoopBackOff' };
    const name = 'kube_pod_container_status_waiting_reason';
    const labels = { ...pod, severity: 'warning' };
    add('PodCrashLooping', 'fires: in CrashLoopBackOff for 30 minutes', [s(name, pod, '1x30')], [[10, silent], [21, fires(labels)]]);
    add('PodCrashLooping', 'silent: one crash, recovered after 5 minutes', [s(name, pod, '1x5 stale')], [[21, silent]]);
    add('PodCrashLooping', 'silent: a pod of another namespace', [s(name, { ...pod, namespace: 'other' }, '1x30')], [[21, silent]]);
  }

  // --- PodInitContainerStuck: kube-state-metrics' init container state of a backend pod.
  {
    const pod = { job: 'kube-state-metrics', namespace: ns, pod: 'backend-7d9f-abcde', container: 'wait-for-schema' };
    const waiting = (reason: string, values: string) => s('kube_pod_init_container_status_waiting_reason', { ...pod, reason }, values);
    const running = (values: string) => s('kube_pod_init_container_status_running', pod, values);
    const labels = { namespace: ns, pod: pod.pod, container: pod.container, severity: 'warning' };
    // The schema wait runs 10 minutes, fails, waits in CrashLoopBackOff, runs again (one minute with neither).
    add('PodInitContainerStuck', 'fires: wait-for-schema runs out its timeout and crash-loops', [
      running('1x9 0x4 1x9 0x4 1x9'), waiting('CrashLoopBackOff', '_x10 1x3 _x10 1x3 _x9'),
    ], [[10, silent], [17, fires(labels)], [35, fires(labels)]]);
    add('PodInitContainerStuck', 'fires: the init container\'s image cannot be pulled', [running('0x30'), waiting('ImagePullBackOff', '1x30')], [[10, silent], [17, fires(labels)]]);
    add('PodInitContainerStuck', 'silent: the schema wait took 2 minutes, then the pod started', [running('1x2 0x28')], [[10, silent], [20, silent]]);
    add('PodInitContainerStuck', 'silent: waiting behind an earlier init container (PodInitializing)', [running('0x30'), waiting('PodInitializing', '1x30')], [[20, silent]]);
    add('PodInitContainerStuck', 'silent: a pod of another namespace', [running('0x30'), s('kube_pod_init_container_status_waiting_reason', { ...pod, namespace: 'other', reason: 'CrashLoopBackOff' }, '1x30')], [[20, silent]]);
  }

  // --- PodNotReady
  {
    const pod = { job: 'kube-state-metrics', namespace: ns, pod: 'frontend-5c8d-xyz12' };
    const phases = (running: string, succeeded: string) => [
      s('kube_pod_status_phase', { ...pod, phase: 'Running' }, running),
      s('kube_pod_status_phase', { ...pod, phase: 'Succeeded' }, succeeded),
      s('kube_pod_status_phase', { ...pod, phase: 'Pending' }, '0x30'),
    ];
    const labels = { namespace: ns, pod: pod.pod, severity: 'warning' };
    add('PodNotReady', 'fires: running but not ready for 30 minutes',
      [...phases('1x30', '0x30'), s('kube_pod_status_ready', { ...pod, condition: 'false' }, '1x30')], [[10, silent], [17, fires(labels)]]);
    add('PodNotReady', 'silent: not ready for 5 minutes during a rollout',
      [...phases('1x30', '0x30'), s('kube_pod_status_ready', { ...pod, condition: 'false' }, '1x5 0x25')], [[17, silent]]);
    add('PodNotReady', 'silent: a completed (Succeeded) pod is never ready',
      [...phases('0x30', '1x30'), s('kube_pod_status_ready', { ...pod, condition: 'false' }, '1x30')], [[17, silent]]);
  }

  // --- DatabaseDown
  {
    const target = { job: m.jobs.postgres, namespace: ns, instance: '10.0.0.9:9187', pod: 'postgres-exporter-6b7c-q1w2e', service: 'postgres-exporter' };
    const labels = { job: m.jobs.postgres, namespace: ns, severity: 'critical' };
    add('DatabaseDown', 'fires: postgres_exporter not scrapable (up == 0)', [s('up', target, '0x10')], [[0, silent], [2, fires(labels)]]);
    add('DatabaseDown', 'fires: exporter runs but PostgreSQL unreachable (pg_up == 0)', [s('up', target, '1x10'), s('pg_up', target, '0x10')], [[2, fires(labels)]]);
    add('DatabaseDown', 'silent: healthy', [s('up', target, '1x10'), s('pg_up', target, '1x10')], [[2, silent], [10, silent]]);
    add('DatabaseDown', 'silent: one failed scrape', [s('up', target, '1 0 1x8'), s('pg_up', target, '1x10')], [[1, silent], [3, silent]]);
  }

  // --- PostgresConnectionsNearLimit (max_connections 100)
  {
    const target = { job: m.jobs.postgres, namespace: ns, instance: '10.0.0.9:9187', pod: 'postgres-exporter-6b7c-q1w2e' };
    const r = t.postgresConnectionsRatio;
    const conns = (total: number) => [
      s('pg_stat_activity_count', { ...target, datname: 'rules_engine', state: 'active' }, `${Math.ceil(total / 2)}x20`),
      s('pg_stat_activity_count', { ...target, datname: 'rules_engine', state: 'idle' }, `${Math.floor(total / 2)}x20`),
      s('pg_settings_max_connections', target, '100x20'),
    ];
    const high = Math.min(100, Math.round(100 * (1 + r) / 2));
    add('PostgresConnectionsNearLimit', `fires: ${high} of 100 connections`, conns(high),
      [[3, silent], [7, fires({ job: m.jobs.postgres, namespace: ns, severity: 'warning' })]]);
    add('PostgresConnectionsNearLimit', `silent: ${Math.round(50 * r)} of 100 connections`, conns(Math.round(50 * r)), [[7, silent]]);
  }

  // --- Redis: three pods with a redis_exporter sidecar each.
  const redisTarget = (i: number) => ({ job: m.jobs.redis, namespace: ns, instance: `10.0.1.${i}:9121`, pod: `redis-${i}`, service: 'redis' });
  const info = (i: number, role: string, values: string, runId = `run${i}`) =>
    s('redis_instance_info', { ...redisTarget(i), role, run_id: runId, redis_version: '7.4.6' }, values);
  const redisUp = (values: string[]) => values.map((v, i) => s('redis_up', redisTarget(i), v));
  {
    const labels = { job: m.jobs.redis, namespace: ns, pod: 'redis-1', severity: 'critical' };
    add('RedisDown', 'fires: one exporter not scrapable (up == 0)',
      [s('up', redisTarget(0), '1x10'), s('up', redisTarget(1), '0x10'), s('up', redisTarget(2), '1x10')], [[2, fires(labels)]]);
    add('RedisDown', 'fires: exporter runs but its Redis is down (redis_up == 0)',
      [s('up', redisTarget(1), '1x10'), s('redis_up', redisTarget(1), '0x10')], [[2, fires(labels)]]);
    add('RedisDown', 'silent: all up', [...[0, 1, 2].map((i) => s('up', redisTarget(i), '1x10')), ...redisUp(['1x10', '1x10', '1x10'])], [[2, silent], [10, silent]]);
  }
  {
    const labels = { namespace: ns, severity: 'critical' };
    add('RedisNoPrimary', 'fires: three Redis up, all replicas',
      [...redisUp(['1x10', '1x10', '1x10']), info(0, 'slave', '1x10'), info(1, 'slave', '1x10'), info(2, 'slave', '1x10')], [[0, silent], [2, fires(labels)]]);
    add('RedisNoPrimary', 'silent: one primary, two replicas',
      [...redisUp(['1x10', '1x10', '1x10']), info(0, 'master', '1x10'), info(1, 'slave', '1x10'), info(2, 'slave', '1x10')], [[2, silent]]);
    add('RedisNoPrimary', 'silent: every Redis down (RedisDown pages instead)', redisUp(['0x10', '0x10', '0x10']), [[2, silent]]);
    add('RedisMultiplePrimaries', 'fires: two primaries for 5 minutes',
      [info(0, 'master', '1x10'), info(1, 'master', '1x10'), info(2, 'slave', '1x10')], [[1, silent], [3, fires({ namespace: ns, severity: 'critical' })]]);
    add('RedisMultiplePrimaries', 'silent: one primary', [info(0, 'master', '1x10'), info(1, 'slave', '1x10'), info(2, 'slave', '1x10')], [[3, silent]]);
    add('RedisMultiplePrimaries', 'silent: two primaries for 1 minute during a failover',
      [info(0, 'master', '1x5 stale'), info(0, 'slave', '_x6 1x4'), info(1, 'master', '_x4 1x6')], [[5, silent], [8, silent]]);
  }
  {
    const labels = { namespace: ns, severity: 'warning', team: 'database' };
    const failover = [
      info(0, 'master', '1x10 stale'), info(0, 'slave', '_x11 1x29'),
      info(1, 'slave', '1x10 stale'), info(1, 'master', '_x11 1x29'),
      info(2, 'slave', '1x40'),
    ];
    add('RedisFailoverHappened', 'fires: redis-1 took over from redis-0, then stops after 10 minutes', failover,
      [[5, silent], [12, fires(labels)], [19, fires(labels)], [25, silent]]);
    add('RedisFailoverHappened', 'silent: the primary restarted (new run_id) and stayed primary',
      [info(0, 'master', '1x10 stale', 'run0'), info(0, 'master', '_x11 1x29', 'run0b'), info(1, 'slave', '1x40')], [[12, silent], [20, silent]]);
    // The preStop hand-over sets the marker key (unix time) just before it fails over: a planned switch.
    const marker = (values: string) => s('redis_key_value', { ...redisTarget(0), db: 'db0', key: HANDOVER_KEY }, values);
    add('RedisFailoverHappened', 'silent: a planned hand-over (preStop marker set at the switch)', [...failover, marker('_x10 600x29')],
      [[12, silent], [19, silent]]);
    add('RedisFailoverHappened', `fires: a failover long after an old marker (older than ${HANDOVER_MARKER_SECONDS} s)`,
      [...failover, marker('0x40')], [[19, fires(labels)]]); // marker at t=0, 1140 s before
    add('RedisFailoverHappened', 'silent: one steady primary', [info(0, 'master', '1x40'), info(1, 'slave', '1x40')], [[12, silent]]);
  }
  if (!c.redis.maxmemoryPolicy.startsWith('allkeys-')) {
    const max = 268435456; // 256mb
    const used = (ratio: number) => String(Math.round(max * ratio));
    const mem = (ratio: number, maxBytes = max) => [
      s('redis_memory_used_bytes', redisTarget(0), `${used(ratio)}x20`),
      s('redis_memory_max_bytes', redisTarget(0), `${maxBytes}x20`),
    ];
    const r = t.redisMemoryRatio;
    // The division `on (namespace, job, pod, instance)` keeps only those labels.
    const { namespace, job, pod, instance } = redisTarget(0);
    const target = { namespace, job, pod, instance };
    add('RedisMemoryNearMax', `fires: ${((1 + r) / 2) * 100}% of maxmemory`, mem((1 + r) / 2), [[3, silent], [7, fires({ ...target, severity: 'warning', team: 'database' })]]);
    add('RedisMemoryNearMax', `silent: ${(r / 2) * 100}% of maxmemory`, mem(r / 2), [[7, silent]]);
    add('RedisMemoryNearMax', 'silent: no maxmemory set (0, the ratio would be +Inf)', mem(5, 0), [[7, silent]]);
  }
  if (c.redis.maxmemoryPolicy.startsWith('allkeys-')) {
    const target = redisTarget(0);
    const e = t.redisEvictionsPerSecond;
    const { namespace, job, pod } = target;
    // Per minute sample: counter grows by rate * 60.
    add('RedisEvictionRateHigh', `fires: ${2 * e} evictions/s for 20 minutes`, [s('redis_evicted_keys_total', target, `0+${2 * e * 60}x30`)],
      [[10, silent], [20, fires({ namespace, job, pod, severity: 'warning', team: 'database' })]]);
    add('RedisEvictionRateHigh', `silent: ${e / 2} evictions/s (a full cache evicting normally)`, [s('redis_evicted_keys_total', target, `0+${(e / 2) * 60}x30`)],
      [[20, silent]]);
  }
  {
    const target = redisTarget(0);
    add('RedisRejectedConnections', 'fires: 5 connections rejected, silent again 5 minutes later',
      [s('redis_rejected_connections_total', target, '0x10 5x20')], [[9, silent], [12, fires({ ...target, severity: 'warning' })], [20, silent]]);
    add('RedisRejectedConnections', 'silent: counter flat', [s('redis_rejected_connections_total', target, '3x20')], [[12, silent]]);
  }

  // --- CertificateExpiringSoon: promtool evaluates from Unix time 0, so time() is the eval time.
  {
    const days = t.certificateExpiryDays;
    const cert = { job: 'cert-manager', namespace: 'cert-manager', exported_namespace: ns, name: 'pensioen-tls', issuer_name: 'letsencrypt-prod', issuer_kind: 'ClusterIssuer', issuer_group: 'cert-manager.io' };
    const name = 'certmanager_certificate_expiration_timestamp_seconds';
    const inDays = (d: number) => `${Math.round(d * 86400)}x150`;
    add('CertificateExpiringSoon', `fires: expires in ${days - 4} days`, [s(name, cert, inDays(days - 4))],
      [[30, silent], [62, fires({ ...cert, severity: 'warning' })]]);
    const honoured = { job: 'cert-manager', namespace: ns, name: 'pensioen-tls' };
    add('CertificateExpiringSoon', 'fires: scraped with honorLabels (namespace is the certificate\'s)', [s(name, honoured, inDays(1))],
      [[62, fires({ ...honoured, severity: 'warning' })]]);
    add('CertificateExpiringSoon', `silent: expires in ${days + 16} days`, [s(name, cert, inDays(days + 16))], [[62, silent]]);
    add('CertificateExpiringSoon', 'silent: not issued yet (cert-manager exports 0)', [s(name, cert, '0x150')], [[62, silent]]);
    add('CertificateExpiringSoon', 'silent: a certificate of another namespace', [s(name, { ...cert, exported_namespace: 'other' }, inDays(1))], [[62, silent]]);
  }

  // --- MetricsTargetMissing
  {
    const forMin = minutes(t.targetMissingFor);
    const n = forMin + 10;
    const present = {
      backend: s('up', { job: m.jobs.backend, namespace: ns, instance: '10.0.0.1:8000' }, `1x${n}`),
      redis: s('up', redisTarget(0), `1x${n}`),
      postgres: s('up', { job: m.jobs.postgres, namespace: ns, instance: '10.0.0.9:9187' }, `1x${n}`),
      ksm: s('kube_pod_status_phase', { job: 'kube-state-metrics', namespace: ns, pod: 'backend-7d9f-abcde', phase: 'Running' }, `1x${n}`),
    };
    const expect = (job: string, target: string): ExpAlert[] => fires({ job, namespace: ns, target, severity: m.absentSeverity });
    add('MetricsTargetMissing', 'fires: the backend is not scraped', [present.redis, present.postgres, present.ksm],
      [[forMin - 1, silent], [forMin + 2, expect(m.jobs.backend, m.jobs.backend)]]);
    add('MetricsTargetMissing', 'fires: Redis is not scraped', [present.backend, present.postgres, present.ksm], [[forMin + 2, expect(m.jobs.redis, m.jobs.redis)]]);
    add('MetricsTargetMissing', 'fires: postgres_exporter is not scraped', [present.backend, present.redis, present.ksm], [[forMin + 2, expect(m.jobs.postgres, m.jobs.postgres)]]);
    add('MetricsTargetMissing', 'fires: kube-state-metrics has no series of the namespace', [present.backend, present.redis, present.postgres],
      [[forMin + 2, fires({ namespace: ns, target: 'kube-state-metrics', severity: m.absentSeverity })]]);
    add('MetricsTargetMissing', 'silent: every target scraped', Object.values(present), [[forMin + 2, silent]]);
  }

  // --- EdgeHighErrorRate and EdgeRateLimiting, 1000 requests a minute, as each edge's source exports them.
  const edge = edgeMetricsSource(env);
  if (edge?.id === 'ingress-nginx') {
    const e = m.edge;
    const forMin = minutes(e.for);
    const [ingress] = edgesOf(env).map((x) => x.name);
    const metric = edge.series[0].metric;
    // Scraped by the controller's ServiceMonitor: the Ingress's namespace is exported_namespace.
    const scraped = { job: 'ingress-nginx-controller', namespace: c.network.ingressControllerNamespace, exported_namespace: ns, ingress, controller_class: 'k8s.io/ingress-nginx', method: 'GET' };
    const honoured = { job: 'ingress-nginx-controller', namespace: ns, ingress, method: 'GET' };
    const traffic = (status: string, ratio: number, labels: Record<string, string> = scraped, n = 40) => [
      s(metric, { ...labels, status: '200' }, `0+${1000 - Math.round(1000 * ratio)}x${n}`),
      s(metric, { ...labels, status }, `0+${Math.round(1000 * ratio)}x${n}`),
    ];
    const spike = (status: string, ratio: number) => [
      s(metric, { ...scraped, status: '200' }, `0+1000x10 ${10000 + 1000 - Math.round(1000 * ratio)}+${1000 - Math.round(1000 * ratio)}x1 ${12000 - 2 * Math.round(1000 * ratio) + 1000}+1000x30`),
      s(metric, { ...scraped, status }, `0x10 ${Math.round(1000 * ratio)}+${Math.round(1000 * ratio)}x1 ${2 * Math.round(1000 * ratio)}x30`),
    ];
    for (const [alert, status, threshold, severity] of [
      ['EdgeHighErrorRate', '503', e.errorRatio, 'critical'],
      ['EdgeRateLimiting', '429', e.rateLimitedRatio, 'warning'],
    ] as const) {
      const bad = Math.min(2 * threshold, (1 + threshold) / 2);
      const labels = { ingress, severity };
      add(alert, `fires: ${+(bad * 100).toFixed(2)}% ${status} at ${ingress}, sustained`, traffic(status, bad), [[forMin - 1, silent], [forMin + 3, fires(labels)]]);
      add(alert, `fires: scraped with honorLabels (namespace is the Ingress's)`, traffic(status, bad, honoured), [[forMin + 3, fires(labels)]]);
      add(alert, `silent: ${+(threshold * 20).toFixed(2)}% ${status}`, traffic(status, threshold / 5), [[forMin + 3, silent], [30, silent]]);
      add(alert, `silent: a 2-minute burst of ${+(bad * 100).toFixed(2)}% ${status}`, spike(status, bad), [[12, silent], [14, silent], [16, silent], [18, silent], [25, silent]]);
      add(alert, 'silent: an Ingress of another namespace', traffic(status, bad, { ...scraped, exported_namespace: 'other' }), [[forMin + 3, silent]]);
    }
  }
  if (edge?.id === 'envoy-gateway') {
    // Envoy's statistics as the PodMonitor edge-proxy scrapes them from one proxy pod: 5xx per route rule's
    // cluster by response code class, the local rate limiter's counter per proxy.
    const e = m.edge;
    const forMin = minutes(e.for);
    const job = m.jobs.edge;
    const proxy = { job, namespace: c.edge.gateway.dataPlaneNamespace ?? 'envoy-gateway-system', pod: 'envoy-pensioen-gateway-5d8f-abcde', instance: '10.0.3.1:19001' };
    const [api, frontend] = edgesOf(env).map((x) => x.name);
    const xx = (cluster: string, cls: string, perMin: number, n = 40) => s('envoy_cluster_upstream_rq_xx', { ...proxy, envoy_cluster_name: cluster, envoy_response_code_class: cls }, `0+${perMin}x${n}`);
    const limited = (perMin: number, n = 40) => s('envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited', proxy, `0+${perMin}x${n}`);
    const errBad = Math.min(2 * e.errorRatio, (1 + e.errorRatio) / 2);
    const errors = (ratio: number, cluster = api) => [xx(cluster, '2', 1000 - Math.round(1000 * ratio)), xx(cluster, '5', Math.round(1000 * ratio)), xx(cluster === api ? frontend : api, '2', 1000)];
    add('EdgeHighErrorRate', `fires: ${+(errBad * 100).toFixed(2)}% 5xx at ${api}, sustained`, [...errors(errBad), limited(0)],
      [[forMin - 1, silent], [forMin + 3, fires({ envoy_cluster_name: api, severity: 'critical' })]]);
    add('EdgeHighErrorRate', `fires: ${+(errBad * 100).toFixed(2)}% 5xx at ${frontend}`, [...errors(errBad, frontend), limited(0)],
      [[forMin + 3, fires({ envoy_cluster_name: frontend, severity: 'critical' })]]);
    add('EdgeHighErrorRate', `silent: ${+(e.errorRatio * 20).toFixed(2)}% 5xx`, [...errors(e.errorRatio / 5), limited(0)], [[forMin + 3, silent], [30, silent]]);
    add('EdgeHighErrorRate', 'silent: 5xx of a route of another namespace', [
      xx(api.replace(`/${ns}/`, '/other/'), '5', 500), xx(api.replace(`/${ns}/`, '/other/'), '2', 500), xx(api, '2', 1000), limited(0),
    ], [[forMin + 3, silent]]);
    const rlBad = Math.min(2 * e.rateLimitedRatio, (1 + e.rateLimitedRatio) / 2);
    const rl = (ratio: number) => [xx(api, '2', 1000 - Math.round(1000 * ratio)), xx(frontend, '2', 1000), limited(Math.round(1000 * ratio))];
    add('EdgeRateLimiting', `fires: ${+(rlBad * 100).toFixed(2)}% of the API's requests rate limited, sustained`, rl(rlBad),
      [[forMin - 1, silent], [forMin + 3, fires({ job, severity: 'warning' })]]);
    add('EdgeRateLimiting', `silent: ${+(e.rateLimitedRatio * 20).toFixed(2)}% rate limited`, rl(e.rateLimitedRatio / 5), [[forMin + 3, silent], [30, silent]]);
    add('EdgeRateLimiting', 'silent: a 2-minute burst of 429s', [
      xx(api, '2', 1000, 40), xx(frontend, '2', 1000),
      s('envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited', proxy, `0x10 ${Math.round(1000 * rlBad)}+${Math.round(1000 * rlBad)}x1 ${2 * Math.round(1000 * rlBad)}x30`),
    ], [[12, silent], [14, silent], [16, silent], [18, silent], [25, silent]]);
  }

  // --- MetricSeriesMissing: one rule per series an alert reads. Each fires when its series is absent (for
  // `targetMissingFor`) and stays silent while it exists, under either of its selectors.
  {
    const forMin = minutes(t.targetMissingFor);
    const group = alertGroups(env).find((g) => g.name === 'pensioen-series-missing')!;
    const present = (metric: string, selector: string) => s(metric, { ...selectorLabels(selector), job: selectorLabels(selector).job ?? 'exporter' }, `1x${forMin + 10}`);
    const unrelated = s('up', { job: 'unrelated', namespace: 'other' }, `1x${forMin + 10}`);
    const selectorsOf = (expr: string) => [...expr.matchAll(/absent\(([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\)/g)].map((x) => x[2]);
    const name = 'MetricSeriesMissing';
    const allPresent = (except?: string) => group.rules.filter((o) => o.labels!.metric !== except).map((o) => present(o.labels!.metric, selectorsOf(o.expr)[0]));
    for (const r of group.rules) {
      const metric = r.labels!.metric;
      const selectors = selectorsOf(r.expr);
      cases.push({
        name: `${name} fires: no ${metric} (every other series present)`, alert: name, interval: '1m', input_series: [unrelated, ...allPresent(metric)],
        checks: [
          { eval_time: at(forMin - 1), alertname: name, exp_alerts: [] },
          { eval_time: at(forMin + 2), alertname: name, exp_alerts: withStatic(name, [{ exp_labels: { ...selectorLabels(selectors[0], true), ...r.labels!, severity: m.absentSeverity } }]) },
        ],
      });
      selectors.slice(1).forEach((sel) => cases.push({
        name: `${name} silent: ${metric} present under its alternative selector {${sel}}`, alert: name, interval: '1m',
        input_series: [...allPresent(metric), present(metric, sel)],
        checks: [{ eval_time: at(forMin + 2), alertname: name, exp_alerts: [] }],
      }));
    }
    cases.push({ name: `${name} silent: every series present`, alert: name, interval: '1m', input_series: allPresent(), checks: [{ eval_time: at(forMin + 2), alertname: name, exp_alerts: [] }] });
  }
  // With CloudNativePG the database alerts read the instances' metrics: their cases are in cnpg-cases.ts.
  if (cnpgOf(env)) return [...cases.filter((k) => !MANAGED_ONLY_ALERTS.includes(k.alert)), ...cnpgAlertCases(env)];
  return cases;
}

/**
 * Labels of a series that a selector body selects: equality matchers as they are; for `=~"a|b"` the first
 * alternative. `equalityOnly`: only the equality matchers (the labels absent() gives its result).
 */
export function selectorLabels(body: string, equalityOnly = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, k, op, v] of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
    if (op === '=') out[k] = v;
    else if (op === '=~' && !equalityOnly) out[k] = regexExample(v);
  }
  return out;
}

/**
 * A value the (PromQL string-escaped) regular expression of a matcher matches, for the simple shapes the rules
 * use: `a|b` (the first), `x(a|b)y` (the first alternative), `(\\.0)?` (left out), `[0-9]+` (a digit).
 */
export function regexExample(v: string): string {
  const r = v.replace(/\\\\/g, '\\')
    .replace(/\([^()]*\)\?/g, '')
    .replace(/\(([^()|]*)(\|[^()]*)?\)/g, '$1')
    .replace(/\[0-9\]\+/g, '0');
  return r.split('|')[0].replace(/\\(.)/g, '$1');
}

/** A promtool unit-test file (rule_files relative to the test file). */
export function promtoolTestFile(rulesFile: string, cases: AlertCase[]): Record<string, unknown> {
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: cases.map((tc) => ({
      name: tc.name,
      interval: tc.interval ?? '1m',
      input_series: tc.input_series,
      alert_rule_test: tc.checks,
    })),
  };
}
