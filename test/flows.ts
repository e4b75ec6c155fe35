/**
 * The flows the NetworkPolicies of an environment allow, evaluated as Kubernetes does: a connection from A to
 * B on a port is allowed when A's egress allows it (no policy of type Egress selects A, or one of them has a
 * rule matching B and the port) and B's ingress allows it (likewise). Pods are the pod templates of the
 * output (Deployments, StatefulSets, Jobs, and CloudNativePG's instance and pooler pods by the labels the
 * operator sets); outside peers are the edge's, Prometheus's and the cluster DNS's pods in their namespaces.
 */
import type { Environment } from '../lib/config';
import { dataPlaneNamespaceOf, runningEdges } from '../lib/config/edge';

export interface Peer {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Named container ports of the pod (a policy may name a port). */
  readonly ports?: Record<string, number>;
  /** An address outside the cluster (ipBlock peers only). */
  readonly ip?: string;
}

const matches = (sel: any, labels: Record<string, string>): boolean => {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
};

const ipv4 = (ip: string) => ip.split('.').reduce((n, x) => n * 256 + Number(x), 0);
const inCidr = (ip: string, cidr: string) => {
  if (!ip.includes('.') || !cidr.includes('.')) return false;
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
};

/** Whether one policy peer (`from`/`to` item) matches this pod or address, seen from the policy's namespace. */
function peerMatches(p: any, policyNs: string, target: Peer): boolean {
  if (p.ipBlock) return target.ip !== undefined && inCidr(target.ip, p.ipBlock.cidr) && !(p.ipBlock.except ?? []).some((c: string) => inCidr(target.ip!, c));
  if (target.ip !== undefined) return false;
  const nsLabels = { 'kubernetes.io/metadata.name': target.namespace };
  if (p.namespaceSelector) return matches(p.namespaceSelector, nsLabels) && matches(p.podSelector, target.labels);
  return target.namespace === policyNs && matches(p.podSelector, target.labels);
}

const portMatches = (ports: any[] | undefined, port: number, protocol: string, owner: Peer) =>
  !ports || ports.length === 0 || ports.some((p) => (p.protocol ?? 'TCP') === protocol
    && (p.port === undefined || p.port === port || (typeof p.port === 'string' && owner.ports?.[p.port] === port) || (p.endPort !== undefined && port >= p.port && port <= p.endPort)));

/** Whether the policies let `from` open a connection to `to` on `port`. */
export function allowed(policies: any[], from: Peer, to: Peer, port: number, protocol = 'TCP'): boolean {
  const side = (self: Peer, type: 'Egress' | 'Ingress', other: Peer) => {
    if (self.ip !== undefined) return true; // outside the cluster: no policy of ours applies
    const selecting = policies.filter((np) => np.metadata.namespace === self.namespace && matches(np.spec.podSelector, self.labels)
      && (np.spec.policyTypes ?? ['Ingress']).includes(type));
    if (selecting.length === 0) return true;
    return selecting.some((np) => (np.spec[type === 'Egress' ? 'egress' : 'ingress'] ?? []).some((r: any) => {
      const peers = r[type === 'Egress' ? 'to' : 'from'];
      return (!peers || peers.length === 0 || peers.some((p: any) => peerMatches(p, np.metadata.namespace, other)))
        && portMatches(r.ports, port, protocol, type === 'Egress' ? other : self);
    }));
  };
  return side(from, 'Egress', to) && side(to, 'Ingress', from);
}

