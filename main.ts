/**
 * Entry point: one cdk8s App per environment (`config/<env>.yaml`), synthesized into `dist/<env>/`.
 *
 *   npm run synth                      # every environment into dist/
 *   node bin/synth.js --config DIR --out DIR
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { BackendChart } from './charts/backend';
import { FrontendChart } from './charts/frontend';
import { IngressChart } from './charts/ingress';
import { NamespaceChart } from './charts/namespace';
import { NetworkPoliciesChart } from './charts/network-policies';
import type { EnvChart } from './lib/chart';
import { ConfigError, type Environment, loadEnvironments } from './lib/config';
import { type ManifestFile, toYaml, writeTree, writeTreeAtomically } from './lib/output';

/** Builds the cdk8s App of one environment; its charts in apply order. */
export function buildApp(env: Environment): { app: App; charts: EnvChart[] } {
  const app = new App();
  const charts: EnvChart[] = [
    new NamespaceChart(app, env),
    new BackendChart(app, env),
    new FrontendChart(app, env),
    new NetworkPoliciesChart(app, env),
    new IngressChart(app, env),
  ];
  return { app, charts };
}

/** The manifest files of one environment, paths relative to the output folder. */
export function synthEnvironment(env: Environment): ManifestFile[] {
  return buildApp(env).charts.map((chart) => ({ path: `${env.name}/${chart.file}`, objects: chart.toJson() }));
}

/** Every environment's files, rendered to YAML. */
export function renderAll(envs: Environment[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const env of envs) {
    for (const f of synthEnvironment(env)) files.set(f.path, toYaml(f.objects, env.name));
  }
  return files;
}

interface Options { configDir: string; outDir: string; mirrorDir?: string }

function parseArgs(argv: string[]): Options {
  const opts: Options = { configDir: 'config', outDir: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config') opts.configDir = argv[++i];
    else if (a === '--out') opts.outDir = argv[++i];
    else throw new ConfigError([`synth: unknown argument "${a}" (allowed: --config DIR, --out DIR)`]);
  }
  // Under `cdk8s synth` the CLI names a scratch folder it has just emptied: dist/ is still written
  // atomically here, and the result is mirrored there so that the CLI lists it.
  const cli = process.env.CDK8S_OUTDIR;
  if (cli && path.resolve(cli) !== path.resolve(opts.outDir)) opts.mirrorDir = cli;
  return opts;
}

export function main(argv: string[]): number {
  let opts: Options;
  try {
    opts = parseArgs(argv);
    const envs = loadEnvironments(opts.configDir);
    const files = renderAll(envs);
    writeTreeAtomically(opts.outDir, files);
    if (opts.mirrorDir) writeTree(opts.mirrorDir, files);
    process.stdout.write(`synth: wrote ${files.size} files for ${envs.map((e) => e.name).join(', ')} to ${opts.outDir}/\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.problems.join('\n')}\nsynth failed: ${e.problems.length} problem(s); nothing was written (dist/ is unchanged)\n`);
      return 1;
    }
    throw e;
  }
}
