/**
 * The bad-input corpus: every broken input is refused with a line naming the file (and key),
 * the documented exit code (docs/cli.md), no stack trace, and the output folder and the repository left
 * exactly as they were. Config cases run in-process through main() (the same code path as the CLI); a
 * representative subset runs the real process, from another working folder.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../lib/output/write';
import { asLabelValue } from '../lib/k8s/labels';
import { main } from '../main';
import { FIXTURES, ROOT } from './helpers';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-bad-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const configs = Object.fromEntries(fs.readdirSync(FIXTURES).map((f) => [f, fs.readFileSync(path.join(FIXTURES, f), 'utf8')]));
const production = configs['production.yaml'];

/** An output folder from an earlier good synth (owned by synth): every case must leave it as it is. */
const outDir = path.join(work, 'out');
let before: Map<string, string>;
let gitBefore: string;
const gitStatus = () => spawnSync('git', ['status', '--porcelain', '--ignored=no'], { cwd: ROOT, encoding: 'utf8' }).stdout;
beforeAll(() => {
  expect(main(['--out', outDir])).toBe(0);
  before = readTree(outDir);
  gitBefore = gitStatus();
});

function capture(fn: () => number): { code: number; stderr: string } {
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((s: string) => { stderr += s; return true; }) as any;
  const out = process.stdout.write;
  process.stdout.write = (() => true) as any;
  try {
    return { code: fn(), stderr };
  } finally {
    process.stderr.write = write;
    process.stdout.write = out;
  }
}

/** A config folder: the real config files, with edits (file name -> text, or null to remove). */
function configWith(files: Record<string, string | Buffer | null>): string {
  const dir = fs.mkdtempSync(path.join(work, 'cfg-'));
  for (const [f, t] of Object.entries({ ...configs, ...files })) if (t !== null) fs.writeFileSync(path.join(dir, f), t);
  return dir;
}

const expectClean = (r: { stderr: string }) => {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/^\s*at .*\(.*:\d+:\d+\)/m);
  expect(readTree(outDir)).toEqual(before);
};

