/**
 * `delivery.strategy: canary`: the Argo Rollouts `Rollout` (argoproj.io/v1alpha1, v1.9.1) that replaces the
 * backend's Deployment (and with `delivery.canary.frontend` the frontend's), built by `Workload` from the very
 * pod template, selector and scale the Deployment would have had (lib/constructs/workload.ts).
 *
 * The canary strategy:
 * - `stableService` is the workload's Service (`backend-service`, `frontend-service`: the edge, the smoke test
 *   and server-side rendering keep calling it), `canaryService` a second Service with the same selector
 *   (`backend-canary`, `frontend-canary`). The controller adds `rollouts-pod-template-hash` to both selectors,
 *   so each reaches only its ReplicaSet.
 * - Traffic is split by the edge (`trafficRouting`): ingress-nginx by a canary Ingress the controller creates
 *   from the stable Ingress (`nginx.stableIngress`; the Rollout owns it); the Gateway API by the Argo Rollouts
 *   Gateway API plugin (`plugins.argoproj-labs/gatewayAPI`), which sets the weights of the two backendRefs of
 *   our HTTPRoute.
 * - Steps: for each weight of `delivery.canary.steps`, `setWeight` then an inline analysis: the backend's
 *   AnalysisTemplate `backend-canary` (its SLIs, the canary's pod-template hash as argument), the frontend's
 *   `frontend-canary` (the edge's counts of the canary Service, lib/delivery/frontend-analysis.ts).
 *   A failed analysis aborts the Rollout: traffic returns to the stable ReplicaSet, which kept all its pods
 *   (no dynamic stable scale), and the canary is scaled down.
 * - Pods never go below the wanted count during the rollout (`maxUnavailable: 0`), and a canary that does not
 *   become ready within `progressDeadlineSeconds` aborts too (`progressDeadlineAbort`).
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../config';
import type { EnvContext } from '../config/context';
import { Rollout, RolloutSpecStrategyCanaryMaxSurge, RolloutSpecStrategyCanaryMaxUnavailable, type RolloutSpecStrategyCanarySteps } from '../../imports/rollouts-rollouts-argoproj.io';
import type { Workload, WorkloadController, WorkloadPods } from '../constructs/workload';
import { type LabelSpec, meta } from '../k8s/labels';
import { CANARY_ANALYSIS_TEMPLATE, CANARY_HASH_ARG, FRONTEND_ANALYSIS_TEMPLATE, canaryAnalysisTemplateProps, frontendAnalysisTemplateProps } from './analysis-template';
import type { AnalysisTemplateProps } from '../../imports/rollouts-analysistemplates-argoproj.io';
import { API_INGRESS, API_ROUTE } from '../monitoring/names';
import { FRONTEND_INGRESS, FRONTEND_ROUTE } from '../monitoring/names';
import { BACKEND_SERVICE, FRONTEND_SERVICE } from '../names';
import { BACKEND_CANARY_SERVICE, FRONTEND_CANARY_SERVICE } from './names';
import { type CanaryWorkload, isCanary } from './strategy';

export const ROLLOUT_API_VERSION = 'argoproj.io/v1alpha1';
/** The label Argo Rollouts puts on every pod of a Rollout's ReplicaSets. */
export const ROLLOUTS_HASH_LABEL = 'rollouts-pod-template-hash';
/** The traffic router plugin of the Gateway API edge, as the Argo Rollouts controller's ConfigMap names it. */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';
/** The plugin release the docs and the preflight name (github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi). */
export const GATEWAY_API_PLUGIN_VERSION = 'v0.15.0';
/** The Argo Rollouts release whose CRDs are pinned in crds/. */
export const ARGO_ROLLOUTS_VERSION = 'v1.9.1';

export { BACKEND_CANARY_SERVICE, FRONTEND_CANARY_SERVICE };
/** Headless Service over every backend pod, stable and canary: what the ServiceMonitor scrapes with canary. */
export const BACKEND_METRICS_SERVICE = 'backend-metrics';
/** Its `app.kubernetes.io/component`: the ServiceMonitor selects it by that, beside the backend's selector labels. */
export const BACKEND_METRICS_COMPONENT = 'metrics';


/** The Prometheus the analysis queries: `delivery.canary.analysis.prometheusAddress`, or the operator's `prometheus-operated`. */
export function prometheusAddressOf(env: Environment): string {
  const c = env.config;
  return c.delivery.canary.analysis.prometheusAddress ?? `http://prometheus-operated.${c.network.monitoringNamespace}.svc:9090`;
}

/** The canary Service's name of a workload. */
export function canaryServiceOf(workload: CanaryWorkload): string {
  return workload === 'backend' ? BACKEND_CANARY_SERVICE : FRONTEND_CANARY_SERVICE;
}

/** The steps of a workload's canary: each weight, then its analysis (the backend's SLIs, or the frontend's at the edge). */
export function canarySteps(env: Environment, workload: CanaryWorkload): RolloutSpecStrategyCanarySteps[] {
  const c = env.config.delivery.canary;
  const judge: RolloutSpecStrategyCanarySteps = workload === 'backend'
    ? { analysis: { templates: [{ templateName: CANARY_ANALYSIS_TEMPLATE }], args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } }] } }
    : { analysis: { templates: [{ templateName: FRONTEND_ANALYSIS_TEMPLATE }] } };
  return c.steps.flatMap((setWeight) => [{ setWeight }, judge]);
}

