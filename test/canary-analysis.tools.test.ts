/**
 * The canary analysis evaluated by promtool on series of a canary, for every environment with
 * `delivery.strategy: canary` (the staging fixture on the Gateway API, the ingress-nginx ones of
 * test/fixtures/canary.ts): the queries are those of the synthesized AnalysisTemplate `backend-canary`, with the
 * canary's hash where the Rollout passes it. A healthy canary passes, one with 5% errors fails, one with too
 * little traffic is inconclusive (never passed), slow responses fail the latency SLI, and the stable pods'
 * errors never count against the canary. The same cases for the frontend's AnalysisTemplate `frontend-canary`
 * on the edge's series, for every environment whose frontend is canaried.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { environment, environments, find, objectsOf } from './helpers';
import { kubectlCanary, nginxCanary } from './fixtures/canary';
import { CANARY_ANALYSIS_TEMPLATE, CANARY_HASH_ARG, FRONTEND_ANALYSIS_TEMPLATE } from '../lib/delivery/analysis-template';
import { frontendCanaryMetrics } from '../lib/delivery/frontend-analysis';
import { promtool, tempDir } from './monitoring-helpers';
import type { Environment } from '../lib/config';
import { CANARY_HASH_LABEL, INCONCLUSIVE_VALUE, canaryMetrics, verdict } from '../lib/delivery/analysis';
import { backendMetrics } from '../lib/monitoring/metrics';

const CANARY = '6d4f8b9c7';
const STABLE = '5c7d9e1f2';
const OPTS = { hash: CANARY, window: '5m', minRequests: 100 };

interface Traffic { perMin: number; errorShare: number; slowShare: number }
/** Input series of one pod-template hash: requests by status, and the duration histogram at the SLO threshold. */
function series(env: Environment, hash: string, t: Traffic): { series: string; values: string }[] {
  const c = env.config;
  const bm = backendMetrics(c.monitoring.metrics);
  const base = `job="${c.monitoring.jobs.backend}",namespace="${c.namespace}",${CANARY_HASH_LABEL}="${hash}",${bm.handlerLabel}="/api/v1/advies",method="POST"`;
  const grow = (perMin: number) => `0+${perMin}x15`;
  const bad = Math.round(t.perMin * t.errorShare);
  const fast = Math.round(t.perMin * (1 - t.slowShare));
  const threshold = c.monitoring.slo.latency.thresholdSeconds;
  const le = Number.isInteger(threshold) ? `${threshold}.0` : String(threshold);
  return [
    { series: `${bm.requestsTotal}{${base},${bm.statusLabel}="2xx"}`, values: grow(t.perMin - bad) },
    { series: `${bm.requestsTotal}{${base},${bm.statusLabel}="5xx"}`, values: grow(bad) },
    // Probes: excluded by the SLO's handler filter, whatever they answer.
    { series: `${bm.requestsTotal}{job="${c.monitoring.jobs.backend}",namespace="${c.namespace}",${CANARY_HASH_LABEL}="${hash}",${bm.handlerLabel}="/health",method="GET",${bm.statusLabel}="5xx"}`, values: grow(1000) },
    { series: `${bm.requestDuration}_bucket{${base},le="${le}"}`, values: grow(fast) },
    { series: `${bm.requestDuration}_bucket{${base},le="+Inf"}`, values: grow(t.perMin) },
    { series: `${bm.requestDuration}_count{${base}}`, values: grow(t.perMin) },
  ];
}

const CASES: { name: string; canary: Traffic; stable?: Traffic; expect: Record<string, number | 'inconclusive'> }[] = [
  { name: 'a healthy canary passes', canary: { perMin: 600, errorShare: 0, slowShare: 0 }, expect: { 'error-ratio': 0, 'latency-ratio': 0 } },
  { name: 'a canary with 5% errors fails', canary: { perMin: 600, errorShare: 0.05, slowShare: 0 }, expect: { 'error-ratio': 0.05, 'latency-ratio': 0 } },
  { name: 'a canary with too little traffic is inconclusive, even with errors', canary: { perMin: 10, errorShare: 0.5, slowShare: 0 }, expect: { 'error-ratio': 'inconclusive', 'latency-ratio': 'inconclusive' } },
  { name: 'a canary with 25% slow responses fails the latency SLI', canary: { perMin: 600, errorShare: 0, slowShare: 0.25 }, expect: { 'error-ratio': 0, 'latency-ratio': 0.25 } },
  { name: 'the stable pods\' errors do not count against a healthy canary', canary: { perMin: 600, errorShare: 0, slowShare: 0 }, stable: { perMin: 6000, errorShare: 0.5, slowShare: 0.5 }, expect: { 'error-ratio': 0, 'latency-ratio': 0 } },
];

/** Every environment with canary: the fixtures that run it, and the ingress-nginx cases built from the others. */
const CANARY_ENVS: [string, Environment][] = [
  ...environments().filter((e) => e.config.delivery.strategy === 'canary').map((e): [string, Environment] => [`${e.name} fixture (${e.config.edge.kind})`, e]),
  ['production with canary (ingress-nginx)', nginxCanary()],
  ['onprem with canary (ingress-nginx, kubectl)', kubectlCanary()],
];

