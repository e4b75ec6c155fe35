/**
 * Configuration of the edge: `edge.kind` switches an environment between the Ingress edge (`ingress`,
 * the seed's ingress-nginx shape) and the Gateway API edge (`gateway`: HTTPRoutes on a generated or a
 * shared Gateway, rate limiting by the implementation's policy). Hosts, TLS Secrets, the ClusterIssuer,
 * the rate limit and CORS stay under `ingress.*`: both edges read them. Part of `configSchema`.
 */
import { z } from 'zod';
import { dnsLabel, dnsName } from './types';

/** Implementations whose rate-limit policy we can generate (the CRDs are in crds/). */
export const GATEWAY_IMPLEMENTATIONS = ['envoy-gateway', 'nginx-gateway-fabric'] as const;
export type GatewayImplementation = typeof GATEWAY_IMPLEMENTATIONS[number];

/** Gateway API SectionName (a listener name). */
const sectionName = () => z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { message: 'must be a listener name (lower-case letters, digits, "-" and ".")' }).max(253);
/** A Gateway API Duration (GEP-2257), e.g. 30s, 1m, 500ms. */
const gwDuration = () => z.string().regex(/^([0-9]{1,5}(h|m|s|ms)){1,4}$/, { message: 'must be a Gateway API duration such as 30s, 1m or 500ms' });

