/**
 * Config rules of monitoring.slo, monitoring.alerting and monitoring.metrics: one failing config per rule,
 * each a one-line error naming the file, the key and what is allowed; and the edge alerts select Ingresses
 * that exist.
 */
import { find, inlineEnvironment, objectsOf } from './helpers';
import { parseConfig } from '../lib/config';
import { externalSecretsOf } from '../lib/validate';
import { edgesOf, monitoringNotices } from '../lib/monitoring/edge';
import { allSynthesizedAlerts } from './monitoring-helpers';

const BASE = `
registry: registry.example.nl/pensioen
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
`;
const parse = (monitoring: string) => () => parseConfig('config/x.yaml', `${BASE}monitoring:\n${monitoring}`);

test.each([
  ['an objective of 1 (no budget)', '  slo: { availability: { objective: 1 } }', /^config\/x\.yaml: monitoring\.slo\.availability\.objective: must be a ratio strictly between 0 and 1/],
  ['an objective of 0', '  slo: { latency: { objective: 0 } }', /monitoring\.slo\.latency\.objective: must be a ratio strictly between 0 and 1/],
  ['an objective above 1', '  slo: { availability: { objective: 99.9 } }', /monitoring\.slo\.availability\.objective: must be a ratio strictly between 0 and 1/],
  ['an objective too low for a 14.4x page', '  slo: { availability: { objective: 0.9 } }', /monitoring\.slo\.availability\.objective: is too low for burn-rate alerts.*allowed: above 0\.9306/],
  ['a window that is not a duration', '  slo: { window: 30 days }', /monitoring\.slo\.window: must be a Prometheus duration/],
  ['a window shorter than the 3d alert window', '  slo: { window: 3d }', /monitoring\.slo\.window: must be at least 7d/],
  ['a p95 threshold that is no bucket boundary (the ratio needs its bucket)', '  thresholds: { latencyP95Seconds: 2 }', /^config\/x\.yaml: monitoring\.thresholds\.latencyP95Seconds: must be a bucket boundary of http_request_duration_seconds \(allowed: 0\.1, 0\.5, 1;.*got 2$/],
  ['a latency threshold that is no bucket boundary', '  slo: { latency: { thresholdSeconds: 0.3 } }', /monitoring\.slo\.latency\.thresholdSeconds: must be a bucket boundary of http_request_duration_seconds \(allowed: 0\.1, 0\.5, 1;/],
  ['a PagerDuty receiver that references no Secret', `  alerting:
    receivers: { pager: { pagerduty: {} }, slack: { slack: { apiUrl: { name: s, key: k }, channel: '#x' } } }
    routes: [{ matchers: { severity: critical }, receiver: pager }]`, /monitoring\.alerting\.receivers\.pager\.pagerduty\.routingKey: references no Secret/],
  ['a Slack receiver that references no Secret', `  alerting:
    receivers: { slack: { slack: { channel: '#x' } } }
    routes: []`, /monitoring\.alerting\.receivers\.slack\.slack\.apiUrl: references no Secret/],
  ['a receiver with no notifier', `  alerting:
    receivers: { slack: {} }
    routes: []`, /monitoring\.alerting\.receivers\.slack: must notify through exactly one of pagerduty, slack \(got none\)/],
  ['a route to an unknown receiver', `  alerting:
    routes: [{ matchers: { severity: critical }, receiver: pagerduty }]`, /monitoring\.alerting\.routes\[0\]\.receiver: unknown receiver "pagerduty" \(allowed: database-admin, null, on-call, security-lead, slack\)/],
  ['a route on a team no alert has', `  alerting:
    routes: [{ matchers: { team: dba }, receiver: database-admin }, { matchers: { team: security }, receiver: security-lead }, { matchers: { severity: critical }, receiver: on-call }]`, /monitoring\.alerting\.routes\[0\]\.matchers\.team: no alert has team "dba" \(allowed: platform, database, security\)/],
  ['a receiver named null', `  alerting:
    receivers: { 'null': { slack: { apiUrl: { name: s, key: k }, channel: '#x' } } }`, /monitoring\.alerting\.receivers\.null: the receiver "null" is built in/],
  ['an unknown exporter', '  metrics: { exporter: statsd }', /monitoring\.metrics\.exporter: got "statsd" \(allowed: "prometheus-fastapi-instrumentator", "prometheus-client"\)/],
])('refuses %s', (_what, yaml, message) => {
  expect(parse(yaml)).toThrow(message);
});

test('an unused receiver is refused (it would hide a typo in a route)', () => {
  expect(parse(`  alerting:
    receivers: { slack: { slack: { apiUrl: { name: s, key: k }, channel: '#x' } }, dba: { slack: { apiUrl: { name: d, key: k }, channel: '#dba' } } }
    routes: []`)).toThrow(/monitoring\.alerting\.receivers\.dba: is used by no route/);
});

test('the prometheus-client exporter switches every name the rules read', () => {
  const env = inlineEnvironment('pc', `${BASE}monitoring: { metrics: { exporter: prometheus-client }, slo: { latency: { thresholdSeconds: 0.25 } } }`);
  const exprs = allSynthesizedAlerts(env).map((a) => a.expr).join('\n');
  expect(exprs).toContain('rate(requests_total{job="backend",namespace="pensioen",status=~"5.."}[5m])');
  expect(exprs).toContain('request_duration_seconds_bucket{job="backend"');
  expect(exprs).not.toContain('http_request');
});

test('the edge alerts select the Ingresses the ingress chart creates; a custom controller has none', () => {
  const env = inlineEnvironment('e', BASE);
  // pensioen-metrics-block (it keeps /metrics off the edge) only answers /metrics with 404: it serves no traffic worth alerting on.
  const ingresses = objectsOf(env).filter((o) => o.kind === 'Ingress' && o.metadata.name !== 'pensioen-metrics-block').map((o) => o.metadata.name).sort();
  expect(edgesOf(env).map((e) => e.name).sort()).toEqual(ingresses);
  const edge = allSynthesizedAlerts(env).find((a) => a.alert === 'EdgeRateLimiting')!;
  expect(edge.expr).toContain('nginx_ingress_controller_requests{exported_namespace="pensioen",ingress=~"pensioen-ingress|pensioen-frontend-ingress",status=~"429"}');
  expect(edge.labels).toMatchObject({ severity: 'warning', team: 'security' });
  // A custom controller needs backend.metricsPort (only ingress-nginx gets the /metrics block). A custom controller also blocks no API docs (backend.privatePaths []).
  const custom = inlineEnvironment('c', `${BASE}ingress: { controller: custom }\nbackend: { metricsPort: 9000, privatePaths: [] }\n`);
  expect(allSynthesizedAlerts(custom).map((a) => a.alert)).not.toContain('EdgeHighErrorRate');
  expect(monitoringNotices(custom)).toEqual([expect.stringMatching(/^edge alerts \(EdgeHighErrorRate, EdgeRateLimiting\) are off: ingress\.controller is "custom"/)]);
  expect(monitoringNotices(env)).toEqual([]);
});

test('with edge.kind gateway on Envoy Gateway the edge alerts read the proxies\' own statistics, scraped by a PodMonitor of the Gateway\'s pods', () => {
  const env = inlineEnvironment('g', `${BASE}edge: { kind: gateway, gateway: { implementation: envoy-gateway } }\n`);
  const objects = objectsOf(env);
  // The routes the alerts name exist.
  const routes = objects.filter((o) => o.kind === 'HTTPRoute').map((o) => o.metadata.name);
  for (const e of edgesOf(env)) expect(routes).toContain(e.name.split('/')[2]);
  const alerts = allSynthesizedAlerts(env);
  const exprs = alerts.map((a) => a.expr).join('\n');
  expect(exprs).not.toContain('nginx_ingress_controller_requests');
  const errors = alerts.find((a) => a.alert === 'EdgeHighErrorRate')!;
  expect(errors.expr).toContain('rate(envoy_cluster_upstream_rq_xx{job="edge-proxy",envoy_cluster_name=~"httproute/pensioen/(pensioen-api|pensioen-frontend)/rule/[0-9]+",envoy_response_code_class="5"}[5m])');
  expect(alerts.find((a) => a.alert === 'EdgeRateLimiting')!.expr).toContain('rate(envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited{job="edge-proxy"}[5m])');
  const pm = find(objects, 'PodMonitor', 'edge-proxy');
  expect(pm.spec).toMatchObject({
    namespaceSelector: { matchNames: ['envoy-gateway-system'] },
    selector: { matchLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'pensioen-gateway', 'gateway.envoyproxy.io/owning-gateway-namespace': 'pensioen' } },
    podMetricsEndpoints: [{ port: 'metrics', path: '/stats/prometheus', relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'edge-proxy' }] }],
  });
  // MetricSeriesMissing watches the proxies' series, not ingress-nginx's.
  const missing = alerts.filter((a) => a.alert === 'MetricSeriesMissing').map((a) => a.labels.metric);
  expect(missing).toEqual(expect.arrayContaining(['envoy_cluster_upstream_rq_xx', 'envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited']));
  expect(missing).not.toContain('nginx_ingress_controller_requests');
  // A shared Gateway: its pods, in its data-plane namespace.
  const shared = inlineEnvironment('s', `${BASE}edge: { kind: gateway, gateway: { dataPlaneNamespace: eg-shared, shared: { name: public, namespace: gateways, httpSectionName: http, apiSectionName: api, frontendSectionName: web } } }\n`);
  expect(find(objectsOf(shared), 'PodMonitor', 'edge-proxy').spec).toMatchObject({
    namespaceSelector: { matchNames: ['eg-shared'] },
    selector: { matchLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'public', 'gateway.envoyproxy.io/owning-gateway-namespace': 'gateways' } },
  });
});

