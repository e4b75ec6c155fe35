/**
 * The monitoring chart (dist/<env>/50-monitoring.yaml): the PrometheusRule, the ServiceMonitors and what
 * they select, postgres_exporter under the restricted profile, its NetworkPolicy, the Grafana dashboard
 * (every panel's PromQL parsed by promtool) and the runbooks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { environments } from './helpers';
import { promtool, tempDir } from './monitoring-helpers';
import { dashboardPanels } from '../lib/monitoring/dashboard';


test('every panel\'s PromQL parses (promtool check rules, as recording rules)', () => {
  const dir = tempDir('dashboard-');
  try {
    for (const env of environments()) {
      const exprs = dashboardPanels(env).flatMap((p) => p.targets.map((t) => t.expr));
      const groups = [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:panel_${i}:expr`, expr })) }];
      fs.writeFileSync(path.join(dir, `${env.name}.yaml`), stringify({ groups }));
      const r = promtool(['check', 'rules', `${env.name}.yaml`], dir);
      expect(r.output).toContain(`SUCCESS: ${exprs.length} rules found`);
      expect(r.status).toBe(0);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
