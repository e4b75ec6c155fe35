/**
 * The general rule of the alerts, per environment: from the scrape targets the environment really defines
 * (lib/monitoring/targets.ts: its ServiceMonitors and PodMonitors, and the prerequisites), the series a
 * healthy system exports; promtool proves that no alert fires on them (`healthySeries`), and that each alert
 * fires on a copy that breaks exactly its condition (`breaks`): one change to the healthy set, and no other
 * alert firing but the ones that condition also is (`companions`, e.g. a burst of 5xx is also an SLO burn).
 *
 * Series use promtool's expanding notation with a 1m interval (`0+1000xN` a counter of 1000 a minute, `1xN`
 * a gauge); promtool's clock starts at 0, so a timestamp series `60+60xN` is "now".
 */
import type { Environment } from '../../lib/config';
import { cnpgOf, clusterNames, poolerOf } from '../../lib/database/names';
import { connectionSizing } from '../../lib/database/schema';
import { CNPG_CLUSTER_LABEL } from '../../lib/monitoring/cnpg-rules';
import { edgeMetricsSource, edgesOf, ENVOY_RATE_LIMITED, ENVOY_UPSTREAM_RQ_XX } from '../../lib/monitoring/edge';
import { backendMetrics } from '../../lib/monitoring/metrics';
import { BACKEND_HPA } from '../../lib/monitoring/names';
import { alertGroups } from '../../lib/monitoring/rules';
import type { TargetId } from '../../lib/monitoring/series';
import { scrapeTargets } from '../../lib/monitoring/targets';
import { API_INGRESS, FRONTEND_INGRESS } from '../../lib/monitoring/names';
import { minutes } from './cases';

export interface S { metric: string; labels: Record<string, string>; values: string }
export interface Break {
  readonly alert: string;
  /** What is broken, for the test name. */
  readonly what: string;
  readonly series: S[];
  /** Minute at which the alert must be firing. */
  readonly at: number;
  /** Alerts the same broken condition also fires (every other alert must stay silent); `*`: not checked. */
  readonly companions: string[] | '*';
  /** Only this instance of the alert (MetricSeriesMissing and MetricsTargetMissing are one rule per series/target). */
  readonly matcher?: string;
}

const pyLe = (x: number) => (Number.isInteger(x) ? `${x}.0` : String(x));
const memBytes = (v: string) => {
  const m = /^(\d+)(kb|mb|gb|k|m|g|b)?$/i.exec(v);
  const unit: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return m ? Number(m[1]) * unit[(m[2] ?? 'b').toLowerCase()] : 256 * 1024 ** 2;
};

