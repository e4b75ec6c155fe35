/**
 * Every series the alert rules and the dashboard read, and what produces it: something the manifests
 * deploy, or a standard exporter of kube-prometheus-stack / cert-manager named in docs/monitoring.md. A test
 * checks that every metric name in every rule and panel is listed here, and docs/monitoring.md lists them all.
 */
import type { Environment } from '../config';
import { cnpgSeriesProducers } from './cnpg-rules';
import { edgeMetricsSource } from './edge';
import { frontendCanarySeries } from '../delivery/frontend-analysis';
import { backendMetrics } from './metrics';
import { BACKEND_HPA } from './names';

export type { Producer, TargetId } from './rule-types';
import type { Producer, TargetId } from './rule-types';

export function seriesProducers(env: Environment): Producer[] {
  const m = env.config.monitoring;
  const ns = env.config.namespace;
  const bm = backendMetrics(m.metrics);
  // `target` is the label MetricsTargetMissing carries for the same producer (the inhibition pairs them).
  const sel = (job: string) => ({ selectors: [`job="${job}",namespace="${ns}"`], target: job });
  const inNs = { selectors: [`namespace="${ns}"`], target: 'kube-state-metrics' };
  const hpa = { selectors: [`namespace="${ns}",horizontalpodautoscaler="${BACKEND_HPA}"`], target: 'kube-state-metrics' };
  const backend = `the backend's \`/metrics\` (Service \`backend-service\`, port \`http\`), ServiceMonitor \`backend\` (job \`${m.jobs.backend}\`)`;
  const redis = `redis_exporter sidecars of StatefulSet \`redis\` (Service port \`metrics\`), ServiceMonitor \`redis\` (job \`${m.jobs.redis}\`)`;
  const postgres = `postgres_exporter (Deployment \`postgres-exporter\`), ServiceMonitor \`postgres-exporter\` (job \`${m.jobs.postgres}\`)`;
  const ksm = 'kube-state-metrics (part of kube-prometheus-stack)';
  const edge = edgeMetricsSource(env);
  const out: Producer[] = [
    { from: 'prometheus', metric: 'up', producer: 'Prometheus itself, for every target of the ServiceMonitors', presence: { absentIsNormal: 'MetricsTargetMissing covers it, per job' } },
    { from: 'backend', metric: bm.requestsTotal, producer: backend, presence: sel(m.jobs.backend) },
    { from: 'backend', metric: `${bm.requestDuration}_bucket`, producer: backend, presence: sel(m.jobs.backend) },
    { from: 'backend', metric: `${bm.requestDuration}_count`, producer: backend, presence: sel(m.jobs.backend) },
    { from: 'redis', metric: 'redis_up', producer: redis, presence: sel(m.jobs.redis) },
    { from: 'redis', metric: 'redis_instance_info', producer: redis, presence: sel(m.jobs.redis) },
    { from: 'redis', metric: 'redis_memory_used_bytes', producer: redis, presence: sel(m.jobs.redis) },
    { from: 'redis', metric: 'redis_memory_max_bytes', producer: redis, presence: sel(m.jobs.redis) },
    { from: 'redis', metric: 'redis_rejected_connections_total', producer: redis, presence: sel(m.jobs.redis) },
    { from: 'redis', metric: 'redis_evicted_keys_total', producer: redis, presence: sel(m.jobs.redis) },
    { from: 'redis', metric: 'redis_key_value', producer: `${redis}, REDIS_EXPORTER_CHECK_SINGLE_KEYS (the preStop hand-over marker)`, presence: { absentIsNormal: 'the hand-over marker key exists only during a planned hand-over' } },
    { from: 'redis', metric: 'redis_connected_slaves', producer: redis, presence: sel(m.jobs.redis) },
    { from: 'postgres', metric: 'pg_up', producer: postgres, presence: sel(m.jobs.postgres) },
    { from: 'postgres', metric: 'pg_stat_activity_count', producer: postgres, presence: sel(m.jobs.postgres) },
    { from: 'postgres', metric: 'pg_settings_max_connections', producer: postgres, presence: sel(m.jobs.postgres) },
    { from: 'kube-state-metrics', metric: 'kube_pod_container_status_waiting_reason', producer: ksm, presence: { absentIsNormal: 'kube-state-metrics exports it only while a container is waiting' } },
    { from: 'kube-state-metrics', metric: 'kube_pod_init_container_status_waiting_reason', producer: ksm, presence: { absentIsNormal: 'kube-state-metrics exports it only while an init container is waiting' } },
    { from: 'kube-state-metrics', metric: 'kube_pod_init_container_status_running', producer: ksm, presence: { absentIsNormal: 'it exists only for pods that have init containers' } },
    { from: 'kube-state-metrics', metric: 'kube_pod_status_ready', producer: ksm, presence: inNs },
    { from: 'kube-state-metrics', metric: 'kube_pod_status_phase', producer: ksm, presence: { absentIsNormal: 'MetricsTargetMissing (target kube-state-metrics) covers it' } },
    { from: 'kube-state-metrics', metric: 'kube_deployment_status_replicas_available', producer: ksm, presence: inNs },
    { from: 'kube-state-metrics', metric: 'kube_deployment_spec_replicas', producer: ksm, presence: inNs },
    // The dashboard's replicas with a canary: the Rollout's ReplicaSets (kube-state-metrics knows no Rollout).
    { from: 'kube-state-metrics', metric: 'kube_replicaset_status_ready_replicas', producer: ksm, presence: inNs },
    { from: 'kube-state-metrics', metric: 'kube_replicaset_spec_replicas', producer: ksm, presence: inNs },
    { from: 'kube-state-metrics', metric: 'kube_horizontalpodautoscaler_status_current_replicas', producer: ksm, presence: hpa },
    { from: 'kube-state-metrics', metric: 'kube_horizontalpodautoscaler_status_desired_replicas', producer: ksm, presence: hpa },
    { from: 'kube-state-metrics', metric: 'kube_horizontalpodautoscaler_spec_min_replicas', producer: ksm, presence: hpa },
    { from: 'kube-state-metrics', metric: 'kube_horizontalpodautoscaler_spec_max_replicas', producer: ksm, presence: hpa },
    {
      from: 'cert-manager',
      metric: 'certmanager_certificate_expiration_timestamp_seconds',
      producer: 'cert-manager\'s controller metrics (scraped with its chart\'s ServiceMonitor, `prometheus.servicemonitor.enabled=true`, labelled `release: <kube-prometheus-stack release>` through `prometheus.servicemonitor.labels`)',
      presence: { selectors: [`exported_namespace="${ns}"`, `namespace="${ns}"`], target: 'cert-manager' },
    },
    // RedisTlsCertificateNotLoaded (only with redis.tls): when the cache's containers started, and when cert-manager
    // issued the certificate they should serve.
    { from: 'kube-state-metrics', metric: 'kube_pod_container_state_started', producer: ksm, presence: inNs },
    {
      from: 'cert-manager',
      metric: 'certmanager_certificate_not_before_timestamp_seconds',
      producer: 'cert-manager\'s controller metrics since cert-manager 1.18 (`status.notBefore` of each Certificate; scraped with certmanager_certificate_expiration_timestamp_seconds)',
      presence: { selectors: [`exported_namespace="${ns}"`, `namespace="${ns}"`], target: 'cert-manager' },
    },
    ...(edge ? edge.series.map((x) => ({ from: ('podMonitor' in edge.scrape ? 'edge' : 'ingress-nginx') as TargetId, metric: x.metric, producer: edge.producer, presence: { selectors: x.selectors, target: 'podMonitor' in edge.scrape ? edge.scrape.podMonitor.job : edge.scrape.external } })) : []),
    ...cnpgSeriesProducers(env),
  ];
  // What the frontend canary's analysis reads at the edge (lib/delivery/frontend-analysis.ts), where not listed above.
  const listed = new Set(out.map((p) => p.metric));
  const canary = edge ? frontendCanarySeries(env).filter((x) => !listed.has(x.metric)) : [];
  return [...out, ...canary.map((x): Producer => ({
    from: edge && 'podMonitor' in edge.scrape ? 'edge' : 'ingress-nginx',
    metric: x.metric,
    producer: edge!.producer,
    presence: { absentIsNormal: 'the frontend canary\'s analysis reads it for the canary Service alone, which takes requests only during a release' },
  }))];
}

const FUNCTIONS_AND_KEYWORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'absent', 'absent_over_time',
  'max_over_time', 'min_over_time', 'avg_over_time', 'sum_over_time', 'count_over_time', 'last_over_time',
  'histogram_quantile', 'time', 'vector', 'scalar', 'clamp_min', 'clamp_max', 'abs', 'ceil', 'floor', 'round',
  'label_replace', 'label_join', 'sort', 'sort_desc', 'timestamp', 'inf', 'nan',
]);

/** Metric names an expression reads (label matchers, grouping labels, strings and durations removed). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const [tok] of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    if (!FUNCTIONS_AND_KEYWORDS.has(tok.toLowerCase()) && !/^\d/.test(tok)) names.add(tok);
  }
  return [...names].sort();
}
