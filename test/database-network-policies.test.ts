/**
 * NetworkPolicies of PostgreSQL in cloudnative-pg mode, one test per flow: backend -> PgBouncer,
 * PgBouncer -> instances, instance <-> instance (replication), the operator -> instances (status 8000,
 * PostgreSQL 5432), Prometheus -> metrics, instances -> object store and API server, DNS; and no
 * managed-database CIDR egress.
 */
import { cnpgEnv, cnpgOverrides } from './database-helpers';
import { find, objectsOf } from './helpers';
import { matchSelector } from '../lib/validate/workloads';

const objects = objectsOf('onprem');
const np = (name: string) => find(objects, 'NetworkPolicy', name).spec;
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));
const ns = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
const instances = { matchExpressions: [{ key: 'cnpg.io/cluster', operator: 'In', values: ['pensioen-db'] }, { key: 'cnpg.io/poolerName', operator: 'DoesNotExist' }] };
const poolers = { matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: ['pensioen-db-pooler-rw'] }] };
const backendLabels = () => find(objects, 'Deployment', 'backend').spec.template.metadata.labels;

/** Labels of the pods CloudNativePG creates (pkg/specs in cloudnative-pg 1.30). */
const PODS = {
  instance: { 'cnpg.io/cluster': 'pensioen-db', 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceName': 'pensioen-db-1', 'cnpg.io/instanceRole': 'primary' },
  joinJob: { 'cnpg.io/cluster': 'pensioen-db', 'cnpg.io/jobRole': 'join', 'cnpg.io/instanceName': 'pensioen-db-3' },
  pooler: { 'cnpg.io/poolerName': 'pensioen-db-pooler-rw', 'cnpg.io/cluster': 'pensioen-db', 'cnpg.io/podRole': 'pooler' },
};

test('the selectors: instance pods and the operator\'s Jobs are "instances", PgBouncer pods never are', () => {
  expect(np('pensioen-db-instances').podSelector).toEqual(instances);
  expect(np('pensioen-db-pooler').podSelector).toEqual(poolers);
  expect(matchSelector(instances, PODS.instance)).toBe(true);
  expect(matchSelector(instances, PODS.joinJob)).toBe(true);
  expect(matchSelector(instances, PODS.pooler)).toBe(false);
  expect(matchSelector(poolers, PODS.pooler)).toBe(true);
  expect(matchSelector(poolers, PODS.instance)).toBe(false);
  for (const p of ['pensioen-db-instances', 'pensioen-db-pooler']) expect(np(p).policyTypes).toEqual(['Ingress', 'Egress']);
});

test('backend -> PgBouncer on 5432, and no egress to the managed-database CIDRs', () => {
  const egress = np('backend').egress;
  expect(egress).toContainEqual({ to: [{ podSelector: poolers }], ports: tcp(5432) });
  expect(JSON.stringify(egress)).not.toContain('ipBlock');
  expect(np('pensioen-db-pooler').ingress[0]).toEqual({ from: [{ podSelector: { matchLabels: { app: 'pensioen-backend', 'app.kubernetes.io/name': 'pensioen-backend', 'app.kubernetes.io/instance': 'pensioen-onprem' } } }], ports: tcp(5432) });
  expect(matchSelector(np('pensioen-db-pooler').ingress[0].from[0].podSelector, backendLabels())).toBe(true);
  // No postgres_exporter and its CIDR policy with CloudNativePG.
  expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'postgres-exporter')).toEqual([]);
});

test('migration Job -> PgBouncer on 5432: the same address as the backend, as the migrator (the owner\'s Secret)', () => {
  const job = objects.find((o) => o.kind === 'Job')!;
  const jobLabels = job.spec.template.metadata.labels;
  const rule = np('pensioen-db-pooler').ingress.find((r: any) => matchSelector(r.from[0].podSelector, jobLabels));
  expect(rule.ports).toEqual(tcp(5432));
  expect(find(objects, 'NetworkPolicy', 'backend-migrate').spec.egress).toContainEqual({ to: [{ podSelector: poolers }], ports: tcp(5432) });
  expect(JSON.stringify(find(objects, 'NetworkPolicy', 'backend-migrate').spec.egress)).not.toContain('ipBlock');
  const env = job.spec.template.spec.containers[0].env;
  const backend = find(objects, 'Deployment', 'backend').spec.template.spec.containers[0].env;
  expect(env[2]).toEqual(backend[2]);
  expect(env[0].valueFrom.secretKeyRef.name).toBe('pensioen-db-app');
  expect(backend[0].valueFrom.secretKeyRef.name).toBe('pensioen-db-app-role');
});

