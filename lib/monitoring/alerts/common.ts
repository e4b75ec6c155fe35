/**
 * What the alert groups of the PrometheusRule `pensioen-alerts` share (one file per group beside this one,
 * put together in order by lib/monitoring/rules.ts): the group's shape, a PromQL template tag, selectors and
 * windows.
 */
import { durationSeconds } from '../prom-types';
import type { AlertRule, Team } from '../rule-types';

export interface AlertGroup {
  readonly name: string;
  /** Team of the group's rules (a rule may override it). */
  readonly team: Team;
  readonly rules: AlertRule[];
}

/** A selector body: `job="backend",namespace="pensioen"`. */
export function sel(job: string, ns: string): string {
  return `job="${job}",namespace="${ns}"`;
}

/** Removes the indentation of a multi-line expression (PrometheusRule YAML stays readable). */
export function promql(strings: TemplateStringsArray, ...values: unknown[]): string {
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

/** A ratio as a percentage for a summary: 0.05 → "5%". */
export const pct = (r: number) => `${+(r * 100).toFixed(2)}%`;
