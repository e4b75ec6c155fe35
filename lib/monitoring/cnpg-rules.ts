/**
 * Alert rules of PostgreSQL run by CloudNativePG (`database.mode: cloudnative-pg`), a rule group of their own
 * in the PrometheusRule `pensioen-alerts`. Every alert carries `severity`, `team: database` and a runbook.
 *
 * The metrics, and where they come from (scraped by the PodMonitor `postgres` on each instance's port
 * `metrics`, 9187, with job = `monitoring.jobs.postgres` and the Cluster's name in label `cnpg_cluster`):
 * - `cnpg_collector_up` (1 when the instance manager reaches PostgreSQL): CloudNativePG's built-in collector;
 * - `cnpg_pg_replication_in_recovery`, `_streaming_replicas`, `_lag` (seconds; 0 when replay has caught up),
 *   `cnpg_pg_stat_archiver_last_archived_time` / `_last_failed_time` (epoch, -1 when never; primary only),
 *   `cnpg_backends_total`, `cnpg_pg_settings_setting{name="max_connections"}`: the default monitoring queries
 *   (config/manager/default-monitoring.yaml in cloudnative-pg/cloudnative-pg);
 * - `barman_cloud_cloudnative_pg_io_last_available_backup_timestamp` and `_last_failed_backup_timestamp`:
 *   the Barman Cloud plugin, through the instance manager's exporter (plugin docs, "Observability"; they
 *   replace the in-core `cnpg_collector_last_*_backup_timestamp`). These rest on the plugin's documentation:
 *   no plugin was run here;
 * - `kubelet_volume_stats_available_bytes` / `_capacity_bytes`: the kubelet (kube-prometheus-stack scrapes it),
 *   for the PVCs `<cluster>-<n>` and `<cluster>-<n>-wal`.
 */
import type { Environment } from '../config';
import { clusterNames, cnpgOf } from '../database/names';
import type { Producer } from './rule-types';

/** An alert rule of lib/monitoring/rules.ts, always for the database team. */
export interface DatabaseAlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly severity: 'critical' | 'warning';
  readonly team: 'database';
  readonly summary: string;
  readonly description: string;
}

/** Alerts only the managed mode has (postgres_exporter's metrics); cloudnative-pg has its own of the same name. */
export const MANAGED_ONLY_ALERTS = ['DatabaseDown', 'PostgresConnectionsNearLimit'];

/** Names of every alert this module can produce (also the runbook file names). */
export const CNPG_ALERT_NAMES = [
  'PostgresInstanceDown', 'PostgresHALost', 'PostgresReplicationLag', 'PostgresBackupTooOld', 'PostgresBackupFailed',
  'PostgresWALArchivingFailing', 'PostgresDiskNearFull',
] as const;

export const CNPG_RULE_GROUP = 'pensioen-database-cloudnative-pg';
/** The label the PodMonitor copies the Cluster's name into (not `cluster`: that is often an external label). */
export const CNPG_CLUSTER_LABEL = 'cnpg_cluster';

