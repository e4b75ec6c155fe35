/**
 * Configuration sections and rules for running on a real cluster: probes that do not restart pods
 * for a database outage, topology spread that honours taints, private registries, the database connection
 * budget, migrations, certificate issuers and the public API URL baked into the frontend.
 *
 * Each rule is a zod refinement on the whole configuration (`refineRealCluster`), so a bad value is one
 * `<file>: <key.path>: <problem> (allowed ...)` line; the rule across environments (`frontendApiUrlProblems`)
 * runs in `loadEnvironments`, which sees every file.
 */
import { z } from 'zod';
import { dnsLabel, dnsName, resources } from './types';

const CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$|^[0-9a-fA-F:]+\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** Timing of a probe (the check itself is chosen by the chart). */
export const probeTiming = (initialDelaySeconds: number, periodSeconds: number, failureThreshold = 3) => ({
  initialDelaySeconds: z.number().int().min(0).default(initialDelaySeconds).describe('Seconds before the first probe'),
  periodSeconds: z.number().int().min(1).default(periodSeconds).describe('Seconds between probes'),
  timeoutSeconds: z.number().int().min(1).default(3).describe('Seconds before a probe times out'),
  failureThreshold: z.number().int().min(1).default(failureThreshold).describe('Failed probes before the container counts as failed'),
});

/**
 * Liveness: restarts the container when it fails, so it must never depend on the database or Redis (a
 * 60-120 s managed-database failover would otherwise restart every pod at once). Without `path` it is a TCP
 * check of the container port; with `path` an HTTP GET of a dependency-free endpoint.
 */
export const livenessSchema = (initialDelaySeconds: number, periodSeconds: number) => z.strictObject({
  ...probeTiming(initialDelaySeconds, periodSeconds),
  path: z.string().regex(/^\//, { message: 'must be an HTTP path such as /livez' }).optional()
    .describe('HTTP path of a dependency-free liveness endpoint; left out: a TCP check of the port (never the readiness path, which checks dependencies)'),
}).prefault({});

/** Startup probe: the liveness check, allowed `failureThreshold x periodSeconds` seconds for a slow start. */
export const startupSchema = (failureThreshold: number) => z.strictObject({
  periodSeconds: z.number().int().min(1).default(5).describe('Seconds between startup probes'),
  timeoutSeconds: z.number().int().min(1).default(3).describe('Seconds before a startup probe times out'),
  failureThreshold: z.number().int().min(1).default(failureThreshold)
    .describe('Failed startup probes before the container is restarted: the start may take failureThreshold x periodSeconds'),
}).prefault({}).describe('Startup probe (the liveness check): liveness and readiness start only after it passed once');

/** `pod.spread`: how strictly replicas spread over nodes and zones. */
export const spreadSchema = z.strictObject({
  nodes: z.enum(['hard', 'soft']).default('hard')
    .describe('Spread over nodes (kubernetes.io/hostname): "hard" = DoNotSchedule (never two more on one node than on another), "soft" = ScheduleAnyway'),
  zones: z.enum(['hard', 'soft']).default('soft')
    .describe('Spread over zones (topology.kubernetes.io/zone): "hard" = DoNotSchedule, "soft" = ScheduleAnyway'),
}).prefault({}).describe('Topology spread of every workload; both honour node taints and node affinity (nodeTaintsPolicy/nodeAffinityPolicy Honor), so nodes a pod may not run on never count');

/** `database`: the PostgreSQL server's connection limit, for the connection budget rule. */
export const databaseLimitsShape = {
  maxConnections: z.number().int().min(1).optional()
    .describe('max_connections of the PostgreSQL server the backend uses; when set, the config is refused if every backend pod at its maximum (HPA maxReplicas plus rollout surge; with delivery.strategy canary twice maxReplicas) could open more than maxConnections - reservedConnections'),
  reservedConnections: z.number().int().min(0).default(10)
    .describe('Connections kept free for everything that is not a backend pod: superuser_reserved_connections, postgres_exporter, the migration Job, an operator\'s psql'),
};

export const migrationsSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the database migrations (a Job with the backend image) before each new backend version serves'),
  command: z.array(z.string().min(1)).min(1).default(['alembic', 'upgrade', 'head']).describe('Command of the migration Job (run after a guard that skips it when the database is ahead of the image: a rollback)'),
  backoffLimit: z.number().int().min(0).default(2).describe('Retries of a failed migration pod before the Job fails'),
  activeDeadlineSeconds: z.number().int().min(30).default(900).describe('Seconds after which a running migration is killed and the Job fails'),
  ttlSecondsAfterFinished: z.number().int().min(0).default(86400).describe('Seconds a finished Job (and its logs) is kept'),
  waitForSchema: z.boolean().default(true)
    .describe('Backend pods wait in an init container while the database is behind the image\'s Alembic head (they start when `alembic current` = `alembic heads`, or when the database is at a revision the image does not know: a rollback after a newer release migrated it): a failed migration leaves new pods un-Ready and the old ones serving'),
  waitTimeoutSeconds: z.number().int().min(10).default(600).describe('Seconds the init container waits before it fails (the pod restarts it)'),
  resources: resources({ cpuRequest: '100m', memoryRequest: '256Mi', cpuLimit: '1000m', memoryLimit: '512Mi' })
    .describe('Resources of the migration container (and the schema wait); a request may not exceed its limit'),
}).prefault({}).describe('Database migrations (Alembic): Job `backend-migrate` (see docs/real-cluster.md)');

