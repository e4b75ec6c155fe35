/**
 * What CloudNativePG's admission webhook (v1.30) refuses, as config rules: the operator would reject the
 * `Cluster` or `ScheduledBackup` at apply time, long after synth said yes. Ported from upstream
 * cloudnative-pg v1.30.0:
 *
 * - `internal/webhook/v1/cluster_webhook.go`: `validateName` (DNS-1035 label, at most 50 characters),
 *   `validateConfiguration` (fixed and blocked parameters, `wal_level`, the boolean parameters it parses,
 *   `wal_log_hints` with more than one instance, `shared_buffers`, `min_wal_size` < `max_wal_size` < WAL volume);
 * - `pkg/postgres/configuration.go`: `FixedConfigurationParameters` (the operator sets these itself or forbids them);
 * - `pkg/postgres/booleans.go`: `ParsePostgresConfigBoolean` (what counts as a PostgreSQL boolean);
 * - `internal/webhook/v1/scheduledbackup_webhook.go`: the schedule must parse with github.com/robfig/cron v1.2.0
 *   (`cron.Parse`: seconds first), ported in ./cron.ts.
 */
import { parseQuantity } from '../k8s/quantity';

/** FixedConfigurationParameters of CloudNativePG 1.30: "fixed" ones the operator sets, "blocked" ones it forbids. */
export const CNPG_FIXED_PARAMETERS: Readonly<Record<string, 'fixed' | 'blocked'>> = {
  allow_system_table_mods: 'blocked', archive_mode: 'fixed', bonjour: 'blocked', bonjour_name: 'blocked',
  cluster_name: 'fixed', config_file: 'blocked', data_directory: 'blocked', data_sync_retry: 'blocked',
  event_source: 'blocked', external_pid_file: 'blocked', hba_file: 'blocked', hot_standby: 'blocked',
  ident_file: 'blocked', jit_provider: 'blocked', listen_addresses: 'blocked', logging_collector: 'blocked',
  port: 'fixed', primary_conninfo: 'fixed', primary_slot_name: 'fixed', recovery_target: 'fixed',
  recovery_target_action: 'fixed', recovery_target_inclusive: 'fixed', recovery_target_lsn: 'fixed',
  recovery_target_name: 'fixed', recovery_target_time: 'fixed', recovery_target_timeline: 'fixed',
  recovery_target_xid: 'fixed', restore_command: 'fixed', shared_preload_libraries: 'fixed', temp_tablespaces: 'fixed',
  unix_socket_directories: 'blocked', unix_socket_group: 'blocked', unix_socket_permissions: 'blocked',
  archive_cleanup_command: 'blocked', archive_command: 'fixed', log_destination: 'blocked', log_directory: 'blocked',
  log_file_mode: 'blocked', log_filename: 'blocked', log_rotation_age: 'blocked', log_rotation_size: 'blocked',
  log_truncate_on_rotation: 'blocked', 'pg_failover_slots.primary_dsn': 'fixed', 'pg_failover_slots.standby_slot_names': 'fixed',
  promote_trigger_file: 'blocked', recovery_end_command: 'blocked', recovery_min_apply_delay: 'blocked',
  restart_after_crash: 'blocked', ssl: 'fixed', ssl_ca_file: 'fixed', ssl_cert_file: 'fixed', ssl_crl_file: 'fixed',
  ssl_dh_params_file: 'fixed', ssl_ecdh_curve: 'fixed', ssl_key_file: 'fixed', ssl_passphrase_command: 'fixed',
  ssl_passphrase_command_supports_reload: 'fixed', ssl_prefer_server_ciphers: 'fixed', stats_temp_directory: 'blocked',
  synchronous_standby_names: 'fixed', synchronized_standby_slots: 'fixed', syslog_facility: 'blocked',
  syslog_ident: 'blocked', syslog_sequence_numbers: 'blocked', syslog_split_messages: 'blocked',
};

/** Parameters the webhook parses as PostgreSQL booleans. */
export const CNPG_BOOLEAN_PARAMETERS = ['hot_standby_feedback', 'sync_replication_slots', 'wal_log_hints'] as const;

/** ParsePostgresConfigBoolean: the spellings PostgreSQL (and the webhook) take for a boolean, any case. */
export function postgresBoolean(v: string): boolean | undefined {
  const s = v.toLowerCase();
  if (['1', 'on', 'y', 'ye', 'yes', 't', 'tr', 'tru', 'true'].includes(s)) return true;
  if (['0', 'of', 'off', 'n', 'no', 'f', 'fa', 'fal', 'fals', 'false'].includes(s)) return false;
  return undefined;
}

