/**
 * Configuration of the GitOps delivery: where Argo CD finds this repository (`gitops`), and where the
 * Secrets the manifests reference come from (`secretsProvider`: pre-created by hand, or produced by the
 * External Secrets Operator from AWS Secrets Manager or Azure Key Vault). Part of `configSchema`.
 */
import { z } from 'zod';
import { dnsLabel } from './types';

/** A Go duration as Argo CD and External Secrets take it, e.g. 1h, 30m, 15s. */
const duration = () => z.string().regex(/^(\d+(ns|us|ms|s|m|h))+$/, { message: 'must be a duration such as 1h, 30m or 15s' });

export const gitopsSchema = z.strictObject({
  enabled: z.boolean().default(true)
    .describe('Generate an Argo CD Application for this environment in dist/argocd/ (off for environments applied with kubectl only)'),
  repoURL: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, { message: 'must be a Git URL (https://, ssh:// or git@)' })
    .default('https://github.com/pensioen-beslissingstool/pensioen-k8s.git')
    .describe('Git repository Argo CD reads dist/ from (the same in every environment)'),
  targetRevision: z.string().min(1).default('main')
    .describe('Branch, tag or commit the environment\'s Application tracks'),
  argocdNamespace: dnsLabel().default('argocd').describe('Namespace Argo CD runs in (its Applications and AppProjects live there; the same in every environment)'),
  project: dnsLabel().default('pensioen').describe('AppProject of the environment Applications (the same in every environment)'),
  destinationServer: z.string().regex(/^https:\/\/[^\s]+$/, { message: 'must be the https:// URL of a cluster API server' })
    .default('https://kubernetes.default.svc').describe('API server the environment is deployed to (as registered in Argo CD)'),
  bootstrapRevision: z.string().min(1).default('main')
    .describe('Revision the app-of-apps Application `pensioen-apps` reads dist/argocd/apps from (the same in every environment)'),
}).prefault({}).describe('Argo CD delivery of dist/<env> (see [gitops.md](gitops.md))');

export const secretsProviderSchema = z.strictObject({
  type: z.enum(['precreated', 'external-secrets']).default('precreated')
    .describe('"precreated": the Secrets are created by hand ([secrets.md](secrets.md)); "external-secrets": ExternalSecrets in 05-secrets.yaml produce them'),
  refreshInterval: duration().default('1h').describe('How often the External Secrets Operator re-reads each remote secret'),
  store: z.strictObject({
    kind: z.enum(['SecretStore', 'ClusterSecretStore']).default('SecretStore')
      .describe('A namespaced SecretStore, or a ClusterSecretStore limited to this namespace'),
    name: dnsLabel().default('pensioen-secret-store').describe('Name of the (Cluster)SecretStore'),
    serviceAccountName: dnsLabel().default('external-secrets-reader')
      .describe('ServiceAccount (in the namespace) whose identity reads the remote secrets (IRSA role or Azure workload identity)'),
    backend: z.enum(['aws-secrets-manager', 'azure-key-vault']).default('aws-secrets-manager')
      .describe('Where the secret values live'),
    aws: z.strictObject({
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region such as eu-central-1' }).describe('AWS region of Secrets Manager'),
      roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, { message: 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/name' })
        .describe('IAM role assumed through IRSA (ServiceAccount annotation eks.amazonaws.com/role-arn)'),
    }).optional().describe('AWS Secrets Manager with IRSA (required when backend is aws-secrets-manager)'),
    azure: z.strictObject({
      vaultUrl: z.string().regex(/^https:\/\/[a-z0-9-]+\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net)\/?$/, { message: 'must be a Key Vault URL such as https://my-vault.vault.azure.net' })
        .describe('Key Vault URL'),
      tenantId: z.uuid({ message: 'must be a tenant id (UUID)' }).describe('Microsoft Entra tenant id'),
      clientId: z.uuid({ message: 'must be a client id (UUID)' }).describe('Client id of the managed identity or app registration federated with the ServiceAccount'),
    }).optional().describe('Azure Key Vault with workload identity (required when backend is azure-key-vault)'),
  }).prefault({}).describe('The External Secrets store (used when type is external-secrets)'),
  remoteKeyPrefix: z.string().regex(/^[A-Za-z0-9/_+=.@-]*$/, { message: 'may hold letters, digits and / _ + = . @ -' }).optional()
    .describe('Prefix of the remote secret names; defaults to "<instance>-" (e.g. pensioen-production-db-secrets)'),
  remoteKeys: z.record(z.string(), z.string().min(1)).default({})
    .describe('Remote secret name per Kubernetes Secret name, overriding <remoteKeyPrefix><secret name>. A Secret with one key reads the whole remote value; with several keys, one JSON property per key'),
}).prefault({}).superRefine((p, ctx) => {
  if (p.type === 'external-secrets') {
    const s = p.store;
    if (s.backend === 'aws-secrets-manager' && !s.aws) ctx.addIssue({ code: 'custom', path: ['store', 'aws'], message: 'is required when store.backend is aws-secrets-manager (region, roleArn)' });
    if (s.backend === 'azure-key-vault' && !s.azure) ctx.addIssue({ code: 'custom', path: ['store', 'azure'], message: 'is required when store.backend is azure-key-vault (vaultUrl, tenantId, clientId)' });
  }
}).describe('Where the Secrets the manifests reference come from (see [secrets.md](secrets.md))');
