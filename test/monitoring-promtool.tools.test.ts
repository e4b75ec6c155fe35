/**
 * Every alert, in every test environment, judged by Prometheus's own tool:
 *
 * - the general rule (test/promtool/healthy.ts): from the scrape targets the environment really defines, the
 *   series of a healthy system: no alert fires on them; and for each alert a copy that breaks exactly its
 *   condition: that alert fires, and no other but the ones the same condition also is;
 * - the scenarios of each alert (test/promtool/cases.ts, cnpg-cases.ts): firing, staying silent on spikes,
 *   other namespaces, no traffic, the exact labels;
 * - `promtool check rules` on the synthesized PrometheusRules, annotations included.
 *
 * One `promtool test rules` process per environment, the environments in parallel. Its test files are split
 * by rule group: promtool evaluates every rule of a file's rule_files at every step of every test group, and
 * a scenario only needs its own group (the certificate cases: 8.4 s against all groups, 0.26 s against theirs).
 * The general rule's file has every group, healthy and broken sets alike.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { environment, environments, fixtureText, inlineEnvironment, objectsOf } from './helpers';
import { allSynthesizedAlerts, PROMTOOL, prometheusRules, promtool, synthesizedAlerts, tempDir } from './monitoring-helpers';
import { alertCases } from './promtool/cases';
import type { AlertCase } from './promtool/types';
import { breaks, healthySeries, type S } from './promtool/healthy';
import type { Environment } from '../lib/config';
import { ALERT_NAMES } from '../lib/monitoring/rules';
import { seriesProducers } from '../lib/monitoring/series';
import { HEARTBEAT_ALERT } from '../lib/monitoring/heartbeat';

/** Fires always, by design: the heartbeat of the alert pipeline (its absence is what the dead man's switch sees). */
const ALWAYS_FIRING = [HEARTBEAT_ALERT];

/** A non-default environment: other namespace, job names, metric names and thresholds. */
const CUSTOM = inlineEnvironment('custom', `
registry: registry.example.nl/pensioen
namespace: pensioen-acc
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
backend: { autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 6 } }
monitoring:
  jobs: { backend: api, redis: cache, postgres: db, edge: envoy }
  metrics: { requestsTotal: requests_total, statusLabel: code, requestDuration: http_request_duration_seconds }
  thresholds: { errorRatio: 0.02, errorRatioFor: 10m, latencyP95Seconds: 0.5, latencyFor: 5m, redisMemoryRatio: 0.8,
    postgresConnectionsRatio: 0.9, certificateExpiryDays: 21, hpaMaxedFor: 20m, targetMissingFor: 15m }
  edge: { errorRatio: 0.1, for: 3m }
edge: { kind: gateway, gateway: { implementation: envoy-gateway } }
`);
/** The production fixture switched to the Gateway edge (as the security work may do): the edge alerts follow. */
const PRODUCTION_GATEWAY = inlineEnvironment('production-gateway', `${fixtureText('production').replace(/^edge:.*(\n[ #].*)*/m, '')}
edge: { kind: gateway, gateway: { implementation: envoy-gateway } }
`);
/** On-prem on NGINX Gateway Fabric: no edge alerts (synth says why); everything else as on-prem. */
const ONPREM_NGF = inlineEnvironment('onprem-ngf', `${fixtureText('onprem').replace(/^edge:.*(\n[ #].*)*/m, '')}
edge: { kind: gateway, gateway: { implementation: nginx-gateway-fabric, className: nginx } }
`);

/** `PROMTOOL_ENVS=staging,custom` runs only those (while working on one). */
const ENVS: Environment[] = [...environments(), CUSTOM, PRODUCTION_GATEWAY, ONPREM_NGF]
  .filter((e) => !process.env.PROMTOOL_ENVS || process.env.PROMTOOL_ENVS.split(',').includes(e.name));
const MINUTES = 70;

