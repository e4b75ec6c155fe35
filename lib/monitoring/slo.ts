/**
 * SLOs as configuration (`monitoring.slo`): recording rules of the error ratio over every window the alerts
 * need, and multi-window, multi-burn-rate alerts as in the Google SRE workbook ("Alerting on SLOs", the
 * sixth iteration): page when 2% of the budget is spent in 1 hour (14.4x over 1h and 5m) or 5% in 6 hours
 * (6x over 6h and 30m); ticket when 10% is spent in 1 day (3x over 1d and 2h) or in 3 days (1x over 3d
 * and 6h). The factors follow from those budget shares and the SLO window (30d: exactly 14.4, 6, 3, 1).
 * Everything goes into the PrometheusRule `pensioen-slo`.
 */
import type { EnvConfig } from '../config';
import { durationSeconds } from './prom-types';
import { backendMetrics, leMatcher } from './metrics';
import type { AlertRule } from './rule-types';

/** What the SLO rules read: `monitoring` (jobs, metric names, objectives) and the namespace; an `Environment` is one. */
export type SloEnv = { readonly config: Pick<EnvConfig, 'monitoring' | 'namespace'> };

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
}

export interface SloRuleGroup {
  readonly name: string;
  /** Evaluation interval of the group; omitted: Prometheus's global one. */
  readonly interval?: string;
  readonly recording: RecordingRule[];
  readonly alerts: AlertRule[];
}

export type SloName = 'availability' | 'latency';

/** The rule group of one SLO's recording rules and burn-rate alerts in PrometheusRule `pensioen-slo`. */
export const sloGroupName = (name: SloName): string => `pensioen-slo-${name}`;

export interface BurnWindow {
  readonly severity: 'critical' | 'warning';
  readonly long: string;
  readonly short: string;
  /** Share of the whole error budget that this burn spends within `long`. */
  readonly budgetShare: number;
}

/** The SRE workbook's table: two page and two ticket conditions. */
export const BURN_WINDOWS: readonly BurnWindow[] = [
  { severity: 'critical', long: '1h', short: '5m', budgetShare: 0.02 },
  { severity: 'critical', long: '6h', short: '30m', budgetShare: 0.05 },
  { severity: 'warning', long: '1d', short: '2h', budgetShare: 0.1 },
  { severity: 'warning', long: '3d', short: '6h', budgetShare: 0.1 },
];

/** Every window a recording rule exists for (short and long windows of the alerts). */
export const RATE_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

export const SLO_ALERT = { availability: 'BackendAvailabilityBudgetBurn', latency: 'BackendLatencyBudgetBurn' } as const;
export const ERROR_RATIO = 'namespace_job:slo_errors_per_request:ratio_rate';
export const OBJECTIVE = 'namespace_job:slo_objective:ratio';
export const BUDGET_REMAINING = 'namespace_job:slo_error_budget_remaining:ratio';

/** The burn-rate factor of a condition for an SLO window: budget share x window / long window. */
export function burnFactor(w: BurnWindow, sloWindow: string): number {
  return +(w.budgetShare * durationSeconds(sloWindow) / durationSeconds(w.long)).toFixed(4);
}

/** A compact human duration: 43m12s, 2d2h. */
export function humanDuration(seconds: number): string {
  const parts: string[] = [];
  let s = Math.round(seconds);
  for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= n) { parts.push(`${Math.floor(s / n)}${u}`); s %= n; }
  }
  return parts.join('') || '0s';
}

const pct = (r: number) => `${+(r * 100).toFixed(4)}%`;
const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');

export interface SloDef {
  readonly name: SloName;
  readonly objective: number;
  readonly what: string;
  /** The error ratio over a window. */
  errorRatio(window: string): string;
}

