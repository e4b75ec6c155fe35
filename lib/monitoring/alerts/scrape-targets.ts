/** Group `pensioen-scrape-targets`: a scrape target the alerts read is missing (MetricsTargetMissing). */
import type { Environment } from '../../config';
import type { AlertRule } from '../rule-types';
import { cnpgOf } from '../../database/names';
import { cacheMetricsServiceLabels } from '../../redis/topology';
import { sel } from './common';

export function scrapeTargetAlerts(env: Environment): AlertRule[] {
  const m = env.config.monitoring;
  const ns = env.config.namespace;
  const t = m.thresholds;
  const backend = sel(m.jobs.backend, ns);
  const redis = sel(m.jobs.redis, ns);
  const postgres = sel(m.jobs.postgres, ns);
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

  return targetRules;
}
