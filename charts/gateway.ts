import type { Construct } from 'constructs';
import { BACKEND, FRONTEND, NOT_FOUND_PATH } from '../lib/names';
import { Certificate } from '../imports/certmanager-certificates-cert-manager.io';
import { BackendTrafficPolicy, BackendTrafficPolicySpecRateLimitLocalRulesClientSelectorsSourceCidrType as CidrType, BackendTrafficPolicySpecRateLimitLocalRulesLimitUnit as Unit, BackendTrafficPolicySpecRateLimitType, BackendTrafficPolicySpecRequestBufferLimit } from '../imports/envoy-backendtrafficpolicies-gateway.envoyproxy.io';
import { ClientTrafficPolicy, type ClientTrafficPolicySpec, ClientTrafficPolicySpecTlsMinVersion } from '../imports/envoy-clienttrafficpolicies-gateway.envoyproxy.io';
import { Gateway, GatewaySpecListenersTlsMode } from '../imports/gateway-gateways-gateway.networking.k8s.io';
import {
  HttpRouteSpecRulesBackendRefsFiltersType, HttpRoute, type HttpRouteSpecRules, type HttpRouteSpecRulesFilters, HttpRouteSpecRulesFiltersCorsAllowMethods, HttpRouteSpecRulesFiltersRequestRedirectScheme,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode, HttpRouteSpecRulesFiltersType, HttpRouteSpecRulesFiltersUrlRewritePathType, HttpRouteSpecRulesMatchesPathType,
} from '../imports/gateway-httproutes-gateway.networking.k8s.io';
import { ReferenceGrant } from '../imports/gateway-referencegrants-gateway.networking.k8s.io';
import { ClientSettingsPolicy } from '../imports/ngf-clientsettingspolicies-gateway.nginx.org';
import { RateLimitPolicy } from '../imports/ngf-ratelimitpolicies-gateway.nginx.org';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import type { Workload } from '../lib/constructs/workload';
import type { EnvConfig } from '../lib/config';
import type { EdgeCertificates } from '../lib/edge/acme';
import { gatewayListeners, listenerName } from '../lib/edge/gateway-names';
import { meta, PART_OF } from '../lib/k8s/labels';
import { RELEASE_HEADER } from '../lib/delivery/frontend-analysis';

export const GATEWAY_API_ROUTE = 'pensioen-api';
export const GATEWAY_FRONTEND_ROUTE = 'pensioen-frontend';
export const GATEWAY_REDIRECT_ROUTE = 'pensioen-https-redirect';
/** Paths of the backend that are never routed from outside (Prometheus scrapes them inside the cluster). */
export const BLOCKED_API_PATHS = ['/metrics'];
const GW = 'gateway.networking.k8s.io';
/** An NGINX size (1m, 512k, 2g, 1024) as a Kubernetes quantity (1Mi, 512Ki, 2Gi, 1024). */
export const envoyQuantity = (nginx: string): string => nginx.replace(/^(\d+)([kmg])$/, (_m, n: string, u: string) => `${n}${u.toUpperCase()}i`);

export interface GatewayChartProps extends EnvChartProps {
  /** `edge`: the Gateway (generated or shared, implementation, timeouts, client IP, TLS, body size, HSTS) and the security headers. */
  readonly edge: EnvConfig['edge'];
  /** `ingress`: the hosts and their TLS Secrets, CORS and the rate limit (the same for both edges). */
  readonly ingress: EnvConfig['ingress'];
  /** The workloads the routes send traffic to: their Services' `http` ports. */
  readonly backend: Workload;
  readonly frontend: Workload;
  /** `backend.privatePaths`: paths of the backend never routed from outside (besides `/metrics`). */
  readonly privatePaths: string[];
  /**
   * The canary Service of each workload released as a canary (`delivery.strategy: canary`): the routes name it
   * beside the stable Service, for the Argo Rollouts Gateway API plugin to weight.
   * @default - none: every rule sends everything to the stable Service
   */
  readonly canaryServices?: { readonly backend?: string; readonly frontend?: string };
  /**
   * The issuers and how the Gateway names them (lib/edge/acme.ts), when this edge obtains the certificates.
   * @default - none: the Ingress edge obtains them (during a migration from it) and this Gateway serves the same TLS Secrets
   */
  readonly certificates?: EdgeCertificates;
}

