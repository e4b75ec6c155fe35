import type { Construct } from 'constructs';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import type { Workload } from '../lib/constructs/workload';
import type { EnvConfig } from '../lib/config';
import type { EdgeSources } from '../lib/edge/sources';
import { k8s } from '../lib/k8s';
import { instanceOf, meta, PART_OF } from '../lib/k8s/labels';
import { dnsEgress, fromPrometheus, tcp } from '../lib/k8s/network';
import { CACHE_CLIENT_COMPONENTS, CACHE_CLIENT_PORTS } from '../lib/redis/topology';

export interface NetworkPoliciesChartProps extends EnvChartProps {
  /** `network`: where Prometheus runs, where else the frontend may connect. */
  readonly network: EnvConfig['network'];
  /** The workloads the policies are for: their pods, their `http` ports and the backend's metrics port. */
  readonly backend: Workload;
  readonly frontend: Workload;
  /** Where the edge's traffic comes from (lib/edge/sources.ts). */
  readonly edge: EdgeSources;
  /** The backend's way to PostgreSQL (lib/database/client.ts). */
  readonly databaseEgress: k8s.NetworkPolicyEgressRule;
  /** A managed cache (redis.mode managed): its CIDRs and port. */
  readonly managedCache?: { readonly cidrs: string[]; readonly port: number };
  /** The smoke test's pods (charts/smoke.ts): they check both workloads through their Services. */
  readonly smoke?: k8s.NetworkPolicyPeer;
  /** postgres_exporter of a managed database (charts/monitoring.ts): Prometheus scrapes it, it reaches PostgreSQL. */
  readonly postgresExporter?: Workload;
  /** The edge's issuer solves HTTP-01: cert-manager's solver pods run in this namespace. */
  readonly http01Solver: boolean;
}

/**
 * NetworkPolicies: deny everything in the namespace, then allow exactly what the platform needs: the
 * ingress controller to the backend, the frontend and cert-manager's HTTP-01 solver; Prometheus to the
 * backend's metrics; the backend to DNS, Redis and PostgreSQL (the managed database's CIDRs, or the PgBouncer
 * pods of CloudNativePG, whose own policies are in charts/database.ts); the frontend to DNS and HTTPS.
 */
export class NetworkPoliciesChart extends EnvChart {
  constructor(scope: Construct, id: string, props: NetworkPoliciesChartProps) {
    super(scope, id, props.env, '30-network-policies.yaml');
    const env = props.env;
    const n = props.network;
    const spec = { name: PART_OF, component: 'network-policy' };
    const backend = props.backend.selector;
    const frontend = props.frontend.selector;
    const backendPort = props.backend.port('http');
    const frontendPort = props.frontend.port('http');
    const dns = dnsEgress(env.config);
    // Who brings outside traffic in: the ingress controller, or the Gateway's data plane (edge.kind gateway),
    // both during a migration (edge.migrateFrom).
    const fromEdge = props.edge.peers;
    const fromSmoke: k8s.NetworkPolicyPeer[] = props.smoke ? [props.smoke] : [];
    const policy = (id: string, podSelector: Record<string, string>, s: Omit<k8s.NetworkPolicySpec, 'podSelector'>) =>
      new k8s.KubeNetworkPolicy(this, id, { metadata: meta(env, id, spec), spec: { podSelector: { matchLabels: podSelector }, ...s } });

    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: meta(env, 'default-deny', spec),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    policy('backend', backend, {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: fromEdge, ports: [tcp(backendPort)] },
        // Prometheus scrapes the metrics port (backend.metricsPort) or the HTTP port.
        { from: [fromPrometheus({ network: n })], ports: [tcp(props.backend.port(props.backend.hasPort('metrics') ? 'metrics' : 'http'))] },
        // The frontend's server-side rendering calls the API inside the cluster.
        { from: [props.frontend.peer], ports: [tcp(backendPort)] },
        ...(fromSmoke.length ? [{ from: fromSmoke, ports: [tcp(backendPort)] }] : []),
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
        props.databaseEgress,
      ],
    });

    // A managed cache: the backend reaches its CIDRs on its port. A policy of its own, so that switching to or
    // from the managed cache adds or (pruned last) removes it while the backend pods roll.
    if (props.managedCache) {
      policy('backend-managed-cache', backend, {
        policyTypes: ['Egress'],
        egress: [{ to: props.managedCache.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(props.managedCache.port)] }],
      });
    }

    policy('frontend', frontend, {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: fromEdge, ports: [tcp(frontendPort)] },
        ...(fromSmoke.length ? [{ from: fromSmoke, ports: [tcp(frontendPort)] }] : []),
      ],
      egress: [
        dns,
        // Server-side rendering reaches the API directly (backend-service), not by hairpinning through the
        // load balancer.
        { to: [props.backend.peer], ports: [tcp(backendPort)] },
        ...(n.frontendEgressCidrs.length > 0 ? [{ to: n.frontendEgressCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443)] }] : []),
      ],
    });

    // postgres_exporter (monitoring): Prometheus scrapes it; it reaches only DNS and the managed PostgreSQL.
    const exporter = props.postgresExporter;
    if (exporter) {
      policy('postgres-exporter', exporter.selector, {
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [fromPrometheus({ network: n })], ports: [tcp(exporter.port('metrics'))] }],
        egress: [dns, props.databaseEgress],
      });
    }

    // cert-manager runs its HTTP-01 solver pods in this namespace; the ingress controller (or Gateway) must
    // reach them. Only when the edge's issuer solves HTTP-01 (DNS-01 and CA issuers start no solver pod here).
    if (props.http01Solver) policy('acme-http01-solver', { 'acme.cert-manager.io/http01-solver': 'true' }, {
      policyTypes: ['Ingress'],
      ingress: [{ from: fromEdge, ports: [tcp(8089)] }],
    });
  }
}
