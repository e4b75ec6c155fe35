/**
 * The config refuses zero Alertmanager intervals because Alertmanager does: the AlertmanagerConfig of an
 * inline environment, rendered as the prometheus-operator would (lib/monitoring/alertmanager.ts), with a zero
 * groupInterval or repeatInterval (which the config never lets through) is refused by `amtool check-config`
 * with the message the config rule cites; the same value in the config is refused by parseConfig.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../lib/config';
import { operatorAlertmanagerConfig } from '../lib/monitoring/alertmanager';
import { ALERTMANAGER_CONFIG } from '../lib/monitoring/names';
import { find, inlineEnvironment, objectsOf } from './helpers';
import { tempDir } from './monitoring-helpers';

const AMTOOL = process.env.AMTOOL ?? 'amtool';
const YAML = 'registry: registry.example.nl/pensioen\ncertManager: { email: ops@example.nl }\nnetwork: { databaseCidrs: [10.1.0.0/24] }\n';
const amc = find(objectsOf(inlineEnvironment('amzero', YAML)), 'AlertmanagerConfig', ALERTMANAGER_CONFIG) as any;
const dir = tempDir('amtool-zero-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function check(spec: any): { status: number | null; output: string } {
  const file = path.join(dir, `am-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, stringify(operatorAlertmanagerConfig({ ...amc, spec }, (r: { name: string; key: string }) => `https://secret.example/${r.name}/${r.key}`), { lineWidth: 0 }));
  const r = spawnSync(AMTOOL, ['check-config', file], { encoding: 'utf8', timeout: 60000 });
  if (r.error) throw new Error(`cannot run ${AMTOOL} (scripts/ensure-tools.sh installs it): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test('the generated config passes amtool as it is', () => {
  expect(check(amc.spec).status).toBe(0);
});

test.each([['groupInterval', 'group_interval'], ['repeatInterval', 'repeat_interval']])('%s 0m: amtool says "%s cannot be zero", and the config refuses it first', (key, amKey) => {
  const r = check({ ...amc.spec, route: { ...amc.spec.route, [key]: '0m' } });
  expect(r.status).not.toBe(0);
  expect(r.output).toContain(`${amKey} cannot be zero`);
  let problems: string[] = [];
  try { parseConfig('config/x.yaml', `${YAML}monitoring: { alerting: { ${key}: 0m } }\n`); } catch (e) { if (e instanceof ConfigError) problems = e.problems; else throw e; }
  expect(problems).toEqual([expect.stringMatching(new RegExp(`^config/x\\.yaml: monitoring\\.alerting\\.${key}: must be a positive Prometheus duration`))]);
});
