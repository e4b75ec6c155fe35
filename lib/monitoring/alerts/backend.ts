/** Group `pensioen-backend`: the API's errors and latency, and an autoscaler stuck at its maximum. */
import type { Environment } from '../../config';
import type { AlertRule } from '../rule-types';
import { backendMetrics, leMatcher } from '../metrics';
import { BACKEND_HPA } from '../names';
import { pct, promql, sel, shortWindow } from './common';

export function backendAlerts(env: Environment): AlertRule[] {
  const c = env.config;
  const m = c.monitoring;
  const ns = c.namespace;
  const t = m.thresholds;
  const backend = sel(m.jobs.backend, ns);
  const bm = backendMetrics(m.metrics);
  const req = bm.requestsTotal;
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

  return backendRules;
}
