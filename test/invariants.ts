/**
 * Invariants over the config space: what must hold for EVERY valid configuration, not just the ones in
 * config/ and test/fixtures/. `configArbitrary` generates configurations across the space the schema allows
 * (edge kinds and implementations, database modes through the fixtures, secret providers, alerting on and
 * off, rolling or canary releases, autoscaling bounds, replica counts, Redis options, names and tags that YAML 1.1 would misread);
 * `checkInvariants` synthesizes one and returns every broken invariant as a line (empty: all hold).
 * test/invariants.test.ts runs a seeded handful in `npm test`; test/invariants.tools.test.ts many more.
 */
import * as fc from 'fast-check';
import { parse, parseDocument, stringify } from 'yaml';
import { ConfigError, type Environment, parseConfig } from '../lib/config';
import { metricNames, seriesProducers } from '../lib/monitoring/series';
import { toYamlDocument } from '../lib/output/yaml';
import { YAML11_PARSE_OPTIONS } from '../lib/output/yaml11';
import { allFindings, contextOf, formatFinding } from '../lib/validate';
import { synthEnvironment } from '../lib/pipeline';
import { flowProblems } from './flows';
import { fixtureText, podSpecs } from './helpers';
import { CRD_DIR } from './validate-fixtures';

/** Strings a YAML 1.1 reader (go-yaml v2 in kubectl and Argo CD, PyYAML) resolves to something else than a string. */
export const YAML11_TRAPS = ['on', 'off', 'yes', 'no', 'y', 'n', 'Y', 'N', 'On', 'OFF', 'Yes', 'NO', 'true', 'False', 'null', '~',
  '1_000', '0b101', '0x1F', '0o17', '017', '1:20', '1e3', '.inf', '-.Inf', '.NaN', '2024-01-15', '2024_01_15', '1.0', '10', '=', '<<'];

/** A tag an image may carry (Docker: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}), biased towards YAML 1.1 traps. */
const imageTag = fc.oneof(
  fc.constantFrom(...YAML11_TRAPS.filter((t) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(t))),
  fc.tuple(fc.nat(30), fc.nat(30), fc.nat(30)).map(([a, b, c]) => `${a}.${b}.${c}`),
  fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/),
);

export interface GeneratedConfig {
  /** The fixture it starts from (its database mode, secret provider and delivery path). */
  base: 'production' | 'staging' | 'onprem';
  /** The environment name (the config file's name): DNS labels, YAML 1.1 traps among them. */
  name: string;
  yaml: string;
}

