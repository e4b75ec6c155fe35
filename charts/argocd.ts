import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { Application } from '../imports/argocd-applications-argoproj.io';
import { AppProject } from '../imports/argocd-appprojects-argoproj.io';
import { ConfigError, type Environment } from '../lib/config';
import { instanceOf, labels, MANAGED_BY, PART_OF } from '../lib/k8s/labels';
import type { ManifestFile } from '../lib/output/write';
import { apiGroup, SYNC_WAVE } from '../lib/output/sync-waves';

/**
 * Argo CD delivery, built from every environment (written to `dist/argocd/`):
 *
 * - `bootstrap.yaml` (applied once by hand): AppProject `<project>-bootstrap`, allowed only to manage
 *   Applications and AppProjects in the Argo CD namespace, and the app-of-apps Application `pensioen-apps`,
 *   which syncs `dist/argocd/apps/`.
 * - `apps/00-project.yaml`: AppProject `<project>`: this repository as the only source, each environment's
 *   namespace on its cluster as destinations, and as resources exactly the kinds the manifests contain
 *   (cluster-scoped ones such as Namespace, ClusterIssuer, ClusterSecretStore listed separately).
 * - `apps/<env>.yaml`: one Application per environment (with `gitops.enabled`), syncing `dist/<env>`
 *   (recursively) with automated prune and self-heal, retries with backoff and server-side apply.
 */
export const ROOT_APPLICATION = 'pensioen-apps';
export const IN_CLUSTER = 'https://kubernetes.default.svc';
export const ENV_SYNC_OPTIONS = [
  'ServerSideApply=true',
  // The Namespace is one of the manifests (00-namespace.yaml, with its Pod Security labels).
  'CreateNamespace=false',
  // Deletions only after everything else is in sync.
  'PruneLast=true',
];
export const RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } };

/** An environment with its synthesized manifests (as `synthEnvironment` returns them). */
export interface SynthesizedEnvironment {
  readonly env: Environment;
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
function sharedSettings(envs: Environment[]) {
  const keys = ['repoURL', 'argocdNamespace', 'project', 'bootstrapRevision'] as const;
  const first = envs[0].config.gitops;
  const problems: string[] = [];
  for (const e of envs.slice(1)) {
    for (const k of keys) {
      if (e.config.gitops[k] !== first[k]) {
        problems.push(`${e.file}: gitops.${k}: must be the same in every environment delivered by Argo CD (${envs[0].file} has ${JSON.stringify(first[k])}), got ${JSON.stringify(e.config.gitops[k])}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return first;
}

/** Builds the Argo CD App; no charts when no environment has `gitops.enabled`. */
export function buildArgoApp(synthesized: SynthesizedEnvironment[]): { app: App; charts: ArgoChart[] } {
  const app = new App();
  const delivered = synthesized.filter((s) => s.env.config.gitops.enabled);
  if (delivered.length === 0) return { app, charts: [] };
  const g = sharedSettings(delivered.map((s) => s.env));
  const ns = g.argocdNamespace;

  const bootstrap = new ArgoChart(app, 'argocd-bootstrap', 'argocd/bootstrap.yaml');
  const bootstrapProject = `${g.project}-bootstrap`;
  new AppProject(bootstrap, 'bootstrap-project', {
    metadata: { name: bootstrapProject, namespace: ns, labels: gitopsLabels('argocd-project') },
    spec: {
      description: 'The app-of-apps of pensioen-k8s: may only manage the environment Applications and their AppProject',
      sourceRepos: [g.repoURL],
      destinations: [{ server: IN_CLUSTER, namespace: ns }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'Application' }, { group: 'argoproj.io', kind: 'AppProject' }],
    },
  });
  new Application(bootstrap, 'root-application', {
    metadata: { name: ROOT_APPLICATION, namespace: ns, labels: gitopsLabels('argocd-application') },
    spec: {
      project: bootstrapProject,
      source: { repoUrl: g.repoURL, targetRevision: g.bootstrapRevision, path: 'dist/argocd/apps', directory: { recurse: false } },
      destination: { server: IN_CLUSTER, namespace: ns },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'],
        retry: RETRY,
      },
    },
  });

  const projectChart = new ArgoChart(app, 'argocd-project', 'argocd/apps/00-project.yaml');
  const objects = delivered.flatMap((s) => s.files.flatMap((f) => f.objects));
  new AppProject(projectChart, 'project', {
    metadata: { name: g.project, namespace: ns, labels: gitopsLabels('argocd-project'), annotations: { [SYNC_WAVE]: '-1' } },
    spec: {
      description: 'pensioen-beslissingstool: the rendered manifests of every environment (dist/<env>)',
      sourceRepos: [g.repoURL],
      destinations: delivered
        .map((s) => ({ server: s.env.config.gitops.destinationServer, namespace: s.env.config.namespace }))
        .filter((d, i, all) => all.findIndex((x) => x.server === d.server && x.namespace === d.namespace) === i),
      clusterResourceWhitelist: groupKinds(objects.filter((o) => !o.metadata?.namespace)),
      namespaceResourceWhitelist: groupKinds(objects.filter((o) => o.metadata?.namespace)),
      // Report what lives in the namespace without being in git.
      orphanedResources: { warn: true },
    },
  });

  const charts: ArgoChart[] = [bootstrap, projectChart];
  for (const { env } of delivered) {
    const chart = new ArgoChart(app, `argocd-${env.name}`, `argocd/apps/${env.name}.yaml`);
    const c = env.config;
    new Application(chart, 'application', {
      metadata: {
        name: instanceOf(env),
        namespace: ns,
        labels: labels(env, { name: 'pensioen-gitops', component: 'argocd-application' }),
        annotations: { [SYNC_WAVE]: '0' },
        // Removing the environment from config (and so its Application) deletes what it deployed.
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: g.project,
        source: { repoUrl: g.repoURL, targetRevision: c.gitops.targetRevision, path: `dist/${env.name}`, directory: { recurse: true } },
        destination: { server: c.gitops.destinationServer, namespace: c.namespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ENV_SYNC_OPTIONS,
          retry: RETRY,
        },
        revisionHistoryLimit: 10,
      },
    });
    charts.push(chart);
  }
  return { app, charts };
}

/** The files of `dist/argocd/`, paths relative to the output folder. */
export function synthArgocd(synthesized: SynthesizedEnvironment[]): ManifestFile[] {
  return buildArgoApp(synthesized).charts.map((chart) => ({ path: chart.file, objects: chart.toJson() }));
}
