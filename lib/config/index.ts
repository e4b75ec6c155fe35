/**
 * The environment configuration: one typed schema for every `config/<env>.yaml`.
 *
 * Every key is documented with `.describe()`; docs/configuration.md (the configuration reference) is generated from
 * this schema (`npm run docs`), so the description here is the documentation.
 */
import * as path from 'path';
import { z } from 'zod';
import { cidr, cidrList, DNS_LABEL, dnsLabel, dnsName, imageRef, port, resources } from './types';
import { cacheModeProblems, redisSchemaShape, refineRedis, refineRedisSecret, refineRedisTls } from '../redis/schema';
import { gitopsSchema, secretsProviderSchema } from './gitops';
import { edgeSchema } from './edge';
import { monitoringSchema } from '../monitoring/schema';
import { configFilesOf, InputProblem, keyPathOf, parseConfigYaml, readConfigText } from './config-file';
import { placeholderIssues } from './placeholders';
import { livenessSchema, probeTiming, startupSchema } from './probes';
import { spreadSchema } from './spread';
import { migrationsSchema } from './migrations';
import { DEFAULT_ISSUERS, issuerSchema } from './issuers';
import { refineStringValues } from './string-values';
import { refineNamespace } from './namespace-rules';
import { refinePods } from './pod-rules';
import { refineGitRevisions } from './git-revision';
import { refineDurations } from './durations';
import { refineConnectionBudget } from './connection-budget';
import { refineIssuers } from './issuer-rules';
import { refineEdge } from './edge-rules';
import { crossEnvironmentProblems } from './cross-environment';
import { frontendApiUrlProblems } from './frontend-api-url';
import { databaseSchema, refineDatabase } from '../database/schema';
import { imagesSchema, refineImages } from './images';
import { deliverySchema, refineDelivery } from '../delivery/schema';

const probe = (initialDelaySeconds: number, periodSeconds: number) => z.strictObject(probeTiming(initialDelaySeconds, periodSeconds)).prefault({});

const secretRef = (name: string, key: string, what: string) =>
  z.strictObject({
    name: dnsName().default(name).describe(`Name of the Secret that holds ${what}`),
    key: z.string().min(1).default(key).describe('Key in that Secret'),
  }).prefault({}).describe(`Secret with ${what} (created outside git, see [secrets.md](secrets.md))`);

const podDefaults = z.strictObject({
  runAsUser: z.number().int().min(1).default(10001).describe('UID every container runs as (never 0)'),
  runAsGroup: z.number().int().min(1).default(10001).describe('GID every container runs as'),
  fsGroup: z.number().int().min(1).default(10001).describe('Group that owns mounted volumes'),
  terminationGracePeriodSeconds: z.number().int().min(1).default(30).describe('Seconds a pod gets to shut down'),
  preStopSleepSeconds: z.number().int().min(0).default(5)
    .describe('Seconds a pod keeps serving after it is removed from the Service endpoints (lifecycle preStop sleep, Kubernetes >= 1.30); 0 turns it off'),
  imagePullSecrets: z.array(dnsName()).default([])
    .describe('Secrets (type kubernetes.io/dockerconfigjson) every pod pulls its images with, for a private registry; referenced, never created (docs/before-you-apply.md)'),
  spread: spreadSchema,
}).prefault({}).describe('Settings shared by every pod');

const cors = z.strictObject({
  allowOrigins: z.array(z.string().regex(/^https?:\/\/[^\s,/]+$/, { message: 'must be an origin such as https://example.nl' })).min(1)
    .default(['https://pensioen-beslissingstool.nl', 'https://www.pensioen-beslissingstool.nl']).describe('Origins allowed to call the API'),
  allowCredentials: z.boolean().default(true).describe('Whether browsers may send credentials'),
  allowMethods: z.array(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])).min(1).default(['GET', 'POST']).describe('Allowed HTTP methods'),
  allowHeaders: z.array(z.string().regex(/^[A-Za-z0-9-]+$/, { message: 'must be an HTTP header name' })).default(['Content-Type']).describe('Allowed request headers'),
}).prefault({}).superRefine((c, ctx) => {
  // A wildcard origin (https://*, https://*.nl) with credentials: any matching site could make requests with
  // the user's cookies (the Fetch standard forbids "*" with credentials; the controllers echo the origin).
  if (!c.allowCredentials) return;
  c.allowOrigins.forEach((o, i) => {
    if (o.includes('*')) ctx.addIssue({ code: 'custom', path: ['allowOrigins', i], message: `"${o}" is a wildcard origin and allowCredentials is true: every site it matches could make logged-in requests to the API (allowed: exact origins such as https://www.example.nl, or allowCredentials: false)` });
  });
}).describe('CORS policy of the API (also passed to the backend as CORS_ORIGINS)');

