/**
 * The shapes the monitoring modules share: an alert rule (lib/monitoring/rules.ts and the groups beside it) and a
 * producer of a series (lib/monitoring/series.ts). In a file of their own so that the modules that build
 * groups and producers need not import each other.
 */

export type Severity = 'critical' | 'warning' | 'info';
export type Team = 'platform' | 'database' | 'security';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** Omitted: fires on the first evaluation that matches. */
  readonly for?: string;
  readonly severity: Severity;
  /** Who gets it; default: the group's team. */
  readonly team?: Team;
  /** Extra static labels (besides severity, team and namespace). */
  readonly labels?: Record<string, string>;
  readonly summary: string;
  readonly description: string;
  /** Extra annotations (besides summary, description and runbook_url). */
  readonly annotations?: Record<string, string>;
}

/** Who exports a series: a scrape target of lib/monitoring/targets.ts. */
export type TargetId = 'prometheus' | 'backend' | 'redis' | 'postgres' | 'edge' | 'kube-state-metrics' | 'kubelet' | 'cert-manager' | 'ingress-nginx';

/** A series an environment's scrape targets produce, and who produces it. */
export interface Producer {
  readonly metric: string;
  readonly producer: string;
  /** The scrape target that produces it (a rule reading it needs that target in the environment). */
  readonly from: TargetId;
  /**
   * Selector bodies (alternatives, ORed) of this environment's series, for MetricSeriesMissing; or why the
   * series' absence is no fault (it only exists while something is wrong, or another alert covers it).
   */
  readonly presence: { readonly selectors: string[]; readonly target: string } | { readonly absentIsNormal: string };
}
