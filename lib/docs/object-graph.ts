/**
 * The graph of each environment's deployed objects, built from the YAML in `dist/<env>/` (never from config):
 * every object is a node, and every way one object points at another is an edge:
 *
 * - Service → workload, PodDisruptionBudget → workload, PodMonitor → workload, NetworkPolicy → workload: by
 *   label selector against the workload's pod template labels (`matchLabels` and `matchExpressions`), with the
 *   gate's pod templates and matcher (lib/validate/workloads.ts): Rollouts are workloads, and the pods
 *   CloudNativePG makes for a Cluster or Pooler are selected at that Cluster or Pooler;
 * - ServiceMonitor → Service: by label selector (and `namespaceSelector`), with the scraped port;
 * - Ingress → Service (backends, with host and path), → Secret (TLS), → (Cluster)Issuer (cert-manager annotation);
 *   HTTPRoute and the other Gateway API routes → Gateway (`parentRefs`) and → Service (`backendRefs`);
 * - HorizontalPodAutoscaler → its `scaleTargetRef`; StatefulSet → its governing (headless) Service;
 * - workload → ConfigMap / Secret / ServiceAccount / PersistentVolumeClaim: `env`, `envFrom`, volumes (projected
 *   too), `imagePullSecrets`, `serviceAccountName`;
 * - NetworkPolicy flows: peer → selected pods (ingress) and selected pods → peer (egress), with the ports;
 * - any other object: every `*Ref` / `*Refs` field with a `name` (kind from the field or inferred from its name:
 *   `issuerRef`, `secretStoreRef`, `serviceAccountRef`, `secretKeyRef`, `parentRefs`, ...), every `secretName`,
 *   every field naming a Secret (`superuserSecret: {name}`) and every field named like a kind in the output
 *   (CloudNativePG Pooler `cluster: {name}` → Cluster); ExternalSecret, Certificate and CloudNativePG Cluster →
 *   the Secrets they create.
 *
 * Referenced objects that are not in `dist/` (pre-created Secrets, pods of other namespaces, CIDRs) are drawn as
 * dashed nodes. Kinds nothing here knows are still drawn, as plain nodes. `npm run docs` writes docs/deployed-objects/
 * (synth writes only dist/); a test fails when it is stale.
 *
 * This file builds the graph; lib/docs/deployed-objects.ts renders it as Markdown and Mermaid, and
 * lib/docs/dist-pages.ts reads dist/ and writes docs/deployed-objects/.
 */
// The gate's pod templates and selector semantics: the same workload kinds (Argo Rollouts' Rollout too), the same
// pods CloudNativePG creates for a Cluster or Pooler, and an unknown operator selecting nothing (the API server refuses it).
import { matchSelector, operatorPodTemplates, podTemplateOf } from '../validate/workloads';

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

export interface GraphNode {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The dist file the object is in. */
  readonly file?: string;
  /** Set only for nodes that are not objects of the output (referenced only): where they come from. */
  readonly note?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** How it points: `selects`, `env`, `backend api.example.nl/`, `TCP 6379`, ... (several joined by ", "). */
  readonly label: string;
  /** `ref`: an object names or selects another; `flow`: traffic a NetworkPolicy allows. */
  readonly type: 'ref' | 'flow';
}

export interface Graph { readonly nodes: GraphNode[]; readonly edges: GraphEdge[] }

/** Kinds whose objects have no namespace (a reference to them ignores the referrer's namespace). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterIssuer', 'ClusterSecretStore', 'ClusterRole', 'ClusterRoleBinding', 'GatewayClass',
  'IngressClass', 'StorageClass', 'PriorityClass', 'CustomResourceDefinition', 'PersistentVolume', 'Node', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'ClusterPolicy']);

const key = (kind: string, namespace: string | undefined, name: string) => `${kind}|${CLUSTER_SCOPED.has(kind) ? '' : namespace ?? ''}|${name}`;

interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }

const isEmptySelector = (sel: LabelSelector | undefined) => !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;

function selectorText(sel: LabelSelector | undefined): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) parts.push(`${e.key} ${e.operator}${e.values ? ` (${e.values.join(', ')})` : ''}`);
  return parts.join(', ') || 'all';
}

/** The kind a reference field points at, from its name: `issuerRef` → Issuer, `secretKeyRef` → Secret, `parentRefs` → Gateway. */
export function kindFromField(field: string): string | undefined {
  const stem = field.replace(/Refs?$/, '').replace(/Key$/, '');
  if (!stem) return undefined;
  if (/secret/i.test(stem)) return 'Secret';
  if (/configmap/i.test(stem)) return 'ConfigMap';
  const defaults: Record<string, string> = { parent: 'Gateway', backend: 'Service', certificate: 'Secret', issuer: 'Issuer', claim: 'PersistentVolumeClaim' };
  return defaults[stem] ?? stem[0].toUpperCase() + stem.slice(1);
}

