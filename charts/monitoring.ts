import type { Construct } from 'constructs';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import type { Workload } from '../lib/constructs/workload';
import type { EnvConfig } from '../lib/config';
import { k8s } from '../lib/k8s';
import { labels, meta, PART_OF } from '../lib/k8s/labels';
import {
  ALERTMANAGER_CONFIG, BACKEND_SERVICE_MONITOR, DASHBOARD_CONFIGMAP, SLO_PROMETHEUS_RULE, POSTGRES_EXPORTER, PROMETHEUS_RULE,
  REDIS_SERVICE_MONITOR,
} from '../lib/monitoring/names';
import { postgresExporter } from '../lib/monitoring/postgres-exporter';
import { type EdgeMetricsSource, ENVOY_METRICS_PATH, ENVOY_METRICS_PORT } from '../lib/monitoring/edge';
import { type AlertGroup, alertLabels, type AlertRule, runbookUrl, type Team } from '../lib/monitoring/rules';
import type { SloRuleGroup } from '../lib/monitoring/slo';
import { durationSeconds } from '../lib/monitoring/prom-types';
import { type AmcSpec, typedAlertmanagerConfigSpec } from '../lib/monitoring/alertmanager';
import { HEARTBEAT_ALERT, HEARTBEAT_PROMETHEUS_RULE, heartbeatRule } from '../lib/monitoring/heartbeat';
import { AlertmanagerConfig } from '../imports/prom-alertmanagerconfigs-monitoring.coreos.com';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/prom-prometheusrules-monitoring.coreos.com';
import { ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction, ServiceMonitorSpecEndpointsScheme } from '../imports/prom-servicemonitors-monitoring.coreos.com';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction, PodMonitorSpecPodMetricsEndpointsScheme } from '../imports/prom-podmonitors-monitoring.coreos.com';
import { CNPG_CLUSTER_LABEL } from '../lib/monitoring/cnpg-rules';
import { CLUSTER_LABEL, POD_ROLE_LABEL } from '../lib/database/names';

export interface MonitoringChartProps extends EnvChartProps {
  /** `monitoring`. */
  readonly monitoring: EnvConfig['monitoring'];
  /** The backend: its ServiceMonitor (`Workload.addServiceMonitor`). */
  readonly backend: Workload;
  /**
   * With a canary (lib/delivery/rollout.ts, `canaryScrape`): the Service the backend's ServiceMonitor selects
   * instead of `backend-service`, and the pod labels it copies to the series. @default - `backend-service`, none
   */
  readonly backendScrape?: { readonly selector: Record<string, string>; readonly podTargetLabels: string[] };
  /** The alert rules of the environment (lib/monitoring/rules.ts) and its SLO rules (lib/monitoring/slo.ts). */
  readonly alertGroups: AlertGroup[];
  readonly sloGroups: SloRuleGroup[];
  /** The AlertmanagerConfig spec (lib/monitoring/alertmanager.ts), with `monitoring.alerting.enabled`. */
  readonly alertmanagerConfig?: AmcSpec;
  /** The Grafana dashboard (lib/monitoring/dashboard.ts). */
  readonly dashboard: string;
  /** The labels of the Service(s) of the cache's redis_exporters; none when the cache has no exporter. */
  readonly cacheMetrics?: Record<string, string>;
  /**
   * PostgreSQL's metrics: the instances of these CloudNativePG Clusters, or postgres_exporter of a managed
   * database reading with `secret` (`secrets.monitoringDatabase`); none when off.
   */
  readonly postgres?: { readonly cnpgClusters: string[] } | { readonly exporterSecret: { readonly name: string; readonly key: string } };
  /** The edge's proxies the edge alerts read (Envoy Gateway, lib/monitoring/edge.ts). */
  readonly edgeMetrics?: EdgeMetricsSource;
}

/**
 * Monitoring for kube-prometheus-stack: the PrometheusRule `pensioen-alerts`, ServiceMonitors that scrape
 * the backend (job `backend`), the redis_exporter sidecars (job `redis`) and postgres_exporter (job
 * `postgres`), the postgres_exporter itself, and the Grafana dashboard ConfigMap. The Prometheus
 * operator picks the rule and the monitors up by `monitoring.selectorLabels`.
 */