test('with NGINX Gateway Fabric (no status codes in its metrics) the edge alerts are off, and synth says why', () => {
  const env = inlineEnvironment('n', `${BASE}edge: { kind: gateway, gateway: { implementation: nginx-gateway-fabric, className: nginx } }\n`);
  const alerts = allSynthesizedAlerts(env);
  expect(alerts.map((a) => a.alert)).not.toContain('EdgeHighErrorRate');
  expect(alerts.map((a) => a.labels.metric)).not.toContain('nginx_ingress_controller_requests');
  expect(objectsOf(env).filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.name)).not.toContain('edge-proxy');
  expect(monitoringNotices(env)).toEqual([expect.stringMatching(/are off: NGINX Gateway Fabric \(NGINX Open Source\) exports no response status codes/)]);
});

test('alerting.enabled: false leaves the AlertmanagerConfig out, and its Secrets out of the list', () => {
  const env = inlineEnvironment('off', `${BASE}monitoring: { alerting: { enabled: false } }`);
  expect(objectsOf(env).some((o) => o.kind === 'AlertmanagerConfig')).toBe(false);
  expect(externalSecretsOf(env.config).map((s) => s.name).filter((n) => n.startsWith('alertmanager-'))).toEqual([]);
  const on = inlineEnvironment('on', BASE);
  expect(externalSecretsOf(on.config).map((s) => s.name).filter((n) => n.startsWith('alertmanager-')).sort())
    .toEqual(['alertmanager-pagerduty-database', 'alertmanager-pagerduty-on-call', 'alertmanager-pagerduty-security', 'alertmanager-slack']);
  expect(find(objectsOf(on), 'AlertmanagerConfig', 'pensioen-routing').metadata.labels.release).toBe('kube-prometheus-stack');
});
