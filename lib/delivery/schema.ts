/**
 * The `delivery` section: how a new version is released (`strategy`) and how every sync checks itself
 * (`smoke`). docs/delivery.md explains the release path.
 */
import { z } from 'zod';
import { cidrList, resources } from '../config/types';
import { EDGE_LATENCY_BUCKETS, frontendJudge } from './frontend-judge';

export const smokeSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the smoke test Job `smoke-test` after every sync (Argo CD PostSync hook; with kubectl the documented step in docs/delivery.md)'),
  readinessFields: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a JSON key such as database' })).min(1).default(['database', 'redis'])
    .describe('Keys of the backend\'s health JSON (`backend.healthPath`) that must report a healthy dependency (the guide\'s /health: database, redis)'),
  healthyValues: z.array(z.string().min(1)).min(1).default(['true', 'ok', 'healthy', 'up', 'connected'])
    .describe('Values (case-insensitive; JSON true counts as "true") a readiness key may have to count as healthy'),
  statusKey: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional().default('status')
    .describe('Key of the overall status in the health JSON, checked against `healthyValues` too'),
  edgeTls: z.enum(['public', 'issuer-ca', 'skip-verify']).optional()
    .describe('How the edge checks verify TLS: "public" (the image\'s CA bundle), "issuer-ca" (the CA certificate, `tls.crt`, of the edge\'s namespaced CA Issuer\'s Secret; only that key is mounted, never the CA key) or "skip-verify" (still HTTPS, certificate not checked: Let\'s Encrypt staging). Default from the edge\'s issuer: a CA Issuer -> issuer-ca, a CA ClusterIssuer or Let\'s Encrypt staging -> skip-verify, else public'),
  edgeCidrs: cidrList('203.0.113.10/32').default([])
    .describe('Addresses of the edge\'s load balancer when traffic to it leaves the cluster (a cloud load balancer the nodes do not short-circuit); empty: only the edge\'s pods'),
  attempts: z.number().int().min(1).max(20).default(5).describe('Attempts per check before it fails (pods that just became Ready, DNS)'),
  intervalSeconds: z.number().int().min(1).max(60).default(6).describe('Seconds between attempts'),
  timeoutSeconds: z.number().int().min(1).max(60).default(5).describe('Seconds one HTTP request may take'),
  activeDeadlineSeconds: z.number().int().min(30).default(300).describe('Seconds after which the Job is failed whatever it does'),
  resources: resources({ cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '200m', memoryLimit: '128Mi' }),
}).prefault({}).describe('Smoke test after every sync: the API through its Service and the edge host, the dependencies in its health JSON, the frontend page');

/** A duration Argo Rollouts reads (an integer and s, m or h): an analysis interval or window. */
const rolloutsDuration = () => z.string().regex(/^[1-9]\d*(s|m|h)$/, { message: 'must be a duration such as 30s, 5m or 1h' });

export const canarySchema = z.strictObject({
  steps: z.array(z.number().int().min(1).max(100)).min(1).default([10, 25, 50, 100])
    .describe('Traffic weights (percent of the requests to the new version) the canary goes through, in order; each step is judged by the analysis before the next. Strictly increasing, the last 100 (all traffic to the new version before it becomes the stable one)'),
  frontend: z.boolean().default(false)
    .describe('Release the frontend as a canary too (an Argo Rollouts Rollout with the same steps), each step judged by the edge\'s counts of its canary Service (5xx share and latency against the SLO limits, AnalysisTemplate `frontend-canary`); needs an edge that counts them: ingress-nginx or Envoy Gateway (docs/delivery.md). false: the frontend keeps its rolling Deployment'),
  controllerNamespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a namespace name (a DNS label)' }).max(63).default('argo-rollouts')
    .describe('Namespace of the Argo Rollouts controller (its ConfigMap argo-rollouts-config lists the Gateway API plugin); the preflight checks it there'),
  analysis: z.strictObject({
    prometheusAddress: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'must be an http(s) URL such as http://prometheus-operated.monitoring.svc:9090' }).optional()
      .describe('Prometheus the Argo Rollouts controller queries (from its own namespace); default: http://prometheus-operated.<network.monitoringNamespace>.svc:9090 (the Service the Prometheus Operator creates for every Prometheus)'),
    window: rolloutsDuration().default('5m').describe('Range of each measurement (the SLIs\' rate window); the first measurement of a step waits this long, so it sees only traffic of that step'),
    interval: rolloutsDuration().default('2m').describe('Time between measurements of a step'),
    count: z.number().int().min(1).max(20).default(3).describe('Measurements per step; every one must pass (one failure aborts: traffic returns to the stable version)'),
    minRequests: z.number().int().min(1).default(100)
      .describe('Fewer canary requests than this in `window`: the measurement is Inconclusive and the Rollout pauses for a person (never a pass)'),
  }).prefault({}).describe('How each step is judged: the SLO\'s error-ratio and latency SLIs of the canary\'s pods against its fast-burn limit (lib/delivery/analysis.ts)'),
}).prefault({}).superRefine((c, ctx) => {
  c.steps.forEach((w, i) => {
    if (i > 0 && w <= c.steps[i - 1]) ctx.addIssue({ code: 'custom', path: ['steps', i], message: `must be larger than the step before (${c.steps[i - 1]}): weights only grow (allowed: e.g. [10, 25, 50, 100]), got ${w}` });
  });
  const last = c.steps[c.steps.length - 1];
  if (last !== undefined && last < 100) ctx.addIssue({ code: 'custom', path: ['steps', c.steps.length - 1], message: `the last step must be 100 (the new version takes all traffic and is judged there before it becomes stable), got ${last}` });
}).describe('Canary releases with Argo Rollouts (with `strategy: canary`): steps, analysis, the frontend (docs/delivery.md)');

