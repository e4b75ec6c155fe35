/**
 * docs/deployed-objects/: edge extraction on small hand-made objects, Mermaid safety of labels and ids, and the
 * committed pages equal to what the YAML in dist/ gives (and to what synth writes from its objects).
 */
import * as fs from 'fs';
import { matchSelector } from '../lib/validate/workloads';
import * as path from 'path';
import { deployedObjectsDocs, mermaidText, toMermaid } from '../lib/docs/deployed-objects';
import { buildGraph, type Graph, type KObject, kindFromField } from '../lib/docs/object-graph';
import { environmentsOfDist, isGeneratedPage, readDist } from '../lib/docs/dist-pages';
import { ROOT } from './helpers';
import { checkMermaidFlowchart } from './mermaid-syntax';

const ns = 'app';
const meta = (name: string, labels?: Record<string, string>) => ({ name, namespace: ns, ...(labels ? { labels } : {}) });
const deployment = (name: string, labels: Record<string, string>, podSpec: Record<string, any> = {}): KObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(name),
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image: 'x:1' }], ...podSpec } } },
});
const service = (name: string, selector: Record<string, string>, port = 80): KObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec: { selector, ports: [{ port }] },
});

/** Edges as `Kind name -> Kind name: label` (type `flow` shown as `~>`). */
function edges(g: Graph): string[] {
  const n = new Map(g.nodes.map((x) => [x.id, x.kind === 'pods' ? x.name : `${x.kind} ${x.name}`]));
  return g.edges.map((e) => `${n.get(e.from)} ${e.type === 'flow' ? '~>' : '->'} ${n.get(e.to)}: ${e.label}`).sort();
}

