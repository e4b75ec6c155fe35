/**
 * The monitoring chart (dist/<env>/50-monitoring.yaml): the PrometheusRule, the ServiceMonitors and what
 * they select, postgres_exporter under the restricted profile, its NetworkPolicy, the Grafana dashboard
 * (every panel's PromQL parsed by promtool) and the runbooks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { environment, environments, find, inlineEnvironment, objectsOf, podSpecs, ROOT } from './helpers';
import { synthesizedAlerts } from './monitoring-helpers';
import { ConfigError, parseConfig } from '../lib/config';
import { allFindings, contextOf, validateEnvironments } from '../lib/validate';
import { formatFinding } from '../lib/validate/types';
import { unproducedSeries } from '../lib/monitoring/targets';
import { dashboardPanels } from '../lib/monitoring/dashboard';
import { ALERT_NAMES } from '../lib/monitoring/rules';
import { shortWindow } from '../lib/monitoring/alerts/common';
import { CNPG_ALERT_NAMES } from '../lib/monitoring/cnpg-rules';
import { metricNames, seriesProducers } from '../lib/monitoring/series';

const objects = objectsOf('production');
const monitoring = objects.filter((o) => o.__file === 'production/50-monitoring.yaml');
const BASE = 'https://github.com/pensioen-beslissingstool/pensioen-k8s/blob/main/runbooks';

/** Objects whose labels match a label selector (matchLabels only). */
const selected = (kind: string, matchLabels: Record<string, string>, all = objects) =>
  all.filter((o) => o.kind === kind && Object.entries(matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v));

