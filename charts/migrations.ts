import type { Construct } from 'constructs';
import type { Environment } from '../lib/config';
import { EnvChart } from '../lib/constructs/env-chart';
import { k8s } from '../lib/k8s';
import { hardenedContainer, hardenedPodSpec } from '../lib/k8s/hardened';
import { labels, meta, selectorLabels, versionOfImage } from '../lib/k8s/labels';
import { dnsEgress, tcp } from '../lib/k8s/network';
import { databaseCaVolume, databaseEnv } from '../lib/database/connection';
import { grantContainer } from '../lib/database/roles';
import { migrationCommand } from '../lib/database/schema-wait';
import { MIGRATION_JOB, MIGRATION_LABELS, MIGRATION_SERVICE_ACCOUNT, migrationJobNameOf } from '../lib/names';
import { POOLER_PORT, clusterNames, cnpgOf, poolerSelector } from '../lib/database/names';

export { MIGRATION_JOB, MIGRATION_LABELS, MIGRATION_SERVICE_ACCOUNT };

/** The Job's name: fixed for Argo CD (a hook replaced on each sync), per image for kubectl apply (lib/names.ts). */
export function migrationJobName(env: Environment): string {
  if (env.config.gitops.enabled) return MIGRATION_JOB;
  const image = env.config.backend.image;
  const version = versionOfImage(image);
  const digest = /@sha256:([a-f0-9]{12})/.exec(image)?.[1];
  return migrationJobNameOf(`${env.config.registry}/${image}`, version === 'digest' ? digest ?? 'digest' : version);
}

/**
 * Database migrations (`alembic upgrade head`) with the backend image, before the new backend serves:
 *
 * - Argo CD (`gitops.enabled`): a `Sync` hook Job `backend-migrate` in the wave before the workloads
 *   (`hook-delete-policy: BeforeHookCreation`: the previous run is deleted and a new one created on every
 *   sync). Argo CD waits for the hook to complete; when it fails, the sync operation fails and the waves
 *   after it (the Deployment) are not applied. Not `PreSync`: PreSync hooks run before every wave, so on the
 *   first sync the Namespace, the database Secret and the NetworkPolicies would not exist yet.
 * - `kubectl apply` (no Argo CD): a Job named after the image (`backend-migrate-1-0-0-<hash of the image reference>`) in
 *   `09-migrations.yaml`, applied and waited for before the rest (docs/real-cluster.md). A Job's pod
 *   template is immutable, so each version gets its own Job; re-applying the same version changes nothing.
 *
 * In both, the backend's `wait-for-schema` init container (migrations.waitForSchema) keeps new pods
 * un-Ready while the database is behind the image's Alembic head, so a failed migration stalls the rollout
 * (maxUnavailable 0: the old pods keep serving) instead of running new code on an old schema. A rollback
 * (an older image on a database a newer one migrated) neither waits nor fails: the Job's guard skips the
 * migration and the wait starts the pod (lib/database/schema-wait.ts).
 */
export class MigrationsChart extends EnvChart {
  constructor(scope: Construct, env: Environment) {
    super(scope, 'migrations', env, '09-migrations.yaml');
    const c = env.config;
    const m = c.migrations;
    const version = versionOfImage(c.backend.image);
    const spec = { ...MIGRATION_LABELS, version };
    const selector = selectorLabels(env, MIGRATION_LABELS);
    const cnpg = cnpgOf(env);
    const hook = c.gitops.enabled
      ? {
        'argocd.argoproj.io/hook': 'Sync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      }
      : undefined;

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: meta(env, MIGRATION_SERVICE_ACCOUNT, spec),
      automountServiceAccountToken: false,
    });

    // Reaches only DNS and PostgreSQL; nothing reaches it.
    new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata: meta(env, MIGRATION_JOB, { name: MIGRATION_LABELS.name, component: 'network-policy' }),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [dnsEgress(c), cnpg
          // CloudNativePG: the same way as the backend, through PgBouncer (charts/database.ts admits these pods).
          ? { to: [{ podSelector: poolerSelector(clusterNames(cnpg)) }], ports: [tcp(POOLER_PORT)] }
          : { to: c.network.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(c.network.databasePort)] }],
      },
    });

    // One pod: no spread; a failed pod is retried by the Job (backoffLimit), never restarted in place. It
    // connects as the migrator (the owner); first it grants the backend's role its data privileges.
    const ca = databaseCaVolume(env);
    const grant = grantContainer(env);
    const pod = hardenedPodSpec(env, {
      serviceAccountName: MIGRATION_SERVICE_ACCOUNT,
      ...(grant ? { initContainers: [grant] } : {}),
      ...(ca ? { volumes: [ca.volume] } : {}),
      containers: [hardenedContainer({
        name: 'migrate',
        image: `${c.registry}/${c.backend.image}`,
        // The rollback guard, then migrations.command as given (lib/database/schema-wait.ts).
        command: migrationCommand(m.command),
        env: [...databaseEnv(env, 'migrator'), { name: 'PYTHONDONTWRITEBYTECODE', value: '1' }],
        resources: m.resources,
        writablePaths: ['/tmp'],
        ...(ca ? { volumeMounts: [ca.mount] } : {}),
      })],
      selector,
      writablePaths: ['/tmp'],
      spread: false,
    });

    new k8s.KubeJob(this, 'job', {
      metadata: meta(env, migrationJobName(env), spec, hook),
      spec: {
        backoffLimit: m.backoffLimit,
        activeDeadlineSeconds: m.activeDeadlineSeconds,
        ttlSecondsAfterFinished: m.ttlSecondsAfterFinished,
        template: {
          metadata: { labels: labels(env, spec) },
          spec: { ...pod, restartPolicy: 'Never' },
        },
      },
    });
  }
}