export const edgeSchema = z.strictObject({
  kind: z.enum(['ingress', 'gateway']).default('ingress')
    .describe('"ingress": Ingresses for the ingress controller (`ingress.*`); "gateway": Gateway API HTTPRoutes (`edge.gateway`), see docs/gateway-api.md'),
  migrateFrom: z.enum(['ingress', 'gateway']).optional()
    .describe('During a switch of `kind`: the edge being retired keeps serving (its objects, NetworkPolicy admission and Argo CD kinds stay) and keeps obtaining the certificates (DNS still points at it) until this key is removed; see docs/gateway-api.md, "Migrating from ingress-nginx"'),
  gateway: z.strictObject({
    implementation: z.string().default('envoy-gateway').superRefine((v, ctx) => {
      if (!(GATEWAY_IMPLEMENTATIONS as readonly string[]).includes(v)) {
        ctx.addIssue({ code: 'custom', message: `"${v}": no per-client-IP rate-limit policy can be generated for it (allowed: ${GATEWAY_IMPLEMENTATIONS.join(', ')})` });
      }
    }).transform((v) => v as GatewayImplementation)
      .describe('The Gateway API implementation: selects the rate-limit (and client-IP) policy kinds: "envoy-gateway" (BackendTrafficPolicy, ClientTrafficPolicy) or "nginx-gateway-fabric" (RateLimitPolicy, ClientSettingsPolicy)'),
    className: dnsName().default('eg').describe('gatewayClassName of the generated Gateway (unused with `shared`)'),
    name: dnsName().default('pensioen-gateway').describe('Name of the generated Gateway (in the app namespace; unused with `shared`)'),
    shared: z.strictObject({
      name: dnsName().describe('Name of the existing Gateway'),
      namespace: dnsLabel().describe('Its namespace (its listeners must allow routes from the app namespace)'),
      httpSectionName: sectionName().describe('Its port-80 HTTP listener: the redirect route and the HTTP-01 solver attach there'),
      apiSectionName: sectionName().describe('Its HTTPS listener for the API host'),
      frontendSectionName: sectionName().describe('Its HTTPS listener for the frontend hosts'),
    }).optional().describe('Attach to this existing Gateway instead of generating one; cert-manager then gets explicit Certificates, and the Gateway a ReferenceGrant to their Secrets'),
    dataPlaneNamespace: dnsLabel().optional()
      .describe('Namespace of the Gateway\'s data-plane pods (the proxies): NetworkPolicies allow it to the backend, the frontend and the HTTP-01 solver (default: envoy-gateway-system for envoy-gateway, nginx-gateway for nginx-gateway-fabric)'),
    hsts: z.string().min(1).default('max-age=31536000; includeSubDomains')
      .describe('Strict-Transport-Security header set on every HTTPS response (ingress-nginx\'s default)'),
    timeouts: z.strictObject({
      request: gwDuration().default('60s').describe('HTTPRoute `timeouts.request`: the whole request, as ingress-nginx\'s proxy-read-timeout default'),
      backendRequest: gwDuration().default('60s').describe('HTTPRoute `timeouts.backendRequest`: one request to the backend (at most `request`)'),
    }).prefault({}).describe('Route timeouts (Gateway API Extended support)'),
    clientIP: z.strictObject({
      source: z.enum(['x-forwarded-for', 'proxy-protocol', 'direct']).default('x-forwarded-for')
        .describe('Where the client IP comes from (rate limiting is per client IP): "x-forwarded-for" (a load balancer that appends it), "proxy-protocol", or "direct" (an L4 load balancer that keeps the source IP)'),
      trustedHops: z.number().int().min(1).default(1).describe('With x-forwarded-for: how many proxies in front of the Gateway append to it'),
    }).prefault({}).describe('Client IP detection (Envoy Gateway ClientTrafficPolicy on a generated Gateway; with NGINX Gateway Fabric set it in its NginxProxy, see docs/gateway-api.md)'),
    maxBodySize: z.string().regex(/^(\d{1,4}(k|m|g)?|unlimited)$/, { message: 'must be an NGINX size such as 1m or 512k (or unlimited)' }).default('1m')
      // NGINX reads a size of 0 as "no limit": that must be asked for by name, never reached by a typo.
      .refine((v) => !/^0+(k|m|g)?$/.test(v), { message: 'is 0, which NGINX reads as "no limit on the request body" (allowed: a size such as 1m or 512k; write unlimited to turn the limit off on purpose)' })
      .describe('Largest request body the API accepts, answered 413 above it (NGINX Gateway Fabric ClientSettingsPolicy; Envoy Gateway BackendTrafficPolicy requestBuffer.limit); `unlimited` turns the limit off (NGINX\'s 0)'),
    minTlsVersion: z.enum(['1.2', '1.3']).default('1.2')
      .describe('Lowest TLS version the generated Gateway accepts (Envoy Gateway ClientTrafficPolicy tls.minVersion; with NGINX Gateway Fabric or a shared Gateway its owner sets it, docs/security.md#edge)'),
  }).prefault({}).describe('The Gateway API edge (with `kind: gateway`)'),
  securityHeaders: z.strictObject({
    api: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, { message: 'must be an HTTP header name' }), z.string().min(1))
      .default({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' })
      .describe('Response headers set on every API response (besides HSTS)'),
    frontend: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, { message: 'must be an HTTP header name' }), z.string().min(1))
      .default({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'strict-origin-when-cross-origin', 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY' })
      .describe('Response headers set on every frontend response (besides HSTS): no MIME sniffing, no full referrer to other sites, never framed (clickjacking)'),
  }).prefault({}).describe('Security headers the Gateway API edge sets (ResponseHeaderModifier); the Ingress edge: the controller\'s ConfigMap, docs/security.md#edge'),
}).prefault({}).superRefine((e, ctx) => {
  if (e.migrateFrom === e.kind) {
    ctx.addIssue({ code: 'custom', path: ['migrateFrom'], message: `is the edge being retired and must differ from edge.kind (${e.kind}); remove it once the migration is done (allowed: ${e.kind === 'ingress' ? '"gateway"' : '"ingress"'})` });
  }
  const t = e.gateway.timeouts;
  if (![t.request, t.backendRequest].every((d) => /^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(d))) return; // reported above
  const secs = (d: string) => [...d.matchAll(/(\d+)(h|ms|m|s)/g)].reduce((n, m) => n + Number(m[1]) * ({ h: 3600, m: 60, s: 1, ms: 0.001 } as Record<string, number>)[m[2]], 0);
  if (secs(t.backendRequest) > secs(t.request)) {
    ctx.addIssue({ code: 'custom', path: ['gateway', 'timeouts', 'backendRequest'], message: `must not exceed timeouts.request (${t.request}), got ${t.backendRequest}` });
  }
}).describe('The edge: Ingress or Gateway API (docs/gateway-api.md)');

/** Where each implementation runs its data plane by default (its Helm chart's namespace). */
const DATA_PLANE_NAMESPACE: Record<GatewayImplementation, string> = { 'envoy-gateway': 'envoy-gateway-system', 'nginx-gateway-fabric': 'nginx-gateway' };

/** The edges that run: `kind`, and during a migration the one being retired. */
export function runningEdges(e: z.output<typeof edgeSchema>): ('ingress' | 'gateway')[] {
  return e.migrateFrom ? [e.kind, e.migrateFrom] : [e.kind];
}

/**
 * The edge that obtains the certificates (cert-manager's annotation and the HTTP-01 solver): during a
 * migration the one being retired, since DNS still points at it; the other serves the same TLS Secrets.
 */
export function certificateEdge(e: z.output<typeof edgeSchema>): 'ingress' | 'gateway' {
  return e.migrateFrom ?? e.kind;
}

export function dataPlaneNamespaceOf(e: z.output<typeof edgeSchema>): string {
  return e.gateway.dataPlaneNamespace ?? DATA_PLANE_NAMESPACE[e.gateway.implementation];
}
