/** Group `pensioen-edge`: the edge's 5xx and 429 shares (empty when the edge exports no metrics we read). */
import type { Environment } from '../../config';
import type { AlertRule } from '../rule-types';
import { edgeMetricsSource, type Share } from '../edge';
import { pct, promql, shortWindow } from './common';

/**
 * The edge's 5xx and 429 shares, from the edge's own metrics (lib/monitoring/edge.ts: which ones follows
 * `edge.kind` and the implementation). Both also over the short window, so a burst that is over does not
 * keep the alert up (as HighErrorRate).
 */
export function edgeAlerts(env: Environment): AlertRule[] {
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

