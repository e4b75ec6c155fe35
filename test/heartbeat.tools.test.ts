/**
 * The alert pipeline's heartbeat (monitoring.heartbeat, lib/monitoring/heartbeat.ts), judged by amtool: for
 * every environment of config/ and for fixtures of each provider, the Alertmanager configuration the
 * prometheus-operator generates from the synthesized AlertmanagerConfig passes `amtool check-config`, and
 * `amtool config routes test` sends the Watchdog of the namespace to the dead man's switch with the timing
 * the provider needs. Config errors and the synth warning of an environment without a heartbeat.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { environments, find, inlineEnvironment, objectsOf } from './helpers';
import { tempDir } from './monitoring-helpers';
import { ConfigError, parseConfig, type Environment } from '../lib/config';
import { configWarnings } from '../lib/config/warnings';
import { operatorAlertmanagerConfig } from '../lib/monitoring/alertmanager';
import { HEARTBEAT_ALERT, HEARTBEAT_PROMETHEUS_RULE, HEARTBEAT_RECEIVER } from '../lib/monitoring/heartbeat';
import { ALERTMANAGER_CONFIG } from '../lib/monitoring/names';
import { externalSecretsOf } from '../lib/validate';
import { main } from '../main';

const AMTOOL = process.env.AMTOOL ?? 'amtool';
function amtool(args: string[]): { status: number | null; stdout: string; output: string } {
  const r = spawnSync(AMTOOL, args, { encoding: 'utf8', timeout: 60000 });
  if (r.error) throw new Error(`cannot run ${AMTOOL} (scripts/ensure-tools.sh installs it): ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, output: `${r.stdout}${r.stderr}` };
}

const BASE = `
registry: registry.example.nl/pensioen
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
`;
const fixture = (name: string, ns: string, heartbeat: string) => inlineEnvironment(name, `${BASE}namespace: ${ns}\nmonitoring:\n  heartbeat:\n${heartbeat}`);

const OPSGENIE = fixture('hb-opsgenie', 'pensioen-og', `
    provider: opsgenie
    url: { name: opsgenie-heartbeat, key: url }
    apiKey: { name: opsgenie-heartbeat, key: api-key }
    interval: 2m
    expectEvery: 10m
`);
const ONCALL = fixture('hb-oncall', 'pensioen-oc', `
    provider: grafana-oncall
    url: { name: oncall, key: heartbeat-url }
`);
const NONE = inlineEnvironment('hb-none', `${BASE}namespace: pensioen-none\n`);

/** Stand-ins for the Secret values the operator would read. */
const fakeSecret = (ref: { name: string; key: string }) => `https://secret.example/${ref.name}/${ref.key}`;

