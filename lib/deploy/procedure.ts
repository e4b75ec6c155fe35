/**
 * The one procedure for installing and upgrading an environment with kubectl (no Argo CD; on-prem), as data:
 * rendered into docs/onprem-install.md (`npm run docs`), checked by test/procedure.test.ts (order, every file,
 * the object names it waits for), and the only place any page gives an install order (the other pages link
 * to it; a test greps them for a contradicting one).
 *
 * Built from the environment's synthesized objects (dist/<env>/), so every name (Job, Cluster, Pooler,
 * workloads) is the one kubectl will find. A fresh cluster needs the order: the migration Job reads the
 * database's Secret, which only exists once the CloudNativePG Cluster of 08-database.yaml is up, and a Job
 * that cannot start before its `activeDeadlineSeconds` fails for good.
 */
import type { Environment } from '../config';
import { SMOKE_JOB } from '../delivery/smoke';

export interface Step {
  readonly title: string;
  readonly why: string;
  /** Shell commands, run in order; each must succeed before the next. */
  readonly commands: string[];
}

export interface Procedure {
  /** First install on a fresh cluster (prerequisites done). */
  readonly install: Step[];
  /** A new version or a config change on an installed environment. */
  readonly upgrade: Step[];
  /** When the migration Job failed. */
  readonly failedMigration: Step[];
}

type Obj = Record<string, any> & { __file?: string };

