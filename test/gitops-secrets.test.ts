/** Secrets without values: ExternalSecrets (AWS Secrets Manager with IRSA, Azure Key Vault with workload identity) or pre-created Secrets. */
import * as fs from 'fs';
import * as path from 'path';
import { IRSA_ANNOTATION, AZURE_CLIENT_ID_ANNOTATION, AZURE_TENANT_ID_ANNOTATION } from '../charts/external-secrets';
import { ConfigError, type Environment } from '../lib/config';
import { toYaml } from '../lib/output/write';
import { withSecretsSection } from '../lib/docs/secrets';
import { precreateCommands, secretSourcesOf } from '../lib/config/secret-sources';
import { loadCrds, validateCustomResource } from '../lib/validate/crd-schema';
import { configEnvironments, environment, environments, find, inlineEnvironment, objectsOf, podSpecs, FIXTURES, ROOT } from './helpers';

/** Every Secret name and key the pods read (env, envFrom, volumes). A key of `*` means: the whole Secret. */
function referencedSecrets(objects: Record<string, any>[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (name: string, key: string) => { if (!out.has(name)) out.set(name, new Set()); out.get(name)!.add(key); };
  for (const { spec } of podSpecs(objects)) {
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      // An optional key is absent normally and the pod starts without it (Redis's previous-password, only
      // during a password rotation: docs/cache.md); it need not be produced.
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) add(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
      for (const e of c.envFrom ?? []) if (e.secretRef) add(e.secretRef.name, '*');
    }
    for (const v of spec.volumes ?? []) {
      if (v.secret) for (const k of v.secret.items?.map((i: any) => i.key) ?? ['*']) add(v.secret.secretName, k);
      for (const s of v.projected?.sources ?? []) if (s.secret) for (const k of s.secret.items?.map((i: any) => i.key) ?? ['*']) add(s.secret.name, k);
    }
  }
  return out;
}

const staging = () => fs.readFileSync(path.join(FIXTURES, 'staging.yaml'), 'utf8');
const production = () => fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8');

describe('the environments\' choices', () => {
  test('production: external-secrets from AWS Secrets Manager; staging: Azure Key Vault; onprem: pre-created', () => {
    expect(environment('production').config.secretsProvider).toMatchObject({ type: 'external-secrets', store: { backend: 'aws-secrets-manager' } });
    expect(environment('staging').config.secretsProvider).toMatchObject({ type: 'external-secrets', store: { backend: 'azure-key-vault' } });
    expect(environment('onprem').config.secretsProvider.type).toBe('precreated');
  });
});

