/**
 * Labels: the `app.kubernetes.io/*` recommended labels on every object, and the small, stable subset that
 * selectors use. A selector can never change on a live Deployment or StatefulSet, so selector labels hold
 * only what never changes for a workload (no version, no hash of a construct path).
 */
import { createHash } from 'crypto';
import type { EnvContext } from '../config/context';

export const PART_OF = 'pensioen-beslissingstool';
export const MANAGED_BY = 'cdk8s';

/** What one labelled thing is: `name` is its app name (e.g. `pensioen-backend`), `component` its role. */
export interface LabelSpec {
  readonly name: string;
  readonly component: string;
  /** Defaults to the release version (the backend image tag). */
  readonly version?: string;
}

export function instanceOf(env: EnvContext): string {
  return env.config.instance ?? `pensioen-${env.name}`;
}

/** The version of the release: the backend image's tag (or "digest" when pinned by digest only). */
export function releaseVersion(env: EnvContext): string {
  return versionOfImage(env.config.backend.image);
}

export function versionOfImage(image: string): string {
  const noDigest = image.split('@')[0];
  const lastColon = noDigest.lastIndexOf(':');
  return lastColon > noDigest.lastIndexOf('/') ? asLabelValue(noDigest.slice(lastColon + 1)) : 'digest';
}

/** A Kubernetes label value: at most 63 characters (checked apart), empty or starting and ending with a letter or digit. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * A tag as a label value (at most 63 characters, starting and ending with a letter or digit): unchanged when
 * it already is one; otherwise its first characters plus 8 hex of its SHA-256, so different tags stay different.
 */
export function asLabelValue(tag: string): string {
  if (tag.length <= 63 && LABEL_VALUE.test(tag)) return tag;
  const hash = createHash('sha256').update(tag).digest('hex').slice(0, 8);
  const head = tag.replace(/[^-A-Za-z0-9_.]/g, '-').slice(0, 54).replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
  return head ? `${head}-${hash}` : hash;
}

/** Labels that select the pods of a workload: stable for its whole life. */
export function selectorLabels(env: EnvContext, spec: LabelSpec): Record<string, string> {
  return {
    app: spec.name,
    'app.kubernetes.io/name': spec.name,
    'app.kubernetes.io/instance': instanceOf(env),
  };
}

/** Every label an object carries. */
export function labels(env: EnvContext, spec: LabelSpec): Record<string, string> {
  return {
    ...selectorLabels(env, spec),
    'app.kubernetes.io/version': spec.version ?? releaseVersion(env),
    'app.kubernetes.io/component': spec.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** `metadata` for a namespaced object. */
export function meta(env: EnvContext, name: string, spec: LabelSpec, annotations?: Record<string, string>) {
  return { name, namespace: env.config.namespace, labels: labels(env, spec), ...(annotations ? { annotations } : {}) };
}

/** `metadata` for a cluster-scoped object. */
export function clusterMeta(env: EnvContext, name: string, spec: LabelSpec) {
  return { name, labels: labels(env, spec) };
}
