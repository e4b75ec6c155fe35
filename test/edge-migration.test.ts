/**
 * Switching the edge without an outage (`edge.migrateFrom`): the edge being retired keeps serving, keeps
 * obtaining the certificates (DNS still points at it) and stays admitted by the NetworkPolicies and the Argo CD
 * project, beside the new edge that serves the same TLS Secrets; removing the key retires it.
 */
import { parse, stringify } from 'yaml';
import { ConfigError, type Environment, parseConfig } from '../lib/config';
import { allFindings, contextOf, formatFinding } from '../lib/validate';
import { synthArgocd, synthEnvironment } from '../lib/pipeline';
import { fixtureText } from './helpers';
import { CRD_DIR } from './validate-fixtures';

/** The production fixture (ingress-nginx) with its edge replaced. */
function production(edge: Record<string, unknown>): Environment {
  const doc = parse(fixtureText('production'));
  doc.edge = edge;
  return { name: 'production', file: 'config/production.yaml', config: parseConfig('config/production.yaml', stringify(doc)) };
}
const files = (env: Environment) => synthEnvironment(env);
const objectsIn = (env: Environment, file: string) => files(env).find((f) => f.path === `${env.name}/${file}`)?.objects ?? [];
const all = (env: Environment) => files(env).flatMap((f) => f.objects);
const policy = (env: Environment, name: string) => all(env).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name)!;
const admittedNamespaces = (env: Environment, name: string) => policy(env, name).spec.ingress
  .flatMap((r: any) => r.from ?? []).map((p: any) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).filter((ns: string | undefined) => ns && ns !== 'monitoring');

const before = production({ kind: 'ingress' });
const migrating = production({ kind: 'gateway', migrateFrom: 'ingress', gateway: { implementation: 'envoy-gateway' } });
const after = production({ kind: 'gateway', gateway: { implementation: 'envoy-gateway' } });

test('while migrating both edges are written: the Ingresses (40-ingress.yaml) and the Gateway with its routes (40-gateway.yaml)', () => {
  expect(objectsIn(migrating, '40-ingress.yaml').filter((o) => o.kind === 'Ingress').map((o) => o.metadata.name).sort())
    .toEqual(objectsIn(before, '40-ingress.yaml').filter((o) => o.kind === 'Ingress').map((o) => o.metadata.name).sort());
  expect(objectsIn(migrating, '40-gateway.yaml').map((o) => o.kind)).toEqual(expect.arrayContaining(['Gateway', 'HTTPRoute']));
  expect(objectsIn(migrating, '40-gateway.yaml').map((o) => o.kind)).toEqual(objectsIn(after, '40-gateway.yaml').map((o) => o.kind).filter((k) => !/Issuer$/.test(k)));
});

test('the retiring Ingresses keep obtaining the certificates (issuers, annotation, HTTP-01 through the ingress class); the Gateway serves the same Secrets without asking for them', () => {
  const ingressIssuers = objectsIn(migrating, '40-ingress.yaml').filter((o) => /Issuer$/.test(o.kind));
  expect(ingressIssuers.map((o) => o.metadata.name)).toEqual(objectsIn(before, '40-ingress.yaml').filter((o) => /Issuer$/.test(o.kind)).map((o) => o.metadata.name));
  expect(JSON.stringify(ingressIssuers)).toContain('"ingressClassName":"nginx"');
  expect(objectsIn(migrating, '40-gateway.yaml').filter((o) => /Issuer$|^Certificate$/.test(o.kind))).toEqual([]);
  for (const i of objectsIn(migrating, '40-ingress.yaml').filter((o) => o.kind === 'Ingress' && o.spec.tls)) {
    expect(Object.keys(i.metadata.annotations)).toEqual(expect.arrayContaining([expect.stringMatching(/^cert-manager\.io\/(cluster-)?issuer$/)]));
  }
  const gw = objectsIn(migrating, '40-gateway.yaml').find((o) => o.kind === 'Gateway')!;
  expect(Object.keys(gw.metadata.annotations ?? {}).filter((k) => k.startsWith('cert-manager.io/'))).toEqual([]);
  const secrets = (o: any) => o.spec.listeners.flatMap((l: any) => l.tls?.certificateRefs?.map((r: any) => r.name) ?? []);
  expect(new Set(secrets(gw))).toEqual(new Set(objectsIn(before, '40-ingress.yaml').flatMap((i) => (i.spec.tls ?? []).map((t: any) => t.secretName))));
});

test('backend, frontend and the HTTP-01 solver admit both the ingress controller and the Gateway data plane', () => {
  for (const name of ['backend', 'frontend', 'acme-http01-solver']) {
    expect({ name, ns: admittedNamespaces(migrating, name).sort() }).toEqual({ name, ns: ['envoy-gateway-system', 'ingress-nginx'] });
    expect({ name, ns: admittedNamespaces(after, name) }).toEqual({ name, ns: ['envoy-gateway-system'] });
    expect({ name, ns: admittedNamespaces(before, name) }).toEqual({ name, ns: ['ingress-nginx'] });
  }
});

test('the Argo CD project allows both edges\' kinds while migrating, only the new one after', () => {
  const kinds = (env: Environment) => {
    const project = synthArgocd([{ env, files: files(env) }]).flatMap((f) => f.objects).find((o) => o.kind === 'AppProject' && o.spec.namespaceResourceWhitelist?.some((w: any) => w.kind === 'Deployment'))!;
    return project.spec.namespaceResourceWhitelist.map((w: any) => w.kind);
  };
  expect(kinds(migrating)).toEqual(expect.arrayContaining(['Ingress', 'Gateway', 'HTTPRoute']));
  expect(kinds(after)).not.toContain('Ingress');
});

test('the gate finds nothing in either step; retiring (removing the key) gives the plain gateway edge', () => {
  for (const env of [migrating, after]) expect(allFindings(all(env), contextOf(env, CRD_DIR)).map(formatFinding)).toEqual([]);
  expect(files(after).map((f) => f.path)).not.toContain('production/40-ingress.yaml');
  const gw = objectsIn(after, '40-gateway.yaml').find((o) => o.kind === 'Gateway')!;
  expect(Object.keys(gw.metadata.annotations).some((k) => k.startsWith('cert-manager.io/'))).toBe(true);
});

test('the way back works the same (gateway to ingress), and migrateFrom must differ from kind', () => {
  const back = production({ kind: 'ingress', migrateFrom: 'gateway', gateway: { implementation: 'envoy-gateway' } });
  expect(objectsIn(back, '40-gateway.yaml').filter((o) => /Issuer$/.test(o.kind)).length).toBeGreaterThan(0);
  expect(objectsIn(back, '40-ingress.yaml').filter((o) => /Issuer$/.test(o.kind))).toEqual([]);
  let problems: string[] = [];
  try { production({ kind: 'gateway', migrateFrom: 'gateway' }); } catch (e) { problems = (e as ConfigError).problems; }
  expect(problems).toEqual(['config/production.yaml: edge.migrateFrom: is the edge being retired and must differ from edge.kind (gateway); remove it once the migration is done (allowed: "ingress")']);
});
