/**
 * The request flow of each environment (docs/request-flow.md): where a browser's request goes and what the
 * application reaches behind it, drawn from the objects in `dist/<env>/` (never from config), so the picture
 * follows every setting that changes them:
 *
 * - browser → edge: each Gateway (its HTTPS/HTTP listeners and hostnames) or, per ingress class, the Ingress
 *   controller (the hosts of its Ingresses, HTTPS where a `tls` entry names them);
 * - edge → Service: the HTTPRoutes' `backendRefs` (hosts, port, weight) or the Ingresses' backends; with an Argo
 *   Rollouts canary on ingress-nginx, the canary Ingress the controller makes from `stableIngress` → the canary Service;
 * - Service → workload: the pods its selector matches (the gate's pod templates, lib/validate/workloads.ts);
 * - workload → workload: from the pods the edge reaches, every container port of another workload's pods that
 *   the NetworkPolicies allow both ways (egress of the source, ingress of the target), labelled with the ports
 *   and the Services that expose them; followed transitively (backend → HAProxy → Redis, backend → PgBouncer →
 *   PostgreSQL). CloudNativePG's instance and PgBouncer pods are drawn at their Cluster and Pooler;
 * - workload → outside the cluster: the `ipBlock` egress of the pods the edge reaches (a managed database or
 *   cache), named by a connection URL of the workload on that port (its env or a ConfigMap it reads) or else the
 *   port's well-known service;
 * - operators (dotted): cert-manager → the edge it issues certificates for and the workloads mounting a
 *   Certificate's Secret; CloudNativePG → its Cluster and Pooler; Argo Rollouts → each Rollout and the edge
 *   object it sets weights on; External Secrets → the workloads using Secrets it creates; Prometheus → what
 *   ServiceMonitors and PodMonitors scrape (a Gateway for a PodMonitor of Envoy Gateway's proxy pods).
 *
 * Pure: lib/docs/dist-pages.ts reads dist/ and writes the page.
 */
import { containersOf, matchLabels, matchSelector, operatorPodTemplates, podTemplateOf, type PodTemplate } from '../validate/workloads';
import { mermaidText } from './deployed-objects';
import type { KObject } from './object-graph';

export type FlowGroup = 'client' | 'edge' | 'service' | 'workload' | 'outside' | 'operator';
export interface FlowNode { readonly id: string; readonly group: FlowGroup; readonly label: string }
export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  /** What goes over it: ports, hosts, weights (lines joined by `\n`). */
  readonly label: string;
  /** The objects that say so (for the table). */
  readonly why: string;
  /** `traffic`: requests; `control`: an operator acting on it. */
  readonly type: 'traffic' | 'control';
}
export interface RequestFlow { readonly nodes: FlowNode[]; readonly edges: FlowEdge[] }

interface Port { readonly port: number; readonly name?: string; readonly protocol: string }

/** Well-known ports, for an endpoint outside the cluster no connection URL of the workload names. */
const WELL_KNOWN: Record<number, string> = { 5432: 'PostgreSQL', 6379: 'Redis protocol', 26379: 'Redis Sentinel', 443: 'HTTPS' };

const nsOf = (o: Record<string, any> | undefined): string | undefined => o?.metadata?.namespace;
const uniq = <T>(xs: T[]) => [...new Set(xs)];
const list = (xs: (string | number)[]) => uniq(xs.map(String)).join(', ');

