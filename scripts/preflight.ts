/**
 * npm run preflight -- <env> [--run]
 *
 * Prints the kubectl checks an environment needs before its first apply (docs/before-you-apply.md); with
 * --run, runs them against the current kubectl context and exits 1 when any fails.
 */
import { spawnSync } from 'child_process';
import { ConfigError, loadEnvironments } from '../lib/config';
import * as path from 'path';
import { crdNames, passes, preflightChecks } from '../lib/preflight';

const ROOT = path.resolve(__dirname, '..', '..');
import { synthEnvironment } from '../lib/pipeline';

function run(argv: string[]): number {
  const names = argv.filter((a) => !a.startsWith('--'));
  const execute = argv.includes('--run');
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--run');
  if (names.length !== 1 || unknown.length > 0) {
    process.stderr.write('usage: npm run preflight -- <environment> [--run]\n');
    return 2;
  }
  const envs = loadEnvironments(path.join(ROOT, 'config'));
  const env = envs.find((e) => e.name === names[0]);
  if (!env) {
    process.stderr.write(`preflight: no environment "${names[0]}" (allowed: ${envs.map((e) => e.name).join(', ')})\n`);
    return 2;
  }
  const checks = preflightChecks(env, synthEnvironment(env).flatMap((f) => f.objects), crdNames(path.join(ROOT, 'crds')));
  let failed = 0;
  for (const c of checks) {
    if (!execute) {
      process.stdout.write(`# ${c.what}${c.expect !== undefined ? ` (expect: ${String(c.expect)})` : ''}\n${c.command}\n\n`);
      continue;
    }
    const r = spawnSync('sh', ['-c', c.command], { encoding: 'utf8', timeout: 30000 });
    const ok = passes(c, r.status ?? 1, r.stdout ?? '');
    if (!ok) failed++;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${c.what}\n${ok ? '' : `     $ ${c.command}\n     ${(r.stderr || r.stdout || '').trim().split('\n')[0]}\n`}`);
  }
  if (execute) process.stdout.write(`preflight ${env.name}: ${checks.length - failed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.problems.join('\n')}\n`);
    process.exitCode = 1;
  } else throw e;
}