export interface RolloutRouting {
  /** The workload's Service (what the edge routes to). */
  readonly stableService: string;
  /** The Ingress the edge routes the workload's host with (ingress-nginx), or the HTTPRoute (Gateway API). */
  readonly ingress?: string;
  readonly httpRoute?: string;
}

/** The `Workload` controller that builds a Rollout in place of the Deployment. */
export function rolloutController(env: Environment, workload: CanaryWorkload, routing: RolloutRouting): WorkloadController {
  const c = env.config;
  return {
    apiVersion: ROLLOUT_API_VERSION,
    kind: 'Rollout',
    podTemplateHashLabel: ROLLOUTS_HASH_LABEL,
    build(scope: Construct, id: string, pods: WorkloadPods) {
      const trafficRouting = c.edge.kind === 'gateway'
        ? { plugins: { [GATEWAY_API_PLUGIN]: { httpRoute: routing.httpRoute, namespace: c.namespace } } }
        : { nginx: { stableIngress: routing.ingress! } };
      const manifest = Rollout.manifest({
        metadata: pods.metadata,
        spec: {
          ...(pods.replicas !== undefined ? { replicas: pods.replicas } : {}),
          revisionHistoryLimit: pods.revisionHistoryLimit,
          selector: pods.selector,
          // A canary that never gets Ready within the deadline aborts (traffic stays on the stable pods).
          progressDeadlineSeconds: 600,
          progressDeadlineAbort: true,
          strategy: {
            canary: {
              stableService: routing.stableService,
              canaryService: canaryServiceOf(workload),
              maxUnavailable: RolloutSpecStrategyCanaryMaxUnavailable.fromNumber(0),
              maxSurge: RolloutSpecStrategyCanaryMaxSurge.fromString('25%'),
              trafficRouting,
              steps: canarySteps(env, workload),
            },
          },
        },
      });
      // No generated class fits: the typed part is the generated Rollout's manifest, but the pod template is the
      // Deployment's, as JSON; the class re-serializes its whole spec in toJson() (a JsonPatch included) with pod
      // types that read IntOrString and Quantity objects, and would drop the ports and quantities.
      return new ApiObject(scope, id, { ...manifest, spec: { ...manifest.spec, template: pods.template } });
    },
  };
}

/**
 * A second Service over the workload's pods, with the stable Service's selector and ports: the canary Service
 * (`<workload>-canary`), or with `name` another one (`backend-metrics`: headless, for the ServiceMonitor).
 */
export function canaryServiceFor(scope: Construct, env: EnvContext, workload: Workload, role: CanaryWorkload | 'metrics', labels: LabelSpec, name?: string): ApiObject {
  const stable = workload.service!.toJson();
  const headless = role === 'metrics';
  // No generated class fits: the spec is the stable Service's rendered JSON, copied so both stay identical;
  // KubeService would re-type it (targetPort, ports) from props instead.
  return new ApiObject(scope, `${role}-service`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(env, name ?? canaryServiceOf(role as CanaryWorkload), labels),
    spec: { ...stable.spec, ...(headless ? { clusterIP: 'None' } : {}) },
  });
}

/**
 * How Prometheus scrapes the backend with a canary: through `backend-metrics` (every pod once), copying each
 * pod's `rollouts-pod-template-hash` to its series; undefined without one (the ServiceMonitor selects `backend-service`).
 */
export function canaryScrape(env: Environment, backend: Workload): { selector: Record<string, string>; podTargetLabels: string[] } | undefined {
  if (!isCanary(env, 'backend')) return undefined;
  return { selector: { ...backend.selector, 'app.kubernetes.io/component': BACKEND_METRICS_COMPONENT }, podTargetLabels: [ROLLOUTS_HASH_LABEL] };
}

/** What a workload's chart builds when it is released as a canary: the Rollout in place of the Deployment, and its AnalysisTemplate. */
export interface WorkloadCanary {
  readonly controller: WorkloadController;
  readonly analysisTemplate: AnalysisTemplateProps;
}

/** The frontend's canary with `delivery.canary.frontend` (and strategy canary); undefined otherwise. */
export function frontendCanary(env: Environment): WorkloadCanary | undefined {
  if (!isCanary(env, 'frontend')) return undefined;
  return {
    controller: rolloutController(env, 'frontend', { stableService: FRONTEND_SERVICE, ingress: FRONTEND_INGRESS, httpRoute: FRONTEND_ROUTE }),
    analysisTemplate: frontendAnalysisTemplateProps(env, analysisOptions(env)),
  };
}

/** The analysis options of `delivery.canary.analysis` (the first measurement after a window of the step's own traffic). */
function analysisOptions(env: Environment) {
  const a = env.config.delivery.canary.analysis;
  return { prometheusAddress: prometheusAddressOf(env), window: a.window, initialDelay: a.window, minRequests: a.minRequests, interval: a.interval, count: a.count };
}

/** The backend's canary with `delivery.strategy: canary` (options from `delivery.canary.analysis`); undefined otherwise. */
export function backendCanary(env: Environment): WorkloadCanary | undefined {
  if (!isCanary(env, 'backend')) return undefined;
  return {
    controller: rolloutController(env, 'backend', { stableService: BACKEND_SERVICE, ingress: API_INGRESS, httpRoute: API_ROUTE }),
    analysisTemplate: canaryAnalysisTemplateProps(env, analysisOptions(env)),
  };
}