export class MonitoringChart extends EnvChart {
  /** postgres_exporter of a managed database, when there is one (charts/network-policies.ts admits Prometheus). */
  readonly postgresExporter?: Workload;

  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, props.env, '50-monitoring.yaml');
    const env = props.env;
    const m = props.monitoring;
    const spec = { name: PART_OF, component: 'monitoring' };
    const withSelector = (name: string) => {
      const md = meta(env, name, spec);
      return { ...md, labels: { ...md.labels, ...m.selectorLabels } };
    };
    // job is set by relabelling, so that the rules do not depend on Service names.
    const endpoint = (port: string, job: string, path = '/metrics') => ({
      port,
      path,
      scheme: ServiceMonitorSpecEndpointsScheme.HTTP,
      interval: m.scrapeInterval,
      // Prometheus rejects a scrape timeout longer than the interval.
      scrapeTimeout: durationSeconds(m.scrapeInterval) < 10 ? m.scrapeInterval : '10s',
      relabelings: [{ action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE, targetLabel: 'job', replacement: job }],
    });
    const inOwnNamespace = { matchNames: [env.config.namespace] };

    const alertRule = (team: Team) => (r: AlertRule) => ({
      alert: r.alert,
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
      ...(r.for ? { for: r.for } : {}),
      labels: alertLabels(env.config.namespace, { team }, r),
      annotations: { summary: r.summary, description: r.description, runbook_url: runbookUrl(m, r.alert), ...(r.annotations ?? {}) },
    });
    new PrometheusRule(this, 'prometheus-rule', {
      metadata: withSelector(PROMETHEUS_RULE),
      spec: { groups: props.alertGroups.map((g) => ({ name: g.name, rules: g.rules.map(alertRule(g.team)) })) },
    });

    // SLOs: recording rules of the error ratios and the burn-rate alerts (lib/monitoring/slo.ts).
    const slo = props.sloGroups;
    if (slo.length) {
      new PrometheusRule(this, 'slo-rule', {
        metadata: withSelector(SLO_PROMETHEUS_RULE),
        spec: {
          groups: slo.map((g) => ({
            name: g.name,
            ...(g.interval ? { interval: g.interval } : {}),
            rules: [
              ...g.recording.map((r) => ({ record: r.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), ...(r.labels ? { labels: r.labels } : {}) })),
              ...g.alerts.map(alertRule('platform')),
            ],
          })),
        },
      });
    }

    // Routing: picked up by an Alertmanager whose alertmanagerConfigSelector matches (docs/alerting.md).
    if (props.alertmanagerConfig) {
      new AlertmanagerConfig(this, 'alertmanager-config', {
        metadata: withSelector(ALERTMANAGER_CONFIG),
        spec: typedAlertmanagerConfigSpec(props.alertmanagerConfig),
      });
    }

    // The heartbeat: an always-firing Watchdog of this namespace, routed to the dead man's switch
    // (lib/monitoring/heartbeat.ts). Its own object: it is not an alert anyone is paged by.
    if (m.alerting.enabled && m.heartbeat) {
      const rule = heartbeatRule(env.config.namespace);
      new PrometheusRule(this, 'heartbeat-rule', {
        metadata: withSelector(HEARTBEAT_PROMETHEUS_RULE),
        spec: {
          groups: [{
            name: 'pensioen-heartbeat',
            rules: [{ ...rule, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr), annotations: { ...rule.annotations, runbook_url: runbookUrl(m, HEARTBEAT_ALERT) } }],
          }],
        },
      });
    }

    // Selects Service `backend-service` on its metrics port (backend.metricsPort, else `http`). With a canary, the
    // headless Service `backend-metrics` (every backend pod once; `backend-service` and `backend-canary` each
    // select one ReplicaSet during a canary and the same pods after it), and each series carries the pod's
    // `rollouts-pod-template-hash` (as rollouts_pod_template_hash): the canary analysis selects the canary by it.
    const scrape = (job: string) => ({ job, interval: m.scrapeInterval, scrapeTimeout: durationSeconds(m.scrapeInterval) < 10 ? m.scrapeInterval : '10s' });
    props.backend.addServiceMonitor(this, 'backend-service-monitor', { metadata: withSelector(BACKEND_SERVICE_MONITOR), ...scrape(m.jobs.backend), ...props.backendScrape });

    // The redis_exporters: sidecars of the cache pods, or the one watching a managed cache (none with cloud metrics).
    const cacheMetrics = props.cacheMetrics;
    if (cacheMetrics) {
      new ServiceMonitor(this, 'redis-service-monitor', {
        metadata: withSelector(REDIS_SERVICE_MONITOR),
        spec: {
          namespaceSelector: inOwnNamespace,
          selector: { matchLabels: cacheMetrics },
          endpoints: [endpoint('metrics', m.jobs.redis)],
        },
      });
    }

    const postgres = props.postgres;
    if (postgres && 'cnpgClusters' in postgres) {
      // The instances of every Cluster (not PgBouncer, not the operator's Jobs), job label as postgres_exporter
      // had it (DatabaseDown and MetricsTargetMissing keep reading job="postgres"), the Cluster in cnpg_cluster.
      new PodMonitor(this, 'postgres-pod-monitor', {
        metadata: withSelector('postgres'),
        spec: {
          namespaceSelector: inOwnNamespace,
          selector: {
            matchLabels: { [POD_ROLE_LABEL]: 'instance' },
            matchExpressions: [{ key: CLUSTER_LABEL, operator: 'In', values: postgres.cnpgClusters }],
          },
          podMetricsEndpoints: [{
            port: 'metrics',
            path: '/metrics',
            scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTP,
            interval: m.scrapeInterval,
            scrapeTimeout: durationSeconds(m.scrapeInterval) < 10 ? m.scrapeInterval : '10s',
            relabelings: [
              { action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, targetLabel: 'job', replacement: m.jobs.postgres },
              { action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, sourceLabels: ['__meta_kubernetes_pod_label_cnpg_io_cluster'], targetLabel: CNPG_CLUSTER_LABEL },
            ],
          }],
        },
      });
    } else if (postgres) {
      this.postgresExporter = postgresExporter(this, m.postgresExporter, postgres.exporterSecret);
      this.postgresExporter.addServiceMonitor(this, 'postgres-service-monitor', { metadata: withSelector(POSTGRES_EXPORTER), ...scrape(m.jobs.postgres) });
    }

    // The Gateway's Envoy proxies (edge.kind gateway, Envoy Gateway): the edge alerts read their statistics.
    const edge = props.edgeMetrics;
    if (edge && 'podMonitor' in edge.scrape) {
      const pm = edge.scrape.podMonitor;
      new PodMonitor(this, 'edge-pod-monitor', {
        metadata: withSelector(pm.name),
        spec: {
          namespaceSelector: { matchNames: [pm.namespace] },
          selector: { matchLabels: pm.podLabels },
          podMetricsEndpoints: [{
            port: ENVOY_METRICS_PORT,
            path: ENVOY_METRICS_PATH,
            scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTP,
            interval: m.scrapeInterval,
            scrapeTimeout: durationSeconds(m.scrapeInterval) < 10 ? m.scrapeInterval : '10s',
            relabelings: [{ action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, targetLabel: 'job', replacement: pm.job }],
          }],
        },
      });
    }

    const dashboardMeta = {
      name: DASHBOARD_CONFIGMAP,
      namespace: m.grafana.namespace ?? env.config.namespace,
      labels: { ...labels(env, spec), ...m.grafana.dashboardLabels },
      ...(m.grafana.folder ? { annotations: { grafana_folder: m.grafana.folder } } : {}),
    };
    new k8s.KubeConfigMap(this, 'dashboard', {
      metadata: dashboardMeta,
      data: { 'pensioen.json': props.dashboard },
    });
  }
}
