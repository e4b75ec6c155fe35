/**
 * The SLO rules judged by promtool, for every environment: `promtool check rules` on the synthesized
 * PrometheusRule `pensioen-slo`, and `promtool test rules` with the cases of test/promtool/slo-cases.ts
 * (fast burn pages in time, slow burn tickets and never pages, a short spike stays silent, the recording
 * rules give the expected ratios). Slow (minutes): part of `npm run test:chaos`, not `npm test`.
 * The budget group (a 30d range, dashboard only) is left out of the unit-test rules file. The burn factors and annotations are checked against the SRE workbook.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { environments, inlineEnvironment } from '../helpers';
import { prometheusRule, promtool, rulesFileYaml, tempDir } from '../monitoring-helpers';
import { sloCases, sloTestFile } from '../promtool/slo-cases';
import type { Environment } from '../../lib/config';
import { SLO_PROMETHEUS_RULE } from '../../lib/monitoring/names';
import { burnFactor, BURN_WINDOWS, sloGroupName } from '../../lib/monitoring/slo';

/** Other objectives, window, threshold and the guide's prometheus_client names. */
const CUSTOM = inlineEnvironment('slo-custom', `
registry: registry.example.nl/pensioen
namespace: pensioen-acc
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
monitoring:
  jobs: { backend: api }
  metrics: { exporter: prometheus-client }
  slo: { window: 28d, availability: { objective: 0.995 }, latency: { objective: 0.95, thresholdSeconds: 1 } }
`);

const ENVS: Environment[] = [...environments().filter((e) => e.name === 'production'), CUSTOM];

jest.setTimeout(1800000);

describe.each(ENVS.map((e) => [e.name, e] as const))('SLO rules of %s', (_name, env) => {
  let dir: string;
  let testFiles: string[];
  beforeAll(() => {
    dir = tempDir(`promtool-slo-${env.name}-`);
    fs.writeFileSync(path.join(dir, 'rules.yaml'), rulesFileYaml(env, { rule: SLO_PROMETHEUS_RULE }));
    // One rules file per SLO with only its group: promtool evaluates every rule of a test file's rule_files at
    // every step, and an SLO's cases need only its own recording rules and alerts (half the work).
    const groups: string[] = prometheusRule(env, SLO_PROMETHEUS_RULE).spec.groups.map((g: any) => g.name);
    const cases = sloCases(env);
    testFiles = [];
    for (const slo of new Set(cases.map((c) => c.slo))) {
      const rules = `rules-${slo}.yaml`;
      fs.writeFileSync(path.join(dir, rules), rulesFileYaml(env, { rule: SLO_PROMETHEUS_RULE, withoutAnnotations: true, skipGroups: groups.filter((g) => g !== sloGroupName(slo)) }));
      for (const step of [1, 5] as const) {
        const ofStep = cases.filter((c) => c.slo === slo && c.step === step);
        if (!ofStep.length) continue;
        const tests = `tests-${slo}-${step}m.yaml`;
        fs.writeFileSync(path.join(dir, tests), stringify(sloTestFile(rules, ofStep, step), { lineWidth: 0 }));
        testFiles.push(tests);
      }
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('promtool check rules accepts the SLO rules', () => {
    const r = promtool(['check', 'rules', 'rules.yaml'], dir);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  test('promtool test rules: fast burn pages in time, slow burn tickets only, a spike stays silent, ratios recorded', () => {
    // Minutes of evaluation over days of samples: the slow suite (npm run test:chaos).
    expect(testFiles.length).toBe(4); // each SLO at 1- and 5-minute steps
    const r = promtool(['test', 'rules', ...testFiles], dir, 1500000);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('SUCCESS');
  });
});

test('production: the SRE workbook\'s burn factors, windows and the error budget in the annotations', () => {
  const rule = prometheusRule('production', SLO_PROMETHEUS_RULE);
  expect(BURN_WINDOWS.map((w) => [w.severity, w.long, w.short, burnFactor(w, '30d')])).toEqual([
    ['critical', '1h', '5m', 14.4], ['critical', '6h', '30m', 6], ['warning', '1d', '2h', 3], ['warning', '3d', '6h', 1],
  ]);
  const alerts = rule.spec.groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert));
  const page = alerts.find((a: any) => a.alert === 'BackendAvailabilityBudgetBurn' && a.labels.severity === 'critical');
  expect(page.expr).toContain('namespace_job:slo_errors_per_request:ratio_rate1h{slo="availability",job="backend",namespace="pensioen"} > (14.4 * 0.001)');
  expect(page.expr).toContain('namespace_job:slo_errors_per_request:ratio_rate5m{slo="availability",job="backend",namespace="pensioen"} > (14.4 * 0.001)');
  expect(page.expr).toContain('ratio_rate6h{slo="availability",job="backend",namespace="pensioen"} > (6 * 0.001)');
  expect(page.annotations).toMatchObject({ slo_objective: '99.9%', slo_window: '30d', error_budget: '0.1% of requests over 30d (43m12s of full outage)' });
  const ticket = alerts.find((a: any) => a.alert === 'BackendLatencyBudgetBurn' && a.labels.severity === 'warning');
  expect(ticket.expr).toContain('ratio_rate1d{slo="latency",job="backend",namespace="pensioen"} > (3 * 0.01)');
  expect(ticket.expr).toContain('ratio_rate3d{slo="latency",job="backend",namespace="pensioen"} > (1 * 0.01)');
  expect(ticket.annotations.burn_rates).toBe('3x over 1d and 2h; 1x over 3d and 6h');
  // The latency SLI reads the instrumentator's histogram at the 0.5 s bucket, probes and scrapes left out.
  const rec = rule.spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.record === 'namespace_job:slo_errors_per_request:ratio_rate5m' && r.labels.slo === 'latency');
  expect(rec.expr).toContain('http_request_duration_seconds_bucket{job="backend",namespace="pensioen",handler!~"/health|/metrics",le="0.5"}[5m]');
  expect(rec.expr).toContain('http_request_duration_seconds_count{job="backend",namespace="pensioen",handler!~"/health|/metrics"}[5m]');
});

test('changing the objective and the window changes thresholds and budget (28d: 13.44x page)', () => {
  const rule = prometheusRule(CUSTOM, SLO_PROMETHEUS_RULE);
  const alerts = rule.spec.groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert));
  const page = alerts.find((a: any) => a.alert === 'BackendAvailabilityBudgetBurn' && a.labels.severity === 'critical');
  expect(page.expr).toContain('> (13.44 * 0.005)');
  expect(page.annotations.error_budget).toBe('0.5% of requests over 28d (3h21m36s of full outage)');
  const rec = rule.spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.record === 'namespace_job:slo_errors_per_request:ratio_rate5m' && r.labels.slo === 'latency');
  expect(rec.expr).toContain('request_duration_seconds_bucket{job="api",namespace="pensioen-acc",handler!~"/health|/metrics",le=~"1(\\\\.0)?"}');
});