/** The healthy series of an environment over `n` minutes, from its objects' scrape targets. */
export function healthySeries(env: Environment, objects: Record<string, any>[], n: number): S[] {
  const c = env.config;
  const m = c.monitoring;
  const ns = c.namespace;
  const have = new Set<TargetId>(scrapeTargets(env, objects).map((t) => t.id));
  const out: S[] = [];
  const add = (metric: string, labels: Record<string, string>, values: string) => out.push({ metric, labels, values });
  const counter = (perMin: number) => `0+${perMin}x${n}`;
  const gauge = (v: number) => `${v}x${n}`;

  if (have.has('backend')) {
    const bm = backendMetrics(m.metrics);
    const grouped = bm.exporter === 'prometheus-fastapi-instrumentator';
    const pod = { job: m.jobs.backend, namespace: ns, instance: '10.0.0.1:8000', pod: 'backend-5f7d9-abcde' };
    add('up', pod, gauge(1));
    for (const [handler, method, perMin] of [['/api/v1/rules', 'POST', 1000], ['/health', 'GET', 300]] as const) {
      const h = { ...pod, [bm.handlerLabel]: handler, method };
      add(bm.requestsTotal, { ...h, [bm.statusLabel]: grouped ? '2xx' : '200' }, counter(perMin));
      add(bm.requestsTotal, { ...h, [bm.statusLabel]: grouped ? '5xx' : '500' }, gauge(0));
      // Every request in the lowest bucket.
      for (const b of bm.durationBuckets) add(`${bm.requestDuration}_bucket`, { ...h, le: pyLe(b) }, counter(perMin));
      add(`${bm.requestDuration}_bucket`, { ...h, le: '+Inf' }, counter(perMin));
      add(`${bm.requestDuration}_count`, h, counter(perMin));
    }
  }
  if (have.has('redis')) {
    const max = memBytes(c.redis.maxmemory);
    for (let i = 0; i < c.redis.replicas; i++) {
      const t = { job: m.jobs.redis, namespace: ns, instance: `10.0.1.${i}:9121`, pod: `redis-${i}`, service: 'redis' };
      add('up', t, gauge(1));
      add('redis_up', t, gauge(1));
      add('redis_instance_info', { ...t, role: i === 0 ? 'master' : 'slave', run_id: `run${i}`, redis_version: '7.4.6' }, gauge(1));
      add('redis_memory_used_bytes', t, gauge(Math.round(max / 10)));
      add('redis_memory_max_bytes', t, gauge(max));
      add('redis_rejected_connections_total', t, gauge(0));
      add('redis_evicted_keys_total', t, gauge(0));
      add('redis_connected_slaves', t, gauge(i === 0 ? c.redis.replicas - 1 : 0));
    }
  }
  const cnpg = cnpgOf(env);
  if (have.has('postgres') && !cnpg) {
    const t = { job: m.jobs.postgres, namespace: ns, instance: '10.0.0.9:9187', pod: 'postgres-exporter-7c9d-abcde' };
    add('up', t, gauge(1));
    add('pg_up', t, gauge(1));
    add('pg_stat_activity_count', { ...t, datname: 'pensioen', state: 'active' }, gauge(10));
    add('pg_settings_max_connections', t, gauge(100));
  }
  if (have.has('postgres') && cnpg) {
    const cluster = cnpg.clusterName;
    const maxConn = connectionSizing(c, cnpg).maxConnections;
    for (let i = 1; i <= cnpg.instances; i++) {
      const t = { job: m.jobs.postgres, namespace: ns, [CNPG_CLUSTER_LABEL]: cluster, instance: `10.0.2.${i}:9187`, pod: `${cluster}-${i}` };
      const primary = i === 1;
      add('up', t, gauge(1));
      add('cnpg_collector_up', t, gauge(1));
      add('cnpg_pg_replication_in_recovery', t, gauge(primary ? 0 : 1));
      add('cnpg_pg_replication_streaming_replicas', t, gauge(primary ? cnpg.instances - 1 : 0));
      add('cnpg_pg_replication_lag', t, gauge(0));
      add('cnpg_pg_stat_archiver_last_archived_time', t, primary ? '60+60x' + n : gauge(-1));
      add('cnpg_pg_stat_archiver_last_failed_time', t, gauge(-1));
      add('cnpg_backends_total', { ...t, datname: 'pensioen', usename: 'pensioen', state: 'active' }, gauge(10));
      add('cnpg_pg_settings_setting', { ...t, name: 'max_connections' }, gauge(maxConn));
      add('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', t, `60+60x${n}`);
    }
  }
  if (have.has('edge')) {
    const src = edgeMetricsSource(env)!;
    void src;
    const proxy = { job: m.jobs.edge, namespace: c.edge.gateway.dataPlaneNamespace ?? 'envoy-gateway-system', pod: 'envoy-pensioen-gateway-5d8f-abcde', instance: '10.0.3.1:19001' };
    add('up', proxy, gauge(1));
    for (const e of edgesOf(env)) add(ENVOY_UPSTREAM_RQ_XX, { ...proxy, envoy_cluster_name: e.name, envoy_response_code_class: '2' }, counter(1000));
    add(ENVOY_RATE_LIMITED, proxy, gauge(0));
  }
  if (have.has('ingress-nginx')) {
    for (const ingress of [API_INGRESS, FRONTEND_INGRESS]) {
      add('nginx_ingress_controller_requests', { job: 'ingress-nginx-controller', namespace: c.network.ingressControllerNamespace, exported_namespace: ns, ingress, status: '200', method: 'GET' }, counter(1000));
    }
  }
  if (have.has('kube-state-metrics')) {
    const ksm = { job: 'kube-state-metrics', namespace: ns };
    // kube-state-metrics reports every pod whatever owns it: an Argo Rollout's pods too (it has no Rollout series).
    const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'Rollout'].includes(o.kind) && o.metadata.namespace === ns);
    for (const w of workloads) {
      const pod = { ...ksm, pod: `${w.metadata.name}-0`, uid: `uid-${w.metadata.name}` };
      for (const phase of ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']) add('kube_pod_status_phase', { ...pod, phase }, gauge(phase === 'Running' ? 1 : 0));
      for (const condition of ['true', 'false', 'unknown']) add('kube_pod_status_ready', { ...pod, condition }, gauge(condition === 'true' ? 1 : 0));
      for (const ic of w.spec.template.spec.initContainers ?? []) add('kube_pod_init_container_status_running', { ...pod, container: ic.name }, gauge(0));
      if (w.kind === 'Deployment') {
        const replicas = w.spec.replicas ?? c.backend.autoscaling.minReplicas;
        add('kube_deployment_spec_replicas', { ...ksm, deployment: w.metadata.name }, gauge(replicas));
        add('kube_deployment_status_replicas_available', { ...ksm, deployment: w.metadata.name }, gauge(replicas));
      }
    }
    if (c.backend.autoscaling.enabled) {
      const hpa = { ...ksm, horizontalpodautoscaler: BACKEND_HPA };
      const a = c.backend.autoscaling;
      add('kube_horizontalpodautoscaler_status_current_replicas', hpa, gauge(a.minReplicas));
      add('kube_horizontalpodautoscaler_status_desired_replicas', hpa, gauge(a.minReplicas));
      add('kube_horizontalpodautoscaler_spec_min_replicas', hpa, gauge(a.minReplicas));
      add('kube_horizontalpodautoscaler_spec_max_replicas', hpa, gauge(a.maxReplicas));
    }
  }
  if (have.has('kubelet') && cnpg) {
    for (const cluster of clusterNames(cnpg)) {
      for (let i = 1; i <= cnpg.instances; i++) {
        for (const pvc of [`${cluster}-${i}`, `${cluster}-${i}-wal`]) {
          const v = { job: 'kubelet', namespace: ns, persistentvolumeclaim: pvc };
          add('kubelet_volume_stats_capacity_bytes', v, gauge(100e9));
          add('kubelet_volume_stats_available_bytes', v, gauge(90e9));
        }
      }
    }
    void poolerOf;
  }
  if (have.has('cert-manager')) {
    add('certmanager_certificate_expiration_timestamp_seconds', { job: 'cert-manager', namespace: c.certManager.namespace, exported_namespace: ns, name: 'pensioen-tls', issuer_name: 'letsencrypt-prod', issuer_kind: 'ClusterIssuer', issuer_group: 'cert-manager.io' }, gauge(60 * 86400));
  }
  return out;
}

