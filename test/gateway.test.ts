/**
 * The Gateway API edge: per edge kind and implementation, explicit assertions on hosts,
 * listeners, parentRefs, every filter, the seed's CORS values, the rate limit, the solver and the
 * NetworkPolicies; the gate accepts the objects and rejects hand-broken copies; `npm run diff` shows
 * an ingress -> gateway switch object by object.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { BLOCKED_API_PATHS } from '../charts/gateway';
import { NOT_FOUND_PATH } from '../charts/ingress';
import { ConfigError, type Environment, parseConfig } from '../lib/config';
import { diffObjects, formatDiff, objectsOfFiles } from '../lib/output/object-diff';
import { allFindings, contextOf, formatFinding } from '../lib/validate';
import type { K8sObject } from '../lib/validate/types';
import { renderAll, synthEnvironment } from '../lib/pipeline';
import { FIXTURES, ROOT, environment, find } from './helpers';
import { CRD_DIR } from './validate-fixtures';

const SEED_CORS = {
  allowOrigins: ['https://pensioen-beslissingstool.nl', 'https://www.pensioen-beslissingstool.nl'],
  allowCredentials: true, allowMethods: ['GET', 'POST'], allowHeaders: ['Content-Type'],
};
const HOSTS = { api: 'api.pensioen-beslissingstool.nl', frontend: ['pensioen-beslissingstool.nl', 'www.pensioen-beslissingstool.nl'] };

/** Production's config with `edge` replaced (YAML merged at the top level). */
function production(edge: Record<string, unknown>, extra: Record<string, unknown> = {}): Environment {
  const file = path.join(FIXTURES, 'production.yaml');
  const data = { ...require('yaml').parse(fs.readFileSync(file, 'utf8')), edge, ...extra };
  return { name: 'production', file: 'config/production.yaml', config: parseConfig('config/production.yaml', stringify(data)) };
}
const objectsOf = (env: Environment): K8sObject[] => synthEnvironment(env).flatMap((f) => f.objects);
const gateFindings = (env: Environment, objects = objectsOf(env)) => allFindings(objects, contextOf(env, CRD_DIR)).map(formatFinding);

const envoy = () => production({ kind: 'gateway', gateway: { implementation: 'envoy-gateway' } });
const ngf = () => production({ kind: 'gateway', gateway: { implementation: 'nginx-gateway-fabric', className: 'nginx' } });
const shared = (implementation = 'envoy-gateway') => production({
  kind: 'gateway',
  gateway: { implementation, dataPlaneNamespace: 'edge-system', shared: { name: 'platform-gw', namespace: 'edge-system', httpSectionName: 'http', apiSectionName: 'https-api', frontendSectionName: 'https-www' } },
});

const route = (o: K8sObject[], name: string) => find(o, 'HTTPRoute', name);

