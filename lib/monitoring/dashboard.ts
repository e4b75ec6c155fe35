/**
 * The Grafana dashboard of one environment: request rate, error ratio, p95 latency, backend replicas
 * against the HPA's bounds, Redis and PostgreSQL health. Plain Grafana JSON (schemaVersion 39) with a
 * datasource variable, built from fixed object literals: the same config gives byte-identical JSON.
 */
import { isCanary } from '../delivery/strategy';
import type { Environment } from '../config';
import { backendMetrics } from './metrics';
import { BACKEND_HPA } from './names';
import { BUDGET_REMAINING, burnFactor, BURN_WINDOWS, ERROR_RATIO, OBJECTIVE, slos } from './slo';

export interface DashboardTarget { readonly expr: string; readonly legendFormat: string }
export interface DashboardPanel {
  readonly title: string;
  readonly type: 'timeseries' | 'stat';
  readonly unit: string;
  readonly targets: DashboardTarget[];
  readonly description: string;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

export function dashboardPanels(env: Environment): DashboardPanel[] {
  const c = env.config;
  const m = c.monitoring;
  const ns = c.namespace;
  const b = `job="${m.jobs.backend}",namespace="${ns}"`;
  const r = `job="${m.jobs.redis}",namespace="${ns}"`;
  const p = `job="${m.jobs.postgres}",namespace="${ns}"`;
  const bm = backendMetrics(m.metrics);
  const req = bm.requestsTotal;
  const status = bm.statusLabel;
  // With a canary the backend is an Argo Rollouts Rollout, which kube-state-metrics does not know: its
  // ReplicaSets (`backend-<hash>`), one line each, show the stable and the canary side by side.
  const canary = isCanary(env, 'backend');
  const rs = `namespace="${ns}",replicaset=~"backend-[a-z0-9]+"`;
  const replicaTargets: DashboardTarget[] = [
    canary
      ? { expr: `sum by (replicaset) (kube_replicaset_status_ready_replicas{${rs}}) > 0`, legendFormat: 'ready {{replicaset}}' }
      : { expr: `kube_deployment_status_replicas_available{namespace="${ns}",deployment="backend"}`, legendFormat: 'available' },
    ...(c.backend.autoscaling.enabled ? [
      { expr: `kube_horizontalpodautoscaler_spec_min_replicas{namespace="${ns}",horizontalpodautoscaler="${BACKEND_HPA}"}`, legendFormat: 'HPA min' },
      { expr: `kube_horizontalpodautoscaler_spec_max_replicas{namespace="${ns}",horizontalpodautoscaler="${BACKEND_HPA}"}`, legendFormat: 'HPA max' },
      { expr: `kube_horizontalpodautoscaler_status_desired_replicas{namespace="${ns}",horizontalpodautoscaler="${BACKEND_HPA}"}`, legendFormat: 'HPA desired' },
    ] : [
      canary
        ? { expr: `sum(kube_replicaset_spec_replicas{${rs}})`, legendFormat: 'desired (stable + canary)' }
        : { expr: `kube_deployment_spec_replicas{namespace="${ns}",deployment="backend"}`, legendFormat: 'desired' },
    ]),
  ];
  // The SLO view: per SLO its objective, the error budget left over the window, and the burn rates
  // (error ratio / budget) over the alert windows against the page and ticket thresholds.
  const sloPanels: DashboardPanel[] = slos(env).flatMap((slo) => {
    const sl = `slo="${slo.name}",job="${m.jobs.backend}",namespace="${ns}"`;
    const budget = +(1 - slo.objective).toFixed(10);
    const title = slo.name === 'availability' ? 'Availability SLO' : 'Latency SLO';
    return [
      {
        title: `${title}: objective and error budget left`, type: 'stat', unit: 'percentunit',
        description: `Objective: ${slo.what}, ${+(slo.objective * 100).toFixed(4)}% over ${m.slo.window}. Budget left: 1 - (error ratio over ${m.slo.window}) / ${budget}; below 0 the SLO is missed.`,
        targets: [
          { expr: `${OBJECTIVE}{${sl}}`, legendFormat: 'objective' },
          { expr: `${BUDGET_REMAINING}{${sl}}`, legendFormat: 'error budget left' },
          { expr: `1 - ${ERROR_RATIO}${m.slo.window}{${sl}}`, legendFormat: `achieved over ${m.slo.window}` },
        ],
      },
      {
        title: `${title}: burn rates`, type: 'timeseries', unit: 'short',
        description: `Error ratio divided by the budget (${budget}); 1 spends the budget exactly over ${m.slo.window}. Pages above ${BURN_WINDOWS.filter((w) => w.severity === 'critical').map((w) => `${burnFactor(w, m.slo.window)}x (${w.long})`).join(' and ')}, tickets above ${BURN_WINDOWS.filter((w) => w.severity === 'warning').map((w) => `${burnFactor(w, m.slo.window)}x (${w.long})`).join(' and ')}.`,
        targets: ['5m', '1h', '6h', '1d', '3d'].map((w) => ({ expr: `${ERROR_RATIO}${w}{${sl}} / ${budget}`, legendFormat: `burn rate ${w}` })),
      },
    ];
  });
  return [
    ...sloPanels,
    {
      title: 'Request rate', type: 'timeseries', unit: 'reqps',
      description: `Requests per second to the backend, by ${status}`,
      targets: [{ expr: `sum by (${status}) (rate(${req}{${b}}[5m]))`, legendFormat: `{{${status}}}` }],
    },
    {
      title: 'Error ratio (5xx)', type: 'timeseries', unit: 'percentunit',
      description: `Share of requests answered 5xx; HighErrorRate fires above ${m.thresholds.errorRatio * 100}%`,
      targets: [{
        expr: `sum(rate(${req}{${b},${status}=~"5.."}[5m])) / sum(rate(${req}{${b}}[5m]))`,
        legendFormat: '5xx ratio',
      }],
    },
    {
      title: 'Latency p50 / p95 / p99', type: 'timeseries', unit: 's',
      description: `Request duration quantiles; HighLatencyP95 fires above ${m.thresholds.latencyP95Seconds}s`,
      targets: [0.5, 0.95, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (rate(${bm.requestDuration}_bucket{${b}}[5m])))`,
        legendFormat: `p${Math.round(q * 100)}`,
      })),
    },
    {
      title: 'Backend replicas and HPA bounds', type: 'timeseries', unit: 'short',
      description: 'Available backend pods against the HorizontalPodAutoscaler\'s min, max and desired replicas',
      targets: replicaTargets,
    },
    {
      title: 'Pods not ready', type: 'stat', unit: 'short',
      description: 'Pods in the namespace that are not ready',
      targets: [{ expr: `sum(kube_pod_status_ready{namespace="${ns}",condition="false"})`, legendFormat: 'not ready' }],
    },
    {
      title: 'Redis up', type: 'stat', unit: 'short',
      description: 'Redis instances that answer their exporter, and how many are primary (exactly 1 is healthy)',
      targets: [
        { expr: `sum(redis_up{${r}})`, legendFormat: 'up' },
        { expr: `count(redis_instance_info{${r},role="master"})`, legendFormat: 'primaries' },
      ],
    },
    {
      title: 'Redis memory / maxmemory', type: 'timeseries', unit: 'percentunit',
      description: 'Used memory as a share of maxmemory, per pod',
      targets: [{ expr: `redis_memory_used_bytes{${r}} / (redis_memory_max_bytes{${r}} > 0)`, legendFormat: '{{pod}}' }],
    },
    {
      title: 'Redis connected replicas and rejected connections', type: 'timeseries', unit: 'short',
      description: 'Replicas connected to the primary; connections rejected per second',
      targets: [
        { expr: `max(redis_connected_slaves{${r}})`, legendFormat: 'connected replicas' },
        { expr: `sum(rate(redis_rejected_connections_total{${r}}[5m]))`, legendFormat: 'rejected/s' },
      ],
    },
    ...(env.config.database.mode === 'cloudnative-pg' ? <DashboardPanel[]>[
      {
        title: 'PostgreSQL instances up', type: 'stat', unit: 'short',
        description: 'CloudNativePG instances whose instance manager reaches PostgreSQL',
        targets: [{ expr: `sum(cnpg_collector_up{${p}})`, legendFormat: 'instances up' }],
      },
      {
        title: 'PostgreSQL connections', type: 'timeseries', unit: 'short',
        description: 'Connections per instance against max_connections',
        targets: [
          { expr: `sum by (pod) (cnpg_backends_total{${p}})`, legendFormat: '{{pod}}' },
          { expr: `max(cnpg_pg_settings_setting{${p},name="max_connections"})`, legendFormat: 'max_connections' },
        ],
      },
    ] : <DashboardPanel[]>[
      {
        title: 'PostgreSQL up', type: 'stat', unit: 'short',
        description: 'postgres_exporter can reach the managed PostgreSQL (1) or not (0)',
        targets: [{ expr: `min(pg_up{${p}})`, legendFormat: 'pg_up' }],
      },
      {
        title: 'PostgreSQL connections', type: 'timeseries', unit: 'short',
        description: 'Connections by state against max_connections',
        targets: [
          { expr: `sum by (state) (pg_stat_activity_count{${p}})`, legendFormat: '{{state}}' },
          { expr: `max(pg_settings_max_connections{${p}})`, legendFormat: 'max_connections' },
        ],
      },
    ]),
  ];
}

/** The dashboard JSON model. */
export function dashboard(env: Environment): Record<string, unknown> {
  const panels = dashboardPanels(env).map((p, i) => ({
    id: i + 1,
    title: p.title,
    description: p.description,
    type: p.type,
    datasource: DATASOURCE,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    options: p.type === 'stat'
      ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area' }
      : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
    targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: DATASOURCE, expr: t.expr, legendFormat: t.legendFormat })),
  }));
  return {
    uid: `pensioen-${env.name}`.slice(0, 40),
    title: `Pensioen-beslissingstool (${env.name})`,
    tags: ['pensioen', env.name],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }],
    },
    annotations: { list: [] },
    links: [],
    panels,
  };
}

export function dashboardJson(env: Environment): string {
  return `${JSON.stringify(dashboard(env), null, 2)}\n`;
}