export const configSchema = z.strictObject({
  namespace: dnsLabel().default('pensioen').describe('Namespace every namespaced object goes into (the synth creates it)'),
  instance: dnsLabel().optional().describe('Value of app.kubernetes.io/instance; defaults to "pensioen-<environment>"'),
  appEnvironment: z.string().regex(/^[a-z][a-z0-9-]*$/).optional().describe('ENVIRONMENT passed to the backend; defaults to the config file name'),
  registry: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, { message: 'must be a registry host with an optional path, such as ghcr.io/org' })
    .describe('Registry prefix of the backend and frontend images'),
  pod: podDefaults,
  backend: z.strictObject({
    image: imageRef().default('pensioen-backend:1.0.0').describe('Backend image (name:tag, below `registry`); never untagged or latest'),
    port: port().default(8000).describe('Container port of the FastAPI server (serves /metrics too unless metricsPort is set)'),
    replicas: z.number().int().min(1, { message: 'must be at least 1' }).default(3).describe('Replicas when autoscaling is off'),
    autoscaling: z.strictObject({
      enabled: z.boolean().default(true).describe('Run a HorizontalPodAutoscaler; the Deployment then has no spec.replicas'),
      minReplicas: z.number().int().min(1, { message: 'must be at least 1' }).default(2).describe('HPA lower bound'),
      maxReplicas: z.number().int().min(1, { message: 'must be at least 1' }).default(10).describe('HPA upper bound'),
      targetCPUUtilizationPercentage: z.number().int().min(1, { message: 'must be between 1 and 100' }).max(100, { message: 'must be between 1 and 100' })
        .default(70).describe('Average CPU utilization the HPA aims for (percent of the request)'),
    }).prefault({}).superRefine((a, ctx) => {
      if (a.minReplicas > a.maxReplicas) {
        ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: `must be at most maxReplicas (${a.maxReplicas}), got ${a.minReplicas}` });
      }
    }).describe('Horizontal pod autoscaling on CPU'),
    resources: resources({ cpuRequest: '500m', memoryRequest: '512Mi', cpuLimit: '1000m', memoryLimit: '1Gi' }),
    healthPath: z.string().regex(/^\//).default('/health').describe('HTTP path of the readiness probe (may check PostgreSQL and Redis: a failing dependency takes the pod out of the Service, it does not restart it)'),
    livenessProbe: livenessSchema(0, 10).describe('Liveness probe: a TCP check of the port, or `path` (dependency-free); never the readiness path'),
    readinessProbe: probe(0, 5).describe('Readiness probe timing'),
    startupProbe: startupSchema(30),
    debug: z.boolean().default(false).describe('DEBUG passed to the backend'),
    databasePool: z.strictObject({
      size: z.number().int().min(1).default(20).describe('SQLALCHEMY_POOL_SIZE'),
      maxOverflow: z.number().int().min(0).default(40).describe('SQLALCHEMY_MAX_OVERFLOW'),
      recycleSeconds: z.number().int().min(1).default(3600).describe('SQLALCHEMY_POOL_RECYCLE'),
    }).prefault({}).describe('SQLAlchemy connection pool'),
    pdb: z.strictObject({
      maxUnavailable: z.number().int().min(1).default(1).describe('Pods a voluntary disruption may take down at once'),
    }).prefault({}).describe('PodDisruptionBudget'),
    metricsPort: port().optional().describe('A separate container port where the app serves /metrics (Prometheus scrapes it; the Service\'s port for the edge never exposes it); left out: /metrics on `port`, and the edge answers it with 404'),
    metricsPath: z.string().regex(/^\//).default('/metrics').describe('Path of the Prometheus metrics, never routed from the internet'),
    privatePaths: z.array(z.string().regex(/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/, { message: 'must be a path such as /docs (letters, digits, ".", "_", "~", "-" between slashes, no trailing slash)' }))
      .default(['/docs', '/redoc', '/openapi.json'])
      .describe('Paths of the backend the edge never routes from the internet, each with everything below it (answered by the edge like `metricsPath`): FastAPI\'s interactive API docs and schema by default. [] publishes them (an environment for API consumers)'),
  }).prefault({}).describe('The FastAPI backend'),
  frontend: z.strictObject({
    image: imageRef().default('pensioen-frontend:1.0.0').describe('Frontend image (name:tag, below `registry`)'),
    port: port().default(3000).describe('Container port of the Next.js server'),
    replicas: z.number().int().min(1, { message: 'must be at least 1' }).default(2).describe('Frontend replicas'),
    resources: resources({ cpuRequest: '100m', memoryRequest: '256Mi', cpuLimit: '500m', memoryLimit: '512Mi', ephemeralStorageLimit: '1Gi' }),
    healthPath: z.string().regex(/^\//).default('/').describe('HTTP path of the readiness probe'),
    livenessProbe: livenessSchema(0, 10).describe('Liveness probe: a TCP check of the port, or `path` (dependency-free: a server-rendered page may call the API)'),
    readinessProbe: probe(0, 5).describe('Readiness probe timing'),
    startupProbe: startupSchema(24),
    runtimeApiUrl: z.boolean().default(false)
      .describe('The image reads NEXT_PUBLIC_API_URL at run time (not inlined by next build): only then may two environments share a frontend image with different API hosts'),
    writablePaths: z.array(z.string().regex(/^\/[^\s]*$/)).default(['/tmp', '/app/.next/cache'])
      .describe('Paths that get an emptyDir (the root filesystem is read-only)'),
    pdb: z.strictObject({
      maxUnavailable: z.number().int().min(1).default(1).describe('Pods a voluntary disruption may take down at once'),
    }).prefault({}).describe('PodDisruptionBudget'),
  }).prefault({}).describe('The Next.js frontend'),
  ingress: z.strictObject({
    className: dnsName().default('nginx').describe('ingressClassName of both Ingresses (and of the HTTP-01 solver)'),
    controller: z.enum(['ingress-nginx', 'custom']).default('ingress-nginx')
      .describe('Which controller-specific annotations to generate: "ingress-nginx" (HTTPS redirect, rate limit, CORS) or "custom" (only `annotations`)'),
    annotations: z.record(z.string(), z.string()).default({}).describe('Extra annotations on both Ingresses (override generated ones)'),
    apiHost: dnsName().default('api.pensioen-beslissingstool.nl').describe('Host of the API'),
    frontendHosts: z.array(dnsName()).min(1).default(['pensioen-beslissingstool.nl', 'www.pensioen-beslissingstool.nl']).describe('Hosts of the frontend'),
    apiTlsSecretName: dnsName().default('pensioen-tls').describe('Secret cert-manager writes the API certificate to'),
    frontendTlsSecretName: dnsName().default('pensioen-frontend-tls').describe('Secret cert-manager writes the frontend certificate to'),
    clusterIssuer: dnsLabel().default('letsencrypt-prod').describe('The issuer (a name in certManager.issuers, ClusterIssuer or Issuer) that signs the edge\'s certificates'),
    exposure: z.enum(['public', 'internal']).default('public')
      .describe('"public": reachable from the internet; "internal": only inside the network (ACME HTTP-01 cannot work there)'),
    rateLimitPerMinute: z.number().int().min(1).default(100).describe('Requests per minute per client IP on the API'),
    maxBodySize: z.string().regex(/^\d{1,4}(k|m|g)$/, { message: 'must be an NGINX size such as 1m or 512k (not 0: that is no limit)' }).default('1m')
      .describe('ingress-nginx: largest request body on both Ingresses (proxy-body-size), answered 413 above it'),
    controllerConfigMap: dnsName().default('ingress-nginx-controller')
      .describe('ingress-nginx: the controller\'s ConfigMap (in network.ingressControllerNamespace), where `limit-req-status-code: "429"` must be set; the preflight checks it'),
    cors,
  }).prefault({}).describe('Ingresses, TLS and edge policy'),
  edge: edgeSchema,
  certManager: z.strictObject({
    email: z.string().email({ message: 'must be an e-mail address' }).optional().describe('ACME account contact e-mail (default of every ACME issuer)'),
    issuers: z.array(issuerSchema).min(1).default(DEFAULT_ISSUERS.map((i) => ({ ...i, kind: 'ClusterIssuer' as const })))
      .describe('Issuers this environment may choose from (type acme-http01, acme-dns01 with route53/azureDNS/cloudflare/rfc2136, ca, vault, or platform-owned: referenced, not created); only the one ingress.clusterIssuer names is created; default: Let\'s Encrypt production and staging with HTTP-01'),
    namespace: dnsLabel().default('cert-manager').describe('Namespace of cert-manager (its cluster resource namespace: where a ClusterIssuer\'s Secrets live)'),
    serviceAccountName: dnsName().default('cert-manager').describe('ServiceAccount of cert-manager\'s controller (a Vault Issuer lets it request tokens of its own ServiceAccount)'),
  }).prefault({}).describe('cert-manager issuers (docs/real-cluster.md, "TLS")'),
  network: z.strictObject({
    ingressControllerNamespace: dnsLabel().default('ingress-nginx').describe('Namespace of the ingress controller (allowed to reach backend and frontend)'),
    monitoringNamespace: dnsLabel().default('monitoring').describe('Namespace of Prometheus (allowed to scrape)'),
    prometheusPodLabels: z.record(z.string(), z.string()).refine((l) => Object.keys(l).length > 0, { message: 'must name at least one label (an empty selector would admit every pod of the monitoring namespace)' })
      .default({ 'app.kubernetes.io/name': 'prometheus' })
      .describe('Labels of the Prometheus pods in `monitoringNamespace`: only they may scrape (the Prometheus Operator sets app.kubernetes.io/name: prometheus on them)'),
    dnsNamespace: dnsLabel().default('kube-system').describe('Namespace of the cluster DNS'),
    dnsPodLabels: z.record(z.string(), z.string()).default({ 'k8s-app': 'kube-dns' }).describe('Labels of the cluster DNS pods'),
    databaseCidrs: cidrList().default([]).describe('CIDRs of the managed PostgreSQL (database.mode managed: at least one)'),
    databasePort: port().default(5432).describe('PostgreSQL port'),
    ingressControllerNodeCidrs: cidrList().default([])
      .describe('Node CIDRs of an ingress controller on hostNetwork (common on-prem): its traffic comes from node addresses, which a namespace selector never matches'),
    frontendEgressCidrs: z.array(cidr('203.0.113.10/32')
      .refine((v) => !/\/0$/.test(v), { message: 'must not be the whole internet (0.0.0.0/0, ::/0): a compromised frontend could then send data anywhere (allowed: the addresses of the hosts it calls)' }))
      .default([])
      .describe('Where else the frontend may open HTTPS (443) connections, beyond the backend it reaches inside the cluster (server-side rendering calls backend-service); empty by default'),
  }).prefault({}).describe('NetworkPolicies'),
  secrets: z.strictObject({
    database: secretRef('db-secrets', 'connection-string', 'the PostgreSQL connection string (DATABASE_URL)'),
    app: secretRef('app-secrets', 'secret-key', 'the application SECRET_KEY'),
    redis: secretRef('redis-secrets', 'redis-password', 'the Redis password (REDIS_PASSWORD)'),
    monitoringDatabase: secretRef('postgres-exporter-secrets', 'data-source-name', 'the read-only (pg_monitor) connection string of postgres_exporter (DATA_SOURCE_NAME)'),
    migrationDatabase: z.strictObject({
      name: dnsName().describe('Name of the Secret'),
      key: z.string().min(1).default('connection-string').describe('Key in that Secret'),
    }).optional().describe('Managed PostgreSQL: the migrator\'s connection string (the owner of the schema), for the migration Job only; secrets.database is then the backend\'s data-only role (docs/database.md, "Two roles"). Left out: both use secrets.database'),
  }).prefault({}).describe('Secrets the manifests reference but never contain'),
  secretsProvider: secretsProviderSchema,
  gitops: gitopsSchema,
  redis: z.strictObject({
    url: z.string().regex(/^rediss?:\/\/[^:@\s]+(:\d+)?(\/\d+)?$/, { message: 'must be redis://host:port/db without credentials' })
      .default('redis://redis:6379/0').describe('REDIS_URL in ConfigMap redis-config with the in-cluster cache, without credentials: the backend\'s ACL user is added (`redis://backend@redis:6379/0`), the password comes from `secrets.redis`; with mode managed it comes from `redis.managed`'),
    ...redisSchemaShape(),
  }).prefault({}).superRefine(refineRedis).describe('The cache: Redis or Valkey with Sentinel in the cluster (StatefulSet `redis` or `valkey`, HAProxy `redis-haproxy` in front), or a managed service; see [cache.md](cache.md)'),
  monitoring: monitoringSchema(),
  database: databaseSchema(),
  migrations: migrationsSchema,
  images: imagesSchema,
  delivery: deliverySchema(),
  validation: z.strictObject({
    waivers: z.array(z.strictObject({
      kind: z.string().min(1).describe('Kind of the object'),
      name: z.string().min(1).describe('Name of the object'),
      rule: z.string().min(1).describe('Rule to waive'),
      reason: z.string().min(10, { message: 'must explain the waiver in at least 10 characters' }).describe('Why the finding is acceptable'),
    })).default([]).describe('Findings of the validation gate that are accepted, per object and rule, with a reason'),
  }).prefault({}).describe('Validation gate'),
})
  // The rules over the whole configuration, in the order their problems are reported.
  .superRefine(refineStringValues).superRefine(refineNamespace).superRefine(refinePods).superRefine(refineGitRevisions)
  .superRefine(refineDurations).superRefine(refineConnectionBudget).superRefine(refineIssuers).superRefine(refineEdge)
  .superRefine(refineDatabase).superRefine(refineRedisSecret).superRefine(refineRedisTls).superRefine(refineImages).superRefine(refineDelivery);

