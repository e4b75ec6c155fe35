/**
 * The AnalysisTemplate `backend-canary` (argoproj.io/v1alpha1, Argo Rollouts v1.9.1) with the canary metrics of
 * lib/delivery/analysis.ts, queried from Prometheus. The canary's pod-template hash comes in as the argument
 * `canary-hash` (the Rollout's analysis step passes `valueFrom.podTemplateHashValue: Latest`).
 *
 * Each metric is measured `count` times, `interval` apart: one Failed measurement fails the analysis
 * (`failureLimit: 0`: the Rollout aborts and traffic returns to the stable version), one Inconclusive
 * measurement (too little traffic) makes it Inconclusive (`inconclusiveLimit: 0`: the Rollout pauses for a
 * person), an unreachable Prometheus counts as an error (`consecutiveErrorLimit`, then Error: aborts).
 *
 * Emitted by the backend chart with `delivery.strategy: canary` (the options from `delivery.canary.analysis`);
 * with `delivery.canary.frontend` the frontend chart emits `frontend-canary`, judged at the edge, with the same options.
 */
import type { Construct } from 'constructs';
import type { Environment } from '../config';
import { type LabelSpec, meta } from '../k8s/labels';
import { AnalysisTemplate, type AnalysisTemplateProps, AnalysisTemplateSpecMetricsConsecutiveErrorLimit, AnalysisTemplateSpecMetricsCount, AnalysisTemplateSpecMetricsFailureLimit, AnalysisTemplateSpecMetricsInconclusiveLimit } from '../../imports/rollouts-analysistemplates-argoproj.io';
import { type CanaryMetric, canaryMetrics } from './analysis';
import { frontendCanaryMetrics } from './frontend-analysis';

export const CANARY_ANALYSIS_TEMPLATE = 'backend-canary';
export const CANARY_HASH_ARG = 'canary-hash';
export const FRONTEND_ANALYSIS_TEMPLATE = 'frontend-canary';

export interface AnalysisTemplateOptions {
  /** In-cluster Prometheus URL, e.g. http://kube-prometheus-stack-prometheus.monitoring:9090. */
  readonly prometheusAddress: string;
  readonly window: string;
  readonly minRequests: number;
  readonly interval: string;
  readonly count: number;
  /** Wait before the first measurement (a window of the step's own traffic). @default - none */
  readonly initialDelay?: string;
}

export function canaryAnalysisTemplate(scope: Construct, env: Environment, o: AnalysisTemplateOptions): AnalysisTemplate {
  return new AnalysisTemplate(scope, 'backend-canary-analysis', canaryAnalysisTemplateProps(env, o));
}

/** The props of the AnalysisTemplate `backend-canary` (what a chart builds it from). */
export function canaryAnalysisTemplateProps(env: Environment, o: AnalysisTemplateOptions): AnalysisTemplateProps {
  const metrics = canaryMetrics(env, { hash: `{{args.${CANARY_HASH_ARG}}}`, window: o.window, minRequests: o.minRequests });
  return templateProps(env, CANARY_ANALYSIS_TEMPLATE, { name: 'pensioen-backend', component: 'canary-analysis' }, metrics, o, [{ name: CANARY_HASH_ARG }]);
}

/**
 * The props of the AnalysisTemplate `frontend-canary`: the edge's counts of the frontend's canary Service
 * (lib/delivery/frontend-analysis.ts). No argument: the canary Service selects the canary's pods.
 */
export function frontendAnalysisTemplateProps(env: Environment, o: AnalysisTemplateOptions): AnalysisTemplateProps {
  const metrics = frontendCanaryMetrics(env, { window: o.window, minRequests: o.minRequests });
  return templateProps(env, FRONTEND_ANALYSIS_TEMPLATE, { name: 'pensioen-frontend', component: 'canary-analysis' }, metrics, o);
}

function templateProps(env: Environment, name: string, labels: LabelSpec, metrics: CanaryMetric[], o: AnalysisTemplateOptions, args?: { name: string }[]): AnalysisTemplateProps {
  return {
    metadata: meta(env, name, labels),
    spec: {
      ...(args ? { args } : {}),
      metrics: metrics.map((m) => ({
        name: m.name,
        interval: o.interval,
        ...(o.initialDelay ? { initialDelay: o.initialDelay } : {}),
        count: AnalysisTemplateSpecMetricsCount.fromNumber(o.count),
        failureLimit: AnalysisTemplateSpecMetricsFailureLimit.fromNumber(0),
        inconclusiveLimit: AnalysisTemplateSpecMetricsInconclusiveLimit.fromNumber(0),
        consecutiveErrorLimit: AnalysisTemplateSpecMetricsConsecutiveErrorLimit.fromNumber(3),
        successCondition: m.successCondition,
        failureCondition: m.failureCondition,
        provider: { prometheus: { address: o.prometheusAddress, query: m.query, timeout: 30 } },
      })),
    },
  };
}
