/** Reference rules of the validation gate: what objects name must be in the output (or declared in config). */
import { contextOf, externalSecretsOf } from '../lib/validate';
import type { K8sObject } from '../lib/validate/types';
import { environment } from './helpers';
import { CRD_DIR, backendPod, findingsAfter, pick, productionContext } from './validate-fixtures';

const has = (lines: string[], prefix: string, rule: string, text?: string) =>
  lines.some((l) => l.startsWith(`${prefix} ${rule}:`) && (text === undefined || l.includes(text)));
const expectRule = (lines: string[], prefix: string, rule: string, text?: string) => {
  expect({ rule, found: has(lines, prefix, rule, text), lines }).toEqual(expect.objectContaining({ found: true }));
};
const secretEnv = (name: string, key: string) => ({ name: 'X', valueFrom: { secretKeyRef: { name, key } } });

test('ref-service-selector: a Service whose selector matches no pod template', () => {
  expectRule(findingsAfter((o) => { pick(o, 'Service', 'frontend-service').spec.selector.app = 'nope'; }), 'Service/frontend-service', 'ref-service-selector');
});

test('ref-ingress-backend: unknown Service, unknown port number, unknown port name', () => {
  const backendOf = (o: K8sObject[]) => pick(o, 'Ingress', 'pensioen-ingress').spec.rules[0].http.paths[0].backend.service;
  expectRule(findingsAfter((o) => { backendOf(o).name = 'gone'; }), 'Ingress/pensioen-ingress', 'ref-ingress-backend', 'Service gone');
  expectRule(findingsAfter((o) => { backendOf(o).port = { number: 9999 }; }), 'Ingress/pensioen-ingress', 'ref-ingress-backend', 'no port 9999');
  expectRule(findingsAfter((o) => { backendOf(o).port = { name: 'nope' }; }), 'Ingress/pensioen-ingress', 'ref-ingress-backend', 'no port nope');
});

test('ref-ingress-backend: a port given by name that the Service has is fine', () => {
  const lines = findingsAfter((o) => {
    const svc = pick(o, 'Service', 'backend-service');
    pick(o, 'Ingress', 'pensioen-ingress').spec.rules[0].http.paths[0].backend.service.port = { name: svc.spec.ports[0].name };
  });
  expect(has(lines, 'Ingress/pensioen-ingress', 'ref-ingress-backend')).toBe(false);
});

test('ref-hpa-target: the HPA scales a Deployment that is not there', () => {
  expectRule(findingsAfter((o) => { pick(o, 'HorizontalPodAutoscaler', 'backend-hpa').spec.scaleTargetRef.name = 'gone'; }), 'HorizontalPodAutoscaler/backend-hpa', 'ref-hpa-target');
});

test('ref-pdb-target: the PDB selects no pods', () => {
  expectRule(findingsAfter((o) => { pick(o, 'PodDisruptionBudget', 'frontend-pdb').spec.selector.matchLabels.app = 'nope'; }), 'PodDisruptionBudget/frontend-pdb', 'ref-pdb-target');
});

test('ref-statefulset-service: missing Service, and a Service that is not headless', () => {
  expectRule(findingsAfter((o) => { pick(o, 'StatefulSet', 'redis').spec.serviceName = 'gone'; }), 'StatefulSet/redis', 'ref-statefulset-service', 'not in the output');
  const sts = (o: K8sObject[]) => pick(o, 'StatefulSet', 'redis').spec.serviceName;
  expectRule(findingsAfter((o) => { delete pick(o, 'Service', sts(o)).spec.clusterIP; }), 'StatefulSet/redis', 'ref-statefulset-service', 'not headless');
});