describe.each([['envoy-gateway', envoy], ['nginx-gateway-fabric', ngf]] as const)('generated Gateway, %s', (impl, make) => {
  const env = make();
  const objects = objectsOf(env);

  test('no Ingress; the edge is in 40-gateway.yaml', () => {
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    expect(synthEnvironment(env).map((f) => f.path)).toContain('production/40-gateway.yaml');
  });

  test('Gateway: class, HTTP 80 and HTTPS 443 listener per host, TLS certificateRefs, cluster-issuer annotation', () => {
    const gw = find(objects, 'Gateway', 'pensioen-gateway');
    expect(gw.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(gw.spec.gatewayClassName).toBe(impl === 'envoy-gateway' ? 'eg' : 'nginx');
    const l = (name: string) => gw.spec.listeners.find((x: any) => x.name === name);
    expect(gw.spec.listeners).toHaveLength(6);
    for (const [host, secret] of [[HOSTS.api, 'pensioen-tls'], ...HOSTS.frontend.map((h) => [h, 'pensioen-frontend-tls'])]) {
      expect(l(`http-${host}`)).toEqual({ name: `http-${host}`, hostname: host, port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } });
      expect(l(`https-${host}`)).toEqual({
        name: `https-${host}`, hostname: host, port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'Same' } },
        tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: secret }] },
      });
    }
  });

  test('redirect route: every host, only the port-80 listeners, RequestRedirect https 301 and no backend', () => {
    const r = route(objects, 'pensioen-https-redirect');
    expect(r.spec.hostnames).toEqual([HOSTS.api, ...HOSTS.frontend]);
    expect(r.spec.parentRefs.map((p: any) => p.sectionName)).toEqual([HOSTS.api, ...HOSTS.frontend].map((h) => `http-${h}`));
    expect(r.spec.parentRefs.every((p: any) => p.name === 'pensioen-gateway' && p.kind === 'Gateway' && p.group === 'gateway.networking.k8s.io')).toBe(true);
    expect(r.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  });

  test('API route: HTTPS listener, HSTS, the seed\'s CORS, timeouts, backend-service:8000', () => {
    const r = route(objects, 'pensioen-api');
    expect(r.spec.hostnames).toEqual([HOSTS.api]);
    expect(r.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'pensioen-gateway', sectionName: `https-${HOSTS.api}` }]);
    const main = r.spec.rules.find((x: any) => x.name === 'api');
    expect(main.matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    expect(main.filters).toEqual([
      // HSTS and edge.securityHeaders (test/edge-hardening.test.ts)
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }, { name: 'X-Content-Type-Options', value: 'nosniff' }, { name: 'Referrer-Policy', value: 'no-referrer' }] } },
      { type: 'CORS', cors: SEED_CORS },
    ]);
    expect(main.backendRefs).toEqual([{ name: 'backend-service', port: 8000 }]);
    expect(main.timeouts).toEqual({ request: '60s', backendRequest: '60s' });
  });

  test('/metrics never reaches the backend as /metrics: its rule rewrites the whole path to one the backend answers 404 for (not the 500 of a rule without backends)', () => {
    const r = route(objects, 'pensioen-api');
    const blocked = r.spec.rules.find((x: any) => x.name === 'not-public');
    expect(blocked.matches).toEqual(['/metrics', '/docs', '/redoc', '/openapi.json'].map((value) => ({ path: { type: 'PathPrefix', value } })));
    // A rule without backendRefs answers 500 (spec, HTTPRouteNoBackendRefs): it must have a backend and a
    // URLRewrite that replaces the full path, so neither /metrics nor the docs are ever served.
    expect(blocked.backendRefs).toEqual([{ name: 'backend-service', port: 8000 }]);
    expect(blocked.filters).toContainEqual({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: NOT_FOUND_PATH } } });
    expect(BLOCKED_API_PATHS.concat(['/docs', '/redoc', '/openapi.json']).some((p) => NOT_FOUND_PATH.startsWith(p))).toBe(false);
    // Gateway API precedence: the longest matching path prefix wins, so every path the backend serves
    // metrics on (/metrics, /metrics/, /metrics/x) picks the rewriting rule.
    const reaching = (p: string) => r.spec.rules
      .filter((x: any) => x.matches.some((m: any) => p === m.path.value || p.startsWith(m.path.value.endsWith('/') ? m.path.value : `${m.path.value}/`) || m.path.value === '/'))
      .sort((a: any, b: any) => Math.max(...b.matches.map((m: any) => m.path.value.length)) - Math.max(...a.matches.map((m: any) => m.path.value.length)))[0];
    for (const p of ['/metrics', '/metrics/', '/metrics/x']) expect(reaching(p).name).toBe('not-public');
    for (const p of ['/', '/api/v1/decide', '/metricsx', '/health']) {
      expect(reaching(p).name).toBe('api');
      expect(reaching(p).backendRefs).toEqual([{ name: 'backend-service', port: 8000 }]);
    }
    expect(BLOCKED_API_PATHS).toEqual(['/metrics']);
    // the frontend route never points at port 8000
    expect(JSON.stringify(route(objects, 'pensioen-frontend'))).not.toContain('8000');
  });

  test('frontend route: frontend hosts, HTTPS listeners, HSTS, frontend-service:3000', () => {
    const r = route(objects, 'pensioen-frontend');
    expect(r.spec.hostnames).toEqual(HOSTS.frontend);
    expect(r.spec.parentRefs.map((p: any) => p.sectionName)).toEqual(HOSTS.frontend.map((h) => `https-${h}`));
    expect(r.spec.rules).toEqual([{
      name: 'frontend', matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }, { name: 'X-Content-Type-Options', value: 'nosniff' }, { name: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' }, { name: 'Content-Security-Policy', value: "frame-ancestors 'none'" }, { name: 'X-Frame-Options', value: 'DENY' }] } }],
      backendRefs: [{ name: 'frontend-service', port: 3000 }], timeouts: { request: '60s', backendRequest: '60s' },
    }]);
  });

  test('rate limit: 100 per minute per client IP on the API route', () => {
    if (impl === 'envoy-gateway') {
      const p = find(objects, 'BackendTrafficPolicy', 'pensioen-api-rate-limit');
      expect(p.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'pensioen-api' }]);
      expect(p.spec.rateLimit).toEqual({ type: 'Local', local: { rules: ['0.0.0.0/0', '::/0'].map((value) => ({ clientSelectors: [{ sourceCIDR: { type: 'Distinct', value } }], limit: { requests: 100, unit: 'Minute' } })) } });
      expect(find(objects, 'ClientTrafficPolicy', 'pensioen-client-ip').spec).toEqual({
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'pensioen-gateway' }],
        clientIPDetection: { xForwardedFor: { numTrustedHops: 1 } },
        tls: { minVersion: '1.2' },
      });
      expect(objects.filter((o) => o.apiVersion.startsWith('gateway.nginx.org/'))).toEqual([]);
    } else {
      const p = find(objects, 'RateLimitPolicy', 'pensioen-api-rate-limit');
      expect(p.spec).toEqual({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'pensioen-api' }], rateLimit: { local: { rules: [{ key: '$binary_remote_addr', rate: '100r/m', zoneSize: '10m' }] } } });
      expect(find(objects, 'ClientSettingsPolicy', 'pensioen-api-client-settings').spec).toEqual({ targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'pensioen-api' }, body: { maxSize: '1m' } });
      expect(objects.filter((o) => o.apiVersion.startsWith('gateway.envoyproxy.io/'))).toEqual([]);
    }
  });

  test('ClusterIssuers: HTTP-01 through gatewayHTTPRoute on every port-80 listener', () => {
    expect(objects.filter((o) => o.kind === 'ClusterIssuer').map((o) => o.metadata.name)).toEqual(['letsencrypt-prod']);
    for (const name of ['letsencrypt-prod']) {
      expect(find(objects, 'ClusterIssuer', name).spec.acme.solvers).toEqual([{
        http01: { gatewayHTTPRoute: { parentRefs: [HOSTS.api, ...HOSTS.frontend].map((h) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'pensioen-gateway', namespace: 'pensioen', sectionName: `http-${h}` })) } },
      }]);
    }
  });

  test('NetworkPolicies admit the data-plane namespace (not the ingress controller) to backend, frontend and solver', () => {
    const ns = impl === 'envoy-gateway' ? 'envoy-gateway-system' : 'nginx-gateway';
    // (The backend also admits the frontend's pods, by pod selector: the frontend's server-side rendering calls the API.)
    const from = (name: string) => find(objects, 'NetworkPolicy', name).spec.ingress.filter((r: any) => r.from[0].namespaceSelector).map((r: any) => [r.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], r.ports[0].port]);
    expect(from('backend')).toEqual([[ns, 8000], ['monitoring', 8000]]);
    expect(from('frontend')).toEqual([[ns, 3000]]);
    expect(from('acme-http01-solver')).toEqual([[ns, 8089]]);
  });

  test('the gate accepts every object (schemas, CEL rules, references)', () => {
    expect(gateFindings(env)).toEqual([]);
  });
});