// ---- certificate issuers -----------------------------------------------------------------------------

const secretKeyRef = (what: string, defaultKey: string) => z.strictObject({
  name: dnsName().describe(`Secret with ${what}`),
  key: z.string().min(1).default(defaultKey).describe('Key in that Secret'),
}).describe(`Secret with ${what} (created outside git; for a ClusterIssuer in cert-manager's namespace, for an Issuer in the environment's)`);

const route53 = z.strictObject({
  provider: z.literal('route53'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region such as eu-central-1' }).describe('AWS region'),
  hostedZoneID: z.string().regex(/^Z[A-Z0-9]+$/, { message: 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ' }).optional()
    .describe('Hosted zone id (left out: cert-manager looks it up)'),
  role: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: 'must be an IAM role ARN' }).optional()
    .describe('Role to assume; left out: cert-manager\'s ambient credentials (IRSA on its ServiceAccount, or EKS Pod Identity)'),
}).describe('Route 53 with ambient credentials (IRSA): no access key in any Secret');

const azureDns = z.strictObject({
  provider: z.literal('azureDNS'),
  subscriptionID: z.string().regex(/^[0-9a-f-]{36}$/, { message: 'must be a subscription GUID' }).describe('Azure subscription'),
  resourceGroupName: z.string().min(1).describe('Resource group of the DNS zone'),
  hostedZoneName: dnsName().describe('DNS zone'),
  managedIdentityClientID: z.string().regex(/^[0-9a-f-]{36}$/, { message: 'must be a client id GUID' })
    .describe('Client id of the managed identity cert-manager federates with (workload identity; no client secret)'),
  environment: z.enum(['AzurePublicCloud', 'AzureChinaCloud', 'AzureGermanCloud', 'AzureUSGovernmentCloud']).default('AzurePublicCloud').describe('Azure cloud'),
}).describe('Azure DNS with workload identity');

const cloudflare = z.strictObject({
  provider: z.literal('cloudflare'),
  apiTokenSecretRef: secretKeyRef('a Cloudflare API token (Zone:DNS:Edit)', 'api-token'),
}).describe('Cloudflare with an API token in a Secret');

const rfc2136 = z.strictObject({
  provider: z.literal('rfc2136'),
  nameserver: z.string().regex(/^(\[[0-9a-fA-F:]+\]|[a-z0-9.-]+)(:\d+)?$/, { message: 'must be host[:port] or [ipv6]:port' }).describe('Authoritative DNS server that takes dynamic updates'),
  tsigKeyName: z.string().min(1).describe('TSIG key name'),
  tsigAlgorithm: z.enum(['HMACMD5', 'HMACSHA1', 'HMACSHA256', 'HMACSHA512']).default('HMACSHA256').describe('TSIG algorithm'),
  tsigSecretSecretRef: secretKeyRef('the TSIG secret (base64, as BIND writes it)', 'tsig-secret'),
}).describe('RFC 2136 dynamic DNS updates (BIND, PowerDNS, Windows DNS) signed with TSIG');

export const dns01Schema = z.discriminatedUnion('provider', [route53, azureDns, cloudflare, rfc2136]);

const issuerBase = {
  name: dnsLabel().describe('Name of the Issuer/ClusterIssuer'),
  kind: z.enum(['ClusterIssuer', 'Issuer']).default('ClusterIssuer')
    .describe('ClusterIssuer (its Secrets live in cert-manager\'s namespace) or Issuer (in the environment\'s namespace, with its Secrets)'),
};
const acmeBase = {
  server: z.url().default('https://acme-v02.api.letsencrypt.org/directory').describe('ACME directory'),
  email: z.string().email({ message: 'must be an e-mail address' }).optional().describe('ACME account contact; defaults to certManager.email'),
  dnsZones: z.array(dnsName()).optional().describe('Only use this solver for names in these zones'),
  caBundle: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, { message: 'must be base64 (of the PEM CA certificate)' }).optional()
    .describe('Base64 of the PEM CA certificate a private ACME server (step-ca) presents; its HTTP-01 challenges come from inside the network, so an internal edge may use HTTP-01 with it'),
};

