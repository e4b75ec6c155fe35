/**
 * Monitoring of PostgreSQL in cloudnative-pg mode: the PodMonitor of the instances, the rule group with
 * severity, team and runbook on every alert, DatabaseDown in both modes, and the backup-age cases that span
 * more than a day (run here on the CloudNativePG group alone, 5-minute steps). The other CloudNativePG
 * cases run with every alert in test/monitoring-promtool.tools.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { find, objectsOf, ROOT } from './helpers';
import { prometheusRule, synthesizedAlerts } from './monitoring-helpers';
import { cnpgEnv, cnpgOverrides } from './database-helpers';
import { CNPG_ALERT_NAMES, CNPG_RULE_GROUP } from '../lib/monitoring/cnpg-rules';

const onprem = objectsOf('onprem');

test('PodMonitor postgres: the instances of every Cluster, port metrics, job postgres, the Cluster in cnpg_cluster', () => {
  const pm = find(onprem, 'PodMonitor', 'postgres');
  expect(pm.apiVersion).toBe('monitoring.coreos.com/v1');
  expect(pm.metadata.labels.release).toBe('kube-prometheus-stack');
  expect(pm.__file).toBe('onprem/50-monitoring.yaml');
  expect(pm.spec).toEqual({
    namespaceSelector: { matchNames: ['pensioen'] },
    selector: { matchLabels: { 'cnpg.io/podRole': 'instance' }, matchExpressions: [{ key: 'cnpg.io/cluster', operator: 'In', values: ['pensioen-db'] }] },
    podMetricsEndpoints: [{
      port: 'metrics', path: '/metrics', scheme: 'http', interval: '30s', scrapeTimeout: '10s',
      relabelings: [
        { action: 'replace', targetLabel: 'job', replacement: 'postgres' },
        { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_cnpg_io_cluster'], targetLabel: 'cnpg_cluster' },
      ],
    }],
  });
  // No postgres_exporter (and so no Secret for it) with CloudNativePG.
  expect(onprem.filter((o) => o.metadata.name === 'postgres-exporter')).toEqual([]);
  // With a recovery Cluster, its instances are scraped too.
  const withRecovery = objectsOf(cnpgEnv(cnpgOverrides({ recovery: { enabled: true } })));
  expect(find(withRecovery, 'PodMonitor', 'postgres').spec.selector.matchExpressions[0].values).toEqual(['pensioen-db', 'pensioen-db-restore']);
});

test('the CloudNativePG rule group: every alert with severity, team database, a runbook that exists', () => {
  const group = prometheusRule('onprem').spec.groups.find((g: any) => g.name === CNPG_RULE_GROUP);
  expect(group.rules.map((r: any) => r.alert).sort()).toEqual([...CNPG_ALERT_NAMES, 'DatabaseDown', 'PostgresConnectionsNearLimit'].sort());
  for (const r of group.rules) {
    expect(['critical', 'warning']).toContain(r.labels.severity);
    expect(r.labels.team).toBe('database');
    expect(r.annotations.runbook_url).toBe(`https://github.com/pensioen-beslissingstool/pensioen-k8s/blob/main/runbooks/${r.alert}.md`);
    const runbook = fs.readFileSync(path.join(ROOT, 'runbooks', `${r.alert}.md`), 'utf8');
    for (const section of ['## Meaning', '## Impact', '## Diagnosis', '## Mitigation']) expect({ alert: r.alert, has: runbook.includes(section) }).toEqual({ alert: r.alert, has: true });
  }
  expect(Object.fromEntries(group.rules.map((r: any) => [r.alert, r.labels.severity]))).toEqual({
    DatabaseDown: 'critical', PostgresInstanceDown: 'warning', PostgresHALost: 'critical', PostgresReplicationLag: 'warning',
    PostgresBackupTooOld: 'critical', PostgresBackupFailed: 'warning', PostgresWALArchivingFailing: 'critical',
    PostgresDiskNearFull: 'warning', PostgresConnectionsNearLimit: 'warning',
  });
});

test('DatabaseDown exists once in both modes, critical: postgres_exporter (managed) or "no up primary" (cloudnative-pg)', () => {
  const managed = synthesizedAlerts('production').filter((a) => a.alert === 'DatabaseDown');
  const cnpg = synthesizedAlerts('onprem').filter((a) => a.alert === 'DatabaseDown');
  expect([managed.length, cnpg.length]).toEqual([1, 1]);
  expect(managed[0].expr).toContain('pg_up{job="postgres",namespace="pensioen"}');
  expect(cnpg[0].expr).toContain('cnpg_pg_replication_in_recovery{job="postgres",namespace="pensioen"} == 0');
  expect([managed[0].labels.severity, cnpg[0].labels.severity]).toEqual(['critical', 'critical']);
  expect(synthesizedAlerts('onprem').filter((a) => a.alert === 'PostgresConnectionsNearLimit')).toHaveLength(1);
});

test('thresholds follow the config', () => {
  const env = cnpgEnv(cnpgOverrides({ alerts: { replicationLagSeconds: 30, backupMaxAgeHours: 50, diskUsageRatio: 0.7 }, clusterName: 'pg' }));
  const expr = (alert: string) => synthesizedAlerts(env).find((a) => a.alert === alert)!.expr;
  expect(expr('PostgresReplicationLag')).toMatch(/\) > 30$/);
  expect(expr('PostgresBackupTooOld')).toContain('> 180000');
  expect(expr('PostgresDiskNearFull')).toMatch(/> 0\.7$/);
  expect(expr('PostgresDiskNearFull')).toContain('persistentvolumeclaim=~"(pg)-[0-9]+(-wal)?"');
});

test('the managed environments have no CloudNativePG rule group and no PodMonitor', () => {
  for (const name of ['production', 'staging']) {
    expect(prometheusRule(name).spec.groups.map((g: any) => g.name)).not.toContain(CNPG_RULE_GROUP);
    // (staging's Gateway edge has the PodMonitor edge-proxy of its Envoy proxies: not a database one)
    expect(objectsOf(name).filter((o) => o.kind === 'PodMonitor' && o.metadata.name !== 'edge-proxy')).toEqual([]);
  }
});