describe.each([...environments(), OPSGENIE, ONCALL].map((e) => [e.name, e] as const))('heartbeat of %s', (_n, env: Environment) => {
  const objects = objectsOf(env);
  const amc = find(objects, 'AlertmanagerConfig', ALERTMANAGER_CONFIG) as any;
  const ns = env.config.namespace;
  const hb = env.config.monitoring.heartbeat!;
  let dir: string;
  let file: string;
  let generated: Record<string, any>;
  beforeAll(() => {
    dir = tempDir(`heartbeat-${env.name}-`);
    file = path.join(dir, 'alertmanager.yaml');
    generated = operatorAlertmanagerConfig(amc, fakeSecret);
    fs.writeFileSync(file, stringify(generated, { lineWidth: 0 }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a Watchdog of the namespace that always fires, in its own PrometheusRule', () => {
    const rule = find(objects, 'PrometheusRule', HEARTBEAT_PROMETHEUS_RULE);
    const r = rule.spec.groups[0].rules[0];
    expect(r).toMatchObject({ alert: HEARTBEAT_ALERT, expr: 'vector(1)', labels: { severity: 'none', namespace: ns } });
    expect(r.for).toBeUndefined();
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('amtool check-config accepts the generated configuration', () => {
    const r = amtool(['check-config', file]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('amtool: the Watchdog of this namespace reaches the dead man\'s switch, also during a planned event', () => {
    const labels = [`alertname=${HEARTBEAT_ALERT}`, 'severity=none', 'team=platform', `namespace=${ns}`];
    // The base config's own Watchdog route ("null") also matches: the operator sets continue on ours.
    const expected = `${ns}/${ALERTMANAGER_CONFIG}/${HEARTBEAT_RECEIVER},null`;
    expect(amtool(['config', 'routes', 'test', `--config.file=${file}`, ...labels]).stdout.trim()).toBe(expected);
    expect(amtool(['config', 'routes', 'test', `--config.file=${file}`, ...labels, 'planned=true']).stdout.trim()).toBe(expected);
    // Another namespace's Watchdog (kube-prometheus's has none) never pings this environment's check.
    expect(amtool(['config', 'routes', 'test', `--config.file=${file}`, `alertname=${HEARTBEAT_ALERT}`, 'severity=none']).stdout.trim()).toBe('null');
    // Nothing else goes to the heartbeat: an alert of the namespace that is not the Watchdog.
    const other = amtool(['config', 'routes', 'test', `--config.file=${file}`, 'alertname=HighErrorRate', 'severity=critical', 'team=platform', `namespace=${ns}`]).stdout.trim();
    expect(other).not.toContain(HEARTBEAT_RECEIVER);
  });

  test('the route pings once per interval (group_interval), resends below it (repeat_interval), never sends resolved', () => {
    const route = generated.route.routes[0].routes[0];
    expect(route.matchers).toEqual([`alertname="${HEARTBEAT_ALERT}"`]);
    expect(route.receiver).toBe(`${ns}/${ALERTMANAGER_CONFIG}/${HEARTBEAT_RECEIVER}`);
    const secs = (d: string) => [...d.matchAll(/(\d+)([ms])/g)].reduce((t, [, n, u]) => t + Number(n) * (u === 'm' ? 60 : 1), 0);
    expect(route.group_wait).toBe('0s');
    expect(secs(route.group_interval)).toBe(secs(hb.interval));
    expect(secs(route.repeat_interval)).toBe(secs(hb.interval) - 10);
    const receiver = generated.receivers.find((r: any) => r.name === route.receiver);
    expect(receiver.webhook_configs).toHaveLength(1);
    expect(receiver.webhook_configs[0].send_resolved).toBe(false);
    expect(receiver.webhook_configs[0].url).toBe(fakeSecret(hb.url));
    if (hb.provider === 'opsgenie') expect(receiver.webhook_configs[0].http_config.authorization).toEqual({ type: 'GenieKey', credentials: fakeSecret(hb.apiKey!) });
    else expect(receiver.webhook_configs[0].http_config).toBeUndefined();
  });

  test('the ping URL (and API key) are Secrets declared for creation, never values in the object', () => {
    const declared = externalSecretsOf(env.config);
    expect(declared.find((s) => s.name === hb.url.name)?.keys).toContain(hb.url.key);
    if (hb.apiKey) expect(declared.find((s) => s.name === hb.apiKey!.name)?.keys).toContain(hb.apiKey.key);
    expect(JSON.stringify(amc)).not.toMatch(/hc-ping|opsgenie\.com|https:\/\/secret/);
    expect(configWarnings(env).filter((w) => / monitoring\./.test(w))).toEqual([]); // (the edge's warnings: test/edge-warnings.test.ts)
  });
});

test('changing interval changes the route: 2m pings every 2m, resent after 1m50s', () => {
  const spec = find(objectsOf(OPSGENIE), 'AlertmanagerConfig', ALERTMANAGER_CONFIG).spec;
  expect(spec.route.routes[0]).toMatchObject({ receiver: HEARTBEAT_RECEIVER, groupInterval: '2m', repeatInterval: '1m50s', groupWait: '0s' });
});

test('without a heartbeat: no Watchdog, no heartbeat receiver, and a warning that names the file and key', () => {
  const objects = objectsOf(NONE);
  expect(objects.filter((o) => o.kind === 'PrometheusRule' && o.metadata.name === HEARTBEAT_PROMETHEUS_RULE)).toEqual([]);
  expect(find(objects, 'AlertmanagerConfig', ALERTMANAGER_CONFIG).spec.receivers.map((r: any) => r.name)).not.toContain(HEARTBEAT_RECEIVER);
  expect(configWarnings(NONE).filter((w) => / monitoring\./.test(w))).toEqual([expect.stringMatching(/^config\/hb-none\.yaml: monitoring\.heartbeat: not set: nothing notices when the alert pipeline goes silent/)]);
});

test('synth prints the warning and still writes dist/', () => {
  const dir = tempDir('heartbeat-synth-');
  try {
    fs.mkdirSync(path.join(dir, 'config'));
    fs.writeFileSync(path.join(dir, 'config', 'hb-none.yaml'), `${BASE}namespace: pensioen-none\n`);
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => { writes.push(String(s)); return true; });
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = main(['--config', path.join(dir, 'config'), '--out', path.join(dir, 'dist')]);
    } finally {
      spy.mockRestore();
      out.mockRestore();
    }
    expect(code).toBe(0);
    expect(writes.join('')).toMatch(/synth: warning: .*hb-none\.yaml: monitoring\.heartbeat: not set/);
    expect(fs.existsSync(path.join(dir, 'dist', 'hb-none', '50-monitoring.yaml'))).toBe(true);
    expect(parse(fs.readFileSync(path.join(dir, 'dist', 'hb-none', '00-namespace.yaml'), 'utf8')).kind).toBe('Namespace');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('bad heartbeat config: one line naming the file, the key and what is allowed', () => {
  const problems = (heartbeat: string, extra = '') => {
    try {
      parseConfig('config/x.yaml', `${BASE}${extra}monitoring:\n  heartbeat:\n${heartbeat}`);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
  };
  test.each([
    ['opsgenie without its API key', '    provider: opsgenie\n    url: { name: og, key: url }\n', /monitoring\.heartbeat\.apiKey: is required with provider opsgenie/],
    ['an API key for a provider that has none', '    provider: healthchecks\n    url: { name: hc, key: url }\n    apiKey: { name: hc, key: k }\n', /monitoring\.heartbeat\.apiKey: is only used with provider opsgenie/],
    ['a provider that does not exist', '    provider: pagerduty\n    url: { name: hc, key: url }\n', /monitoring\.heartbeat\.provider: got "pagerduty" \(allowed: "healthchecks", "opsgenie", "grafana-oncall", "webhook"\)/],
    ['a grace shorter than two pings', '    provider: healthchecks\n    url: { name: hc, key: url }\n    interval: 5m\n    expectEvery: 6m\n', /monitoring\.heartbeat\.expectEvery: must be at least twice interval \(5m\)/],
    ['a URL given as a value', '    provider: healthchecks\n    url: https://hc-ping.com/abc\n', /monitoring\.heartbeat\.url: expected object/],
  ])('%s', (_what, yaml, message) => {
    expect(problems(yaml as string)).toEqual([expect.stringMatching(message as RegExp)]);
    expect((problems(yaml as string)[0]).startsWith('config/x.yaml: ')).toBe(true);
  });
  test('a heartbeat without alerting', () => {
    expect(problems('    provider: healthchecks\n    url: { name: hc, key: url }\n', '').length).toBe(0);
    const p = (() => { try { parseConfig('config/x.yaml', `${BASE}monitoring:\n  alerting: { enabled: false }\n  heartbeat: { provider: healthchecks, url: { name: hc, key: url } }\n`); return []; } catch (e) { return (e as ConfigError).problems; } })();
    expect(p).toEqual([expect.stringMatching(/^config\/x\.yaml: monitoring\.heartbeat: needs monitoring\.alerting\.enabled: true/)]);
  });
});