const caCertificate = z.strictObject({
  kind: z.enum(['intermediate', 'root'])
    .describe('What the Secret holds (cert-manager cannot tell: its CA issuer signs with whatever key it finds): "intermediate", name-constrained to permittedDnsDomains, or "root", the organisation\'s own trust anchor'),
  permittedDnsDomains: z.array(dnsName()).min(1).optional()
    .describe('DNS domains the intermediate is name-constrained to (RFC 5280): required for an intermediate; every edge host must be inside one'),
  issuedBy: dnsLabel().optional()
    .describe('A ClusterIssuer the platform team owns (holding the organisation\'s root in cert-manager\'s namespace): cert-manager mints the intermediate into secretName (Certificate with isCA and these name constraints, critical), so no hand-made CA key is ever copied into the namespace'),
  acceptRootCaInNamespace: z.string().min(1, { message: 'must say why a root CA key may stay in the namespace' }).optional()
    .describe('With kind root on an Issuer: the reason a root CA key is accepted in the environment\'s namespace (anyone who reads Secrets there can mint certificates everything trusting that root accepts)'),
}).describe('The CA in the Secret, as declared by whoever made it (the preflight checks it: docs/security.md, "Private CA")');

const vaultAuth = z.strictObject({
  role: z.string().min(1).describe('Vault role of the Kubernetes auth method (bound to this ServiceAccount and the audience vault://<namespace>/<issuer name>)'),
  mountPath: z.string().regex(/^\/v1\/auth\/[A-Za-z0-9_/-]+$/, { message: 'must be a Vault auth mount path such as /v1/auth/kubernetes' }).default('/v1/auth/kubernetes')
    .describe('Mount path of the Kubernetes auth method'),
}).describe('Kubernetes auth with a short-lived token of the ServiceAccount `<issuer name>-vault` (created here; cert-manager may request its tokens, nothing else)');

