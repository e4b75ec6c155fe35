/**
 * `npm run diff`: what the working tree's code and config change in the rendered manifests, object by object.
 *
 *   npm run diff                       # committed dist/ (HEAD) vs a fresh in-memory synth
 *   npm run diff -- --base origin/main # dist/ at another revision vs a fresh synth (CI: the PR's base)
 *   npm run diff -- --config DIR       # another config folder
 *
 * Prints Markdown (CI appends it to $GITHUB_STEP_SUMMARY). Nothing is written; dist/ is not read from disk.
 * Secret values are never printed (see lib/output/object-diff.ts). Exits 0 (also when there are changes), 1 on a
 * configuration problem, 2 when the base revision cannot be read.
 */
import { execFileSync } from 'child_process';
import { ConfigError, loadEnvironments } from '../lib/config';
import { diffObjects, formatDiff, objectsOfFiles } from '../lib/output/object-diff';
import { renderAll } from '../main';

/** dist/ as committed at `rev` (path relative to dist's parent to file content). */
export function committedDist(root: string, rev: string, dir = 'dist'): Map<string, string> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const files = new Map<string, string>();
  const listed = git('ls-tree', '-r', '--name-only', rev, '--', `${dir}/`).split('\n').filter((f) => f.endsWith('.yaml'));
  for (const f of listed) files.set(f.slice(dir.length + 1), git('show', `${rev}:${f}`));
  return files;
}

function run(argv: string[]): number {
  let base = 'HEAD';
  let configDir = 'config';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--base') base = argv[++i];
    else if (argv[i] === '--config') configDir = argv[++i];
    else {
      process.stderr.write(`diff: unknown argument "${argv[i]}" (allowed: --base REV, --config DIR)\n`);
      return 1;
    }
  }
  let before: Map<string, string>;
  try {
    before = committedDist(process.cwd(), base);
  } catch (e) {
    process.stderr.write(`diff: cannot read dist/ at ${base}: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  try {
    const after = renderAll(loadEnvironments(configDir));
    const diff = diffObjects(objectsOfFiles(before), objectsOfFiles(after));
    process.stdout.write(formatDiff(diff, `Rendered manifests: ${base} vs this working tree`));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.problems.join('\n')}\ndiff failed: ${e.problems.length} problem(s)\n`);
      return 1;
    }
    throw e;
  }
}

// Run when started as a script (scripts/run-ts.js puts the bundle's path in argv[1]), not when a test imports it.
if (/(^|[\\/])diff\.(js|ts)$/.test(process.argv[1] ?? '')) process.exitCode = run(process.argv.slice(2));
