/**
 * Alerts on the edge's own metrics: the share of 5xx and of 429 (rate limited) responses, as the edge counts
 * them. The backend's metrics cannot see either: a request the edge rejects (rate limit) or cannot forward
 * (backend down: 502/503/504) never reaches the backend.
 *
 * The source follows `edge.kind` and the implementation (`monitoring.edge.source: auto`), each with the
 * metric names its upstream exports:
 *
 * - `edge.kind: ingress`, `ingress.controller: ingress-nginx`: the controller's
 *   `nginx_ingress_controller_requests{ingress, status}` (one series per Ingress and status code), scraped by
 *   the controller chart's own ServiceMonitor (a prerequisite).
 * - `edge.kind: gateway`, `envoy-gateway`: the Gateway's Envoy proxies, scraped by our PodMonitor `edge-proxy`
 *   (port `metrics`, 19001, `/stats/prometheus`, job `monitoring.jobs.edge`). 5xx per HTTPRoute rule from
 *   Envoy's cluster statistics `envoy_cluster_upstream_rq_xx{envoy_cluster_name="httproute/<ns>/<route>/rule/<n>",
 *   envoy_response_code_class="5"}` (Envoy Gateway names a route rule's cluster so, and each of its backendRefs'
 *   `.../rule/<n>/backend/<i>` when they have filters: a canaried frontend's route; the router charges its own
 *   503/504 of resets and timeouts there too). 429s never reach a cluster: the local rate limit filter
 *   (Envoy Gateway's stat prefix `http_local_rate_limiter`) counts them in
 *   `envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited`; their share is that over itself plus
 *   the API route's upstream responses.
 * - `edge.kind: gateway`, `nginx-gateway-fabric`: none. NGINX Gateway Fabric with NGINX Open Source exports
 *   `nginx_gateway_fabric_*` connection and total request counters (nginx_http_requests) but no status codes;
 *   only NGINX Plus adds responses by status range, and never 429 apart. Synth prints why the edge alerts are off.
 * - `ingress.controller: custom`: none (we do not know its metrics); synth says so.
 */
import type { Environment } from '../config';
import { dataPlaneNamespaceOf } from '../config/edge';
import { gatewayListeners } from '../edge/gateway-names';
import { API_INGRESS, API_ROUTE, FRONTEND_INGRESS, FRONTEND_ROUTE } from './names';

export interface Edge {
  /** Value of the source's edge label (the Ingress name for ingress-nginx, the route rule's cluster for Envoy). */
  readonly name: string;
}

/** Numerator and denominator of a share, each a PromQL vector by the alert's edge label. */
export interface Share {
  readonly edgeLabel: string;
  /** What `edgeLabel` names, for the alert description. */
  readonly what: string;
  part(window: string): string;
  whole(window: string): string;
}

/** A series the edge alerts read, with its alternative selector bodies (ORed) for MetricSeriesMissing. */
export interface EdgeSeries { readonly metric: string; readonly selectors: string[] }

export interface EdgeMetricsSource {
  readonly id: 'ingress-nginx' | 'envoy-gateway';
  /** The 5xx share and the 429 share. */
  readonly errors: Share;
  readonly rateLimited: Share;
  readonly series: EdgeSeries[];
  readonly producer: string;
  /**
   * Who scrapes it: a PodMonitor of 50-monitoring.yaml (`podMonitor`, with its job label), or a prerequisite
   * outside dist/ (`external`: the target name MetricSeriesMissing carries).
   */
  readonly scrape: { readonly podMonitor: { name: string; job: string; namespace: string; podLabels: Record<string, string> } } | { readonly external: string };
}

/** The PodMonitor of the Gateway's Envoy proxies. */
export const EDGE_POD_MONITOR = 'edge-proxy';
export const ENVOY_METRICS_PORT = 'metrics';
export const ENVOY_METRICS_PATH = '/stats/prometheus';
export const ENVOY_RATE_LIMITED = 'envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited';
export const ENVOY_UPSTREAM_RQ_XX = 'envoy_cluster_upstream_rq_xx';

const sumBy = (label: string, metric: string, selectors: string[], extra: string, w: string) =>
  `sum by (${label}) (${selectors.map((sl) => `rate(${metric}{${sl}${extra}}[${w}])`).join(' or ')})`;

/**
 * ingress-nginx: `nginx_ingress_controller_requests{ingress, namespace, status, ...}`. Scraped by the
 * controller chart's ServiceMonitor, the Ingress's namespace becomes `exported_namespace` (the target's own
 * `namespace` label wins) unless the ServiceMonitor sets honorLabels: both are matched.
 */
function ingressNginx(env: Environment): EdgeMetricsSource {
  const ns = env.config.namespace;
  const metric = 'nginx_ingress_controller_requests';
  const ing = `ingress=~"${[API_INGRESS, FRONTEND_INGRESS].join('|')}"`;
  const selectors = [`exported_namespace="${ns}",${ing}`, `namespace="${ns}",${ing}`];
  const share = (status: string): Share => ({
    edgeLabel: 'ingress',
    what: 'Ingress',
    part: (w) => sumBy('ingress', metric, selectors, `,status=~"${status}"`, w),
    whole: (w) => sumBy('ingress', metric, selectors, '', w),
  });
  return {
    id: 'ingress-nginx',
    errors: share('5..'),
    rateLimited: share('429'),
    series: [{ metric, selectors }],
    producer: 'the ingress-nginx controller\'s metrics (its chart\'s ServiceMonitor: `controller.metrics.enabled=true`, `controller.metrics.serviceMonitor.enabled=true`)',
    scrape: { external: 'ingress-nginx' },
  };
}