describe.each(environments().filter((e) => e.config.secretsProvider.type === 'external-secrets').map((e) => [e.name, e] as const))('%s (external-secrets)', (_n, env) => {
  const objects = objectsOf(env);
  const p = env.config.secretsProvider;

  test('every Secret a pod reads is produced by an ExternalSecret with that name and those keys, from the store', () => {
    const refs = referencedSecrets(objects);
    expect(refs.size).toBeGreaterThanOrEqual(3);
    for (const name of ['db-secrets', 'app-secrets', 'redis-secrets']) expect(refs.has(name)).toBe(true);
    for (const [name, keys] of refs) {
      const es = find(objects, 'ExternalSecret', name);
      expect(es.__file).toBe(`${env.name}/05-secrets.yaml`);
      expect(es.spec.target).toEqual({ name, creationPolicy: 'Owner', deletionPolicy: 'Retain' });
      expect(es.spec.refreshInterval).toBe(p.refreshInterval);
      expect(es.spec.secretStoreRef).toEqual({ kind: p.store.kind, name: p.store.name });
      if (es.spec.dataFrom) {
        // Every property of the remote JSON (a Secret with keys that exist only at times, the Redis rotation's
        // previous password): the remote secret must hold the declared keys (docs/secrets.md says which).
        expect(es.spec.dataFrom).toEqual([{ extract: { key: `pensioen-${env.name}-${name}` } }]);
        const source = secretSourcesOf(env).find((x) => x.name === name)!;
        for (const k of keys) if (k !== '*') expect(source.keys).toContain(k);
        continue;
      }
      const produced = es.spec.data.map((d: any) => d.secretKey);
      for (const k of keys) if (k !== '*') expect(produced).toContain(k);
      for (const d of es.spec.data) expect(d.remoteRef.key).toBe(`pensioen-${env.name}-${name}`);
    }
    // No ExternalSecret for something nobody references.
    const declared = new Set(secretSourcesOf(env).map((s) => s.name));
    for (const es of objects.filter((o) => o.kind === 'ExternalSecret')) expect(declared.has(es.metadata.name)).toBe(true);
    // And no Secret object (a value) anywhere.
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('the store authenticates as a ServiceAccount with a cloud identity, without a mounted token', () => {
    const sa = find(objects, 'ServiceAccount', p.store.serviceAccountName);
    expect(sa.automountServiceAccountToken).toBe(false);
    const store = find(objects, p.store.kind, p.store.name);
    if (p.store.backend === 'aws-secrets-manager') {
      expect(sa.metadata.annotations[IRSA_ANNOTATION]).toBe(p.store.aws!.roleArn);
      expect(store.spec.provider.aws).toEqual({ service: 'SecretsManager', region: p.store.aws!.region, auth: { jwt: { serviceAccountRef: { name: sa.metadata.name } } } });
    } else {
      expect(sa.metadata.annotations[AZURE_CLIENT_ID_ANNOTATION]).toBe(p.store.azure!.clientId);
      expect(sa.metadata.annotations[AZURE_TENANT_ID_ANNOTATION]).toBe(p.store.azure!.tenantId);
      expect(store.spec.provider.azurekv).toEqual({ authType: 'WorkloadIdentity', vaultUrl: p.store.azure!.vaultUrl, tenantId: p.store.azure!.tenantId, serviceAccountRef: { name: sa.metadata.name } });
    }
    expect(store.apiVersion).toBe('external-secrets.io/v1');
  });
});

describe('pre-created Secrets (onprem)', () => {
  const env = environment('onprem');
  const objects = objectsOf(env);

  test('no 05-secrets.yaml and no secret objects; the docs/secrets.md commands create every Secret a pod reads, with its keys', () => {
    expect(objects.some((o) => o.__file.endsWith('05-secrets.yaml'))).toBe(false);
    expect(objects.filter((o) => ['Secret', 'ExternalSecret', 'SecretStore'].includes(o.kind))).toEqual([]);
    const commands = precreateCommands(env);
    expect(commands[0]).toBe('kubectl create namespace pensioen --dry-run=client -o yaml | kubectl apply -f -');
    // CloudNativePG writes `<cluster>-app` and its CA `<cluster>-ca` itself: they must not be pre-created.
    const operatorMade = new Set(objects.filter((o) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/')).flatMap((o) => [`${o.metadata.name}-app`, `${o.metadata.name}-ca`]));
    for (const name of operatorMade) expect(commands.some((c) => c.includes(`create secret generic ${name} `))).toBe(false);
    for (const [name, keys] of referencedSecrets(objects)) {
      if (operatorMade.has(name)) continue;
      const cmd = commands.find((c) => c.startsWith(`kubectl -n ${env.config.namespace} create secret generic ${name} `));
      // The backend's database role is a basic-auth Secret (CloudNativePG's managed roles require the type).
      if (env.config.database.cloudnativePg?.appRole.passwordSecret === name) expect(cmd).toContain(`${name} --type=kubernetes.io/basic-auth --from-literal=username=${env.config.database.cloudnativePg.appRole.name} `);
      // A kubernetes.io/tls Secret (a CA Issuer's; the smoke test mounts its tls.crt) is created from files.
      const tls = commands.find((c) => c.startsWith(`kubectl -n ${env.config.namespace} create secret tls ${name} `));
      expect(cmd ?? tls).toBeDefined();
      if (!cmd) continue;
      for (const k of keys) if (k !== '*') expect(cmd).toContain(` --from-literal=${k}=`);
    }
  });

  test('docs/secrets.md prints exactly the generated commands (fix: `npm run docs`)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'docs', 'secrets.md'), 'utf8');
    expect(withSecretsSection(readme, configEnvironments()) === readme ? 'up to date' : 'stale: run `npm run docs`').toBe('up to date');
    for (const c of precreateCommands(env)) expect(readme).toContain(c);
  });
});

describe('configuration', () => {
  test('a store without its backend settings fails with the key path', () => {
    const text = `${production()}`.replace(/    aws:\n      region: .*\n      roleArn: .*\n/, '');
    expect(() => inlineEnvironment('production', text)).toThrow(ConfigError);
    try { inlineEnvironment('production', text); } catch (e) {
      expect((e as ConfigError).problems).toEqual([expect.stringMatching(/^config\/production\.yaml: secretsProvider\.store\.aws: is required when store\.backend is aws-secrets-manager/)]);
    }
  });

  test('a remoteKeys entry for a Secret nobody references fails, naming the allowed names', () => {
    const env = inlineEnvironment('staging', `${staging()}`.replace('  refreshInterval: 15m\n', '  refreshInterval: 15m\n  remoteKeys:\n    db-secret: x\n'));
    expect(() => objectsOf(env)).toThrow(ConfigError);
    try { objectsOf(env); } catch (e) {
      expect((e as ConfigError).problems[0]).toMatch(/^config\/staging\.yaml: secretsProvider\.remoteKeys\.db-secret: no Secret of that name is referenced \(allowed: (alertmanager-[a-z-]+, )*app-secrets, db-secrets/);
    }
  });

  test('remoteKeys and remoteKeyPrefix name the remote secrets; a Secret with several keys reads JSON properties', () => {
    const env = inlineEnvironment('staging', `${staging()}`
      .replace('  refreshInterval: 15m\n', '  refreshInterval: 15m\n  remoteKeyPrefix: pensioen/staging/\n  remoteKeys:\n    db-secrets: shared-postgres-url\n')
      .replace('secretsProvider:', 'secrets:\n  redis: { name: app-secrets, key: redis-password }\nsecretsProvider:'));
    const objects = objectsOf(env);
    expect(find(objects, 'ExternalSecret', 'db-secrets').spec.data).toEqual([{ secretKey: 'connection-string', remoteRef: { key: 'shared-postgres-url' } }]);
    // app-secrets also holds the Redis password, whose rotation adds a property for a while: every property.
    expect(find(objects, 'ExternalSecret', 'app-secrets').spec.dataFrom).toEqual([{ extract: { key: 'pensioen/staging/app-secrets' } }]);
    const multi = objectsOf(inlineEnvironment('staging', `${staging()}`
      .replace('  refreshInterval: 15m\n', '  refreshInterval: 15m\n  remoteKeyPrefix: pensioen/staging/\n')
      .replace('secretsProvider:', 'secrets:\n  monitoringDatabase: { name: app-secrets, key: dsn }\nsecretsProvider:')));
    expect(find(multi, 'ExternalSecret', 'app-secrets').spec.data).toEqual([
      { secretKey: 'dsn', remoteRef: { key: 'pensioen/staging/app-secrets', property: 'dsn' } },
      { secretKey: 'secret-key', remoteRef: { key: 'pensioen/staging/app-secrets', property: 'secret-key' } },
    ]);
  });

  test('a ClusterSecretStore is limited to the namespace and names the ServiceAccount\'s namespace', () => {
    const env: Environment = inlineEnvironment('staging', staging().replace('    backend: azure-key-vault', '    kind: ClusterSecretStore\n    backend: azure-key-vault'));
    const objects = objectsOf(env);
    const store = find(objects, 'ClusterSecretStore', 'pensioen-secret-store');
    expect(store.metadata.namespace).toBeUndefined();
    expect(store.spec.conditions).toEqual([{ namespaces: ['pensioen'] }]);
    expect(store.spec.provider.azurekv.serviceAccountRef).toEqual({ name: 'external-secrets-reader', namespace: 'pensioen' });
    expect(find(objects, 'ExternalSecret', 'db-secrets').spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'pensioen-secret-store' });
  });
});

test('every store variant (AWS or Azure, SecretStore or ClusterSecretStore) validates strictly against the External Secrets CRDs', () => {
  const registry = loadCrds(path.join(ROOT, 'crds'));
  const variants = [
    inlineEnvironment('production', production()),
    inlineEnvironment('production', production().replace('    kind: SecretStore', '    kind: ClusterSecretStore')),
    inlineEnvironment('staging', staging()),
    inlineEnvironment('staging', staging().replace('    backend: azure-key-vault', '    kind: ClusterSecretStore\n    backend: azure-key-vault')),
  ];
  const kinds = new Set<string>();
  for (const env of variants) {
    for (const { __file, ...o } of objectsOf(env).filter((x) => x.apiVersion.startsWith('external-secrets.io/'))) {
      const crd = registry.get(`${o.apiVersion}/${o.kind}`);
      expect(crd).toBeDefined();
      expect({ o: `${env.name} ${o.kind}/${o.metadata.name}`, findings: validateCustomResource(o, crd!) }).toEqual({ o: `${env.name} ${o.kind}/${o.metadata.name}`, findings: [] });
      kinds.add(`${o.kind} ${o.spec.provider ? Object.keys(o.spec.provider)[0] : ''}`);
    }
  }
  expect([...kinds].sort()).toEqual(['ClusterSecretStore aws', 'ClusterSecretStore azurekv', 'ExternalSecret ', 'SecretStore aws', 'SecretStore azurekv']);
});

test('snapshot of production 05-secrets.yaml', () => {
  const objs = objectsOf('production').filter((o) => o.__file === 'production/05-secrets.yaml').map(({ __file, ...o }) => o);
  expect(toYaml(objs)).toMatchSnapshot();
});