test('the staging fixture runs the canary on the Gateway API edge', () => {
  expect(CANARY_ENVS.map(([, e]) => e.config.edge.kind)).toEqual(['gateway', 'ingress', 'ingress']);
  expect(environment('staging').config.delivery.strategy).toBe('canary');
});

/**
 * promtool evaluates every metric's query on `inputSeries` and must find the case's expected value (rounded to
 * 1e-6: rates of counters carry float noise such as 0.2499999, the query itself is unchanged); then what Argo
 * Rollouts makes of that value by the metric's own conditions must be the case's verdict.
 */
function expectVerdicts(dir: string, file: string, inputSeries: unknown[], metrics: any[], c: (typeof CASES)[number]): void {
  const tests = {
    rule_files: ['empty.yaml'],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: inputSeries,
      promql_expr_test: metrics.map((m: any) => {
        const e = c.expect[m.name];
        return { expr: `round(${m.query}, 0.000001)`, eval_time: '10m', exp_samples: [{ labels: '{}', value: e === 'inconclusive' ? INCONCLUSIVE_VALUE : e }] };
      }),
    }],
  };
  fs.writeFileSync(path.join(dir, file), stringify(tests, { lineWidth: 0 }));
  const r = promtool(['test', 'rules', file], dir);
  expect(r.output).toContain('SUCCESS');
  expect(r.status).toBe(0);
  for (const m of metrics) {
    const e = c.expect[m.name];
    const value = e === 'inconclusive' ? INCONCLUSIVE_VALUE : e;
    const want = e === 'inconclusive' ? 'Inconclusive' : value > m.limit ? 'Failed' : 'Successful';
    expect({ metric: m.name, verdict: verdict(m, value) }).toEqual({ metric: m.name, verdict: want });
  }
}