/** The procedure of an environment applied with kubectl, from its objects (each with `__file`, `<env>/<file>`). */
export function kubectlProcedure(env: Environment, objects: Obj[]): Procedure {
  const c = env.config;
  const ns = c.namespace;
  const dist = `dist/${env.name}`;
  const fileOf = (kind: string) => objects.find((o) => o.kind === kind)?.__file?.split('/').pop();
  const namespaceFile = fileOf('Namespace')!;
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name !== SMOKE_JOB);
  const smoke = objects.find((o) => o.kind === 'Job' && o.metadata.name === SMOKE_JOB);
  const jobFile = job?.__file?.split('/').pop();
  const jobWait = job ? `kubectl -n ${ns} wait --for=condition=complete job/${job.metadata.name} --timeout=${(job.spec.activeDeadlineSeconds ?? 900) + 60}s` : undefined;
  const secretsFile = objects.some((o) => o.kind === 'ExternalSecret') ? fileOf('ExternalSecret') : undefined;
  const clusters = objects.filter((o) => o.kind === 'Cluster' && String(o.apiVersion).startsWith('postgresql.cnpg.io/'));
  const poolers = objects.filter((o) => o.kind === 'Pooler' && String(o.apiVersion).startsWith('postgresql.cnpg.io/'));
  const databaseFile = clusters[0]?.__file?.split('/').pop();
  const rollout = workloadWaits(ns, objects, c.delivery.canary);
  const preCreated = c.secretsProvider.type === 'precreated';

  const install: Step[] = [
    {
      title: 'Prerequisites',
      why: 'the operators, CRDs, namespaces, StorageClasses and Secrets created by hand the manifests rely on ([before-you-apply.md](before-you-apply.md)); the preflight checks what can be checked',
      commands: [`npm run preflight -- ${env.name} --run   # must end with "0 failed"`],
    },
    {
      title: 'Namespace',
      why: 'everything else lives in it (Pod Security `restricted`)',
      commands: [`kubectl apply -f ${dist}/${namespaceFile}`],
    },
    secretsFile
      ? {
        title: 'Secrets',
        why: 'the External Secrets Operator creates the application Secrets from the store; the pods need them at start',
        commands: [`kubectl apply -f ${dist}/${secretsFile}`, `kubectl -n ${ns} wait --for=condition=Ready externalsecret --all --timeout=5m`],
      }
      : {
        title: 'Secrets',
        why: preCreated ? 'created by hand ([secrets.md](secrets.md) has the commands for this environment); no value is ever in git' : 'created by hand (image pull and CA Secrets)',
        commands: ['# create them as docs/secrets.md shows for this environment, then check with the preflight above'],
      },
  ];
  if (databaseFile) {
    const serving = clusters.map((o) => o.metadata.name);
    install.push({
      title: 'Database (wait until ready)',
      why: 'CloudNativePG creates the instances, the Secret `<cluster>-app` the migration reads (the owner), the backend\'s role from its pre-created Secret, and the PgBouncer pooler they connect through; the migration cannot start before',
      commands: [
        `kubectl apply -f ${dist}/${databaseFile}`,
        ...serving.map((n) => `kubectl -n ${ns} wait --for=condition=Ready cluster.postgresql.cnpg.io/${n} --timeout=20m`),
        ...poolers.map((p) => `kubectl -n ${ns} rollout status deployment/${p.metadata.name} --timeout=10m`),
        ...serving.map((n) => `kubectl -n ${ns} get secret ${n}-app`),
      ],
    });
  }
  if (job && jobFile && jobWait) {
    install.push({
      title: 'Migration (wait until complete)',
      why: `the Job \`${job.metadata.name}\` brings the schema to the image's Alembic head; the backend's wait-for-schema holds new pods until it has. Failed: see "A failed migration" below`,
      commands: [`kubectl apply -f ${dist}/${jobFile}`, jobWait],
    });
  }
  install.push({
    title: 'Workloads and the rest',
    why: `every file in name order (what was applied above is unchanged); then wait for the rollouts${rolloutsWhy(objects, ns)}`,
    commands: [`kubectl apply -f ${dist}/`, ...rollout],
  });

  // The smoke test (docs/delivery.md): the same Job Argo CD runs as a PostSync hook, from post-apply/ (outside
  // what `kubectl apply -f dist/<env>/` reads), after the rollout; it exits non-zero naming what failed.
  const smokeSteps: Step[] = smoke ? [{
    title: 'Smoke test',
    why: 'the API through its Service and the edge host, the database and cache in its health JSON, the frontend page ([delivery.md](delivery.md#smoke-test-after-every-sync)); the Job is replaced on every run',
    commands: smokeCommands(ns, `dist/${smoke.__file}`, smoke.spec.activeDeadlineSeconds ?? 300),
  }] : [];
  install.push(...smokeSteps);

  const upgrade: Step[] = [{
    title: 'Upgrade (a new version, a changed config)',
    why: 'in one apply: the new version\'s migration Job runs while its backend pods wait in wait-for-schema (the old pods keep serving); `kubectl apply` never deletes, see [deploy.md](deploy.md#apply-with-kubectl)',
    commands: [`kubectl diff -f ${dist}/   # exit code 1: there are differences`, `kubectl apply -f ${dist}/`, ...(jobWait ? [jobWait] : []), ...rollout],
  }, ...smokeSteps];

  const failedMigration: Step[] = job && jobFile && jobWait ? [{
    title: 'A failed migration',
    why: `a Job's template is immutable and a failed Job stays for \`ttlSecondsAfterFinished\` (${job.spec.ttlSecondsAfterFinished ?? 'never'} s): re-applying the same file changes nothing. Find the cause, fix it (the database, or a new image: a new version has a Job of its own), then delete the failed Job and apply it again. The backend pods waiting in wait-for-schema start by themselves once the schema is there (\`PodInitContainerStuck\` fires after 15 minutes of waiting)`,
    commands: [
      `kubectl -n ${ns} logs job/${job.metadata.name}`,
      `kubectl -n ${ns} delete job ${job.metadata.name}`,
      `kubectl apply -f ${dist}/${jobFile}`,
      jobWait,
      ...rollout,
    ],
  }] : [];
  return { install, upgrade, failedMigration };
}

/** Running the smoke test Job from its file (post-apply/, outside what `kubectl apply -f dist/<env>/` reads): replaced on every run. */
export function smokeCommands(ns: string, file: string, activeDeadlineSeconds: number): string[] {
  return [
    `kubectl -n ${ns} delete job ${SMOKE_JOB} --ignore-not-found`,
    `kubectl apply -f ${file}`,
    `kubectl -n ${ns} wait --for=condition=complete job/${SMOKE_JOB} --timeout=${activeDeadlineSeconds + 60}s || { kubectl -n ${ns} logs job/${SMOKE_JOB}; false; }`,
    `kubectl -n ${ns} logs job/${SMOKE_JOB}   # ends with "smoke test passed"`,
  ];
}