/** Valid-looking configurations: a fixture with a generated set of changes (the schema may still refuse some). */
export const configArbitrary: fc.Arbitrary<GeneratedConfig> = fc.record({
  base: fc.constantFrom('production' as const, 'staging' as const, 'onprem' as const),
  name: fc.constantFrom('production', 'staging', 'acceptance', 'yes', 'on', 'y', 'no', 'null', 'e2e', 'x1'),
  backendTag: imageTag,
  frontendTag: imageTag,
  edge: fc.oneof(
    fc.constant({ kind: 'ingress' }),
    fc.constantFrom('envoy-gateway', 'nginx-gateway-fabric').map((implementation) => ({ kind: 'gateway', gateway: { implementation } })),
  ),
  autoscaling: fc.option(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 9 })).map(([min, extra]) => ({ enabled: true, minReplicas: min, maxReplicas: min + extra })), { nil: undefined }),
  backendReplicas: fc.integer({ min: 1, max: 6 }),
  frontendReplicas: fc.integer({ min: 1, max: 5 }),
  pool: fc.record({ size: fc.integer({ min: 1, max: 12 }), maxOverflow: fc.integer({ min: 0, max: 12 }) }),
  redisReplicas: fc.constantFrom(3, 5),
  redisMaxmemory: fc.constantFrom('64mb', '256mb'),
  monitoring: fc.boolean(),
  // The in-cluster cache over TLS (its alert, the Reloader annotation), or not.
  cacheTls: fc.constantFrom(undefined, 'none' as const, 'reloader' as const),
  // How releases go: rolling updates, or an Argo Rollouts canary (the frontend too or not, a few step lists).
  delivery: fc.oneof(
    fc.constant({ strategy: 'rolling' }),
    fc.record({ strategy: fc.constant('canary'), canary: fc.record({ frontend: fc.boolean(), steps: fc.constantFrom([10, 25, 50, 100], [100], [5, 50, 100]) }) }),
  ),
  labelValue: fc.option(fc.constantFrom(...YAML11_TRAPS.filter((t) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(t))), { nil: undefined }),
}).map((g) => {
  const doc = parse(fixtureText(g.base));
  const tagged = (image: string, tag: string) => `${image.replace(/:[^:/]*$/, '')}:${tag}`;
  doc.backend = { ...doc.backend, image: tagged(doc.backend.image, g.backendTag), replicas: g.backendReplicas, databasePool: { ...doc.backend.databasePool, ...g.pool } };
  if (g.autoscaling) doc.backend.autoscaling = { ...doc.backend.autoscaling, ...g.autoscaling };
  doc.frontend = { ...doc.frontend, image: tagged(doc.frontend.image, g.frontendTag), replicas: g.frontendReplicas };
  doc.edge = g.edge.kind === 'gateway' ? { ...(doc.edge ?? {}), ...g.edge, gateway: { ...(doc.edge?.gateway ?? {}), ...(g.edge as any).gateway } } : { kind: 'ingress' };
  if (g.edge.kind === 'gateway' && (g.edge as any).gateway.implementation === 'nginx-gateway-fabric') doc.edge.gateway.className ??= 'nginx';
  if (g.edge.kind === 'gateway' && (g.edge as any).gateway.implementation === 'envoy-gateway' && doc.edge.gateway.className === 'nginx') delete doc.edge.gateway.className;
  doc.redis = { ...doc.redis, replicas: g.redisReplicas, quorum: Math.floor(g.redisReplicas / 2) + 1, maxmemory: g.redisMaxmemory };
  if (g.cacheTls) {
    doc.redis.tls = { enabled: true, restartOnRenewal: g.cacheTls };
    doc.redis.url = (doc.redis.url ?? 'redis://redis:6379/0').replace(/^redis:/, 'rediss:');
  }
  doc.monitoring = { ...(doc.monitoring ?? {}), enabled: g.monitoring };
  doc.delivery = { ...(doc.delivery ?? {}), ...g.delivery };
  // app.kubernetes.io/instance on every object: a label value YAML 1.1 may read as a boolean, null or number.
  if (g.labelValue !== undefined) doc.instance = g.labelValue;
  // The namespace follows the environment name where the fixture names it after itself.
  if (doc.namespace === g.base || doc.namespace === undefined) doc.namespace = g.name === g.base ? doc.namespace : `pensioen-${g.name}`;
  return { base: g.base, name: g.name, yaml: stringify(doc) };
});