export const WORKLOAD_ORDER = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

/** Builds the graph of one environment's objects (each may carry `__file`, the dist file it came from). */
export function buildGraph(objects: (KObject & { __file?: string })[]): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, { from: string; to: string; labels: string[]; type: 'ref' | 'flow' }>();
  const byKey = new Map<string, string>();
  let next = 0;
  const newId = () => `n${next++}`;

  for (const o of objects) {
    if (!o?.kind || !o.metadata?.name) continue;
    const k = key(o.kind, o.metadata.namespace, o.metadata.name);
    if (byKey.has(k)) continue;
    const id = newId();
    byKey.set(k, id);
    nodes.set(id, { id, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, file: o.__file });
  }
  const objOf = new Map<string, KObject>();
  for (const o of objects) if (o?.kind && o.metadata?.name) objOf.set(byKey.get(key(o.kind, o.metadata.namespace, o.metadata.name))!, o);

  // Pods: of the workloads' templates, and of the operators' resources (drawn at the Cluster or Pooler that makes them).
  const named = objects.filter((o) => o?.kind && o.metadata?.name);
  const workloads = [...named.map(podTemplateOf), ...operatorPodTemplates(named)].filter((t) => t !== undefined)
    .map((t) => ({ id: byKey.get(key(t.owner.kind, t.owner.metadata.namespace, t.owner.metadata.name))!, o: t.owner as KObject, t }));

  // Secrets created by objects in the output (or, for an Ingress with a cert-manager issuer annotation, by cert-manager).
  const creators = new Map<string, string>();
  const notes = new Map<string, string>();
  for (const o of objects) {
    if (!o?.metadata?.name) continue;
    const ns = o.metadata.namespace;
    const id = byKey.get(key(o.kind, ns, o.metadata.name))!;
    if (o.kind === 'ExternalSecret') creators.set(key('Secret', ns, o.spec?.target?.name ?? o.metadata.name), id);
    if (o.kind === 'Certificate' && o.spec?.secretName) creators.set(key('Secret', ns, o.spec.secretName), id);
    const shim = o.metadata.annotations?.['cert-manager.io/cluster-issuer'] ?? o.metadata.annotations?.['cert-manager.io/issuer'];
    if (shim && o.kind === 'Ingress') for (const t of o.spec?.tls ?? []) if (t.secretName) notes.set(key('Secret', ns, t.secretName), `issued by cert-manager (${shim})`);
    if (o.kind === 'Cluster' && String(o.apiVersion).startsWith('postgresql.cnpg.io/')) {
      for (const s of ['app', 'superuser', 'ca', 'server', 'replication']) creators.set(key('Secret', ns, `${o.metadata.name}-${s}`), id);
    }
  }

  const edge = (from: string, to: string, label: string, type: 'ref' | 'flow' = 'ref') => {
    if (from === to && type === 'ref') return;
    const k = `${type}|${from}|${to}`;
    const e = edges.get(k) ?? { from, to, labels: [], type };
    if (!e.labels.includes(label)) e.labels.push(label);
    edges.set(k, e);
  };
  /** The node of a referenced object: the object in the output, or a dashed node (created by another object, or outside dist/). */
  const target = (kind: string, namespace: string | undefined, name: string): string => {
    const k = key(kind, namespace, name);
    const found = byKey.get(k);
    if (found) return found;
    const id = newId();
    byKey.set(k, id);
    const creator = creators.get(k);
    nodes.set(id, { id, kind, name, namespace: CLUSTER_SCOPED.has(kind) ? undefined : namespace, note: creator ? `created by ${nodes.get(creator)!.kind} ${nodes.get(creator)!.name}` : notes.get(k) ?? 'not in dist/' });
    if (creator) edge(creator, id, 'creates');
    return id;
  };
  /** Selects workloads of `ns` whose pod labels match. */
  const podsSelectedBy = (sel: LabelSelector | undefined, ns: string | undefined) =>
    workloads.filter((w) => w.o.metadata.namespace === ns && matchSelector(sel, w.t.labels));
  /** Pods a selector names that no workload in the output has: one dashed node for the selector. */
  const podsNode = (ns: string | undefined, text: string, note = 'no workload in dist/ has these labels') => {
    const k = key('pods', ns, text);
    const found = byKey.get(k);
    if (found) return found;
    const id = newId();
    byKey.set(k, id);
    nodes.set(id, { id, kind: 'pods', name: text, namespace: ns, note });
    return id;
  };

  for (const o of objects) {
    if (!o?.kind || !o.metadata?.name) continue;
    const ns = o.metadata.namespace;
    const self = byKey.get(key(o.kind, ns, o.metadata.name))!;
    const spec = o.spec ?? {};
    const tmpl = podTemplateOf(o);
    for (const [a, kind] of [['cert-manager.io/cluster-issuer', 'ClusterIssuer'], ['cert-manager.io/issuer', 'Issuer']] as const) {
      const v = o.metadata.annotations?.[a];
      if (v) edge(self, target(kind, ns, v), 'issuer (annotation)');
    }
    if (tmpl) {
      podRefs(tmpl.spec, (kind, name, how) => edge(self, target(kind, ns, name), how));
      if (o.kind === 'StatefulSet' && spec.serviceName) edge(self, target('Service', ns, spec.serviceName), 'serviceName (governing)');
      for (const c of spec.volumeClaimTemplates ?? []) if (c?.spec?.storageClassName) edge(self, target('StorageClass', undefined, c.spec.storageClassName), `volumeClaimTemplate ${c.metadata?.name ?? ''}`.trim());
      continue;
    }
    switch (o.kind) {
      case 'Service': {
        if (!spec.selector || Object.keys(spec.selector).length === 0) break;
        const ports = (spec.ports ?? []).map((p: any) => String(p.port)).join(', ');
        const sel = { matchLabels: spec.selector };
        const hits = podsSelectedBy(sel, ns);
        if (hits.length === 0) edge(self, podsNode(ns, `pods ${selectorText(sel)}`), `selects ${ports}`.trim());
        for (const w of hits) edge(self, w.id, `selects ${ports}`.trim());
        break;
      }
      case 'PodDisruptionBudget':
      case 'PodMonitor': {
        const hits = podsSelectedBy(spec.selector, ns);
        const label = o.kind === 'PodMonitor' ? `scrapes ${(spec.podMetricsEndpoints ?? []).map((e: any) => e.port ?? e.targetPort).join(', ')}` : 'selects';
        if (hits.length === 0) edge(self, podsNode(ns, `pods ${selectorText(spec.selector)}`), label);
        for (const w of hits) edge(self, w.id, label);
        break;
      }
      case 'ServiceMonitor': {
        const nsSel = spec.namespaceSelector;
        const inNs = (s: KObject) => nsSel?.any ? true : nsSel?.matchNames ? nsSel.matchNames.includes(s.metadata.namespace) : s.metadata.namespace === ns;
        const ports = (spec.endpoints ?? []).map((e: any) => e.port ?? e.targetPort).join(', ');
        for (const s of objects.filter((x) => x?.kind === 'Service' && inNs(x) && matchSelector(spec.selector, x.metadata.labels ?? {}))) {
          edge(self, byKey.get(key('Service', s.metadata.namespace, s.metadata.name))!, `scrapes ${ports}`);
        }
        break;
      }
      case 'HorizontalPodAutoscaler': {
        const t = spec.scaleTargetRef;
        if (t?.kind && t?.name) edge(self, target(t.kind, ns, t.name), 'scaleTargetRef');
        break;
      }
      case 'Ingress': {
        const backend = (b: any, where: string) => { if (b?.service?.name) edge(self, target('Service', ns, b.service.name), `${where}${b.service.port?.number ?? b.service.port?.name ? ` :${b.service.port?.number ?? b.service.port?.name}` : ''}`); };
        backend(spec.defaultBackend, 'default backend');
        for (const r of spec.rules ?? []) for (const p of r.http?.paths ?? []) backend(p.backend, `${r.host ?? '*'}${p.path ?? ''}`);
        for (const t of spec.tls ?? []) if (t.secretName) edge(self, target('Secret', ns, t.secretName), 'tls');
        break;
      }
      case 'NetworkPolicy':
        networkPolicy(o, self);
        break;
      default:
        genericRefs(o, self);
    }
  }

  function networkPolicy(o: KObject, self: string): void {
    const ns = o.metadata.namespace;
    const spec = o.spec ?? {};
    const selected = isEmptySelector(spec.podSelector) ? [podsNode(ns, `all pods in ${ns}`, 'every pod of the namespace')]
      : podsSelectedBy(spec.podSelector, ns).map((w) => w.id);
    if (selected.length === 0) selected.push(podsNode(ns, `pods ${selectorText(spec.podSelector)}`));
    for (const s of selected) edge(self, s, 'selects');
    const portsText = (ports: any[] | undefined) => !ports?.length ? 'all ports'
      : ports.map((p) => `${p.protocol ?? 'TCP'} ${p.port ?? 'any'}${p.endPort ? `-${p.endPort}` : ''}`).join(', ');
    const peers = (list: any[] | undefined): string[] => {
      if (!list || list.length === 0) return [podsNode(undefined, 'anywhere', 'any source or destination')];
      return list.flatMap((p: any) => {
        if (p.ipBlock) return [podsNode(undefined, `${p.ipBlock.cidr}${p.ipBlock.except?.length ? ` except ${p.ipBlock.except.join(', ')}` : ''}`, 'IP block')];
        if (p.namespaceSelector) {
          const nsName = p.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'];
          const nsText = nsName && Object.keys(p.namespaceSelector.matchLabels).length === 1 && !p.namespaceSelector.matchExpressions ? `namespace ${nsName}` : `namespaces ${selectorText(p.namespaceSelector)}`;
          return [podsNode(undefined, p.podSelector && !isEmptySelector(p.podSelector) ? `${nsText}: pods ${selectorText(p.podSelector)}` : nsText, 'other namespace')];
        }
        if (p.podSelector) {
          if (isEmptySelector(p.podSelector)) return [podsNode(ns, `all pods in ${ns}`, 'every pod of the namespace')];
          const hits = podsSelectedBy(p.podSelector, ns).map((w) => w.id);
          return hits.length ? hits : [podsNode(ns, `pods ${selectorText(p.podSelector)}`)];
        }
        return [];
      });
    };
    for (const r of spec.ingress ?? []) for (const from of peers(r.from)) for (const to of selected) edge(from, to, `${o.metadata.name}: ${portsText(r.ports)}`, 'flow');
    for (const r of spec.egress ?? []) for (const to of peers(r.to)) for (const from of selected) edge(from, to, `${o.metadata.name}: ${portsText(r.ports)}`, 'flow');
  }

  /** Every reference-shaped field of an object the specific rules above do not know. */
  function genericRefs(o: KObject, self: string): void {
    const ns = o.metadata.namespace;
    const routeNs = (v: any) => v.namespace ?? ns;
    if (o.kind === 'ExternalSecret') edge(self, target('Secret', ns, o.spec?.target?.name ?? o.metadata.name), 'creates');
    const walk = (v: any, field: string, where: string) => {
      if (Array.isArray(v)) { for (const x of v) walk(x, field, where); return; }
      if (v === null || typeof v !== 'object') {
        if (field === 'secretName' && typeof v === 'string') edge(self, target('Secret', ns, v), o.kind === 'Certificate' ? 'creates' : where);
        return;
      }
      if (typeof v.name === 'string' && field) {
        const isRef = /Refs?$/.test(field);
        const kind = v.kind ?? kindFromField(field);
        const existing = kind !== undefined && byKey.has(key(kind, routeNs(v), v.name)) && nodes.get(byKey.get(key(kind, routeNs(v), v.name))!)!.note === undefined;
        if (kind && (isRef || /secret|configmap/i.test(field) || existing)) {
          edge(self, target(kind, kind === 'Secret' || kind === 'ConfigMap' ? ns : routeNs(v), v.name), field);
          return;
        }
      }
      for (const [k, x] of Object.entries(v)) walk(x, k, k);
    };
    for (const [k, v] of Object.entries(o)) if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind' && k !== 'status') walk(v, '', k);
  }

  const nodeList = [...nodes.values()];
  const edgeList = [...edges.values()].map((e) => ({ from: e.from, to: e.to, label: e.labels.join(', '), type: e.type }));
  return { nodes: nodeList, edges: edgeList };
}

