/**
 * The alert rules judged by Prometheus's own tool, for every environment in config/: the rule groups are
 * taken from the synthesized PrometheusRule (what lands in dist/), `promtool check rules` must accept them,
 * and `promtool test rules` runs unit tests that prove every alert fires when it should and stays silent
 * when it should (test/promtool/cases.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { environments, inlineEnvironment } from './helpers';
import { allSynthesizedAlerts, promtool, rulesFileYaml, synthesizedAlerts, tempDir } from './monitoring-helpers';
import { alertCases, promtoolTestFile } from './promtool/cases';
import type { Environment } from '../lib/config';
import { ALERT_NAMES } from '../lib/monitoring/rules';

/** A non-default environment: other namespace, job names, metric names and thresholds. */
const CUSTOM = inlineEnvironment('custom', `
registry: registry.example.nl/pensioen
namespace: pensioen-acc
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
backend: { autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 6 } }
monitoring:
  jobs: { backend: api, redis: cache, postgres: db }
  metrics: { requestsTotal: requests_total, statusLabel: code, requestDuration: http_request_duration_seconds }
  thresholds: { errorRatio: 0.02, errorRatioFor: 10m, latencyP95Seconds: 0.5, latencyFor: 5m, redisMemoryRatio: 0.8,
    postgresConnectionsRatio: 0.9, certificateExpiryDays: 21, hpaMaxedFor: 20m, targetMissingFor: 15m }
`);

const ENVS: Environment[] = [...environments(), CUSTOM];

describe.each(ENVS.map((e) => [e.name, e] as const))('alert rules of %s', (_name, env) => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir(`promtool-${env.name}-`);
    fs.writeFileSync(path.join(dir, 'rules.yaml'), rulesFileYaml(env));
    fs.writeFileSync(path.join(dir, 'rules-unit.yaml'), rulesFileYaml(env, { withoutAnnotations: true }));
    fs.writeFileSync(path.join(dir, 'tests.yaml'), stringify(promtoolTestFile('rules-unit.yaml', alertCases(env)), { lineWidth: 0 }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('promtool check rules accepts every group of the synthesized PrometheusRule', () => {
    const r = promtool(['check', 'rules', 'rules.yaml'], dir);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  test('every alert has promtool unit tests that show it firing and staying silent', () => {
    const cases = alertCases(env);
    const alerts = [...new Set(synthesizedAlerts(env).map((r) => r.alert))];
    for (const alert of alerts) {
      const checks = cases.filter((c) => c.alert === alert).flatMap((c) => c.checks);
      expect({ alert, fires: checks.some((k) => k.exp_alerts.length > 0) }).toEqual({ alert, fires: true });
      expect({ alert, silent: checks.some((k) => k.exp_alerts.length === 0) }).toEqual({ alert, silent: true });
    }
    // No test for an alert that does not exist (a renamed alert would otherwise pass silently).
    for (const c of cases) expect(alerts).toContain(c.alert);
  });

  test('promtool test rules passes', () => {
    const r = promtool(['test', 'rules', 'tests.yaml'], dir);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('SUCCESS');
  });
});

test('the production rules contain every alert, the HPA alert only with autoscaling on', () => {
  const production = ENVS.find((e) => e.name === 'production')!;
  // RedisMemoryNearMax and RedisEvictionRateHigh exclude each other (maxmemoryPolicy allkeys-* evicts: a full cache is normal).
  expect([...new Set(allSynthesizedAlerts(production).map((r) => r.alert))].sort()).toEqual([...new Set(ALERT_NAMES)].filter((a) => a !== 'RedisMemoryNearMax').sort());
  const noHpa = inlineEnvironment('nohpa', `
registry: registry.example.nl/pensioen
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
backend: { autoscaling: { enabled: false } }
`);
  expect(synthesizedAlerts(noHpa).map((r) => r.alert)).not.toContain('BackendHpaAtMaxReplicas');
});
