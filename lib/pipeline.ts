/**
 * The synth pipeline: config → charts → gate → render → write. `main.ts` is only its command line.
 *
 * 1. config: `loadEnvironments` reads and validates every `config/<env>.yaml` (lib/config);
 * 2. charts: `buildApp` is the one place charts are wired: each chart gets its own config section, the
 *    environment context and the constructs it depends on;
 * 3. gate: every object of every environment and of `dist/argocd/` (lib/validate); nothing is written when
 *    anything would be rejected;
 * 4. render: YAML, then the rendered files read back as YAML 1.1 readers (kubectl, Argo CD) read them;
 * 5. write: the output folder, atomically (lib/output/write.ts), and nothing else.
 */
import { App } from 'cdk8s';
import { argocdFiles } from '../charts/argocd';
import { BackendChart, backendEnv, schemaWaitContainer } from '../charts/backend';
import { backendCanary, canaryScrape, frontendCanary } from './delivery/rollout';
import { isCanary } from './delivery/strategy';
import { DatabaseChart } from '../charts/database';
import { ExternalSecretsChart } from '../charts/external-secrets';
import { FrontendChart } from '../charts/frontend';
import { GatewayChart } from '../charts/gateway';
import { IngressChart } from '../charts/ingress';
import { MigrationsChart } from '../charts/migrations';
import { MonitoringChart } from '../charts/monitoring';
import { NamespaceChart } from '../charts/namespace';
import { NetworkPoliciesChart } from '../charts/network-policies';
import { RedisChart } from '../charts/redis';
import { SmokeChart, SmokeJobChart } from '../charts/smoke';
import { chartsToJson } from './constructs/charts-to-json';
import type { EnvChart, EnvContext } from './constructs/env-chart';
import { type Environment, loadEnvironments } from './config';
import { envContextOf } from './config/context';
import { certificateEdge, runningEdges } from './config/edge';
import { edgeCertificates } from './edge/acme';
import { frontendApiUrl } from './config/frontend-api-url';
import { edgeCaSecret, edgeTlsOf, smokeEnv } from './delivery/smoke';
import { edgeSolvesHttp01, edgeSourcesOf } from './edge/sources';
import { databaseClientOf, databaseEgressOf } from './database/client';
import { grantContainer, managedAppRole } from './database/roles';
import { connectionSizing } from './database/schema';
import { clusterNames, cnpgOf } from './database/names';
import { alertmanagerConfigSpec } from './monitoring/alertmanager';
import { dashboardJson } from './monitoring/dashboard';
import { edgeMetricsSource } from './monitoring/edge';
import { API_ROUTE, FRONTEND_ROUTE } from './monitoring/names';
import { alertGroups } from './monitoring/rules';
import { sloRuleGroups } from './monitoring/slo';
import { cacheMetricsServiceLabels, redisClientConfig } from './redis/topology';
import { cacheCaVolume } from './redis/tls';
import { databaseCaVolume } from './database/connection';
import { signaturePolicy } from './images/signature-policy';
import { instanceOf } from './k8s/labels';
import { fromPrometheus } from './k8s/network';
import { secretStorePolicy } from './secrets/store-policy';
import { secretSourcesOf } from './config/secret-sources';
import { configWarnings } from './config/warnings';
import { monitoringNotices } from './monitoring/edge';
import { withSyncAnnotations } from './output/sync-waves';
import { type ManifestFile, recoverInterrupted, toYaml, writeTree, writeTreeAtomically } from './output/write';
import { type Finding, contextOf, validateEnvironments, validateObjects, withSectionBlame, yaml11TreeFindings } from './validate';

/**
 * Builds the cdk8s App of one environment; its charts in apply order. The one place charts are wired: each
 * gets the environment context, its own config section and the constructs it depends on.
 */