/** Calls `ref` for every ConfigMap, Secret, ServiceAccount and PersistentVolumeClaim a pod spec references. */
function podRefs(spec: any, ref: (kind: string, name: string, how: string) => void): void {
  if (spec.serviceAccountName) ref('ServiceAccount', spec.serviceAccountName, 'serviceAccount');
  for (const s of spec.imagePullSecrets ?? []) if (s?.name) ref('Secret', s.name, 'imagePullSecret');
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef?.name) ref('Secret', e.valueFrom.secretKeyRef.name, 'env');
      if (e.valueFrom?.configMapKeyRef?.name) ref('ConfigMap', e.valueFrom.configMapKeyRef.name, 'env');
    }
    for (const e of c.envFrom ?? []) {
      if (e.secretRef?.name) ref('Secret', e.secretRef.name, 'envFrom');
      if (e.configMapRef?.name) ref('ConfigMap', e.configMapRef.name, 'envFrom');
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.secret?.secretName) ref('Secret', v.secret.secretName, 'volume');
    if (v.configMap?.name) ref('ConfigMap', v.configMap.name, 'volume');
    if (v.persistentVolumeClaim?.claimName) ref('PersistentVolumeClaim', v.persistentVolumeClaim.claimName, 'volume');
    for (const s of v.projected?.sources ?? []) {
      if (s.secret?.name) ref('Secret', s.secret.name, 'projected volume');
      if (s.configMap?.name) ref('ConfigMap', s.configMap.name, 'projected volume');
    }
  }
}