/** parsePostgresQuantityValue: a PostgreSQL memory size (bare number = MB; units kB, MB, GB, TB) in bytes; NaN when invalid. */
export function postgresBytes(v: string): number {
  let s = /^\d+$/.test(v) ? `${v}MB` : v;
  if (!s.endsWith('B')) return NaN;
  s = s.slice(0, -1).replace(/ /g, '');
  if (!/^\d+$/.test(s)) s = `${s}i`.replace('ki', 'Ki');
  return parseQuantity(s);
}

/** A DNS-1035 label: what CloudNativePG's validateName requires of a Cluster name (plus at most 50 characters). */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const CNPG_MAX_CLUSTER_NAME = 50;

export function clusterNameProblem(name: string): string | undefined {
  if (!DNS1035_LABEL.test(name)) return `"${name}" is not a DNS-1035 label, which CloudNativePG requires of a Cluster name (allowed: lower-case letters, digits and "-", starting with a letter and ending with a letter or digit)`;
  if (name.length > CNPG_MAX_CLUSTER_NAME) return `"${name}" has ${name.length} characters; CloudNativePG allows at most ${CNPG_MAX_CLUSTER_NAME} in a Cluster name`;
  return undefined;
}

/** One problem of `parameters`, at the parameter's key. */
export interface ParameterProblem { readonly key: string; readonly message: string }

/**
 * What validateConfiguration refuses in `spec.postgresql.parameters` for a Cluster of `instances` (> 1 here)
 * with WAL archiving on (the plugin archives), and a WAL volume of `walVolumeBytes`.
 */
export function parameterProblems(parameters: Record<string, string>, instances: number, walVolumeBytes: number): ParameterProblem[] {
  const out: ParameterProblem[] = [];
  for (const key of Object.keys(parameters)) {
    const fixed = CNPG_FIXED_PARAMETERS[key];
    if (fixed === 'fixed') out.push({ key, message: `is set by CloudNativePG itself; its webhook refuses the Cluster ("Can't set fixed configuration parameter") (allowed: leave it out${key === 'shared_preload_libraries' ? '; extensions are loaded through the Cluster\'s own settings' : ''})` });
    if (fixed === 'blocked') out.push({ key, message: 'is blocked by CloudNativePG (the operator manages the files, sockets and logging of the instances); its webhook refuses the Cluster (allowed: leave it out)' });
  }
  const walLevel = parameters.wal_level;
  if (walLevel !== undefined) {
    if (!['logical', 'replica', 'minimal'].includes(walLevel)) {
      out.push({ key: 'wal_level', message: `"${walLevel}" is not a wal_level (allowed: replica, logical)` });
    } else if (walLevel === 'minimal') {
      out.push({ key: 'wal_level', message: `"minimal" cannot stream to replicas or archive WAL, and this Cluster has ${instances} instances and archives WAL (allowed: replica, logical)` });
    }
  }
  for (const key of CNPG_BOOLEAN_PARAMETERS) {
    const v = parameters[key];
    if (v === undefined) continue;
    const b = postgresBoolean(v);
    if (b === undefined) out.push({ key, message: `"${v}" is not a PostgreSQL boolean (allowed: on, off, true, false, yes, no, 1, 0)` });
    else if (key === 'wal_log_hints' && !b && instances > 1) out.push({ key, message: `must be on with more than one instance (${instances}): pg_rewind needs it to bring a former primary back` });
  }
  const sb = parameters.shared_buffers;
  if (sb !== undefined && !(postgresBytes(sb) >= 0)) out.push({ key: 'shared_buffers', message: `"${sb}" is not a PostgreSQL memory size (allowed: e.g. 256MB, 1GB, or a number of MB)` });
  const min = parameters.min_wal_size ?? '80MB';
  const max = parameters.max_wal_size ?? '1GB';
  const minB = postgresBytes(min);
  const maxB = postgresBytes(max);
  if (parameters.min_wal_size !== undefined && !(minB >= 0)) out.push({ key: 'min_wal_size', message: `"${min}" is not a PostgreSQL size (allowed: e.g. 80MB, 1GB)` });
  if (parameters.max_wal_size !== undefined && !(maxB >= 0)) out.push({ key: 'max_wal_size', message: `"${max}" is not a PostgreSQL size (allowed: e.g. 1GB, 4GB)` });
  if (minB > 0 && maxB > 0 && minB >= maxB) out.push({ key: 'min_wal_size', message: `(${min}) must be smaller than max_wal_size (${max})` });
  for (const [key, v, b] of [['min_wal_size', parameters.min_wal_size, minB], ['max_wal_size', parameters.max_wal_size, maxB]] as const) {
    if (v !== undefined && b > 0 && walVolumeBytes > 0 && b >= walVolumeBytes) out.push({ key, message: `(${v}) must be smaller than the WAL volume (walStorage.size)` });
  }
  return out;
}
