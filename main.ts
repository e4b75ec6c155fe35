/**
 * The synth's command line. The synth itself (config → charts → gate → render → write) is lib/pipeline.ts.
 *
 *   npm run synth                      # every environment into dist/
 *   node bin/synth.js --config DIR --out DIR
 */
import * as path from 'path';
import { CliError, EXIT, projectRoot, runCli, shown } from './lib/cli/errors';
import { OutputRefused } from './lib/output/write';
import { synthesize, type SynthOptions } from './lib/pipeline';
import { formatFinding } from './lib/validate';

/** Arguments; the defaults (config/, dist/) are the project's own folders wherever synth is started from. */
function parseArgs(argv: string[]): SynthOptions {
  const root = projectRoot();
  let configDir = path.join(root, 'config');
  let outDir = path.join(root, 'dist');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config' || a === '--out') {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new CliError([`synth: ${a} needs a folder (usage: synth [--config DIR] [--out DIR])`], EXIT.usage);
      if (a === '--config') configDir = path.resolve(v);
      else outDir = path.resolve(v);
    } else throw new CliError([`synth: unknown argument "${a}" (allowed: --config DIR, --out DIR)`], EXIT.usage);
  }
  // Under `cdk8s synth` the CLI names a scratch folder it has just emptied: dist/ is still written
  // atomically here, and the result is mirrored there so that the CLI lists it.
  const cli = process.env.CDK8S_OUTDIR;
  return { configDir, outDir, ...(cli && path.resolve(cli) !== path.resolve(outDir) ? { mirrorDir: cli } : {}) };
}

/** `npm run synth`: exit 0 written, 1 input refused, 2 bad usage, 3 output not written (docs/cli.md). */
export function main(argv: string[]): number {
  let out = 'dist';
  return runCli('synth', () => {
    const opts = parseArgs(argv);
    out = shown(opts.outDir);
    let result;
    try {
      result = synthesize(opts, {
        warn: (line) => process.stderr.write(`synth: ${line}\n`),
        debug: (line) => { if (process.env.PENSIOEN_SYNTH_DEBUG) process.stderr.write(`synth: ${line}\n`); },
      });
    } catch (e) {
      if (e instanceof OutputRefused) throw new CliError([`synth: ${shown(e.dir)}: ${e.reason}`, `synth failed: nothing was written (${out}/ is unchanged)`], EXIT.output);
      throw e;
    }
    if (!result.ok) {
      const what = result.stage === 'gate' ? 'validation finding(s)' : 'value(s) read differently by YAML 1.1 readers';
      process.stderr.write(`${result.findings.map(formatFinding).join('\n')}\nsynth failed: ${result.findings.length} ${what}; nothing was written (${out}/ is unchanged)\n`);
      return EXIT.invalid;
    }
    process.stdout.write(`synth: wrote ${result.files.size} files for ${result.envs.map((e) => e.name).join(', ')} to ${out}/\n`);
    // What the environment's config switched off and why (e.g. edge alerts its edge cannot feed).
    for (const n of result.notices) process.stdout.write(`synth: ${n}\n`);
    return EXIT.ok;
  }, { trailer: (n) => `synth failed: ${n} problem(s); nothing was written (${out}/ is unchanged)` });
}
