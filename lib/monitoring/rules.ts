/**
 * The alert rules, grouped as they go into the PrometheusRule `pensioen-alerts`. Every selector names the
 * environment's namespace and the job label its ServiceMonitor sets, so that one Prometheus that watches
 * several environments keeps them apart. Every alert has a `severity` (critical pages, warning tickets),
 * a `team` (who it goes to: docs/alerting.md), the environment's `namespace` (the operator routes an
 * AlertmanagerConfig only alerts of its own namespace) and `summary`, `description` and `runbook_url`
 * annotations; `runbooks/<alert>.md` is its runbook.
 *
 * Adding alerts: put them in a group of `alertGroups` (or a new group there); a group's `team` applies to
 * each of its rules unless the rule sets its own. MetricSeriesMissing then covers every series the new
 * alert reads (add the metric to lib/monitoring/series.ts), and the routing tests cover its route.
 */
import { HANDOVER_KEY, HANDOVER_MARKER_SECONDS } from '../redis/files';
import { cacheMetricsServiceLabels } from '../redis/topology';

/** The cache alerts that make sense for a managed cache (no Sentinel, no primaries to count). */
export const MANAGED_CACHE_ALERTS = ['RedisDown', 'RedisMemoryNearMax', 'RedisEvictionRateHigh', 'RedisRejectedConnections'];
import type { Environment } from '../config';
import { edgeMetricsSource, type Share } from './edge';
import { backendMetrics, leMatcher } from './metrics';
import { BACKEND_HPA } from './names';
import { metricNames, seriesProducers } from './series';
import { sloRuleGroups } from './slo';
import { CNPG_RULE_GROUP, cnpgAlertRules } from './cnpg-rules';
import { cnpgOf } from '../database/names';

export type { AlertRule, Severity, Team } from './rule-types';
import type { AlertRule, Team } from './rule-types';
import { durationSeconds } from './prom-types';


export interface AlertGroup {
  readonly name: string;
  /** Team of the group's rules (a rule may override it). */
  readonly team: Team;
  readonly rules: AlertRule[];
}

/** The labels an alert rule carries: severity, team, the environment's namespace, then its own. */
export function alertLabels(namespace: string, group: { team: Team }, r: AlertRule): Record<string, string> {
  return { severity: r.severity, team: r.team ?? group.team, namespace, ...(r.labels ?? {}) };
}

/** Names of every alert the rules can contain (also the runbook file names). */
export const ALERT_NAMES = [
  'HighErrorRate', 'HighLatencyP95', 'BackendHpaAtMaxReplicas', 'PodCrashLooping', 'PodInitContainerStuck', 'PodNotReady',
  'DatabaseDown', 'PostgresConnectionsNearLimit',
  'RedisDown', 'RedisNoPrimary', 'RedisMultiplePrimaries', 'RedisFailoverHappened', 'RedisMemoryNearMax', 'RedisEvictionRateHigh', 'RedisRejectedConnections',
  'CertificateExpiringSoon', 'MetricsTargetMissing', 'MetricSeriesMissing',
  'EdgeHighErrorRate', 'EdgeRateLimiting',
  'BackendAvailabilityBudgetBurn', 'BackendLatencyBudgetBurn',
  // The heartbeat (lib/monitoring/heartbeat.ts, PrometheusRule pensioen-heartbeat): always firing.
  'Watchdog',
] as const;

export function runbookUrl(m: { readonly runbookBaseUrl: string }, alert: string): string {
  return `${m.runbookBaseUrl.replace(/\/+$/, '')}/${alert}.md`;
}

/** A selector body: `job="backend",namespace="pensioen"`. */
function sel(job: string, ns: string): string {
  return `job="${job}",namespace="${ns}"`;
}

