/** Shared test helpers: synthesize an environment in memory and find objects in it. */
import * as path from 'path';
import { parseConfig, type Environment, loadEnvironments } from '../lib/config';
import { synthEnvironment } from '../main';

export const ROOT = path.resolve(__dirname, '..');
export const CONFIG_DIR = path.join(ROOT, 'config');

/** Every environment in config/, validated. */
export function environments(): Environment[] {
  return loadEnvironments(CONFIG_DIR);
}

export function environment(name: string): Environment {
  const env = environments().find((e) => e.name === name);
  if (!env) throw new Error(`no config/${name}.yaml`);
  return env;
}

/** An environment from inline YAML (for tests of one setting). */
export function inlineEnvironment(name: string, yaml: string): Environment {
  return { name, file: `config/${name}.yaml`, config: parseConfig(`config/${name}.yaml`, yaml) };
}

/** All objects of an environment, in apply order, each with the file it is written to. */
export function objectsOf(env: Environment | string): (Record<string, any> & { __file: string })[] {
  const e = typeof env === 'string' ? environment(env) : env;
  return synthEnvironment(e).flatMap((f) => f.objects.map((o) => ({ ...o, __file: f.path })));
}

/** The one object of this kind and name; fails the test when there is none or more than one. */
export function find(objects: Record<string, any>[], kind: string, name: string): Record<string, any> {
  const hits = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${hits.length}`);
  return hits[0];
}

/** Every pod template (or pod) spec in the objects, with the workload it belongs to. */
export function podSpecs(objects: Record<string, any>[]): { owner: string; spec: Record<string, any>; claims: string[] }[] {
  const out: { owner: string; spec: Record<string, any>; claims: string[] }[] = [];
  for (const o of objects) {
    const spec = o.kind === 'Pod' ? o.spec
      : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec
        : o.spec?.template?.spec;
    if (spec && ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'].includes(o.kind)) {
      out.push({ owner: `${o.kind}/${o.metadata.name}`, spec, claims: (o.spec?.volumeClaimTemplates ?? []).map((c: any) => c.metadata.name) });
    }
  }
  return out;
}
