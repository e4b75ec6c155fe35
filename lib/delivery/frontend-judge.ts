/**
 * Which edge can judge the frontend canary (lib/delivery/frontend-analysis.ts), from the config alone: what the
 * config rule (lib/delivery/schema.ts) and the analysis share. No imports: the config schema reads it.
 */

/** Latency buckets (seconds) of each edge's histogram: the latency threshold must be one of them. */
export const EDGE_LATENCY_BUCKETS: Record<'ingress-nginx' | 'envoy-gateway', readonly number[]> = {
  // ingress-nginx --time-buckets default: Prometheus' DefBuckets.
  'ingress-nginx': [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  // Envoy's default histogram buckets (milliseconds: 0.5 ... 3600000), in seconds.
  'envoy-gateway': [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800, 3600],
};

/** The edge that judges the frontend canary, or why none can (the config rule's message). */
export function frontendJudge(c: { edge: { kind: string; gateway: { implementation: string } }; ingress: { controller: string }; monitoring: { enabled: boolean; edge: { source: string } } }):
  { edge: 'ingress-nginx' | 'envoy-gateway' } | { problem: string } {
  if (c.edge.kind === 'gateway' && c.edge.gateway.implementation !== 'envoy-gateway') {
    return { problem: `cannot be judged on edge.gateway.implementation "${c.edge.gateway.implementation}": its metrics carry no response status per backend (NGINX Gateway Fabric with NGINX Open Source counts requests only), and the frontend exports no metrics of its own; allowed: canary.frontend: false (the frontend keeps its rolling Deployment), or an edge that counts the canary Service's answers (ingress-nginx, Envoy Gateway)` };
  }
  if (c.edge.kind === 'ingress' && c.ingress.controller !== 'ingress-nginx') return { problem: `cannot be judged on ingress.controller "${c.ingress.controller}" (its metrics are unknown); allowed: canary.frontend: false, or ingress-nginx` };
  if (!c.monitoring.enabled || c.monitoring.edge.source === 'none') {
    return { problem: 'is judged by the edge\'s metrics of the frontend\'s canary Service, and monitoring.enabled: false or monitoring.edge.source: none leaves them unread; allowed: monitoring on with monitoring.edge.source: auto, or canary.frontend: false' };
  }
  return { edge: c.edge.kind === 'gateway' ? 'envoy-gateway' : 'ingress-nginx' };
}

