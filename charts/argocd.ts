import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { Application } from '../imports/argocd-applications-argoproj.io';
import { AppProject } from '../imports/argocd-appprojects-argoproj.io';
import { ConfigError, type EnvConfig } from '../lib/config';
import type { EnvContext } from '../lib/config/context';
import { instanceOf, labels, MANAGED_BY, PART_OF } from '../lib/k8s/labels';
import type { ManifestFile } from '../lib/output/write';
import { apiGroup, PRUNE_CONFIRM, SYNC_OPTIONS, SYNC_WAVE } from '../lib/output/sync-waves';

/**
 * Argo CD delivery, built from every environment (written to `dist/argocd/`). The privilege boundary: what a
 * commit can change is synced by Argo CD; what decides what a commit may do is applied by the platform team.
 *
 * Applied by hand, never by Argo CD (`kubectl apply -f dist/argocd/projects/`, then `bootstrap.yaml`):
 * - `projects/00-default.yaml`: the built-in AppProject `default` locked down (no source, no destination, no
 *   kind), so an Application a commit adds to it deploys nothing.
 * - `projects/bootstrap.yaml`: AppProject `<project>-bootstrap`: this repository, the Argo CD namespace of the
 *   cluster Argo CD runs in, and only Applications (never AppProjects: a commit cannot widen a project).
 * - `projects/<env>.yaml`: one AppProject `<project>-<env>` per environment: this repository, that
 *   environment's namespace on that environment's cluster only (staging can never target production), as
 *   resources exactly the kinds the environment ships, cluster-scoped ones each by name (its Namespace, its
 *   ClusterIssuers, its ClusterSecretStore); its sync windows and signature keys (`gitops.*`).
 * - `bootstrap.yaml`: the app-of-apps Application `pensioen-apps`, which syncs `dist/argocd/apps/` from the
 *   protected revision `gitops.bootstrapRevision`.
 *
 * Synced by the app-of-apps: `apps/<env>.yaml`, one Application per environment (with `gitops.enabled`),
 * syncing `dist/<env>` (recursively) in its own project, with automated prune and self-heal, retries with
 * backoff, server-side apply and `FailOnSharedResource=true`; `Prune=confirm` on the Application so that a
 * rename or removal in git does not delete an environment without a person confirming it.
 */
export const ROOT_APPLICATION = 'pensioen-apps';
export const IN_CLUSTER = 'https://kubernetes.default.svc';
export const ENV_SYNC_OPTIONS = [
  'ServerSideApply=true',
  // The Namespace is one of the manifests (00-namespace.yaml, with its Pod Security labels).
  'CreateNamespace=false',
  // Deletions only after everything else is in sync.
  'PruneLast=true',
  // Never adopt an object another Application manages (a Namespace or issuer of another environment).
  'FailOnSharedResource=true',
];
/** Folders and files of dist/argocd/ (paths relative to the output folder). */
export const PROJECTS_DIR = 'argocd/projects';
export const DEFAULT_PROJECT = 'default';
export const bootstrapProjectOf = (project: string) => `${project}-bootstrap`;
export const projectOf = (project: string, env: string) => `${project}-${env}`;
export const RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } };

/** One environment as Argo CD delivers it, handed over by the wiring (lib/pipeline.ts `synthArgocd`). */
export interface ArgoEnvironment {
  /** The environment context: its name and config file (for messages), namespace and labels. */
  readonly env: EnvContext;
  /** `gitops`: whether Argo CD delivers it, from where, to which cluster, its project's windows and keys. */
  readonly gitops: EnvConfig['gitops'];
  /**
   * The HTTPRoutes whose backendRefs' weights Argo Rollouts' Gateway API plugin sets during a canary: a sync
   * keeps their live weights. None without a canary on the Gateway API edge.
   */
  readonly canaryHttpRoutes: string[];
  /** Its synthesized manifests (as `synthEnvironment` returns them). */
  readonly files: ManifestFile[];
}

interface GroupKind { group: string; kind: string }

class ArgoChart extends Chart {
  constructor(scope: Construct, id: string, readonly file: string) {
    super(scope, id, { disableResourceNameHashes: true });
  }
}