const prod = (edit: (t: string) => string) => ({ 'production.yaml': edit(production) });
type Case = [string, Record<string, string | Buffer | null>, RegExp];
const configCases: Case[] = [
  // Reserved and dangerous values
  ['namespace kube-system', prod((t) => `namespace: kube-system\n${t}`), /production\.yaml: namespace: "kube-system" is a system namespace/],
  ['namespace default', prod((t) => `namespace: default\n${t}`), /production\.yaml: namespace: "default" is a system namespace/],
  ['namespace argocd', prod((t) => `namespace: argocd\n${t}`), /production\.yaml: namespace: "argocd" is also gitops\.argocdNamespace/],
  ['namespace of the ingress controller', prod((t) => `namespace: ingress-nginx\n${t}`), /namespace: "ingress-nginx" is also network\.ingressControllerNamespace/],
  ['namespace monitoring', prod((t) => `namespace: monitoring\n${t}`), /namespace: "monitoring" is also network\.monitoringNamespace/],
  ['namespace cert-manager', prod((t) => `namespace: cert-manager\n${t}`), /namespace: "cert-manager" is also certManager\.namespace: the application must not share the namespace of a tool it relies on/],
  ['an environment named argocd', { 'argocd.yaml': configs['staging.yaml'].replace('api.staging.', 'api.x.').replace(/frontendHosts: \[[^\]]*\]/, 'frontendHosts: [x.pensioen-beslissingstool.nl]').replace('https://aks-staging', 'https://x') },
    /argocd\.yaml: the environment name "argocd" is reserved/],
  ['two environments on the same cluster and namespace', { 'staging2.yaml': configs['staging.yaml'] }, /staging2\.yaml: namespace: "pensioen" on https:\/\/aks-staging\S* is also staging's/],
  ['two environments serving the same host', { 'staging2.yaml': configs['staging.yaml'].replace('https://aks-staging', 'https://other') }, /staging2\.yaml: ingress: host "api\.staging\.pensioen-beslissingstool\.nl" is also served by staging/],
  ['apiHost equal to a frontend host', prod((t) => t.replace(/apiHost: \S+/, 'apiHost: pensioen-beslissingstool.nl')), /ingress\.frontendHosts\[0\]: "pensioen-beslissingstool\.nl" is also ingress\.apiHost/],
  ['preStopSleepSeconds >= terminationGracePeriodSeconds', prod((t) => `pod:\n  preStopSleepSeconds: 30\n  terminationGracePeriodSeconds: 30\n${t}`),
    /pod\.preStopSleepSeconds: must be less than pod\.terminationGracePeriodSeconds \(30\), got 30/],
  ['a newline in healthPath', prod((t) => t.replace('backend:\n', 'backend:\n  healthPath: "/health\\nX-Evil: 1"\n')), /backend\.healthPath: contains the control character U\+000A/],
  ['a space in healthPath', prod((t) => t.replace('backend:\n', 'backend:\n  healthPath: "/he alth"\n')), /backend\.healthPath: must be an HTTP path/],
  ['a newline in targetRevision', prod((t) => t.replace('targetRevision: production', 'targetRevision: "main\\nevil"')), /gitops\.targetRevision: contains the control character U\+000A/],
  ['an invalid Git ref', prod((t) => t.replace('targetRevision: production', 'targetRevision: "a..b"')), /gitops\.targetRevision: is not a valid Git ref name/],
  ['duplicate writable paths', prod((t) => t.replace('frontend:\n', 'frontend:\n  writablePaths: [/tmp, /tmp/]\n')), /frontend\.writablePaths\[1\]: "\/tmp\/" is the same folder as "\/tmp"/],
  ['an HAProxy timer overflow', prod((t) => t.replace('redis:\n', 'redis:\n  haproxy: { checkIntervalMilliseconds: 2147483648 }\n')), /redis\.haproxy\.checkIntervalMilliseconds: must be at most 2147483647/],
  ['a Prometheus duration out of range', prod((t) => (/^monitoring:\n/m.test(t) ? t.replace(/^monitoring:\n/m, 'monitoring:\n  scrapeInterval: 293y\n') : `monitoring:\n  scrapeInterval: 293y\n${t}`)), /monitoring\.scrapeInterval: 293y is out of range for Prometheus/],
  // YAML input
  ['a .yml file', { 'extra.yml': 'registry: x\n' }, /extra\.yml: environment files must end in "\.yaml" exactly; rename it to extra\.yaml/],
  ['a .YAML file', { 'extra.YAML': 'registry: x\n' }, /extra\.YAML: environment files must end in "\.yaml" exactly/],
  ['an unknown tag', prod((t) => t.replace(/registry: (\S+)/, 'registry: !evil $1')), /production\.yaml: line \d+: registry: unknown YAML tag "!evil"/],
  ['invalid UTF-8', { 'production.yaml': Buffer.concat([Buffer.from(production.slice(0, 20)), Buffer.from([0xff, 0xfe]), Buffer.from(production.slice(20))]) },
    /production\.yaml: line 1: is not valid UTF-8 \(byte 0xff/],
  ['two YAML documents', prod((t) => `${t}\n---\nregistry: x\n`), /production\.yaml: line \d+: a second YAML document/],
  ['an alias bomb', prod((t) => `${t}\nx0: &a [1,1,1,1,1,1,1,1,1]\n${Array.from({ length: 12 }, (_, i) => `x${i + 1}: &a${i + 1} [*a,*a,*a,*a,*a,*a,*a,*a,*a]`).join('\n')}\n`),
    /production\.yaml: line \d+: more than 10 YAML aliases/],
  ['a hexadecimal integer', prod((t) => t.replace('backend:\n', 'backend:\n  port: 0x10\n')), /backend\.port: "0x10" is not a plain decimal number/],
  ['an exponent integer', prod((t) => t.replace(/replicas: \d+/, 'replicas: 1e3')), /backend\.replicas: "1e3" is not a plain decimal number/],
  ['an octal integer', prod((t) => t.replace(/replicas: \d+/, 'replicas: 0o17')), /backend\.replicas: "0o17" is not a plain decimal number/],
  ['a YAML syntax error', prod((t) => t.replace('backend:\n', 'backend:\n  - [\n')), /production\.yaml: line \d+: YAML syntax error/],
  ['a top level that is a list', { 'production.yaml': '- a\n- b\n' }, /production\.yaml: \(top level\): must be a mapping/],
  // The existing config cases (test/config.test.ts has the full list)
  ['an unknown key', prod((t) => t.replace('backend:\n', 'backend:\n  replicaz: 3\n')), /backend\.replicaz: unknown key \(allowed: /],
  ['a wrong type', prod((t) => t.replace(/replicas: \d+/, 'replicas: three')), /backend\.replicas: expected number, got "three"/],
  ['an image tagged latest', prod((t) => t.replace('image: pensioen-frontend:1.0.0', 'image: pensioen-frontend:latest')), /frontend\.image: "pensioen-frontend:latest" is tagged "latest"/],
];

describe.each(configCases)('synth refuses %s', (_what, files, expected) => {
  test('a line naming the file and what is allowed; exit 1; no stack trace; output and repository untouched', () => {
    const dir = configWith(files);
    const r = capture(() => main(['--config', dir, '--out', outDir]));
    expect(r.stderr).toMatch(expected);
    expect(r.code).toBe(1);
    expectClean(r);
  });
});

describe('OS errors: one line naming the path, documented exit code', () => {
  test('a dangling symlink in config/', () => {
    const dir = configWith({});
    fs.symlinkSync(path.join(dir, 'missing.yaml'), path.join(dir, 'ghost.yaml'));
    const r = capture(() => main(['--config', dir, '--out', outDir]));
    expect(r.stderr).toMatch(/ghost\.yaml: cannot be read: it is a symbolic link to a file that does not exist/);
    expect(r.code).toBe(1);
    expectClean(r);
  });
  test('a FIFO in config/ is refused without blocking', () => {
    const dir = configWith({});
    spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    const r = capture(() => main(['--config', dir, '--out', outDir]));
    expect(r.stderr).toMatch(/pipe\.yaml: is not a regular file/);
    expect(r.code).toBe(1);
    expectClean(r);
  });
  test('a missing --config', () => {
    const r = capture(() => main(['--config', path.join(work, 'nope'), '--out', outDir]));
    expect(r.stderr).toMatch(/nope: the config folder does not exist/);
    expect(r.code).toBe(1);
    expectClean(r);
  });
  test('--config naming a file', () => {
    const r = capture(() => main(['--config', path.join(FIXTURES, 'production.yaml'), '--out', outDir]));
    expect(r.stderr).toMatch(/production\.yaml: is not a folder/);
    expect(r.code).toBe(1);
  });
  test('a --out without a value is bad usage (2)', () => {
    const r = capture(() => main(['--out']));
    expect(r.stderr).toMatch(/synth: --out needs a folder/);
    expect(r.code).toBe(2);
  });
});

describe('synth never replaces what it does not own (exit 3, nothing touched)', () => {
  test.each([
    ['the project root (--out .)', () => ROOT],
    ['runbooks/', () => path.join(ROOT, 'runbooks')],
    ['a file named dist', () => { const f = path.join(work, 'file-dist'); fs.writeFileSync(f, 'mine\n'); return f; }],
    ['a folder of someone else', () => { const d = path.join(work, 'theirs'); fs.mkdirSync(d, { recursive: true }); fs.writeFileSync(path.join(d, 'notes.txt'), 'x'); return d; }],
    ['a symbolic link', () => { const l = path.join(work, 'link-out'); if (!fs.existsSync(l)) fs.symlinkSync(outDir, l); return l; }],
  ])('%s', (_what, target) => {
    const t = target();
    // The repository itself is compared through git (every tracked and untracked file), not by reading
    // node_modules and .git byte by byte.
    const contentOf = (p: string) => (p === ROOT ? fs.readdirSync(p).sort() : fs.statSync(p).isDirectory() ? readTree(p) : fs.readFileSync(p, 'utf8'));
    const snapshot = contentOf(t);
    const r = capture(() => main(['--out', t]));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/synth: .+: (is not an output folder of synth|exists and is not a folder|is a symbolic link)/);
    expect(r.stderr).toMatch(/nothing was written/);
    expect(contentOf(t)).toEqual(snapshot);
    expect(gitStatus()).toBe(gitBefore);
  });

  test('a leftover of an interrupted switch is put back before anything else', () => {
    const out = path.join(work, 'interrupted');
    expect(main(['--out', out])).toBe(0);
    const good = readTree(out);
    fs.renameSync(out, path.join(work, '.interrupted.synth-old')); // a kill between the two renames
    const r = capture(() => main(['--config', configWith(prod((t) => `namespace: kube-system\n${t}`)), '--out', out]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/restored the previous output of an interrupted synth/);
    expect(readTree(out)).toEqual(good);
    expect(fs.existsSync(path.join(work, '.interrupted.synth-old'))).toBe(false);
  });
});

describe('the real processes, started from another folder', () => {
  const node = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, args, { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60000 });
  test('synth.js resolves config/ and crds/ from the project, not the working folder', () => {
    const r = node([path.join(ROOT, 'bin', 'synth.js'), '--out', path.join(work, 'from-tmp')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readTree(path.join(work, 'from-tmp'))).toEqual(before);
  });
  test('synth.js with a reserved namespace: exit 1, one line, no stack', () => {
    const r = node([path.join(ROOT, 'bin', 'synth.js'), '--config', configWith(prod((t) => `namespace: kube-system\n${t}`)), '--out', outDir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/production\.yaml: namespace: "kube-system" is a system namespace/);
    expectClean(r);
  });
  test('sh bin/synth --out . refuses and leaves the repository alone', () => {
    const r = spawnSync('sh', [path.join(ROOT, 'bin', 'synth'), '--out', ROOT], { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, PENSIOEN_SYNTH_NO_SNAPSHOT: '1' } });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/is not an output folder of synth/);
    expect(gitStatus()).toBe(gitBefore);
  });
  test('validate: exit codes as its help says; a FIFO does not hang; a list or kind-less object names the file once', () => {
    const v = (args: string[]) => node([path.join(ROOT, 'bin', 'validate.js'), ...args]);
    const tree = path.join(work, 'vtree');
    fs.mkdirSync(path.join(tree, 'production'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'production', '10-x.yaml'), '- a\n---\nfoo: 1\n');
    spawnSync('mkfifo', [path.join(tree, 'production', '20-pipe.yaml')]);
    const r = v([tree]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/vtree\/production\/10-x\.yaml: not-an-object: document 1 is a list/);
    expect(r.stderr).toMatch(/vtree\/production\/10-x\.yaml: object-identity: document 2 has no apiVersion, kind, metadata\.name/);
    expect(r.stderr).toMatch(/vtree\/production\/20-pipe\.yaml: file-unreadable: is not a regular file/);
    expect(r.stderr).not.toMatch(/production\/production/);
    const fifo = path.join(work, 'cfg-fifo');
    spawnSync('mkfifo', [fifo]);
    expect(v(['--config', fifo]).status).toBe(2);
    expect(v([path.join(work, 'missing')]).status).toBe(2);
    const bad = v(['--config', configWith(prod((t) => `${t}\n---\nx: 1\n`))]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/production\.yaml: line \d+: a second YAML document/);
    expect(v([]).status).toBe(0);
    for (const x of [r, bad]) expect(x.stderr).not.toMatch(/\n\s+at /);
  });
  test('an unexpected error is one line and exit 70; PENSIOEN_DEBUG=1 adds the stack', () => {
    const { runCli } = require('../lib/cli/errors');
    const boom = () => { throw new Error('boom'); };
    const r = capture(() => runCli('synth', boom));
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/^synth: internal error: boom\nsynth: this is a bug; rerun with PENSIOEN_DEBUG=1/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    process.env.PENSIOEN_DEBUG = '1';
    try { expect(capture(() => runCli('synth', boom)).stderr).toMatch(/\n\s+at /); } finally { delete process.env.PENSIOEN_DEBUG; }
  });
  test('ENOSPC while writing (strace fault injection) is one line naming the path, exit 3, output unchanged', () => {
    const victim = path.join(work, '.out.synth-new', 'production', '10-backend.yaml');
    const r = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-P', victim, '-e', 'trace=openat,open', '-e', 'inject=openat,open:error=ENOSPC',
      process.execPath, path.join(ROOT, 'bin', 'synth.js'), '--out', outDir], { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, PENSIOEN_SYNTH_NO_SNAPSHOT: '1' } });
    expect(r.stderr).toMatch(/^synth: .*\.out\.synth-new\/production\/10-backend\.yaml: no space left on the device; free some space and run again \(ENOSPC in open\)$/m);
    expect(r.status).toBe(3);
    expectClean(r);
    expect(fs.existsSync(path.join(work, '.out.synth-new'))).toBe(false);
  });
});

test('a version label from a long or odd image tag is made a valid label value, deterministically', () => {
  const long = `1.0.0-${'a'.repeat(100)}`;
  const v = asLabelValue(long);
  expect(v.length).toBeLessThanOrEqual(63);
  expect(v).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
  expect(asLabelValue(long)).toBe(v);
  expect(asLabelValue(`${long}b`)).not.toBe(v);
  expect(asLabelValue('_x.')).toMatch(/^x-[0-9a-f]{8}$/);
  expect(asLabelValue('1.0.0')).toBe('1.0.0');
});

test('the repository is as it was', () => {
  expect(gitStatus()).toBe(gitBefore);
});