describe('PrometheusRule pensioen-alerts', () => {
  const rule = find(objects, 'PrometheusRule', 'pensioen-alerts');
  const alerts = synthesizedAlerts('production');
  const alert = (name: string) => alerts.filter((a) => a.alert === name);

  test('is a monitoring.coreos.com/v1 PrometheusRule in the namespace with the operator\'s selector label', () => {
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata.namespace).toBe('pensioen');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(rule.metadata.labels['app.kubernetes.io/part-of']).toBe('pensioen-beslissingstool');
    expect(rule.__file).toBe('production/50-monitoring.yaml');
  });

  test('HighErrorRate is the ratio of 5xx to all requests above 5% for 5m (the seed\'s metric and label names)', () => {
    const [r] = alert('HighErrorRate');
    expect(r.expr).toContain('sum by (namespace, job) (rate(http_requests_total{job="backend",namespace="pensioen",status=~"5.."}[5m]))');
    expect(r.expr).toContain('sum by (namespace, job) (rate(http_requests_total{job="backend",namespace="pensioen"}[5m]))');
    expect(r.expr).toMatch(/\/\s+sum by/);
    // and the same ratio over the short window (4 scrapes of 30s = 2m), so a burst that is over does not page
    expect(r.expr).toContain('and on (namespace, job)');
    expect(r.expr).toContain('rate(http_requests_total{job="backend",namespace="pensioen",status=~"5.."}[2m])');
    expect(r.expr).toMatch(/\) > 0\.05$/);
    expect(r.for).toBe('5m');
    expect(r.labels).toEqual({ severity: 'critical', team: 'platform', namespace: 'pensioen' });
  });

  test('DatabaseDown and RedisDown page on up == 0 for 1m (and on the exporter losing its database)', () => {
    const [db] = alert('DatabaseDown');
    expect(db.expr).toContain('min by (namespace, job) (up{job="postgres",namespace="pensioen"}) == 0');
    expect(db.expr).toContain('pg_up{job="postgres",namespace="pensioen"}) == 0');
    expect(db).toMatchObject({ for: '1m', labels: { severity: 'critical' } });
    const [redis] = alert('RedisDown');
    expect(redis.expr).toContain('min by (namespace, job, pod) (up{job="redis",namespace="pensioen"}) == 0');
    expect(redis).toMatchObject({ for: '1m', labels: { severity: 'critical' } });
  });

  test('thresholds and names come from the config', () => {
    // A bucket ratio (more than 5% slower than the threshold's bucket), not histogram_quantile: the quantile
    // never exceeds the top finite bucket (1s by default), so `> 1` could not fire.
    expect(alert('HighLatencyP95')[0].expr).not.toContain('histogram_quantile');
    // prometheus-fastapi-instrumentator's names by default (monitoring.metrics.exporter)
    expect(alert('HighLatencyP95')[0].expr).toContain('rate(http_request_duration_seconds_bucket{job="backend",namespace="pensioen",le=~"1(\\\\.0)?"}[5m])');
    expect(alert('HighLatencyP95')[0].expr).toContain('rate(http_request_duration_seconds_count{job="backend",namespace="pensioen"}[5m])');
    expect(alert('HighLatencyP95')[0].expr).toMatch(/\) > 0\.05$/);
    const half = inlineEnvironment('half', `
registry: registry.example.nl/pensioen
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
monitoring: { thresholds: { latencyP95Seconds: 0.5 } }
`);
    expect(synthesizedAlerts(half).find((a) => a.alert === 'HighLatencyP95')!.expr).toContain('le="0.5"');
    expect(alert('BackendHpaAtMaxReplicas')[0]).toMatchObject({ for: '15m' });
    expect(alert('BackendHpaAtMaxReplicas')[0].expr).toContain('horizontalpodautoscaler="backend-hpa"');
    // allkeys-lru (the default): a full cache is normal, the eviction rate alerts instead of memory near max.
    expect(alert('RedisMemoryNearMax')).toEqual([]);
    expect(alert('RedisEvictionRateHigh')[0].expr).toMatch(/rate\(redis_evicted_keys_total\{job="redis",namespace="pensioen"\}\[\w+\]\)\) > 50$/);
    expect(alert('PostgresConnectionsNearLimit')[0].expr).toMatch(/> 0\.8$/);
    expect(alert('CertificateExpiringSoon')[0].expr).toMatch(/< 14 \* 86400$/);
    expect(alert('MetricsTargetMissing').map((a) => a.expr)).toEqual([
      'absent(up{job="backend",namespace="pensioen"})',
      'absent(up{job="redis",namespace="pensioen"})',
      'absent(up{job="postgres",namespace="pensioen"})',
      'absent(kube_pod_status_phase{namespace="pensioen"})',
    ]);

    const custom = inlineEnvironment('custom', `
registry: r.example.nl/p
namespace: acc
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
monitoring:
  selectorLabels: { prometheus: main }
  runbookBaseUrl: https://git.example.nl/ops/runbooks/
  jobs: { backend: api }
  metrics: { requestsTotal: requests_total, statusLabel: code }
  thresholds: { errorRatio: 0.02, errorRatioFor: 10m }
`);
    const [r] = synthesizedAlerts(custom).filter((a) => a.alert === 'HighErrorRate');
    expect(r.expr).toContain('rate(requests_total{job="api",namespace="acc",code=~"5.."}[5m])');
    expect(r.expr).toMatch(/> 0\.02$/);
    expect(r.for).toBe('10m');
    expect(r.annotations.runbook_url).toBe('https://git.example.nl/ops/runbooks/HighErrorRate.md');
    const customRule = find(objectsOf(custom), 'PrometheusRule', 'pensioen-alerts');
    expect(customRule.metadata.labels.prometheus).toBe('main');
    expect(customRule.metadata.labels.release).toBeUndefined();
  });

  test('every alert: severity critical or warning, summary, description and a runbook_url to its runbook', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(ALERT_NAMES.length);
    for (const a of alerts) {
      expect(['critical', 'warning']).toContain(a.labels.severity);
      expect(Object.keys(a.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(a.annotations.summary.length).toBeGreaterThan(10);
      expect(a.annotations.description.length).toBeGreaterThan(20);
      expect(a.annotations.runbook_url).toBe(`${BASE}/${a.alert}.md`);
    }
  });

  test('one runbook per alert in runbooks/, and none for an alert that does not exist', () => {
    // Alert runbooks are named like the alert; lower-case files are procedures (database-restore-drill.md).
    const files = fs.readdirSync(path.join(ROOT, 'runbooks')).filter((f) => /^[A-Z].*\.md$/.test(f) && f !== 'README.md');
    const names = [...new Set([...ALERT_NAMES, ...CNPG_ALERT_NAMES])];
    expect(files.sort()).toEqual(names.map((a) => `${a}.md`).sort());
    for (const name of names) {
      const text = fs.readFileSync(path.join(ROOT, 'runbooks', `${name}.md`), 'utf8');
      expect(text.startsWith(`# ${name}\n`)).toBe(true);
      for (const section of ['## Meaning', '## Impact', '## Diagnosis', '## Mitigation']) expect({ name, has: text.includes(section) }).toEqual({ name, has: true });
    }
  });
});

