/**
 * FastAPI's interactive API docs and schema (/docs, /redoc, /openapi.json) are not public: both edges answer
 * them like /metrics, per environment (`backend.privatePaths`).
 */
import * as YAML from 'yaml';
import { find, fixtureText, inlineEnvironment, objectsOf } from './helpers';
import { NOT_FOUND_PATH } from '../charts/ingress';

const merge = (a: any, b: any): any => (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)
  ? Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in b ? merge(a[k], b[k]) : a[k]]))
  : b);
const env = (name: string, change: object = {}) => inlineEnvironment(name, YAML.stringify(merge(YAML.parse(fixtureText(name)), change)));
const DOCS = ['/docs', '/redoc', '/openapi.json'];

describe('ingress-nginx', () => {
  const blockedPaths = (o: Record<string, any>[]) => {
    const ing = find(o, 'Ingress', 'pensioen-metrics-block');
    expect(ing.metadata.annotations['nginx.ingress.kubernetes.io/rewrite-target']).toBe(NOT_FOUND_PATH);
    expect(ing.spec.rules.map((r: any) => r.host)).toEqual([find(o, 'Ingress', 'pensioen-ingress').spec.rules[0].host]);
    return ing.spec.rules[0].http.paths.map((p: any) => `${p.pathType} ${p.path} -> ${p.backend.service.name}`);
  };

  test('by default /metrics and the API docs, each exact and everything below it, go to a path the backend answers 404', () => {
    expect(blockedPaths(objectsOf(env('production')))).toEqual(['/metrics', ...DOCS].flatMap((p) => [`Exact ${p} -> backend-service`, `Prefix ${p}/ -> backend-service`]));
  });

  test('privatePaths [] publishes the docs; /metrics stays blocked', () => {
    expect(blockedPaths(objectsOf(env('production', { backend: { privatePaths: [] } })))).toEqual(['Exact /metrics -> backend-service', 'Prefix /metrics/ -> backend-service']);
  });

  test('with a separate metrics port only the docs are blocked; with neither, no blocking Ingress', () => {
    expect(blockedPaths(objectsOf(env('production', { backend: { metricsPort: 9000 } })))).toEqual(DOCS.flatMap((p) => [`Exact ${p} -> backend-service`, `Prefix ${p}/ -> backend-service`]));
    expect(objectsOf(env('production', { backend: { metricsPort: 9000, privatePaths: [] } })).filter((o) => o.metadata.name === 'pensioen-metrics-block')).toEqual([]);
  });

  test('another Ingress controller cannot block them: the config says so', () => {
    expect(() => env('production', { ingress: { controller: 'custom' }, backend: { metricsPort: 9000 } }))
      .toThrow(/config\/production\.yaml: backend\.privatePaths: \/docs, \/redoc, \/openapi\.json would be routed to the backend/);
    expect(() => env('production', { ingress: { controller: 'custom' }, backend: { metricsPort: 9000, privatePaths: [] } })).not.toThrow();
  });

  test('a path must be a plain path', () => {
    expect(() => env('production', { backend: { privatePaths: ['docs'] } })).toThrow(/backend\.privatePaths\[0\]: must be a path such as \/docs/);
  });
});

describe('Gateway API', () => {
  const notPublic = (o: Record<string, any>[]) => {
    const route = find(o, 'HTTPRoute', 'pensioen-api');
    const rule = route.spec.rules.find((r: any) => r.name === 'not-public');
    // Rewritten as a whole to a path the backend answers 404 for: the real path never reaches it.
    expect(rule.filters).toContainEqual({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: NOT_FOUND_PATH } } });
    return rule.matches.map((m: any) => `${m.path.type} ${m.path.value}`);
  };

  test('the not-public rule (rewritten to the 404 path) matches the docs too', () => {
    expect(notPublic(objectsOf(env('staging')))).toEqual(['/metrics', ...DOCS].map((p) => `PathPrefix ${p}`));
    expect(notPublic(objectsOf(env('staging', { backend: { privatePaths: ['/docs'] } })))).toEqual(['PathPrefix /metrics', 'PathPrefix /docs']);
  });
});
