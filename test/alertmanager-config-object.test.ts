/**
 * The AlertmanagerConfig object (the generated class, fed by typedAlertmanagerConfigSpec) carries exactly the spec
 * that the routing simulation (routeAlert) and the amtool check read (alertmanagerConfigSpec, in the CRD's JSON
 * field names): no field renamed (apiURL), dropped by the class, or reordered.
 */
import { App, Chart } from 'cdk8s';
import { AlertmanagerConfig } from '../imports/prom-alertmanagerconfigs-monitoring.coreos.com';
import { ALERTMANAGER_CONFIG } from '../lib/monitoring/names';
import { type AmcSpec, alertmanagerConfigSpec, typedAlertmanagerConfigSpec } from '../lib/monitoring/alertmanager';
import { environments, objectsOf } from './helpers';

const alerting = environments().filter((e) => e.config.monitoring.enabled && e.config.monitoring.alerting.enabled);

test('some fixture environments route alerts', () => expect(alerting.length).toBeGreaterThan(0));

test.each(alerting.map((e) => [e.name, e] as const))('%s: the emitted spec is the one routeAlert and amtool read', (_name, env) => {
  const amc = objectsOf(env).find((o) => o.kind === 'AlertmanagerConfig' && o.metadata.name === ALERTMANAGER_CONFIG)!;
  expect(JSON.stringify(amc.spec)).toBe(JSON.stringify(JSON.parse(JSON.stringify(alertmanagerConfigSpec(env.config.monitoring)), sortedKeys)));
});

test('every matcher type, continue, nested routes and a webhook authorization survive the generated class', () => {
  const spec: AmcSpec = {
    route: {
      receiver: 'null', groupBy: ['alertname'],
      routes: [{
        receiver: 'team', continue: true, repeatInterval: '1h',
        matchers: [{ name: 'a', value: 'b.*', matchType: '=~' }, { name: 'c', value: 'd', matchType: '!=' }],
        routes: [{ receiver: 'null', matchers: [{ name: 'e', value: 'f', matchType: '!~' }] }],
      }],
    },
    receivers: [
      { name: 'null' },
      { name: 'team', slackConfigs: [{ apiURL: { name: 's', key: 'url' }, channel: '#c', sendResolved: true, title: 't', text: 'x', titleLink: 'l' }] },
      { name: 'hb', webhookConfigs: [{ urlSecret: { name: 'u', key: 'k' }, sendResolved: false, httpConfig: { authorization: { type: 'GenieKey', credentials: { name: 'g', key: 'k' } } } }] },
    ],
    inhibitRules: [{ sourceMatch: [{ name: 'a', value: 'b', matchType: '=' }], targetMatch: [{ name: 'a', value: 'b', matchType: '=~' }], equal: ['x'] }],
  };
  const amc = new AlertmanagerConfig(new Chart(new App(), 'c'), 'amc', { metadata: { name: 'n' }, spec: typedAlertmanagerConfigSpec(spec) });
  expect(JSON.stringify(amc.toJson().spec)).toBe(JSON.stringify(JSON.parse(JSON.stringify(spec), sortedKeys)));
});

/** cdk8s writes every object's keys sorted: the JSON form with its keys sorted the same way. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
