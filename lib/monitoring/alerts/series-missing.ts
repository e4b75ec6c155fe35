/** Group `pensioen-series-missing`, derived from every other group (and the SLO rules): so it comes last. */
import type { Environment } from '../../config';
import type { AlertRule } from '../rule-types';
import { metricNames, seriesProducers } from '../series';
import { sloRuleGroups } from '../slo';
import type { AlertGroup } from './common';

/**
 * MetricSeriesMissing: one absent() alert per series that an alert (or an SLO recording rule) reads, so a
 * renamed metric or a broken scrape pages instead of leaving those alerts silently empty.
 */
export function seriesMissingAlerts(env: Environment, groups: AlertGroup[]): AlertRule[] {
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
