/**
 * The alert rules, grouped as they go into the PrometheusRule `pensioen-alerts`. Every selector names the
 * environment's namespace and the job label its ServiceMonitor sets, so that one Prometheus that watches
 * several environments keeps them apart. Every alert has a `severity` (critical pages, warning tickets),
 * a `team` (who it goes to: docs/alerting.md), the environment's `namespace` (the operator routes an
 * AlertmanagerConfig only alerts of its own namespace) and `summary`, `description` and `runbook_url`
 * annotations; `runbooks/<alert>.md` is its runbook.
 *
 * Each group is a file of lib/monitoring/alerts/ (shared helpers: alerts/common.ts); `alertGroups` puts them in
 * order. Adding alerts: put them in the file of their group (or add a group file and list it in `alertGroups`); a
 * group's `team` applies to each of its rules unless the rule sets its own. MetricSeriesMissing then covers every series the new
 * alert reads (add the metric to lib/monitoring/series.ts), and the routing tests cover its route.
 */
import type { Environment } from '../config';
import { cnpgOf } from '../database/names';
import { cacheMetricsServiceLabels } from '../redis/topology';
import { CNPG_RULE_GROUP, cnpgAlertRules } from './cnpg-rules';
import type { AlertRule, Team } from './rule-types';
import type { AlertGroup } from './alerts/common';
import { backendAlerts } from './alerts/backend';
import { kubernetesAlerts } from './alerts/kubernetes';
import { postgresAlerts } from './alerts/postgres';
import { redisAlerts } from './alerts/redis';
import { certificateAlerts } from './alerts/certificates';
import { cacheTlsAlerts } from './alerts/cache-tls';
import { edgeAlerts } from './alerts/edge';
import { scrapeTargetAlerts } from './alerts/scrape-targets';
import { seriesMissingAlerts } from './alerts/series-missing';

export type { AlertRule, Severity, Team } from './rule-types';
export type { AlertGroup } from './alerts/common';

/** The labels an alert rule carries: severity, team, the environment's namespace, then its own. */
export function alertLabels(namespace: string, group: { team: Team }, r: AlertRule): Record<string, string> {
  return { severity: r.severity, team: r.team ?? group.team, namespace, ...(r.labels ?? {}) };
}

/** Names of every alert the rules can contain (also the runbook file names). */
export const ALERT_NAMES = [
  'HighErrorRate', 'HighLatencyP95', 'BackendHpaAtMaxReplicas', 'PodCrashLooping', 'PodInitContainerStuck', 'PodNotReady',
  'DatabaseDown', 'PostgresConnectionsNearLimit',
  'RedisDown', 'RedisNoPrimary', 'RedisMultiplePrimaries', 'RedisFailoverHappened', 'RedisMemoryNearMax', 'RedisEvictionRateHigh', 'RedisRejectedConnections',
  'RedisTlsCertificateNotLoaded',
  'CertificateExpiringSoon', 'MetricsTargetMissing', 'MetricSeriesMissing',
  'EdgeHighErrorRate', 'EdgeRateLimiting',
  'BackendAvailabilityBudgetBurn', 'BackendLatencyBudgetBurn',
  // The heartbeat (lib/monitoring/heartbeat.ts, PrometheusRule pensioen-heartbeat): always firing.
  'Watchdog',
] as const;

export function runbookUrl(m: { readonly runbookBaseUrl: string }, alert: string): string {
  return `${m.runbookBaseUrl.replace(/\/+$/, '')}/${alert}.md`;
}

export function alertGroups(env: Environment): AlertGroup[] {
  const c = env.config;
  const edgeRules = edgeAlerts(env);
  const cacheTlsRules = cacheTlsAlerts(env);

  // The groups of the PrometheusRule `pensioen-alerts`. New groups go here; MetricSeriesMissing is derived
  // from all of them (and from the SLO rules), so it stays last.
  const groups: AlertGroup[] = [
    { name: 'pensioen-backend', team: 'platform', rules: backendAlerts(env) },
    { name: 'pensioen-kubernetes', team: 'platform', rules: kubernetesAlerts(env) },
    // With CloudNativePG the database alerts read the instances' own metrics (lib/monitoring/cnpg-rules.ts);
    // DatabaseDown and PostgresConnectionsNearLimit keep their names and meaning.
    // Managed without postgres_exporter: nothing scrapes PostgreSQL, so no rule reads it.
    ...(cnpgOf(env)
      ? [{ name: CNPG_RULE_GROUP, team: 'database' as const, rules: cnpgAlertRules(env) }]
      : c.monitoring.postgresExporter.enabled ? [{ name: 'pensioen-postgres', team: 'database' as const, rules: postgresAlerts(env) }] : []),
    // A managed cache fails over by itself (no Sentinel, no primary to count): the connection, memory and
    // eviction alerts stay while an exporter watches it; with the cloud's metrics, the cloud's alarms instead.
    ...(cacheMetricsServiceLabels(env) ? [{ name: 'pensioen-redis', team: 'platform' as const, rules: redisAlerts(env) }] : []),
    // With redis.tls: the cache pods still serve a certificate cert-manager has already renewed.
    ...(cacheTlsRules.length ? [{ name: 'pensioen-cache-tls', team: 'platform' as const, rules: cacheTlsRules }] : []),
    { name: 'pensioen-certificates', team: 'platform', rules: certificateAlerts(env) },
    ...(edgeRules.length ? [{ name: 'pensioen-edge', team: 'platform' as const, rules: edgeRules }] : []),
    { name: 'pensioen-scrape-targets', team: 'platform', rules: scrapeTargetAlerts(env) },
  ];
  groups.push({ name: 'pensioen-series-missing', team: 'platform', rules: seriesMissingAlerts(env, groups) });
  return groups;
}
