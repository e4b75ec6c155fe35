/**
 * What a commit may do with External Secrets in the environment's namespace, enforced by the API server: a
 * ValidatingAdmissionPolicy (Kubernetes >= 1.30, built in) bound to the namespace.
 *
 * - a SecretStore uses only the configured provider (`secretsProvider.store.backend`), and only with workload
 *   identity (AWS: Secrets Manager with a ServiceAccount token, never an access key in a Secret; Azure: Key
 *   Vault with workload identity, never a client secret);
 * - an ExternalSecret reads only through the configured store (kind and name) and has no per-item `sourceRef`
 *   (another store, or a generator);
 * - no PushSecret: nothing here writes Secrets of the cluster out to a store.
 *
 * Without it, a commit could add a SecretStore of the `kubernetes` provider (reading Secrets of other namespaces
 * with a token it brings), a `webhook` provider (sending values anywhere), or point an ExternalSecret at a
 * ClusterSecretStore some other team owns. The expressions are CEL as the API server evaluates it; they are run
 * against allowed and refused objects with the gate's CEL library in test/secret-store-policy.test.ts.
 */
import type { Environment } from '../config';

export interface PolicyValidation { expression: string; message: string }

/** The policy's validations for this environment (empty: no External Secrets here). */
export function secretStoreValidations(env: Environment): PolicyValidation[] {
  const c = env.config;
  const p = c.secretsProvider;
  if (p.type !== 'external-secrets') return [];
  const ns = c.namespace;
  const store = p.store;
  const provider = store.backend === 'aws-secrets-manager' ? 'aws' : 'azurekv';
  const is = (resource: string) => `request.resource.resource != '${resource}'`;
  const identity = provider === 'aws'
    ? "object.spec.provider.aws.service == 'SecretsManager' && has(object.spec.provider.aws.auth) && has(object.spec.provider.aws.auth.jwt) && !has(object.spec.provider.aws.auth.secretRef)"
    : "has(object.spec.provider.azurekv.authType) && object.spec.provider.azurekv.authType == 'WorkloadIdentity' && !has(object.spec.provider.azurekv.authSecretRef)";
  return [
    {
      expression: `${is('secretstores')} || (has(object.spec.provider) && object.spec.provider.size() == 1 && has(object.spec.provider.${provider}))`,
      message: `a SecretStore in ${ns} may use only the ${provider} provider (secretsProvider.store.backend ${store.backend})`,
    },
    {
      // Guarded: a store without this provider is the rule above's to refuse (an unguarded field of a missing key is
      // an evaluation error, which the API server reports as the policy failing rather than this message).
      expression: `${is('secretstores')} || !has(object.spec.provider) || !has(object.spec.provider.${provider}) || (${identity})`,
      message: `a SecretStore in ${ns} authenticates with workload identity only (${provider === 'aws' ? 'Secrets Manager, auth.jwt; no access key Secret' : 'authType WorkloadIdentity; no client secret'})`,
    },
    {
      expression: `${is('externalsecrets')} || (has(object.spec.secretStoreRef) && object.spec.secretStoreRef.name == '${store.name}' && (has(object.spec.secretStoreRef.kind) ? object.spec.secretStoreRef.kind : 'SecretStore') == '${store.kind}')`,
      message: `an ExternalSecret in ${ns} reads only through ${store.kind} ${store.name} (secretsProvider.store)`,
    },
    {
      expression: `${is('externalsecrets')} || ((!has(object.spec.data) || object.spec.data.all(d, !has(d.sourceRef))) && (!has(object.spec.dataFrom) || object.spec.dataFrom.all(d, !has(d.sourceRef))))`,
      message: `an ExternalSecret in ${ns} has no per-item sourceRef (another store or a generator)`,
    },
    {
      expression: `${is('pushsecrets')}`,
      message: `no PushSecret in ${ns}: nothing here writes cluster Secrets out to a store`,
    },
  ];
}

/** A ValidatingAdmissionPolicy and its binding, both named `name`. */
export interface SecretStorePolicy { readonly name: string; readonly policy: Record<string, unknown>; readonly binding: Record<string, unknown> }

/** The ValidatingAdmissionPolicy and its binding (cluster-scoped, named after the environment's instance). */

export function secretStorePolicy(env: Environment, name: string): SecretStorePolicy {
  return {
    name,
    policy: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{
          apiGroups: ['external-secrets.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'],
          resources: ['secretstores', 'externalsecrets', 'pushsecrets'],
        }],
      },
      validations: secretStoreValidations(env),
    },
    binding: {
      policyName: name,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': env.config.namespace } } },
    },
  };
}