function gitopsLabels(component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'pensioen-gitops',
    'app.kubernetes.io/instance': 'pensioen-gitops',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** Sorted, de-duplicated group/kind pairs. */
function groupKinds(objects: Record<string, any>[]): GroupKind[] {
  const seen = new Map<string, GroupKind>();
  for (const o of objects) seen.set(`${apiGroup(o.apiVersion)}/${o.kind}`, { group: apiGroup(o.apiVersion), kind: o.kind });
  return [...seen.values()].sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind));
}

/** The settings every Argo CD-delivered environment must share (one AppProject, one app-of-apps). */
function sharedSettings(envs: ArgoEnvironment[]) {
  const keys = ['repoURL', 'argocdNamespace', 'project', 'bootstrapRevision'] as const;
  const first = envs[0].gitops;
  const problems: string[] = [];
  for (const e of envs.slice(1)) {
    for (const k of keys) {
      if (e.gitops[k] !== first[k]) {
        problems.push(`${e.env.file}: gitops.${k}: must be the same in every environment delivered by Argo CD (${envs[0].env.file} has ${JSON.stringify(first[k])}), got ${JSON.stringify(e.gitops[k])}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return first;
}

/** Cluster-scoped objects as whitelist entries, each by name (a commit cannot add or adopt another one). */
function namedClusterEntries(objects: Record<string, any>[]): { group: string; kind: string; name: string }[] {
  const seen = new Map<string, { group: string; kind: string; name: string }>();
  for (const o of objects) {
    const e = { group: apiGroup(o.apiVersion), kind: o.kind, name: o.metadata.name };
    seen.set(`${e.group}/${e.kind}/${e.name}`, e);
  }
  return [...seen.values()].sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/** Builds the Argo CD App; no charts when no environment has `gitops.enabled`. */
export function buildArgoApp(envs: ArgoEnvironment[]): { app: App; charts: ArgoChart[] } {
  const app = new App();
  const delivered = envs.filter((s) => s.gitops.enabled);
  if (delivered.length === 0) return { app, charts: [] };
  const g = sharedSettings(delivered);
  const ns = g.argocdNamespace;
  const bootstrapProject = bootstrapProjectOf(g.project);

  // Applied by hand: the projects (what a commit may do).
  const defaultChart = new ArgoChart(app, 'argocd-default-project', `${PROJECTS_DIR}/00-default.yaml`);
  new AppProject(defaultChart, 'default-project', {
    metadata: { name: DEFAULT_PROJECT, namespace: ns, labels: gitopsLabels('argocd-project') },
    spec: {
      description: 'Locked down: no source, no destination, no kind. Every Application names its own project.',
      sourceRepos: [],
      sourceNamespaces: [],
      destinations: [],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [],
      namespaceResourceBlacklist: [{ group: '*', kind: '*' }],
    },
  });
  const protectedKeys = [...new Set(delivered.filter((d) => d.gitops.protected).flatMap((d) => d.gitops.signatureKeys))].sort();
  const bootstrapProjectChart = new ArgoChart(app, 'argocd-bootstrap-project', `${PROJECTS_DIR}/bootstrap.yaml`);
  new AppProject(bootstrapProjectChart, 'bootstrap-project', {
    metadata: { name: bootstrapProject, namespace: ns, labels: gitopsLabels('argocd-project') },
    spec: {
      description: 'The app-of-apps of pensioen-k8s: may only manage the environment Applications (never AppProjects)',
      sourceRepos: [g.repoURL],
      destinations: [{ server: IN_CLUSTER, namespace: ns }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'Application' }],
      ...(protectedKeys.length > 0 ? { signatureKeys: protectedKeys.map((keyId) => ({ keyId })) } : {}),
    },
  });
  const charts: ArgoChart[] = [defaultChart, bootstrapProjectChart];
  for (const { env, gitops, files } of delivered) {
    const objects = files.flatMap((f) => f.objects);
    // A dot in the id: environment names are DNS labels without dots, so no environment's chart id can equal
    // another environment's (`project-staging` beside `staging`) or a shared chart's.
    const chart = new ArgoChart(app, `argocd-project.${env.name}`, `${PROJECTS_DIR}/${env.name}.yaml`);
    new AppProject(chart, 'project', {
      metadata: { name: projectOf(g.project, env.name), namespace: ns, labels: labels(env, { name: 'pensioen-gitops', component: 'argocd-project' }) },
      spec: {
        description: `pensioen-beslissingstool ${env.name}: the rendered manifests of dist/${env.name}, to its own namespace and cluster only`,
        sourceRepos: [g.repoURL],
        destinations: [{ server: gitops.destinationServer, namespace: env.config.namespace }],
        clusterResourceWhitelist: namedClusterEntries(objects.filter((o) => !o.metadata?.namespace)),
        namespaceResourceWhitelist: groupKinds(objects.filter((o) => o.metadata?.namespace)),
        // Report what lives in the namespace without being in git.
        orphanedResources: { warn: true },
        ...(gitops.signatureKeys.length > 0 ? { signatureKeys: gitops.signatureKeys.map((keyId) => ({ keyId })) } : {}),
        ...(gitops.syncWindows.length > 0 ? {
          syncWindows: gitops.syncWindows.map((w) => ({
            kind: w.kind, schedule: w.schedule, duration: w.duration, timeZone: w.timeZone, manualSync: w.manualSync, applications: [instanceOf(env)],
          })),
        } : {}),
      },
    });
    charts.push(chart);
  }

  // Applied by hand once: the app-of-apps, on the protected revision.
  const bootstrap = new ArgoChart(app, 'argocd-bootstrap', 'argocd/bootstrap.yaml');
  new Application(bootstrap, 'root-application', {
    metadata: { name: ROOT_APPLICATION, namespace: ns, labels: gitopsLabels('argocd-application') },
    spec: {
      project: bootstrapProject,
      source: { repoUrl: g.repoURL, targetRevision: g.bootstrapRevision, path: 'dist/argocd/apps', directory: { recurse: false } },
      destination: { server: IN_CLUSTER, namespace: ns },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true', 'CreateNamespace=false', 'FailOnSharedResource=true'],
        retry: RETRY,
      },
    },
  });
  charts.push(bootstrap);

  // Synced by the app-of-apps: one Application per environment.
  for (const { env, gitops, canaryHttpRoutes: canaryRoutes } of delivered) {
    const chart = new ArgoChart(app, `argocd-application.${env.name}`, `argocd/apps/${env.name}.yaml`);
    const subscriptions = Object.fromEntries(gitops.notifications.map((n) => [`notifications.argoproj.io/subscribe.${n.trigger}.${n.service}`, n.recipients.join(';')]));
    new Application(chart, 'application', {
      metadata: {
        name: instanceOf(env),
        namespace: ns,
        labels: labels(env, { name: 'pensioen-gitops', component: 'argocd-application' }),
        // The app-of-apps prunes an environment's Application (a rename, gitops.enabled: false) only when a
        // person confirms it; the data stays either way (Delete=false on the data owners, docs/gitops.md).
        annotations: { [SYNC_WAVE]: '0', [SYNC_OPTIONS]: PRUNE_CONFIRM, ...subscriptions },
        // Deleting the Application deletes what it deployed, except the Namespace and the data owners.
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: projectOf(g.project, env.name),
        source: { repoUrl: g.repoURL, targetRevision: gitops.targetRevision, path: `dist/${env.name}`, directory: { recurse: true } },
        destination: { server: gitops.destinationServer, namespace: env.config.namespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: canaryRoutes.length > 0 ? [...ENV_SYNC_OPTIONS, 'RespectIgnoreDifferences=true'] : ENV_SYNC_OPTIONS,
          retry: RETRY,
        },
        // A canary on the Gateway API edge: the Argo Rollouts plugin owns the weights of the HTTPRoutes'
        // backendRefs during a release; a sync keeps the live weights instead of resetting them to git's 100/0.
        ...(canaryRoutes.length > 0 ? {
          ignoreDifferences: canaryRoutes.map((name) => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name, namespace: env.config.namespace, jqPathExpressions: ['.spec.rules[].backendRefs[]?.weight'] })),
        } : {}),
        revisionHistoryLimit: 10,
      },
    });
    charts.push(chart);
  }
  return { app, charts };
}

/** The files of `dist/argocd/`, paths relative to the output folder. */
export function argocdFiles(envs: ArgoEnvironment[]): ManifestFile[] {
  return buildArgoApp(envs).charts.map((chart) => ({ path: chart.file, objects: chart.toJson() }));
}