/** The config as the user would load it, or the problems synth would print. */
export function load(g: GeneratedConfig): Environment | string[] {
  const file = `config/${g.name}.yaml`;
  try {
    return { name: g.name, file, config: parseConfig(file, g.yaml) };
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

const RESTRICTED_CAPS = (c: any) => Array.isArray(c?.securityContext?.capabilities?.drop) && c.securityContext.capabilities.drop.includes('ALL');
const int = (v: unknown) => (typeof v === 'number' ? v : /^\d+$/.test(String(v)) ? Number(v) : undefined);

/**
 * The YAML 1.1 reader: the gate's (lib/output/yaml11.ts), which test/yaml11.tools.test.ts holds against the real
 * readers (kubectl's go-yaml, PyYAML). `yaml`'s own 1.1 schema alone is not one: it reads an image tag `e8` as a
 * float (null), which no cluster reader does (found by this property test).
 */
export const YAML11_READER = YAML11_PARSE_OPTIONS;

/** Every broken invariant of a synthesized configuration, one line each. */
export function checkInvariants(env: Environment): string[] {
  const broken: string[] = [];
  const files = synthEnvironment(env);
  const objects = files.flatMap((f) => f.objects);

  // 1. The validation gate (schemas, CEL, API-server rules, Pod Security, references) finds nothing.
  broken.push(...allFindings(objects, contextOf(env, CRD_DIR)).map((f) => `gate: ${formatFinding(f)}`));

  // 2. Every object reads under YAML 1.1 (kubectl, Argo CD, the API server; PyYAML) as built (and so as under 1.2).
  for (const f of files) {
    for (const o of f.objects) {
      const text = toYamlDocument(o);
      // (That YAML 1.2 reads back what was built is the emitter's own property: test/yaml-emitter.test.ts.)
      const as11 = parseDocument(text, YAML11_READER).toJS({ maxAliasCount: -1 });
      const built = JSON.parse(JSON.stringify(o));
      if (JSON.stringify(as11) !== JSON.stringify(built)) broken.push(`yaml-1.1: ${f.path}: ${o.kind}/${o.metadata?.name} reads differently under YAML 1.1: ${firstDifference(built, as11)}`);
    }
  }

  // 3. Every alert rule reads only series that this environment's scrape targets (or recording rules) produce.
  const produced = new Set(seriesProducers(env).map((p) => p.metric));
  for (const rule of objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules))) {
    for (const m of metricNames(String(rule.expr))) {
      if (!m.includes(':') && !produced.has(m)) broken.push(`series: ${rule.alert ?? rule.record} reads ${m}, which no scrape target of ${env.name} produces`);
    }
  }

  // 4. The shared guarantees on every pod template, operators' included.
  for (const { owner, spec } of podSpecs(objects)) {
    const sc = spec.securityContext ?? {};
    if (sc.runAsNonRoot !== true) broken.push(`pod: ${owner}: runAsNonRoot is not true`);
    if (sc.seccompProfile?.type !== 'RuntimeDefault') broken.push(`pod: ${owner}: seccompProfile is not RuntimeDefault`);
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      if (c.securityContext?.allowPrivilegeEscalation !== false) broken.push(`pod: ${owner}/${c.name}: allowPrivilegeEscalation is not false`);
      if (!RESTRICTED_CAPS(c)) broken.push(`pod: ${owner}/${c.name}: capabilities do not drop ALL`);
      if (c.securityContext?.readOnlyRootFilesystem !== true) broken.push(`pod: ${owner}/${c.name}: the root filesystem is writable`);
      const sleep = c.lifecycle?.preStop?.sleep?.seconds;
      if (sleep !== undefined && sleep >= (spec.terminationGracePeriodSeconds ?? 30)) broken.push(`pod: ${owner}/${c.name}: preStop sleep ${sleep} s is not shorter than the grace period`);
    }
    for (const t of spec.topologySpreadConstraints ?? []) {
      if (t.whenUnsatisfiable === 'DoNotSchedule' && (t.nodeTaintsPolicy !== 'Honor' || t.nodeAffinityPolicy !== 'Honor')) broken.push(`pod: ${owner}: hard spread on ${t.topologyKey} does not honour taints and affinity`);
    }
  }
  // Pods the operators make from our templates: CloudNativePG's instances and PgBouncer.
  for (const o of objects.filter((x) => ['Cluster', 'Pooler'].includes(x.kind))) {
    const spread = o.kind === 'Cluster' ? o.spec.topologySpreadConstraints : o.spec.template?.spec?.topologySpreadConstraints;
    for (const t of spread ?? []) {
      if (t.whenUnsatisfiable === 'DoNotSchedule' && (t.nodeTaintsPolicy !== 'Honor' || t.nodeAffinityPolicy !== 'Honor')) broken.push(`pod: ${o.kind}/${o.metadata.name}: hard spread on ${t.topologyKey} does not honour taints and affinity`);
    }
  }
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const ru = d.spec.strategy?.rollingUpdate;
    if (d.spec.strategy?.type !== 'Recreate' && int(ru?.maxUnavailable) !== 0) broken.push(`rollout: Deployment/${d.metadata.name}: maxUnavailable is not 0`);
  }
  // An Argo Rollouts canary: never fewer pods than wanted, judged by an analysis at every step, ending at 100%.
  for (const r of objects.filter((o) => o.kind === 'Rollout')) {
    const canary = r.spec.strategy?.canary;
    if (!canary) { broken.push(`rollout: Rollout/${r.metadata.name}: not a canary`); continue; }
    if (int(canary.maxUnavailable) !== 0) broken.push(`rollout: Rollout/${r.metadata.name}: maxUnavailable is not 0`);
    const steps: any[] = canary.steps ?? [];
    steps.forEach((s, i) => {
      if ('setWeight' in s && !steps[i + 1]?.analysis) broken.push(`rollout: Rollout/${r.metadata.name}: step ${i} (setWeight ${s.setWeight}) is not judged by an analysis`);
      for (const t of s.analysis?.templates ?? []) {
        if (!objects.some((o) => o.kind === 'AnalysisTemplate' && o.metadata.name === t.templateName)) broken.push(`rollout: Rollout/${r.metadata.name}: step ${i} names AnalysisTemplate ${t.templateName}, not in the output`);
      }
    });
    if (steps.filter((s) => 'setWeight' in s).at(-1)?.setWeight !== 100) broken.push(`rollout: Rollout/${r.metadata.name}: the last weight is not 100`);
    if (objects.some((o) => o.kind === 'Deployment' && o.metadata.name === r.metadata.name)) broken.push(`rollout: Rollout/${r.metadata.name}: a Deployment of the same name runs the same pods`);
  }
  const hpaMax = new Map(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((h) => [`${h.spec.scaleTargetRef.kind}/${h.spec.scaleTargetRef.name}`, h.spec.maxReplicas]));
  for (const w of objects.filter((o) => ['Deployment', 'StatefulSet', 'Rollout'].includes(o.kind))) {
    const most = hpaMax.get(`${w.kind}/${w.metadata.name}`) ?? w.spec.replicas ?? 1;
    const labels = w.spec.template.metadata?.labels ?? {};
    const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && Object.entries(o.spec.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
    if (most > 1 && !pdb) broken.push(`pdb: ${w.kind}/${w.metadata.name} can run ${most} pods but has no PodDisruptionBudget`);
  }

  // 5. The NetworkPolicies allow every flow the application needs and none that nothing needs (test/flows.ts).
  broken.push(...flowProblems(env, objects));

  // 5b. No two objects collide (kind, namespace, name).
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    if (seen.has(id)) broken.push(`collision: ${id} twice`);
    seen.add(id);
  }

  // 6. No secret value: no credentials in a URL, no password-like parameter with a value.
  const text = JSON.stringify(objects);
  // (A URL composed from environment variables, `postgresql://$(DB_USER):$(DB_PASSWORD)@...`, holds none.)
  const withCredentials = text.match(/[a-z][a-z0-9+.-]*:\/\/[^/\s"@:]+:[^/\s"@]+@/gi) ?? [];
  for (const u of withCredentials.filter((x) => !/:\/\/\$\(\w+\):\$\(\w+\)@$/.test(x))) broken.push(`secret: a URL with credentials (${u.replace(/:[^:@]+@$/, ':***@')})`);
  if (/[?&](password|passwd|pwd|token|secret|api[_-]?key)=[^&"\s$]/i.test(text)) broken.push('secret: a credential-looking query parameter');
  return broken;
}

/** Where two JSON values first differ, as a path and both values. */
export function firstDifference(a: unknown, b: unknown, at = ''): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a as object), ...Object.keys(b as object)])) {
      const d = firstDifference((a as any)[k], (b as any)[k], `${at}/${k}`);
      if (d) return d;
    }
  }
  return `${at || '/'}: ${JSON.stringify(a)} became ${JSON.stringify(b)}`;
}

/** A config problem line names the file and the key: `config/<env>.yaml: <key path>: <what>`. */
export const NAMES_FILE_AND_KEY = /^config\/[a-z0-9-]+\.yaml: (\(root\)|[A-Za-z0-9_.\-[\]"/]+)(: | )/;