export function slos(env: SloEnv): SloDef[] {
  const c = env.config;
  const m = c.monitoring;
  const s = m.slo;
  const bm = backendMetrics(m.metrics);
  const excluded = s.excludeHandlers.length ? `,${bm.handlerLabel}!~"${s.excludeHandlers.map(regexEscape).join('|')}"` : '';
  const sel = `job="${m.jobs.backend}",namespace="${c.namespace}"${excluded}`;
  const out: SloDef[] = [];
  if (s.availability.enabled) {
    out.push({
      name: 'availability',
      objective: s.availability.objective,
      what: 'API responses that are not 5xx',
      errorRatio: (w) => [
        `sum by (namespace, job) (rate(${bm.requestsTotal}{${sel},${bm.statusLabel}=~"5.."}[${w}]))`,
        '/',
        `sum by (namespace, job) (rate(${bm.requestsTotal}{${sel}}[${w}]))`,
      ].join('\n'),
    });
  }
  if (s.latency.enabled) {
    const t = s.latency.thresholdSeconds;
    out.push({
      name: 'latency',
      objective: s.latency.objective,
      what: `API requests answered within ${t}s`,
      errorRatio: (w) => [
        '1 - (',
        `  sum by (namespace, job) (rate(${bm.requestDuration}_bucket{${sel},${leMatcher(t)}}[${w}]))`,
        '/',
        `  sum by (namespace, job) (rate(${bm.requestDuration}_count{${sel}}[${w}]))`,
        ')',
      ].join('\n'),
    });
  }
  return out;
}

export function sloRuleGroups(env: SloEnv): SloRuleGroup[] {
  const c = env.config;
  const m = c.monitoring;
  const window = m.slo.window;
  const ns = c.namespace;
  const job = m.jobs.backend;
  const groups: SloRuleGroup[] = [];
  for (const slo of slos(env)) {
    const budget = +(1 - slo.objective).toFixed(10);
    const labels = { slo: slo.name };
    const ratio = (w: string) => `${ERROR_RATIO}${w}{slo="${slo.name}",job="${job}",namespace="${ns}"}`;
    const recording: RecordingRule[] = RATE_WINDOWS.map((w) => ({ record: `${ERROR_RATIO}${w}`, expr: slo.errorRatio(w), labels }));
    const budgetOutage = humanDuration(budget * durationSeconds(window));
    const alerts: AlertRule[] = (['critical', 'warning'] as const).map((severity) => {
      const conds = BURN_WINDOWS.filter((w) => w.severity === severity);
      const expr = conds.map((w) => {
        const limit = `(${burnFactor(w, window)} * ${budget})`;
        return `(\n  ${ratio(w.long)} > ${limit}\nand\n  ${ratio(w.short)} > ${limit}\n)`;
      }).join('\nor\n');
      const explain = conds.map((w) => {
        const f = burnFactor(w, window);
        return `${f}x over ${w.long} and ${w.short} (${pct(w.budgetShare)} of the budget in ${w.long}; at that rate the budget lasts ${humanDuration(durationSeconds(window) / f)})`;
      }).join(', or ');
      return {
        alert: SLO_ALERT[slo.name],
        expr,
        severity,
        team: 'platform',
        labels,
        summary: `Backend ${slo.name} SLO: error budget burning too fast (${severity === 'critical' ? 'page' : 'ticket'})`,
        description: `{{ $value | humanizePercentage }} of the requests to job {{ $labels.job }} in namespace {{ $labels.namespace }} missed the ${slo.name} SLO over the long window. Objective ${pct(slo.objective)} of ${slo.what} over ${window}: an error budget of ${pct(budget)} (${budgetOutage} of full outage). Fires on a burn rate of ${explain}.`,
        annotations: {
          slo_objective: pct(slo.objective),
          slo_window: window,
          error_budget: `${pct(budget)} of requests over ${window} (${budgetOutage} of full outage)`,
          burn_rates: conds.map((w) => `${burnFactor(w, window)}x over ${w.long} and ${w.short}`).join('; '),
        },
      };
    });
    groups.push({ name: sloGroupName(slo.name), recording, alerts });
  }
  // The budget over the whole window, for the dashboard: heavier (a range over the SLO window), so evaluated
  // every 5 minutes.
  const budgetRules: RecordingRule[] = slos(env).flatMap((slo) => {
    const labels = { slo: slo.name };
    const budget = +(1 - slo.objective).toFixed(10);
    return [
      { record: `${ERROR_RATIO}${window}`, expr: slo.errorRatio(window), labels },
      { record: OBJECTIVE, expr: `vector(${slo.objective})`, labels: { ...labels, job, namespace: ns } },
      { record: BUDGET_REMAINING, expr: `1 - ${ERROR_RATIO}${window}{slo="${slo.name}",job="${job}",namespace="${ns}"} / ${budget}`, labels },
    ];
  });
  if (budgetRules.length) groups.push({ name: 'pensioen-slo-budget', interval: '5m', recording: budgetRules, alerts: [] });
  return groups;
}
