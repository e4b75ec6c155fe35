/**
 * Alert routing judged by Alertmanager's own tool. For every environment: the synthesized AlertmanagerConfig
 * is rendered into the Alertmanager configuration the prometheus-operator generates from it
 * (lib/monitoring/alertmanager.ts, operatorAlertmanagerConfig: receivers `<ns>/<name>/<receiver>`, the
 * namespace matcher and `continue: true` on its first-level route, resolved Secrets, kube-prometheus-stack's
 * base config), `amtool check-config` must accept it, and `amtool config routes test` must send EVERY alert
 * of EVERY synthesized PrometheusRule to the receiver the config names (and a planned="true" one to null).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { environments, find, inlineEnvironment, objectsOf } from './helpers';
import { allSynthesizedAlerts, tempDir } from './monitoring-helpers';
import type { Environment } from '../lib/config';
import { externalSecretsOf } from '../lib/validate';
import { operatorAlertmanagerConfig, routeAlert, type AmcSpec } from '../lib/monitoring/alertmanager';
import { ALERTMANAGER_CONFIG } from '../lib/monitoring/names';
import { HEARTBEAT_ALERT, HEARTBEAT_RECEIVER } from '../lib/monitoring/heartbeat';

const AMTOOL = process.env.AMTOOL ?? 'amtool';

function amtool(args: string[]): { status: number | null; output: string; stdout: string } {
  const r = spawnSync(AMTOOL, args, { encoding: 'utf8', timeout: 60000 });
  if (r.error) throw new Error(`cannot run ${AMTOOL} (install the Debian package "prometheus-alertmanager", or run scripts/ensure-tools.sh): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** Stand-ins for the Secret values the operator would read (never real, never written outside a temp dir). */
const fakeSecret = (ref: { name: string; key: string }) => `https://secret.example/${ref.name}/${ref.key}`;

const OTHER = inlineEnvironment('routing-custom', `
registry: registry.example.nl/pensioen
namespace: pensioen-acc
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
monitoring:
  alerting:
    receivers:
      pager: { pagerduty: { routingKey: { name: pd, key: key } } }
      chat: { slack: { apiUrl: { name: chat-webhook, key: url }, channel: '#pensioen-acc' } }
    routes:
      - { matchers: { severity: critical }, receiver: pager }
    defaultReceiver: chat
`);

const ENVS: Environment[] = [...environments(), OTHER];

