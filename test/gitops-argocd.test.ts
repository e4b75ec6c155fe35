/** Argo CD delivery: dist/argocd/ (AppProjects, one Application per environment, the app-of-apps), checked against the Argo CD CRDs. */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { ENV_SYNC_OPTIONS, ROOT_APPLICATION } from '../charts/argocd';
import { parseConfig } from '../lib/config';
import { ConfigError, type Environment } from '../lib/config';
import { toYaml } from '../lib/output/write';
import { loadCrds, validateCustomResource } from '../lib/validate/crd-schema';
import { synthArgocd, synthEnvironment, type SynthesizedEnvironment } from '../lib/pipeline';
import { crossEnvironmentProblems } from '../lib/config/cross-environment';
import { configEnvironments, environments, find, inlineEnvironment, FIXTURES, ROOT } from './helpers';

const synthesized = (envs: Environment[]): SynthesizedEnvironment[] => envs.map((env) => ({ env, files: synthEnvironment(env) }));
const argoFiles = (envs: Environment[]) => synthArgocd(synthesized(envs));
const argoObjects = (envs: Environment[]): Record<string, any>[] => argoFiles(envs).flatMap((f) => f.objects.map((o) => ({ ...o, __file: f.path })));

const ENVS = environments();
const DELIVERED = ENVS.filter((e) => e.config.gitops.enabled);
const OBJECTS = argoObjects(ENVS);

/** Every Argo CD CRD's openAPIV3Schema, compiled by ajv as the shared CRD notes describe (strict: false, ajv-formats). */
function crdValidators() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const out = new Map<string, ReturnType<typeof ajv.compile>>();
  for (const f of ['argoproj.io_applications.yaml', 'argoproj.io_appprojects.yaml']) {
    const crd = parseAllDocuments(fs.readFileSync(path.join(ROOT, 'crds', f), 'utf8'))[0].toJS({ maxAliasCount: -1 });
    for (const v of crd.spec.versions) out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
  }
  return out;
}