/**
 * The Gateway API edge (`edge.kind: gateway`), the same behaviour as the seed's ingress-nginx edge with
 * standard features where the standard has them:
 * - a generated Gateway (HTTP 80 and HTTPS 443 listeners per host, TLS from cert-manager through the
 *   `cert-manager.io/cluster-issuer` annotation) or a shared one (explicit Certificates, and a
 *   ReferenceGrant that lets it read their Secrets);
 * - HTTPRoute `pensioen-https-redirect` on the port-80 listeners: 301 to https for every host;
 * - HTTPRoutes `pensioen-api` and `pensioen-frontend` on the HTTPS listeners: HSTS
 *   (ResponseHeaderModifier), CORS on the API (the standard CORS filter), timeouts, and `/metrics` (and
 *   `backend.privatePaths`) rewritten to a path the backend answers 404 for (never the real path);
 * - rate limiting (100/min per client IP) as the implementation's policy: Envoy Gateway
 *   BackendTrafficPolicy (local, one bucket per client IP) + ClientTrafficPolicy (client IP
 *   detection), or NGINX Gateway Fabric RateLimitPolicy (keyed on $binary_remote_addr) +
 *   ClientSettingsPolicy (request body limit, as ingress-nginx's default);
 * - the ClusterIssuers, with the HTTP-01 solver on the port-80 listeners.
 */
export class GatewayChart extends EnvChart {
  constructor(scope: Construct, id: string, props: GatewayChartProps) {
    super(scope, id, props.env, '40-gateway.yaml');
    const env = props.env;
    const c = { edge: props.edge, ingress: props.ingress };
    const g = c.edge.gateway;
    const edge = { name: PART_OF, component: 'edge' };
    const l = gatewayListeners({ config: { namespace: env.config.namespace, ...c } });
    // The issuers and cert-manager's annotation (or explicit Certificates) live on the edge that obtains the
    // certificates: during a migration from the Ingress edge, the Ingresses do until they are retired, and this
    // Gateway serves the same TLS Secrets.
    const certificates = props.certificates;
    certificates?.addIssuers(this);

    const frontendHosts = c.ingress.frontendHosts;
    if (l.gateway.generated) {
      const tls = (secret: string) => ({ mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ group: '', kind: 'Secret', name: secret }] });
      const hosts: [string, string][] = [[c.ingress.apiHost, c.ingress.apiTlsSecretName], ...frontendHosts.map((h): [string, string] => [h, c.ingress.frontendTlsSecretName])];
      new Gateway(this, 'gateway', {
        metadata: meta(env, g.name, edge, certificates ? certificates.annotation : {}),
        spec: {
          gatewayClassName: g.className,
          listeners: hosts.flatMap(([host, secret]) => [
            { name: listenerName('http', host), hostname: host, port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' as any } } },
            { name: listenerName('https', host), hostname: host, port: 443, protocol: 'HTTPS', tls: tls(secret), allowedRoutes: { namespaces: { from: 'Same' as any } } },
          ]),
        },
      });
    } else {
      // A shared Gateway: cert-manager's gateway-shim only reads Gateways it is annotated on, so the
      // certificates are explicit; the Gateway (another namespace) may read their Secrets by a ReferenceGrant.
      const cert = (name: string, secretName: string, dnsNames: string[], labels: typeof BACKEND, issuerRef: EdgeCertificates['issuerRef']) =>
        new Certificate(this, name, {
          metadata: meta(env, name, labels),
          spec: { secretName, dnsNames, issuerRef, privateKey: { rotationPolicy: 'Always' as any } },
        });
      if (certificates) {
        cert('pensioen-api-tls', c.ingress.apiTlsSecretName, [c.ingress.apiHost], BACKEND, certificates.issuerRef);
        cert('pensioen-frontend-tls', c.ingress.frontendTlsSecretName, frontendHosts, FRONTEND, certificates.issuerRef);
      }
      new ReferenceGrant(this, 'tls-grant', {
        metadata: meta(env, 'shared-gateway-tls', edge),
        spec: {
          from: [{ group: GW, kind: 'Gateway', namespace: l.gateway.namespace }],
          to: [c.ingress.apiTlsSecretName, c.ingress.frontendTlsSecretName].map((name) => ({ group: '', kind: 'Secret', name })),
        },
      });
    }

