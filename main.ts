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
import { DatabaseChart } from './charts/database';
import { ExternalSecretsChart } from './charts/external-secrets';
import { FrontendChart } from './charts/frontend';
import { GatewayChart } from './charts/gateway';
import { IngressChart } from './charts/ingress';
import { MigrationsChart } from './charts/migrations';
import { MonitoringChart } from './charts/monitoring';
import { NamespaceChart } from './charts/namespace';
import { NetworkPoliciesChart } from './charts/network-policies';
import { RedisChart } from './charts/redis';
import { SmokeChart, SmokeJobChart } from './charts/smoke';
import { chartsToJson } from './lib/constructs/charts-to-json';
import type { EnvChart } from './lib/constructs/env-chart';
import { type Environment, loadEnvironments } from './lib/config';
import { configWarnings } from './lib/config/warnings';
import { CliError, EXIT, projectRoot, runCli, shown } from './lib/cli/errors';
import { monitoringNotices } from './lib/monitoring/edge';
import { type ManifestFile, OutputRefused, recoverInterrupted, toYaml, writeTree, writeTreeAtomically } from './lib/output/write';
import { withSyncAnnotations } from './lib/output/sync-waves';
import { runningEdges } from './lib/config/edge';
import { contextOf, formatFinding, validateEnvironments, validateObjects, withSectionBlame, yaml11TreeFindings } from './lib/validate';

/** Builds the cdk8s App of one environment; its charts in apply order. */
export function buildApp(env: Environment): { app: App; charts: EnvChart[] } {
  const app = new App();
  const charts: EnvChart[] = [
    new NamespaceChart(app, env),
    ...(env.config.secretsProvider.type === 'external-secrets' ? [new ExternalSecretsChart(app, env)] : []),
    ...(env.config.database.mode === 'cloudnative-pg' ? [new DatabaseChart(app, env)] : []),
    ...(env.config.migrations.enabled ? [new MigrationsChart(app, env)] : []),
    new BackendChart(app, env),
    new FrontendChart(app, env),
    new NetworkPoliciesChart(app, env),
    new RedisChart(app, env),
    // The edge, and during a migration (edge.migrateFrom) the one being retired too: 40-ingress.yaml, 40-gateway.yaml.
    ...runningEdges(env.config.edge).sort().map((k) => (k === 'gateway' ? new GatewayChart(app, env) : new IngressChart(app, env))),
    ...(env.config.monitoring.enabled ? [new MonitoringChart(app, env)] : []),
    ...(env.config.delivery.smoke.enabled ? [new SmokeChart(app, env)] : []),
    ...(env.config.delivery.smoke.enabled && !env.config.gitops.enabled ? [new SmokeJobChart(app, env)] : []),
  ];
  return { app, charts };
}

/** The manifest files of one environment, paths relative to the output folder. */
export function synthEnvironment(env: Environment): ManifestFile[] {
  // Every object gets its Argo CD sync-wave (and SkipDryRunOnMissingResource for custom resources).
  const { charts } = buildApp(env);
  const objects = chartsToJson(charts);
  return charts.map((chart, i) => ({ path: `${env.name}/${chart.file}`, objects: objects[i].map(withSyncAnnotations) }));
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

/** Arguments; the defaults (config/, dist/) are the project's own folders wherever synth is started from. */
function parseArgs(argv: string[]): Options {
  const root = projectRoot();
  const opts: Options = { configDir: path.join(root, 'config'), outDir: path.join(root, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config' || a === '--out') {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new CliError([`synth: ${a} needs a folder (usage: synth [--config DIR] [--out DIR])`], EXIT.usage);
      if (a === '--config') opts.configDir = path.resolve(v);
      else opts.outDir = path.resolve(v);
    } else throw new CliError([`synth: unknown argument "${a}" (allowed: --config DIR, --out DIR)`], EXIT.usage);
  }
  // Under `cdk8s synth` the CLI names a scratch folder it has just emptied: dist/ is still written
  // atomically here, and the result is mirrored there so that the CLI lists it.
  const cli = process.env.CDK8S_OUTDIR;
  if (cli && path.resolve(cli) !== path.resolve(opts.outDir)) opts.mirrorDir = cli;
  return opts;
}

/** `npm run synth`: exit 0 written, 1 input refused, 2 bad usage, 3 output not written (docs/cli.md). */
export function main(argv: string[]): number {
  let out = 'dist';
  return runCli('synth', () => {
    const opts = parseArgs(argv);
    out = shown(opts.outDir);
    // A switch a crash interrupted is undone before anything else (lib/output/write.ts).
    const recovered = recoverInterrupted(opts.outDir);
    if (recovered) process.stderr.write(`synth: ${recovered}\n`);
    const envs = loadEnvironments(opts.configDir);
    // Gaps that do not stop the synth (lib/config/warnings.ts).
    for (const w of envs.flatMap(configWarnings)) process.stderr.write(`synth: warning: ${w}\n`);
    // Validation gate (lib/validate): nothing is written when any object would be rejected.
    const synthesized = envs.map((env) => ({ env, files: synthEnvironment(env) }));
    const gateStart = performance.now();
    const argocd = synthArgocd(synthesized);
    const findings = [...validateEnvironments(synthesized), ...withSectionBlame(validateObjects(argocd.flatMap((f) => f.objects), contextOf(undefined)), argocd)];
    if (process.env.PENSIOEN_SYNTH_DEBUG) process.stderr.write(`synth: validation gate ${(performance.now() - gateStart).toFixed(1)} ms\n`);
    if (findings.length > 0) {
      process.stderr.write(`${findings.map(formatFinding).join('\n')}\nsynth failed: ${findings.length} validation finding(s); nothing was written (${out}/ is unchanged)\n`);
      return EXIT.invalid;
    }
    const files = renderSynthesized(synthesized, argocd);
    // The files as kubectl, Argo CD and the API server read them (YAML 1.1) must hold what the gate checked.
    const misread = yaml11TreeFindings(files, envs);
    if (misread.length > 0) {
      process.stderr.write(`${misread.map(formatFinding).join('\n')}\nsynth failed: ${misread.length} value(s) read differently by YAML 1.1 readers; nothing was written (${out}/ is unchanged)\n`);
      return EXIT.invalid;
    }
    try {
      writeTreeAtomically(opts.outDir, files);
    } catch (e) {
      if (e instanceof OutputRefused) throw new CliError([`synth: ${shown(e.dir)}: ${e.reason}`, `synth failed: nothing was written (${out}/ is unchanged)`], EXIT.output);
      throw e;
    }
    if (opts.mirrorDir) writeTree(opts.mirrorDir, files);
    // Synth writes only the output folder (and its scratch siblings .<out>.synth-new/-old, lib/output/write.ts):
    // the generated docs, docs/architecture/ included, are `npm run docs`'s.
    process.stdout.write(`synth: wrote ${files.size} files for ${envs.map((e) => e.name).join(', ')} to ${out}/\n`);
    // What the environment's config switched off and why (e.g. edge alerts its edge cannot feed).
    for (const { env } of synthesized) for (const n of monitoringNotices(env)) process.stdout.write(`synth: ${env.name}: ${n}\n`);
    return EXIT.ok;
  }, { trailer: (n) => `synth failed: ${n} problem(s); nothing was written (${out}/ is unchanged)` });
}