function dedent(s: string): string {
  const lines = s.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** The CloudNativePG rules of an environment; none in managed mode. */
export function cnpgAlertRules(env: Environment): DatabaseAlertRule[] {
  const cnpg = cnpgOf(env);
  if (!cnpg) return [];
  const c = env.config;
  const m = c.monitoring;
  const ns = c.namespace;
  const a = cnpg.alerts;
  const sel = `job="${m.jobs.postgres}",namespace="${ns}"`;
  const by = `namespace, job, ${CNPG_CLUSTER_LABEL}`;
  const pct = (r: number) => `${+(r * 100).toFixed(2)}%`;
  const minReplicas = Math.min(2, cnpg.instances - 1);
  // Cluster names are DNS labels: nothing to escape in the regular expression.
  const pvcs = clusterNames(cnpg).join('|');
  const team = 'database' as const;
  return [
    {
      alert: 'DatabaseDown',
      // The database is down when no instance is an up primary, however many replicas run. `up` keeps
      // the series of a Cluster whose every target fails to be scraped (then the count has no match at all).
      expr: dedent(`
        count by (${by}) (up{${sel}})
        unless on (${by})
        count by (${by}) (
          cnpg_collector_up{${sel}} == 1
          and on (namespace, pod)
          cnpg_pg_replication_in_recovery{${sel}} == 0
        )`),
      for: '1m',
      severity: 'critical',
      team,
      summary: 'PostgreSQL has no primary that accepts connections',
      description: `No instance of Cluster {{ $labels.${CNPG_CLUSTER_LABEL} }} in namespace {{ $labels.namespace }} is an up primary for 1 minute ({{ $value }} instance(s) scraped): the backend cannot write.`,
    },
    {
      alert: 'PostgresInstanceDown',
      expr: dedent(`
        min by (${by}, pod) (up{${sel}}) == 0
        or
        min by (${by}, pod) (cnpg_collector_up{${sel}}) == 0`),
      for: '5m',
      severity: 'warning',
      team,
      summary: 'A PostgreSQL instance is down',
      description: `Instance {{ $labels.pod }} of Cluster {{ $labels.${CNPG_CLUSTER_LABEL} }} has not been reachable (scrape or PostgreSQL) for 5 minutes; the others carry the load, with less redundancy.`,
    },
    {
      alert: 'PostgresHALost',
      // Counted on the primary: replicas that stream from it.
      expr: dedent(`
        max by (${by}) (
          cnpg_pg_replication_streaming_replicas{${sel}}
          and on (namespace, pod)
          cnpg_pg_replication_in_recovery{${sel}} == 0
        ) < ${minReplicas}`),
      for: '10m',
      severity: 'critical',
      team,
      summary: `PostgreSQL has fewer than ${minReplicas} streaming replicas`,
      description: `The primary of Cluster {{ $labels.${CNPG_CLUSTER_LABEL} }} has had {{ $value }} streaming replica(s) for 10 minutes (designed: ${cnpg.instances - 1}): one more failure loses the database or its failover.`,
    },
    {
      alert: 'PostgresReplicationLag',
      expr: `max by (${by}, pod) (cnpg_pg_replication_lag{${sel}}) > ${a.replicationLagSeconds}`,
      for: '5m',
      severity: 'warning',
      team,
      summary: `A PostgreSQL replica trails the primary by more than ${a.replicationLagSeconds}s`,
      description: `Replica {{ $labels.pod }} of Cluster {{ $labels.${CNPG_CLUSTER_LABEL} }} has not replayed the primary's last {{ $value | humanizeDuration }} of changes; a failover to it would lose them (threshold ${a.replicationLagSeconds}s).`,
    },
    {
      alert: 'PostgresBackupTooOld',
      // Also fires when no instance reports a successful backup at all.
      expr: dedent(`
        time() - max by (${by}) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${sel}}) > ${a.backupMaxAgeHours * 3600}
        or
        (count by (${by}) (cnpg_collector_up{${sel}}) unless on (${by}) count by (${by}) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${sel}} > 0))`),
      for: '30m',
      severity: 'critical',
      team,
      summary: `The last PostgreSQL base backup is older than ${a.backupMaxAgeHours} hours`,
      description: `Cluster {{ $labels.${CNPG_CLUSTER_LABEL} }} has no successful base backup in the last ${a.backupMaxAgeHours} hours: point-in-time recovery needs ever more WAL, and retention may soon have nothing to keep.`,
    },
    {
      alert: 'PostgresBackupFailed',
      expr: dedent(`
        max by (${by}) (barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp{${sel}})
        > on (${by})
        max by (${by}) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${sel}})`),
      severity: 'warning',
      team,
      summary: 'The last PostgreSQL base backup failed',
      description: `The most recent base backup of Cluster {{ $labels.${CNPG_CLUSTER_LABEL} }} failed after the last successful one.`,
    },
    {
      alert: 'PostgresWALArchivingFailing',
      // The archiver retries each WAL file; a failure followed by a success clears it.
      expr: dedent(`
        max by (${by}, pod) (cnpg_pg_stat_archiver_last_failed_time{${sel}})
        > on (${by}, pod)
        max by (${by}, pod) (cnpg_pg_stat_archiver_last_archived_time{${sel}})`),
      for: '5m',
      severity: 'critical',
      team,
      summary: 'PostgreSQL cannot archive WAL to the object store',
      description: `The primary {{ $labels.pod }} of Cluster {{ $labels.${CNPG_CLUSTER_LABEL} }} has failed to archive WAL for 5 minutes: point-in-time recovery stops at the last archived file, and pg_wal fills up.`,
    },
    {
      alert: 'PostgresDiskNearFull',
      expr: dedent(`
        1 - (
          kubelet_volume_stats_available_bytes{namespace="${ns}",persistentvolumeclaim=~"(${pvcs})-[0-9]+(-wal)?"}
          /
          kubelet_volume_stats_capacity_bytes{namespace="${ns}",persistentvolumeclaim=~"(${pvcs})-[0-9]+(-wal)?"}
        ) > ${a.diskUsageRatio}`),
      for: '10m',
      severity: 'warning',
      team,
      summary: `A PostgreSQL volume is more than ${pct(a.diskUsageRatio)} full`,
      description: `PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full (threshold ${pct(a.diskUsageRatio)}); PostgreSQL stops when it runs out.`,
    },
    {
      alert: 'PostgresConnectionsNearLimit',
      expr: dedent(`
        sum by (${by}, pod) (cnpg_backends_total{${sel}})
        /
        max by (${by}, pod) (cnpg_pg_settings_setting{${sel},name="max_connections"} > 0)
        > ${m.thresholds.postgresConnectionsRatio}`),
      for: '5m',
      severity: 'warning',
      team,
      summary: `PostgreSQL connections above ${pct(m.thresholds.postgresConnectionsRatio)} of max_connections`,
      description: `Instance {{ $labels.pod }} of Cluster {{ $labels.${CNPG_CLUSTER_LABEL} }} uses {{ $value | humanizePercentage }} of max_connections (threshold ${pct(m.thresholds.postgresConnectionsRatio)}).`,
    },
  ];
}

/** The series the CloudNativePG rules and dashboard panels read, and what produces them (cloudnative-pg mode). */
export function cnpgSeriesProducers(env: Environment): Producer[] {
  if (!cnpgOf(env)) return [];
  const job = env.config.monitoring.jobs.postgres;
  const instance = `the CloudNativePG instances' exporter (port \`metrics\`, 9187), PodMonitor \`postgres\` (job \`${job}\`)`;
  const queries = `${instance}, from the operator's default monitoring queries`;
  const plugin = `the Barman Cloud plugin, through ${instance}`;
  const kubelet = 'the kubelet\'s volume stats (kube-prometheus-stack scrapes the kubelet)';
  const sel = { selectors: [`job="${job}",namespace="${env.config.namespace}"`], target: job };
  const volumes = { selectors: [`namespace="${env.config.namespace}"`], target: 'kubelet' };
  return [
    { from: 'postgres', metric: 'cnpg_collector_up', producer: instance, presence: sel },
    { from: 'postgres', metric: 'cnpg_pg_replication_in_recovery', producer: queries, presence: sel },
    { from: 'postgres', metric: 'cnpg_pg_replication_streaming_replicas', producer: queries, presence: sel },
    { from: 'postgres', metric: 'cnpg_pg_replication_lag', producer: queries, presence: sel },
    { from: 'postgres', metric: 'cnpg_pg_stat_archiver_last_archived_time', producer: queries, presence: sel },
    { from: 'postgres', metric: 'cnpg_pg_stat_archiver_last_failed_time', producer: queries, presence: sel },
    { from: 'postgres', metric: 'cnpg_backends_total', producer: queries, presence: sel },
    { from: 'postgres', metric: 'cnpg_pg_settings_setting', producer: queries, presence: sel },
    { from: 'postgres', metric: 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', producer: plugin, presence: { absentIsNormal: 'PostgresBackupTooOld fires when no instance reports a backup' } },
    { from: 'postgres', metric: 'barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp', producer: plugin, presence: { absentIsNormal: 'it may exist only after a failed backup' } },
    { from: 'kubelet', metric: 'kubelet_volume_stats_available_bytes', producer: kubelet, presence: volumes },
    { from: 'kubelet', metric: 'kubelet_volume_stats_capacity_bytes', producer: kubelet, presence: volumes },
  ];
}