export const issuerSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...issuerBase, type: z.literal('acme-http01'), ...acmeBase })
    .describe('ACME HTTP-01 through the edge: the CA must reach the edge from the internet (public edges only)'),
  z.strictObject({ ...issuerBase, type: z.literal('acme-dns01'), ...acmeBase, dns01: dns01Schema })
    .describe('ACME DNS-01: a TXT record in the zone; works for internal edges whose names are in public DNS'),
  z.strictObject({
    ...issuerBase,
    type: z.literal('ca'),
    secretName: dnsName().describe('Secret (type kubernetes.io/tls: tls.crt, tls.key) with the private CA that signs the certificates'),
    caCertificate,
  }).describe('A private CA from a Secret: nothing leaves the network (clients must trust the CA); its key is in the Secret, so a namespaced Issuer\'s CA should be a name-constrained intermediate'),
  z.strictObject({
    ...issuerBase,
    type: z.literal('vault'),
    server: z.url().refine((u) => u.startsWith('https://'), { message: 'must be an https:// URL' }).describe('Vault address'),
    path: z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*\/(sign|issue)\/[A-Za-z0-9_.-]+$/, { message: 'must be a Vault PKI signing path such as pki_int/sign/pensioen' })
      .describe('Vault PKI path that signs (`<mount>/sign/<role>`); the PKI role sets the allowed domains'),
    caBundleSecretRef: z.strictObject({ name: dnsName(), key: z.string().min(1).default('ca.crt') }).optional()
      .describe('Secret with the CA certificate of Vault\'s TLS endpoint (left out: the system roots of cert-manager)'),
    auth: vaultAuth,
  }).describe('HashiCorp Vault (or OpenBao) PKI: the CA key never leaves Vault'),
  z.strictObject({
    ...issuerBase,
    type: z.literal('platform-owned'),
    solvesHttp01: z.boolean().default(false).describe('The platform\'s issuer solves ACME HTTP-01 for these hosts through this edge (its solver pods run in this namespace and get the NetworkPolicy)'),
  }).describe('An issuer the platform team creates and owns: referenced by name (kind and name), never created or changed here'),
]);
export type IssuerConfig = z.output<typeof issuerSchema>;

export const DEFAULT_ISSUERS = [
  { name: 'letsencrypt-prod', type: 'acme-http01', server: 'https://acme-v02.api.letsencrypt.org/directory' },
  { name: 'letsencrypt-staging', type: 'acme-http01', server: 'https://acme-staging-v02.api.letsencrypt.org/directory' },
] as const;

export const cidrList = () => z.array(z.string().regex(CIDR, { message: 'must be a CIDR such as 10.0.0.0/16' }));

// ---- ACME contact e-mail ---------------------------------------------------------------------------------

/** Domains Let's Encrypt (Boulder, policy/pa.go `forbiddenMailDomains`) refuses after the @. */
const FORBIDDEN_MAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
/** Top-level names that are not public (RFC 2606, RFC 6761, RFC 6762, RFC 8375, ICANN's .internal): Boulder wants an ICANN suffix. */
const NON_PUBLIC_TLDS = ['example', 'invalid', 'local', 'localhost', 'test', 'internal', 'home', 'lan', 'corp', 'localdomain', 'arpa', 'onion', 'alt'];

export function isLetsEncrypt(server: string): boolean {
  return /^https:\/\/acme(-staging)?-v02\.api\.letsencrypt\.org\//.test(server);
}