describe('ref-secret', () => {
  test('a Secret neither in the output nor declared in config', () => {
    expectRule(findingsAfter((o) => { backendPod(o).container.env.push(secretEnv('unknown-secret', 'k')); }), 'Deployment/backend', 'ref-secret', 'unknown-secret');
  });
  test('a declared external Secret with a key config does not declare', () => {
    expectRule(findingsAfter((o) => { backendPod(o).container.env.push(secretEnv('db-secrets', 'password')); }), 'Deployment/backend', 'ref-secret', 'no key password');
  });
  test('envFrom, volumes, projected volumes and imagePullSecrets are checked', () => {
    const lines = findingsAfter((o) => {
      const p = backendPod(o);
      p.container.envFrom = [{ secretRef: { name: 'from-env' } }];
      p.spec.volumes.push({ name: 's', secret: { secretName: 'from-volume' } });
      p.spec.volumes.push({ name: 'p', projected: { sources: [{ secret: { name: 'from-projected' } }] } });
      p.spec.imagePullSecrets = [{ name: 'from-pull' }];
    });
    for (const n of ['from-env', 'from-volume', 'from-projected', 'from-pull']) expectRule(lines, 'Deployment/backend', 'ref-secret', n);
  });
  test('a Secret in the output (with the key) is fine; a missing key is not', () => {
    const add = (o: K8sObject[]) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'inline', namespace: 'pensioen' }, data: { a: 'eA==' } });
    expect(has(findingsAfter((o) => { add(o); backendPod(o).container.env.push(secretEnv('inline', 'a')); }), 'Deployment/backend', 'ref-secret')).toBe(false);
    expectRule(findingsAfter((o) => { add(o); backendPod(o).container.env.push(secretEnv('inline', 'b')); }), 'Deployment/backend', 'ref-secret', 'no key b');
  });
  test('an optional reference is not required', () => {
    const lines = findingsAfter((o) => { backendPod(o).container.env.push({ name: 'X', valueFrom: { secretKeyRef: { name: 'maybe', key: 'k', optional: true } } }); });
    expect(has(lines, 'Deployment/backend', 'ref-secret')).toBe(false);
  });
  test('a Secret an ExternalSecret in the output creates is fine', () => {
    const lines = findingsAfter((o) => {
      o.push({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'es', namespace: 'pensioen' }, spec: { target: { name: 'synced' }, data: [{ secretKey: 'k', remoteRef: { key: 'r' } }] } });
      backendPod(o).container.env.push(secretEnv('synced', 'k'));
    });
    expect(has(lines, 'Deployment/backend', 'ref-secret')).toBe(false);
  });
  test('without config (npm run validate on a tree without config), the external Secrets are unknown', () => {
    const dropSynced = (o: K8sObject[]) => { for (let i = o.length - 1; i >= 0; i--) if (o[i].kind === 'ExternalSecret') o.splice(i, 1); };
    const lines = findingsAfter(dropSynced, contextOf(undefined, CRD_DIR));
    expectRule(lines, 'Deployment/backend', 'ref-secret', 'db-secrets');
  });
});

describe('ref-configmap', () => {
  test('a ConfigMap that is not in the output', () => {
    expectRule(findingsAfter((o) => { backendPod(o).spec.volumes.push({ name: 'c', configMap: { name: 'gone' } }); }), 'Deployment/backend', 'ref-configmap', 'gone');
  });
  test('a key the ConfigMap does not have (env, volume items, projected)', () => {
    const lines = findingsAfter((o) => {
      const p = backendPod(o);
      p.container.env.push({ name: 'Y', valueFrom: { configMapKeyRef: { name: 'redis-config', key: 'NOPE_ENV' } } });
      p.spec.volumes.push({ name: 'c', configMap: { name: 'redis-config', items: [{ key: 'NOPE_VOL', path: 'x' }] } });
      p.spec.volumes.push({ name: 'q', projected: { sources: [{ configMap: { name: 'redis-config', items: [{ key: 'NOPE_PROJ', path: 'y' }] } }] } });
    });
    for (const k of ['NOPE_ENV', 'NOPE_VOL', 'NOPE_PROJ']) expectRule(lines, 'Deployment/backend', 'ref-configmap', `no key ${k}`);
  });
  test('envFrom of a missing ConfigMap', () => {
    expectRule(findingsAfter((o) => { backendPod(o).container.envFrom = [{ configMapRef: { name: 'gone' } }]; }), 'Deployment/backend', 'ref-configmap', 'gone');
  });
});

