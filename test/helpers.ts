/** Shared test helpers: synthesize an environment in memory and find objects in it. */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, parseConfig, type Environment, loadEnvironments } from '../lib/config';
import { synthEnvironment } from '../lib/pipeline';

export const ROOT = path.resolve(__dirname, '..');
/** The user's environments: only tests about config/ itself read it (the gate, dist/ and generated docs are current). */
export const CONFIG_DIR = path.join(ROOT, 'config');
/** The tests' own environments (test/fixtures/README.md says what each covers): behaviour tests read these. */
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

let fixtureEnvs: readonly Environment[] | undefined;
/** Every fixture environment in test/fixtures/, validated (loaded once per test file). */
export function environments(): Environment[] {
  fixtureEnvs ??= loadEnvironments(FIXTURES);
  // Deep copies, so a test that edits its environment cannot change another test's (the files of a shard share
  // this module). JSON, not structuredClone: that is the outer realm's, and its arrays fail the emitter's
  // `Array.prototype` check inside Jest's sandbox. A config is JSON data.
  return JSON.parse(JSON.stringify(fixtureEnvs)) as Environment[];
}

export function environment(name: string): Environment {
  const env = environments().find((e) => e.name === name);
  if (!env) throw new Error(`no test/fixtures/${name}.yaml`);
  return env;
}

/** The text of a fixture config file (a behaviour test edits a copy of it). */
export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, `${name}.yaml`), 'utf8');
}

/** Every environment in config/ (the user's files): for tests of dist/, the generated docs and the gate on config/. */
export function configEnvironments(): Environment[] {
  return loadEnvironments(CONFIG_DIR);
}

/** The problems the config loader reports for this YAML as `file` (empty: it loads). */
export function configProblems(yaml: string, file = 'config/x.yaml'): string[] {
  try {
    parseConfig(file, yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

/** An environment from inline YAML (for tests of one setting). */
export function inlineEnvironment(name: string, yaml: string): Environment {
  return { name, file: `config/${name}.yaml`, config: parseConfig(`config/${name}.yaml`, yaml) };
}

/** All objects of an environment, in apply order, each with the file it is written to. */
const synthesizedFixtures = new Map<string, (Record<string, any> & { __file: string })[]>();
export function objectsOf(env: Environment | string): (Record<string, any> & { __file: string })[] {
  if (typeof env === 'string') {
    // A fixture by name: synthesized once per test file; each caller gets its own copy to read or change.
    if (!synthesizedFixtures.has(env)) synthesizedFixtures.set(env, synth(environment(env)));
    return structuredClone(synthesizedFixtures.get(env)!);
  }
  return synth(env);
}
const synth = (e: Environment) => synthEnvironment(e).flatMap((f) => f.objects.map((o) => ({ ...o, __file: f.path })));

/** The one object of this kind and name; fails the test when there is none or more than one. */
export function find(objects: Record<string, any>[], kind: string, name: string): Record<string, any> {
  const hits = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${hits.length}`);
  return hits[0];
}

/** The Deployment of this name, or with `delivery.strategy: canary` the Argo Rollouts Rollout that replaces it. */
export function workloadOf(objects: Record<string, any>[], name: string): Record<string, any> {
  const hits = objects.filter((o) => (o.kind === 'Deployment' || o.kind === 'Rollout') && o.metadata?.name === name);
  if (hits.length !== 1) throw new Error(`expected one Deployment or Rollout ${name}, found ${hits.length}`);
  return hits[0];
}

/** Every pod template (or pod) spec in the objects, with the workload it belongs to. */
export function podSpecs(objects: Record<string, any>[]): { owner: string; spec: Record<string, any>; claims: string[] }[] {
  const out: { owner: string; spec: Record<string, any>; claims: string[] }[] = [];
  for (const o of objects) {
    const spec = o.kind === 'Pod' ? o.spec
      : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec
        : o.spec?.template?.spec;
    if (spec && ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet', 'Rollout'].includes(o.kind)) {
      out.push({ owner: `${o.kind}/${o.metadata.name}`, spec, claims: (o.spec?.volumeClaimTemplates ?? []).map((c: any) => c.metadata.name) });
    }
  }
  return out;
}

/**
 * Every `topologySpreadConstraints` list anywhere in the objects (any depth): pod templates of our workloads and
 * of the operators' custom resources (a CloudNativePG Cluster keeps it in `spec`, a Pooler in `spec.template.spec`).
 */
export function topologySpreads(objects: Record<string, any>[]): { owner: string; at: string; constraints: Record<string, any>[] }[] {
  const out: { owner: string; at: string; constraints: Record<string, any>[] }[] = [];
  const walk = (owner: string, v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(owner, x, `${at}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'topologySpreadConstraints' && Array.isArray(x)) out.push({ owner, at: `${at}.${k}`, constraints: x });
        else walk(owner, x, `${at}.${k}`);
      }
    }
  };
  for (const o of objects) walk(`${o.kind}/${o.metadata?.name}`, o.spec, 'spec');
  return out;
}