const lbl = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}="${v}"`).join(',');
const promSeries = (s: S) => ({ series: `${s.metric}{${lbl(s.labels)}}`, values: s.values });
const fileName = (x: string) => x.replace(/[^a-zA-Z0-9-]+/g, '-');

interface Prepared { dir: string; files: string[]; rules: { group: string; file: string; alerts: string[] }[] }

/** Writes the rule files (one per group) and the test files of an environment into a fresh folder. */
function prepare(env: Environment): Prepared {
  const dir = tempDir(`promtool-${env.name}-`);
  const objects = objectsOf(env);
  const rules: Prepared['rules'] = [];
  const annotated: any[] = [];
  for (const o of prometheusRules(env)) {
    for (const g of o.spec.groups) {
      annotated.push(g);
      const file = `rules-${fileName(o.metadata.name)}--${fileName(g.name)}.yaml`;
      const withoutAnnotations = { ...g, rules: g.rules.map(({ annotations: _a, ...r }: any) => r) };
      fs.writeFileSync(path.join(dir, file), stringify({ groups: [withoutAnnotations] }, { lineWidth: 0 }));
      rules.push({ group: g.name, file, alerts: g.rules.filter((r: any) => r.alert).map((r: any) => r.alert) });
    }
  }
  fs.writeFileSync(path.join(dir, 'rules-annotated.yaml'), stringify({ groups: annotated }, { lineWidth: 0 }));
  const testFile = (name: string, ruleFiles: string[], tests: unknown[]) => {
    fs.writeFileSync(path.join(dir, name), stringify({ rule_files: ruleFiles, evaluation_interval: '1m', tests }, { lineWidth: 0 }));
    return name;
  };
  const files: string[] = [];
  // The general rule: every group.
  const all = rules.map((r) => r.file);
  const healthy = healthySeries(env, objects, MINUTES);
  const firing = (extra = '') => `count by (alertname) (ALERTS{alertstate="firing"${extra}})`;
  const always = ALWAYS_FIRING.filter((a) => rules.some((r) => r.alerts.includes(a)));
  const general: unknown[] = [{
    name: `healthy: no alert fires${always.length ? ` (but ${always.join(', ')}, always)` : ''}`,
    interval: '1m',
    input_series: healthy.map(promSeries),
    promql_expr_test: [5, 20, 40, MINUTES - 5].flatMap((t) => [
      { expr: firing(always.length ? `,alertname!~"${always.join('|')}"` : ''), eval_time: `${t}m`, exp_samples: [] },
      ...always.map((a) => ({ expr: `count(ALERTS{alertstate="firing",alertname="${a}"}) > bool 0`, eval_time: `${t}m`, exp_samples: [{ labels: '{}', value: 1 }] })),
    ]),
  }];
  // A break whose other alerts are not judged (a missing series or target) needs only its own group's rules.
  const own = new Map<string, unknown[]>();
  for (const b of breaks(env, objects, MINUTES)) {
    const others = b.companions === '*' ? [] : [{ expr: firing(`,alertname!~"${[b.alert, ...b.companions, ...always].join('|')}"`), eval_time: `${b.at}m`, exp_samples: [] }];
    const test = {
      name: `${b.alert} fires on a healthy system with ${b.what}`,
      interval: '1m',
      input_series: b.series.map(promSeries),
      promql_expr_test: [
        { expr: `count(ALERTS{alertstate="firing",alertname="${b.alert}"${b.matcher ? `,${b.matcher}` : ''}}) > bool 0`, eval_time: `${b.at}m`, exp_samples: [{ labels: '{}', value: 1 }] },
        ...others,
      ],
    };
    const group = rules.find((r) => r.alerts.includes(b.alert))!;
    if (b.companions === '*') own.set(group.file, [...(own.get(group.file) ?? []), test]);
    else general.push(test);
  }
  files.push(testFile('general.yaml', all, general));
  for (const [file, tests] of own) files.push(testFile(`general-${file.replace(/^rules-/, '')}`, [file], tests));
  // The scenarios, one file per rule group.
  const cases = alertCases(env);
  for (const r of rules) {
    const mine = cases.filter((k: AlertCase) => r.alerts.includes(k.alert));
    if (!mine.length) continue;
    files.push(testFile(`cases-${fileName(r.group)}.yaml`, [r.file], mine.map((tc) => ({
      name: tc.name, interval: tc.interval ?? '1m', input_series: tc.input_series, alert_rule_test: tc.checks,
    }))));
  }
  return { dir, files, rules };
}

function promtoolAsync(args: string[], cwd: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(PROMTOOL, args, { cwd });
    let output = '';
    p.stdout.on('data', (d) => { output += d; });
    p.stderr.on('data', (d) => { output += d; });
    p.on('error', (e) => reject(new Error(`cannot run ${PROMTOOL} (install the Debian package "prometheus", or run scripts/ensure-tools.sh): ${e.message}`)));
    p.on('close', (status) => resolve({ status, output }));
  });
}

const prepared = new Map<string, Prepared>();
const results = new Map<string, Promise<{ status: number | null; output: string }>>();
beforeAll(() => {
  for (const env of ENVS) {
    const p = prepare(env);
    prepared.set(env.name, p);
    results.set(env.name, promtoolAsync(['test', 'rules', ...p.files], p.dir));
  }
});
afterAll(async () => {
  await Promise.allSettled([...results.values()]);
  if (!process.env.PROMTOOL_KEEP) for (const p of prepared.values()) fs.rmSync(p.dir, { recursive: true, force: true });
});

test('promtool check rules accepts every group of every environment\'s PrometheusRules, annotations included (one process)', () => {
  const dirs = [...prepared.values()];
  const r = promtool(['check', 'rules', ...dirs.map((p) => path.join(p.dir, 'rules-annotated.yaml'))], dirs[0].dir);
  expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
  expect(r.status).toBe(0);
});

describe.each(ENVS.map((e) => [e.name, e] as const))('alert rules of %s', (_name, env) => {
  test('every alert has a break of the healthy system and scenarios that show it firing and staying silent', () => {
    const alerts = [...new Set(allSynthesizedAlerts(env).map((r) => r.alert))].sort();
    const broken = new Set(breaks(env, objectsOf(env), MINUTES).map((b) => b.alert));
    expect(alerts.filter((a) => !broken.has(a) && !ALWAYS_FIRING.includes(a))).toEqual([]);
    const cases = alertCases(env);
    for (const alert of synthesizedAlerts(env).map((r) => r.alert)) {
      const checks = cases.filter((c) => c.alert === alert).flatMap((c) => c.checks);
      expect({ alert, fires: checks.some((k) => k.exp_alerts.length > 0) }).toEqual({ alert, fires: true });
      expect({ alert, silent: checks.some((k) => k.exp_alerts.length === 0) }).toEqual({ alert, silent: true });
    }
    // No test for an alert that does not exist (a renamed alert would otherwise pass silently).
    for (const c of cases) expect(alerts).toContain(c.alert);
  });

  test('the healthy system exports every series a MetricSeriesMissing rule watches', () => {
    const names = new Set(healthySeries(env, objectsOf(env), MINUTES).map((s) => s.metric));
    const watched = seriesProducers(env).filter((p) => 'selectors' in p.presence).map((p) => p.metric);
    const missing = allSynthesizedAlerts(env).filter((a) => a.alert === 'MetricSeriesMissing').map((a) => a.labels.metric);
    expect(missing.filter((m: string) => watched.includes(m) && !names.has(m))).toEqual([]);
  });

  test('promtool test rules: healthy silent, each break fires exactly its alert, every scenario (one process)', async () => {
    const r = await results.get(env.name)!;
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('SUCCESS');
  });
});

test('the production rules contain every alert, the HPA alert only with autoscaling on', () => {
  const production = environment('production');
  // RedisMemoryNearMax and RedisEvictionRateHigh exclude each other (maxmemoryPolicy allkeys-* evicts: a full cache is normal).
  // RedisTlsCertificateNotLoaded exists only with redis.tls (off in production; test/cache-tls-alerts.tools.test.ts).
  expect([...new Set(allSynthesizedAlerts(production).map((r) => r.alert))].sort()).toEqual([...new Set(ALERT_NAMES)].filter((a) => a !== 'RedisMemoryNearMax' && a !== 'RedisTlsCertificateNotLoaded').sort());
  const noHpa = inlineEnvironment('nohpa', `
registry: registry.example.nl/pensioen
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
backend: { autoscaling: { enabled: false } }
`);
  expect(synthesizedAlerts(noHpa).map((r) => r.alert)).not.toContain('BackendHpaAtMaxReplicas');
});