export function buildApp(env: Environment): { app: App; charts: EnvChart[] } {
  const app = new App();
  const c = env.config;
  // The environment context (lib/config/context.ts): only the part every chart shares, as its own object.
  const context: EnvContext = envContextOf(env);
  const namespace = new NamespaceChart(app, 'namespace', { env: context, signaturePolicy: signaturePolicy(env) });
  const secrets = c.secretsProvider.type === 'external-secrets'
    ? new ExternalSecretsChart(app, 'external-secrets', {
      env: context,
      secretsProvider: c.secretsProvider,
      secrets: secretSourcesOf(env),
      ...(c.secretsProvider.admissionPolicy ? { storePolicy: secretStorePolicy(env, `${instanceOf(env)}-external-secrets`) } : {}),
    })
    : undefined;
  const grant = grantContainer(env);
  const migrations = c.migrations.enabled
    ? new MigrationsChart(app, 'migrations', {
      env: context,
      migrations: c.migrations,
      image: `${c.registry}/${c.backend.image}`,
      argocdHook: c.gitops.enabled,
      database: databaseClientOf(env, 'migrator'),
      ...(grant ? { grant } : {}),
    })
    : undefined;
  const caVolumes = [cacheCaVolume(env), databaseCaVolume(env)].filter((v) => v !== undefined);
  // How the backend (and its schema wait) reaches PostgreSQL: as the app role.
  const backendDatabase = databaseClientOf(env, 'app');
  const backend = new BackendChart(app, 'backend', {
    env: context,
    backend: c.backend,
    containerEnv: backendEnv({
      backend: c.backend,
      database: backendDatabase,
      redis: c.redis,
      secrets: c.secrets,
      appEnvironment: c.appEnvironment ?? env.name,
      corsOrigins: c.ingress.cors.allowOrigins,
    }),
    redisClientConfig: redisClientConfig(env),
    caVolumes,
    ...(c.migrations.enabled && c.migrations.waitForSchema ? { schemaWait: schemaWaitContainer(`${c.registry}/${c.backend.image}`, c.migrations, backendDatabase) } : {}),
    ...optional('canary', backendCanary(env)),
  });
  const cnpg = cnpgOf(env);
  const prometheus = fromPrometheus(c);
  // Created after its clients, whose constructs it takes; written first (08-database.yaml).
  const database = cnpg
    ? new DatabaseChart(app, 'database', {
      env: context,
      database: c.database,
      sizing: connectionSizing(c, cnpg),
      ...optional('appRole', managedAppRole(env)),
      backend: backend.workload,
      ...optional('migrations', migrations?.peer),
      ...optional('prometheus', c.monitoring.enabled ? prometheus : undefined),
    })
    : undefined;
  const frontend = new FrontendChart(app, 'frontend', { env: context, frontend: c.frontend, apiUrl: frontendApiUrl(c), ...optional('canary', frontendCanary(env)) });
  const m = c.monitoring;
  const monitoring = m.enabled
    ? new MonitoringChart(app, 'monitoring', {
      env: context,
      monitoring: m,
      backend: backend.workload,
      ...optional('backendScrape', canaryScrape(env, backend.workload)),
      alertGroups: alertGroups(env),
      sloGroups: sloRuleGroups(env),
      ...(m.alerting.enabled ? { alertmanagerConfig: alertmanagerConfigSpec(m) } : {}),
      dashboard: dashboardJson(env),
      ...optional('cacheMetrics', cacheMetricsServiceLabels(env)),
      ...optional('postgres', cnpg ? { cnpgClusters: clusterNames(cnpg) } : m.postgresExporter.enabled ? { exporterSecret: c.secrets.monitoringDatabase } : undefined),
      ...optional('edgeMetrics', edgeMetricsSource(env)),
    })
    : undefined;
  const s = c.delivery.smoke;
  const smokeJob = {
    env: context,
    smoke: s,
    image: `${c.registry}/${c.backend.image}`,
    testEnv: smokeEnv(env),
    ...(edgeTlsOf(env) === 'issuer-ca' ? { edgeCa: edgeCaSecret(env) } : {}),
  };
  const smoke = s.enabled
    ? new SmokeChart(app, 'smoke', { ...smokeJob, backend: backend.workload, frontend: frontend.workload, edge: edgeSourcesOf(env), argocdHook: c.gitops.enabled })
    : undefined;
  const networkPolicies = new NetworkPoliciesChart(app, 'network-policies', {
    env: context,
    network: c.network,
    backend: backend.workload,
    frontend: frontend.workload,
    edge: edgeSourcesOf(env),
    databaseEgress: databaseEgressOf(env),
    ...(c.redis.mode === 'managed' ? { managedCache: { cidrs: c.redis.managed!.cidrs, port: c.redis.managed!.port } } : {}),
    ...optional('smoke', smoke?.peer),
    ...optional('postgresExporter', monitoring?.postgresExporter),
    http01Solver: edgeSolvesHttp01(env),
  });
  const redis = new RedisChart(app, 'redis', { env: context, redis: c.redis, secret: c.secrets.redis, backend: backend.workload, prometheus });
  // The edge, and during a migration (edge.migrateFrom) the one being retired too: 40-ingress.yaml, 40-gateway.yaml.
  const certificates = (edge: 'ingress' | 'gateway') => optional('certificates', certificateEdge(c.edge) === edge ? edgeCertificates(env) : undefined);
  const edgeTargets = { backend: backend.workload, frontend: frontend.workload, privatePaths: c.backend.privatePaths };
  const canaryServices = { ...optional('backend', backend.canaryService), ...optional('frontend', frontend.canaryService) };
  const edges = runningEdges(c.edge).sort().map((k) => (k === 'gateway'
    ? new GatewayChart(app, 'gateway', { env: context, edge: c.edge, ingress: c.ingress, ...edgeTargets, canaryServices, ...certificates('gateway') })
    : new IngressChart(app, 'ingress', { env: context, ingress: c.ingress, ...edgeTargets, ...certificates('ingress') })));
  // Without Argo CD the Job goes to post-apply/, which `kubectl apply -f dist/<env>/` does not read.
  const smokeTest = s.enabled && !c.gitops.enabled ? new SmokeJobChart(app, 'smoke-job', smokeJob) : undefined;
  const charts = [namespace, secrets, database, migrations, backend, frontend, networkPolicies, redis, ...edges, monitoring, smoke, smokeTest];
  return { app, charts: charts.filter((x): x is EnvChart => x !== undefined) };
}