/** A duration of Argo Rollouts (`30s`, `5m`, `1h`) in seconds. */
function seconds(d: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

/** The canary's own Ready deadline (`progressDeadlineSeconds` of lib/delivery/rollout.ts), then some slack. */
const CANARY_READY_SECONDS = 600;
const SLACK_SECONDS = 300;

/**
 * How long a canary Rollout may take to reach Healthy when every step passes: per weight, its analysis (the
 * first measurement after `initialDelay` = `window`, then `count - 1` more `interval` apart), plus the canary's
 * Ready deadline and slack. A step that pauses for a person (inconclusive) can take longer: the wait then
 * fails, naming the phase, and the person decides (docs/delivery.md).
 */
export function canaryWaitSeconds(canary: Environment['config']['delivery']['canary']): number {
  const a = canary.analysis;
  const perStep = seconds(a.window) + (a.count - 1) * seconds(a.interval);
  return canary.steps.length * perStep + CANARY_READY_SECONDS + SLACK_SECONDS;
}

/** How often the wait for a Rollout's phase asks the API server. */
const ROLLOUT_POLL_SECONDS = 10;

/**
 * The commands that wait for an Argo Rollouts Rollout to be promoted, with plain kubectl (no plugin): first until
 * the controller has observed the applied spec (`status.observedGeneration` = `metadata.generation`; before that
 * `status.phase` still describes the previous version), then until its phase is `Healthy` (every step judged and
 * passed, the new ReplicaSet stable). An aborted canary (`Degraded`) fails the wait at once, printing the phase and
 * the controller's message; a paused one (an inconclusive analysis, for a person to judge) fails it at the deadline.
 */
export function rolloutWait(ns: string, name: string, canary: Environment['config']['delivery']['canary']): string[] {
  const ref = `rollout.argoproj.io/${name}`;
  return [
    `kubectl -n ${ns} wait ${ref} --for=jsonpath='{.status.observedGeneration}'="$(kubectl -n ${ns} get ${ref} -o jsonpath='{.metadata.generation}')" --timeout=5m`,
    // A poll rather than `kubectl wait`: an aborted canary (Degraded) fails at once instead of at the deadline;
    // Paused (an inconclusive analysis waiting for a person) keeps waiting until the deadline.
    `( deadline=$(( $(date +%s) + ${canaryWaitSeconds(canary)} )); while :; do phase=$(kubectl -n ${ns} get ${ref} -o jsonpath='{.status.phase}') || phase=; `
      + `case "$phase" in Healthy) echo "${ref}: Healthy"; exit 0;; Degraded) break;; esac; [ "$(date +%s)" -lt "$deadline" ] || break; sleep ${ROLLOUT_POLL_SECONDS}; done; `
      + `kubectl -n ${ns} get ${ref} -o jsonpath='{.status.phase}: {.status.message}{"\\n"}'; exit 1 )`,
  ];
}

/** Waiting for every workload of the namespace: `rollout status` for Deployments and StatefulSets, `rolloutWait` for Rollouts. */
export function workloadWaits(ns: string, objects: Obj[], canary: Environment['config']['delivery']['canary']): string[] {
  const inNs = objects.filter((o) => o.metadata?.namespace === ns);
  const workloads = inNs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`);
  const rollouts = inNs.filter((o) => o.kind === 'Rollout' && String(o.apiVersion).startsWith('argoproj.io/'));
  return [
    ...(workloads.length ? [`kubectl -n ${ns} rollout status ${workloads.join(' ')} --timeout=15m`] : []),
    ...rollouts.flatMap((r) => rolloutWait(ns, r.metadata.name, canary)),
  ];
}

function rolloutsWhy(objects: Obj[], ns: string): string {
  const names = objects.filter((o) => o.kind === 'Rollout' && o.metadata?.namespace === ns).map((o) => `\`${o.metadata.name}\``);
  if (!names.length) return '';
  return ` (the Argo Rollouts canary of ${names.join(' and ')}: \`kubectl rollout status\` does not know a Rollout, so kubectl waits until the controller has seen the new version and then until it is \`Healthy\`, every step judged; a \`Paused\` or \`Degraded\` one: [delivery.md](delivery.md#the-release-path-with-canary))`;
}

/** The procedure as Markdown. */
export function procedureMarkdown(env: Environment, p: Procedure): string {
  const step = (s: Step, n?: number) => {
    const pad = n ? '   ' : '';
    return [`${n ? `${n}. ` : ''}**${s.title}**: ${s.why}.`, '', `${pad}\`\`\`bash`, ...s.commands.map((x) => pad + x), `${pad}\`\`\``, ''].join('\n');
  };
  return [
    `### ${env.name} (\`config/${env.name}.yaml\`, namespace \`${env.config.namespace}\`)`, '',
    '#### First install', '',
    ...p.install.map((s, i) => step(s, i + 1)),
    '#### Upgrade', '',
    ...p.upgrade.map((s) => step(s)),
    ...(p.failedMigration.length ? ['#### A failed migration', '', ...p.failedMigration.map((s) => step(s))] : []),
  ].join('\n');
}
