/**
 * Alerts on the edge's own metrics: the share of 5xx and of 429 (rate limited) responses per edge, as the
 * ingress controller counts them. The backend's metrics cannot see either: a request the controller rejects
 * (rate limit) or cannot forward (backend down: 502/503/504) never reaches the backend.
 *
 * Each controller is an `EdgeMetricsSource`; `monitoring.edge.source` picks one (`auto`: from
 * `ingress.controller`). Another edge (e.g. a Gateway API edge on Envoy Gateway, whose Envoy proxies export
 * `envoy_http_downstream_rq_xx`) plugs in by adding a source to `EDGE_SOURCES` and returning its edges from
 * `edgesOf`.
 */
import type { Environment } from '../config';
import { API_INGRESS, FRONTEND_INGRESS } from './names';

export interface Edge {
  /** Value of the source's edge label (the Ingress name for ingress-nginx). */
  readonly name: string;
}

export interface EdgeMetricsSource {
  readonly id: string;
  /** Counter of responses, one series per status code. */
  readonly metric: string;
  readonly statusLabel: string;
  /** Label that names the edge (alerts are per edge). */
  readonly edgeLabel: string;
  /** Alternative selector bodies (OR) of the environment's edges, e.g. with and without honorLabels. */
  selectors(env: Environment, edges: Edge[]): string[];
  readonly producer: string;
}

/**
 * ingress-nginx: `nginx_ingress_controller_requests{ingress, namespace, status, ...}`. Scraped by the
 * controller chart's ServiceMonitor, the Ingress's namespace becomes `exported_namespace` (the target's own
 * `namespace` label wins) unless the ServiceMonitor sets honorLabels: both are matched.
 */
const INGRESS_NGINX: EdgeMetricsSource = {
  id: 'ingress-nginx',
  metric: 'nginx_ingress_controller_requests',
  statusLabel: 'status',
  edgeLabel: 'ingress',
  selectors: (env, edges) => {
    const ing = `ingress=~"${edges.map((e) => e.name).join('|')}"`;
    return [`exported_namespace="${env.config.namespace}",${ing}`, `namespace="${env.config.namespace}",${ing}`];
  },
  producer: 'the ingress-nginx controller\'s metrics (its chart\'s ServiceMonitor: `controller.metrics.enabled=true`, `controller.metrics.serviceMonitor.enabled=true`)',
};

export const EDGE_METRICS_SOURCES: Record<string, EdgeMetricsSource> = { [INGRESS_NGINX.id]: INGRESS_NGINX };

/** The source of this environment's edge metrics, or none (edge alerts are then not generated). */
export function edgeMetricsSource(env: Environment): EdgeMetricsSource | undefined {
  const s = env.config.monitoring.edge.source;
  if (s === 'none') return undefined;
  if (s === 'auto') return env.config.ingress.controller === 'ingress-nginx' ? INGRESS_NGINX : undefined;
  return EDGE_METRICS_SOURCES[s];
}

/** The edges of the environment: the Ingresses of charts/ingress.ts (a test checks the names). */
export function edgesOf(_env: Environment): Edge[] {
  return [{ name: API_INGRESS }, { name: FRONTEND_INGRESS }];
}
