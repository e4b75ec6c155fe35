/**
 * The canary analysis: the SLO's own SLIs (lib/monitoring/slo.ts: the error ratio of API responses and the
 * share of requests slower than the latency threshold, probes and scrapes left out), restricted to the canary's
 * pods and judged against the fast-burn page limit of the SLO (burn factor x error budget: 14.4 x 0.1% = 1.44%
 * errors for 99.9% over 30 days). A canary that would page if it took all traffic fails.
 *
 * The canary's pods: Argo Rollouts labels every pod with `rollouts-pod-template-hash`; the backend's
 * ServiceMonitor copies that pod label to the series (`podTargetLabels`, which Prometheus writes as
 * `rollouts_pod_template_hash`), and the AnalysisTemplate receives the canary's hash as an argument
 * (`valueFrom.podTemplateHashValue: Latest`).
 *
 * Too little traffic decides nothing: each query answers -1 when the canary served fewer than `minRequests`
 * requests in the window. -1 meets neither the success nor the failure condition, so Argo Rollouts records the
 * measurement Inconclusive and pauses the rollout for a person; it never counts as passed.
 *
 * The AnalysisTemplate `backend-canary` (lib/delivery/analysis-template.ts) carries these queries; the
 * frontend's, judged at the edge, are in lib/delivery/frontend-analysis.ts.
 */
import type { Environment } from '../config';
import { backendMetrics, leMatcher } from '../monitoring/metrics';
import { BURN_WINDOWS, burnFactor } from '../monitoring/slo';

export const CANARY_HASH_LABEL = 'rollouts_pod_template_hash';
/** Answer of a query when the canary had too little traffic to decide. */
export const INCONCLUSIVE_VALUE = -1;

export interface AnalysisOptions {
  /** The canary's pod-template hash (in the AnalysisTemplate: `{{args.canary-hash}}`). */
  readonly hash: string;
  /** Window of each measurement. */
  readonly window: string;
  /** Fewer requests than this in the window: inconclusive. */
  readonly minRequests: number;
}

export interface CanaryMetric {
  readonly name: 'error-ratio' | 'latency-ratio';
  readonly query: string;
  /** Largest passing ratio: the fast-burn page limit of the SLO. */
  readonly limit: number;
  /** Argo Rollouts (expr) conditions on `result[0]`. */
  readonly successCondition: string;
  readonly failureCondition: string;
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');

/** The fast-burn page limits of the enabled SLOs (burn factor x error budget), each a canary's largest passing ratio. */
export function sloLimits(env: Environment): { availability?: number; latency?: number } {
  const m = env.config.monitoring;
  const page = BURN_WINDOWS[0];
  const limitOf = (objective: number) => +(burnFactor(page, m.slo.window) * (1 - objective)).toFixed(6);
  return {
    ...(m.slo.availability.enabled ? { availability: limitOf(m.slo.availability.objective) } : {}),
    ...(m.slo.latency.enabled ? { latency: limitOf(m.slo.latency.objective) } : {}),
  };
}

/** A metric answering `ratio` only when `enough` holds (the canary served enough requests), else the inconclusive value. */
export function guardedRatio(name: CanaryMetric['name'], limit: number, ratio: string, enough: string): CanaryMetric {
  return {
    name,
    limit,
    query: `(\n  ${ratio}\n) and on() (${enough})\nor on() vector(${INCONCLUSIVE_VALUE})`,
    successCondition: `result[0] >= 0 && result[0] <= ${limit}`,
    failureCondition: `result[0] > ${limit}`,
  };
}

export function canaryMetrics(env: Environment, o: AnalysisOptions): CanaryMetric[] {
  const c = env.config;
  const m = c.monitoring;
  const bm = backendMetrics(m.metrics);
  const excluded = m.slo.excludeHandlers.length ? `,${bm.handlerLabel}!~"${m.slo.excludeHandlers.map(regexEscape).join('|')}"` : '';
  const sel = `job="${m.jobs.backend}",namespace="${c.namespace}",${CANARY_HASH_LABEL}="${o.hash}"${excluded}`;
  const enough = `sum(increase(${bm.requestsTotal}{${sel}}[${o.window}])) >= ${o.minRequests}`;
  const limits = sloLimits(env);
  const out: CanaryMetric[] = [];
  if (limits.availability !== undefined) {
    // No 5xx series at all is a ratio of 0, not an empty answer.
    out.push(guardedRatio('error-ratio', limits.availability, `(sum(rate(${bm.requestsTotal}{${sel},${bm.statusLabel}=~"5.."}[${o.window}])) or on() vector(0))\n  /\n  sum(rate(${bm.requestsTotal}{${sel}}[${o.window}]))`, enough));
  }
  if (limits.latency !== undefined) {
    const t = m.slo.latency.thresholdSeconds;
    out.push(guardedRatio('latency-ratio', limits.latency, `1 - sum(rate(${bm.requestDuration}_bucket{${sel},${leMatcher(t)}}[${o.window}])) / sum(rate(${bm.requestDuration}_count{${sel}}[${o.window}]))`, enough));
  }
  return out;
}

/** What Argo Rollouts records for a measurement with this value (its conditions, evaluated here). */
export function verdict(metric: CanaryMetric, value: number): 'Successful' | 'Failed' | 'Inconclusive' {
  if (value > metric.limit) return 'Failed';
  if (value >= 0 && value <= metric.limit) return 'Successful';
  return 'Inconclusive';
}
