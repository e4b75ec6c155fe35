import type { Construct } from 'constructs';
import { BACKEND, FRONTEND } from '../lib/names';
import { EnvChart } from '../lib/constructs/env-chart';
import type { Environment } from '../lib/config';
import { dataPlaneNamespaceOf, runningEdges } from '../lib/config/edge';
import { k8s } from '../lib/k8s';
import { POSTGRES_EXPORTER_LABELS, POSTGRES_EXPORTER_PORT } from '../lib/monitoring/names';
import { instanceOf, meta, PART_OF, selectorLabels } from '../lib/k8s/labels';
import { dnsEgress, fromNamespace, fromPrometheus, tcp } from '../lib/k8s/network';
import { POOLER_PORT, clusterNames, cnpgOf, poolerSelector } from '../lib/database/names';
import { SMOKE_LABELS } from '../lib/delivery/smoke';
import { CACHE_CLIENT_COMPONENTS, CACHE_CLIENT_PORTS } from '../lib/redis/topology';


/**
 * NetworkPolicies: deny everything in the namespace, then allow exactly what the platform needs: the
 * ingress controller to the backend, the frontend and cert-manager's HTTP-01 solver; Prometheus to the
 * backend's metrics; the backend to DNS, Redis and PostgreSQL (the managed database's CIDRs, or the PgBouncer
 * pods of CloudNativePG, whose own policies are in charts/database.ts); the frontend to DNS and HTTPS.
 */
export class NetworkPoliciesChart extends EnvChart {
  constructor(scope: Construct, env: Environment) {
    super(scope, 'network-policies', env, '30-network-policies.yaml');
    const c = env.config;
    const n = c.network;
    const spec = { name: PART_OF, component: 'network-policy' };
    const backend = selectorLabels(env, BACKEND);
    const frontend = selectorLabels(env, FRONTEND);
    const dns = dnsEgress(c);
    // Who brings outside traffic in: the ingress controller, or the Gateway's data plane (edge.kind gateway);
    // plus node addresses when it runs on hostNetwork (its packets then come from the node, which no
    // namespace selector matches).
    // During a migration (edge.migrateFrom) both edges bring traffic in until the old one is retired.
    const edgeNamespaces = runningEdges(c.edge).map((k) => (k === 'gateway' ? dataPlaneNamespaceOf(c.edge) : n.ingressControllerNamespace));
    const fromEdge: k8s.NetworkPolicyPeer[] = [...edgeNamespaces.map(fromNamespace), ...n.ingressControllerNodeCidrs.map((cidr) => ({ ipBlock: { cidr } }))];
    const cnpg = cnpgOf(env);
    // The smoke test Job (charts/smoke.ts) checks both workloads through their Services.
    const fromSmoke: k8s.NetworkPolicyPeer[] = c.delivery.smoke.enabled ? [{ podSelector: { matchLabels: selectorLabels(env, SMOKE_LABELS) } }] : [];
    const policy = (id: string, podSelector: Record<string, string>, s: Omit<k8s.NetworkPolicySpec, 'podSelector'>) =>
      new k8s.KubeNetworkPolicy(this, id, { metadata: meta(env, id, spec), spec: { podSelector: { matchLabels: podSelector }, ...s } });

    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: meta(env, 'default-deny', spec),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    policy('backend', backend, {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: fromEdge, ports: [tcp(c.backend.port)] },
        // Prometheus scrapes the metrics port (backend.metricsPort) or the HTTP port.
        { from: [fromPrometheus(c)], ports: [tcp(c.backend.metricsPort ?? c.backend.port)] },
        // The frontend's server-side rendering calls the API inside the cluster.
        { from: [{ podSelector: { matchLabels: frontend } }], ports: [tcp(c.backend.port)] },
        ...(fromSmoke.length ? [{ from: fromSmoke, ports: [tcp(c.backend.port)] }] : []),
      ],
      egress: [
        dns,
        // The in-cluster cache (HAProxy, and Sentinel for Sentinel-aware clients). Kept with a managed cache too
        // (no such pods exist there): so that a switch between in-cluster and managed never cuts the backend pods
        // not yet rolled from the cache they still use; the managed cache's egress is its own policy below.
        // Only this instance's cache pods: another instance's Redis in the same namespace is not ours to reach.
        {
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': instanceOf(env) }, matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: CACHE_CLIENT_COMPONENTS }] } }],
          ports: CACHE_CLIENT_PORTS.map(tcp),
        },
        // PostgreSQL: the managed database's CIDRs, or (cloudnative-pg) only the PgBouncer pods in front of the Cluster.
        cnpg
          ? { to: [{ podSelector: poolerSelector(clusterNames(cnpg)) }], ports: [tcp(POOLER_PORT)] }
          : { to: n.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(n.databasePort)] },
      ],
    });

    // A managed cache: the backend reaches its CIDRs on its port. A policy of its own, so that switching to or
    // from the managed cache adds or (pruned last) removes it while the backend pods roll.
    if (c.redis.mode === 'managed') {
      policy('backend-managed-cache', backend, {
        policyTypes: ['Egress'],
        egress: [{ to: c.redis.managed!.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(c.redis.managed!.port)] }],
      });
    }

    policy('frontend', frontend, {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: fromEdge, ports: [tcp(c.frontend.port)] },
        ...(fromSmoke.length ? [{ from: fromSmoke, ports: [tcp(c.frontend.port)] }] : []),
      ],
      egress: [
        dns,
        // Server-side rendering reaches the API directly (backend-service), not by hairpinning through the
        // load balancer.
        { to: [{ podSelector: { matchLabels: backend } }], ports: [tcp(c.backend.port)] },
        ...(n.frontendEgressCidrs.length > 0 ? [{ to: n.frontendEgressCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443)] }] : []),
      ],
    });

    // postgres_exporter (monitoring): Prometheus scrapes it; it reaches only DNS and the managed PostgreSQL.
    if (c.monitoring.enabled && c.monitoring.postgresExporter.enabled && !cnpg) {
      policy('postgres-exporter', selectorLabels(env, POSTGRES_EXPORTER_LABELS), {
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [fromPrometheus(c)], ports: [tcp(POSTGRES_EXPORTER_PORT)] }],
        egress: [dns, { to: n.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(n.databasePort)] }],
      });
    }

    // cert-manager runs its HTTP-01 solver pods in this namespace; the ingress controller (or Gateway) must
    // reach them. Only when the edge's issuer solves HTTP-01 (DNS-01 and CA issuers start no solver pod here).
    const edgeIssuer = c.certManager.issuers.find((i) => i.name === c.ingress.clusterIssuer);
    if (edgeIssuer?.type === 'acme-http01' || (edgeIssuer?.type === 'platform-owned' && edgeIssuer.solvesHttp01)) policy('acme-http01-solver', { 'acme.cert-manager.io/http01-solver': 'true' }, {
      policyTypes: ['Ingress'],
      ingress: [{ from: fromEdge, ports: [tcp(8089)] }],
    });
  }
}
