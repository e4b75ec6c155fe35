/**
 * Rules across the environments of one config folder: names that collide with the output folders, two
 * environments owning the same objects, serving the same host or backing up to the same place.
 */

/**
 * Environment names that would collide with what synth writes next to dist/<env>/, or with the Argo CD objects
 * every environment shares: `bootstrap` would be the app-of-apps' own AppProject (`<project>-bootstrap`,
 * dist/argocd/projects/bootstrap.yaml), `00-default` the locked-down default project's file.
 */
export const RESERVED_ENV_NAMES = ['argocd', 'apps', 'projects', 'dist', 'config', 'crds', 'runbooks', 'docs', 'schemas', 'bootstrap', '00-default'];

/** Why a reserved name is refused, in words a user can act on; undefined for a name that is not reserved. */
export function reservedNameReason(name: string): string | undefined {
  if (!RESERVED_ENV_NAMES.includes(name)) return undefined;
  if (name === 'argocd') return 'dist/argocd/ holds the Argo CD objects of every environment';
  if (name === 'bootstrap') return 'its AppProject would be the app-of-apps\' own, <gitops.project>-bootstrap in dist/argocd/projects/bootstrap.yaml';
  if (name === '00-default') return 'dist/argocd/projects/00-default.yaml is the locked-down default AppProject';
  return `dist/${name}/ is not an environment folder`;
}

/** The environment's identity for the cross-environment rules. */
export interface EnvIdentity {
  readonly name: string;
  readonly file: string;
  readonly config: {
    namespace: string; gitops: { enabled: boolean; destinationServer: string }; ingress: { apiHost: string; frontendHosts: string[] };
    database?: { mode: string; cloudnativePg?: { backup?: { objectStore?: { endpointURL?: string; destinationPath?: string } } } };
  };
}

/** Where an environment's backups go (endpoint and path, trailing slashes dropped), or undefined. */
function backupDestination(e: EnvIdentity): string | undefined {
  const store = e.config.database?.mode === 'cloudnative-pg' ? e.config.database.cloudnativePg?.backup?.objectStore : undefined;
  if (!store?.destinationPath) return undefined;
  return `${(store.endpointURL ?? '').replace(/\/+$/, '')} ${store.destinationPath.replace(/\/+$/, '')}`;
}

/** Rules across environments: names that collide with output folders, shared objects or hosts. */
export function crossEnvironmentProblems(envs: readonly EnvIdentity[]): string[] {
  const problems: string[] = [];
  for (const e of envs) {
    if (reservedNameReason(e.name)) {
      problems.push(`${e.file}: the environment name "${e.name}" is reserved (${reservedNameReason(e.name)}); rename the file (reserved: ${RESERVED_ENV_NAMES.join(', ')})`);
    }
  }
  const owner = new Map<string, EnvIdentity>();
  const hosts = new Map<string, EnvIdentity>();
  const backups = new Map<string, EnvIdentity>();
  for (const e of envs) {
    const dest = backupDestination(e);
    const other = dest ? backups.get(dest) : undefined;
    if (other) {
      problems.push(`${e.file}: database.cloudnativePg.backup.objectStore.destinationPath: "${dest!.split(' ')[1]}" is also ${other.name}'s backup destination (${other.file}); each environment needs its own (its WAL would be archived into, and restores would read, the other's backups)`);
    } else if (dest) backups.set(dest, e);
    // Only Argo CD environments name their cluster; one applied with kubectl may go anywhere.
    const key = !e.config.gitops.enabled ? `kubectl ${e.name}` : `${e.config.gitops.destinationServer.replace(/\/+$/, '').replace(/:443$/, '')} ${e.config.namespace}`;
    const o = owner.get(key);
    if (o) {
      problems.push(`${e.file}: namespace: "${e.config.namespace}" on ${e.config.gitops.destinationServer} is also ${o.name}'s (${o.file}); two environments would own the same objects and fight under Argo CD (change namespace or gitops.destinationServer)`);
    } else owner.set(key, e);
    const mine = [e.config.ingress.apiHost, ...e.config.ingress.frontendHosts];
    for (const h of new Set(mine)) {
      const other = hosts.get(h);
      if (other) problems.push(`${e.file}: ingress: host "${h}" is also served by ${other.name} (${other.file}); each host belongs to one environment`);
      else hosts.set(h, e);
    }
  }
  return problems;
}
