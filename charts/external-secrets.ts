import type { Construct } from 'constructs';
import {
  ClusterSecretStore,
  ClusterSecretStoreSpecProviderAwsService,
  ClusterSecretStoreSpecProviderAzurekvAuthType,
} from '../imports/eso-clustersecretstores-external-secrets.io';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../imports/eso-externalsecrets-external-secrets.io';
import {
  SecretStore,
  SecretStoreSpecProviderAwsService,
  SecretStoreSpecProviderAzurekvAuthType,
} from '../imports/eso-secretstores-external-secrets.io';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import type { EnvConfig } from '../lib/config';
import { k8s } from '../lib/k8s';
import { clusterMeta, meta } from '../lib/k8s/labels';
import type { SecretSource } from '../lib/config/secret-sources';
import { ApiObject } from 'cdk8s';
import type { SecretStorePolicy } from '../lib/secrets/store-policy';

export const SECRETS = { name: 'pensioen-secrets', component: 'secrets' };
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
export const AZURE_TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';

/**
 * Secrets without values (`secretsProvider.type: external-secrets`): the ServiceAccount whose cloud identity
 * reads the remote secrets (IRSA role or Azure workload identity; the External Secrets Operator requests its
 * token, no pod mounts it), a SecretStore (or a ClusterSecretStore limited to this namespace) for AWS Secrets
 * Manager or Azure Key Vault, and one ExternalSecret per Secret the manifests reference, producing it with
 * the same name and keys.
 */
export interface ExternalSecretsChartProps extends EnvChartProps {
  /** `secretsProvider` with `type: external-secrets`. */
  readonly secretsProvider: EnvConfig['secretsProvider'];
  /** The Secrets the environment's manifests reference, each with its remote key (lib/config/secret-sources.ts). */
  readonly secrets: SecretSource[];
  /** The ValidatingAdmissionPolicy that holds commits to the configured store (`secretsProvider.admissionPolicy`). */
  readonly storePolicy?: SecretStorePolicy;
}

export class ExternalSecretsChart extends EnvChart {
  constructor(scope: Construct, id: string, props: ExternalSecretsChartProps) {
    super(scope, id, props.env, '05-secrets.yaml');
    const env = props.env;
    const p = props.secretsProvider;
    const store = p.store;
    const ns = env.config.namespace;

    const saAnnotations: Record<string, string> = store.backend === 'aws-secrets-manager'
      ? { [IRSA_ANNOTATION]: store.aws!.roleArn }
      : { [AZURE_CLIENT_ID_ANNOTATION]: store.azure!.clientId, [AZURE_TENANT_ID_ANNOTATION]: store.azure!.tenantId };
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: meta(env, store.serviceAccountName, SECRETS, saAnnotations),
      automountServiceAccountToken: false,
    });

    if (store.kind === 'SecretStore') {
      new SecretStore(this, 'store', {
        metadata: meta(env, store.name, SECRETS),
        spec: {
          provider: store.backend === 'aws-secrets-manager'
            ? { aws: { service: SecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: store.aws!.region, auth: { jwt: { serviceAccountRef: { name: store.serviceAccountName } } } } }
            : { azurekv: { authType: SecretStoreSpecProviderAzurekvAuthType.WORKLOAD_IDENTITY, vaultUrl: store.azure!.vaultUrl, tenantId: store.azure!.tenantId, serviceAccountRef: { name: store.serviceAccountName } } },
        },
      });
    } else {
      new ClusterSecretStore(this, 'store', {
        metadata: clusterMeta(env, store.name, SECRETS),
        spec: {
          // Only ExternalSecrets in this environment's namespace may use the store.
          conditions: [{ namespaces: [ns] }],
          provider: store.backend === 'aws-secrets-manager'
            ? { aws: { service: ClusterSecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: store.aws!.region, auth: { jwt: { serviceAccountRef: { name: store.serviceAccountName, namespace: ns } } } } }
            : { azurekv: { authType: ClusterSecretStoreSpecProviderAzurekvAuthType.WORKLOAD_IDENTITY, vaultUrl: store.azure!.vaultUrl, tenantId: store.azure!.tenantId, serviceAccountRef: { name: store.serviceAccountName, namespace: ns } } },
        },
      });
    }

    // The API server holds every commit to the configured store and provider (lib/secrets/store-policy.ts).
    if (props.storePolicy) {
      const { name, policy, binding } = props.storePolicy;
      // No generated class fits: admissionregistration.k8s.io/v1 is Kubernetes 1.30; cdk8s-plus-27's 1.27 types
      // have only v1alpha1, a different API version (and this is no custom resource to import from crds/).
      new ApiObject(this, 'store-policy', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: clusterMeta(env, name, SECRETS), spec: policy });
      new ApiObject(this, 'store-policy-binding', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: clusterMeta(env, name, SECRETS), spec: binding });
    }

    for (const s of props.secrets) {
      new ExternalSecret(this, `external-secret-${s.name}`, {
        metadata: meta(env, s.name, SECRETS),
        spec: {
          refreshInterval: p.refreshInterval,
          secretStoreRef: {
            kind: store.kind === 'SecretStore' ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
            name: store.name,
          },
          target: {
            name: s.name,
            creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
            // A remote secret that disappears leaves the last value in place rather than breaking running pods.
            deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
          },
          // One key: the remote secret's whole value. Several keys: one JSON property each. A Secret with keys that
          // exist only at times (the previous Redis password during a rotation): every property of the remote JSON,
          // so that adding and removing that property in the store reaches the Secret (a missing \`data\` property
          // would fail the sync; a key set on the Secret by hand would be reverted).
          ...(s.optionalKeys?.length
            ? { dataFrom: [{ extract: { key: s.remoteKey } }] }
            : {
              data: s.keys.map((key) => ({
                secretKey: key,
                remoteRef: s.keys.length === 1 ? { key: s.remoteKey } : { key: s.remoteKey, property: key },
              })),
            }),
        },
      });
    }
  }
}
