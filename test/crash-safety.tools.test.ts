/**
 * Crash safety of the output switch (lib/output/write.ts): synth is killed (SIGKILL, injected by strace) at
 * its 1st, 2nd, ... rename until a run gets through. After every kill the output is the old or the new one,
 * or the old one waits in the scratch folder and the next run restores it first; git never sees a leftover.
 * strace is installed by scripts/ensure-tools.sh.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../lib/output/write';
import { FIXTURES, ROOT } from './helpers';

const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-crash-'));
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
const out = path.join(repo, 'dist');
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
const env = { ...process.env, PENSIOEN_SYNTH_NO_SNAPSHOT: '1' };
const synth = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), ...args], { encoding: 'utf8', env, timeout: 120000 });

test('a kill at any rename leaves the old or the new output, and the next run restores it first', () => {
  // The old output: a synth of a changed config, committed in a scratch repository with our .gitignore.
  const oldConfig = path.join(repo, 'old-config');
  fs.cpSync(FIXTURES, oldConfig, { recursive: true });
  fs.writeFileSync(path.join(oldConfig, 'production.yaml'), fs.readFileSync(path.join(oldConfig, 'production.yaml'), 'utf8').replace(/image: pensioen-backend:\S+/, 'image: pensioen-backend:0.9.0'));
  expect(synth(['--config', oldConfig, '--out', out]).status).toBe(0);
  fs.copyFileSync(path.join(ROOT, '.gitignore'), path.join(repo, '.gitignore'));
  fs.rmSync(oldConfig, { recursive: true });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'old output');
  const oldTree = readTree(out);
  const newTree = readTree(path.join(ROOT, 'dist'));
  expect(oldTree).not.toEqual(newTree);

  let completed = false;
  for (let n = 1; n <= 20 && !completed; n++) {
    git('checkout', '-q', '--', '.'); // back to the old output
    git('clean', '-qfdx'); // nothing ignored either
    const r = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename,renameat,renameat2',
      '-e', `inject=rename,renameat,renameat2:signal=SIGKILL:when=${n}`, process.execPath, path.join(ROOT, 'bin', 'synth.js'), '--out', out],
    { encoding: 'utf8', env, timeout: 120000 });
    completed = r.status === 0;
    if (!completed) expect([r.status, r.signal]).toEqual([null, 'SIGKILL']);
    const now = fs.existsSync(out) ? readTree(out) : undefined;
    const stash = path.join(repo, '.dist.synth-old');
    if (now === undefined) {
      expect(readTree(stash)).toEqual(oldTree); // killed between the two renames: the old output waits
    } else {
      const same = (a: Map<string, string>, b: Map<string, string>) => JSON.stringify([...a]) === JSON.stringify([...b]);
      expect(same(now, oldTree) || same(now, newTree) ? `n=${n}: old or new` : `n=${n}: a mix`).toBe(`n=${n}: old or new`);
    }
    // git never shows a scratch folder
    expect(git('status', '--porcelain', '--untracked-files=all')).not.toMatch(/synth-(new|old)/);
    // the next run restores or finishes, and leaves nothing behind
    const again = synth(['--out', out]);
    expect(again.status).toBe(0);
    expect(readTree(out)).toEqual(newTree);
    expect(fs.readdirSync(repo).filter((f) => f.includes('.synth-'))).toEqual([]);
  }
  expect(completed).toBe(true);
});

test('a read-only output folder is refused before anything moves (as a user that permissions apply to)', () => {
  if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) return; // needs root to drop to nobody
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-ro-'));
  try {
    const target = path.join(dir, 'dist');
    expect(synth(['--out', target]).status).toBe(0);
    const before = readTree(target);
    execFileSync('chown', ['-R', 'nobody', dir]);
    fs.chmodSync(path.join(target, 'production'), 0o555);
    fs.chmodSync(dir, 0o755);
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, path.join(ROOT, 'bin', 'synth.js'), '--out', target],
      { encoding: 'utf8', env: { ...env, HOME: dir } });
    expect(r.stderr).toMatch(/is not writable, so synth could not replace the output as a whole; nothing was changed/);
    expect(r.status).toBe(3);
    expect(readTree(target)).toEqual(before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