/** `{ [key]: value }`, or nothing when the value is undefined (an optional prop left out). */
function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V };
}

/** The manifest files of one environment, paths relative to the output folder. */
export function synthEnvironment(env: Environment): ManifestFile[] {
  // Every object gets its Argo CD sync-wave (and SkipDryRunOnMissingResource for custom resources).
  const { charts } = buildApp(env);
  const objects = chartsToJson(charts);
  return charts.map((chart, i) => ({ path: `${env.name}/${chart.file}`, objects: objects[i].map(withSyncAnnotations) }));
}

/** An environment with its synthesized manifests (as `synthEnvironment` returns them). */
export interface SynthesizedEnvironment {
  readonly env: Environment;
  readonly files: ManifestFile[];
}

/** The files of `dist/argocd/` (paths relative to the output folder): the Argo CD objects of every environment. */
export function synthArgocd(synthesized: SynthesizedEnvironment[]): ManifestFile[] {
  return argocdFiles(synthesized.map(({ env, files }) => ({ env, gitops: env.config.gitops, canaryHttpRoutes: canaryHttpRoutesOf(env), files })));
}

/** The HTTPRoutes whose weights Argo Rollouts' Gateway API plugin sets: the canaried workloads' routes on the Gateway API edge. */
function canaryHttpRoutesOf(env: Environment): string[] {
  if (env.config.edge.kind !== 'gateway') return [];
  return [...(isCanary(env, 'backend') ? [API_ROUTE] : []), ...(isCanary(env, 'frontend') ? [FRONTEND_ROUTE] : [])];
}