export function requestFlow(input: KObject[]): RequestFlow {
  const objects = input.filter((o) => o?.kind && o.metadata?.name);
  const of = (kind: string, ns?: string) => objects.filter((o) => o.kind === kind && (ns === undefined || nsOf(o) === ns));
  const byName = (kind: string, ns: string | undefined, name: string) => objects.find((o) => o.kind === kind && nsOf(o) === ns && o.metadata.name === name);

  const nodes: FlowNode[] = [];
  const edges = new Map<string, { from: string; to: string; labels: string[]; why: string[]; type: 'traffic' | 'control' }>();
  const ids = new Map<string, string>();
  const node = (key: string, group: FlowGroup, label: string) => {
    const found = ids.get(key);
    if (found) return found;
    const id = `n${nodes.length}`;
    ids.set(key, id);
    nodes.push({ id, group, label });
    return id;
  };
  const edge = (from: string, to: string, label: string, why: string, type: 'traffic' | 'control' = 'traffic') => {
    const k = `${type}|${from}|${to}`;
    const e = edges.get(k) ?? { from, to, labels: [], why: [], type };
    if (!e.labels.includes(label)) e.labels.push(label);
    if (!e.why.includes(why)) e.why.push(why);
    edges.set(k, e);
  };

  // Pods: the workloads' templates and the pods CloudNativePG makes (the gate's view).
  const pods: PodTemplate[] = [...objects.map(podTemplateOf), ...operatorPodTemplates(objects)].filter((t): t is PodTemplate => t !== undefined);
  const ownerKey = (t: PodTemplate) => `${t.owner.kind}|${nsOf(t.owner)}|${t.owner.metadata.name}`;
  const portsOf = (t: PodTemplate): Port[] => containersOf(t.spec).filter((c) => c.field === 'containers')
    .flatMap((c) => (c.container.ports ?? []).map((p: any) => ({ port: p.containerPort, name: p.name, protocol: p.protocol ?? 'TCP' })));
  const servers = pods.filter((t) => !['Job', 'CronJob', 'Pod'].includes(t.owner.kind));
  const workloadNode = (t: PodTemplate) => {
    const containers = containersOf(t.spec).filter((c) => c.field === 'containers').map((c) => c.container.name);
    const operator = t.owner.apiVersion?.startsWith('postgresql.cnpg.io/') ? `pods of ${t.owner.kind === 'Pooler' ? 'PgBouncer' : 'PostgreSQL'}, made by CloudNativePG`
      : containers.length > 1 ? `containers ${containers.join(', ')}` : undefined;
    return node(ownerKey(t), 'workload', [`${t.owner.kind} ${t.owner.metadata.name}`, ...(operator ? [operator] : [])].join('\n'));
  };

  // Services and how their ports reach a pod's container ports.
  const services = of('Service');
  const servicesOf = (t: PodTemplate) => services.filter((s) => nsOf(s) === nsOf(t.owner) && Object.keys(s.spec?.selector ?? {}).length > 0 && matchLabels(s.spec.selector, t.labels));
  const exposes = (s: KObject, p: Port) => (s.spec?.ports ?? []).some((sp: any) => (sp.protocol ?? 'TCP') === p.protocol
    && (sp.targetPort === undefined ? sp.port === p.port : sp.targetPort === p.port || (p.name !== undefined && sp.targetPort === p.name)));

  // NetworkPolicies: which allow a flow from pods A to port P of pods B (both ends), and by which policies.
  const policies = of('NetworkPolicy');
  const types = (np: KObject): string[] => np.spec?.policyTypes ?? (np.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  const selects = (np: KObject, t: PodTemplate) => nsOf(np) === nsOf(t.owner) && matchSelector(np.spec?.podSelector ?? {}, t.labels);
  const nsLabels = (ns: string | undefined) => ({ ...(byName('Namespace', undefined, ns ?? '')?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns ?? '' });
  const peerIs = (peer: any, npNs: string | undefined, t: PodTemplate) => {
    if (peer.ipBlock) return false;
    if (peer.namespaceSelector) return matchSelector(peer.namespaceSelector, nsLabels(nsOf(t.owner))) && (!peer.podSelector || matchSelector(peer.podSelector, t.labels));
    return nsOf(t.owner) === npNs && matchSelector(peer.podSelector ?? {}, t.labels);
  };
  const portOk = (ports: any[] | undefined, p: Port) => !ports?.length || ports.some((rp) => (rp.protocol ?? 'TCP') === p.protocol
    && (rp.port === undefined || rp.port === p.port || (p.name !== undefined && rp.port === p.name) || (typeof rp.port === 'number' && rp.endPort >= p.port && p.port >= rp.port)));
  const side = (dir: 'Egress' | 'Ingress', selected: PodTemplate, peer: PodTemplate, p: Port): string[] | undefined => {
    const mine = policies.filter((np) => types(np).includes(dir) && selects(np, selected));
    if (mine.length === 0) return [];
    const field = dir === 'Egress' ? 'egress' : 'ingress';
    const peers = dir === 'Egress' ? 'to' : 'from';
    const ok = mine.filter((np) => (np.spec?.[field] ?? []).some((r: any) => (!r[peers]?.length || r[peers].some((x: any) => peerIs(x, nsOf(np), peer))) && portOk(r.ports, p)));
    return ok.length ? ok.map((np) => `${np.metadata.name} (${field})`) : undefined;
  };
  const allowed = (a: PodTemplate, b: PodTemplate, p: Port): string[] | undefined => {
    const out = side('Egress', a, b, p);
    const inn = side('Ingress', b, a, p);
    return out && inn ? [...out, ...inn] : undefined;
  };

  const browser = node('client', 'client', 'Browser\nthe internet');

  // The edge: Gateways, or the Ingress controller of each class.
  const entries: { service: KObject; edgeId: string; label: string; why: string }[] = [];
  for (const gw of of('Gateway').filter((g) => String(g.apiVersion).startsWith('gateway.networking.k8s.io/'))) {
    const id = node(`Gateway|${nsOf(gw)}|${gw.metadata.name}`, 'edge', `Gateway ${gw.metadata.name}\nclass ${gw.spec?.gatewayClassName ?? '?'}`);
    const byListener = new Map<string, string[]>();
    for (const l of gw.spec?.listeners ?? []) {
      const k = `${l.protocol} :${l.port}`;
      byListener.set(k, [...(byListener.get(k) ?? []), l.hostname ?? '*']);
    }
    for (const [k, hosts] of byListener) edge(browser, id, `${k}: ${list(hosts)}`, `Gateway ${gw.metadata.name} listeners`);
    for (const r of of('HTTPRoute').filter((x) => (x.spec?.parentRefs ?? []).some((p: any) => (p.kind ?? 'Gateway') === 'Gateway' && p.name === gw.metadata.name && (p.namespace ?? nsOf(x)) === nsOf(gw)))) {
      for (const rule of r.spec?.rules ?? []) {
        const refs = (rule.backendRefs ?? []).filter((b: any) => (b.kind ?? 'Service') === 'Service');
        for (const b of refs) {
          const svc = byName('Service', b.namespace ?? nsOf(r), b.name);
          if (!svc) continue;
          const weight = refs.length > 1 ? `, weight ${b.weight ?? 1}` : '';
          entries.push({ service: svc, edgeId: id, label: `${list(r.spec?.hostnames ?? ['*'])} :${b.port}${weight}`, why: `HTTPRoute ${r.metadata.name}` });
        }
      }
    }
  }
  const ingressClass = (i: KObject) => i.spec?.ingressClassName ?? i.metadata.annotations?.['kubernetes.io/ingress.class'] ?? 'default';
  const ingresses = of('Ingress');
  for (const cls of uniq(ingresses.map(ingressClass))) {
    const mine = ingresses.filter((i) => ingressClass(i) === cls);
    const id = node(`IngressClass|${cls}`, 'edge', `Ingress controller\nclass ${cls}`);
    const tlsHosts = uniq(mine.flatMap((i) => (i.spec?.tls ?? []).flatMap((t: any) => t.hosts ?? [])));
    const plainHosts = uniq(mine.flatMap((i) => (i.spec?.rules ?? []).map((r: any) => r.host ?? '*'))).filter((h) => !tlsHosts.includes(h));
    const names = `Ingress ${list(mine.map((i) => i.metadata.name))}`;
    if (tlsHosts.length) edge(browser, id, `HTTPS :443: ${list(tlsHosts)}`, names);
    if (plainHosts.length) edge(browser, id, `HTTP :80: ${list(plainHosts)}`, names);
    for (const i of mine) {
      const target = (b: any, host: string) => {
        const svc = b?.service?.name ? byName('Service', nsOf(i), b.service.name) : undefined;
        if (svc) entries.push({ service: svc, edgeId: id, label: `${host} :${b.service.port?.number ?? b.service.port?.name}`, why: `Ingress ${i.metadata.name}` });
      };
      if (i.spec?.defaultBackend) target(i.spec.defaultBackend, '*');
      for (const r of i.spec?.rules ?? []) for (const p of r.http?.paths ?? []) target(p.backend, r.host ?? '*');
    }
  }
  // Argo Rollouts makes the canary Ingress from the stable one (ingress-nginx): the canary Service behind the same hosts.
  for (const ro of of('Rollout')) {
    const c = ro.spec?.strategy?.canary;
    const stable = c?.trafficRouting?.nginx?.stableIngress;
    const ing = stable ? byName('Ingress', nsOf(ro), stable) : undefined;
    const canarySvc = c?.canaryService ? byName('Service', nsOf(ro), c.canaryService) : undefined;
    if (!ing || !canarySvc) continue;
    const hosts = (ing.spec?.rules ?? []).map((r: any) => r.host ?? '*');
    entries.push({ service: canarySvc, edgeId: ids.get(`IngressClass|${ingressClass(ing)}`)!, label: `${list(hosts)}: canary Ingress, weight set by Argo Rollouts`, why: `Rollout ${ro.metadata.name} (trafficRouting.nginx.stableIngress ${stable})` });
  }

  // Edge → Service → workload, and the workloads the edge reaches.
  const reached: PodTemplate[] = [];
  const reach = (t: PodTemplate) => { if (!reached.includes(t)) reached.push(t); };
  for (const e of entries) {
    const s = e.service;
    const sid = node(`Service|${nsOf(s)}|${s.metadata.name}`, 'service', `Service ${s.metadata.name}`);
    edge(e.edgeId, sid, e.label, e.why);
    for (const t of servers.filter((x) => servicesOf(x).includes(s))) {
      // A named targetPort is shown as the container port it names.
      const ports = (s.spec?.ports ?? []).map((sp: any) => typeof sp.targetPort === 'string' ? portsOf(t).find((p) => p.name === sp.targetPort)?.port ?? sp.targetPort : sp.targetPort ?? sp.port);
      edge(sid, workloadNode(t), `:${list(ports)}`, `Service ${s.metadata.name} selector`);
      reach(t);
    }
  }
  const entryPods = [...reached];

  // Workload → workload, as the NetworkPolicies allow, from the pods the edge reaches on.
  for (let i = 0; i < reached.length; i++) {
    const a = reached[i];
    for (const b of servers) {
      if (b.owner === a.owner) continue;
      const hits = portsOf(b).map((p) => ({ p, why: allowed(a, b, p) })).filter((h) => h.why !== undefined);
      if (hits.length === 0) continue;
      const svcs = [...uniq(hits.flatMap((h) => servicesOf(b).filter((s) => exposes(s, h.p)).map((s) => s.metadata.name))), ...operatorServices(b, a)];
      const label = `${uniq(hits.map((h) => `${h.p.protocol} ${h.p.port}`)).join(', ')}${svcs.length ? `\nService${svcs.length > 1 ? 's' : ''} ${svcs.join(', ')}` : ''}`;
      edge(workloadNode(a), workloadNode(b), label, `NetworkPolicy ${list(hits.flatMap((h) => h.why!))}`);
      reach(b);
    }
  }

  // Outside the cluster: the ipBlock egress of the pods the edge reaches.
  for (const a of entryPods) {
    for (const np of policies.filter((x) => types(x).includes('Egress') && selects(x, a))) {
      for (const r of np.spec?.egress ?? []) {
        for (const peer of (r.to ?? []).filter((x: any) => x.ipBlock?.cidr)) {
          const cidr = `${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
          const ports: Port[] = (r.ports ?? []).map((p: any) => ({ port: p.port, protocol: p.protocol ?? 'TCP' }));
          const what = uniq(ports.map((p) => endpointName(a, p.port, objects) ?? WELL_KNOWN[p.port]).filter((x): x is string => !!x));
          const id = node(`outside|${cidr}`, 'outside', `outside the cluster\n${cidr}`);
          edge(workloadNode(a), id, `${ports.length ? ports.map((p) => `${p.protocol} ${p.port}`).join(', ') : 'all ports'}${what.length ? `\n${what.join(', ')}` : ''}`, `NetworkPolicy ${np.metadata.name} (egress)`);
        }
      }
    }
  }

  // Operators (not in dist/) and what they act on.
  const inPicture = (t: PodTemplate) => ids.has(ownerKey(t));
  const usesSecret = (t: PodTemplate, secret: string) => secretNames(t.spec).includes(secret);
  const certManagerEdges: [string, string, string][] = [];
  for (const o of [...of('Gateway'), ...ingresses]) {
    const a = o.metadata.annotations ?? {};
    const issuer = a['cert-manager.io/cluster-issuer'] ? `ClusterIssuer ${a['cert-manager.io/cluster-issuer']}` : a['cert-manager.io/issuer'] ? `Issuer ${a['cert-manager.io/issuer']}` : undefined;
    if (!issuer) continue;
    const secrets = o.kind === 'Gateway' ? (o.spec?.listeners ?? []).flatMap((l: any) => (l.tls?.certificateRefs ?? []).map((c: any) => c.name)) : (o.spec?.tls ?? []).map((t: any) => t.secretName);
    const to = o.kind === 'Gateway' ? ids.get(`Gateway|${nsOf(o)}|${o.metadata.name}`)! : ids.get(`IngressClass|${ingressClass(o)}`)!;
    certManagerEdges.push([to, `TLS ${list(secrets.filter(Boolean))}`, `${o.kind} ${o.metadata.name} (${issuer})`]);
  }
  for (const c of of('Certificate').filter((x) => String(x.apiVersion).startsWith('cert-manager.io/'))) {
    for (const t of pods.filter((x) => inPicture(x) && nsOf(x.owner) === nsOf(c) && usesSecret(x, c.spec?.secretName))) {
      certManagerEdges.push([workloadNode(t), `Certificate ${c.metadata.name}`, `Certificate ${c.metadata.name} (secretName ${c.spec.secretName})`]);
    }
  }
  if (certManagerEdges.length) {
    const cm = node('operator|cert-manager', 'operator', 'cert-manager');
    for (const [to, label, why] of certManagerEdges) edge(cm, to, label, why, 'control');
  }

  const cnpg = objects.filter((o) => String(o.apiVersion).startsWith('postgresql.cnpg.io/') && (o.kind === 'Cluster' || o.kind === 'Pooler'));
  if (cnpg.length) {
    const op = node('operator|cnpg', 'operator', 'CloudNativePG');
    for (const o of cnpg) {
      const t = pods.find((x) => x.owner === o)!;
      const backups = of('ScheduledBackup', nsOf(o)).filter((b) => b.spec?.cluster?.name === o.metadata.name).map((b) => b.metadata.name);
      const what = o.kind === 'Cluster' ? `${o.spec?.instances ?? 1} instances, failover${backups.length ? `, backups (ScheduledBackup ${list(backups)})` : ''}` : `${o.spec?.instances ?? 1} PgBouncer pods, ${o.spec?.type ?? 'rw'}`;
      edge(op, workloadNode(t), what, `${o.kind} ${o.metadata.name}`, 'control');
    }
  }

  const rollouts = of('Rollout');
  if (rollouts.length) {
    const op = node('operator|argo-rollouts', 'operator', 'Argo Rollouts');
    for (const ro of rollouts) {
      const t = pods.find((x) => x.owner === ro)!;
      const c = ro.spec?.strategy?.canary;
      edge(op, workloadNode(t), c ? `canary steps, Services ${list([c.stableService, c.canaryService].filter(Boolean))}` : 'rollout', `Rollout ${ro.metadata.name}`, 'control');
      const plugin = c?.trafficRouting?.plugins?.['argoproj-labs/gatewayAPI'];
      const route = plugin?.httpRoute ? byName('HTTPRoute', plugin.namespace ?? nsOf(ro), plugin.httpRoute) : undefined;
      const gw = route ? (route.spec?.parentRefs ?? []).map((p: any) => ids.get(`Gateway|${p.namespace ?? nsOf(route)}|${p.name}`)).find(Boolean) : undefined;
      if (gw) edge(op, gw, `weights of HTTPRoute ${route!.metadata.name}`, `Rollout ${ro.metadata.name} (Gateway API plugin)`, 'control');
      const stable = c?.trafficRouting?.nginx?.stableIngress ? byName('Ingress', nsOf(ro), c.trafficRouting.nginx.stableIngress) : undefined;
      if (stable) edge(op, ids.get(`IngressClass|${ingressClass(stable)}`)!, `canary Ingress from ${stable.metadata.name}`, `Rollout ${ro.metadata.name} (trafficRouting.nginx)`, 'control');
    }
  }

  const externalSecrets = of('ExternalSecret');
  if (externalSecrets.length) {
    const stores = uniq(externalSecrets.map((e) => `${e.spec?.secretStoreRef?.kind ?? 'SecretStore'} ${e.spec?.secretStoreRef?.name}`));
    const made = new Set(externalSecrets.map((e) => `${nsOf(e)}|${e.spec?.target?.name ?? e.metadata.name}`));
    const users = pods.filter(inPicture).map((t) => ({ t, secrets: secretNames(t.spec).filter((s) => made.has(`${nsOf(t.owner)}|${s}`)) })).filter((u) => u.secrets.length);
    if (users.length) {
      const op = node('operator|external-secrets', 'operator', `External Secrets\n${stores.join(', ')}`);
      for (const u of users) edge(op, workloadNode(u.t), `Secret ${list(u.secrets)}`, `ExternalSecret ${list(externalSecrets.filter((e) => u.secrets.includes(e.spec?.target?.name ?? e.metadata.name)).map((e) => e.metadata.name))}`, 'control');
    }
  }

  const scrapes: [string, string, string][] = [];
  for (const m of of('ServiceMonitor')) {
    const ports = (m.spec?.endpoints ?? []).map((e: any) => e.port ?? e.targetPort);
    const nsSel = m.spec?.namespaceSelector;
    const svcs = services.filter((s) => (nsSel?.any || (nsSel?.matchNames ?? [nsOf(m)]).includes(nsOf(s))) && matchSelector(m.spec?.selector, s.metadata.labels ?? {}));
    for (const s of svcs) for (const t of pods.filter((x) => inPicture(x) && servicesOf(x).includes(s))) scrapes.push([workloadNode(t), `:${list(ports)}`, `ServiceMonitor ${m.metadata.name} (Service ${s.metadata.name})`]);
  }
  for (const m of of('PodMonitor')) {
    const ports = (m.spec?.podMetricsEndpoints ?? []).map((e: any) => e.port ?? e.targetPort);
    for (const t of pods.filter((x) => inPicture(x) && nsOf(x.owner) === nsOf(m) && matchSelector(m.spec?.selector, x.labels))) scrapes.push([workloadNode(t), `:${list(ports)}`, `PodMonitor ${m.metadata.name}`]);
    // The proxies Envoy Gateway runs for a Gateway carry its name and namespace as labels (drawn at the Gateway).
    const sel = m.spec?.selector?.matchLabels ?? {};
    const gw = sel['gateway.envoyproxy.io/owning-gateway-name'] ? ids.get(`Gateway|${sel['gateway.envoyproxy.io/owning-gateway-namespace']}|${sel['gateway.envoyproxy.io/owning-gateway-name']}`) : undefined;
    if (gw) scrapes.push([gw, `:${list(ports)} of its Envoy proxies`, `PodMonitor ${m.metadata.name} (gateway.envoyproxy.io/owning-gateway-name)`]);
  }
  if (scrapes.length) {
    const op = node('operator|prometheus', 'operator', 'Prometheus');
    for (const [to, label, why] of scrapes) edge(op, to, `scrapes ${label}`, why, 'control');
  }

  return { nodes, edges: [...edges.values()].map((e) => ({ from: e.from, to: e.to, label: e.labels.join('\n'), why: e.why.join('; '), type: e.type })) };
}

/**
 * The Service CloudNativePG makes that a client `from` reaches the pods `t` through, per its documentation
 * (service management, connection pooling): a Pooler's is named as the Pooler; a Cluster's are `<name>-rw` (the
 * primary), `-ro` and `-r`, and a Pooler connects through the one of its `type` (rw by default). None for other workloads.
 */
function operatorServices(t: PodTemplate, from: PodTemplate): string[] {
  if (!String(t.owner.apiVersion).startsWith('postgresql.cnpg.io/')) return [];
  const type = from.owner.kind === 'Pooler' && String(from.owner.apiVersion).startsWith('postgresql.cnpg.io/') ? from.owner.spec?.type ?? 'rw' : 'rw';
  return [`${t.owner.kind === 'Pooler' ? t.owner.metadata.name : `${t.owner.metadata.name}-${type}`} (made by CloudNativePG)`];
}

/** The Secrets a pod spec names (env, envFrom, volumes, projected volumes, image pull secrets). */
function secretNames(spec: Record<string, any>): string[] {
  const out: string[] = [];
  for (const c of containersOf(spec)) {
    for (const e of c.container.env ?? []) if (e.valueFrom?.secretKeyRef?.name) out.push(e.valueFrom.secretKeyRef.name);
    for (const e of c.container.envFrom ?? []) if (e.secretRef?.name) out.push(e.secretRef.name);
  }
  for (const v of spec.volumes ?? []) {
    if (v.secret?.secretName) out.push(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) if (s.secret?.name) out.push(s.secret.name);
  }
  for (const s of spec.imagePullSecrets ?? []) if (s?.name) out.push(s.name);
  return uniq(out);
}

/**
 * What a workload connects to on `port`, from a connection URL it is given (an env value, or a ConfigMap key its
 * env reads): `PostgreSQL db.example:5432`, `Redis protocol (TLS) cache.example:6379`.
 */
function endpointName(t: PodTemplate, port: number, objects: KObject[]): string | undefined {
  const values: string[] = [];
  for (const c of containersOf(t.spec)) {
    for (const e of c.container.env ?? []) {
      if (typeof e.value === 'string') values.push(e.value);
      const ref = e.valueFrom?.configMapKeyRef;
      const cm = ref ? objects.find((o) => o.kind === 'ConfigMap' && nsOf(o) === nsOf(t.owner) && o.metadata.name === ref.name) : undefined;
      if (cm?.data?.[ref.key] !== undefined) values.push(String(cm.data[ref.key]));
    }
  }
  const schemes: Record<string, string> = { postgresql: 'PostgreSQL', postgres: 'PostgreSQL', redis: 'Redis protocol', rediss: 'Redis protocol (TLS)' };
  for (const v of values) {
    const m = v.match(/^([a-z]+):\/\/(?:[^@/]*@)?([^:/?]+):(\d+)/);
    if (m && Number(m[3]) === port && schemes[m[1]]) return `${schemes[m[1]]} ${m[2]}`;
  }
  return undefined;
}

const STYLES: Record<FlowGroup, string> = {
  client: 'fill:#f3f4f6,stroke:#374151',
  edge: 'fill:#dcfce7,stroke:#15803d',
  service: 'fill:#ecfeff,stroke:#0e7490',
  workload: 'fill:#dbeafe,stroke:#1d4ed8',
  outside: 'fill:#fef3c7,stroke:#b45309,stroke-dasharray:4 3',
  operator: 'fill:#f5f3ff,stroke:#6d28d9',
};

const label = (s: string) => s.split('\n').map(mermaidText).join('<br/>');

/** The Mermaid flowchart: traffic left to right, operators in their own box with dotted arrows. */
export function requestFlowMermaid(f: RequestFlow): string {
  const lines = ['flowchart LR'];
  for (const n of f.nodes.filter((x) => x.group !== 'operator')) lines.push(`  ${n.id}["${label(n.label)}"]`);
  const ops = f.nodes.filter((x) => x.group === 'operator');
  if (ops.length) {
    lines.push('  subgraph operators["operators (installed in the cluster, not in dist/)"]');
    for (const n of ops) lines.push(`    ${n.id}["${label(n.label)}"]`);
    lines.push('  end');
  }
  for (const e of f.edges) lines.push(`  ${e.from} ${e.type === 'control' ? '-.->' : '-->'}|"${label(e.label)}"| ${e.to}`);
  for (const [group, style] of Object.entries(STYLES)) {
    const members = f.nodes.filter((n) => n.group === group).map((n) => n.id);
    if (members.length) lines.push(`  classDef ${group} ${style}`, `  class ${members.join(',')} ${group}`);
  }
  return lines.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, '<br/>');

/** docs/request-flow.md: one section per environment, its picture and the same arrows as a table with their evidence. */
export function requestFlowPage(envs: Map<string, KObject[]>): string {
  const names = [...envs.keys()].sort();
  const out = [
    '# Request flow, per environment',
    '',
    `<!-- generated from dist/ by \`npm run docs\` (${GENERATED_MARK}); do not edit -->`,
    '',
    'Where a browser\'s request goes and what serves it, drawn from the YAML in `dist/<env>/` (not from the config), so it',
    'is what is deployed. Solid arrows are traffic: browser → edge (listeners and hosts) → the Services the routes name →',
    'the workloads they select → what those workloads may reach. A workload-to-workload arrow is drawn only where the',
    'NetworkPolicies allow it at both ends (egress of the source, ingress of the target), with the ports and the Services',
    'exposing them; "outside the cluster" is the `ipBlock` egress of the workloads behind the edge (a managed database or',
    'cache), named by the connection URL the workload is given, or else by the port\'s well-known service. Dotted arrows:',
    'the operators (installed separately, not in `dist/`) and what they act on. The table under each picture gives the',
    'objects every arrow comes from. Every object and reference: [deployed-objects/](deployed-objects/README.md).',
    '',
    ...names.map((e) => `- [${e}](#${e})`),
    '',
  ];
  for (const env of names) {
    const f = requestFlow(envs.get(env)!);
    const name = new Map(f.nodes.map((n) => [n.id, n.label.replace(/\n/g, ' · ')]));
    out.push(`## ${env}`, '', '```mermaid', requestFlowMermaid(f), '```', '',
      '| from | to | what | from the objects |', '| --- | --- | --- | --- |',
      ...f.edges.map((e) => `| ${cell(name.get(e.from)!)} | ${cell(name.get(e.to)!)} | ${cell(e.label)} | ${cell(e.why)} |`), '');
  }
  return out.join('\n');
}

/** The page's path → text. */
export function requestFlowDocs(envs: Map<string, KObject[]>): Map<string, string> {
  return new Map([['docs/request-flow.md', requestFlowPage(envs)]]);
}

/** What the generated page says of its origin (lib/docs/dist-pages.ts replaces only pages that say it). */
export const GENERATED_MARK = 'lib/docs/request-flow.ts';
