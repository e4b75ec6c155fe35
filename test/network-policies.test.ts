import { find, objectsOf } from './helpers';

const objects = objectsOf('production');
const np = (name: string) => find(objects, 'NetworkPolicy', name).spec;
const backendSel = find(objects, 'Deployment', 'backend').spec.selector.matchLabels;

test('default deny of all ingress and egress in the namespace', () => {
  expect(np('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
});

test('backend: reachable from the ingress controller, Prometheus and the frontend (server-side rendering) on 8000 only', () => {
  const b = np('backend');
  expect(b.podSelector).toEqual({ matchLabels: backendSel });
  expect(b.ingress).toEqual([
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8000 }] },
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 8000 }] },
    { from: [{ podSelector: { matchLabels: np('frontend').podSelector.matchLabels } }], ports: [{ protocol: 'TCP', port: 8000 }] },
  ]);
});

test('backend: egress to DNS, Redis 6379/26379 and PostgreSQL 5432 at the configured CIDR', () => {
  const [dns, redis, pg] = np('backend').egress;
  expect(dns.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  expect(dns.to[0].podSelector.matchLabels).toEqual({ 'k8s-app': 'kube-dns' });
  expect(redis.ports).toEqual([{ protocol: 'TCP', port: 6379 }, { protocol: 'TCP', port: 26379 }]);
  expect(redis.to[0].podSelector.matchExpressions[0]).toEqual({ key: 'app.kubernetes.io/component', operator: 'In', values: ['redis', 'redis-proxy'] });
  expect(pg).toEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
});

test('frontend: from the ingress controller on 3000; cert-manager HTTP-01 solver reachable on 8089', () => {
  expect(np('frontend').ingress[0].ports).toEqual([{ protocol: 'TCP', port: 3000 }]);
  expect(np('acme-http01-solver')).toMatchObject({
    podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
    ingress: [{ ports: [{ protocol: 'TCP', port: 8089 }] }],
  });
});

test('snapshot of the network policies', () => {
  expect(objects.filter((o) => o.__file.endsWith('30-network-policies.yaml'))).toMatchSnapshot();
});
