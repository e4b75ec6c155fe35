/**
 * The `monitoring` section of the configuration: scraping (ServiceMonitors), the postgres_exporter, the
 * alert rules' metric names and thresholds, runbook links and the Grafana dashboard.
 */
import { z } from 'zod';
import { dnsLabel, imageRef, resources } from '../config/types';
import { duration, labelName } from './prom-types';
import { alertingSchema, edgeAlertsSchema, sloSchema } from './alerting-schema';
import { backendMetrics, EXPORTER_NAMES } from './metrics';
import { heartbeatSchema } from './heartbeat';

/** A Prometheus metric name. */
const metricName = () => z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { message: 'must be a Prometheus metric name (letters, digits, "_" and ":")' });
/** A Kubernetes label key/value map (selector labels of the Prometheus operator, Grafana's sidecar). */
const labelMap = () => z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, { message: 'must be a Kubernetes label key' }),
  z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, { message: 'must be a Kubernetes label value (at most 63 characters)' }),
);
const ratio = () => z.number().gt(0, { message: 'must be a ratio between 0 and 1 (exclusive 0)' }).max(1, { message: 'must be a ratio between 0 and 1' });
const jobName = () => z.string().regex(/^[a-zA-Z0-9_.-]+$/, { message: 'must be letters, digits, ".", "_" and "-"' });