describe('edge extraction', () => {
  test('a Service selects the Deployment whose pod labels match its selector, and only that one', () => {
    const g = buildGraph([deployment('api', { app: 'api', tier: 'web' }), deployment('worker', { app: 'worker' }), service('api', { app: 'api' }, 8000)]);
    expect(edges(g)).toEqual(['Service api -> Deployment api: selects 8000']);
  });

  test('a Service whose selector matches no workload points at a dashed pods node', () => {
    const g = buildGraph([service('ghost', { app: 'none' })]);
    expect(edges(g)).toEqual(['Service ghost -> pods app=none: selects 80']);
    expect(g.nodes.find((x) => x.kind === 'pods')!.note).toBe('no workload in dist/ has these labels');
  });

  test('HPA → scaleTargetRef, PDB → workload by matchExpressions, StatefulSet → governing Service', () => {
    const sts: KObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'),
      spec: { serviceName: 'db-headless', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db' }] } } } };
    const g = buildGraph([
      deployment('api', { app: 'api' }), sts, service('db-headless', { app: 'db' }, 5432),
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('api-hpa'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' } } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('db-pdb'), spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'cache'] }] } } },
    ]);
    expect(edges(g)).toEqual([
      'HorizontalPodAutoscaler api-hpa -> Deployment api: scaleTargetRef',
      'PodDisruptionBudget db-pdb -> StatefulSet db: selects',
      'Service db-headless -> StatefulSet db: selects 5432',
      'StatefulSet db -> Service db-headless: serviceName (governing)',
    ]);
  });

  test('workload → Secret and ConfigMap through secretKeyRef, configMapKeyRef, envFrom, volumes, projected volumes, imagePullSecrets', () => {
    const g = buildGraph([deployment('api', { app: 'api' }, {
      serviceAccountName: 'api',
      imagePullSecrets: [{ name: 'registry' }],
      containers: [{ name: 'api', env: [{ name: 'DB', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }, { name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'x' } } }],
        envFrom: [{ secretRef: { name: 'extra' } }] }],
      volumes: [{ name: 'c', configMap: { name: 'files' } }, { name: 's', secret: { secretName: 'certs' } },
        { name: 'p', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }] } }],
    }), { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: {} }]);
    expect(edges(g)).toEqual([
      'Deployment api -> ConfigMap files: volume',
      'Deployment api -> ConfigMap proj-cm: projected volume',
      'Deployment api -> ConfigMap settings: env',
      'Deployment api -> Secret certs: volume',
      'Deployment api -> Secret db: env',
      'Deployment api -> Secret extra: envFrom',
      'Deployment api -> Secret proj-secret: projected volume',
      'Deployment api -> Secret registry: imagePullSecret',
      'Deployment api -> ServiceAccount api: serviceAccount',
    ]);
    // in the output: a node of its file; referenced only: a dashed node
    const node = (kind: string, name: string) => g.nodes.find((x) => x.kind === kind && x.name === name)!;
    expect(node('ConfigMap', 'settings').note).toBeUndefined();
    expect(node('Secret', 'db').note).toBe('not in dist/');
  });

  test('NetworkPolicy flows: ingress from a namespace and from pods, egress to DNS and a CIDR, with ports; the policy selects its pods', () => {
    const np: KObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('api'), spec: {
      podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }, { podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 8000 }] }],
      egress: [
        { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        { to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ port: 5432 }] },
        {},
      ],
    } };
    const g = buildGraph([deployment('api', { app: 'api' }), deployment('web', { app: 'web' }), np]);
    expect(edges(g)).toEqual([
      'Deployment api ~> 10.0.0.0/24: api: TCP 5432',
      'Deployment api ~> anywhere: api: all ports',
      'Deployment api ~> namespaces all: pods k8s-app=kube-dns: api: UDP 53, TCP 53',
      'Deployment web ~> Deployment api: api: TCP 8000',
      'NetworkPolicy api -> Deployment api: selects',
      'namespace ingress ~> Deployment api: api: TCP 8000',
    ]);
  });

  test('a default-deny policy (empty podSelector, no rules) selects every pod and allows nothing', () => {
    const g = buildGraph([deployment('api', { app: 'api' }), { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }]);
    expect(edges(g)).toEqual([`NetworkPolicy deny -> all pods in ${ns}: selects`]);
  });

  test('Ingress → Service (host, path, port), TLS Secret issued by cert-manager, ClusterIssuer by annotation', () => {
    const g = buildGraph([service('web', { app: 'web' }), {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { ...meta('web'), annotations: { 'cert-manager.io/cluster-issuer': 'le' } },
      spec: { tls: [{ hosts: ['a.example'], secretName: 'web-tls' }], rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    }, { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le' }, spec: {} }]);
    expect(edges(g)).toEqual(['Ingress web -> ClusterIssuer le: issuer (annotation)', 'Ingress web -> Secret web-tls: tls', 'Ingress web -> Service web: a.example/ :80', 'Service web -> pods app=web: selects 80']);
    expect(g.nodes.find((x) => x.name === 'web-tls')!.note).toBe('issued by cert-manager (le)');
  });

  test('Gateway API: HTTPRoute → Gateway (parentRefs) and → Service (backendRefs); Gateway → certificate Secret', () => {
    const g = buildGraph([service('api', { app: 'api' }),
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: meta('edge'), spec: { gatewayClassName: 'eg', listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'edge-tls' }] } }] } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta('api'), spec: { parentRefs: [{ name: 'edge', sectionName: 'https' }], rules: [{ backendRefs: [{ name: 'api', port: 8000 }] }] } },
    ]);
    expect(edges(g)).toEqual(['Gateway edge -> Secret edge-tls: certificateRefs', 'HTTPRoute api -> Gateway edge: parentRefs', 'HTTPRoute api -> Service api: backendRefs', 'Service api -> pods app=api: selects 80']);
  });

  test('ServiceMonitor → the Services its selector matches (labels of the Service, not the pods), with the port; PodMonitor → pods', () => {
    const svc = { ...service('api', { app: 'api' }), metadata: meta('api', { 'app.kubernetes.io/name': 'api' }) };
    const g = buildGraph([deployment('api', { app: 'api' }), svc, service('other', { app: 'api' }),
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta('api'), spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, endpoints: [{ port: 'metrics' }] } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api-pods'), spec: { selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'http' }] } },
    ]);
    expect(edges(g).filter((e) => e.includes('Monitor'))).toEqual(['PodMonitor api-pods -> Deployment api: scrapes http', 'ServiceMonitor api -> Service api: scrapes metrics']);
  });

  test('generic references of kinds landing elsewhere: ExternalSecret, CloudNativePG Cluster and Pooler, unknown kinds as plain nodes', () => {
    const g = buildGraph([
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: meta('db'), spec: { secretStoreRef: { kind: 'SecretStore', name: 'store' }, target: { name: 'db-creds' } } },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta('pg'), spec: { instances: 3, superuserSecret: { name: 'pg-super' }, bootstrap: { initdb: { secret: { name: 'pg-init' } } } } },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: meta('pg-rw'), spec: { cluster: { name: 'pg' }, type: 'rw' } },
      deployment('api', { app: 'api' }, { containers: [{ name: 'api', env: [{ name: 'DB', valueFrom: { secretKeyRef: { name: 'pg-app', key: 'uri' } } }] }] }),
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w'), spec: { size: 3 } },
    ]);
    expect(edges(g)).toEqual([
      'Cluster pg -> Secret pg-app: creates',
      'Cluster pg -> Secret pg-init: secret',
      'Cluster pg -> Secret pg-super: superuserSecret',
      'Deployment api -> Secret pg-app: env',
      'ExternalSecret db -> Secret db-creds: creates',
      'ExternalSecret db -> SecretStore store: secretStoreRef',
      'Pooler pg-rw -> Cluster pg: cluster',
    ]);
    expect(g.nodes.find((x) => x.name === 'pg-app')!.note).toBe('created by Cluster pg');
    const widget = g.nodes.find((x) => x.kind === 'Widget')!;
    expect(widget.note).toBeUndefined(); // an object of the output, drawn plain
    expect(g.edges.some((e) => e.from === widget.id || e.to === widget.id)).toBe(false);
    expect(toMermaid(g)).toContain('["Widget<br/>w"]');
  });

  test('label selectors (the gate\'s matcher): matchLabels, In, NotIn, Exists, DoesNotExist; an empty selector selects everything, none selects nothing', () => {
    const l = { app: 'a', tier: 'web' };
    expect(matchSelector({ matchLabels: { app: 'a' } }, l)).toBe(true);
    expect(matchSelector({ matchLabels: { app: 'b' } }, l)).toBe(false);
    expect(matchSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, l)).toBe(true);
    expect(matchSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, l)).toBe(false);
    expect(matchSelector({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, l)).toBe(false);
    expect(matchSelector({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, l)).toBe(true);
    expect(matchSelector({}, l)).toBe(true);
    expect(matchSelector(undefined, l)).toBe(false);
  });

  test('an unknown selector operator selects nothing, in the gate and in the diagram alike (the API server refuses it)', () => {
    const l = { app: 'a' };
    expect(matchSelector({ matchExpressions: [{ key: 'app', operator: 'Matches', values: ['a'] }] }, l)).toBe(false);
    const pdb = (operator: string) => buildGraph([
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { template: { metadata: { labels: l }, spec: { containers: [{ name: 'c' }] } } } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'n' }, spec: { selector: { matchExpressions: [{ key: 'app', operator, values: ['a'] }] } } },
    ] as any);
    const selects = (g: ReturnType<typeof buildGraph>) => g.edges.some((e) => g.nodes.find((x) => x.id === e.from)?.name === 'p' && g.nodes.find((x) => x.id === e.to)?.name === 'd');
    expect(selects(pdb('In'))).toBe(true);
    expect(selects(pdb('Matches'))).toBe(false);
  });

  test('workloads are the gate\'s: a Rollout is selected; CloudNativePG pods are selected at their Cluster and Pooler; another kind with a pod-like template is not a workload', () => {
    const labels = { app: 'api' };
    const rollout: KObject = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: meta('api'),
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'api' }] } } } };
    const cluster: KObject = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta('pg'), spec: { instances: 2 } };
    const pooler: KObject = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: meta('pg-rw'),
      spec: { cluster: { name: 'pg' }, template: { metadata: { labels: { tier: 'db' } }, spec: { containers: [{ name: 'pgbouncer', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } } } };
    const widget: KObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w'), spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'w' }] } } } };
    const pdb = (name: string, selector: Record<string, any>): KObject => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(name), spec: { selector } });
    const g = buildGraph([rollout, cluster, pooler, widget, service('api', labels, 8000),
      pdb('pooler', { matchLabels: { 'cnpg.io/poolerName': 'pg-rw' } }), pdb('instances', { matchLabels: { 'cnpg.io/cluster': 'pg', 'cnpg.io/podRole': 'instance' } })]);
    expect(edges(g)).toEqual([
      'PodDisruptionBudget instances -> Cluster pg: selects',
      'PodDisruptionBudget pooler -> Pooler pg-rw: selects',
      'Pooler pg-rw -> Cluster pg: cluster',
      'Pooler pg-rw -> Secret s: secretKeyRef',
      'Service api -> Rollout api: selects 8000',
    ]);
  });

  test('kinds inferred from reference field names', () => {
    expect(['issuerRef', 'secretStoreRef', 'serviceAccountRef', 'secretKeyRef', 'configMapKeyRef', 'parentRefs', 'backendRefs', 'certificateRefs', 'privateKeySecretRef', 'cluster']
      .map(kindFromField)).toEqual(['Issuer', 'Secret', 'ServiceAccount', 'Secret', 'ConfigMap', 'Gateway', 'Service', 'Secret', 'Secret', 'Cluster']);
  });
});