/** The pods of the output, by workload name. */
export function podsOf(objects: any[]): Map<string, Peer> {
  const out = new Map<string, Peer>();
  for (const o of objects) {
    const t = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec?.template;
    if (['Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'CronJob', 'Rollout'].includes(o.kind) && t) {
      const ports: Record<string, number> = {};
      for (const c of t.spec.containers ?? []) for (const p of c.ports ?? []) if (p.name) ports[p.name] = p.containerPort;
      out.set(o.metadata.name, { name: o.metadata.name, namespace: o.metadata.namespace, labels: t.metadata?.labels ?? {}, ports });
    }
    // CloudNativePG's pods carry the labels the operator sets (cnpg.io/cluster, cnpg.io/podRole, cnpg.io/poolerName).
    if (o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/')) {
      out.set(o.metadata.name, { name: o.metadata.name, namespace: o.metadata.namespace, labels: { 'cnpg.io/cluster': o.metadata.name, 'cnpg.io/podRole': 'instance' } });
    }
    if (o.kind === 'Pooler') {
      out.set(o.metadata.name, { name: o.metadata.name, namespace: o.metadata.namespace, labels: { 'cnpg.io/poolerName': o.metadata.name, 'cnpg.io/cluster': o.spec.cluster.name, 'cnpg.io/podRole': 'pooler', ...(o.spec.template?.metadata?.labels ?? {}) } });
    }
  }
  return out;
}

/** The peers outside the app namespace: each running edge's pods, Prometheus, the cluster DNS, and a stranger. */
export function outsidePeers(env: Environment): { edges: Peer[]; prometheus: Peer; dns: Peer; stranger: Peer } {
  const c = env.config;
  const n = c.network;
  return {
    edges: runningEdges(c.edge).map((k) => ({ name: `edge-${k}`, namespace: k === 'gateway' ? dataPlaneNamespaceOf(c.edge) : n.ingressControllerNamespace, labels: { 'app.kubernetes.io/name': `edge-${k}` } })),
    prometheus: { name: 'prometheus', namespace: n.monitoringNamespace, labels: { ...(n as any).prometheusPodLabels } },
    dns: { name: 'dns', namespace: n.dnsNamespace, labels: { ...n.dnsPodLabels } },
    stranger: { name: 'stranger', namespace: 'someone-else', labels: { app: 'stranger' } },
  };
}

/**
 * Every flow the application needs that the policies refuse, and every flow nobody needs that they allow,
 * one line each (empty: the policies allow exactly what docs/security.md describes, as far as these flows go).
 */
export function flowProblems(env: Environment, objects: any[]): string[] {
  const c = env.config;
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const pods = podsOf(objects);
  const { edges, prometheus, dns, stranger } = outsidePeers(env);
  const backend = pods.get('backend');
  const frontend = pods.get('frontend');
  if (!backend || !frontend) return ['flows: no backend or frontend Deployment (or Rollout)'];
  const problems: string[] = [];
  const need = (what: string, from: Peer, to: Peer, port: number, protocol = 'TCP') => {
    if (!allowed(policies, from, to, port, protocol)) problems.push(`flow refused: ${what} (${from.namespace}/${from.name} -> ${to.namespace}/${to.name}:${port}/${protocol})`);
  };
  const never = (what: string, from: Peer, to: Peer, port: number) => {
    if (allowed(policies, from, to, port)) problems.push(`flow allowed that nothing needs: ${what} (${from.namespace}/${from.name} -> ${to.namespace}/${to.name}:${port})`);
  };
  for (const edge of edges) {
    need('the edge reaches the backend', edge, backend, c.backend.port);
    need('the edge reaches the frontend', edge, frontend, c.frontend.port ?? 3000);
  }
  need('the frontend renders through the backend', frontend, backend, c.backend.port);
  need('the backend resolves names', backend, dns, 53, 'UDP');
  need('Prometheus scrapes the backend', prometheus, backend, c.backend.metricsPort ?? c.backend.port);
  never('a pod of another namespace reaches the backend', stranger, backend, c.backend.port);
  never('a pod of another namespace reaches the frontend', stranger, frontend, c.frontend.port ?? 3000);
  const proxy = pods.get('redis-haproxy');
  if (proxy) {
    need('the backend reaches the cache through HAProxy', backend, proxy, 6379);
    never('the frontend reaches the cache', frontend, proxy, 6379);
    for (const edge of edges) never('the edge reaches the cache', edge, proxy, 6379);
    const nodes = [...pods.values()].filter((p) => p.name === 'redis' || p.name === 'valkey');
    for (const node of nodes) {
      need('HAProxy reaches the cache nodes', proxy, node, 6379);
      never('the frontend reaches a cache node', frontend, node, 6379);
    }
  }
  const pooler = [...pods.values()].find((p) => p.labels['cnpg.io/podRole'] === 'pooler');
  if (pooler) {
    need('the backend reaches PostgreSQL through the pooler', backend, pooler, 5432);
    never('the frontend reaches PostgreSQL', frontend, pooler, 5432);
  } else if (c.database.mode === 'managed') {
    for (const cidr of c.network.databaseCidrs) {
      const db: Peer = { name: 'postgres', namespace: '', labels: {}, ip: cidr.split('/')[0] };
      need('the backend reaches the managed PostgreSQL', backend, db, 5432);
      never('the frontend reaches the managed PostgreSQL', frontend, db, 5432);
    }
  }
  return problems;
}
