/**
 * The checks kube-score and kube-linter run by default that matter here: requests and a memory limit,
 * probes, pinned image tags, PDBs and spreading for workloads with more than one replica, no replica
 * count fighting an HPA, no service-account token unless needed, no secret values in env literals.
 */
import { type Finding, type K8sObject, findingOf } from './types';
import { type PodTemplate, containersOf, matchSelector, namespaceOf, podTemplateOf } from './workloads';

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|(^|_)KEY($|_)|APIKEY|CREDENTIAL|PRIVATE)/i;
/** Flags and small numbers (`REQUIRE_PASSWORD=yes`) are settings, never secret values. */
const NOT_A_SECRET = /^(true|false|yes|no|on|off|\d{1,5})$/i;
const HOSTNAME = 'kubernetes.io/hostname';
const SCALABLE = ['Deployment', 'StatefulSet', 'ReplicaSet', 'Rollout'];

/** `latest`, or no tag and no digest. */
export function imageTagProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return 'has no image';
  if (image.includes('@')) return undefined; // pinned by digest
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon <= lastSlash) return `image ${image} has no tag`;
  if (image.slice(colon + 1) === 'latest') return `image ${image} uses the tag latest`;
  return undefined;
}

/** Checks of one pod template on its own. */
export function podPracticeFindings(t: PodTemplate, objects: K8sObject[]): Finding[] {
  const out: Finding[] = [];
  const add = (rule: string, message: string) => out.push(findingOf(t.owner, rule, message));
  const isJob = t.owner.kind === 'Job' || t.owner.kind === 'CronJob';
  for (const { container: c, field, where } of containersOf(t.spec)) {
    const problem = imageTagProblem(c.image);
    if (problem) add('image-tag', `${where}: ${problem}`);
    for (const e of c.env ?? []) {
      if (SECRET_NAME.test(String(e?.name)) && typeof e?.value === 'string' && e.value !== '' && !NOT_A_SECRET.test(e.value)) {
        add('env-secret-literal', `${where}: env ${e.name} has a literal value; take it from a Secret (valueFrom.secretKeyRef)`);
      }
    }
    if (field === 'ephemeralContainers') continue;
    if (!c.resources?.requests?.cpu) add('resources-requests', `${where}: resources.requests.cpu is not set`);
    if (!c.resources?.requests?.memory) add('resources-requests', `${where}: resources.requests.memory is not set`);
    if (!c.resources?.limits?.memory) add('resources-memory-limit', `${where}: resources.limits.memory is not set`);
    if (field !== 'containers') continue;
    // A Job's pod runs to completion; activeDeadlineSeconds bounds a hung one instead of a liveness probe.
    if (!c.livenessProbe && !isJob) add('probe-liveness', `${where}: livenessProbe is not set`);
    if (!c.readinessProbe && !isJob) add('probe-readiness', `${where}: readinessProbe is not set`);
  }
  if (t.owner.kind === 'Job' && !(t.owner as any).spec?.activeDeadlineSeconds) {
    add('job-deadline', 'spec.activeDeadlineSeconds is not set: a hung Job pod (no liveness probe) would run forever');
  }
  const sa = t.spec.serviceAccountName ?? 'default';
  const saObject = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata?.name === sa && namespaceOf(o) === namespaceOf(t.owner));
  const automount = t.spec.automountServiceAccountToken ?? saObject?.automountServiceAccountToken ?? true;
  if (automount !== false) {
    add('service-account-token', 'automountServiceAccountToken must be false (set it on the pod spec), unless the pod needs the API (then waive this rule in config)');
  }
  return out;
}

interface Scaled { readonly owner: K8sObject; readonly template: PodTemplate; readonly hpa?: K8sObject; readonly replicas: number }

function hpaFor(o: K8sObject, objects: K8sObject[]): K8sObject | undefined {
  return objects.find((h) => h.kind === 'HorizontalPodAutoscaler' && namespaceOf(h) === namespaceOf(o)
    && h.spec?.scaleTargetRef?.kind === o.kind && h.spec?.scaleTargetRef?.name === o.metadata?.name);
}

/** Workloads with more than one replica (or an HPA). */
function scaledWorkloads(objects: K8sObject[]): Scaled[] {
  const out: Scaled[] = [];
  for (const o of objects) {
    if (!SCALABLE.includes(o.kind)) continue;
    const template = podTemplateOf(o);
    if (!template) continue;
    const hpa = hpaFor(o, objects);
    const replicas = hpa ? Number(hpa.spec?.maxReplicas ?? 1) : Number(o.spec?.replicas ?? 1);
    out.push({ owner: o, template, hpa, replicas });
  }
  return out;
}

function spreadsOverHosts(t: PodTemplate): boolean {
  const anti = t.spec.affinity?.podAntiAffinity ?? {};
  const terms = [
    ...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p?.podAffinityTerm),
  ];
  if (terms.some((term: any) => term?.topologyKey === HOSTNAME && matchSelector(term.labelSelector, t.labels))) return true;
  return (t.spec.topologySpreadConstraints ?? []).some((c: any) => c?.topologyKey === HOSTNAME && matchSelector(c.labelSelector, t.labels));
}

/** Checks across objects: PDBs, spreading over hosts, replicas under an HPA. */
export function scalingFindings(objects: K8sObject[]): Finding[] {
  const out: Finding[] = [];
  for (const w of scaledWorkloads(objects)) {
    if (w.hpa && w.owner.spec?.replicas !== undefined) {
      out.push(findingOf(w.owner, 'hpa-target-replicas', `spec.replicas is set but HorizontalPodAutoscaler ${w.hpa.metadata?.name} scales it; remove spec.replicas so a sync never resets the scale`));
    }
    if (w.replicas <= 1) continue;
    const pdb = objects.find((p) => p.kind === 'PodDisruptionBudget' && namespaceOf(p) === namespaceOf(w.owner) && matchSelector(p.spec?.selector, w.template.labels));
    if (!pdb) out.push(findingOf(w.owner, 'pdb-missing', `${w.hpa ? 'scaled by an HPA' : `${w.replicas} replicas`} but no PodDisruptionBudget selects its pods`));
    if (!spreadsOverHosts(w.template)) {
      out.push(findingOf(w.owner, 'host-spread-missing', `${w.hpa ? 'scaled by an HPA' : `${w.replicas} replicas`} but no podAntiAffinity or topologySpreadConstraint on ${HOSTNAME} selects its pods`));
    }
  }
  return out;
}