describe('Mermaid output', () => {
  test('labels cannot break out of their quotes or inject markup: every risky character becomes an entity code', () => {
    expect(mermaidText('a"b')).toBe('a#34;b');
    expect(mermaidText('<script>|x|`y`#z;')).toBe('#60;script#62;#124;x#124;#96;y#96;#35;z#59;');
    expect(mermaidText('a\nb')).toBe('a b');
    expect(mermaidText('[x]{y}&\\')).toBe('#91;x#93;#123;y#125;#38;#92;');
  });

  test('a hostile name stays inside its label; ids are generated, never taken from names', () => {
    const evil = 'x"] --> y["pwn'; // not a valid Kubernetes name, but the renderer must not care
    const g = buildGraph([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: evil, namespace: ns } }, service('a|b', { app: 'x' })]);
    const text = toMermaid(g);
    expect(text).toContain('n0["ConfigMap<br/>x#34;#93; --#62; y#91;#34;pwn"]');
    expect(text).not.toMatch(/^\s*y\[/m);
    checkMermaidFlowchart(text, 'f\\d+');
  });

  test.each(['onprem', 'production', 'staging'].filter((e) => fs.existsSync(path.join(ROOT, 'dist', e))))('%s: the committed diagram keeps to the flowchart grammar and Mermaid\'s default limits', (env) => {
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'deployed-objects', `${env}.md`), 'utf8');
    const blocks = [...page.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    checkMermaidFlowchart(blocks[0], 'f\\d+');
    expect(blocks[0].length).toBeLessThan(50000); // mermaid maxTextSize
    expect(blocks[0].match(/-->|-\.->/g)!.length).toBeLessThan(500); // mermaid maxEdges
  });
});