describe('ServiceMonitors', () => {
  const sm = (name: string) => find(objects, 'ServiceMonitor', name);

  test('all carry the operator\'s selector label and scrape only their own namespace', () => {
    for (const name of ['backend', 'redis', 'postgres-exporter']) {
      expect(sm(name).apiVersion).toBe('monitoring.coreos.com/v1');
      expect(sm(name).metadata.labels.release).toBe('kube-prometheus-stack');
      expect(sm(name).spec.namespaceSelector).toEqual({ matchNames: ['pensioen'] });
    }
  });

  test.each([
    ['backend', 'backend-service', 'http', 'backend'],
    ['redis', 'redis-headless', 'metrics', 'redis'],
    ['postgres-exporter', 'postgres-exporter', 'metrics', 'postgres'],
  ])('%s selects exactly Service %s, scrapes its port %s and sets job="%s"', (name, service, port, job) => {
    const spec = sm(name).spec;
    const hits = selected('Service', spec.selector.matchLabels);
    expect(hits.map((s) => s.metadata.name)).toEqual([service]);
    expect(hits[0].spec.ports.map((p: any) => p.name)).toContain(port);
    expect(spec.endpoints).toEqual([{
      port, path: '/metrics', scheme: 'http', interval: '30s', scrapeTimeout: '10s',
      relabelings: [{ action: 'replace', targetLabel: 'job', replacement: job }],
    }]);
  });

  test('the scrape timeout never exceeds a short scrape interval', () => {
    const env = inlineEnvironment('fast', `
registry: r.example.nl/p
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
monitoring: { scrapeInterval: 5s }
`);
    expect(find(objectsOf(env), 'ServiceMonitor', 'backend').spec.endpoints[0]).toMatchObject({ interval: '5s', scrapeTimeout: '5s' });
  });

  test('the redis ServiceMonitor uses exactly the labels the Redis chart promises', () => {
    expect(sm('redis').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/component': 'redis' });
  });
});

describe('postgres_exporter', () => {
  const deployment = find(objects, 'Deployment', 'postgres-exporter');
  const pod = deployment.spec.template.spec;
  const [c] = pod.containers;

  test('pinned image from config, one replica, DATA_SOURCE_NAME from the read-only monitoring Secret', () => {
    expect(c.image).toBe('quay.io/prometheuscommunity/postgres-exporter:v0.20.1');
    expect(deployment.spec.replicas).toBe(1);
    expect(c.env).toEqual([{ name: 'DATA_SOURCE_NAME', valueFrom: { secretKeyRef: { name: 'postgres-exporter-secrets', key: 'data-source-name' } } }]);
    expect(JSON.stringify(c.env)).not.toContain('db-secrets');
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9187, protocol: 'TCP' }]);
    expect(c.args).toContain('--web.listen-address=:9187');
  });

  test('restricted pod security, requests and limits, probes that do not query the database', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toEqual({
      runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources).toEqual({ requests: { cpu: '25m', memory: '32Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '200m', memory: '128Mi', 'ephemeral-storage': '512Mi' } });
    for (const probe of [c.livenessProbe, c.readinessProbe]) expect(probe.httpGet).toEqual({ path: '/', port: 'metrics', scheme: 'HTTP' });
    expect(podSpecs(monitoring).map((p) => p.owner)).toEqual(['Deployment/postgres-exporter']);
  });

  test('Service postgres-exporter selects the exporter pods', () => {
    const svc = find(objects, 'Service', 'postgres-exporter');
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ name: 'metrics', port: 9187, targetPort: 'metrics', protocol: 'TCP' }]);
  });

  test('NetworkPolicy: Prometheus in, only DNS and the managed PostgreSQL out', () => {
    const np = find(objects, 'NetworkPolicy', 'postgres-exporter');
    expect(np.__file).toBe('production/30-network-policies.yaml');
    expect(np.spec.podSelector).toEqual({ matchLabels: deployment.spec.selector.matchLabels });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: 9187 }] }]);
    const [dns, pg] = np.spec.egress;
    expect(dns.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(pg).toEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });
});