export function monitoringSchema() {
  return z.strictObject({
    enabled: z.boolean().default(true)
      .describe('Generate 50-monitoring.yaml (PrometheusRule, ServiceMonitors, postgres_exporter, Grafana dashboard); needs the prometheus-operator CRDs'),
    selectorLabels: labelMap().default({ release: 'kube-prometheus-stack' })
      .describe('Labels the Prometheus operator selects PrometheusRules and ServiceMonitors by (kube-prometheus-stack: release: <Helm release name>)'),
    scrapeInterval: duration().default('30s').describe('How often Prometheus scrapes the backend and the exporters'),
    runbookBaseUrl: z.url().default('https://github.com/pensioen-beslissingstool/pensioen-k8s/blob/main/runbooks')
      .describe('Base URL of runbooks/ in this repository; each alert links to <base>/<AlertName>.md'),
    jobs: z.strictObject({
      backend: jobName().default('backend').describe('job label of the backend\'s /metrics (set by its ServiceMonitor)'),
      redis: jobName().default('redis').describe('job label of the redis_exporter sidecars'),
      postgres: jobName().default('postgres').describe('job label of the postgres_exporter'),
      edge: jobName().default('edge-proxy').describe('job label of the Gateway\'s Envoy proxies (edge.kind gateway with envoy-gateway; set by the PodMonitor `edge-proxy`)'),
    }).prefault({}).describe('job labels the ServiceMonitors set and the alert rules select on'),
    metrics: z.strictObject({
      exporter: z.enum(EXPORTER_NAMES).default('prometheus-fastapi-instrumentator')
        .describe('What the backend exports its metrics with; sets the defaults of the names below: "prometheus-fastapi-instrumentator" (http_requests_total{status="5xx"}, http_request_duration_seconds, buckets 0.1/0.5/1) or "prometheus-client" (the guide\'s snippet: requests_total, request_duration_seconds; needs a status label, see docs/alerting.md)'),
      requestsTotal: metricName().optional().describe('Backend counter of HTTP requests (one series per status code); default from `exporter`'),
      statusLabel: labelName().optional().describe('Label of that counter that holds the HTTP status code ("500", or "5xx"); default from `exporter`'),
      requestDuration: metricName().optional()
        .describe('Backend histogram of request durations in seconds (base name; the rules read <name>_bucket and <name>_count); default from `exporter`'),
      handlerLabel: labelName().optional().describe('Label that holds the request path (SLOs leave out `slo.excludeHandlers`); default from `exporter`'),
      durationBuckets: z.array(z.number().positive()).min(1).optional()
        .describe('Bucket boundaries (seconds) of that histogram; the latency SLO threshold must be one; default from `exporter`'),
    }).prefault({}).describe('Backend metric and label names (see docs/alerting.md, "Metric names")'),
    absentSeverity: z.enum(['critical', 'warning']).default('critical')
      .describe('Severity of MetricsTargetMissing and MetricSeriesMissing: a broken scrape or a renamed metric silences every alert that reads it, so it pages by default'),
    slo: sloSchema(),
    edge: edgeAlertsSchema(),
    alerting: alertingSchema(),
    heartbeat: heartbeatSchema(),
    thresholds: z.strictObject({
      errorRatio: ratio().default(0.05).describe('HighErrorRate: share of requests answered 5xx (over 5 minutes)'),
      errorRatioFor: duration().default('5m').describe('HighErrorRate: how long the ratio must stay above the threshold'),
      latencyP95Seconds: z.number().positive().default(1).describe('HighLatencyP95: fires when more than 5% of the requests (p95) take longer than this, in seconds; must be a bucket boundary of the duration histogram'),
      latencyFor: duration().default('10m').describe('HighLatencyP95: how long p95 must stay above the threshold'),
      redisMemoryRatio: ratio().default(0.9).describe('RedisMemoryNearMax (maxmemoryPolicy noeviction or volatile-*): used memory as a share of maxmemory'),
      redisEvictionsPerSecond: z.number().min(0).default(50).describe('RedisEvictionRateHigh (maxmemoryPolicy allkeys-*): evicted keys per second, sustained 15 minutes'),
      postgresConnectionsRatio: ratio().default(0.8).describe('PostgresConnectionsNearLimit: connections as a share of max_connections'),
      certificateExpiryDays: z.number().int().min(1).default(14).describe('CertificateExpiringSoon: days before a certificate\'s expiry'),
      hpaMaxedFor: duration().default('15m').describe('BackendHpaAtMaxReplicas: how long the HPA may sit at maxReplicas'),
      targetMissingFor: duration().default('10m').describe('MetricsTargetMissing: how long a scrape job may have no targets'),
    }).prefault({}).describe('Alert thresholds'),
    postgresExporter: z.strictObject({
      enabled: z.boolean().default(true).describe('Run postgres_exporter (Deployment `postgres-exporter`) so that up{job="postgres"} exists'),
      image: imageRef().default('quay.io/prometheuscommunity/postgres-exporter:v0.20.1').describe('postgres_exporter image, pinned tag'),
      resources: resources({ cpuRequest: '25m', memoryRequest: '32Mi', cpuLimit: '200m', memoryLimit: '128Mi' }),
    }).prefault({}).describe('postgres_exporter for the managed PostgreSQL (reads DATA_SOURCE_NAME from `secrets.monitoringDatabase`)'),
    grafana: z.strictObject({
      dashboardLabels: labelMap().default({ grafana_dashboard: '1' }).describe('Labels the Grafana sidecar picks dashboard ConfigMaps up by'),
      namespace: dnsLabel().optional()
        .describe('Namespace of the dashboard ConfigMap; defaults to `namespace` (the sidecar must then search all namespaces)'),
      folder: z.string().min(1).optional().describe('Grafana folder (annotation grafana_folder, honoured when the sidecar sets folderAnnotation)'),
    }).prefault({}).describe('Grafana dashboard ConfigMap `pensioen-dashboard`'),
  }).prefault({}).superRefine((m, ctx) => {
    if (m.heartbeat && !m.alerting.enabled) {
      ctx.addIssue({ code: 'custom', path: ['heartbeat'], message: 'needs monitoring.alerting.enabled: true (the Watchdog reaches the dead man\'s switch through the AlertmanagerConfig); remove heartbeat or enable alerting' });
    }
    // The latency SLO counts requests under the threshold from one histogram bucket: it must be a boundary.
    const bm = backendMetrics(m.metrics);
    if (m.slo.latency.enabled && !bm.durationBuckets.includes(m.slo.latency.thresholdSeconds)) {
      ctx.addIssue({
        code: 'custom', path: ['slo', 'latency', 'thresholdSeconds'],
        message: `must be a bucket boundary of ${bm.requestDuration} (allowed: ${bm.durationBuckets.join(', ')}; set monitoring.metrics.durationBuckets when the backend uses other buckets), got ${m.slo.latency.thresholdSeconds}`,
      });
    }
    // HighLatencyP95 counts the requests slower than the threshold from its bucket: it must be a boundary
    // (histogram_quantile could never exceed the largest finite bucket, so a threshold there never fired).
    if (!bm.durationBuckets.includes(m.thresholds.latencyP95Seconds)) {
      ctx.addIssue({
        code: 'custom', path: ['thresholds', 'latencyP95Seconds'],
        message: `must be a bucket boundary of ${bm.requestDuration} (allowed: ${bm.durationBuckets.join(', ')}; set monitoring.metrics.durationBuckets when the backend uses other buckets), got ${m.thresholds.latencyP95Seconds}`,
      });
    }
  }).describe('Monitoring: PrometheusRule, ServiceMonitors, postgres_exporter, Grafana dashboard, SLOs and alert routing (see [monitoring.md](monitoring.md) and [alerting.md](alerting.md))');
}
