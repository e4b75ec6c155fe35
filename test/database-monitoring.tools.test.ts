/**
 * Monitoring of PostgreSQL in cloudnative-pg mode: the PodMonitor of the instances, the rule group with
 * severity, team and runbook on every alert, DatabaseDown in both modes, and the backup-age cases that span
 * more than a day (run here on the CloudNativePG group alone, 5-minute steps). The other CloudNativePG
 * cases run with every alert in test/monitoring-promtool.tools.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { environment } from './helpers';
import { prometheusRule, promtool, tempDir } from './monitoring-helpers';
import { promtoolTestFile } from './promtool/cases';
import { cnpgLongAlertCases, LONG_CASE_STEP_MINUTES } from './promtool/cnpg-cases';
import { CNPG_RULE_GROUP } from '../lib/monitoring/cnpg-rules';


test('promtool: PostgresBackupTooOld over more than a day (fires after the configured age, silent with daily backups)', () => {
  const env = environment('onprem');
  const dir = tempDir('promtool-db-');
  try {
    const group = prometheusRule(env).spec.groups.find((g: any) => g.name === CNPG_RULE_GROUP);
    const rules = group.rules.map(({ annotations: _a, ...r }: any) => r);
    fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: [{ ...group, rules }] }, { lineWidth: 0 }));
    const cases = cnpgLongAlertCases(env);
    expect(cases.some((c) => c.checks.some((k) => k.exp_alerts.length > 0))).toBe(true);
    const file = { ...promtoolTestFile('rules.yaml', cases), evaluation_interval: `${LONG_CASE_STEP_MINUTES}m` };
    fs.writeFileSync(path.join(dir, 'tests.yaml'), stringify(file, { lineWidth: 0 }));
    const r = promtool(['test', 'rules', 'tests.yaml'], dir);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('SUCCESS');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
