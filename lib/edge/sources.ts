/** Where traffic from the edge comes from, as the NetworkPolicies of the pods it reaches see it. */
import type { Environment } from '../config';
import { dataPlaneNamespaceOf, runningEdges } from '../config/edge';
import type { k8s } from '../k8s';
import { fromNamespace } from '../k8s/network';

export interface EdgeSources {
  /**
   * The edge's proxy pods: the ingress controller's namespace or the Gateway's data plane namespace (both
   * during a migration, edge.migrateFrom), plus the node addresses of an ingress controller on hostNetwork
   * (`network.ingressControllerNodeCidrs`: its packets come from the node, which no namespace selector matches).
   */
  readonly peers: k8s.NetworkPolicyPeer[];
  /**
   * The ports the edge's proxies listen on inside their pods (what a NetworkPolicy sees after the load
   * balancer's address is translated): ingress-nginx and NGINX Gateway Fabric listen on 443 itself; Envoy
   * Gateway maps a privileged Gateway port to port + 10000 in the Envoy container (443 -> 10443).
   */
  readonly podHttpsPorts: number[];
}

export function edgeSourcesOf(env: Environment): EdgeSources {
  const e = env.config.edge;
  const n = env.config.network;
  const namespaces = runningEdges(e).map((k) => (k === 'gateway' ? dataPlaneNamespaceOf(e) : n.ingressControllerNamespace));
  return {
    peers: [...namespaces.map(fromNamespace), ...n.ingressControllerNodeCidrs.map((cidr) => ({ ipBlock: { cidr } }))],
    podHttpsPorts: [...new Set(runningEdges(e).map((k) => (k === 'gateway' && e.gateway.implementation === 'envoy-gateway' ? 10443 : 443)))].sort((a, b) => a - b),
  };
}

/**
 * Whether cert-manager runs HTTP-01 solver pods in the environment's namespace, which the edge must reach: the
 * edge's issuer (`ingress.clusterIssuer`) solves HTTP-01 (DNS-01 and CA issuers start no solver pod here).
 */
export function edgeSolvesHttp01(env: Environment): boolean {
  const c = env.config;
  const edgeIssuer = c.certManager.issuers.find((i) => i.name === c.ingress.clusterIssuer);
  return edgeIssuer?.type === 'acme-http01' || (edgeIssuer?.type === 'platform-owned' && edgeIssuer.solvesHttp01);
}
