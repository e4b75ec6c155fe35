/**
 * The frontend canary's analysis. The frontend (Next.js) exports no metrics of its own, so each step is judged
 * by what the edge counts for the frontend's canary Service alone: the share of 5xx answers and the share of
 * requests slower than the SLO's latency threshold, against the same fast-burn limits as the backend's
 * analysis (lib/delivery/analysis.ts), with the same guard: fewer than `minRequests` canary requests in the
 * window answer -1 (Inconclusive, never a pass).
 *
 * Which series tell the canary apart, per edge (upstream sources named in docs/delivery.md):
 *
 * - ingress-nginx: the canary Ingress Argo Rollouts makes is merged into the stable Ingress's location, so the
 *   request metrics keep the stable `ingress` and `service` labels; a request the controller sent to the canary
 *   backend carries `canary="<namespace>-<canary Service>-<port>"` (the alternative upstream's name; lua
 *   monitor.lua sets it from `proxy_alternative_upstream_name`, empty for the stable backend). Series:
 *   `nginx_ingress_controller_requests` and `nginx_ingress_controller_request_duration_seconds` (seconds,
 *   buckets of `--time-buckets`, Prometheus' defaults unless changed).
 * - Envoy Gateway: the backendRefs of one route rule are one Envoy cluster (`httproute/<ns>/<route>/rule/<n>`),
 *   each backend a locality of it: Envoy's cluster statistics cannot tell them apart. A backendRef with filters
 *   of its own makes Envoy Gateway give every backendRef of the rule its own cluster,
 *   `httproute/<ns>/<route>/rule/<n>/backend/<i>` (internal/ir NeedsClusterPerSetting, HasFiltersInSettings):
 *   so the frontend route's backendRefs each set a request header naming the release they reach
 *   (charts/gateway.ts, `RELEASE_HEADER`). Series: `envoy_cluster_upstream_rq_xx` (by response code class;
 *   the router's own 503/504 of resets and timeouts count there too) and `envoy_cluster_upstream_rq_time`
 *   (milliseconds, Envoy's default buckets), from the PodMonitor `edge-proxy`.
 * - NGINX Gateway Fabric (NGINX Open Source): no status codes in its metrics, nothing to judge by: the config
 *   rule refuses `canary.frontend` there (lib/delivery/schema.ts), as it does without the edge's metrics.
 */
import type { Environment } from '../config';
import { leMatcher } from '../monitoring/metrics';
import { ENVOY_UPSTREAM_RQ_XX } from '../monitoring/edge';
import { FRONTEND_ROUTE } from '../monitoring/names';
import { type CanaryMetric, guardedRatio, sloLimits } from './analysis';
import { FRONTEND_CANARY_SERVICE } from './names';
import { frontendJudge } from './frontend-judge';
import { isCanary } from './strategy';

export { EDGE_LATENCY_BUCKETS, frontendJudge } from './frontend-judge';

export const NGINX_REQUESTS = 'nginx_ingress_controller_requests';
export const NGINX_REQUEST_DURATION = 'nginx_ingress_controller_request_duration_seconds';
export const ENVOY_UPSTREAM_RQ_TIME = 'envoy_cluster_upstream_rq_time';
/** The request header each backendRef of a canaried frontend route sets: what gives each its own Envoy cluster. */
export const RELEASE_HEADER = 'X-Pensioen-Release';

/** The Envoy cluster of the frontend route's canary backendRef (rule 0, backendRef 1: charts/gateway.ts). */
export function frontendCanaryCluster(namespace: string): string {
  return `httproute/${namespace}/${FRONTEND_ROUTE}/rule/0/backend/1`;
}

/** The canary upstream's name as ingress-nginx labels its requests (`<namespace>-<service>-<port>`). */
export function frontendCanaryUpstream(namespace: string, port: number): string {
  return `${namespace}-${FRONTEND_CANARY_SERVICE}-${port}`;
}

/** The series the frontend analysis reads, with the selector of the canary's (what the series catalogue lists). */
export function frontendCanarySeries(env: Environment): { metric: string; selector: string }[] {
  const c = env.config;
  const j = frontendJudge(c);
  if (!isCanary(env, 'frontend') || 'problem' in j) return [];
  if (j.edge === 'ingress-nginx') {
    const sel = `canary="${frontendCanaryUpstream(c.namespace, c.frontend.port)}"`;
    return [NGINX_REQUESTS, `${NGINX_REQUEST_DURATION}_bucket`, `${NGINX_REQUEST_DURATION}_count`].map((metric) => ({ metric, selector: sel }));
  }
  const sel = `job="${c.monitoring.jobs.edge}",envoy_cluster_name="${frontendCanaryCluster(c.namespace)}"`;
  return [ENVOY_UPSTREAM_RQ_XX, `${ENVOY_UPSTREAM_RQ_TIME}_bucket`, `${ENVOY_UPSTREAM_RQ_TIME}_count`].map((metric) => ({ metric, selector: sel }));
}

/** The frontend canary's metrics (error ratio and latency ratio at the edge), as `canaryMetrics` gives the backend's. */
export function frontendCanaryMetrics(env: Environment, o: { window: string; minRequests: number }): CanaryMetric[] {
  const j = frontendJudge(env.config);
  if ('problem' in j) throw new Error(`delivery.canary.frontend ${j.problem}`);
  if (!isCanary(env, 'frontend')) throw new Error('the frontend is not released as a canary (delivery.canary.frontend)');
  const s = env.config.monitoring.slo;
  const [requests, bucket, count] = frontendCanarySeries(env);
  const sel = requests.selector;
  const rate = (metric: string, extra = '') => `sum(rate(${metric}{${sel}${extra}}[${o.window}]))`;
  const fiveXX = j.edge === 'ingress-nginx' ? ',status=~"5.."' : ',envoy_response_code_class="5"';
  // Envoy's histogram is in milliseconds.
  const le = (seconds: number) => leMatcher(j.edge === 'ingress-nginx' ? seconds : +(seconds * 1000).toFixed(6));
  const enough = `sum(increase(${requests.metric}{${sel}}[${o.window}])) >= ${o.minRequests}`;
  const limits = sloLimits(env);
  const out: CanaryMetric[] = [];
  if (limits.availability !== undefined) {
    out.push(guardedRatio('error-ratio', limits.availability, `(${rate(requests.metric, fiveXX)} or on() vector(0))\n  /\n  ${rate(requests.metric)}`, enough));
  }
  if (limits.latency !== undefined) {
    out.push(guardedRatio('latency-ratio', limits.latency, `1 - ${rate(bucket.metric, `,${le(s.latency.thresholdSeconds)}`)} / ${rate(count.metric)}`, enough));
  }
  return out;
}
