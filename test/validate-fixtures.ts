/** Fixtures of the validation-gate tests: production's objects, deliberately broken one way at a time. */
import * as path from 'path';
import { type GateContext, allFindings, contextOf } from '../lib/validate';
import type { K8sObject } from '../lib/validate/types';
import { synthEnvironment } from '../lib/pipeline';
import { ROOT, environment } from './helpers';

export const CRD_DIR = path.join(ROOT, 'crds');
/** The CRDs the project vendors (copied from ../shared/crds; the tests never need ../shared). */
export const PROJECT_CRDS = path.join(ROOT, 'crds');

/** Production's objects (a fresh deep copy each call). */
export function productionObjects(): K8sObject[] {
  return structuredClone(synthEnvironment(environment('production')).flatMap((f) => f.objects));
}

export function productionContext(): GateContext {
  return contextOf(environment('production'), CRD_DIR);
}

/** The one object of this kind and name. */
export function pick(objects: K8sObject[], kind: string, name: string): K8sObject {
  const hits = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${hits.length}`);
  return hits[0];
}

/** Findings (as `kind/name rule`) after `mutate` broke production's objects. */
export function findingsAfter(mutate: (objects: K8sObject[]) => void, ctx: GateContext = productionContext()): string[] {
  const objects = productionObjects();
  mutate(objects);
  return allFindings(objects, ctx).map((f) => `${f.kind}/${f.name} ${f.rule}: ${f.message}`);
}

/** The backend Deployment's pod spec and first container, for mutations. */
export function backendPod(objects: K8sObject[]): { spec: Record<string, any>; container: Record<string, any>; deployment: K8sObject } {
  const deployment = pick(objects, 'Deployment', 'backend');
  return { deployment, spec: deployment.spec.template.spec, container: deployment.spec.template.spec.containers[0] };
}
