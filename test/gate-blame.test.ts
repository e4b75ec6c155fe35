/**
 * Every gate finding names the config key its value came from: the migration Job's values are `migrations`'s,
 * CloudNativePG names are the cluster name's, only the DNS egress rule is `network.dnsPodLabels`, and a finding
 * with no finer key names the section that built its file. Union errors of the config list what is allowed.
 * In-process, on hand-made objects and inline configs.
 */
import { ConfigError, parseConfig } from '../lib/config';
import { apiServerFindings, configKeyOf, sectionOfFile } from '../lib/validate/apiserver';
import { withSectionBlame } from '../lib/validate';
import type { Finding } from '../lib/validate/types';

const job = {
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { name: 'backend-migrate-1-0-0-193a4416', namespace: 'p', labels: { 'app.kubernetes.io/name': 'pensioen-backend-migrate', 'app.kubernetes.io/component': 'migration' } },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'r.example.nl/pensioen-backend:1.0.0', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] } } },
};

test('a migration Job resource is blamed on migrations.resources, not backend.resources', () => {
  const f = apiServerFindings(job).filter((x) => /resources/.test(x.message));
  expect(f.length).toBeGreaterThan(0);
  for (const x of f) expect(x.configKey).toBe('migrations.resources');
});

test('a CloudNativePG pooler label in a NetworkPolicy egress selector is blamed on the cluster name, not network.dnsPodLabels', () => {
  const np = {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'backend', namespace: 'p' },
    spec: {
      podSelector: {}, policyTypes: ['Egress'],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': '-dns-' } } }], ports: [{ protocol: 'UDP', port: 53 }] },
        { to: [{ podSelector: { matchLabels: { 'cnpg.io/poolerName': `${'x'.repeat(60)}-pooler-rw` } } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      ],
    },
  };
  const keys = apiServerFindings(np).map((x) => [x.message.split(':')[0], x.configKey]);
  expect(keys).toContainEqual(['spec.egress[1].to[0].podSelector.matchLabels["cnpg.io/poolerName"]', 'database.cloudnativePg.clusterName (or recovery.clusterName)']);
  expect(keys).toContainEqual(['spec.egress[0].to[0].podSelector.matchLabels["k8s-app"]', 'network.dnsPodLabels']);
});

test('a CloudNativePG object\'s name is the cluster name; its image the imageName', () => {
  const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: '1db' } };
  expect(configKeyOf(cluster, 'metadata.name')).toBe('database.cloudnativePg.clusterName (or recovery.clusterName)');
});

test('a finding without a finer key names the section of its file', () => {
  const f: Finding = { kind: 'ScheduledBackup', namespace: 'p', name: 'db-daily', rule: 'schema-type', message: 'x' };
  const [blamed] = withSectionBlame([f], [{ path: 'onprem/08-database.yaml', objects: [{ kind: 'ScheduledBackup', metadata: { name: 'db-daily', namespace: 'p' } }] }]);
  expect(blamed.configKey).toBe('database (08-database.yaml)');
  expect(sectionOfFile('argocd/apps/onprem.yaml')).toBe('gitops (argocd/apps/onprem.yaml)');
  expect(withSectionBlame([{ ...f, configKey: 'database.cloudnativePg.backup.schedule' }], [])[0].configKey).toBe('database.cloudnativePg.backup.schedule');
});

describe('union errors list what is allowed', () => {
  const problems = (issuers: unknown) => {
    try {
      parseConfig('config/x.yaml', JSON.stringify({ registry: 'r.example.nl/x', certManager: { email: 'a@b.nl', issuers }, ingress: { clusterIssuer: 'x' }, network: { databaseCidrs: ['10.0.0.0/8'] } }));
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };
  test('an unknown issuer type: the value and the allowed types, not the whole object', () => {
    expect(problems([{ name: 'x', type: 'acme' }])).toEqual(['config/x.yaml: certManager.issuers[0].type: got "acme" (allowed: "acme-http01", "acme-dns01", "ca", "vault", "platform-owned")']);
  });
  test('an unknown DNS-01 provider, and a missing type', () => {
    expect(problems([{ name: 'x', type: 'acme-dns01', dns01: { provider: 'bind' } }])).toEqual(['config/x.yaml: certManager.issuers[0].dns01.provider: got "bind" (allowed: "route53", "azureDNS", "cloudflare", "rfc2136")']);
    expect(problems([{ name: 'x' }])).toEqual(['config/x.yaml: certManager.issuers[0].type: is required (allowed: "acme-http01", "acme-dns01", "ca", "vault", "platform-owned")']);
  });
});
