import type { Construct } from 'constructs';
import type { EnvConfig } from '../lib/config';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import { k8s } from '../lib/k8s';
import { hardenedContainer, hardenedPodSpec } from '../lib/k8s/hardened';
import { labels, meta, selectorLabels, versionOfImage } from '../lib/k8s/labels';
import { dnsEgress } from '../lib/k8s/network';
import type { DatabaseClient } from '../lib/database/client';
import { migrationCommand } from '../lib/database/schema-wait';
import { MIGRATION_JOB, MIGRATION_LABELS, MIGRATION_SERVICE_ACCOUNT, migrationJobNameOf } from '../lib/names';

export { MIGRATION_JOB, MIGRATION_LABELS, MIGRATION_SERVICE_ACCOUNT };

export interface MigrationsChartProps extends EnvChartProps {
  /** `migrations`. */
  readonly migrations: EnvConfig['migrations'];
  /** The backend's image reference (`<registry>/<backend.image>`): the migrations ship with it. */
  readonly image: string;
  /** Argo CD delivers the environment: a Sync hook Job with a fixed name; otherwise one Job per image. */
  readonly argocdHook: boolean;
  /** How the Job reaches PostgreSQL as the migrator (lib/database/client.ts). */
  readonly database: DatabaseClient;
  /** An init container that grants the backend's role its data privileges first (lib/database/roles.ts). */
  readonly grant?: k8s.Container;
}

/** The Job's name: fixed for Argo CD (a hook replaced on each sync), per image for kubectl apply (lib/names.ts). */
export function migrationJobName(image: string, argocdHook: boolean): string {
  if (argocdHook) return MIGRATION_JOB;
  const version = versionOfImage(image);
  const digest = /@sha256:([a-f0-9]{12})/.exec(image)?.[1];
  return migrationJobNameOf(image, version === 'digest' ? digest ?? 'digest' : version);
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
  /** The migration Job's pods, as a NetworkPolicy peer (the database's pooler admits them). */
  readonly peer: k8s.NetworkPolicyPeer;

  constructor(scope: Construct, id: string, props: MigrationsChartProps) {
    super(scope, id, props.env, '09-migrations.yaml');
    const env = props.env;
    const m = props.migrations;
    const version = versionOfImage(props.image);
    const spec = { ...MIGRATION_LABELS, version };
    const selector = selectorLabels(env, MIGRATION_LABELS);
    this.peer = { podSelector: { matchLabels: selector } };
    const hook = props.argocdHook
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
        // The same way as the backend: with CloudNativePG through PgBouncer (charts/database.ts admits these pods).
        egress: [dnsEgress(env.config), props.database.egress],
      },
    });

    // One pod: no spread; a failed pod is retried by the Job (backoffLimit), never restarted in place. It
    // connects as the migrator (the owner); first it grants the backend's role its data privileges.
    const ca = props.database.ca;
    const grant = props.grant;
    const pod = hardenedPodSpec(env, {
      serviceAccountName: MIGRATION_SERVICE_ACCOUNT,
      ...(grant ? { initContainers: [grant] } : {}),
      ...(ca ? { volumes: [ca.volume] } : {}),
      containers: [hardenedContainer({
        name: 'migrate',
        image: props.image,
        // The rollback guard, then migrations.command as given (lib/database/schema-wait.ts).
        command: migrationCommand(m.command),
        env: [...props.database.env, { name: 'PYTHONDONTWRITEBYTECODE', value: '1' }],
        resources: m.resources,
        writablePaths: ['/tmp'],
        ...(ca ? { volumeMounts: [ca.mount] } : {}),
      })],
      selector,
      writablePaths: ['/tmp'],
      spread: false,
    });

    new k8s.KubeJob(this, 'job', {
      metadata: meta(env, migrationJobName(props.image, props.argocdHook), spec, hook),
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
