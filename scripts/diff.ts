/**
 * `npm run diff`: what the working tree's code and config change in the rendered manifests, object by object.
 *
 *   npm run diff                       # committed dist/ (HEAD) vs a fresh in-memory synth
 *   npm run diff -- --base origin/main # dist/ at another revision vs a fresh synth (CI: the PR's base)
 *   npm run diff -- --config DIR       # another config folder
 *
 * Prints Markdown (CI appends it to $GITHUB_STEP_SUMMARY). Nothing is written; dist/ is not read from disk.
 * Secret values are never printed (see lib/output/object-diff.ts). Exits 0 (also when there are changes), 1 on a
 * configuration problem, 2 on bad usage or when the base revision cannot be read, 70 on an internal error
 * (docs/cli.md). Paths are the project's, wherever the command is started.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { CliError, EXIT, projectRoot, runCli } from '../lib/cli/errors';
import { loadEnvironments } from '../lib/config';
import { diffObjects, formatDiff, objectsOfFiles } from '../lib/output/object-diff';
import { renderAll } from '../lib/pipeline';

/** dist/ as committed at `rev` (path relative to dist's parent to file content). */
export function committedDist(root: string, rev: string, dir = 'dist'): Map<string, string> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const files = new Map<string, string>();
  const listed = git('ls-tree', '-r', '--name-only', rev, '--', `${dir}/`).split('\n').filter((f) => f.endsWith('.yaml'));
  for (const f of listed) files.set(f.slice(dir.length + 1), git('show', `${rev}:${f}`));
  return files;
}

function run(argv: string[]): number {
  return runCli('diff', () => {
    const root = projectRoot();
    let base = 'HEAD';
    let configDir = path.join(root, 'config');
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--base' || a === '--config') {
        const v = argv[++i];
        if (!v || v.startsWith('--')) throw new CliError([`diff: ${a} needs a value (allowed: --base REV, --config DIR)`], EXIT.usage);
        if (a === '--base') base = v;
        else configDir = path.resolve(v);
      } else throw new CliError([`diff: unknown argument "${a}" (allowed: --base REV, --config DIR)`], EXIT.usage);
    }
    let before: Map<string, string>;
    try {
      before = committedDist(root, base);
    } catch (e) {
      throw new CliError([`diff: cannot read dist/ at ${base}: ${String((e as Error).message).split('\n').find((l) => /fatal|error/i.test(l)) ?? String((e as Error).message).split('\n')[0]}`], EXIT.usage);
    }
    const after = renderAll(loadEnvironments(configDir));
    const diff = diffObjects(objectsOfFiles(before), objectsOfFiles(after));
    process.stdout.write(formatDiff(diff, `Rendered manifests: ${base} vs this working tree`));
    return EXIT.ok;
  }, { invalidCode: EXIT.invalid, osCode: EXIT.usage, trailer: (n) => `diff failed: ${n} problem(s)` });
}

// Run when started as a script (scripts/run-ts.js puts the bundle's path in argv[1]), not when a test imports it.
if (/(^|[\\/])diff\.(js|ts)$/.test(process.argv[1] ?? '')) process.exitCode = run(process.argv.slice(2));