describe('docs/deployed-objects/ is current', () => {
  const fromDist = deployedObjectsDocs(environmentsOfDist(readDist(path.join(ROOT, 'dist'))));
  test('one page per environment folder of dist/ (not argocd), plus the index; no page of a removed environment', () => {
    const envs = fs.readdirSync(path.join(ROOT, 'dist')).filter((d) => d !== 'argocd' && fs.statSync(path.join(ROOT, 'dist', d)).isDirectory()).sort();
    expect([...fromDist.keys()].sort()).toEqual(['docs/deployed-objects/README.md', ...envs.map((e) => `docs/deployed-objects/${e}.md`)].sort());
    // Generated pages only (a hand-written note may sit next to them; npm run docs leaves it alone).
    const generated = fs.readdirSync(path.join(ROOT, 'docs', 'deployed-objects')).filter((f) => isGeneratedPage(fs.readFileSync(path.join(ROOT, 'docs', 'deployed-objects', f), 'utf8')));
    expect(generated.sort()).toEqual([...fromDist.keys()].map((f) => path.basename(f)).sort());
  });
  test.each([...fromDist.keys()])('%s equals what dist/ gives (fix: `npm run docs`)', (file) => {
    expect(fs.readFileSync(path.join(ROOT, file), 'utf8') === fromDist.get(file) ? 'up to date' : `${file} is stale: run \`npm run synth && npm run docs\``).toBe('up to date');
  });
  test('every object of dist/<env>/ is a node of its page, and every Service, workload and NetworkPolicy of production has an edge', () => {
    const prod = environmentsOfDist(readDist(path.join(ROOT, 'dist'))).get('production')!;
    const g = buildGraph(prod);
    expect(g.nodes.filter((x) => x.file).length).toBe(prod.length);
    const linked = new Set(g.edges.flatMap((e) => [e.from, e.to]));
    const lonely = g.nodes.filter((x) => x.file && ['Service', 'Deployment', 'StatefulSet', 'NetworkPolicy', 'Ingress', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceMonitor'].includes(x.kind) && !linked.has(x.id));
    expect(lonely.map((x) => `${x.kind} ${x.name}`)).toEqual([]);
  });
});