describe.each(ENVS.map((e) => [e.name, e] as const))('routing of %s', (_name, env) => {
  const amc = find(objectsOf(env), 'AlertmanagerConfig', ALERTMANAGER_CONFIG) as any;
  const spec = amc.spec as AmcSpec;
  const ns = env.config.namespace;
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = tempDir(`amtool-${env.name}-`);
    file = path.join(dir, 'alertmanager.yaml');
    fs.writeFileSync(file, stringify(operatorAlertmanagerConfig(amc, fakeSecret), { lineWidth: 0 }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('is a v1alpha1 AlertmanagerConfig in the namespace; every Secret it references is declared', () => {
    expect(amc.apiVersion).toBe('monitoring.coreos.com/v1alpha1');
    expect(amc.metadata.namespace).toBe(ns);
    const declared = externalSecretsOf(env.config);
    const refs = spec.receivers.flatMap((r) => [...(r.pagerdutyConfigs ?? []).map((p) => p.routingKey), ...(r.slackConfigs ?? []).map((s) => s.apiURL)]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(declared.find((d) => d.name === ref.name)?.keys).toContain(ref.key);
    // No secret value in the object: only references.
    expect(JSON.stringify(amc)).not.toMatch(/hooks\.slack\.com|routing_key|api_url/);
  });

  test('amtool check-config accepts what the operator would generate', () => {
    const r = amtool(['check-config', file]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  const alerts = allSynthesizedAlerts(env);
  test('every alert has severity, team and the namespace the operator matches on', () => {
    expect(alerts.length).toBeGreaterThan(10);
    for (const a of alerts) {
      // The heartbeat's Watchdog has severity none, as kube-prometheus's: it pages no one (lib/monitoring/heartbeat.ts).
      const severities = a.alert === HEARTBEAT_ALERT ? ['none'] : ['critical', 'warning', 'info'];
      expect({ alert: a.alert, severity: severities.includes(a.labels?.severity) }).toEqual({ alert: a.alert, severity: true });
      expect({ alert: a.alert, team: ['platform', 'database', 'security'].includes(a.labels?.team) }).toEqual({ alert: a.alert, team: true });
      expect({ alert: a.alert, namespace: a.labels?.namespace }).toEqual({ alert: a.alert, namespace: ns });
    }
  });

  test('amtool config routes test: every alert reaches the receiver the config names, planned ones none', () => {
    const seen = new Set<string>();
    for (const a of alerts) {
      const labels: Record<string, string> = { alertname: a.alert, ...a.labels };
      const key = JSON.stringify(labels);
      if (seen.has(key)) continue;
      seen.add(key);
      const expected = routeAlert(spec, ns, labels).map((r) => `${ns}/${ALERTMANAGER_CONFIG}/${r}`);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.some((r) => r.endsWith('/null'))).toBe(false);
      const args = ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
      const r = amtool(args);
      // The operator puts `continue: true` on our route: the Watchdog then also meets the base config's own
      // Watchdog route (kube-prometheus-stack sends it to "null"), which notifies no one.
      const base = a.alert === HEARTBEAT_ALERT ? ['null'] : [];
      expect({ alert: a.alert, labels, receivers: r.stdout.trim() }).toEqual({ alert: a.alert, labels, receivers: [...expected, ...base].join(',') });
      // Planned events drop every alert but the heartbeat: a dead man's switch must keep getting its pings.
      const planned = amtool([...args, 'planned=true']);
      const plannedTo = a.alert === HEARTBEAT_ALERT ? `${ns}/${ALERTMANAGER_CONFIG}/${HEARTBEAT_RECEIVER},null` : `${ns}/${ALERTMANAGER_CONFIG}/null`;
      expect({ alert: a.alert, planned: planned.stdout.trim() }).toEqual({ alert: a.alert, planned: plannedTo });
    }
  });

  test('an alert of another namespace never reaches our receivers (the operator\'s namespace matcher)', () => {
    const r = amtool(['config', 'routes', 'test', `--config.file=${file}`, 'alertname=HighErrorRate', 'severity=critical', 'team=platform', 'namespace=someone-else']);
    expect(r.stdout.trim()).toBe('null');
  });
});

test('production routes as the guide escalates: critical pages on-call, database the DBA, security the security lead, warnings to Slack', () => {
  const env = environments().find((e) => e.name === 'production')!;
  const spec = find(objectsOf(env), 'AlertmanagerConfig', ALERTMANAGER_CONFIG).spec as AmcSpec;
  const to = (labels: Record<string, string>) => routeAlert(spec, 'pensioen', { namespace: 'pensioen', ...labels });
  expect(to({ alertname: 'HighErrorRate', severity: 'critical', team: 'platform' })).toEqual(['on-call']);
  expect(to({ alertname: 'DatabaseDown', severity: 'critical', team: 'database' })).toEqual(['database-admin']);
  expect(to({ alertname: 'EdgeRateLimiting', severity: 'warning', team: 'security' })).toEqual(['security-lead']);
  expect(to({ alertname: 'HighLatencyP95', severity: 'warning', team: 'platform' })).toEqual(['slack']);
  expect(to({ alertname: 'RedisFailoverHappened', severity: 'warning', team: 'platform', planned: 'true' })).toEqual(['null']);
  const slack = spec.receivers.find((r) => r.name === 'slack')!;
  expect(slack.slackConfigs![0]).toMatchObject({ channel: '#pensioen', apiURL: { name: 'alertmanager-slack', key: 'webhook-url' } });
  expect(spec.inhibitRules[0]).toEqual({
    sourceMatch: [{ name: 'severity', value: 'critical', matchType: '=' }],
    targetMatch: [{ name: 'severity', value: 'warning', matchType: '=' }],
    equal: ['alertname', 'namespace', 'job', 'slo'],
  });
});

test('changing receivers and routes in config changes the AlertmanagerConfig', () => {
  const spec = find(objectsOf(OTHER), 'AlertmanagerConfig', ALERTMANAGER_CONFIG).spec as AmcSpec;
  expect(spec.receivers.map((r) => r.name).sort()).toEqual(['chat', 'null', 'pager']);
  expect(spec.route.receiver).toBe('chat');
  expect(spec.receivers.find((r) => r.name === 'chat')!.slackConfigs![0].channel).toBe('#pensioen-acc');
  expect(routeAlert(spec, 'pensioen-acc', { namespace: 'pensioen-acc', severity: 'warning', team: 'database' })).toEqual(['chat']);
  expect(routeAlert(spec, 'pensioen-acc', { namespace: 'pensioen-acc', severity: 'critical', team: 'database' })).toEqual(['pager']);
});
