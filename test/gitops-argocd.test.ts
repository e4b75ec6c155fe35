/** Argo CD delivery: dist/argocd/ (AppProjects, one Application per environment, the app-of-apps), checked against the Argo CD CRDs. */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { ENV_SYNC_OPTIONS, ROOT_APPLICATION, synthArgocd, type SynthesizedEnvironment } from '../charts/argocd';
import { ConfigError, type Environment } from '../lib/config';
import { toYaml } from '../lib/output/write';
import { loadCrds, validateCustomResource } from '../lib/validate/crd-schema';
import { synthEnvironment } from '../main';
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
  test('files: bootstrap (project + app-of-apps), the project, one Application per Argo CD environment', () => {
    expect(argoFiles(ENVS).map((f) => f.path)).toEqual([
      'argocd/bootstrap.yaml', 'argocd/apps/00-project.yaml', ...DELIVERED.map((e) => `argocd/apps/${e.name}.yaml`)]);
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
    expect(OBJECTS.length).toBe(3 + DELIVERED.length);
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
      expect(app.metadata.namespace).toBe(g.argocdNamespace);
      expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      expect(app.spec.project).toBe(g.project);
      expect(app.spec.source).toEqual({ repoURL: g.repoURL, targetRevision: g.targetRevision, path: `dist/${env.name}`, directory: { recurse: true } });
      expect(app.spec.destination).toEqual({ server: g.destinationServer, namespace: env.config.namespace });
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['ServerSideApply=true', 'CreateNamespace=false']));
      expect(app.spec.syncPolicy.syncOptions).toEqual(ENV_SYNC_OPTIONS);
      expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      expect(app.spec.syncPolicy.retry.backoff).toEqual({ duration: '10s', factor: 2, maxDuration: '3m' });
      // Every Application points at a folder the synth writes.
      expect(fs.existsSync(path.join(ROOT, app.spec.source.path, '00-namespace.yaml'))).toBe(true);
    }
    expect(find(OBJECTS, 'Application', 'pensioen-production').spec.source.targetRevision).toBe('production');
    expect(find(OBJECTS, 'Application', 'pensioen-staging').spec.source.targetRevision).toBe('main');
  });

  test('the app-of-apps syncs dist/argocd/apps in its own, narrow project', () => {
    const root = find(OBJECTS, 'Application', ROOT_APPLICATION);
    expect(root.__file).toBe('argocd/bootstrap.yaml');
    expect(root.spec.source.path).toBe('dist/argocd/apps');
    expect(root.spec.source.repoURL).toBe(DELIVERED[0].config.gitops.repoURL);
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(root.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    const project = find(OBJECTS, 'AppProject', root.spec.project);
    expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.namespaceResourceWhitelist).toEqual([{ group: 'argoproj.io', kind: 'Application' }, { group: 'argoproj.io', kind: 'AppProject' }]);
    // Everything the app-of-apps syncs is an Application or AppProject in that folder.
    const synced = OBJECTS.filter((o) => o.__file.startsWith('argocd/apps/'));
    expect(new Set(synced.map((o) => o.kind))).toEqual(new Set(['AppProject', 'Application']));
    expect(new Set(synced.map((o) => o.metadata.namespace))).toEqual(new Set(['argocd']));
  });

  test('the project allows this repository, each environment destination, and exactly the kinds dist/ ships', () => {
    const project = find(OBJECTS, 'AppProject', 'pensioen');
    expect(project.spec.sourceRepos).toEqual([DELIVERED[0].config.gitops.repoURL]);
    expect(project.spec.destinations).toEqual(expect.arrayContaining(DELIVERED.map((e) => ({ server: e.config.gitops.destinationServer, namespace: e.config.namespace }))));
    const shipped = DELIVERED.flatMap((e) => synthEnvironment(e).flatMap((f) => f.objects));
    const groupOf = (o: any) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '');
    const key = (x: { group: string; kind: string }) => `${x.group}/${x.kind}`;
    const clusterKinds = new Set(shipped.filter((o) => !o.metadata.namespace).map((o) => key({ group: groupOf(o), kind: o.kind })));
    const nsKinds = new Set(shipped.filter((o) => o.metadata.namespace).map((o) => key({ group: groupOf(o), kind: o.kind })));
    expect(new Set(project.spec.clusterResourceWhitelist.map(key))).toEqual(clusterKinds);
    expect(new Set(project.spec.namespaceResourceWhitelist.map(key))).toEqual(nsKinds);
    expect(clusterKinds).toEqual(new Set(['/Namespace', 'cert-manager.io/ClusterIssuer']));
    expect(nsKinds).toContain('external-secrets.io/ExternalSecret');
    expect(project.spec.orphanedResources).toEqual({ warn: true });
  });

  test('a ClusterSecretStore in an environment is whitelisted as cluster-scoped', () => {
    const env = inlineEnvironment('staging', `${fs.readFileSync(path.join(FIXTURES, 'staging.yaml'), 'utf8')}\n`
      .replace('    backend: azure-key-vault', '    kind: ClusterSecretStore\n    backend: azure-key-vault'));
    const project = find(argoObjects([env]), 'AppProject', 'pensioen');
    expect(project.spec.clusterResourceWhitelist).toContainEqual({ group: 'external-secrets.io', kind: 'ClusterSecretStore' });
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