/** Why Let's Encrypt would refuse this ACME contact address (Boulder's ValidEmail), or undefined. */
export function letsEncryptEmailProblem(email: string): string | undefined {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
  if (FORBIDDEN_MAIL_DOMAINS.includes(domain)) return `"${email}" is in ${domain}, a domain reserved for examples (RFC 2606)`;
  if (/^\[|^\d+(\.\d+){3}$/.test(domain)) return `"${email}" has an IP address for a domain`;
  if (!domain.includes('.')) return `"${email}" has no public domain ("${domain}" is a single label)`;
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (NON_PUBLIC_TLDS.includes(tld)) return `"${email}" is in .${tld}, which is not a public domain`;
  return undefined;
}

// ---- rules ---------------------------------------------------------------------------------------------

type Ctx = z.core.$RefinementCtx;

/** Pods that may run at once at the maximum: the HPA's maxReplicas (or replicas) plus the rollout's surge (25%, rounded up). */
export function maxBackendPods(c: { backend: { replicas: number; autoscaling: { enabled: boolean; maxReplicas: number } }; delivery?: { strategy: string } }): { pods: number; max: number; surge: number; surgeText: string } {
  const max = c.backend.autoscaling.enabled ? c.backend.autoscaling.maxReplicas : c.backend.replicas;
  // A canary at 100% runs a full canary ReplicaSet beside the full stable one (an abort is instant because the
  // stable pods never left); a rolling update surges 25%.
  if (c.delivery?.strategy === 'canary') return { pods: 2 * max, max, surge: max, surgeText: `${max} canary pods at 100%` };
  const surge = Math.ceil(max * 0.25);
  return { pods: max + surge, max, surge, surgeText: `${surge} rollout surge` };
}

/** The rules of this file, run on the whole configuration. */
export function refineRealCluster(c: any, ctx: Ctx): void {
  // Connection budget.
  const db = c.database;
  if (db?.maxConnections !== undefined) {
    const { pods, max, surgeText } = maxBackendPods(c);
    const perPod = c.backend.databasePool.size + c.backend.databasePool.maxOverflow;
    const need = pods * perPod;
    const available = db.maxConnections - db.reservedConnections;
    if (need > available) {
      const what = c.backend.autoscaling.enabled ? `backend.autoscaling.maxReplicas ${max}` : `backend.replicas ${max}`;
      ctx.addIssue({
        code: 'custom', path: ['backend', 'databasePool'],
        message: `the backend may open ${need} connections (${what} + ${surgeText} = ${pods} pods x (size ${c.backend.databasePool.size} + maxOverflow ${c.backend.databasePool.maxOverflow})) but database.maxConnections ${db.maxConnections} - reservedConnections ${db.reservedConnections} leaves ${available} (allowed: lower the pool, maxOverflow or maxReplicas, or raise database.maxConnections)`,
      });
    }
  }
  // Issuers: names unique, the edge's issuer exists, HTTP-01 never on an internal edge.
  const issuers: IssuerConfig[] = c.certManager?.issuers ?? [];
  const seen = new Set<string>();
  issuers.forEach((i, n) => {
    if (seen.has(i.name)) ctx.addIssue({ code: 'custom', path: ['certManager', 'issuers', n, 'name'], message: `"${i.name}" is configured twice (allowed: unique names)` });
    seen.add(i.name);
    const acme = i.type === 'acme-http01' || i.type === 'acme-dns01';
    if (i.type === 'ca') caIssuerRules(c, i, n, ctx);
    if (i.type === 'vault' && i.kind === 'ClusterIssuer') {
      ctx.addIssue({ code: 'custom', path: ['certManager', 'issuers', n, 'kind'], message: `"${i.name}" is a Vault ClusterIssuer: its ServiceAccount and token RBAC would live in cert-manager's namespace, which this repository does not manage (allowed: kind Issuer, or type platform-owned for the platform's Vault ClusterIssuer)` });
    }
    if (acme && !i.email && !c.certManager.email) {
      ctx.addIssue({ code: 'custom', path: ['certManager', 'issuers', n, 'email'], message: 'is required for an ACME issuer (or set certManager.email)' });
    }
    if (acme && isLetsEncrypt(i.server)) {
      const email: string | undefined = i.email ?? c.certManager.email;
      const why = email === undefined ? undefined : letsEncryptEmailProblem(email);
      if (why) ctx.addIssue({ code: 'custom', path: i.email ? ['certManager', 'issuers', n, 'email'] : ['certManager', 'email'], message: `${why}; Let's Encrypt refuses the account, so "${i.name}" never issues a certificate (allowed: a mailbox in a public domain you read)` });
    }
  });
  const used = issuers.find((i) => i.name === c.ingress.clusterIssuer);
  if (!used) {
    ctx.addIssue({ code: 'custom', path: ['ingress', 'clusterIssuer'], message: `"${c.ingress.clusterIssuer}" is not an issuer in certManager.issuers (allowed: ${issuers.map((i) => i.name).join(', ') || 'none configured'})` });
  } else if (c.ingress.exposure === 'internal' && used.type === 'acme-http01' && !used.caBundle) {
    ctx.addIssue({
      code: 'custom', path: ['ingress', 'clusterIssuer'],
      message: `"${used.name}" solves ACME HTTP-01, which the CA must reach from the internet, but ingress.exposure is internal (allowed: an issuer of type acme-dns01, ca, vault, or a private ACME CA inside the network with caBundle)`,
    });
  }
  if (c.ingress.exposure === 'internal') {
    issuers.forEach((i, n) => {
      if (i.type === 'acme-http01' && !i.caBundle) {
        ctx.addIssue({ code: 'custom', path: ['certManager', 'issuers', n, 'type'], message: `"${i.name}" uses HTTP-01 on an internal edge (ingress.exposure internal), where a public ACME CA cannot reach it (allowed: acme-dns01, ca, vault, or acme-http01 with the caBundle of a private ACME CA such as step-ca)` });
      }
    });
  }
  // /metrics never routed from the internet: only ingress-nginx gets the generated blocking rule.
  // (The Gateway API edge keeps /metrics off its routes itself.)
  if ((c.edge?.kind ?? 'ingress') === 'ingress' && c.ingress.controller !== 'ingress-nginx' && c.backend.metricsPort === undefined) {
    ctx.addIssue({ code: 'custom', path: ['backend', 'metricsPort'], message: `is required with ingress.controller ${c.ingress.controller}: without it the app serves ${c.backend.metricsPath} on the port the edge routes to, and only ingress-nginx gets the rule that answers it with 404 (allowed: a port such as 9000)` });
  }
  // The private paths (FastAPI's docs by default) are kept off the edge by rules only ingress-nginx and the
  // Gateway API edge get; another controller would route them to the backend.
  if ((c.edge?.kind ?? 'ingress') === 'ingress' && c.ingress.controller !== 'ingress-nginx' && c.backend.privatePaths.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['backend', 'privatePaths'], message: `${c.backend.privatePaths.join(', ')} would be routed to the backend: only ingress-nginx and the Gateway API edge get the rule that answers them with 404 (allowed: [] with the app serving none of them, e.g. FastAPI(docs_url=None, redoc_url=None, openapi_url=None), or edge.kind gateway)` });
  }
  // Metrics port must differ from the serving port.
  if (c.backend.metricsPort !== undefined && c.backend.metricsPort === c.backend.port) {
    ctx.addIssue({ code: 'custom', path: ['backend', 'metricsPort'], message: `must differ from backend.port (${c.backend.port}): a separate port is what keeps /metrics off the edge (allowed: another port, or leave it out)` });
  }
}