/** Removes the indentation of a multi-line expression (PrometheusRule YAML stays readable). */
function promql(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** The short rate window: four scrapes, at least 2 minutes ("2m", "4m", "150s"). */
export function shortWindow(scrapeInterval: string): string {
  const s = Math.max(120, Math.ceil(4 * durationSeconds(scrapeInterval)));
  return s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

export function alertGroups(env: Environment): AlertGroup[] {
  const c = env.config;
  const m = c.monitoring;
  const ns = c.namespace;
  const t = m.thresholds;
  const backend = sel(m.jobs.backend, ns);
  const redis = sel(m.jobs.redis, ns);
  const postgres = sel(m.jobs.postgres, ns);
  const bm = backendMetrics(m.metrics);
  const req = bm.requestsTotal;
  const pct = (r: number) => `${+(r * 100).toFixed(2)}%`;
  const short = shortWindow(m.scrapeInterval);

  const backendRules: AlertRule[] = [
    {
      alert: 'HighErrorRate',
      // A ratio: 5xx responses over all responses. With no traffic the division is 0/0 = NaN, and NaN is
      // never above the threshold, so an idle backend does not fire. The same ratio over a short window
      // (4 scrapes, at least 2m) must hold too: a 5-minute window alone keeps a 2-minute burst visible for
      // 5 more minutes, long enough to satisfy `for: 5m` after the errors have stopped.
      expr: promql`
        (
          sum by (namespace, job) (rate(${req}{${backend},${bm.statusLabel}=~"5.."}[5m]))
        /
          sum by (namespace, job) (rate(${req}{${backend}}[5m]))
        ) > ${t.errorRatio}
        and on (namespace, job)
        (
          sum by (namespace, job) (rate(${req}{${backend},${bm.statusLabel}=~"5.."}[${short}]))
        /
          sum by (namespace, job) (rate(${req}{${backend}}[${short}]))
        ) > ${t.errorRatio}`,
      for: t.errorRatioFor,
      severity: 'critical',
      summary: `More than ${pct(t.errorRatio)} of backend requests fail with a 5xx status`,
      description: `{{ $value | humanizePercentage }} of the requests to job {{ $labels.job }} in namespace {{ $labels.namespace }} were answered with a 5xx status over the last 5 minutes (threshold ${pct(t.errorRatio)}).`,
    },
    {
      alert: 'HighLatencyP95',
      // A bucket ratio, not histogram_quantile: p95 is above the threshold L exactly when more than 5% of the
      // requests took longer than L, i.e. are not counted in the bucket le=L (a boundary: a config rule). The
      // quantile cannot do this at the top finite bucket: for requests beyond it, histogram_quantile returns
      // the bucket's bound, which is never above it. With no traffic the ratio is 0/0 = NaN: silent.
      expr: promql`
        (
          1 - (
            sum by (namespace, job) (rate(${bm.requestDuration}_bucket{${backend},${leMatcher(t.latencyP95Seconds)}}[5m]))
          /
            sum by (namespace, job) (rate(${bm.requestDuration}_count{${backend}}[5m]))
          )
        ) > 0.05`,
      for: t.latencyFor,
      severity: 'warning',
      summary: `Backend p95 latency above ${t.latencyP95Seconds}s`,
      description: `{{ $value | humanizePercentage }} of the requests to job {{ $labels.job }} in namespace {{ $labels.namespace }} took longer than ${t.latencyP95Seconds}s over the last 5 minutes: the 95th percentile is above the threshold of ${t.latencyP95Seconds}s.`,
    },
  ];
  if (c.backend.autoscaling.enabled) {
    const hpa = `namespace="${ns}",horizontalpodautoscaler="${BACKEND_HPA}"`;
    backendRules.push({
      alert: 'BackendHpaAtMaxReplicas',
      expr: promql`
        kube_horizontalpodautoscaler_status_current_replicas{${hpa}}
          >= on (namespace, horizontalpodautoscaler)
        kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`,
      for: t.hpaMaxedFor,
      severity: 'warning',
      summary: 'The backend HPA has been at its maximum replicas for a long time',
      description: `HPA {{ $labels.horizontalpodautoscaler }} in namespace {{ $labels.namespace }} has run {{ $value }} replicas, its maxReplicas (${c.backend.autoscaling.maxReplicas}), for ${t.hpaMaxedFor}: it cannot scale out further.`,
    });
  }

  const kubernetesRules: AlertRule[] = [
    {
      alert: 'PodCrashLooping',
      expr: promql`
        max_over_time(kube_pod_container_status_waiting_reason{namespace="${ns}",reason="CrashLoopBackOff"}[5m]) >= 1`,
      for: '15m',
      severity: 'warning',
      summary: 'A container is crash-looping',
      description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes.',
    },
    {
      alert: 'PodInitContainerStuck',
      // PodCrashLooping reads app containers only: an init container that crash-loops, cannot pull its image
      // or keeps running (wait-for-schema while the database is behind the image) is seen here. Waiting
      // behind an earlier init container (PodInitializing) is not stuck; max_over_time bridges the moments
      // between a failed run and its CrashLoopBackOff.
      expr: promql`
        max by (namespace, pod, container) (
          max_over_time(kube_pod_init_container_status_waiting_reason{namespace="${ns}",reason!="PodInitializing"}[5m])
          or
          max_over_time(kube_pod_init_container_status_running{namespace="${ns}"}[5m])
        ) == 1`,
      for: '15m',
      severity: 'warning',
      summary: 'A pod has been stuck in an init container for 15 minutes',
      description: 'Init container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been running or waiting (crash loop, image pull) for 15 minutes: the pod cannot start. wait-for-schema: the database is behind the image\'s migrations (did the migration Job fail?).',
    },
    {
      alert: 'PodNotReady',
      // Only pods that should be serving: Pending, Running or Unknown (a Succeeded Job pod is never ready).
      expr: promql`
        sum by (namespace, pod) (kube_pod_status_ready{namespace="${ns}",condition=~"false|unknown"}) > 0
        and on (namespace, pod)
        sum by (namespace, pod) (kube_pod_status_phase{namespace="${ns}",phase=~"Pending|Running|Unknown"}) > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'A pod has not been ready for 15 minutes',
      description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 15 minutes: it gets no traffic.',
    },
  ];

  const postgresRules: AlertRule[] = [
    {
      alert: 'DatabaseDown',
      // up == 0: postgres_exporter cannot be scraped; pg_up == 0: it runs but cannot reach PostgreSQL.
      expr: promql`
        min by (namespace, job) (up{${postgres}}) == 0
        or
        min by (namespace, job) (pg_up{${postgres}}) == 0`,
      for: '1m',
      severity: 'critical',
      summary: 'PostgreSQL is unreachable (or its exporter is down)',
      description: 'Job {{ $labels.job }} in namespace {{ $labels.namespace }}: postgres_exporter is down or cannot connect to the managed PostgreSQL (up or pg_up is 0 for 1 minute).',
    },
    {
      alert: 'PostgresConnectionsNearLimit',
      expr: promql`
        sum by (namespace, job) (pg_stat_activity_count{${postgres}})
        /
        max by (namespace, job) (pg_settings_max_connections{${postgres}} > 0)
        > ${t.postgresConnectionsRatio}`,
      for: '5m',
      severity: 'warning',
      summary: `PostgreSQL connections above ${pct(t.postgresConnectionsRatio)} of max_connections`,
      description: `{{ $value | humanizePercentage }} of PostgreSQL's max_connections are in use (threshold ${pct(t.postgresConnectionsRatio)}); new connections will soon be refused. The backend's pool allows ${c.backend.databasePool.size + c.backend.databasePool.maxOverflow} connections per pod.`,
    },
  ];

  const redisRules: AlertRule[] = [
    {
      alert: 'RedisDown',
      // up == 0: the redis_exporter sidecar cannot be scraped; redis_up == 0: it cannot reach its Redis.
      expr: promql`
        min by (namespace, job, pod) (up{${redis}}) == 0
        or
        min by (namespace, job, pod) (redis_up{${redis}}) == 0`,
      for: '1m',
      severity: 'critical',
      summary: 'A Redis instance is down',
      description: 'Redis in pod {{ $labels.namespace }}/{{ $labels.pod }} (job {{ $labels.job }}) has been unreachable for 1 minute.',
    },
    {
      alert: 'RedisNoPrimary',
      expr: promql`
        count by (namespace) (redis_up{${redis}} == 1)
        unless on (namespace)
        count by (namespace) (redis_instance_info{${redis},role="master"})`,
      for: '1m',
      severity: 'critical',
      summary: 'Redis has no primary',
      description: `Redis instances in namespace {{ $labels.namespace }} run, but none has been primary for 1 minute: Sentinel (master name "${c.redis.masterName}") did not promote a replica, so writes fail.`,
    },
    {
      alert: 'RedisMultiplePrimaries',
      expr: promql`
        count by (namespace) (redis_instance_info{${redis},role="master"}) > 1`,
      for: '2m',
      severity: 'critical',
      summary: 'More than one Redis instance is primary (split brain)',
      description: '{{ $value }} Redis instances in namespace {{ $labels.namespace }} report role master for 2 minutes: writes go to different primaries and will be lost when Sentinel reconciles.',
    },
    {
      alert: 'RedisFailoverHappened',
      // More than one pod was primary within the last 10 minutes: Sentinel promoted a replica. Counted per
      // pod, so a primary that restarts and stays primary is no failover. A planned hand-over (the primary's
      // preStop: rolling update, drain) sets the key ${HANDOVER_KEY} (unix time, expires after
      // ${HANDOVER_MARKER_SECONDS} s) that redis_exporter exports as redis_key_value: a failover within 10 minutes
      // of such a marker is planned and does not alert.
      expr: promql`
        count by (namespace) (
          count by (namespace, pod) (max_over_time(redis_instance_info{${redis},role="master"}[10m]))
        ) > 1
        unless on (namespace)
        count by (namespace) (max_over_time(redis_key_value{${redis},key="${HANDOVER_KEY}"}[10m]) > time() - ${HANDOVER_MARKER_SECONDS})`,
      labels: { team: 'database' },
      severity: 'warning',
      summary: 'Sentinel failed Redis over to another primary',
      description: `{{ $value }} different pods in namespace {{ $labels.namespace }} were Redis primary (master name "${c.redis.masterName}") within the last 10 minutes without a planned hand-over (preStop): an unplanned failover happened. Find out why the old primary failed.`,
    },
    ...(c.redis.maxmemoryPolicy.startsWith('allkeys-') ? [{
      alert: 'RedisEvictionRateHigh',
      // With allkeys-* a full cache is normal (it evicts the least useful keys): what hurts is evicting so much
      // that the cache thrashes. redis_evicted_keys_total counts keys removed for maxmemory.
      expr: promql`
        sum by (namespace, job, pod) (rate(redis_evicted_keys_total{${redis}}[${short}])) > ${t.redisEvictionsPerSecond}`,
      for: '15m',
      severity: 'warning' as const,
      labels: { team: 'database' },
      summary: `Redis evicts more than ${t.redisEvictionsPerSecond} keys per second`,
      description: `Redis in pod {{ $labels.namespace }}/{{ $labels.pod }} has evicted {{ $value | humanize }} keys/s for 15 minutes (maxmemory ${c.redis.mode === 'managed' ? 'of the managed cache' : c.redis.maxmemory}, policy ${c.redis.maxmemoryPolicy}): the cache is too small for the working set.`,
    }] : [{
      alert: 'RedisMemoryNearMax',
      // Only when maxmemory is set (redis_memory_max_bytes > 0); otherwise the ratio would be +Inf. Only with a
      // policy under which a full Redis fails writes (noeviction, volatile-* without volatile keys).
      expr: promql`
        redis_memory_used_bytes{${redis}}
        / on (namespace, job, pod, instance)
        (redis_memory_max_bytes{${redis}} > 0)
        > ${t.redisMemoryRatio}`,
      for: '5m',
      severity: 'warning' as const,
      labels: { team: 'database' },
      summary: `Redis uses more than ${pct(t.redisMemoryRatio)} of maxmemory`,
      description: `Redis in pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of maxmemory (${c.redis.maxmemory}, policy ${c.redis.maxmemoryPolicy}): when it is full, writes fail (OOM command not allowed).`,
    }]),
    {
      alert: 'RedisRejectedConnections',
      expr: promql`
        increase(redis_rejected_connections_total{${redis}}[5m]) > 0`,
      severity: 'warning',
      summary: 'Redis rejects connections',
      description: 'Redis in pod {{ $labels.namespace }}/{{ $labels.pod }} rejected {{ $value | humanize }} connections in the last 5 minutes (maxclients reached).',
    },
  ];

  const days = t.certificateExpiryDays;
  const certificateRules: AlertRule[] = [
    {
      alert: 'CertificateExpiringSoon',
      // cert-manager exports 0 for a certificate that was never issued: those are left out (> 0). The
      // certificate's namespace is `exported_namespace` unless cert-manager is scraped with honorLabels.
      expr: promql`
        (
          certmanager_certificate_expiration_timestamp_seconds{exported_namespace="${ns}"} > 0
          or
          certmanager_certificate_expiration_timestamp_seconds{namespace="${ns}"} > 0
        ) - time() < ${days} * 86400`,
      for: '1h',
      severity: 'warning',
      summary: `A TLS certificate expires within ${days} days`,
      description: `Certificate {{ $labels.name }} expires in {{ $value | humanizeDuration }}. cert-manager renews 30 days ahead, so renewal is failing: check the Certificate, its CertificateRequest and the ACME challenge.`,
    },
  ];

  const missing = (what: string, selector: string, target: string): AlertRule => ({
    alert: 'MetricsTargetMissing',
    expr: `absent(${what}{${selector}})`,
    for: t.targetMissingFor,
    severity: m.absentSeverity,
    labels: { target },
    summary: `Prometheus scrapes no ${target} target`,
    description: `No ${what}{${selector}} series for ${t.targetMissingFor}: Prometheus does not scrape ${target}, so the alerts that read it can never fire.`,
  });
  const targetRules: AlertRule[] = [
    missing('up', backend, m.jobs.backend),
    ...(cacheMetricsServiceLabels(env) ? [missing('up', redis, m.jobs.redis)] : []),
    ...(cnpgOf(env) || m.postgresExporter.enabled ? [missing('up', postgres, m.jobs.postgres)] : []),
    missing('kube_pod_status_phase', `namespace="${ns}"`, 'kube-state-metrics'),
  ];

  const edgeRules = edgeAlerts(env);

  // The groups of the PrometheusRule `pensioen-alerts`. New groups go here; MetricSeriesMissing is derived
  // from all of them (and from the SLO rules), so it stays last.
  const groups: AlertGroup[] = [
    { name: 'pensioen-backend', team: 'platform', rules: backendRules },
    { name: 'pensioen-kubernetes', team: 'platform', rules: kubernetesRules },
    // With CloudNativePG the database alerts read the instances' own metrics (lib/monitoring/cnpg-rules.ts);
    // DatabaseDown and PostgresConnectionsNearLimit keep their names and meaning.
    // Managed without postgres_exporter: nothing scrapes PostgreSQL, so no rule reads it.
    ...(cnpgOf(env)
      ? [{ name: CNPG_RULE_GROUP, team: 'database' as const, rules: cnpgAlertRules(env) }]
      : c.monitoring.postgresExporter.enabled ? [{ name: 'pensioen-postgres', team: 'database' as const, rules: postgresRules }] : []),
    // A managed cache fails over by itself (no Sentinel, no primary to count): the connection, memory and
    // eviction alerts stay while an exporter watches it; with the cloud's metrics, the cloud's alarms instead.
    ...(cacheMetricsServiceLabels(env) ? [{ name: 'pensioen-redis', team: 'platform' as const, rules: c.redis.mode === 'managed' ? redisRules.filter((r) => MANAGED_CACHE_ALERTS.includes(r.alert)) : redisRules }] : []),
    { name: 'pensioen-certificates', team: 'platform', rules: certificateRules },
    ...(edgeRules.length ? [{ name: 'pensioen-edge', team: 'platform' as const, rules: edgeRules }] : []),
    { name: 'pensioen-scrape-targets', team: 'platform', rules: targetRules },
  ];
  groups.push({ name: 'pensioen-series-missing', team: 'platform', rules: seriesMissingRules(env, groups) });
  return groups;
}

/**
 * The edge's 5xx and 429 shares, from the edge's own metrics (lib/monitoring/edge.ts: which ones follows
 * `edge.kind` and the implementation). Both also over the short window, so a burst that is over does not
 * keep the alert up (as HighErrorRate).
 */
function edgeAlerts(env: Environment): AlertRule[] {
  const src = edgeMetricsSource(env);
  if (!src) return [];
  const e = env.config.monitoring.edge;
  const short = shortWindow(env.config.monitoring.scrapeInterval);
  const ratio = (sh: Share, threshold: number) => promql`
    (
      ${sh.part('5m')}
    /
      ${sh.whole('5m')}
    ) > ${threshold}
    and on (${sh.edgeLabel})
    (
      ${sh.part(short)}
    /
      ${sh.whole(short)}
    ) > ${threshold}`;
  const pct = (r: number) => `${+(r * 100).toFixed(2)}%`;
  return [
    {
      alert: 'EdgeHighErrorRate',
      expr: ratio(src.errors, e.errorRatio),
      for: e.for,
      severity: 'critical',
      summary: `More than ${pct(e.errorRatio)} of the responses at an edge are 5xx`,
      description: `{{ $value | humanizePercentage }} of the responses of ${src.errors.what} {{ $labels.${src.errors.edgeLabel} }} (${src.id}) were 5xx over the last 5 minutes (threshold ${pct(e.errorRatio)}). 502/503/504 with no backend errors mean the edge cannot reach the backend.`,
    },
    {
      alert: 'EdgeRateLimiting',
      expr: ratio(src.rateLimited, e.rateLimitedRatio),
      for: e.for,
      severity: 'warning',
      team: 'security',
      summary: `More than ${pct(e.rateLimitedRatio)} of the requests at an edge are rate limited (429)`,
      description: `{{ $value | humanizePercentage }} of the requests to ${src.rateLimited.what} {{ $labels.${src.rateLimited.edgeLabel} }} (${src.id}) were refused with 429 over the last 5 minutes (threshold ${pct(e.rateLimitedRatio)}): abuse, or every client shares one bucket because the edge does not see real client IPs.`,
    },
  ];
}

/**
 * MetricSeriesMissing: one absent() alert per series that an alert (or an SLO recording rule) reads, so a
 * renamed metric or a broken scrape pages instead of leaving those alerts silently empty.
 */
function seriesMissingRules(env: Environment, groups: AlertGroup[]): AlertRule[] {
  const m = env.config.monitoring;
  const read = new Set<string>();
  for (const g of groups) for (const r of g.rules) metricNames(r.expr).forEach((n) => read.add(n));
  for (const g of sloRuleGroups(env)) for (const r of g.recording) metricNames(r.expr).forEach((n) => read.add(n));
  const rules: AlertRule[] = [];
  for (const p of seriesProducers(env)) {
    if (!read.has(p.metric) || !('selectors' in p.presence)) continue;
    const [first, ...alternatives] = p.presence.selectors;
    const expr = [`absent(${p.metric}{${first}})`, ...alternatives.map((sl) => `absent(${p.metric}{${sl}})`)].join('\nand on ()\n');
    rules.push({
      alert: 'MetricSeriesMissing',
      expr,
      for: m.thresholds.targetMissingFor,
      severity: m.absentSeverity,
      labels: { metric: p.metric, target: p.presence.target },
      summary: `No ${p.metric} series: the alerts that read it cannot fire`,
      description: `Prometheus has had no ${p.metric}{${p.presence.selectors.join('} or {')}} series for ${m.thresholds.targetMissingFor}. Produced by ${p.producer.replace(/`/g, '')}. A renamed metric, a changed label or a broken scrape: every alert that reads it is blind.`,
    });
  }
  return rules;
}
