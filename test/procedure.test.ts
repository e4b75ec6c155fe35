/**
 * The one kubectl procedure (lib/deploy/procedure.ts, rendered into docs/onprem-install.md): on a fresh cluster
 * the namespace and Secrets, the database (waited for), the migration (waited for), then the workloads; every
 * file of the environment applied; the names it waits for are the synthesized ones. The other pages link to
 * it and give no contradicting order.
 */
import * as fs from 'fs';
import * as path from 'path';
import { configEnvironments, environment, fixtureText, inlineEnvironment, objectsOf, ROOT } from './helpers';
import { generatedDocs } from '../lib/docs';
import { canaryWaitSeconds, kubectlProcedure, procedureMarkdown } from '../lib/deploy/procedure';
import { kubectlCanary, withDelivery } from './fixtures/canary';

const onprem = environment('onprem');
const objects = objectsOf(onprem);
const proc = kubectlProcedure(onprem, objects);
const commands = proc.install.flatMap((s) => s.commands);
const index = (re: RegExp) => {
  const i = commands.findIndex((c) => re.test(c));
  if (i < 0) throw new Error(`no command matches ${re}:\n${commands.join('\n')}`);
  return i;
};

describe('the kubectl procedure of the onprem fixture (CloudNativePG, no Argo CD)', () => {
  const job = objects.find((o) => o.kind === 'Job')!;
  const cluster = objects.find((o) => o.kind === 'Cluster')!;
  const pooler = objects.find((o) => o.kind === 'Pooler')!;

  test('order on a fresh cluster: preflight, namespace, database ready, migration complete, then everything', () => {
    const order = [
      index(/^npm run preflight -- onprem --run/),
      index(/^kubectl apply -f dist\/onprem\/00-namespace\.yaml$/),
      index(/^kubectl apply -f dist\/onprem\/08-database\.yaml$/),
      index(new RegExp(`^kubectl -n pensioen wait --for=condition=Ready cluster\\.postgresql\\.cnpg\\.io/${cluster.metadata.name} `)),
      index(new RegExp(`^kubectl -n pensioen rollout status deployment/${pooler.metadata.name} `)),
      index(new RegExp(`^kubectl -n pensioen get secret ${cluster.metadata.name}-app$`)),
      index(/^kubectl apply -f dist\/onprem\/09-migrations\.yaml$/),
      index(new RegExp(`^kubectl -n pensioen wait --for=condition=complete job/${job.metadata.name} `)),
      index(/^kubectl apply -f dist\/onprem\/$/),
      index(/^kubectl -n pensioen rollout status deployment\/backend /),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Nothing applies the whole folder (which holds the Job) before the migration was waited for.
    expect(commands.slice(0, order[7]).filter((c) => /apply -f dist\/onprem\/(\s|$)/.test(c))).toEqual([]);
  });

  test('the waits name the synthesized objects and outlast the Job\'s own deadline', () => {
    const wait = commands.find((c) => c.includes('--for=condition=complete'))!;
    expect(Number(/--timeout=(\d+)s/.exec(wait)![1])).toBeGreaterThan(job.spec.activeDeadlineSeconds);
    const rollout = commands.filter((c) => c.includes(' rollout status ')).pop()!;
    for (const o of objects.filter((x) => (x.kind === 'Deployment' || x.kind === 'StatefulSet') && x.metadata.namespace === 'pensioen')) {
      expect(rollout).toContain(`${o.kind.toLowerCase()}/${o.metadata.name}`);
    }
  });

  test('every file of dist/onprem/ is applied', () => {
    const files = [...new Set(objects.map((o) => o.__file.split('/').pop()))];
    for (const f of files) expect(commands.some((c) => c === `kubectl apply -f dist/onprem/${f}` || c === 'kubectl apply -f dist/onprem/')).toBe(true);
  });

  test('a failed migration: logs, delete the Job, apply it again, wait (re-applying alone changes nothing)', () => {
    const steps = proc.failedMigration.flatMap((s) => s.commands);
    expect(steps.slice(0, 4)).toEqual([
      `kubectl -n pensioen logs job/${job.metadata.name}`,
      `kubectl -n pensioen delete job ${job.metadata.name}`,
      'kubectl apply -f dist/onprem/09-migrations.yaml',
      expect.stringMatching(new RegExp(`^kubectl -n pensioen wait --for=condition=complete job/${job.metadata.name} `)),
    ]);
    expect(proc.failedMigration[0].why).toContain('immutable');
  });

  test('the upgrade is one apply, then the migration and rollout waits, then the smoke test', () => {
    expect(proc.upgrade.flatMap((s) => s.commands).filter((c) => !c.startsWith('kubectl diff'))).toEqual([
      'kubectl apply -f dist/onprem/', expect.stringContaining(`job/${job.metadata.name}`), expect.stringContaining('rollout status'),
      'kubectl -n pensioen delete job smoke-test --ignore-not-found',
      'kubectl apply -f dist/onprem/post-apply/60-smoke-test.yaml',
      expect.stringMatching(/^kubectl -n pensioen wait --for=condition=complete job\/smoke-test --timeout=360s \|\| \{ kubectl -n pensioen logs job\/smoke-test; false; \}$/),
      expect.stringMatching(/^kubectl -n pensioen logs job\/smoke-test/),
    ]);
  });
});

test('the names follow the config: another namespace and version', () => {
  const env = inlineEnvironment('onprem', `namespace: pensioen-acc\n${fixtureText('onprem').replace(/^namespace: .*$/m, '')}`.replace(/pensioen-backend:[\w.-]+/, 'pensioen-backend:2.3.4'));
  const p = kubectlProcedure(env, objectsOf(env));
  const all = p.install.flatMap((s) => s.commands).join('\n');
  expect(all).toMatch(/kubectl -n pensioen-acc wait --for=condition=complete job\/backend-migrate-2-3-4-[0-9a-f]{8} /);
  expect(all).not.toContain('-n pensioen ');
});

test('without CloudNativePG there is no database step; External Secrets are waited for', () => {
  const env = environment('production');
  const p = kubectlProcedure(env, objectsOf(env));
  expect(p.install.map((s) => s.title)).toEqual(['Prerequisites', 'Namespace', 'Secrets', 'Migration (wait until complete)', 'Workloads and the rest', 'Smoke test']);
  expect(p.install[2].commands[1]).toMatch(/wait --for=condition=Ready externalsecret --all/);
  expect(procedureMarkdown(env, p)).toContain('#### A failed migration');
});

describe('the other pages link to the procedure and give no other install order', () => {
  const PAGES = ['README.md', 'docs/deploy.md', 'docs/real-cluster.md', 'docs/before-you-apply.md', 'docs/database.md'];
  /** What would be another order: applying or waiting for the migration by hand, or a one-pass first install. */
  const CONTRADICTIONS: [RegExp, string][] = [
    [/kubectl apply[^\n`]*09-migrations\.yaml/, 'applies the migration Job itself'],
    [/kubectl[^\n`]*wait[^\n`]*job\/backend-migrate/, 'waits for the migration Job itself'],
    [/\b(single|one) (pass|apply)\b|\bin one go\b/i, 'claims one pass is enough'],
    [/waits? for (the|its) (migration )?Job/i, 'claims a step waits for the Job'],
  ];
  test.each(PAGES)('%s', (page) => {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    expect(text).toMatch(/\(((docs\/)?onprem-install\.md)(#[^)]*)?\)/);
    for (const [re, what] of CONTRADICTIONS) {
      const hit = re.exec(text);
      expect({ page, what, found: hit?.[0] }).toEqual({ page, what, found: undefined });
    }
  });
});

test('docs/onprem-install.md holds the procedure of config/\'s kubectl environments, current with dist/ (fix: `npm run docs`)', () => {
  const file = 'docs/onprem-install.md';
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  expect(text === generatedDocs(ROOT, configEnvironments()).get(file) ? 'up to date' : `${file} is stale: run \`npm run docs\``).toBe('up to date');
  expect(text).toContain('kubectl -n pensioen wait --for=condition=complete job/backend-migrate-');
});

describe('the procedure follows delivery.strategy: a canary Rollout is waited for until promoted, then the smoke test', () => {
  const env = kubectlCanary();
  const objs = objectsOf(env);
  const p = kubectlProcedure(env, objs);
  const upgrade = p.upgrade.flatMap((s) => s.commands);
  const install = p.install.flatMap((s) => s.commands);

  test('no `rollout status` for the Rollouts (kubectl does not know them); the other workloads keep it', () => {
    for (const cmds of [install, upgrade]) {
      const status = cmds.filter((c) => c.includes(' rollout status ') && !c.includes('deployment/' + objs.find((o) => o.kind === 'Pooler')?.metadata.name));
      expect(status.join('\n')).not.toMatch(/deployment\/(backend|frontend)\b/);
      expect(status.join('\n')).toContain('statefulset/redis');
    }
    expect(objs.filter((o) => o.kind === 'Rollout').map((o) => o.metadata.name)).toEqual(['backend', 'frontend']);
  });

  test.each(['backend', 'frontend'])('rollout/%s: first the new spec observed, then Healthy, with a timeout from the steps and analysis, before the smoke test', (name) => {
    const ref = `rollout.argoproj.io/${name}`;
    const observed = upgrade.findIndex((c) => c.startsWith(`kubectl -n pensioen wait ${ref} --for=jsonpath='{.status.observedGeneration}'="$(kubectl -n pensioen get ${ref} -o jsonpath='{.metadata.generation}')"`));
    const healthy = upgrade.findIndex((c) => c.startsWith('( deadline=') && c.includes(`get ${ref} -o jsonpath='{.status.phase}'`));
    const apply = upgrade.indexOf('kubectl apply -f dist/onprem/');
    const smoke = upgrade.findIndex((c) => c.startsWith('kubectl apply -f dist/onprem/post-apply/'));
    expect(apply).toBeGreaterThanOrEqual(0);
    expect([apply, observed, healthy, smoke].every((x, i, a) => i === 0 || x > a[i - 1])).toBe(true);
    // Defaults: 4 steps x (5m window + 2 x 2m interval) + the canary's 600 s Ready deadline + 300 s slack.
    expect(upgrade[healthy]).toContain('deadline=$(( $(date +%s) + 3060 ))');
    // Healthy passes, Degraded stops the poll at once, the deadline stops it; both print the phase and message.
    expect(upgrade[healthy]).toContain(`case "$phase" in Healthy) echo "${ref}: Healthy"; exit 0;; Degraded) break;; esac`);
    expect(upgrade[healthy]).toMatch(/kubectl -n pensioen get rollout\.argoproj\.io\/\w+ -o jsonpath='\{\.status\.phase\}: \{\.status\.message\}\{"\\n"\}'; exit 1 \)$/);
    // The same waits on a first install, before its smoke test.
    expect(install.indexOf(upgrade[healthy])).toBeLessThan(install.findIndex((c) => c.startsWith('kubectl apply -f dist/onprem/post-apply/')));
    expect(install.indexOf(upgrade[healthy])).toBeGreaterThan(install.indexOf('kubectl apply -f dist/onprem/'));
  });

  test('the timeout follows the steps and the analysis settings', () => {
    expect(canaryWaitSeconds({ ...env.config.delivery.canary, steps: [50, 100], analysis: { ...env.config.delivery.canary.analysis, window: '10m', interval: '1m', count: 4 } })).toBe(2 * (600 + 3 * 60) + 900);
    const longer = inlineEnvironment('onprem', withDelivery('onprem', { strategy: 'canary', canary: { steps: [5, 10, 25, 50, 75, 100] } }, { backend: env.config.backend }));
    const waits = kubectlProcedure(longer, objectsOf(longer)).upgrade.flatMap((s) => s.commands).filter((c) => c.startsWith('( deadline='));
    expect(waits.map((c) => /\$\(date \+%s\) \+ (\d+) \)\)/.exec(c)![1])).toEqual([String(6 * 540 + 900)]);
  });

  test('rolling: no Rollout wait at all', () => {
    expect([...commands, ...proc.upgrade.flatMap((s) => s.commands)].filter((c) => c.includes('rollout.argoproj.io'))).toEqual([]);
  });

  test('the Markdown says why a Rollout is waited for so', () => {
    expect(procedureMarkdown(env, p)).toContain('`kubectl rollout status` does not know a Rollout');
  });
});
