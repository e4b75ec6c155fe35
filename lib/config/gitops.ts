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
  project: dnsLabel().default('pensioen').describe('Prefix of the AppProjects: <project>-<env> per environment, <project>-bootstrap for the app-of-apps (the same in every environment)'),
  destinationServer: z.string().regex(/^https:\/\/[^\s]+$/, { message: 'must be the https:// URL of a cluster API server' })
    .default('https://kubernetes.default.svc').describe('API server the environment is deployed to (as registered in Argo CD)'),
  bootstrapRevision: z.string().min(1).default('production')
    .describe('Protected revision (a branch or tag only the platform team may push to, protected in the Git host): the app-of-apps `pensioen-apps` reads dist/argocd/apps from it, and every environment with `gitops.protected` follows it (the same in every environment)'),
  protected: z.boolean().default(false)
    .describe('The environment follows the protected revision: `targetRevision` must equal `bootstrapRevision`, so a push to main never reaches it (set it for production)'),
  signatureKeys: z.array(z.string().regex(/^([0-9A-F]{16}|[0-9A-F]{40})$/, { message: 'must be a GnuPG key ID in upper-case hex (16 or 40 characters)' })).default([])
    .describe('GnuPG key IDs of which one must have signed the commit Argo CD syncs for this environment (AppProject signatureKeys; keys imported into Argo CD); the bootstrap project requires the keys of the protected environments'),
  syncWindows: z.array(z.strictObject({
    kind: z.enum(['allow', 'deny']).describe('"allow": syncs only inside the window; "deny": no sync inside it'),
    schedule: z.string().regex(/^\S+( \S+){4}$/, { message: 'must be a cron schedule with five fields, e.g. "0 22 * * 1-5"' }).describe('Start of the window (cron, five fields)'),
    duration: z.string().regex(/^(\d+[hm])+$/, { message: 'must be a duration in hours and minutes such as 1h or 1h30m' }).describe('How long the window lasts'),
    timeZone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/, { message: 'must be an IANA time zone such as Europe/Amsterdam' }).default('Europe/Amsterdam').describe('Time zone of the schedule'),
    manualSync: z.boolean().default(false).describe('Allow a manual sync while the window blocks automated ones'),
  })).default([]).describe('Argo CD sync windows of the environment\'s AppProject (e.g. production: deny during office hours, or allow only in a maintenance window)'),
  notifications: z.array(z.strictObject({
    trigger: z.string().regex(/^[a-z0-9-]+$/, { message: 'must be an Argo CD notifications trigger name such as on-sync-failed' }).describe('Trigger (configured in argocd-notifications-cm), e.g. on-sync-failed, on-health-degraded, on-deployed'),
    service: z.string().regex(/^[a-z0-9-]+$/, { message: 'must be a notifications service name such as slack or email' }).describe('Service (configured in argocd-notifications-cm), e.g. slack, email, teams, webhook'),
    recipients: z.array(z.string().regex(/^[^;\s]+$/, { message: 'must be one recipient without spaces or ";"' })).min(1).describe('Channels or addresses'),
  })).default([]).describe('Argo CD notification subscriptions on the environment\'s Application (annotations notifications.argoproj.io/subscribe.<trigger>.<service>)'),
}).prefault({}).superRefine((g, ctx) => {
  if (g.enabled && g.protected && g.targetRevision !== g.bootstrapRevision) {
    ctx.addIssue({ code: 'custom', path: ['targetRevision'], message: `must be the protected revision gitops.bootstrapRevision (${JSON.stringify(g.bootstrapRevision)}) because gitops.protected is true (otherwise a push to ${JSON.stringify(g.targetRevision)} deploys this environment), got ${JSON.stringify(g.targetRevision)}` });
  }
}).describe('Argo CD delivery of dist/<env> (see [gitops.md](gitops.md))');

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
  admissionPolicy: z.boolean().default(true)
    .describe('A ValidatingAdmissionPolicy (cluster-scoped, Kubernetes >= 1.30) bound to the namespace: SecretStores only of store.backend with workload identity, ExternalSecrets only through store, no PushSecrets (docs/security.md, "External Secrets")'),
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
