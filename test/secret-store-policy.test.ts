/**
 * The ValidatingAdmissionPolicy that keeps External Secrets in the namespace to the configured store and
 * provider (lib/secrets/store-policy.ts). Its CEL is evaluated with the gate's CEL library against the
 * generated SecretStore and ExternalSecrets (all admitted) and against what a commit could add instead (each
 * refused by its rule). That the API server evaluates VAP CEL the same way (object and request variables,
 * has(), size() and all() on the object's maps) rests on the Kubernetes docs ("Validating Admission Policy").
 */
import { parse, stringify } from 'yaml';
import { find, fixtureText, inlineEnvironment, objectsOf } from './helpers';
import { compileCel } from '../lib/validate/cel';

const resourceOf: Record<string, string> = { SecretStore: 'secretstores', ExternalSecret: 'externalsecrets', PushSecret: 'pushsecrets' };

/** The messages of the policy's validations that refuse this object (empty: admitted). */
function refusals(policy: Record<string, any>, object: Record<string, any>): string[] {
  const request = { resource: { group: 'external-secrets.io', resource: resourceOf[object.kind] } };
  return policy.spec.validations.filter((v: any) => {
    const c = compileCel(v.expression);
    if (!c.ok) throw new Error(`${v.expression}: ${c.error}`);
    return c.run({ object, request }) !== true;
  }).map((v: any) => v.message);
}

const env = (edit?: (doc: Record<string, any>) => void) => {
  const doc = parse(fixtureText('production'));
  edit?.(doc);
  return inlineEnvironment('production', stringify(doc));
};