    const parentRefs = (sections: string[]) => sections.map((sectionName) => ({
      group: GW, kind: 'Gateway', name: l.gateway.name, ...(l.gateway.generated ? {} : { namespace: l.gateway.namespace }), sectionName,
    }));
    // HSTS and the security headers of each side (edge.securityHeaders).
    const headers = (side: 'api' | 'frontend'): HttpRouteSpecRulesFilters => ({
      type: HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER,
      responseHeaderModifier: {
        set: [{ name: 'Strict-Transport-Security', value: g.hsts }, ...Object.entries(c.edge.securityHeaders[side]).map(([name, value]) => ({ name, value }))],
      },
    });
    const timeouts = { request: g.timeouts.request, backendRequest: g.timeouts.backendRequest };
    const prefix = (value: string) => ({ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value } });

    new HttpRoute(this, 'redirect', {
      metadata: meta(env, GATEWAY_REDIRECT_ROUTE, edge),
      spec: {
        parentRefs: parentRefs(l.http),
        hostnames: [c.ingress.apiHost, ...frontendHosts],
        rules: [{
          filters: [{
            type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
            requestRedirect: { scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS, statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301 },
          }],
        }],
      },
    });

    // A canaried workload: its stable and its canary Service, 100/0 as git has them and as the Argo Rollouts
    // Gateway API plugin leaves them after every release; the plugin sets the weights of each step (every rule
    // that names both, the not-public one too: a rule with one backend of weight 0 would answer 500).
    // A canaried frontend is judged at the edge: a filter on each of its backendRefs gives each its own Envoy
    // cluster, so the proxies count the canary's answers apart (lib/delivery/frontend-analysis.ts).
    const release = (value: 'stable' | 'canary') => ({ filters: [{ type: HttpRouteSpecRulesBackendRefsFiltersType.REQUEST_HEADER_MODIFIER, requestHeaderModifier: { set: [{ name: RELEASE_HEADER, value }] } }] });
    const backendRefs = (workload: Workload, canaryService: string | undefined, judgedHere = false) => {
      const { name, port } = workload.serviceBackend('http');
      return canaryService
        ? [{ name, port, weight: 100, ...(judgedHere ? release('stable') : {}) }, { name: canaryService, port, weight: 0, ...(judgedHere ? release('canary') : {}) }]
        : [{ name, port }];
    };
    const cors = c.ingress.cors;
    const apiRules: HttpRouteSpecRules[] = [
      {
        name: 'api',
        matches: [prefix('/')],
        filters: [headers('api'), {
          type: HttpRouteSpecRulesFiltersType.CORS,
          cors: {
            allowOrigins: cors.allowOrigins,
            allowCredentials: cors.allowCredentials,
            allowMethods: cors.allowMethods as HttpRouteSpecRulesFiltersCorsAllowMethods[],
            allowHeaders: cors.allowHeaders,
          },
        }],
        backendRefs: backendRefs(props.backend, props.canaryServices?.backend),
        timeouts,
      },
      // The longer prefix wins over `/`; the standard URLRewrite filter replaces the whole path with one the
      // backend has no route for, so the answer is the backend's 404 (like ingress-nginx's rewrite), never
      // /metrics or the API docs. A rule without backendRefs would answer 500 by the spec, which looks like an
      // edge failure to users and to the edge's 5xx alerts.
      {
        name: 'not-public',
        matches: [...BLOCKED_API_PATHS, ...props.privatePaths].map(prefix),
        filters: [headers('api'), { type: HttpRouteSpecRulesFiltersType.URL_REWRITE, urlRewrite: { path: { type: HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_FULL_PATH, replaceFullPath: NOT_FOUND_PATH } } }],
        backendRefs: backendRefs(props.backend, props.canaryServices?.backend),
        timeouts,
      },
    ];
    new HttpRoute(this, 'api', {
      metadata: meta(env, GATEWAY_API_ROUTE, BACKEND),
      spec: { parentRefs: parentRefs(l.api), hostnames: [c.ingress.apiHost], rules: apiRules },
    });
    new HttpRoute(this, 'frontend', {
      metadata: meta(env, GATEWAY_FRONTEND_ROUTE, FRONTEND),
      spec: {
        parentRefs: parentRefs(l.frontend),
        hostnames: frontendHosts,
        rules: [{ name: 'frontend', matches: [prefix('/')], filters: [headers('frontend')], backendRefs: backendRefs(props.frontend, props.canaryServices?.frontend, true), timeouts }],
      },
    });

    const apiRouteRef = { group: GW, kind: 'HTTPRoute', name: GATEWAY_API_ROUTE };
    if (g.implementation === 'envoy-gateway') {
      // One token bucket per client IP (Distinct over every address), in each Envoy replica, like
      // ingress-nginx's limit-rpm in each controller pod.
      new BackendTrafficPolicy(this, 'rate-limit', {
        metadata: meta(env, 'pensioen-api-rate-limit', BACKEND),
        spec: {
          targetRefs: [apiRouteRef],
          rateLimit: {
            type: BackendTrafficPolicySpecRateLimitType.LOCAL,
            local: {
              rules: [{
                clientSelectors: [{ sourceCidr: { type: CidrType.DISTINCT, value: '0.0.0.0/0' } }],
                limit: { requests: c.ingress.rateLimitPerMinute, unit: Unit.MINUTE },
              }, {
                clientSelectors: [{ sourceCidr: { type: CidrType.DISTINCT, value: '::/0' } }],
                limit: { requests: c.ingress.rateLimitPerMinute, unit: Unit.MINUTE },
              }],
            },
          },
          // The largest request body (413 above it): Envoy buffers the whole request to enforce it.
          ...(g.maxBodySize === 'unlimited' ? {} : { requestBuffer: { limit: BackendTrafficPolicySpecRequestBufferLimit.fromString(envoyQuantity(g.maxBodySize)) } }),
        },
      });
      // The client IP the rate limit keys on: a ClientTrafficPolicy attaches only to a Gateway in its
      // own namespace, so a shared Gateway's owner sets it (docs/gateway-api.md).
      if (l.gateway.generated) {
        const ip = g.clientIP;
        const detection: Partial<ClientTrafficPolicySpec> = ip.source === 'x-forwarded-for'
          ? { clientIpDetection: { xForwardedFor: { numTrustedHops: ip.trustedHops } } }
          : ip.source === 'proxy-protocol' ? { proxyProtocol: { optional: false } } : { clientIpDetection: { directSourceIp: {} } };
        new ClientTrafficPolicy(this, 'client-ip', {
          metadata: meta(env, 'pensioen-client-ip', edge),
          spec: {
            targetRefs: [{ group: GW, kind: 'Gateway', name: l.gateway.name }], ...detection,
            tls: { minVersion: g.minTlsVersion === '1.3' ? ClientTrafficPolicySpecTlsMinVersion.VALUE_1_3 : ClientTrafficPolicySpecTlsMinVersion.VALUE_1_2 },
          },
        });
      }
    } else {
      new RateLimitPolicy(this, 'rate-limit', {
        metadata: meta(env, 'pensioen-api-rate-limit', BACKEND),
        spec: {
          targetRefs: [apiRouteRef],
          rateLimit: { local: { rules: [{ key: '$binary_remote_addr', rate: `${c.ingress.rateLimitPerMinute}r/m`, zoneSize: '10m' }] } },
        },
      });
      new ClientSettingsPolicy(this, 'client-settings', {
        metadata: meta(env, 'pensioen-api-client-settings', BACKEND),
        spec: { targetRef: apiRouteRef, body: { maxSize: g.maxBodySize === 'unlimited' ? '0' : g.maxBodySize } },
      });
    }
  }
}