/** Whether a host name is a permitted DNS domain or below it (RFC 5280 name constraints on dNSName). */
export function inDomain(host: string, domain: string): boolean {
  const h = host.toLowerCase().replace(/^\*\./, '');
  const d = domain.toLowerCase().replace(/^\./, '');
  return h === d || h.endsWith(`.${d}`);
}

/**
 * A private CA issuer: the declaration of what its Secret holds. A root CA key in the environment's namespace
 * (an Issuer's Secret) is refused unless accepted with a reason; an intermediate names the domains it is
 * constrained to, and every edge host must be inside them (clients reject a name outside the constraints).
 */
function caIssuerRules(c: any, i: Extract<IssuerConfig, { type: 'ca' }>, n: number, ctx: Ctx): void {
  const at = (...k: string[]) => ['certManager', 'issuers', n, 'caCertificate', ...k];
  const ca = i.caCertificate;
  if (ca.kind === 'root') {
    if (i.kind === 'Issuer' && ca.acceptRootCaInNamespace === undefined) {
      ctx.addIssue({ code: 'custom', path: at('kind'), message: `"${i.name}" would keep a root CA key in Secret ${i.secretName} of namespace ${c.namespace}: anyone who can read Secrets there can mint certificates the whole organisation trusts (allowed: intermediate with permittedDnsDomains, optionally minted by a platform ClusterIssuer with issuedBy; type vault or platform-owned; or acceptRootCaInNamespace: <the reason> to accept the risk)` });
    }
    if (ca.issuedBy) ctx.addIssue({ code: 'custom', path: at('issuedBy'), message: 'is for an intermediate: a root is not issued by another issuer (allowed: kind intermediate)' });
    if (ca.permittedDnsDomains) ctx.addIssue({ code: 'custom', path: at('permittedDnsDomains'), message: 'is for an intermediate: a root CA is not name-constrained here (allowed: kind intermediate)' });
    return;
  }
  if (ca.acceptRootCaInNamespace !== undefined) ctx.addIssue({ code: 'custom', path: at('acceptRootCaInNamespace'), message: 'is only for kind root (an intermediate needs no acceptance)' });
  if (!ca.permittedDnsDomains) {
    ctx.addIssue({ code: 'custom', path: at('permittedDnsDomains'), message: `is required for an intermediate: the DNS domains it is name-constrained to (allowed: a list such as [${c.ingress?.apiHost?.split('.').slice(1).join('.') || 'example.nl'}])` });
    return;
  }
  if (c.ingress?.clusterIssuer !== i.name) return;
  for (const host of [c.ingress.apiHost, ...(c.ingress.frontendHosts ?? [])]) {
    if (!ca.permittedDnsDomains.some((d) => inDomain(host, d))) {
      ctx.addIssue({ code: 'custom', path: at('permittedDnsDomains'), message: `does not contain the edge host ${host}: a client rejects a certificate for it from an intermediate constrained to ${ca.permittedDnsDomains.join(', ')} (allowed: add ${host} or a parent domain)` });
    }
  }
}