describe('External Secrets admission policy (AWS Secrets Manager, the production fixture)', () => {
  const objects = objectsOf(env());
  const policy = find(objects, 'ValidatingAdmissionPolicy', 'pensioen-production-external-secrets');
  const store = find(objects, 'SecretStore', 'pensioen-secret-store');
  const secrets = objects.filter((o) => o.kind === 'ExternalSecret');

  test('bound to the namespace, denying, on SecretStores, ExternalSecrets and PushSecrets; every expression compiles', () => {
    const binding = find(objects, 'ValidatingAdmissionPolicyBinding', 'pensioen-production-external-secrets');
    expect(binding.spec).toEqual({
      policyName: 'pensioen-production-external-secrets', validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'pensioen' } } },
    });
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.resourceRules[0].resources).toEqual(['secretstores', 'externalsecrets', 'pushsecrets']);
    for (const v of policy.spec.validations) expect(compileCel(v.expression)).toMatchObject({ ok: true });
  });

  test('the generated store and every generated ExternalSecret are admitted', () => {
    expect(secrets.length).toBeGreaterThan(2);
    for (const o of [store, ...secrets]) expect([o.metadata.name, refusals(policy, o)]).toEqual([o.metadata.name, []]);
  });

  test('what a commit could add instead is refused, each by its rule', () => {
    const kubernetesProvider = { ...store, spec: { provider: { kubernetes: { remoteNamespace: 'other-team', server: { url: 'https://kubernetes.default' }, auth: { token: { bearerToken: { name: 't', key: 't' } } } } } } };
    expect(refusals(policy, kubernetesProvider)).toEqual(expect.arrayContaining(['a SecretStore in pensioen may use only the aws provider (secretsProvider.store.backend aws-secrets-manager)']));
    const twoProviders = { ...store, spec: { provider: { ...store.spec.provider, webhook: { url: 'https://evil.example/x' } } } };
    expect(refusals(policy, twoProviders)).toEqual(['a SecretStore in pensioen may use only the aws provider (secretsProvider.store.backend aws-secrets-manager)']);
    const staticKeys = { ...store, spec: { provider: { aws: { ...store.spec.provider.aws, auth: { secretRef: { accessKeyIDSecretRef: { name: 'aws', key: 'id' }, secretAccessKeySecretRef: { name: 'aws', key: 'secret' } } } } } } };
    expect(refusals(policy, staticKeys)).toEqual(['a SecretStore in pensioen authenticates with workload identity only (Secrets Manager, auth.jwt; no access key Secret)']);
    const otherStore = { ...secrets[0], spec: { ...secrets[0].spec, secretStoreRef: { kind: 'ClusterSecretStore', name: 'platform-vault' } } };
    expect(refusals(policy, otherStore)).toEqual(['an ExternalSecret in pensioen reads only through SecretStore pensioen-secret-store (secretsProvider.store)']);
    const noKind = { ...secrets[0], spec: { ...secrets[0].spec, secretStoreRef: { name: 'pensioen-secret-store' } } };
    expect(refusals(policy, noKind)).toEqual([]);
    const generator = { ...secrets[0], spec: { ...secrets[0].spec, data: undefined, dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Webhook', name: 'x' } } }] } };
    delete generator.spec.data;
    expect(refusals(policy, generator)).toEqual(['an ExternalSecret in pensioen has no per-item sourceRef (another store or a generator)']);
    const itemStore = { ...secrets[0], spec: { ...secrets[0].spec, data: [{ secretKey: 'k', remoteRef: { key: 'k' }, sourceRef: { storeRef: { kind: 'ClusterSecretStore', name: 'platform-vault' } } }] } };
    expect(refusals(policy, itemStore)).toEqual(['an ExternalSecret in pensioen has no per-item sourceRef (another store or a generator)']);
    expect(refusals(policy, { apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret', metadata: { name: 'p' }, spec: {} })).toEqual(['no PushSecret in pensioen: nothing here writes cluster Secrets out to a store']);
  });
});

describe('the policy follows the config', () => {
  test('Azure Key Vault through a ClusterSecretStore: azurekv with workload identity, the ClusterSecretStore by kind and name', () => {
    const objects = objectsOf(env((d) => {
      d.secretsProvider.store = { kind: 'ClusterSecretStore', name: 'pensioen-prod-kv', backend: 'azure-key-vault', azure: { vaultUrl: 'https://pensioen.vault.azure.net', tenantId: '00000000-0000-4000-8000-000000000001', clientId: '00000000-0000-4000-8000-000000000002' } };
    }));
    const policy = find(objects, 'ValidatingAdmissionPolicy', 'pensioen-production-external-secrets');
    for (const o of objects.filter((x) => x.kind === 'ExternalSecret')) expect(refusals(policy, o)).toEqual([]);
    const css = find(objects, 'ClusterSecretStore', 'pensioen-prod-kv');
    const asNamespaced = { ...css, kind: 'SecretStore' };
    expect(refusals(policy, asNamespaced)).toEqual([]);
    expect(refusals(policy, { ...asNamespaced, spec: { provider: { azurekv: { ...css.spec.provider.azurekv, authType: 'ServicePrincipal', authSecretRef: { clientSecret: { name: 's', key: 'k' } } } } } }))
      .toEqual(['a SecretStore in pensioen authenticates with workload identity only (authType WorkloadIdentity; no client secret)']);
    const aws = { ...asNamespaced, spec: { provider: { aws: { service: 'SecretsManager', region: 'eu-central-1', auth: { jwt: { serviceAccountRef: { name: 'x' } } } } } } };
    expect(refusals(policy, aws)).toEqual(expect.arrayContaining(['a SecretStore in pensioen may use only the azurekv provider (secretsProvider.store.backend azure-key-vault)']));
  });

  test('admissionPolicy false, or pre-created Secrets: no policy (and no whitelist entry)', () => {
    const off = objectsOf(env((d) => { d.secretsProvider.admissionPolicy = false; }));
    expect(off.filter((o) => o.apiVersion.startsWith('admissionregistration.k8s.io/'))).toEqual([]);
    expect(objectsOf('onprem').filter((o) => o.apiVersion.startsWith('admissionregistration.k8s.io/'))).toEqual([]);
  });
});
