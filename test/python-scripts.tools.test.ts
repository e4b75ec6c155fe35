/**
 * The Python script files under lib/ (lib/delivery/smoke.py, the smoke test Job's script) as they are in the
 * repository: Python 3 compiles them and pyflakes (Debian python3-pyflakes, scripts/ensure-tools.sh) finds
 * nothing (an undefined or unused name, an import that shadows). The script itself runs against a stand-in
 * server in test/smoke.tools.test.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './helpers';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

function pythonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? pythonFiles(p) : e.name.endsWith('.py') ? [p] : [];
  }).sort();
}

/** What pyflakes says about the files (empty: nothing), and whether each compiles. */
function check(files: string[]): string {
  const r = spawnSync(PYTHON, ['-m', 'pyflakes', ...files], { encoding: 'utf8' });
  if (r.error) throw r.error;
  const compile = spawnSync(PYTHON, ['-c', 'import sys\nfor f in sys.argv[1:]: compile(open(f).read(), f, "exec")', ...files], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}${compile.stderr}`;
}

test('every Python script file under lib/ compiles and passes pyflakes', () => {
  const files = pythonFiles(path.join(ROOT, 'lib'));
  expect(files.map((f) => path.relative(ROOT, f))).toContain('lib/delivery/smoke.py');
  expect(check(files)).toBe('');
});

test('the check finds what pyflakes finds (an undefined name, a syntax error)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-pyflakes-'));
  try {
    fs.writeFileSync(path.join(dir, 'undefined.py'), 'import os\nprint(attempt)\n');
    fs.writeFileSync(path.join(dir, 'syntax.py'), 'def f(:\n    pass\n');
    const out = check([path.join(dir, 'undefined.py'), path.join(dir, 'syntax.py')]);
    expect(out).toMatch(/undefined name 'attempt'/);
    expect(out).toMatch(/'os' imported but unused/);
    expect(out).toMatch(/syntax\.py/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