/** The public API URL the frontend's browser bundle calls. */
export function frontendApiUrl(c: { ingress: { apiHost: string } }): string {
  return `https://${c.ingress.apiHost}`;
}

/**
 * `NEXT_PUBLIC_API_URL` is inlined into the browser bundle by `next build`: one frontend image serves
 * exactly one API URL. Two environments that run the same frontend image (registry and tag) with different
 * API hosts would send one environment's browsers to the other's API, unless both declare an image that
 * reads the URL at run time (`frontend.runtimeApiUrl: true`).
 */
export function frontendApiUrlProblems(envs: { name: string; file: string; config: any }[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < envs.length; i++) {
    for (let j = i + 1; j < envs.length; j++) {
      const a = envs[i];
      const b = envs[j];
      const imgA = `${a.config.registry}/${a.config.frontend.image}`;
      const imgB = `${b.config.registry}/${b.config.frontend.image}`;
      if (imgA !== imgB) continue;
      const urlA = frontendApiUrl(a.config);
      const urlB = frontendApiUrl(b.config);
      if (urlA === urlB) continue;
      if (a.config.frontend.runtimeApiUrl && b.config.frontend.runtimeApiUrl) continue;
      const which = [a, b].filter((e) => !e.config.frontend.runtimeApiUrl).map((e) => e.file).join(' and ');
      problems.push(`${b.file}: frontend.image: ${imgB} is also the frontend image of ${a.file}, but NEXT_PUBLIC_API_URL differs (${urlB} vs ${urlA}) and next build bakes it into the bundle (allowed: a frontend image per API host, or frontend.runtimeApiUrl: true in ${which} for an image that reads the URL at run time)`);
    }
  }
  return problems;
}