describe('Grafana dashboard', () => {
  const cm = find(objects, 'ConfigMap', 'pensioen-dashboard');
  const json = JSON.parse(cm.data['pensioen.json']);
  const panels = dashboardPanels(environments().find((e) => e.name === 'production')!);

  test('a ConfigMap with the Grafana sidecar\'s label, holding the dashboard JSON', () => {
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    expect(cm.metadata.namespace).toBe('pensioen');
    expect(json.uid).toBe('pensioen-production');
    expect(json.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    expect(json.panels.map((p: any) => p.title)).toEqual([
      'Availability SLO: objective and error budget left', 'Availability SLO: burn rates',
      'Latency SLO: objective and error budget left', 'Latency SLO: burn rates',
      'Request rate', 'Error ratio (5xx)', 'Latency p50 / p95 / p99', 'Backend replicas and HPA bounds', 'Pods not ready',
      'Redis up', 'Redis memory / maxmemory', 'Redis connected replicas and rejected connections', 'PostgreSQL up', 'PostgreSQL connections',
    ]);
    expect(json.panels.find((p: any) => p.title === 'Backend replicas and HPA bounds').targets.map((t: any) => t.legendFormat))
      .toEqual(['available', 'HPA min', 'HPA max', 'HPA desired']);
    for (const p of json.panels) for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });

  test('namespace, labels and folder are configurable', () => {
    const env = inlineEnvironment('g', `
registry: r.example.nl/p
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
monitoring: { grafana: { namespace: monitoring, dashboardLabels: { grafana_dashboard: "true" }, folder: Pensioen } }
`);
    const g = find(objectsOf(env), 'ConfigMap', 'pensioen-dashboard');
    expect(g.metadata).toMatchObject({ namespace: 'monitoring', annotations: { grafana_folder: 'Pensioen' } });
    expect(g.metadata.labels.grafana_dashboard).toBe('true');
  });

  test('the same config gives byte-identical dashboard JSON', () => {
    expect(find(objectsOf('production'), 'ConfigMap', 'pensioen-dashboard').data['pensioen.json']).toBe(cm.data['pensioen.json']);
    expect(panels.length).toBe(json.panels.length);
  });
});

test('every series an alert or panel reads is produced by something deployed or a standard exporter in docs/monitoring.md', () => {
  // docs/database.md lists the CloudNativePG series.
  const doc = ['monitoring.md', 'database.md'].map((f) => fs.readFileSync(path.join(ROOT, 'docs', f), 'utf8')).join('\n');
  for (const env of environments()) {
    const known = new Map(seriesProducers(env).map((p) => [p.metric, p.producer]));
    const exprs = [...synthesizedAlerts(env).map((a) => a.expr), ...dashboardPanels(env).flatMap((p) => p.targets.map((t) => t.expr))];
    // Names with ":" are our recording rules (PrometheusRule pensioen-slo), not exported series.
    const used = new Set(exprs.flatMap(metricNames).filter((n) => !n.includes(':')));
    for (const metric of used) expect({ metric, producedBy: known.has(metric) }).toEqual({ metric, producedBy: true });
    for (const metric of known.keys()) expect({ metric, inDocs: doc.includes(`\`${metric}\``) }).toEqual({ metric, inDocs: true });
  }
  expect(doc).toContain('kube-state-metrics');
});

test('the short window of HighErrorRate is 4 scrapes, at least 2 minutes', () => {
  expect([shortWindow('30s'), shortWindow('15s'), shortWindow('1m'), shortWindow('45s')]).toEqual(['2m', '2m', '4m', '3m']);
});

test('metricNames ignores functions, label names, strings and durations', () => {
  expect(metricNames('sum by (namespace, job) (rate(http_requests_total{job="backend",status=~"5.."}[5m])) / on (job) group_left max(up) > 0.05'))
    .toEqual(['http_requests_total', 'up']);
  expect(metricNames('absent(kube_pod_status_phase{namespace="x"})')).toEqual(['kube_pod_status_phase']);
});

test('monitoring.enabled: false leaves out 50-monitoring.yaml and the exporter\'s NetworkPolicy', () => {
  const env = inlineEnvironment('off', `
registry: r.example.nl/p
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
monitoring: { enabled: false }
`);
  const objs = objectsOf(env);
  expect(objs.filter((o) => o.__file.endsWith('50-monitoring.yaml'))).toEqual([]);
  expect(objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'postgres-exporter')).toEqual([]);
});

test('bad monitoring config: one clear line naming the file, the key path and what is allowed', () => {
  const bad = (yaml: string) => {
    try {
      parseConfig('config/x.yaml', `registry: r.example.nl/p\ncertManager: { email: ops@example.nl }\nnetwork: { databaseCidrs: [10.1.0.0/24] }\n${yaml}`);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems.join('\n');
    }
    throw new Error('expected a ConfigError');
  };
  expect(bad('monitoring: { thresholds: { errorRatio: 5 } }')).toMatch(/config\/x\.yaml.*monitoring\.thresholds\.errorRatio: .*ratio between 0 and 1/);
  expect(bad('monitoring: { thresholds: { errorRatioFor: five } }')).toMatch(/monitoring\.thresholds\.errorRatioFor: must be a Prometheus duration/);
  expect(bad('monitoring: { metrics: { requestsTotal: "http-requests" } }')).toMatch(/monitoring\.metrics\.requestsTotal: must be a Prometheus metric name/);
  expect(bad('monitoring: { postgresExporter: { image: "quay.io/prometheuscommunity/postgres-exporter:latest" } }')).toMatch(/monitoring\.postgresExporter\.image: .*latest/);
  expect(bad('monitoring: { bogus: 1 }')).toMatch(/monitoring/);
});

