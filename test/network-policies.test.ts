import { find, objectsOf } from './helpers';
import { fixtureWith } from './security-helpers';

const objects = objectsOf('production');
const np = (name: string) => find(objects, 'NetworkPolicy', name).spec;
const backendSel = find(objects, 'Deployment', 'backend').spec.selector.matchLabels;

test('default deny of all ingress and egress in the namespace', () => {
  expect(np('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
});

test('backend: reachable from the ingress controller, Prometheus, the frontend (server-side rendering) and the smoke test Job on 8000 only', () => {
  const b = np('backend');
  expect(b.podSelector).toEqual({ matchLabels: backendSel });
  expect(b.ingress).toEqual([
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8000 }] },
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: 8000 }] },
    { from: [{ podSelector: { matchLabels: np('frontend').podSelector.matchLabels } }], ports: [{ protocol: 'TCP', port: 8000 }] },
    { from: [{ podSelector: { matchLabels: np('smoke-test').podSelector.matchLabels } }], ports: [{ protocol: 'TCP', port: 8000 }] },
  ]);
});

test('backend: egress to DNS, Redis 6379/26379 and PostgreSQL 5432 at the configured CIDR', () => {
  const [dns, redis, pg] = np('backend').egress;
  expect(dns.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  expect(dns.to[0].podSelector.matchLabels).toEqual({ 'k8s-app': 'kube-dns' });
  expect(redis.ports).toEqual([{ protocol: 'TCP', port: 6379 }, { protocol: 'TCP', port: 26379 }]);
  expect(redis.to[0].podSelector).toEqual({
    matchLabels: { 'app.kubernetes.io/instance': np('backend').podSelector.matchLabels['app.kubernetes.io/instance'] },
    matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['redis', 'redis-proxy'] }],
  });
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

describe('least privilege (docs/security.md)', () => {
  const prod = (change: object) => objectsOf(fixtureWith('production', change));
  const refusal = (change: object) => () => fixtureWith('production', change);
  const policy = (o: Record<string, any>[], name: string) => find(o, 'NetworkPolicy', name).spec;

  test('the frontend reaches DNS and the backend only; more HTTPS targets are explicit host CIDRs, never the internet', () => {
    expect(policy(objects, 'frontend').egress.flatMap((e: any) => e.to)).not.toContainEqual(expect.objectContaining({ ipBlock: expect.anything() }));
    const withApi = policy(prod({ network: { frontendEgressCidrs: ['203.0.113.10/32'] } }), 'frontend');
    expect(withApi.egress).toContainEqual({ to: [{ ipBlock: { cidr: '203.0.113.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    for (const all of ['0.0.0.0/0', '::/0']) {
      expect(refusal({ network: { frontendEgressCidrs: [all] } })).toThrow(/network\.frontendEgressCidrs\[0\]: must not be the whole internet/);
    }
  });

  test('only Prometheus pods of the monitoring namespace scrape, by their labels, on the metrics ports only', () => {
    const o = prod({ network: { prometheusPodLabels: { prometheus: 'k8s' } } });
    const scrapers = o.filter((x) => x.kind === 'NetworkPolicy').flatMap((x) => (x.spec.ingress ?? []).flatMap((r: any) => (r.from ?? [])
      .filter((f: any) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring')
      .map((f: any) => ({ policy: x.metadata.name, pods: f.podSelector, ports: r.ports.map((p: any) => p.port) }))));
    expect(scrapers.length).toBeGreaterThanOrEqual(3); // backend, postgres-exporter, redis
    for (const s of scrapers) expect(s.pods).toEqual({ matchLabels: { prometheus: 'k8s' } });
    expect(scrapers.find((s) => s.policy === 'postgres-exporter')!.ports).toEqual([9187]);
    expect(refusal({ network: { prometheusPodLabels: {} } })).toThrow(/network\.prometheusPodLabels: must name at least one label/);
  });

  test('with backend.metricsPort Prometheus reaches the metrics port, never the API port', () => {
    const b = policy(prod({ backend: { metricsPort: 9000 } }), 'backend');
    const fromPrometheus = b.ingress.filter((r: any) => r.from.some((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus'));
    expect(fromPrometheus.map((r: any) => r.ports)).toEqual([[{ protocol: 'TCP', port: 9000 }]]);
  });
});
