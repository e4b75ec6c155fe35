/**
 * .ci/run as CI runs it, with a stand-in `npm` on PATH that records each call (its arguments,
 * TEST_PORT_SLICE_BASE, when it started and ended) and fails when told to: the chaos lane runs beside `npm test`
 * and the tools lane, the tools lane on its own port slices, the chaos lane's output is printed whole once it
 * ends, and any failing lane fails CI while the lanes after it still run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './helpers';

interface Call { args: string; slice: string; start: number; end: number }
interface Result { code: number | null; output: string; calls: Call[] }

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-run-'));
  fs.mkdirSync(path.join(tmp, 'tree', '.ci'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'tree', 'scripts'));
  fs.mkdirSync(path.join(tmp, 'bin'));
  fs.copyFileSync(path.join(ROOT, '.ci', 'run'), path.join(tmp, 'tree', '.ci', 'run'));
  fs.writeFileSync(path.join(tmp, 'tree', 'scripts', 'ensure-tools.sh'), 'exit "${FAIL_ENSURE_TOOLS:-0}"\n');
  // npm: one line per call in calls.log. The tools lane passes only while the chaos lane runs (it waits up to 20 s
  // for the chaos lane to start), and the chaos lane only ends once the tools lane has: both pass only side by side.
  fs.writeFileSync(path.join(tmp, 'bin', 'npm'), `#!/bin/sh
start=$(date +%s%N)
waitfor() { i=0; while [ ! -f "${tmp}/$1" ] && [ "$i" -lt 400 ]; do sleep 0.05; i=$((i + 1)); done; [ -f "${tmp}/$1" ]; }
case "$*" in
  "run test:chaos")
    touch "${tmp}/chaos.started"
    waitfor tools.done || { echo "the tools lane did not run beside the chaos lane"; exit 1; }
    echo "chaos scenario output" ;;
  "run test:tools")
    waitfor chaos.started || { echo "the chaos lane was not running beside the tools lane"; exit 1; }
    touch "${tmp}/tools.done" ;;
esac
end=$(date +%s%N)
echo "$*|\${TEST_PORT_SLICE_BASE:-}|$start|$end" >> "${tmp}/calls.log"
case " $FAIL " in *" $* "*) echo "npm $* failed"; exit 1 ;; esac
exit 0
`, { mode: 0o755 });
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function ci(env: Record<string, string> = {}): Result {
  const r = spawnSync('bash', ['.ci/run'], {
    cwd: path.join(tmp, 'tree'), encoding: 'utf8', timeout: 60_000,
    env: { PATH: `${path.join(tmp, 'bin')}:${process.env.PATH}`, HOME: tmp, FAIL: '', ...env },
  });
  const log = path.join(tmp, 'calls.log');
  const calls = (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []).map((l) => {
    const [args, slice, start, end] = l.split('|');
    return { args, slice, start: Number(start) / 1e6, end: Number(end) / 1e6 };
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}`, calls };
}
const call = (r: Result, args: string) => r.calls.find((c) => c.args === args)!;

test('every lane passes: the chaos lane runs beside npm test and the tools lane, which takes its own port slices', () => {
  const r = ci();
  expect(r.code).toBe(0);
  expect(r.calls.map((c) => c.args).sort()).toEqual(['ci --no-audit --no-fund', 'run test:chaos', 'run test:tools', 'test']);
  const [chaos, unit, tools] = [call(r, 'run test:chaos'), call(r, 'test'), call(r, 'run test:tools')];
  // npm test, then the tools lane, while the chaos lane runs (the stand-ins pass only side by side).
  expect(unit.end).toBeLessThanOrEqual(tools.start);
  expect([chaos.slice, unit.slice, tools.slice]).toEqual(['', '', '4']);
  // The chaos lane's output, whole, after the other lanes' lines.
  expect(r.output.indexOf('chaos scenario output')).toBeGreaterThan(r.output.indexOf('took'));
  expect(r.output).toMatch(/== npm run test:chaos took \d+ s \(exit 0\)\n== CI total \d+ s\s*$/);
});

test.each([
  ['the chaos lane', 'run test:chaos'],
  ['npm test', 'test'],
  ['the tools lane', 'run test:tools'],
])('%s fails: CI fails, and every other lane still ran to its end', (_name, failing) => {
  const r = ci({ FAIL: failing });
  expect(r.code).toBe(1);
  expect(r.calls.map((c) => c.args).sort()).toEqual(['ci --no-audit --no-fund', 'run test:chaos', 'run test:tools', 'test']);
  expect(r.output).toContain(`npm ${failing} failed`);
  expect(r.output).toContain('chaos scenario output');
});

test('the tools cannot be installed: CI stops before any lane', () => {
  const r = ci({ FAIL_ENSURE_TOOLS: '1' });
  expect(r.code).toBe(1);
  expect(r.calls.map((c) => c.args)).toEqual(['ci --no-audit --no-fund']);
});