test('the validation gate (CRD schemas, pod security, references) finds nothing in the monitoring objects, and would', () => {
  for (const env of environments()) {
    const all = objectsOf(env).map(({ __file: _f, ...o }) => o);
    const mine = new Set(['pensioen-alerts', 'backend', 'redis', 'postgres-exporter', 'pensioen-dashboard']);
    const findings = allFindings(all as any, contextOf(env, path.join(ROOT, 'crds')))
      .filter((f) => ['PrometheusRule', 'ServiceMonitor', 'Deployment', 'Service', 'ConfigMap', 'ServiceAccount', 'NetworkPolicy'].includes(f.kind) && mine.has(f.name));
    expect(findings).toEqual([]);
  }
  // A field the CRD does not know is caught: the check is real.
  const sm = { ...find(objects, 'ServiceMonitor', 'redis') };
  delete (sm as any).__file;
  const broken = { ...sm, spec: { ...sm.spec, endpoints: [{ ...sm.spec.endpoints[0], portName: 'metrics' }] } };
  const env = environments().find((e) => e.name === 'production')!;
  expect(allFindings([broken as any], contextOf(env, path.join(ROOT, 'crds'))).map((f) => f.kind)).toContain('ServiceMonitor');
});

test('snapshot of 50-monitoring.yaml (production)', () => {
  expect(monitoring).toMatchSnapshot();
});

describe('every rule reads only series a scrape target of its environment produces (synth error otherwise)', () => {
  test.each(['production', 'staging', 'onprem'])('%s: none unproduced', (name) => {
    expect(unproducedSeries(environment(name), objectsOf(name)).map(formatFinding)).toEqual([]);
  });

  test('without the redis ServiceMonitor every Redis rule is named with the series it reads', () => {
    const env = environment('production');
    const objects = objectsOf(env).filter((o) => !(o.kind === 'ServiceMonitor' && o.metadata.name === 'redis'));
    const lines = unproducedSeries(env, objects).map(formatFinding);
    expect(lines).toContain('PrometheusRule/pensioen/pensioen-alerts: monitoring-series-unproduced: alert RedisDown (group pensioen-redis) reads redis_up, produced by redis, which this environment does not scrape (its targets: ServiceMonitor/backend; ServiceMonitor/postgres-exporter; kube-state-metrics of kube-prometheus-stack (a prerequisite); the kubelets, scraped by kube-prometheus-stack (a prerequisite); cert-manager\'s ServiceMonitor (a prerequisite); the ingress-nginx chart\'s ServiceMonitor (a prerequisite); Prometheus (up, for every target))');
    expect(lines.filter((l) => /reads redis_/.test(l)).length).toBeGreaterThan(5);
  });

  test('a rule reading a series nothing produces is a validation finding of synth, naming the rule and the series', () => {
    const env = environment('production');
    const objects = objectsOf(env).map(({ __file: _f, ...o }) => o);
    const rule = objects.find((o) => o.kind === 'PrometheusRule' && o.metadata.name === 'pensioen-alerts')!;
    rule.spec.groups[0].rules.push({ alert: 'Typo', expr: 'http_request_total{job="backend"} > 0', labels: { severity: 'warning' } });
    const findings = validateEnvironments([{ env, files: [{ objects }] }]).filter((f) => f.rule === 'monitoring-series-unproduced');
    expect(findings.map(formatFinding)).toEqual([
      'production: PrometheusRule/pensioen/pensioen-alerts: monitoring-series-unproduced: alert Typo (group pensioen-backend) reads http_request_total, which no scrape target of this environment produces (add its producer to lib/monitoring/series.ts, or fix the name)',
    ]);
  });

  test('managed PostgreSQL without postgres_exporter: no rule reads pg_* (nothing scrapes it)', () => {
    const env = inlineEnvironment('noexp', `
registry: registry.example.nl/pensioen
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
monitoring: { postgresExporter: { enabled: false } }
`);
    const objects = objectsOf(env);
    expect(unproducedSeries(env, objects)).toEqual([]);
    expect(synthesizedAlerts(env).map((a) => a.alert)).not.toContain('DatabaseDown');
    expect(synthesizedAlerts(env).filter((a) => a.alert === 'MetricsTargetMissing').map((a) => a.labels.target)).not.toContain('postgres');
  });
});
