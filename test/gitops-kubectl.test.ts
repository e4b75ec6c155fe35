/** The kubectl path: `kubectl apply -f dist/<env>/` in one pass, and the on-prem environment. */
import * as fs from 'fs';
import * as path from 'path';
import { crdNames } from '../lib/preflight';
import { isBuiltinGroup } from '../lib/output/sync-waves';
import { environment, environments, find, objectsOf, ROOT } from './helpers';

/** group/kind of every CRD in crds/ (the operators' CRDs docs/deploy.md lists as prerequisites), to its CRD name. */
const crdKinds = () => crdNames(path.join(ROOT, 'crds'));

describe.each(environments().map((e) => [e.name, e] as const))('%s', (name, env) => {
  const objects = objectsOf(env);

  test('files in name order apply in one pass: the Namespace first, every custom resource backed by a prerequisite CRD', () => {
    const files = [...new Set(objects.map((o) => o.__file))];
    expect(files).toEqual([...files].sort());
    expect(objects[0].kind).toBe('Namespace');
    expect(objects[0].__file).toBe(`${name}/00-namespace.yaml`);
    expect(new Set(objects.filter((o) => o.metadata.namespace).map((o) => o.metadata.namespace))).toEqual(new Set([env.config.namespace]));
    const crds = crdKinds();
    const prerequisites = fs.readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
    for (const o of objects) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      if (isBuiltinGroup(group)) continue;
      expect([...crds.keys()]).toContain(`${group}/${o.kind}`);
      // and the prerequisites check in docs/deploy.md names that CRD (by its real name: plural.group)
      expect(prerequisites).toContain(crds.get(`${group}/${o.kind}`));
    }
  });

});

describe('onprem', () => {
  const env = environment('onprem');
  const objects = objectsOf(env);

  test('its own hosts, ingress class, ingress controller namespace and storage class; pre-created secrets; no Argo CD', () => {
    const c = env.config;
    expect(c.secretsProvider.type).toBe('precreated');
    expect(c.gitops.enabled).toBe(false);
    const production = environment('production').config;
    expect(c.ingress.apiHost).not.toBe(production.ingress.apiHost);
    expect(c.ingress.frontendHosts.some((h) => production.ingress.frontendHosts.includes(h))).toBe(false);
    expect(c.ingress.className).toBe('nginx-internal');
    const api = find(objects, 'Ingress', 'pensioen-ingress');
    expect(api.spec.ingressClassName).toBe('nginx-internal');
    expect(api.spec.rules.map((r: any) => r.host)).toEqual([c.ingress.apiHost]);
    const redis = find(objects, 'StatefulSet', 'redis');
    expect(redis.spec.volumeClaimTemplates.map((t: any) => t.spec.storageClassName)).toEqual(['local-ssd']);
  });

  test('the README and docs/deploy.md document the kubectl path: diff, apply, CRD prerequisites and rollback', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const deploy = fs.readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
    for (const s of ['kubectl diff -f dist/onprem/', 'kubectl apply -f dist/onprem/', 'kubectl apply -f dist/argocd/bootstrap.yaml', 'docs/deploy.md']) expect(readme).toContain(s);
    for (const s of ['kubectl diff -f dist/onprem/', 'kubectl apply -f dist/onprem/', 'git revert <commit>', 'cert-manager', 'prometheus-operator', 'External Secrets Operator']) expect(deploy).toContain(s);
  });
});
