/**
 * shellcheck (Debian package, scripts/ensure-tools.sh) on every shell script the output holds, in every fixture
 * environment and the cache variants (both engines, with and without `redis.tls`): `sh -c` / `bash -c` scripts of containers, init containers, probes and
 * lifecycle hooks (migration waits), and every ConfigMap value that is a script (a `#!` line or a `.sh` key:
 * the Redis and Sentinel start scripts, the preStop hand-over and common.sh they source, followed as they run). Each is checked with the shell it runs under and must pass without
 * any finding (style included), so a quoting or portability slip in a generated script fails here first. The script
 * files themselves (every `.sh` under lib/: lib/redis/scripts/, lib/database/scripts/; placeholders and all) are
 * checked as they are in the repository too.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { environments, objectsOf, ROOT } from './helpers';
import { cacheEnv, MANAGED } from './fixtures/cache';

/** A script, where it is, the shell that runs it, and its file name beside the other scripts of its object (ConfigMap keys: they source each other). */
interface Script { readonly where: string; readonly shell: 'sh' | 'bash'; readonly text: string; readonly object: string; readonly name: string }

/** Every shell script in the objects, with where it is and the shell that runs it. */
export function shellScripts(objects: Record<string, any>[], env: string): Script[] {
  const out: Script[] = [];
  for (const o of objects) {
    const at = `${env}: ${o.kind}/${o.metadata?.name}`;
    let n = 0;
    const walk = (v: unknown, p: string) => {
      if (Array.isArray(v)) {
        const c = v.indexOf('-c');
        const sh = c > 0 ? String(v[c - 1]) : '';
        if (c > 0 && /(^|\/)(ba|da)?sh$/.test(sh) && typeof v[c + 1] === 'string') {
          out.push({ where: `${at} ${p}`, shell: sh.endsWith('bash') ? 'bash' : 'sh', text: v[c + 1], object: at, name: `inline-${n++}` });
        }
        v.forEach((x, i) => walk(x, `${p}[${i}]`));
      } else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          // a ConfigMap's script: a `#!` line naming a shell, or a `.sh` key (a file the others source)
          if (p === 'data' && typeof x === 'string' && (x.startsWith('#!') || k.endsWith('.sh'))) {
            const first = x.startsWith('#!') ? x.slice(0, x.indexOf('\n')) : '#!/bin/sh';
            if (/\b(ba|da)?sh\b/.test(first)) out.push({ where: `${at} data.${k}`, shell: /bash/.test(first) ? 'bash' : 'sh', text: x, object: at, name: k });
            continue;
          }
          walk(x, p ? `${p}.${k}` : k);
        }
      }
    };
    walk(o, '');
  }
  return out;
}

/** shellcheck's findings for each script (one run for all), as `where: line: SCxxxx message`. */
function shellcheck(scripts: Script[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-shellcheck-'));
  try {
    const folders = [...new Set(scripts.map((s) => s.object))];
    const files = scripts.map((s) => {
      const f = path.join(dir, String(folders.indexOf(s.object)), s.name);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, s.text);
      return f;
    });
    const problems: string[] = [];
    for (const shell of ['sh', 'bash'] as const) {
      const mine = files.filter((_f, i) => scripts[i].shell === shell);
      if (mine.length === 0) continue;
      const r = spawnSync('shellcheck', ['--shell', shell, '--severity', 'style', '--external-sources', '--source-path=SCRIPTDIR', '--format', 'json1', ...mine], { encoding: 'utf8' });
      if (r.error) throw r.error;
      if (r.status !== 0 && r.status !== 1) throw new Error(`shellcheck failed: ${r.stderr}`);
      for (const c of JSON.parse(r.stdout).comments) {
        const s = scripts[files.indexOf(c.file)];
        problems.push(`${s.where}: line ${c.line}: SC${c.code} (${c.level}) ${c.message} -> ${s.text.split('\n')[c.line - 1]?.trim()}`);
      }
    }
    return problems;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const variants = () => [
  ...environments().map((e) => ({ name: e.name, objects: objectsOf(e) })),
  // With redis.tls every redis-cli of the scripts and probes carries --tls --cacert <file>.
  ...[{ engine: 'redis' }, { engine: 'valkey' }, { mode: 'managed', managed: MANAGED },
    ...(['redis', 'valkey'] as const).map((engine) => ({ engine, url: 'rediss://redis:6379/0', tls: { enabled: true } }))].map((redis) => {
    const env = cacheEnv(redis, 'staging');
    return { name: `staging (redis: ${JSON.stringify(redis)})`, objects: objectsOf(env) };
  }),
];

test('every generated shell script passes shellcheck, in every fixture environment and cache engine', () => {
  const scripts = variants().flatMap((v) => shellScripts(v.objects, v.name));
  // the scripts the output is known to hold are among them
  const where = scripts.map((s) => s.where).join('\n');
  for (const k of ['common.sh', 'start-redis.sh', 'start-sentinel.sh', 'prestop-redis.sh']) expect(where).toContain(`ConfigMap/redis-node data.${k}`);
  expect(where).toContain('ConfigMap/valkey-node data.start-redis.sh');
  // the TLS variants' scripts and probes (redis-cli --tls --cacert ...) are among them
  expect(scripts.filter((s) => s.text.includes('-cli --tls --cacert /etc/pensioen/redis-tls/ca.crt')).map((s) => s.name).sort()).toEqual(expect.arrayContaining(['common.sh', 'prestop-redis.sh', 'inline-0']));
  expect(where).toMatch(/Job\/\S+ spec\.template\.spec\.containers\[0\]\.command/);
  expect(where).toMatch(/Deployment\/backend spec\.template\.spec\.initContainers\[0\]\.command/);
  expect(scripts.length).toBeGreaterThan(5);
  expect(shellcheck(scripts)).toEqual([]);
});

test('the check finds what shellcheck finds (a script with an unquoted variable fails)', () => {
  const bad = shellScripts([{ kind: 'Job', metadata: { name: 'x' }, spec: { command: ['sh', '-c', 'cd $DIR && ls'] } }], 't');
  expect(bad).toHaveLength(1);
  expect(shellcheck(bad).join('\n')).toMatch(/SC2086/);
});

test('every script file under lib/ (lib/redis/scripts/, lib/database/scripts/) passes shellcheck as it is in the repository', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.sh')) files.push(path.join(dir, e.name));
    }
  };
  walk(path.join(ROOT, 'lib'));
  files.sort();
  const rel = files.map((f) => path.relative(ROOT, f));
  expect(rel).toEqual(expect.arrayContaining(['lib/redis/scripts/common.sh', 'lib/redis/scripts/start-redis.sh', 'lib/database/scripts/schema-wait.sh', 'lib/database/scripts/migrate.sh']));
  const r = spawnSync('shellcheck', ['--shell', 'sh', '--severity', 'style', '--external-sources', '--source-path=SCRIPTDIR', ...files], { encoding: 'utf8' });
  if (r.error) throw r.error;
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});