describe.each(CANARY_ENVS)('canary analysis of %s, judged by promtool', (_n, env) => {
  // The generated AnalysisTemplate, as the Rollouts controller gets it, with the hash it would pass.
  const template = find(objectsOf(env), 'AnalysisTemplate', CANARY_ANALYSIS_TEMPLATE);
  const window = env.config.delivery.canary.analysis.window;
  const expected = canaryMetrics(env, { ...OPTS, window, minRequests: env.config.delivery.canary.analysis.minRequests });
  const metrics = template.spec.metrics.map((m: any, i: number) => ({
    ...expected[i],
    name: m.name,
    query: String(m.provider.prometheus.query).split(`{{args.${CANARY_HASH_ARG}}}`).join(CANARY),
    successCondition: m.successCondition,
    failureCondition: m.failureCondition,
  }));

  test('the template\'s conditions are those of the SLO limits', () => {
    expect(metrics.map((m: any) => [m.name, m.successCondition, m.failureCondition])).toEqual(expected.map((m) => [m.name, m.successCondition, m.failureCondition]));
    expect(template.spec.args).toEqual([{ name: CANARY_HASH_ARG }]);
  });
  let dir: string;
  beforeAll(() => {
    dir = tempDir(`canary-${env.name}-`);
    fs.writeFileSync(path.join(dir, 'empty.yaml'), 'groups: []\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('both SLIs of the SLO rules, only on the canary\'s pods, limited to the fast-burn page', () => {
    expect(metrics.map((m: any) => m.name)).toEqual(['error-ratio', 'latency-ratio']);
    for (const m of metrics) expect(m.query).toContain(`${CANARY_HASH_LABEL}="${CANARY}"`);
    const slo = env.config.monitoring.slo;
    expect(metrics[0].limit).toBeCloseTo(14.4 * (1 - slo.availability.objective), 6);
    expect(metrics[1].limit).toBeCloseTo(14.4 * (1 - slo.latency.objective), 6);
  });

  test.each(CASES)('$name', (c) => {
    expectVerdicts(dir, `case-${CASES.indexOf(c)}.yaml`, [...series(env, CANARY, c.canary), ...(c.stable ? series(env, STABLE, c.stable) : [])], metrics, c);
  });
});

test('the verdicts: 5% errors fails, a healthy canary passes, too little traffic is never a pass', () => {
  const [errors] = canaryMetrics(environments()[0], OPTS);
  expect(verdict(errors, 0.05)).toBe('Failed');
  expect(verdict(errors, 0)).toBe('Successful');
  expect(verdict(errors, INCONCLUSIVE_VALUE)).toBe('Inconclusive');
  expect(errors.successCondition).toBe(`result[0] >= 0 && result[0] <= ${errors.limit}`);
  expect(errors.failureCondition).toBe(`result[0] > ${errors.limit}`);
});

/**
 * The frontend's analysis (AnalysisTemplate `frontend-canary`), judged at the edge, for every environment whose
 * frontend is canaried: the staging fixture (Envoy Gateway: the canary backendRef's own cluster) and the
 * ingress-nginx ones (the canary upstream's label). Input series as the edge exports them, the stable
 * backend's beside the canary's.
 */
const FRONTEND_ENVS: [string, Environment][] = [
  ...environments().filter((e) => e.config.delivery.strategy === 'canary' && e.config.delivery.canary.frontend).map((e): [string, Environment] => [`${e.name} fixture (${e.config.edge.kind})`, e]),
  ['production with a frontend canary (ingress-nginx)', nginxCanary({ canary: { frontend: true } })],
  ['onprem with canary (ingress-nginx, kubectl)', kubectlCanary()],
];

/** The edge's series of the frontend's stable or canary backend. */
function edgeSeries(env: Environment, role: 'stable' | 'canary', t: Traffic): { series: string; values: string }[] {
  const c = env.config;
  const grow = (perMin: number) => `0+${perMin}x15`;
  const bad = Math.round(t.perMin * t.errorShare);
  const fast = Math.round(t.perMin * (1 - t.slowShare));
  const threshold = c.monitoring.slo.latency.thresholdSeconds;
  if (c.edge.kind === 'gateway') {
    const base = `job="${c.monitoring.jobs.edge}",envoy_cluster_name="httproute/${c.namespace}/pensioen-frontend/rule/0/backend/${role === 'canary' ? 1 : 0}"`;
    return [
      { series: `envoy_cluster_upstream_rq_xx{${base},envoy_response_code_class="2"}`, values: grow(t.perMin - bad) },
      { series: `envoy_cluster_upstream_rq_xx{${base},envoy_response_code_class="5"}`, values: grow(bad) },
      { series: `envoy_cluster_upstream_rq_time_bucket{${base},le="${threshold * 1000}"}`, values: grow(fast) },
      { series: `envoy_cluster_upstream_rq_time_bucket{${base},le="+Inf"}`, values: grow(t.perMin) },
      { series: `envoy_cluster_upstream_rq_time_count{${base}}`, values: grow(t.perMin) },
    ];
  }
  // ingress-nginx, scraped by its chart's ServiceMonitor (the Ingress's namespace as exported_namespace); the
  // canary's requests carry the canary upstream's name, the stable's none.
  const canary = role === 'canary' ? `,canary="${c.namespace}-frontend-canary-${c.frontend.port}"` : '';
  const base = `job="ingress-nginx-controller-metrics",namespace="ingress-nginx",exported_namespace="${c.namespace}",ingress="pensioen-frontend-ingress",service="frontend-service",method="GET",path="/"${canary}`;
  return [
    { series: `nginx_ingress_controller_requests{${base},status="200"}`, values: grow(t.perMin - bad) },
    { series: `nginx_ingress_controller_requests{${base},status="502"}`, values: grow(bad) },
    { series: `nginx_ingress_controller_request_duration_seconds_bucket{${base},le="${threshold}"}`, values: grow(fast) },
    { series: `nginx_ingress_controller_request_duration_seconds_bucket{${base},le="+Inf"}`, values: grow(t.perMin) },
    { series: `nginx_ingress_controller_request_duration_seconds_count{${base}}`, values: grow(t.perMin) },
  ];
}

test('every edge Argo Rollouts routes is among the frontend cases', () => {
  expect(FRONTEND_ENVS.map(([, e]) => e.config.edge.kind)).toEqual(['gateway', 'ingress', 'ingress']);
});

describe.each(FRONTEND_ENVS)('frontend canary analysis of %s, judged by promtool', (_n, env) => {
  const template = find(objectsOf(env), 'AnalysisTemplate', FRONTEND_ANALYSIS_TEMPLATE);
  const a = env.config.delivery.canary.analysis;
  const expected = frontendCanaryMetrics(env, { window: a.window, minRequests: a.minRequests });
  const metrics = template.spec.metrics.map((m: any, i: number) => ({ ...expected[i], name: m.name, query: String(m.provider.prometheus.query), successCondition: m.successCondition, failureCondition: m.failureCondition }));
  let dir: string;
  beforeAll(() => {
    dir = tempDir(`frontend-canary-${env.name}-`);
    fs.writeFileSync(path.join(dir, 'empty.yaml'), 'groups: []\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the template\'s queries and conditions are those of the SLO limits, with no argument', () => {
    expect(metrics.map((m: any) => [m.name, m.query, m.successCondition, m.failureCondition])).toEqual(expected.map((m) => [m.name, m.query, m.successCondition, m.failureCondition]));
    expect(metrics.map((m: any) => m.name)).toEqual(['error-ratio', 'latency-ratio']);
    expect(template.spec.args).toBeUndefined();
  });

  test.each(CASES)('$name', (c) => {
    expectVerdicts(dir, `case-${CASES.indexOf(c)}.yaml`, [...edgeSeries(env, 'canary', c.canary), ...(c.stable ? edgeSeries(env, 'stable', c.stable) : [])], metrics, c);
  });
});