const is = (metric: string, labels: Record<string, string> = {}) => (s: S) => s.metric === metric && Object.entries(labels).every(([k, v]) => s.labels[k] === v);
/** The healthy set with the series `pick` selects given new values (or left out: `null`), and `extra` added. */
function change(healthy: S[], pick: (s: S) => boolean, values: string | null | ((s: S) => string | null), extra: S[] = []): S[] {
  const out: S[] = [];
  for (const s of healthy) {
    if (!pick(s)) { out.push(s); continue; }
    const v = typeof values === 'function' ? values(s) : values;
    if (v !== null) out.push({ ...s, values: v });
  }
  return [...out, ...extra];
}

/** For every alert of the environment, a healthy set that breaks exactly its condition. */
export function breaks(env: Environment, objects: Record<string, any>[], n: number): Break[] {
  const c = env.config;
  const m = c.monitoring;
  const t = m.thresholds;
  const ns = c.namespace;
  const h = healthySeries(env, objects, n);
  const bm = backendMetrics(m.metrics);
  const grouped = bm.exporter === 'prometheus-fastapi-instrumentator';
  const api = { [bm.handlerLabel]: '/api/v1/rules' };
  const cnpg = cnpgOf(env);
  const alerts = new Set(alertGroups(env).flatMap((g) => g.rules.map((r) => r.alert)));
  const out: Break[] = [];
  const add = (b: Break) => { if (alerts.has(b.alert) || b.alert.startsWith('Backend')) out.push(b); };
  const first = <T>(xs: T[]) => xs[0];

  // Backend: 5xx at 20% of the API's requests is an error-rate alert and an availability budget burn.
  const five = grouped ? '5xx' : '500';
  add({ alert: 'HighErrorRate', what: '20% of the API requests answered 5xx', at: minutes(t.errorRatioFor) + 3, companions: ['BackendAvailabilityBudgetBurn'],
    series: change(h, is(bm.requestsTotal, { ...api, [bm.statusLabel]: five }), `0+250x${n}`) });
  if (m.slo.availability.enabled) {
    // 2% of the API's requests: above the 14.4x page (1.44% of 0.1%), under HighErrorRate's threshold (of all requests).
    const perMin = Math.ceil(1000 * Math.max(0.02, 20 * (1 - m.slo.availability.objective)));
    add({ alert: 'BackendAvailabilityBudgetBurn', what: `${perMin / 10}% of the API requests answered 5xx`, at: 8, companions: perMin / 1300 > t.errorRatio ? ['HighErrorRate'] : [],
      series: change(h, is(bm.requestsTotal, { ...api, [bm.statusLabel]: five }), `0+${perMin}x${n}`) });
  }
  // Latency: every API request slower than the p95 threshold (in the buckets above it only).
  {
    const L = t.latencyP95Seconds;
    const slow = (s: S) => (s.labels.le !== '+Inf' && Number(s.labels.le) <= L ? `0x${n}` : null);
    add({ alert: 'HighLatencyP95', what: `every API request slower than ${L}s`, at: minutes(t.latencyFor) + 3, companions: m.slo.latency.enabled && m.slo.latency.thresholdSeconds <= L ? ['BackendLatencyBudgetBurn'] : [],
      series: change(h, (s) => is(`${bm.requestDuration}_bucket`, api)(s) && slow(s) !== null, (s) => slow(s)) });
  }
  if (m.slo.latency.enabled) {
    // 30% of the API requests between the SLO threshold and the next bucket: the latency SLO burns; p95 is
    // above the SLO threshold only (HighLatencyP95 fires too when its threshold is the same bucket).
    const T = m.slo.latency.thresholdSeconds;
    const below = (s: S) => s.labels.le !== '+Inf' && Number(s.labels.le) <= T;
    add({ alert: 'BackendLatencyBudgetBurn', what: `30% of the API requests slower than ${T}s`, at: 8,
      companions: t.latencyP95Seconds <= T ? ['HighLatencyP95'] : [],
      series: change(h, (s) => is(`${bm.requestDuration}_bucket`, api)(s) && below(s), `0+700x${n}`) });
  }
  if (c.backend.autoscaling.enabled) {
    add({ alert: 'BackendHpaAtMaxReplicas', what: 'the HPA at maxReplicas', at: minutes(t.hpaMaxedFor) + 3, companions: [],
      series: change(h, is('kube_horizontalpodautoscaler_status_current_replicas'), `${c.backend.autoscaling.maxReplicas}x${n}`) });
  }
  const backendPod = first(h.filter(is('kube_pod_status_phase')).map((s) => s.labels).filter((l) => l.pod.startsWith('backend')));
  if (backendPod) {
    const pod = { job: backendPod.job, namespace: ns, pod: backendPod.pod, uid: backendPod.uid };
    add({ alert: 'PodCrashLooping', what: 'the backend container in CrashLoopBackOff', at: 17, companions: [],
      series: [...h, { metric: 'kube_pod_container_status_waiting_reason', labels: { ...pod, container: 'backend', reason: 'CrashLoopBackOff' }, values: `1x${n}` }] });
    const init = h.find(is('kube_pod_init_container_status_running', { pod: pod.pod }));
    if (init) add({ alert: 'PodInitContainerStuck', what: `init container ${init.labels.container} running for good`, at: 17, companions: [], series: change(h, (s) => s === init, `1x${n}`) });
    add({ alert: 'PodNotReady', what: 'a backend pod not ready', at: 17, companions: [],
      series: change(h, (s) => is('kube_pod_status_ready', { pod: pod.pod })(s), (s) => (s.labels.condition === 'false' ? `1x${n}` : `0x${n}`)) });
  }
  // Databases.
  if (!cnpg && h.some(is('pg_up'))) {
    add({ alert: 'DatabaseDown', what: 'postgres_exporter cannot reach PostgreSQL', at: 3, companions: [], series: change(h, is('pg_up'), `0x${n}`) });
    add({ alert: 'PostgresConnectionsNearLimit', what: '95 of 100 connections in use', at: 7, companions: [], series: change(h, is('pg_stat_activity_count'), `95x${n}`) });
  }
  if (cnpg) {
    const pod = (i: number) => `${cnpg.clusterName}-${i}`;
    add({ alert: 'DatabaseDown', what: 'the primary\'s PostgreSQL down', at: 3, companions: ['PostgresInstanceDown'], series: change(h, is('cnpg_collector_up', { pod: pod(1) }), `0x${n}`) });
    add({ alert: 'PostgresInstanceDown', what: 'a replica cannot be scraped', at: 7, companions: [], series: change(h, (s) => s.labels.pod === pod(3) && s.metric !== 'up', null).map((s) => (is('up', { pod: pod(3) })(s) ? { ...s, values: `0x${n}` } : s)) });
    add({ alert: 'PostgresHALost', what: 'no streaming replica', at: 12, companions: [], series: change(h, is('cnpg_pg_replication_streaming_replicas', { pod: pod(1) }), `0x${n}`) });
    add({ alert: 'PostgresReplicationLag', what: 'a replica far behind', at: 7, companions: [], series: change(h, is('cnpg_pg_replication_lag', { pod: pod(2) }), `${2 * cnpg.alerts.replicationLagSeconds}x${n}`) });
    add({ alert: 'PostgresBackupTooOld', what: 'the last backup older than allowed', at: 32, companions: [],
      series: change(h, is('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp'), `-${Math.round(cnpg.alerts.backupMaxAgeHours * 3600 + 7200)}x${n}`) });
    add({ alert: 'PostgresBackupFailed', what: 'a failed backup after the last good one', at: 3, companions: [],
      series: [...h, { metric: 'barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp', labels: { ...first(h.filter(is('cnpg_collector_up', { pod: pod(1) }))).labels }, values: `120+60x${n}` }] });
    add({ alert: 'PostgresWALArchivingFailing', what: 'WAL archiving failing on the primary', at: 8, companions: [],
      series: change(h, is('cnpg_pg_stat_archiver_last_failed_time', { pod: pod(1) }), `120+60x${n}`).map((s) => (is('cnpg_pg_stat_archiver_last_archived_time', { pod: pod(1) })(s) ? { ...s, values: `60x${n}` } : s)) });
    add({ alert: 'PostgresDiskNearFull', what: 'a data volume 95% full', at: 12, companions: [], series: change(h, is('kubelet_volume_stats_available_bytes', { persistentvolumeclaim: `${cnpg.clusterName}-1` }), `${5e9}x${n}`) });
    add({ alert: 'PostgresConnectionsNearLimit', what: 'the primary near max_connections', at: 7, companions: [],
      series: change(h, is('cnpg_backends_total', { pod: pod(1) }), `${Math.ceil(connectionSizing(c, cnpg).maxConnections * 0.97)}x${n}`) });
  }
  // Redis.
  if (h.some(is('redis_up'))) {
    const r = (i: number) => ({ pod: `redis-${i}` });
    add({ alert: 'RedisDown', what: 'one Redis unreachable', at: 3, companions: [], series: change(h, is('redis_up', r(2)), `0x${n}`) });
    add({ alert: 'RedisNoPrimary', what: 'no Redis is primary', at: 3, companions: [], series: change(h, is('redis_instance_info', r(0)), null, [{ ...h.find(is('redis_instance_info', r(0)))!, labels: { ...h.find(is('redis_instance_info', r(0)))!.labels, role: 'slave' } }]) });
    add({ alert: 'RedisMultiplePrimaries', what: 'two Redis primaries', at: 4, companions: ['RedisFailoverHappened'],
      series: [...h, { ...h.find(is('redis_instance_info', r(1)))!, labels: { ...h.find(is('redis_instance_info', r(1)))!.labels, role: 'master' } }].filter((s) => !(is('redis_instance_info', { ...r(1), role: 'slave' })(s))) });
    {
      const info = (i: number) => h.find(is('redis_instance_info', r(i)))!;
      const rest = h.filter((s) => !(is('redis_instance_info', r(0))(s) || is('redis_instance_info', r(1))(s)));
      add({ alert: 'RedisFailoverHappened', what: 'the primary moved from redis-0 to redis-1', at: 12, companions: [], series: [...rest,
        // A series that disappears from a scrape gets a staleness marker (Prometheus writes one).
        { ...info(0), labels: { ...info(0).labels, role: 'master' }, values: '1x9 stale' },
        { ...info(0), labels: { ...info(0).labels, role: 'slave' }, values: `_x9 1x${n - 9}` },
        { ...info(1), labels: { ...info(1).labels, role: 'slave' }, values: '1x9 stale' },
        { ...info(1), labels: { ...info(1).labels, role: 'master' }, values: `_x9 1x${n - 9}` },
      ] });
    }
    if (c.redis.maxmemoryPolicy.startsWith('allkeys-')) {
      add({ alert: 'RedisEvictionRateHigh', what: 'evicting far beyond the threshold', at: 17, companions: [], series: change(h, is('redis_evicted_keys_total', r(0)), `0+${Math.ceil(t.redisEvictionsPerSecond * 60 * 2)}x${n}`) });
    } else {
      add({ alert: 'RedisMemoryNearMax', what: 'memory near maxmemory', at: 7, companions: [], series: change(h, is('redis_memory_used_bytes', r(0)), () => `${Math.round(Number(h.find(is('redis_memory_max_bytes', r(0)))!.values.split('x')[0]) * 0.99)}x${n}`) });
    }
    add({ alert: 'RedisRejectedConnections', what: 'connections rejected', at: 3, companions: [], series: change(h, is('redis_rejected_connections_total', r(0)), `0+5x${n}`) });
  }
  add({ alert: 'CertificateExpiringSoon', what: 'a certificate expiring within a day', at: 62, companions: [], series: change(h, is('certmanager_certificate_expiration_timestamp_seconds'), `${86400}x${n}`) });
  // Edge.
  const edge = edgeMetricsSource(env);
  if (edge?.id === 'ingress-nginx') {
    const at = minutes(m.edge.for) + 3;
    const req = (status: string) => ({ metric: 'nginx_ingress_controller_requests', labels: { ...h.find(is('nginx_ingress_controller_requests', { ingress: API_INGRESS }))!.labels, status }, values: `0+250x${n}` });
    add({ alert: 'EdgeHighErrorRate', what: '20% 503 at the API Ingress', at, companions: [], series: [...h, req('503')] });
    add({ alert: 'EdgeRateLimiting', what: '20% 429 at the API Ingress', at, companions: [], series: [...h, req('429')] });
  }
  if (edge?.id === 'envoy-gateway') {
    const at = minutes(m.edge.for) + 3;
    const ok = h.find(is(ENVOY_UPSTREAM_RQ_XX))!;
    add({ alert: 'EdgeHighErrorRate', what: '20% 5xx at the API route', at, companions: [], series: [...h, { ...ok, labels: { ...ok.labels, envoy_response_code_class: '5' }, values: `0+250x${n}` }] });
    add({ alert: 'EdgeRateLimiting', what: '20% of the API requests rate limited', at, companions: [], series: change(h, is(ENVOY_RATE_LIMITED), `0+250x${n}`) });
  }
  // Scrape targets and series: each one gone, the others there.
  const targetFor = minutes(t.targetMissingFor) + 2;
  for (const [target, job] of [[m.jobs.backend, m.jobs.backend], [m.jobs.redis, m.jobs.redis], [m.jobs.postgres, m.jobs.postgres]] as const) {
    if (!h.some(is('up', { job }))) continue;
    add({ alert: 'MetricsTargetMissing', what: `no up series of job ${job}`, at: targetFor, companions: '*', matcher: `target="${target}"`, series: change(h, is('up', { job }), null) });
  }
  add({ alert: 'MetricsTargetMissing', what: 'no kube-state-metrics series of the namespace', at: targetFor, companions: '*', matcher: 'target="kube-state-metrics"', series: change(h, is('kube_pod_status_phase'), null) });
  const missing = alertGroups(env).find((g) => g.name === 'pensioen-series-missing')?.rules ?? [];
  for (const r of missing) {
    const metric = r.labels!.metric;
    add({ alert: 'MetricSeriesMissing', what: `no ${metric}`, at: targetFor, companions: '*', matcher: `metric="${metric}"`, series: change(h, (s) => s.metric === metric, null) });
  }
  return out;
}