describe('shared Gateway', () => {
  const env = shared();
  const objects = objectsOf(env);

  test('no Gateway; routes attach to the configured listeners in its namespace', () => {
    expect(objects.filter((o) => o.kind === 'Gateway')).toEqual([]);
    const ref = (s: string) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform-gw', namespace: 'edge-system', sectionName: s });
    expect(route(objects, 'pensioen-https-redirect').spec.parentRefs).toEqual([ref('http')]);
    expect(route(objects, 'pensioen-api').spec.parentRefs).toEqual([ref('https-api')]);
    expect(route(objects, 'pensioen-frontend').spec.parentRefs).toEqual([ref('https-www')]);
    expect(find(objects, 'ClusterIssuer', 'letsencrypt-prod').spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs).toEqual([ref('http')]);
  });

  test('explicit Certificates and a ReferenceGrant for the shared Gateway to read their Secrets', () => {
    expect(find(objects, 'Certificate', 'pensioen-api-tls').spec).toEqual({ secretName: 'pensioen-tls', dnsNames: [HOSTS.api], issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' }, privateKey: { rotationPolicy: 'Always' } });
    expect(find(objects, 'Certificate', 'pensioen-frontend-tls').spec.dnsNames).toEqual(HOSTS.frontend);
    expect(find(objects, 'ReferenceGrant', 'shared-gateway-tls').spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge-system' }],
      to: [{ group: '', kind: 'Secret', name: 'pensioen-tls' }, { group: '', kind: 'Secret', name: 'pensioen-frontend-tls' }],
    });
  });

  test('no ClientTrafficPolicy (it can only target a Gateway in its own namespace); the rate limit stays', () => {
    expect(objects.filter((o) => o.kind === 'ClientTrafficPolicy')).toEqual([]);
    expect(find(objects, 'BackendTrafficPolicy', 'pensioen-api-rate-limit').spec.targetRefs[0].name).toBe('pensioen-api');
  });

  test('the gate accepts it (listeners from config), NGF too', () => {
    expect(gateFindings(env)).toEqual([]);
    expect(gateFindings(shared('nginx-gateway-fabric'))).toEqual([]);
  });
});

describe('the gate rejects hand-broken copies', () => {
  const env = envoy();
  const broken = (mutate: (o: K8sObject[]) => void) => {
    const objects = structuredClone(objectsOf(env));
    mutate(objects);
    return gateFindings(env, objects);
  };

  test('a redirect together with a backend (HTTPRoute CEL rule)', () => {
    expect(broken((o) => { route(o, 'pensioen-https-redirect').spec.rules[0].backendRefs = [{ name: 'backend-service', port: 8000 }]; }))
      .toEqual(['HTTPRoute/pensioen/pensioen-https-redirect: cel-rule: .spec.rules[0]: RequestRedirect filter must not be used together with backendRefs (CEL, CRD gateway.networking.k8s.io_httproutes.yaml)']);
  });

  test('a parentRefs sectionName the Gateway does not have (references)', () => {
    expect(broken((o) => { route(o, 'pensioen-api').spec.parentRefs[0].sectionName = 'https-typo'; }))
      .toEqual([expect.stringMatching(/^HTTPRoute\/pensioen\/pensioen-api: ref-gateway-parent: \.spec\.parentRefs\[0\]: Gateway pensioen\/pensioen-gateway has no listener "https-typo" \(it has: http-api\.pensioen-beslissingstool\.nl, /)]);
    // and a shared Gateway's listeners come from config
    const s = shared();
    const objects = structuredClone(objectsOf(s));
    route(objects, 'pensioen-api').spec.parentRefs[0].sectionName = 'https';
    expect(gateFindings(s, objects)).toEqual(['HTTPRoute/pensioen/pensioen-api: ref-gateway-parent: .spec.parentRefs[0]: Gateway edge-system/platform-gw has no listener "https" (it has: http, https-api, https-www)']);
  });

  test('the solver on a listener that does not exist; a route to a missing Service port', () => {
    const f = broken((o) => {
      find(o, 'ClusterIssuer', 'letsencrypt-prod').spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs[0].sectionName = 'http';
      route(o, 'pensioen-frontend').spec.rules[0].backendRefs[0].port = 8080;
    });
    expect(f).toEqual([
      expect.stringMatching(/^ClusterIssuer\/\(cluster\)\/letsencrypt-prod: ref-gateway-parent: \.spec\.acme\.solvers\[0\]\.http01\.gatewayHTTPRoute\.parentRefs\[0\]: Gateway pensioen\/pensioen-gateway has no listener "http" /),
      'HTTPRoute/pensioen/pensioen-frontend: ref-route-backend: .spec.rules[0].backendRefs[0]: Service frontend-service has no port 8080',
    ]);
  });

  test('HTTPS listener without certificate refs; duplicate listener names (Gateway CEL rules)', () => {
    const f = broken((o) => {
      const gw = find(o, 'Gateway', 'pensioen-gateway');
      gw.spec.listeners[1].tls = { mode: 'Terminate' };
      gw.spec.listeners[2].name = gw.spec.listeners[0].name;
    });
    expect(f).toEqual(expect.arrayContaining([
      'Gateway/pensioen/pensioen-gateway: cel-rule: .spec.listeners: Listener name must be unique within the Gateway (CEL, CRD gateway.networking.k8s.io_gateways.yaml)',
      // the rule reads self.options unguarded once certificateRefs are gone: an evaluation error, which the API server rejects too
      expect.stringMatching(/^Gateway\/pensioen\/pensioen-gateway: cel-error: \.spec\.listeners\[1\]\.tls: evaluating "self\.mode == 'Terminate' \? size\(self\.certificateRefs\) > 0/),
    ]));
  });

  test('policies: a rate limit on a route not in the output; client IP detection with two sources (CEL)', () => {
    const f = broken((o) => {
      find(o, 'BackendTrafficPolicy', 'pensioen-api-rate-limit').spec.targetRefs[0].name = 'api';
      find(o, 'ClientTrafficPolicy', 'pensioen-client-ip').spec.clientIPDetection.directSourceIP = {};
    });
    expect(f).toEqual([
      'BackendTrafficPolicy/pensioen/pensioen-api-rate-limit: ref-policy-target: .spec.targetRefs[0]: HTTPRoute api is not in the output (in namespace pensioen)',
      'ClientTrafficPolicy/pensioen/pensioen-client-ip: cel-rule: .spec.clientIPDetection: exactly one of xForwardedFor, customHeader, or directSourceIP must be set (CEL, CRD gateway.envoyproxy.io_clienttrafficpolicies.yaml)',
    ]);
  });

  test('NGF: a policy targeting a Service kind (RateLimitPolicy CEL rule)', () => {
    const n = ngf();
    const objects = structuredClone(objectsOf(n));
    find(objects, 'RateLimitPolicy', 'pensioen-api-rate-limit').spec.targetRefs.push({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'pensioen-api' });
    expect(gateFindings(n, objects)).toEqual(['RateLimitPolicy/pensioen/pensioen-api-rate-limit: cel-rule: .spec.targetRefs: TargetRef Kind and Name combination must be unique (CEL, CRD gateway.nginx.org_ratelimitpolicies.yaml)']);
  });
});

describe('config: changing a value changes the output', () => {
  const objects = (edge: Record<string, unknown>, extra?: Record<string, unknown>) => objectsOf(production({ kind: 'gateway', ...edge }, extra));
  test('rate limit, CORS, HSTS, timeouts, class, name, client IP, data-plane namespace, body size', () => {
    const o = objects({ gateway: { className: 'internal', name: 'edge', hsts: 'max-age=600', timeouts: { request: '30s', backendRequest: '10s' }, clientIP: { source: 'proxy-protocol' }, dataPlaneNamespace: 'gw-pods' } },
      { ingress: { ...require('yaml').parse(fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8')).ingress, rateLimitPerMinute: 30, cors: { allowOrigins: ['https://a.example'], allowCredentials: false, allowMethods: ['GET'], allowHeaders: ['X-Y'] } } });
    const gw = find(o, 'Gateway', 'edge');
    expect(gw.spec.gatewayClassName).toBe('internal');
    const api = route(o, 'pensioen-api').spec.rules[0];
    expect(api.filters[0].responseHeaderModifier.set[0].value).toBe('max-age=600');
    expect(api.filters[1].cors).toEqual({ allowOrigins: ['https://a.example'], allowCredentials: false, allowMethods: ['GET'], allowHeaders: ['X-Y'] });
    expect(api.timeouts).toEqual({ request: '30s', backendRequest: '10s' });
    expect(find(o, 'BackendTrafficPolicy', 'pensioen-api-rate-limit').spec.rateLimit.local.rules[0].limit.requests).toBe(30);
    expect(find(o, 'ClientTrafficPolicy', 'pensioen-client-ip').spec).toEqual({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }], proxyProtocol: { optional: false }, tls: { minVersion: '1.2' } });
    expect(find(o, 'NetworkPolicy', 'backend').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('gw-pods');
    expect(route(o, 'pensioen-api').spec.parentRefs[0].name).toBe('edge');
    const n = objects({ gateway: { implementation: 'nginx-gateway-fabric', maxBodySize: '8m' } }, { ingress: { ...require('yaml').parse(fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8')).ingress, rateLimitPerMinute: 30 } });
    expect(find(n, 'RateLimitPolicy', 'pensioen-api-rate-limit').spec.rateLimit.local.rules[0].rate).toBe('30r/m');
    expect(find(n, 'ClientSettingsPolicy', 'pensioen-api-client-settings').spec.body.maxSize).toBe('8m');
    expect(find(objects({ gateway: { clientIP: { source: 'x-forwarded-for', trustedHops: 2 } } }), 'ClientTrafficPolicy', 'pensioen-client-ip').spec.clientIPDetection).toEqual({ xForwardedFor: { numTrustedHops: 2 } });
  });

  test('edge.kind ingress (the default) keeps the Ingresses and the ingress-class solver', () => {
    const o = objectsOf(production({ kind: 'ingress' }));
    // pensioen-metrics-block answers /metrics with 404 (the edge never exposes the backend's metrics).
    expect(o.filter((x) => x.kind === 'Ingress').map((x) => x.metadata.name)).toEqual(['pensioen-ingress', 'pensioen-metrics-block', 'pensioen-frontend-ingress']);
    expect(o.filter((x) => x.apiVersion.startsWith('gateway.'))).toEqual([]);
    expect(find(o, 'ClusterIssuer', 'letsencrypt-prod').spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: 'nginx' } } }]);
  });

  const problems = (edge: Record<string, unknown>): string[] => {
    try { production(edge); return []; } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
  };
  test.each([
    [{ kind: 'gateway-api' }, 'config/production.yaml: edge.kind: got "gateway-api" (allowed: "ingress", "gateway")'],
    [{ kind: 'gateway', gateway: { implementation: 'istio' } }, 'config/production.yaml: edge.gateway.implementation: "istio": no per-client-IP rate-limit policy can be generated for it (allowed: envoy-gateway, nginx-gateway-fabric)'],
    [{ kind: 'gateway', gateway: { timeouts: { request: '10s', backendRequest: '1m' } } }, 'config/production.yaml: edge.gateway.timeouts.backendRequest: must not exceed timeouts.request (10s), got 1m'],
    [{ kind: 'gateway', gateway: { timeouts: { request: '10 seconds' } } }, 'config/production.yaml: edge.gateway.timeouts.request: must be a Gateway API duration such as 30s, 1m or 500ms, got "10 seconds"'],
    [{ kind: 'gateway', gateway: { shared: { name: 'gw', namespace: 'x', apiSectionName: 'a', frontendSectionName: 'f' } } }, 'config/production.yaml: edge.gateway.shared.httpSectionName: is required (expected string)'],
    [{ kind: 'gateway', gateway: { clientIP: { source: 'header' } } }, 'config/production.yaml: edge.gateway.clientIP.source: got "header" (allowed: "x-forwarded-for", "proxy-protocol", "direct")'],
    [{ kind: 'gateway', gateway: { port: 80 } }, expect.stringContaining('config/production.yaml: edge.gateway.port: unknown key (allowed: implementation, className, name, shared,')],
  ])('rejects %j', (edge, line) => {
    expect(problems(edge)).toEqual([line]);
  });
});

test('staging ships the gateway edge (Envoy Gateway, direct client IP), production and onprem the Ingress', () => {
  expect(environment('staging').config.edge).toMatchObject({ kind: 'gateway', gateway: { implementation: 'envoy-gateway', clientIP: { source: 'direct' } } });
  expect(environment('production').config.edge.kind).toBe('ingress');
  expect(environment('onprem').config.edge.kind).toBe('ingress');
  expect(find(objectsOf(environment('staging')), 'ClientTrafficPolicy', 'pensioen-client-ip').spec.clientIPDetection).toEqual({ directSourceIP: {} });
});

describe('npm run diff: switching production from ingress to gateway, object by object', () => {
  test('in memory: Ingresses removed, Gateway, routes and policies added, issuers and NetworkPolicies changed', () => {
    const before = objectsOfFiles(renderAll([environment('production')]));
    const after = objectsOfFiles(renderAll([envoy()]));
    const d = diffObjects(before, after);
    expect(d.removed.map((x) => x.id)).toEqual(expect.arrayContaining(['production: networking.k8s.io/Ingress pensioen/pensioen-ingress', 'production: networking.k8s.io/Ingress pensioen/pensioen-frontend-ingress']));
    expect(d.added.map((x) => x.id).sort()).toEqual([
      'production: gateway.envoyproxy.io/BackendTrafficPolicy pensioen/pensioen-api-rate-limit',
      'production: gateway.envoyproxy.io/ClientTrafficPolicy pensioen/pensioen-client-ip',
      'production: gateway.networking.k8s.io/Gateway pensioen/pensioen-gateway',
      'production: gateway.networking.k8s.io/HTTPRoute pensioen/pensioen-api',
      'production: gateway.networking.k8s.io/HTTPRoute pensioen/pensioen-frontend',
      'production: gateway.networking.k8s.io/HTTPRoute pensioen/pensioen-https-redirect',
      // the edge alerts then read the Envoy proxies' own statistics
      'production: monitoring.coreos.com/PodMonitor pensioen/edge-proxy',
    ]);
    const changed = Object.fromEntries(d.changed.map((c) => [c.id, c.fields.map((f) => f.path)]));
    expect(changed['production: cert-manager.io/ClusterIssuer letsencrypt-prod']).toEqual(expect.arrayContaining([expect.stringMatching(/^spec\.acme\.solvers\[0\]\.http01\.(ingress|gatewayHTTPRoute)/)]));
    expect(changed['production: networking.k8s.io/NetworkPolicy pensioen/backend']).toEqual(['spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]']);
    expect(formatDiff(d)).toContain('pensioen-gateway');
  });

});

test('docs/gateway-api.md documents the switch and the README links it', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'gateway-api.md'), 'utf8');
  for (const s of ['## Migrating from ingress-nginx', 'Rollback', 'DNS hand-over', 'config.enableGatewayAPI=true', 'v1.6.1', '## ingress-nginx annotation -> Gateway API', 'limit-rpm', 'staging']) expect(doc).toContain(s);
  expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('[docs/gateway-api.md](docs/gateway-api.md)');
});