export function deliverySchema() {
  return z.strictObject({
    strategy: z.enum(['rolling', 'canary']).default('rolling')
      .describe('"rolling": Deployments with rolling updates; "canary": the backend (and with `canary.frontend` the frontend) becomes an Argo Rollouts Rollout, released in `canary.steps`, each judged by the SLOs; needs the Argo Rollouts controller (and with the Gateway API edge its Gateway API plugin), docs/delivery.md'),
    canary: canarySchema,
    smoke: smokeSchema,
  }).prefault({}).describe('How new versions are released and checked (docs/delivery.md)');
}

/** The edges Argo Rollouts can split traffic on, and why not, for `delivery.strategy: canary`. */
export function canaryRoutingProblem(c: { edge: { kind: string; migrateFrom?: string }; ingress: { controller: string } }): string | undefined {
  if (c.edge.migrateFrom) return `needs one edge to split traffic on, but edge.migrateFrom (${c.edge.migrateFrom}) keeps a second edge serving; finish the edge migration first (allowed with canary: one edge, ingress-nginx or the Gateway API)`;
  if (c.edge.kind === 'ingress' && c.ingress.controller !== 'ingress-nginx') {
    return `cannot split traffic on ingress.controller "${c.ingress.controller}": Argo Rollouts routes a canary only by ingress-nginx's canary Ingress (ingress.controller: ingress-nginx) or by its Gateway API plugin (edge.kind: gateway); use one of those edges or strategy: rolling`;
  }
  return undefined;
}

interface DeliveryRefineInput {
  delivery: { strategy: string; canary: { frontend: boolean } };
  edge: { kind: string; migrateFrom?: string; gateway: { implementation: string } };
  ingress: { controller: string };
  monitoring: { enabled: boolean; edge: { source: string }; slo: { availability: { enabled: boolean }; latency: { enabled: boolean; thresholdSeconds: number } } };
}

/** Cross-section rules of `delivery.strategy: canary`: an edge it can route, and the SLIs it is judged by. */
export function refineDelivery(c: DeliveryRefineInput, ctx: z.RefinementCtx): void {
  if (c.delivery.strategy !== 'canary') return;
  const at = ['delivery', 'strategy'];
  const routing = canaryRoutingProblem(c);
  if (routing) ctx.addIssue({ code: 'custom', path: at, message: `canary ${routing}` });
  if (!c.monitoring.enabled) {
    ctx.addIssue({ code: 'custom', path: at, message: 'canary is judged by the backend\'s metrics, which monitoring.enabled: false leaves unscraped (no ServiceMonitor); allowed: monitoring.enabled: true, or strategy: rolling' });
  } else if (!c.monitoring.slo.availability.enabled && !c.monitoring.slo.latency.enabled) {
    ctx.addIssue({ code: 'custom', path: at, message: 'canary is judged by the SLO\'s SLIs, and monitoring.slo.availability and monitoring.slo.latency are both off: nothing would judge a step; allowed: at least one SLO enabled, or strategy: rolling' });
  }
  if (!c.delivery.canary.frontend || routing) return;
  // The frontend is judged at the edge (lib/delivery/frontend-analysis.ts): an edge that counts its canary Service.
  const frontendAt = ['delivery', 'canary', 'frontend'];
  const judge = frontendJudge(c);
  if ('problem' in judge) {
    ctx.addIssue({ code: 'custom', path: frontendAt, message: `the frontend canary ${judge.problem}` });
    return;
  }
  const slo = c.monitoring.slo.latency;
  const buckets = EDGE_LATENCY_BUCKETS[judge.edge];
  if (slo.enabled && !buckets.includes(slo.thresholdSeconds)) {
    ctx.addIssue({ code: 'custom', path: frontendAt, message: `the frontend canary's latency is judged from ${judge.edge}'s request duration histogram at monitoring.slo.latency.thresholdSeconds (${slo.thresholdSeconds}), which is not one of its bucket boundaries (allowed: ${buckets.join(', ')} seconds), or canary.frontend: false` });
  }
}
