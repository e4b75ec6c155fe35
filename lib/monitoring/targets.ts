/**
 * The scrape targets an environment really defines, and the check that every rule reads only series they
 * produce. A target is a ServiceMonitor or PodMonitor in the environment's output (found by the `job` label
 * its relabelling sets), or a prerequisite the docs name (kube-state-metrics and the kubelet of
 * kube-prometheus-stack, cert-manager's and ingress-nginx's own ServiceMonitors). Each series of
 * lib/monitoring/series.ts says which target produces it (`from`).
 *
 * `unproducedSeries` is a synth error (the validation gate, rule `monitoring-series-unproduced`): a rule that
 * reads a series no target of the environment produces can never fire, or fires forever (absent()), so it
 * names the rule and the series instead.
 */
import type { Environment } from '../config';
import { findingOf, type Finding, type K8sObject } from '../validate/types';
import { edgeMetricsSource } from './edge';
import { metricNames, seriesProducers, type TargetId } from './series';

export interface ScrapeTarget {
  readonly id: TargetId;
  /** The job label of its series (prerequisites: what kube-prometheus-stack's own monitors set). */
  readonly job: string;
  /** `ServiceMonitor/backend`, or the prerequisite it is. */
  readonly source: string;
}

const jobOf = (o: K8sObject): string | undefined => {
  const endpoints: any[] = o.spec?.endpoints ?? o.spec?.podMetricsEndpoints ?? [];
  return endpoints.flatMap((e) => e.relabelings ?? []).find((r: any) => r.targetLabel === 'job')?.replacement;
};

/** The targets of an environment, from its objects (the monitors of 50-monitoring.yaml) and its prerequisites. */
export function scrapeTargets(env: Environment, objects: K8sObject[]): ScrapeTarget[] {
  const m = env.config.monitoring;
  if (!m.enabled) return [];
  const byJob: Record<string, TargetId> = { [m.jobs.backend]: 'backend', [m.jobs.redis]: 'redis', [m.jobs.postgres]: 'postgres', [m.jobs.edge]: 'edge' };
  const out: ScrapeTarget[] = [];
  for (const o of objects.filter((x) => (x.kind === 'ServiceMonitor' || x.kind === 'PodMonitor') && x.apiVersion?.startsWith('monitoring.coreos.com/'))) {
    const job = jobOf(o);
    if (job && byJob[job]) out.push({ id: byJob[job], job, source: `${o.kind}/${o.metadata?.name}` });
  }
  out.push(
    { id: 'kube-state-metrics', job: 'kube-state-metrics', source: 'kube-state-metrics of kube-prometheus-stack (a prerequisite)' },
    { id: 'kubelet', job: 'kubelet', source: 'the kubelets, scraped by kube-prometheus-stack (a prerequisite)' },
    { id: 'cert-manager', job: 'cert-manager', source: 'cert-manager\'s ServiceMonitor (a prerequisite)' },
  );
  const edge = edgeMetricsSource(env);
  if (edge && 'external' in edge.scrape) out.push({ id: 'ingress-nginx', job: 'ingress-nginx-controller', source: 'the ingress-nginx chart\'s ServiceMonitor (a prerequisite)' });
  // `up` exists for every target Prometheus scrapes.
  if (out.length) out.push({ id: 'prometheus', job: '', source: 'Prometheus (up, for every target)' });
  return out;
}

/** One finding per rule and series that no scrape target of the environment produces. */
export function unproducedSeries(env: Environment, objects: K8sObject[]): Finding[] {
  const targets = scrapeTargets(env, objects);
  const have = new Set(targets.map((t) => t.id));
  const producers = new Map(seriesProducers(env).map((p) => [p.metric, p]));
  const out: Finding[] = [];
  for (const rule of objects.filter((o) => o.kind === 'PrometheusRule' && o.apiVersion?.startsWith('monitoring.coreos.com/'))) {
    const recorded = new Set<string>((rule.spec?.groups ?? []).flatMap((g: any) => (g.rules ?? []).map((r: any) => r.record).filter(Boolean)));
    for (const g of rule.spec?.groups ?? []) {
      for (const r of g.rules ?? []) {
        for (const metric of metricNames(String(r.expr))) {
          if (recorded.has(metric) || metric === 'ALERTS' || metric === 'ALERTS_FOR_STATE') continue;
          const p = producers.get(metric);
          if (p && have.has(p.from)) continue;
          const name = r.alert ? `alert ${r.alert}` : `recording rule ${r.record}`;
          out.push(findingOf(rule, 'monitoring-series-unproduced', p
            ? `${name} (group ${g.name}) reads ${metric}, produced by ${p.from}, which this environment does not scrape (its targets: ${targets.map((t) => t.source).join('; ')})`
            : `${name} (group ${g.name}) reads ${metric}, which no scrape target of this environment produces (add its producer to lib/monitoring/series.ts, or fix the name)`));
        }
      }
    }
  }
  return out;
}
