/**
 * Entry point: one cdk8s App per environment (`config/<env>.yaml`), synthesized into `dist/<env>/`.
 *
 *   npm run synth                      # every environment into dist/
 *   node bin/synth.js --config DIR --out DIR
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { synthArgocd, type SynthesizedEnvironment } from './charts/argocd';
import { BackendChart } from './charts/backend';
import { ExternalSecretsChart } from './charts/external-secrets';
import { FrontendChart } from './charts/frontend';
import { IngressChart } from './charts/ingress';
import { MonitoringChart } from './charts/monitoring';
import { NamespaceChart } from './charts/namespace';
import { NetworkPoliciesChart } from './charts/network-policies';
import { RedisChart } from './charts/redis';
import type { EnvChart } from './lib/constructs/env-chart';
import { ConfigError, type Environment, loadEnvironments } from './lib/config';
import { type ManifestFile, toYaml, writeTree, writeTreeAtomically } from './lib/output/write';
import { withSyncAnnotations } from './lib/output/sync-waves';
import { contextOf, formatFinding, validateEnvironments, validateObjects } from './lib/validate';

/** Builds the cdk8s App of one environment; its charts in apply order. */
export function buildApp(env: Environment): { app: App; charts: EnvChart[] } {
  const app = new App();
  const charts: EnvChart[] = [
    new NamespaceChart(app, env),
    ...(env.config.secretsProvider.type === 'external-secrets' ? [new ExternalSecretsChart(app, env)] : []),
    new BackendChart(app, env),
    new FrontendChart(app, env),
    new NetworkPoliciesChart(app, env),
    new RedisChart(app, env),
    new IngressChart(app, env),
    ...(env.config.monitoring.enabled ? [new MonitoringChart(app, env)] : []),
  ];
  return { app, charts };
}

/** The manifest files of one environment, paths relative to the output folder. */
export function synthEnvironment(env: Environment): ManifestFile[] {
  // Every object gets its Argo CD sync-wave (and SkipDryRunOnMissingResource for custom resources).
  return buildApp(env).charts.map((chart) => ({ path: `${env.name}/${chart.file}`, objects: chart.toJson().map(withSyncAnnotations) }));
}

/** Every environment's files, rendered to YAML. */
export function renderAll(envs: Environment[]): Map<string, string> {
  return renderSynthesized(envs.map((env) => ({ env, files: synthEnvironment(env) })));
}

/** Synthesized environments rendered to YAML, plus dist/argocd/ (the Argo CD objects of every environment). */
export function renderSynthesized(synthesized: SynthesizedEnvironment[], argocd: ManifestFile[] = synthArgocd(synthesized)): Map<string, string> {
  const files = new Map<string, string>();
  for (const { env, files: envFiles } of synthesized) {
    for (const f of envFiles) files.set(f.path, toYaml(f.objects, env.name));
  }
  for (const f of argocd) files.set(f.path, toYaml(f.objects, '*'));
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
    // Validation gate (lib/validate): nothing is written when any object would be rejected.
    const synthesized = envs.map((env) => ({ env, files: synthEnvironment(env) }));
    const gateStart = performance.now();
    const argocd = synthArgocd(synthesized);
    const findings = [...validateEnvironments(synthesized), ...validateObjects(argocd.flatMap((f) => f.objects), contextOf(undefined))];
    if (process.env.PENSIOEN_SYNTH_DEBUG) process.stderr.write(`synth: validation gate ${(performance.now() - gateStart).toFixed(1)} ms\n`);
    if (findings.length > 0) {
      process.stderr.write(`${findings.map(formatFinding).join('\n')}\nsynth failed: ${findings.length} validation finding(s); nothing was written (${opts.outDir}/ is unchanged)\n`);
      return 1;
    }
    const files = renderSynthesized(synthesized, argocd);
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