test('ref-service-account: a ServiceAccount that is not in the output', () => {
  expectRule(findingsAfter((o) => { backendPod(o).spec.serviceAccountName = 'gone'; }), 'Deployment/backend', 'ref-service-account');
});

test('ref-networkpolicy-selector: a podSelector that selects nothing (an empty one always selects)', () => {
  const lines = findingsAfter((o) => {
    o.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'stale', namespace: 'pensioen' }, spec: { podSelector: { matchLabels: { app: 'gone' } }, policyTypes: ['Ingress'] } });
    o.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'all', namespace: 'pensioen' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  });
  expectRule(lines, 'NetworkPolicy/stale', 'ref-networkpolicy-selector');
  expect(has(lines, 'NetworkPolicy/all', 'ref-networkpolicy-selector')).toBe(false);
});

test('ref-networkpolicy-selector: cert-manager\'s ACME solver pods count when an Ingress uses an HTTP-01 issuer', () => {
  const lines = findingsAfter((o) => { for (const i of o.filter((x) => x.kind === 'Ingress')) delete i.metadata.annotations['cert-manager.io/cluster-issuer']; });
  expectRule(lines, 'NetworkPolicy/acme-http01-solver', 'ref-networkpolicy-selector');
});

describe('ref-monitor-selector', () => {
  const monitor = (o: K8sObject[], selector: Record<string, string>, port: string) => o.push({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'sm', namespace: 'pensioen' },
    spec: { selector: { matchLabels: selector }, endpoints: [{ port }] },
  });
  const podMonitor = (o: K8sObject[], selector: Record<string, string>, port: string) => o.push({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'pm', namespace: 'pensioen' },
    spec: { selector: { matchLabels: selector }, podMetricsEndpoints: [{ port }] },
  });
  const svc = (o: K8sObject[]) => pick(o, 'Service', 'backend-service');
  test('a ServiceMonitor that selects no Service, or a Service without the named port', () => {
    expectRule(findingsAfter((o) => monitor(o, { app: 'gone' }, 'http')), 'ServiceMonitor/sm', 'ref-monitor-selector', 'selects no Service');
    expectRule(findingsAfter((o) => monitor(o, svc(o).metadata.labels, 'nope')), 'ServiceMonitor/sm', 'ref-monitor-selector', 'port nope');
  });
  test('a ServiceMonitor that selects the Service and its named port is fine', () => {
    const lines = findingsAfter((o) => monitor(o, svc(o).metadata.labels, svc(o).spec.ports[0].name));
    expect(lines.filter((l) => l.startsWith('ServiceMonitor/sm'))).toEqual([]);
  });
  test('a PodMonitor that selects no pod, or a pod without the named container port', () => {
    const labels = (o: K8sObject[]) => backendPod(o).deployment.spec.selector.matchLabels;
    expectRule(findingsAfter((o) => podMonitor(o, { app: 'gone' }, 'http')), 'PodMonitor/pm', 'ref-monitor-selector', 'selects no pod');
    expectRule(findingsAfter((o) => podMonitor(o, labels(o), 'nope')), 'PodMonitor/pm', 'ref-monitor-selector', 'port nope');
    expect(findingsAfter((o) => podMonitor(o, labels(o), backendPod(o).container.ports[0].name)).filter((l) => l.startsWith('PodMonitor/pm'))).toEqual([]);
  });
});

test('externalSecretsOf lists every secrets.* entry of config, with its key', () => {
  const prod = environment('production').config;
  const config = { ...prod, secrets: { ...prod.secrets, database: { name: 'db', key: 'url' } } };
  expect(externalSecretsOf(config)).toEqual(expect.arrayContaining([
    { name: 'db', keys: ['url'], declaredBy: ['secrets.database'] },
    { name: 'app-secrets', keys: ['secret-key'], declaredBy: ['secrets.app'] },
  ]));
  const declared = productionContext().externalSecrets.map((s) => s.name);
  for (const [id, ref] of Object.entries(prod.secrets)) expect({ id, declared: declared.includes((ref as { name: string }).name) }).toEqual({ id, declared: true });
});
