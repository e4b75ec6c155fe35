/** Helpers of the monitoring tests: the synthesized rules as a Prometheus rules file, and promtool. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { find, objectsOf } from './helpers';
import type { Environment } from '../lib/config';
import { PROMETHEUS_RULE } from '../lib/monitoring/names';

export const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

/** The PrometheusRule `pensioen-alerts` (or another by name) as synthesized for this environment. */
export function prometheusRule(env: Environment | string, name = PROMETHEUS_RULE): Record<string, any> {
  return find(objectsOf(env), 'PrometheusRule', name);
}

/** Every PrometheusRule of the environment (ours and any another chart adds). */
export function prometheusRules(env: Environment | string): Record<string, any>[] {
  return objectsOf(env).filter((o) => o.kind === 'PrometheusRule');
}

/** Every alerting rule of every synthesized PrometheusRule, with its group and the rule object's name. */
export function allSynthesizedAlerts(env: Environment | string): (Record<string, any> & { group: string; ruleObject: string })[] {
  return prometheusRules(env).flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert)
    .map((r: any) => ({ ...r, group: g.name, ruleObject: o.metadata.name }))));
}

/** Every alerting rule of the synthesized PrometheusRule, with its group. */
export function synthesizedAlerts(env: Environment | string): (Record<string, any> & { group: string })[] {
  return prometheusRule(env).spec.groups.flatMap((g: any) => g.rules.map((r: any) => ({ ...r, group: g.name })));
}

/**
 * A Prometheus rules file of every group in the synthesized PrometheusRule. `withoutAnnotations` drops the
 * annotations (promtool unit tests then compare labels only; the annotations are checked by
 * `promtool check rules` and by the chart tests).
 */
export function rulesFileYaml(env: Environment | string, opts: { withoutAnnotations?: boolean; rule?: string; skipGroups?: string[] } = {}): string {
  const groups = prometheusRule(env, opts.rule).spec.groups.filter((g: any) => !(opts.skipGroups ?? []).includes(g.name)).map((g: any) => ({
    ...g,
    rules: g.rules.map((r: any) => {
      if (!opts.withoutAnnotations) return r;
      const { annotations: _a, ...rest } = r;
      void _a;
      return rest;
    }),
  }));
  return stringify({ groups }, { lineWidth: 0 });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function promtool(args: string[], cwd: string, timeoutMs = 120000): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw new Error(`cannot run ${PROMTOOL} (install the Debian package "prometheus", or run scripts/ensure-tools.sh): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