describe('dist/argocd/', () => {
  test('files: the projects (applied by hand), the bootstrap, one Application per Argo CD environment', () => {
    expect(argoFiles(ENVS).map((f) => f.path)).toEqual([
      'argocd/projects/00-default.yaml', 'argocd/projects/bootstrap.yaml', ...DELIVERED.map((e) => `argocd/projects/${e.name}.yaml`),
      'argocd/bootstrap.yaml', ...DELIVERED.map((e) => `argocd/apps/${e.name}.yaml`)]);
    expect(DELIVERED.map((e) => e.name)).toEqual(expect.arrayContaining(['production', 'staging']));
    expect(DELIVERED.map((e) => e.name)).not.toContain('onprem');
  });

  test('every object validates against its Argo CD CRD (ajv on openAPIV3Schema, and the strict gate)', () => {
    const validators = crdValidators();
    const registry = loadCrds(path.join(ROOT, 'crds'));
    for (const o of OBJECTS) {
      const { __file, ...obj } = o;
      const gvk = `${obj.apiVersion}/${obj.kind}`;
      const validate = validators.get(gvk);
      expect(validate).toBeDefined();
      const ok = validate!(obj);
      expect({ object: `${__file} ${obj.kind}/${obj.metadata.name}`, errors: ok ? null : validate!.errors }).toEqual({ object: expect.any(String), errors: null });
      const crd = registry.get(gvk)!;
      expect(validateCustomResource(obj, crd)).toEqual([]);
    }
    expect(OBJECTS.length).toBe(3 + 2 * DELIVERED.length);
  });

  test('the CRD check rejects a wrong Application (it is not vacuous)', () => {
    const validate = crdValidators().get('argoproj.io/v1alpha1/Application')!;
    const { __file, ...app } = find(OBJECTS, 'Application', 'pensioen-production');
    expect(validate(app)).toBe(true);
    expect(validate({ ...app, spec: { ...app.spec, destination: undefined } })).toBe(false);
    expect(validate({ ...app, spec: { ...app.spec, syncPolicy: { ...app.spec.syncPolicy, retry: { limit: 'five' } } } })).toBe(false);
  });

  test('one Application per environment: dist/<env> of this repository, recursive, automated with prune, self-heal, retry, server-side apply', () => {
    for (const env of DELIVERED) {
      const app = find(OBJECTS, 'Application', `pensioen-${env.name}`);
      const g = env.config.gitops;
      expect(app.__file).toBe(`argocd/apps/${env.name}.yaml`);
      expect(app.metadata.namespace).toBe(g.argocdNamespace);
      expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      // The app-of-apps does not prune an environment's Application without a person confirming it.
      expect(app.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=confirm');
      expect(app.spec.project).toBe(`${g.project}-${env.name}`);
      expect(app.spec.source).toEqual({ repoURL: g.repoURL, targetRevision: g.targetRevision, path: `dist/${env.name}`, directory: { recurse: true } });
      expect(app.spec.destination).toEqual({ server: g.destinationServer, namespace: env.config.namespace });
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['ServerSideApply=true', 'CreateNamespace=false', 'FailOnSharedResource=true']));
      // A canary on the Gateway API edge: a sync keeps the weights Argo Rollouts' plugin set (docs/delivery.md).
      const gatewayCanary = env.config.delivery.strategy === 'canary' && env.config.edge.kind === 'gateway';
      expect(app.spec.syncPolicy.syncOptions).toEqual(gatewayCanary ? [...ENV_SYNC_OPTIONS, 'RespectIgnoreDifferences=true'] : ENV_SYNC_OPTIONS);
      if (gatewayCanary) expect(app.spec.ignoreDifferences.map((d: any) => `${d.kind}/${d.name}: ${d.jqPathExpressions}`)).toContain('HTTPRoute/pensioen-api: .spec.rules[].backendRefs[]?.weight');
      else expect(app.spec.ignoreDifferences).toBeUndefined();
      expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      expect(app.spec.syncPolicy.retry.backoff).toEqual({ duration: '10s', factor: 2, maxDuration: '3m' });
      // Every Application points at a folder the synth writes.
      expect(fs.existsSync(path.join(ROOT, app.spec.source.path, '00-namespace.yaml'))).toBe(true);
    }
    expect(find(OBJECTS, 'Application', 'pensioen-production').spec.source.targetRevision).toBe('production');
    expect(find(OBJECTS, 'Application', 'pensioen-staging').spec.source.targetRevision).toBe('main');
  });

  test('a commit cannot widen its own rights: the app-of-apps syncs Applications only, never AppProjects', () => {
    const root = find(OBJECTS, 'Application', ROOT_APPLICATION);
    expect(root.__file).toBe('argocd/bootstrap.yaml');
    expect(root.spec.source.path).toBe('dist/argocd/apps');
    expect(root.spec.source.directory).toEqual({ recurse: false });
    expect(root.spec.source.repoURL).toBe(DELIVERED[0].config.gitops.repoURL);
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(root.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    const project = find(OBJECTS, 'AppProject', root.spec.project);
    expect(project.__file).toBe('argocd/projects/bootstrap.yaml');
    expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.namespaceResourceWhitelist).toEqual([{ group: 'argoproj.io', kind: 'Application' }]);
    // Everything the app-of-apps syncs is an Application in the Argo CD namespace; every AppProject is in
    // projects/, which nothing in Argo CD syncs.
    const synced = OBJECTS.filter((o) => o.__file.startsWith('argocd/apps/'));
    expect(new Set(synced.map((o) => o.kind))).toEqual(new Set(['Application']));
    expect(new Set(synced.map((o) => o.metadata.namespace))).toEqual(new Set(['argocd']));
    for (const o of OBJECTS.filter((x) => x.kind === 'AppProject')) expect(o.__file).toMatch(/^argocd\/projects\//);
    for (const o of OBJECTS.filter((x) => x.kind === 'Application')) expect(o.spec.source.path).not.toMatch(/projects/);
  });

  test('the default project is locked down: no source, no destination, no kind', () => {
    const d = find(OBJECTS, 'AppProject', 'default');
    expect(d.__file).toBe('argocd/projects/00-default.yaml');
    expect(d.spec).toMatchObject({ sourceRepos: [], destinations: [], clusterResourceWhitelist: [], namespaceResourceWhitelist: [], namespaceResourceBlacklist: [{ group: '*', kind: '*' }] });
    for (const o of OBJECTS.filter((x) => x.kind === 'Application')) expect(o.spec.project).not.toBe('default');
  });

  test('one project per environment: its own cluster and namespace only, exactly the kinds it ships, cluster-scoped ones by name', () => {
    for (const env of DELIVERED) {
      const project = find(OBJECTS, 'AppProject', `pensioen-${env.name}`);
      expect(project.__file).toBe(`argocd/projects/${env.name}.yaml`);
      expect(project.spec.sourceRepos).toEqual([env.config.gitops.repoURL]);
      expect(project.spec.destinations).toEqual([{ server: env.config.gitops.destinationServer, namespace: env.config.namespace }]);
      const shipped = synthEnvironment(env).flatMap((f) => f.objects);
      const groupOf = (o: any) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '');
      const key = (x: { group: string; kind: string }) => `${x.group}/${x.kind}`;
      const nsKinds = new Set(shipped.filter((o) => o.metadata.namespace).map((o) => key({ group: groupOf(o), kind: o.kind })));
      expect(new Set(project.spec.namespaceResourceWhitelist.map(key))).toEqual(nsKinds);
      // Every cluster-scoped entry names its object (Argo CD 3.5 AppProject: `name` on whitelist entries).
      const clusterObjects = shipped.filter((o) => !o.metadata.namespace).map((o) => `${groupOf(o)}/${o.kind}/${o.metadata.name}`).sort();
      expect(project.spec.clusterResourceWhitelist.map((e: any) => `${e.group}/${e.kind}/${e.name}`).sort()).toEqual([...new Set(clusterObjects)]);
      for (const e of project.spec.clusterResourceWhitelist) expect(e.name).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
      expect(project.spec.clusterResourceWhitelist).toContainEqual({ group: '', kind: 'Namespace', name: env.config.namespace });
      expect(project.spec.orphanedResources).toEqual({ warn: true });
    }
    expect(find(OBJECTS, 'AppProject', 'pensioen-production').spec.clusterResourceWhitelist).toContainEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' });
    // Staging's project can never target production's cluster.
    const staging = find(OBJECTS, 'AppProject', 'pensioen-staging');
    const production = find(OBJECTS, 'Application', 'pensioen-production');
    expect(staging.spec.destinations.map((d: any) => d.server)).not.toContain(production.spec.destination.server);
  });

  test('a ClusterSecretStore in an environment is whitelisted as cluster-scoped, by name', () => {
    const env = inlineEnvironment('staging', `${fs.readFileSync(path.join(FIXTURES, 'staging.yaml'), 'utf8')}\n`
      .replace('    backend: azure-key-vault', '    kind: ClusterSecretStore\n    backend: azure-key-vault'));
    const project = find(argoObjects([env]), 'AppProject', 'pensioen-staging');
    expect(project.spec.clusterResourceWhitelist).toContainEqual({ group: 'external-secrets.io', kind: 'ClusterSecretStore', name: env.config.secretsProvider.store.name });
  });

  test('production and the app-of-apps follow the protected revision; a protected environment on another revision is refused', () => {
    const prod = ENVS.find((e) => e.name === 'production')!;
    expect(prod.config.gitops.protected).toBe(true);
    expect(find(OBJECTS, 'Application', ROOT_APPLICATION).spec.source.targetRevision).toBe(prod.config.gitops.bootstrapRevision);
    expect(prod.config.gitops.bootstrapRevision).toBe('production');
    expect(find(OBJECTS, 'Application', 'pensioen-production').spec.source.targetRevision).toBe('production');
    const text = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8');
    expect(() => parseConfig('config/production.yaml', text.replace('targetRevision: production', 'targetRevision: main')))
      .toThrow(/config\/production\.yaml: gitops\.targetRevision: must be the protected revision gitops\.bootstrapRevision \("production"\) because gitops\.protected is true/);
    // The revision follows the config: another protected name moves both.
    const moved = inlineEnvironment('production', text.replace('targetRevision: production', 'targetRevision: release\n  bootstrapRevision: release'));
    const objs = argoObjects([moved]);
    expect(find(objs, 'Application', ROOT_APPLICATION).spec.source.targetRevision).toBe('release');
    expect(find(objs, 'Application', 'pensioen-production').spec.source.targetRevision).toBe('release');
  });

  test('signature keys, sync windows and notifications from config', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8').replace('  protected: true', [
      '  protected: true',
      '  signatureKeys: [4AEE18F83AFDEB23]',
      '  syncWindows:',
      '    - { kind: deny, schedule: "0 8 * * 1-5", duration: 10h, manualSync: true }',
      '  notifications:',
      '    - { trigger: on-sync-failed, service: slack, recipients: [pensioen-ops, pensioen-dev] }',
    ].join('\n'));
    const objs = argoObjects([inlineEnvironment('production', text)]);
    const project = find(objs, 'AppProject', 'pensioen-production');
    expect(project.spec.signatureKeys).toEqual([{ keyID: '4AEE18F83AFDEB23' }]);
    expect(project.spec.syncWindows).toEqual([{ kind: 'deny', schedule: '0 8 * * 1-5', duration: '10h', timeZone: 'Europe/Amsterdam', manualSync: true, applications: ['pensioen-production'] }]);
    // Commits the app-of-apps syncs must be signed too (production follows the bootstrap revision).
    expect(find(objs, 'AppProject', 'pensioen-bootstrap').spec.signatureKeys).toEqual([{ keyID: '4AEE18F83AFDEB23' }]);
    expect(find(objs, 'Application', 'pensioen-production').metadata.annotations['notifications.argoproj.io/subscribe.on-sync-failed.slack']).toBe('pensioen-ops;pensioen-dev');
    // Not set: none of them.
    expect(find(OBJECTS, 'AppProject', 'pensioen-production').spec.signatureKeys).toBeUndefined();
    expect(find(OBJECTS, 'AppProject', 'pensioen-production').spec.syncWindows).toBeUndefined();
    expect(() => parseConfig('config/production.yaml', text.replace('4AEE18F83AFDEB23', 'nope'))).toThrow(/gitops\.signatureKeys\[0\]: must be a GnuPG key ID/);
    expect(() => parseConfig('config/production.yaml', text.replace('"0 8 * * 1-5"', '"0 8 * *"'))).toThrow(/gitops\.syncWindows\[0\]\.schedule: must be a cron schedule/);
  });

  test('settings that must be shared across environments are checked, naming the file and key', () => {
    const base = fs.readFileSync(path.join(FIXTURES, 'staging.yaml'), 'utf8');
    const a = inlineEnvironment('staging', base);
    const b = inlineEnvironment('other', `${base}\n`.replace('gitops:\n', 'gitops:\n  repoURL: https://git.example.nl/fork.git\n'));
    expect(() => argoFiles([a, b])).toThrow(ConfigError);
    try { argoFiles([a, b]); } catch (e) {
      expect((e as ConfigError).problems).toEqual([expect.stringMatching(/^config\/other\.yaml: gitops\.repoURL: must be the same in every environment/)]);
    }
  });

  test('environments named so that one name contains another (project-staging beside staging) get their own projects and Applications', () => {
    // Regression: chart ids were argocd-<env> and argocd-project-<env>, so `project-staging` collided with
    // staging's project chart, and synth stopped with an internal error on a valid config.
    const base = fs.readFileSync(path.join(FIXTURES, 'staging.yaml'), 'utf8');
    const a = inlineEnvironment('staging', base);
    const b = inlineEnvironment('project-staging', base.replace(/namespace: (\S+)/, 'namespace: $1-two'));
    const paths = argoFiles([a, b]).map((f) => f.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['argocd/apps/project-staging.yaml', 'argocd/apps/staging.yaml', 'argocd/projects/project-staging.yaml', 'argocd/projects/staging.yaml']));
    expect(new Set(paths).size).toBe(paths.length);
  });

  test.each([
    ['bootstrap', /^config\/bootstrap\.yaml: the environment name "bootstrap" is reserved \(its AppProject would be the app-of-apps' own, <gitops\.project>-bootstrap in dist\/argocd\/projects\/bootstrap\.yaml\); rename the file/],
    ['00-default', /^config\/00-default\.yaml: the environment name "00-default" is reserved \(dist\/argocd\/projects\/00-default\.yaml is the locked-down default AppProject\)/],
  ])('an environment named %s, which would be a shared Argo CD object, is refused with the file and the reason', (name, message) => {
    // Regression: an environment named bootstrap stopped synth with an internal error (a duplicate construct).
    const env = inlineEnvironment(name, fs.readFileSync(path.join(FIXTURES, 'staging.yaml'), 'utf8'));
    expect(crossEnvironmentProblems([env])).toEqual([expect.stringMatching(message)]);
  });

  test('no Argo CD environment: no dist/argocd/ files', () => {
    expect(argoFiles(ENVS.filter((e) => !e.config.gitops.enabled))).toEqual([]);
  });

  test('dist/argocd/ is committed as synthesized (from config/)', () => {
    for (const f of argoFiles(configEnvironments())) {
      expect(fs.readFileSync(path.join(ROOT, 'dist', f.path), 'utf8')).toBe(toYaml(f.objects, '*'));
    }
  });

  test('snapshot', () => {
    expect(Object.fromEntries(argoFiles(ENVS).map((f) => [f.path, toYaml(f.objects, '*')]))).toMatchSnapshot();
  });
});