/** Every environment's files, rendered to YAML. */
export function renderAll(envs: Environment[]): Map<string, string> {
  return renderSynthesized(envs.map((env) => ({ env, files: synthEnvironment(env) })));
}

/** Synthesized environments rendered to YAML, plus dist/argocd/ (the Argo CD objects of every environment). */
export function renderSynthesized(synthesized: SynthesizedEnvironment[], argocd: ManifestFile[] = synthArgocd(synthesized)): Map<string, string> {
  const files = new Map<string, string>();
  for (const { env, files: envFiles } of synthesized) {
    for (const f of envFiles) files.set(f.path, toYaml(f.objects, env.name));
  }
  for (const f of argocd) files.set(f.path, toYaml(f.objects, '*'));
  return files;
}

export interface SynthOptions {
  readonly configDir: string;
  readonly outDir: string;
  /** A second folder that gets a plain copy of the output (the `cdk8s synth` scratch folder). */
  readonly mirrorDir?: string;
}

/** What the pipeline has to say on the way (the command line prints it). */
export interface SynthLog {
  /** A problem that does not stop the synth (an interrupted switch undone, a config warning). */
  warn(line: string): void;
  /** A phase timing, for PENSIOEN_SYNTH_DEBUG. */
  debug(line: string): void;
}

export type SynthResult =
  /** Written: the files, and per environment what its config switched off and why. */
  | { readonly ok: true; readonly envs: Environment[]; readonly files: Map<string, string>; readonly notices: string[] }
  /** Refused before anything was written: by the gate, or by the YAML 1.1 read-back. */
  | { readonly ok: false; readonly stage: 'gate' | 'yaml11'; readonly findings: Finding[] };

/**
 * The whole synth. Throws `ConfigError` for configuration the schema refuses and `OutputRefused` when the
 * output folder cannot be replaced; a refusal by the gate or the YAML 1.1 read-back is a result.
 */
export function synthesize(opts: SynthOptions, log: SynthLog): SynthResult {
  // A switch a crash interrupted is undone before anything else (lib/output/write.ts).
  const recovered = recoverInterrupted(opts.outDir);
  if (recovered) log.warn(recovered);
  // 1. config
  const envs = loadEnvironments(opts.configDir);
  // Gaps that do not stop the synth (lib/config/warnings.ts).
  for (const w of envs.flatMap(configWarnings)) log.warn(`warning: ${w}`);
  // 2. charts
  const synthesized = envs.map((env) => ({ env, files: synthEnvironment(env) }));
  const argocd = synthArgocd(synthesized);
  // 3. gate: nothing is written when any object would be rejected.
  const gateStart = performance.now();
  const findings = [...validateEnvironments(synthesized), ...withSectionBlame(validateObjects(argocd.flatMap((f) => f.objects), contextOf(undefined)), argocd)];
  log.debug(`validation gate ${(performance.now() - gateStart).toFixed(1)} ms`);
  if (findings.length > 0) return { ok: false, stage: 'gate', findings };
  // 4. render; the files as kubectl, Argo CD and the API server read them (YAML 1.1) must hold what the gate checked.
  const files = renderSynthesized(synthesized, argocd);
  const misread = yaml11TreeFindings(files, envs);
  if (misread.length > 0) return { ok: false, stage: 'yaml11', findings: misread };
  // 5. write: only the output folder (and its scratch siblings .<out>.synth-new/-old, lib/output/write.ts);
  // the generated docs, docs/deployed-objects/ included, are `npm run docs`'s.
  writeTreeAtomically(opts.outDir, files);
  if (opts.mirrorDir) writeTree(opts.mirrorDir, files);
  const notices = synthesized.flatMap(({ env }) => monitoringNotices(env).map((n) => `${env.name}: ${n}`));
  return { ok: true, envs, files, notices };
}