/** Envoy Gateway: the proxies of the Gateway our routes attach to (see the module comment). */
function envoyGateway(env: Environment): EdgeMetricsSource {
  const c = env.config;
  const job = `job="${c.monitoring.jobs.edge}"`;
  const gw = gatewayListeners(env).gateway;
  // A canaried frontend's route gives each backendRef its own cluster, `.../rule/<n>/backend/<i>` (its
  // analysis counts the canary's apart: lib/delivery/frontend-analysis.ts); the alerts count them all.
  const perBackend = c.delivery.strategy === 'canary' && c.delivery.canary.frontend ? '(/backend/[0-9]+)?' : '';
  const routes = (names: string[]) => `envoy_cluster_name=~"httproute/${c.namespace}/(${names.join('|')})/rule/[0-9]+${perBackend}"`;
  const both = [`${job},${routes([API_ROUTE, FRONTEND_ROUTE])}`];
  const api = [`${job},${routes([API_ROUTE])}`];
  return {
    id: 'envoy-gateway',
    errors: {
      edgeLabel: 'envoy_cluster_name',
      what: 'HTTPRoute rule',
      part: (w) => sumBy('envoy_cluster_name', ENVOY_UPSTREAM_RQ_XX, both, ',envoy_response_code_class="5"', w),
      whole: (w) => sumBy('envoy_cluster_name', ENVOY_UPSTREAM_RQ_XX, both, '', w),
    },
    rateLimited: {
      edgeLabel: 'job',
      what: 'Gateway proxies',
      part: (w) => sumBy('job', ENVOY_RATE_LIMITED, [job], '', w),
      whole: (w) => `(${sumBy('job', ENVOY_RATE_LIMITED, [job], '', w)} + on (job) ${sumBy('job', ENVOY_UPSTREAM_RQ_XX, api, '', w)})`,
    },
    series: [{ metric: ENVOY_UPSTREAM_RQ_XX, selectors: both }, { metric: ENVOY_RATE_LIMITED, selectors: [job] }],
    producer: `the Envoy proxies of Gateway \`${gw.namespace}/${gw.name}\` (Envoy Gateway, namespace \`${dataPlaneNamespaceOf(c.edge)}\`, port \`${ENVOY_METRICS_PORT}\` ${ENVOY_METRICS_PATH}), PodMonitor \`${EDGE_POD_MONITOR}\` (job \`${c.monitoring.jobs.edge}\`)`,
    scrape: {
      podMonitor: {
        name: EDGE_POD_MONITOR,
        job: c.monitoring.jobs.edge,
        namespace: dataPlaneNamespaceOf(c.edge),
        podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': gw.name, 'gateway.envoyproxy.io/owning-gateway-namespace': gw.namespace },
      },
    },
  };
}

/** The source of this environment's edge metrics, or why there is none (edge alerts are then not generated). */
export function edgeMetrics(env: Environment): { source: EdgeMetricsSource } | { off: string } {
  const c = env.config;
  const s = c.monitoring.edge.source;
  if (s === 'none') return { off: 'monitoring.edge.source is "none"' };
  if (c.edge.kind === 'gateway') {
    if (c.edge.gateway.implementation === 'envoy-gateway') return { source: envoyGateway(env) };
    return {
      off: 'NGINX Gateway Fabric (NGINX Open Source) exports no response status codes (its nginx_gateway_fabric_* metrics count connections and requests only; NGINX Plus adds 5xx by status range but no 429): the backend\'s HighErrorRate and SLO alerts still apply',
    };
  }
  if (c.ingress.controller === 'ingress-nginx') return { source: ingressNginx(env) };
  return { off: 'ingress.controller is "custom": its metric names are unknown' };
}

export function edgeMetricsSource(env: Environment): EdgeMetricsSource | undefined {
  const e = edgeMetrics(env);
  return 'source' in e ? e.source : undefined;
}

/** The edges the 5xx alert names: Ingresses, or the HTTPRoutes (their rules' clusters). */
export function edgesOf(env: Environment): Edge[] {
  if (env.config.edge.kind === 'gateway') return [API_ROUTE, FRONTEND_ROUTE].map((r) => ({ name: `httproute/${env.config.namespace}/${r}/rule/0` }));
  return [{ name: API_INGRESS }, { name: FRONTEND_INGRESS }];
}

/** What synth prints about this environment's edge alerts: why they are off, when they are. */
export function monitoringNotices(env: Environment): string[] {
  if (!env.config.monitoring.enabled) return [];
  const e = edgeMetrics(env);
  return 'off' in e ? [`edge alerts (EdgeHighErrorRate, EdgeRateLimiting) are off: ${e.off}`] : [];
}