test('PgBouncer -> instances on 5432 (egress of the pooler, ingress of the instances)', () => {
  expect(np('pensioen-db-pooler').egress).toContainEqual({ to: [{ podSelector: instances }], ports: tcp(5432) });
  expect(np('pensioen-db-instances').ingress).toContainEqual({ from: [{ podSelector: poolers }], ports: tcp(5432) });
});

test('instance <-> instance: streaming replication 5432 and the status endpoint 8000, both directions', () => {
  expect(np('pensioen-db-instances').ingress).toContainEqual({ from: [{ podSelector: instances }], ports: tcp(5432, 8000) });
  expect(np('pensioen-db-instances').egress).toContainEqual({ to: [{ podSelector: instances }], ports: tcp(5432, 8000) });
});

test('the operator\'s namespace (its pods) -> instances on 8000 and 5432; the namespace follows the config', () => {
  expect(np('pensioen-db-instances').ingress).toContainEqual({
    from: [{ ...ns('cnpg-system'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' } } }], ports: tcp(8000, 5432),
  });
  const other = objectsOf(cnpgEnv(cnpgOverrides({ operatorNamespace: 'postgres-operator', operatorPodLabels: { app: 'cnpg' } })));
  expect(find(other, 'NetworkPolicy', 'pensioen-db-instances').spec.ingress).toContainEqual({
    from: [{ ...ns('postgres-operator'), podSelector: { matchLabels: { app: 'cnpg' } } }], ports: tcp(8000, 5432),
  });
});

test('Prometheus -> instance metrics 9187 and PgBouncer metrics 9127, from the monitoring namespace only', () => {
  expect(np('pensioen-db-instances').ingress).toContainEqual({ from: [{ ...ns('monitoring'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: tcp(9187) });
  expect(np('pensioen-db-pooler').ingress).toContainEqual({ from: [{ ...ns('monitoring'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: tcp(9127) });
  const off = objectsOf(cnpgEnv({ monitoring: { enabled: false } }));
  expect(JSON.stringify(find(off, 'NetworkPolicy', 'pensioen-db-instances').spec.ingress)).not.toContain('9187');
});

test('instances -> object store (CIDR and port from config) and the API server; DNS for both', () => {
  const eg = np('pensioen-db-instances').egress;
  expect(eg).toContainEqual({ to: [{ ipBlock: { cidr: '192.168.50.20/32' } }], ports: tcp(443) });
  const api = { to: ['192.168.10.11/32', '192.168.10.12/32', '192.168.10.13/32'].map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(6443) };
  expect(eg).toContainEqual(api);
  expect(np('pensioen-db-pooler').egress).toContainEqual(api);
  for (const p of ['pensioen-db-instances', 'pensioen-db-pooler']) {
    expect(np(p).egress[0]).toEqual({
      to: [{ ...ns('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    });
  }
  const other = objectsOf(cnpgEnv(cnpgOverrides({ apiServerPort: 443, backup: { objectStore: { egressCidrs: ['172.16.0.0/16'], egressPort: 9000 } } })));
  const otherEg = find(other, 'NetworkPolicy', 'pensioen-db-instances').spec.egress;
  expect(otherEg).toContainEqual({ to: [{ ipBlock: { cidr: '172.16.0.0/16' } }], ports: tcp(9000) });
  expect(otherEg).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: tcp(443) });
});

test('nothing else: exactly these rules', () => {
  expect(np('pensioen-db-instances').ingress).toHaveLength(4);
  expect(np('pensioen-db-instances').egress).toHaveLength(4);
  expect(np('pensioen-db-pooler').ingress).toHaveLength(3);
  expect(np('pensioen-db-pooler').egress).toHaveLength(3);
});

test('a recovery Cluster is covered by the same policies', () => {
  const rec = objectsOf(cnpgEnv(cnpgOverrides({ recovery: { enabled: true } })));
  expect(find(rec, 'NetworkPolicy', 'pensioen-db-instances').spec.podSelector.matchExpressions[0].values).toEqual(['pensioen-db', 'pensioen-db-restore']);
  expect(find(rec, 'NetworkPolicy', 'pensioen-db-pooler').spec.podSelector.matchExpressions[0].values).toEqual(['pensioen-db-pooler-rw', 'pensioen-db-restore-pooler-rw']);
  expect(find(rec, 'NetworkPolicy', 'backend').spec.egress).toContainEqual({
    to: [{ podSelector: { matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: ['pensioen-db-pooler-rw', 'pensioen-db-restore-pooler-rw'] }] } }], ports: tcp(5432),
  });
});