export type EnvConfig = z.output<typeof configSchema>;

/** An environment: its name (the config file's stem), the file it came from, and its validated configuration. */
export interface Environment {
  readonly name: string;
  readonly file: string;
  readonly config: EnvConfig;
}

/** A user mistake in configuration: one line per problem, each naming the file and key path. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Turns zod issues into "file: key.path: what is wrong and what is allowed" lines. */
function describeIssue(file: string, issue: z.core.$ZodIssue, schemaAt: (p: PropertyKey[]) => unknown): string {
  const where = keyPathOf(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = schemaAt(issue.path as PropertyKey[]);
      const keys = allowed ? ` (allowed: ${allowed})` : '';
      return issue.keys.map((k) => `${file}: ${keyPathOf([...issue.path, k])}: unknown key${keys}`).join('\n');
    }
    case 'invalid_type':
      if (issue.input === undefined) return `${file}: ${where}: is required (expected ${issue.expected})`;
      return `${file}: ${where}: expected ${issue.expected}, got ${JSON.stringify(issue.input)}`;
    case 'invalid_value':
      return `${file}: ${where}: got ${JSON.stringify(issue.input)} (allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')})`;
    case 'too_small':
      if (issue.origin === 'array') return `${file}: ${where}: needs at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return `${file}: ${where}: ${issue.message}`;
      return `${file}: ${where}: ${issue.message.startsWith('must') ? issue.message : `must be at least ${issue.minimum}`}, got ${JSON.stringify(issue.input)}`;
    case 'too_big':
      return `${file}: ${where}: ${issue.message.startsWith('must') ? issue.message : `must be at most ${issue.maximum}`}, got ${JSON.stringify(issue.input)}`;
    case 'invalid_union': {
      // A discriminated union (certManager.issuers[].type, dns01.provider): the value and the allowed ones, not the whole object.
      const u = issue as any;
      if (u.discriminator && Array.isArray(u.options)) {
        const allowed = u.options.map((o: unknown) => JSON.stringify(o)).join(', ');
        const v = u.input && typeof u.input === 'object' ? u.input[u.discriminator] : undefined;
        return v === undefined ? `${file}: ${where}: is required (allowed: ${allowed})` : `${file}: ${where}: got ${JSON.stringify(v)} (allowed: ${allowed})`;
      }
      // A plain union: what each alternative wanted.
      const wanted = [...new Set((u.errors ?? []).map((alt: z.core.$ZodIssue[]) => alt.map((i) => i.message).join('; ')))].filter(Boolean);
      return `${file}: ${where}: matches none of the allowed forms${wanted.length ? ` (allowed: ${wanted.join(' | ')})` : ''}${u.input !== undefined ? `, got ${JSON.stringify(u.input)}` : ''}`;
    }
    case 'invalid_format':
    case 'custom':
    default:
      return `${file}: ${where}: ${issue.message}${'input' in issue && issue.input !== undefined && issue.code !== 'custom' ? `, got ${JSON.stringify(issue.input)}` : ''}`;
  }
}

/** The keys an object schema allows at a key path, for "unknown key" messages. */
function allowedKeysAt(p: PropertyKey[]): string | undefined {
  let s: any = configSchema;
  const unwrap = (x: any): any => {
    while (x && x._zod?.def && ['default', 'prefault', 'optional', 'pipe', 'nullable'].includes(x._zod.def.type)) {
      x = x._zod.def.innerType ?? x._zod.def.in;
    }
    return x;
  };
  for (const k of p) {
    s = unwrap(s);
    if (!s) return undefined;
    if (s._zod.def.type === 'object') s = s._zod.def.shape[k as string];
    else if (s._zod.def.type === 'array') s = s._zod.def.element;
    else return undefined;
  }
  s = unwrap(s);
  return s?._zod.def.type === 'object' ? Object.keys(s._zod.def.shape).join(', ') : undefined;
}

/** Parses and validates one configuration file; throws ConfigError listing every problem. */
export function parseConfig(file: string, text: string): EnvConfig {
  let data: unknown;
  try {
    data = parseConfigYaml(file, text) ?? {};
  } catch (e) {
    if (e instanceof InputProblem) throw new ConfigError(e.message.split('\n'));
    throw e;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([`${file}: (top level): must be a mapping of keys to values`]);
  }
  // A CHANGE-ME left by `npm run new-env` (lib/config/placeholders.ts) is the one problem of its key: not also
  // "must be a DNS label" or "got CHANGE-ME (allowed ...)".
  const placeholders = placeholderIssues(data);
  const placeholderAt = new Set(placeholders.map((p) => keyPathOf(p.path)));
  const result = configSchema.safeParse(data, { reportInput: true });
  // Rules on the cache section as written (keys that mean nothing with a managed cache, TLS in production).
  const cache = cacheModeProblems(data, path.basename(file).replace(/\.ya?ml$/, ''));
  if (!result.success || placeholders.length > 0 || cache.length > 0) {
    const rest = (result.error?.issues ?? []).filter((i) => !placeholderAt.has(keyPathOf(i.path)));
    throw new ConfigError([
      ...placeholders.map((p) => `${file}: ${keyPathOf(p.path)}: ${p.message}`),
      ...cache.map((p) => `${file}: ${keyPathOf(p.path)}: ${p.message}`),
      ...rest.flatMap((i) => describeIssue(file, i, allowedKeysAt).split('\n')),
    ]);
  }
  return result.data;
}

/** Loads every `*.yaml` in a config folder, sorted by name; problems of all files are reported together. */
export function loadEnvironments(configDir: string): Environment[] {
  const { files, problems } = configFilesOf(configDir);
  const envs: Environment[] = [];
  for (const f of files) {
    const file = path.join(configDir, f);
    const name = f.slice(0, -'.yaml'.length);
    if (!DNS_LABEL.test(name)) {
      problems.push(`${file}: the file name must be a DNS label (it names the environment and dist/${name}/)`);
      continue;
    }
    try {
      envs.push({ name, file, config: parseConfig(file, readConfigText(file)) });
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else if (e instanceof InputProblem) problems.push(e.message);
      else throw e;
    }
  }
  // Rules across environments (every file is known here).
  if (problems.length === 0) problems.push(...crossEnvironmentProblems(envs), ...frontendApiUrlProblems(envs));
  if (problems.length > 0) throw new ConfigError(problems);
  return envs;
}
