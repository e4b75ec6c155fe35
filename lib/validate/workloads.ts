/** Where the pod templates are: the pod spec and labels of every workload kind. */
import type { K8sObject } from './types';

/** Argo Rollouts' Rollout (argoproj.io) keeps its pod template where a Deployment does (`spec.template`). */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Rollout'];

export interface PodTemplate {
  readonly owner: K8sObject;
  readonly spec: Record<string, any>;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** The pod template of a workload (the pod itself for a Pod); undefined for other kinds. */
export function podTemplateOf(o: K8sObject): PodTemplate | undefined {
  if (!WORKLOAD_KINDS.includes(o?.kind)) return undefined;
  const tpl = o.kind === 'Pod' ? o : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  if (!tpl?.spec || typeof tpl.spec !== 'object') return undefined;
  return { owner: o, spec: tpl.spec, labels: tpl.metadata?.labels ?? {}, annotations: tpl.metadata?.annotations ?? {} };
}

/**
 * Pods an operator creates from a custom resource in the output, as templates (labels and container ports),
 * so that NetworkPolicies, PodMonitors, Services and PDBs may select them: CloudNativePG 1.30 instance pods
 * of a Cluster (`cnpg.io/cluster`, `cnpg.io/podRole: instance`; ports postgresql 5432, metrics 9187, status
 * 8000) and the PgBouncer pods of a Pooler (`cnpg.io/poolerName` plus the Pooler's template labels; ports
 * pgbouncer 5432, metrics 9127). Only labels every such pod carries are listed.
 */
export function operatorPodTemplates(objects: K8sObject[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  const port = (name: string, containerPort: number) => ({ name, containerPort });
  for (const o of objects) {
    if (!o.apiVersion?.startsWith('postgresql.cnpg.io/') || !o.metadata?.name) continue;
    if (o.kind === 'Cluster') {
      out.push({
        owner: o,
        labels: { 'cnpg.io/cluster': o.metadata.name, 'cnpg.io/podRole': 'instance', ...(o.spec?.inheritedMetadata?.labels ?? {}) },
        annotations: {},
        spec: { containers: [{ name: 'postgres', ports: [port('postgresql', 5432), port('metrics', 9187), port('status', 8000)] }] },
      });
    }
    if (o.kind === 'Pooler') {
      out.push({
        owner: o,
        labels: { ...(o.spec?.template?.metadata?.labels ?? {}), 'cnpg.io/poolerName': o.metadata.name },
        annotations: {},
        spec: { containers: [{ name: 'pgbouncer', ports: [port('pgbouncer', 5432), port('metrics', 9127)] }] },
      });
    }
  }
  return out;
}

export interface ContainerRef {
  readonly container: Record<string, any>;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  readonly field: string;
  /** e.g. `containers[backend]`. */
  readonly where: string;
}

export function containersOf(spec: Record<string, any>): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of Array.isArray(spec[field]) ? spec[field] : []) out.push({ container: c ?? {}, field, where: `${field}[${c?.name ?? '?'}]` });
  }
  return out;
}

/** Does `selector` (a label map) select these labels? An empty selector selects everything. */
export function matchLabels(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** A metav1.LabelSelector (matchLabels and matchExpressions) against labels. */
export function matchSelector(selector: Record<string, any> | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  if (!matchLabels(selector.matchLabels, labels)) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

export function namespaceOf(o: K8sObject): string | undefined {
  return o?.metadata?.namespace;
}
