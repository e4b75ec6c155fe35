/**
 * promtool unit tests of the CloudNativePG alerts (lib/monitoring/cnpg-rules.ts), generated from the
 * environment's configuration, each alert firing and staying silent. The series are shaped as the PodMonitor
 * `postgres` delivers them: job = monitoring.jobs.postgres, the Cluster in `cnpg_cluster`, one target per
 * instance pod; the kubelet's volume stats with their own job.
 */
import type { AlertCase, ExpAlert, Series } from './types';
import type { Environment } from '../../lib/config';
import { cnpgOf } from '../../lib/database/names';
import { CNPG_CLUSTER_LABEL } from '../../lib/monitoring/cnpg-rules';

const lbl = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}="${v}"`).join(',');
const s = (name: string, labels: Record<string, string>, values: string): Series => ({ series: `${name}{${lbl(labels)}}`, values });
const at = (min: number) => `${Math.round(min)}m`;

export function cnpgAlertCases(env: Environment): AlertCase[] {
  const cnpg = cnpgOf(env);
  if (!cnpg) return [];
  const c = env.config;
  const ns = c.namespace;
  const job = c.monitoring.jobs.postgres;
  const cluster = cnpg.clusterName;
  const a = cnpg.alerts;
  const cases: AlertCase[] = [];
  const add = (alert: string, name: string, input_series: Series[], checks: [number, ExpAlert[]][]) =>
    cases.push({ name: `${alert} ${name}`, alert, interval: '1m', input_series, checks: checks.map(([min, exp]) => ({ eval_time: at(min), alertname: alert, exp_alerts: exp })) });
  const silent: ExpAlert[] = [];
  const group = { job, namespace: ns, [CNPG_CLUSTER_LABEL]: cluster };
  const fires = (severity: string, extra: Record<string, string> = {}): ExpAlert[] => [{ exp_labels: { ...group, ...extra, severity, team: 'database' } }];
  const pod = (i: number) => `${cluster}-${i}`;
  const target = (i: number) => ({ ...group, instance: `10.0.2.${i}:9187`, pod: pod(i) });
  /** Instance i: scrape up, collector up, in recovery (replica) or not (primary); each a series of values. */
  const instance = (i: number, v: { up?: string; collector?: string; recovery?: string }) => [
    s('up', target(i), v.up ?? '1x20'),
    ...(v.collector !== '' ? [s('cnpg_collector_up', target(i), v.collector ?? '1x20')] : []),
    ...(v.recovery !== '' ? [s('cnpg_pg_replication_in_recovery', target(i), v.recovery ?? (i === 1 ? '0x20' : '1x20'))] : []),
  ];
  const healthy = [1, 2, 3].flatMap((i) => instance(i, {}));

  // --- DatabaseDown: no instance is an up primary.
  add('DatabaseDown', 'fires: the primary\'s PostgreSQL is down, the replicas are up', [
    ...instance(1, { collector: '0x20' }), ...instance(2, {}), ...instance(3, {}),
  ], [[0, silent], [2, fires('critical')]]);
  add('DatabaseDown', 'fires: no instance can be scraped', [1, 2, 3].flatMap((i) => instance(i, { up: '0x20', collector: '', recovery: '' })), [[2, fires('critical')]]);
  add('DatabaseDown', 'fires: the primary pod is gone, only replicas report', [...instance(2, {}), ...instance(3, {}), s('up', target(1), '0x20')], [[2, fires('critical')]]);
  add('DatabaseDown', 'silent: healthy', healthy, [[2, silent], [10, silent]]);
  add('DatabaseDown', 'silent: a replica is down', [...instance(1, {}), ...instance(2, { up: '0x20', collector: '', recovery: '' }), ...instance(3, {})], [[5, silent]]);
  add('DatabaseDown', 'silent: a failover (pod 2 promoted within a minute)', [
    ...instance(1, { up: '1 0x19', collector: '1 _x19', recovery: '0 _x19' }), ...instance(2, { recovery: '1 0x19' }), ...instance(3, {}),
  ], [[1, silent], [3, silent], [10, silent]]);

  // --- PostgresInstanceDown
  add('PostgresInstanceDown', 'fires: a replica cannot be scraped for 6 minutes', [...instance(1, {}), ...instance(2, {}), ...instance(3, { up: '0x20', collector: '', recovery: '' })],
    [[4, silent], [7, fires('warning', { pod: pod(3) })]]);
  add('PostgresInstanceDown', 'fires: an instance runs but its PostgreSQL does not', [...instance(1, {}), ...instance(2, { collector: '0x20' }), ...instance(3, {})],
    [[7, fires('warning', { pod: pod(2) })]]);
  add('PostgresInstanceDown', 'silent: all up', healthy, [[7, silent]]);
  add('PostgresInstanceDown', 'silent: one failed scrape', [...instance(1, { up: '1 1 0 1x17' }), ...instance(2, {}), ...instance(3, {})], [[3, silent], [8, silent]]);

  // --- PostgresHALost: streaming replicas counted on the primary.
  const min = Math.min(2, cnpg.instances - 1);
  const streaming = (v: string) => s('cnpg_pg_replication_streaming_replicas', target(1), v);
  const replicasOnly = [2, 3].map((i) => s('cnpg_pg_replication_streaming_replicas', target(i), '0x30'));
  add('PostgresHALost', `fires: ${min - 1} streaming replica(s) for 15 minutes`, [...healthy, streaming(`${min - 1}x30`), ...replicasOnly],
    [[9, silent], [12, fires('critical')]]);
  add('PostgresHALost', `silent: ${min} streaming replicas`, [...healthy, streaming(`${min}x30`), ...replicasOnly], [[12, silent]]);
  add('PostgresHALost', 'silent: a replica restarts for 5 minutes', [...healthy, streaming(`${min}x5 ${min - 1}x5 ${min}x20`), ...replicasOnly], [[9, silent], [15, silent], [25, silent]]);

  // --- PostgresReplicationLag
  const lag = (i: number, v: string) => s('cnpg_pg_replication_lag', target(i), v);
  add('PostgresReplicationLag', `fires: a replica ${2 * a.replicationLagSeconds}s behind for 10 minutes`, [lag(1, '0x20'), lag(2, `${2 * a.replicationLagSeconds}x20`), lag(3, '0x20')],
    [[3, silent], [7, fires('warning', { pod: pod(2) })]]);
  add('PostgresReplicationLag', `silent: ${Math.floor(a.replicationLagSeconds / 2)}s behind`, [lag(1, '0x20'), lag(2, `${Math.floor(a.replicationLagSeconds / 2)}x20`)], [[7, silent]]);

  // --- PostgresBackupTooOld (promtool's clock starts at 0: timestamps are seconds from there).
  const available = (i: number, v: string) => s('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', target(i), v);
  const collector = (n: number) => [1, 2, 3].map((i) => s('cnpg_collector_up', target(i), `1x${n}`));
  add('PostgresBackupTooOld', 'fires: no successful backup reported at all', collector(60), [[20, silent], [35, fires('critical')]]);
  add('PostgresBackupTooOld', 'silent: a backup a minute ago', [...collector(60), ...[1, 2, 3].map((i) => available(i, '60x60'))], [[35, silent], [55, silent]]);

  // --- PostgresBackupFailed
  const failed = (v: string) => s('barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp', target(1), v);
  add('PostgresBackupFailed', 'fires: the last backup failed after the last success', [failed('7200x5'), available(1, '3600x5')], [[1, fires('warning')]]);
  add('PostgresBackupFailed', 'silent: a failure, then a success', [failed('3600x5'), available(1, '7200x5')], [[1, silent]]);

  // --- PostgresWALArchivingFailing (the archiver's times, in seconds since promtool's 0; -1 when never).
  const archived = (v: string) => s('cnpg_pg_stat_archiver_last_archived_time', target(1), v);
  const failedWal = (v: string) => s('cnpg_pg_stat_archiver_last_failed_time', target(1), v);
  add('PostgresWALArchivingFailing', 'fires: failing for 10 minutes', [archived('300x20'), failedWal('600+60x20')], [[3, silent], [7, fires('critical', { pod: pod(1) })]]);
  add('PostgresWALArchivingFailing', 'silent: never failed', [archived('60+60x20'), failedWal('-1x20')], [[10, silent]]);
  add('PostgresWALArchivingFailing', 'silent: one failure, archived on the retry', [archived('60 120 120 300+60x17'), failedWal('-1 -1 180x18')], [[3, silent], [10, silent]]);

  // --- PostgresDiskNearFull (kubelet volume stats of the PVCs)
  const volume = (pvc: string, usedRatio: number) => {
    const labels = { job: 'kubelet', namespace: ns, persistentvolumeclaim: pvc };
    return [
      s('kubelet_volume_stats_capacity_bytes', labels, '10000x20'),
      s('kubelet_volume_stats_available_bytes', labels, `${Math.round(10000 * (1 - usedRatio))}x20`),
    ];
  };
  const full = Math.min(0.99, (1 + a.diskUsageRatio) / 2);
  const diskFires = (pvc: string): ExpAlert[] => [{ exp_labels: { job: 'kubelet', namespace: ns, persistentvolumeclaim: pvc, severity: 'warning', team: 'database' } }];
  add('PostgresDiskNearFull', `fires: a WAL volume ${Math.round(full * 100)}% full`, [...volume(`${cluster}-1`, 0.3), ...volume(`${cluster}-1-wal`, full)],
    [[5, silent], [12, diskFires(`${cluster}-1-wal`)]]);
  add('PostgresDiskNearFull', `fires: a data volume ${Math.round(full * 100)}% full`, volume(`${cluster}-3`, full), [[12, diskFires(`${cluster}-3`)]]);
  add('PostgresDiskNearFull', 'silent: half full', [...volume(`${cluster}-1`, 0.5), ...volume(`${cluster}-1-wal`, 0.5)], [[12, silent]]);
  add('PostgresDiskNearFull', 'silent: another claim in the namespace is full', volume('data-redis-0', 0.99), [[12, silent]]);

  // --- PostgresConnectionsNearLimit (cloudnative-pg: per instance, against its max_connections of 200)
  const r = c.monitoring.thresholds.postgresConnectionsRatio;
  const conns = (total: number) => [
    s('cnpg_backends_total', { ...target(1), datname: c.database.name, usename: c.database.owner, application_name: '', state: 'active' }, `${Math.ceil(total / 2)}x20`),
    s('cnpg_backends_total', { ...target(1), datname: c.database.name, usename: c.database.owner, application_name: '', state: 'idle' }, `${Math.floor(total / 2)}x20`),
    s('cnpg_pg_settings_setting', { ...target(1), name: 'max_connections' }, '200x20'),
    s('cnpg_pg_settings_setting', { ...target(1), name: 'max_wal_senders' }, '10x20'),
  ];
  const high = Math.min(200, Math.round(200 * (1 + r) / 2));
  add('PostgresConnectionsNearLimit', `fires: ${high} of 200 connections`, conns(high), [[3, silent], [7, fires('warning', { pod: pod(1) })]]);
  add('PostgresConnectionsNearLimit', `silent: ${Math.round(100 * r)} of 200 connections`, conns(Math.round(100 * r)), [[7, silent]]);

  return cases;
}

/**
 * The backup-age cases span more than a day: they run apart (test/database-monitoring.tools.test.ts) on the
 * CloudNativePG rule group alone, with samples and evaluations every 5 minutes, so that the fast suite stays fast.
 */
export const LONG_CASE_STEP_MINUTES = 5;

export function cnpgLongAlertCases(env: Environment): AlertCase[] {
  const cnpg = cnpgOf(env);
  if (!cnpg) return [];
  const step = LONG_CASE_STEP_MINUTES;
  const group = { job: env.config.monitoring.jobs.postgres, namespace: env.config.namespace, [CNPG_CLUSTER_LABEL]: cnpg.clusterName };
  const target = (i: number) => ({ ...group, instance: `10.0.2.${i}:9187`, pod: `${cnpg.clusterName}-${i}` });
  const fires: ExpAlert[] = [{ exp_labels: { ...group, severity: 'critical', team: 'database' } }];
  const steps = (minutes: number) => Math.ceil(minutes / step);
  const maxAge = cnpg.alerts.backupMaxAgeHours * 60;
  const series = (values: (n: number) => string, n: number) => [1, 2, 3].flatMap((i) => [
    s('cnpg_collector_up', target(i), `1x${n}`),
    s('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', target(i), values(n)),
  ]);
  const check = (min: number, exp: ExpAlert[]) => ({ eval_time: at(Math.round(min / step) * step), alertname: 'PostgresBackupTooOld', exp_alerts: exp });
  const total = steps(maxAge + 90);
  const day = steps(24 * 60);
  return [
    {
      name: `PostgresBackupTooOld fires: one backup at minute 1, none for ${cnpg.alerts.backupMaxAgeHours} hours`,
      alert: 'PostgresBackupTooOld',
      interval: `${step}m`,
      input_series: series((n) => `60x${n}`, total),
      checks: [check(maxAge - 30, []), check(maxAge + 45, fires)],
    },
    {
      name: 'PostgresBackupTooOld silent: a backup every day',
      alert: 'PostgresBackupTooOld',
      interval: `${step}m`,
      input_series: series(() => `60x${day} ${24 * 3600 + 60}x${day} ${48 * 3600 + 60}x${day}`, 3 * day + 2),
      checks: [check(maxAge - 30, []), check(24 * 60 + maxAge - 30, []), check(70 * 60, [])],
    },
  ];
}
