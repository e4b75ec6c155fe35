/**
 * promtool unit tests of the SLO rules (PrometheusRule `pensioen-slo`), generated from the environment's
 * SLO config: for each SLO, the recording rules give the expected error ratio, a fast burn pages within the
 * time the SRE workbook predicts, a slow burn opens a ticket and never pages, and a short spike stays silent.
 *
 * Traffic: 1000 API requests a minute (plus 5000 probe requests on /health that the SLO must leave out: were
 * they counted, every ratio would be 6 times smaller and the fast burn would page far too late).
 */
import type { Environment } from '../../lib/config';
import { backendMetrics } from '../../lib/monitoring/metrics';
import { burnFactor, BURN_WINDOWS, ERROR_RATIO, SLO_ALERT, slos, type SloName } from '../../lib/monitoring/slo';
import { durationSeconds } from '../../lib/monitoring/prom-types';

interface Series { series: string; values: string }
export interface SloCase {
  name: string;
  /** The SLO whose rules the case judges (its rule group is all promtool needs to evaluate). */
  slo: SloName;
  /** Sample and evaluation interval in minutes (the slow burn runs over 4 days at 5-minute steps). */
  step: 1 | 5;
  input_series: Series[];
  alert_rule_test: { eval_time: string; alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
  promql_expr_test: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

const lbl = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}="${v}"`).join(',');
const at = (min: number) => `${Math.round(min)}m`;

/** A counter: phases of `perMin` increments a minute for `n` minutes; the first sample is 0. */
function counter(phases: { perMin: number; n: number }[]): string {
  let v = 0;
  const parts = ['0'];
  for (const p of phases) {
    parts.push(`${v + p.perMin}+${p.perMin}x${p.n - 1}`);
    v += p.perMin * p.n;
  }
  return parts.join(' ');
}

/** Phases of an error ratio: `bad` share of 1000 requests a minute. */
type Phase = { bad: number; n: number };

export function sloCases(env: Environment): SloCase[] {
  const c = env.config;
  const m = c.monitoring;
  const ns = c.namespace;
  const bm = backendMetrics(m.metrics);
  const window = m.slo.window;
  const grouped = bm.exporter === 'prometheus-fastapi-instrumentator';
  const job = { job: m.jobs.backend, namespace: ns, instance: '10.0.0.1:8000', pod: 'backend-7d9f-abcde' };
  const api = { ...job, [bm.handlerLabel]: '/api/v1/rules', method: 'POST' };
  const probe = { ...job, [bm.handlerLabel]: '/health', method: 'GET' };
  const cases: SloCase[] = [];

  const trafficOf = (name: SloName, phases: Phase[], step = 1): Series[] => {
    const total = phases.map((p) => ({ perMin: 1000 * step, n: p.n }));
    const bad = phases.map((p) => ({ perMin: Math.round(1000 * p.bad) * step, n: p.n }));
    const good = phases.map((p) => ({ perMin: (1000 - Math.round(1000 * p.bad)) * step, n: p.n }));
    const probes = [{ perMin: 5000 * step, n: phases.reduce((a, p) => a + p.n, 0) }];
    if (name === 'availability') {
      const st = (code: string) => ({ [bm.statusLabel]: grouped ? `${code[0]}xx` : code });
      return [
        { series: `${bm.requestsTotal}{${lbl({ ...api, ...st('200') })}}`, values: counter(good) },
        { series: `${bm.requestsTotal}{${lbl({ ...api, ...st('500') })}}`, values: counter(bad) },
        { series: `${bm.requestsTotal}{${lbl({ ...probe, ...st('200') })}}`, values: counter(probes) },
      ];
    }
    // Latency: requests under the threshold are in the threshold's bucket; the slow ones only above it.
    const t = m.slo.latency.thresholdSeconds;
    const le = Number.isInteger(t) ? `${t}.0` : String(t);
    return [
      { series: `${bm.requestDuration}_bucket{${lbl({ ...api, le })}}`, values: counter(good) },
      { series: `${bm.requestDuration}_bucket{${lbl({ ...api, le: '+Inf' })}}`, values: counter(total) },
      { series: `${bm.requestDuration}_count{${lbl(api)}}`, values: counter(total) },
      { series: `${bm.requestDuration}_bucket{${lbl({ ...probe, le })}}`, values: counter(probes) },
      { series: `${bm.requestDuration}_count{${lbl(probe)}}`, values: counter(probes) },
    ];
  };

  for (const slo of slos(env)) {
    const budget = +(1 - slo.objective).toFixed(10);
    const alert = SLO_ALERT[slo.name];
    const labels = (severity: string) => ({ exp_labels: { job: m.jobs.backend, namespace: ns, slo: slo.name, severity, team: 'platform' } });
    const check = (min: number, severities: string[]) => ({ eval_time: at(min), alertname: alert, exp_alerts: severities.map(labels) });
    const [page1] = BURN_WINDOWS;
    const f1 = burnFactor(page1, window);

    // Recording rules: a steady 2x-budget error ratio shows in every window (2 hours of it: up to 1h), in
    // parts per million (promtool compares floats exactly).
    const steady = Math.min(0.5, 2 * budget);
    cases.push({
      slo: slo.name,
      name: `${slo.name}: recording rules give the error ratio (${+(steady * 100).toFixed(4)}% for 2h, probes left out)`,
      step: 1,
      input_series: trafficOf(slo.name, [{ bad: steady, n: 121 }]),
      alert_rule_test: [],
      promql_expr_test: ['5m', '30m', '1h'].map((w) => ({
        expr: `round(1000000 * ${ERROR_RATIO}${w}{slo="${slo.name}"})`,
        eval_time: '120m',
        exp_samples: [{ labels: `{${lbl({ job: m.jobs.backend, namespace: ns, slo: slo.name })}}`, value: Math.round(1000 * steady) * 1000 }],
      })),
    });
    // A day of clean traffic first, so the 1d and 3d windows hold what a real Prometheus would have.
    const DAY = 1440;

    // Fast burn: 20x the budget after an hour of clean traffic. The 1h ratio passes f1 x budget after
    // 60 x f1 / 20 minutes (43 min for 14.4): page then, not before; the ticket needs far longer.
    const fast = Math.min(1, 20 * budget);
    const detect = 60 * (f1 * budget) / fast;
    cases.push({
      slo: slo.name,
      name: `${slo.name}: fast burn (${+(fast / budget).toFixed(1)}x) pages after ~${Math.round(detect)} minutes`,
      step: 1,
      input_series: trafficOf(slo.name, [{ bad: 0, n: DAY }, { bad: fast, n: Math.ceil(detect) + 10 }]),
      alert_rule_test: [check(DAY + detect - 3, []), check(DAY + detect + 4, ['critical'])],
      promql_expr_test: [],
    });

    // Slow burn: 4x the budget after 3 days of clean traffic. Never pages (4 < 6 < 14.4); tickets when the
    // 1d ratio passes 3x the budget, after 1440 x 3 / 4 = 1080 minutes (18 h); the 3d ratio passes 1x at the
    // same time. In 5-minute steps (4 days of samples).
    const [, , ticket1] = BURN_WINDOWS;
    const f3 = burnFactor(ticket1, window);
    const slow = 4 * budget;
    const ticketAt = durationSeconds(ticket1.long) / 60 * f3 / 4;
    cases.push({
      slo: slo.name,
      name: `${slo.name}: slow burn (4x) opens a ticket after ~${Math.round(ticketAt / 60)} hours and never pages`,
      step: 5,
      input_series: trafficOf(slo.name, [{ bad: 0, n: 3 * DAY / 5 }, { bad: slow, n: Math.ceil((ticketAt + 60) / 5) }], 5),
      alert_rule_test: [check(3 * DAY + 60, []), check(3 * DAY + 360, []), check(3 * DAY + ticketAt - 45, []), check(3 * DAY + ticketAt + 45, ['warning'])],
      promql_expr_test: [],
    });

    // Short spike: one minute at an error ratio that spends half of what the fastest page needs.
    const spike = Math.min(1, 0.5 * 60 * f1 * budget);
    cases.push({
      slo: slo.name,
      name: `${slo.name}: a 1-minute spike of ${+(spike * 100).toFixed(2)}% errors stays silent`,
      step: 1,
      input_series: trafficOf(slo.name, [{ bad: 0, n: DAY }, { bad: spike, n: 1 }, { bad: 0, n: 180 }]),
      alert_rule_test: [1, 2, 4, 10, 30, 90, 170].map((min) => check(DAY + min, [])),
      promql_expr_test: [],
    });
  }
  return cases;
}

/** A promtool test file of the cases with this step (promtool has one evaluation interval per file). */
export function sloTestFile(rulesFile: string, cases: SloCase[], step: 1 | 5): Record<string, unknown> {
  return {
    rule_files: [rulesFile],
    evaluation_interval: `${step}m`,
    tests: cases.filter((tc) => tc.step === step).map((tc) => ({
      name: tc.name,
      interval: `${step}m`,
      input_series: tc.input_series,
      ...(tc.alert_rule_test.length ? { alert_rule_test: tc.alert_rule_test } : {}),
      ...(tc.promql_expr_test.length ? { promql_expr_test: tc.promql_expr_test } : {}),
    })),
  };
}
