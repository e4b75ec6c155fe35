/**
 * Hardened defaults for containers and pods: Pod Security Standards "restricted" (non-root, no privilege
 * escalation, every capability dropped, RuntimeDefault seccomp, read-only root filesystem with emptyDirs
 * where a process must write), requests and limits, probes, graceful shutdown and topology spread.
 */
import { JsonPatch } from 'cdk8s';
import { k8s } from './';
import type { EnvContext } from '../config/context';

export interface ResourceSpec {
  readonly requests: { readonly cpu: string; readonly memory: string; readonly 'ephemeral-storage': string };
  readonly limits: { readonly cpu: string; readonly memory: string; readonly 'ephemeral-storage': string };
}

export interface ProbeTiming {
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export interface HardenedContainerProps {
  readonly name: string;
  readonly image: string;
  /** Named container ports; the first is the one probes default to. */
  readonly ports?: { readonly name: string; readonly containerPort: number }[];
  readonly env?: k8s.EnvVar[];
  readonly command?: string[];
  readonly args?: string[];
  readonly resources: ResourceSpec;
  /** Required for serving containers (the gate checks it); left out for init containers and Job pods. */
  readonly livenessProbe?: k8s.Probe;
  readonly readinessProbe?: k8s.Probe;
  readonly startupProbe?: k8s.Probe;
  /** Paths the process writes to; each gets a volume mount of an emptyDir named after it. */
  readonly writablePaths?: string[];
  readonly volumeMounts?: k8s.VolumeMount[];
  /** UID and GID the container runs as; defaults to the pod's. */
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  /** Lifecycle hooks. A `Workload` adds its preStop sleep to them (it must then have no preStop of its own). */
  readonly lifecycle?: k8s.Lifecycle;
}

/** The restricted-profile container securityContext. */
export function restrictedSecurityContext(runAsUser?: number, runAsGroup?: number): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    ...(runAsUser !== undefined ? { runAsUser } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup } : {}),
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** emptyDir volume name for a writable path: `/app/.next/cache` becomes `app-next-cache`. */
export function volumeNameForPath(p: string): string {
  const name = p.replace(/[^a-z0-9]+/gi, '-').replace(/^-+|-+$/g, '').toLowerCase();
  return name.length > 0 ? name.slice(0, 63).replace(/-+$/, '') : 'root';
}

export function quantities(r: ResourceSpec): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory), 'ephemeral-storage': k8s.Quantity.fromString(r.requests['ephemeral-storage']) },
    limits: { cpu: k8s.Quantity.fromString(r.limits.cpu), memory: k8s.Quantity.fromString(r.limits.memory), 'ephemeral-storage': k8s.Quantity.fromString(r.limits['ephemeral-storage']) },
  };
}

export function httpProbe(path: string, port: string | number, t: ProbeTiming): k8s.Probe {
  return {
    httpGet: { path, port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port), scheme: 'HTTP' },
    initialDelaySeconds: t.initialDelaySeconds,
    periodSeconds: t.periodSeconds,
    timeoutSeconds: t.timeoutSeconds,
    failureThreshold: t.failureThreshold,
    successThreshold: 1,
  };
}

/** A TCP check of a port: the process accepts connections (dependency-free liveness). */
export function tcpProbe(port: string | number, t: ProbeTiming): k8s.Probe {
  return {
    tcpSocket: { port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port) },
    initialDelaySeconds: t.initialDelaySeconds,
    periodSeconds: t.periodSeconds,
    timeoutSeconds: t.timeoutSeconds,
    failureThreshold: t.failureThreshold,
    successThreshold: 1,
  };
}

/**
 * Liveness and startup probes of a serving container from its config: an HTTP GET of `liveness.path` when
 * set, else a TCP check of the port. Never the readiness path: readiness may check the database and Redis,
 * liveness must not (a database failover would restart every pod at once).
 */
export function livenessAndStartup(port: string | number, liveness: ProbeTiming & { path?: string },
  startup: { periodSeconds: number; timeoutSeconds: number; failureThreshold: number }): { livenessProbe: k8s.Probe; startupProbe: k8s.Probe } {
  const check = (t: ProbeTiming) => (liveness.path ? httpProbe(liveness.path, port, t) : tcpProbe(port, t));
  return {
    livenessProbe: check(liveness),
    startupProbe: check({ initialDelaySeconds: 0, ...startup }),
  };
}

/** A probe that runs a command in the container (for servers without HTTP, such as Redis). */
export function execProbe(command: string[], t: ProbeTiming): k8s.Probe {
  return { exec: { command }, ...t, successThreshold: 1 };
}

export function hardenedContainer(props: HardenedContainerProps): k8s.Container {
  const writable = (props.writablePaths ?? []).map((p) => ({ name: volumeNameForPath(p), mountPath: p }));
  return {
    name: props.name,
    image: props.image,
    imagePullPolicy: 'IfNotPresent',
    ...(props.command ? { command: props.command } : {}),
    ...(props.args ? { args: props.args } : {}),
    ...(props.ports ? { ports: props.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })) } : {}),
    ...(props.env && props.env.length > 0 ? { env: props.env } : {}),
    resources: quantities(props.resources),
    ...(props.livenessProbe ? { livenessProbe: props.livenessProbe } : {}),
    ...(props.readinessProbe ? { readinessProbe: props.readinessProbe } : {}),
    ...(props.startupProbe ? { startupProbe: props.startupProbe } : {}),
    ...(props.lifecycle ? { lifecycle: props.lifecycle } : {}),
    securityContext: restrictedSecurityContext(props.runAsUser, props.runAsGroup),
    ...(writable.length + (props.volumeMounts?.length ?? 0) > 0 ? { volumeMounts: [...writable, ...(props.volumeMounts ?? [])] } : {}),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

export interface HardenedPodProps {
  readonly serviceAccountName: string;
  readonly containers: k8s.Container[];
  readonly initContainers?: k8s.Container[];
  /** Labels that identify this workload's pods, for topology spread. */
  readonly selector: Record<string, string>;
  readonly volumes?: k8s.Volume[];
  /** Writable paths of all containers (emptyDir volumes). */
  readonly writablePaths?: string[];
  /**
   * How strictly pods spread over nodes: `DoNotSchedule` never puts two more pods on one node than on
   * another, `ScheduleAnyway` prefers not to. Default: the environment's `pod.spread.nodes`.
   */
  readonly nodeSpread?: 'DoNotSchedule' | 'ScheduleAnyway';
  /** Default: the environment's `pod.spread.zones`. */
  readonly zoneSpread?: 'DoNotSchedule' | 'ScheduleAnyway';
  /** Pod-template-hash keeps the spread per ReplicaSet during rolling updates (Deployments only). */
  readonly perRevisionSpread?: boolean;
  /** The label with the ReplicaSet's pod-template hash (`rollouts-pod-template-hash` under Argo Rollouts). Default: `pod-template-hash`. */
  readonly revisionHashLabel?: string;
  /** `false` for a single pod that is never spread (a Job's one pod). Default: spread over nodes and zones. */
  readonly spread?: boolean;
  /** Default: the environment's `pod.terminationGracePeriodSeconds`. */
  readonly terminationGracePeriodSeconds?: number;
}

/** `hard`/`soft` of `pod.spread` as a topology spread constraint's `whenUnsatisfiable`. */
export function whenUnsatisfiable(v: 'hard' | 'soft'): 'DoNotSchedule' | 'ScheduleAnyway' {
  return v === 'hard' ? 'DoNotSchedule' : 'ScheduleAnyway';
}

/** The environment's image pull Secrets (`pod.imagePullSecrets`), referenced by every pod. */
export function imagePullSecretsOf(env: EnvContext): k8s.LocalObjectReference[] | undefined {
  const names = env.config.pod.imagePullSecrets;
  return names.length > 0 ? names.map((name) => ({ name })) : undefined;
}

/**
 * Every topology spread the output defines counts only nodes the pod may run on, ours and the operators' pod
 * templates alike (CloudNativePG Cluster and Pooler): see `hardenedPodSpec`.
 */
export const SPREAD_HONOR = { nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor' } as const;

/**
 * A pod spec under the restricted profile, spread across nodes and zones, with no service account token.
 *
 * The spread counts only nodes the pod may run on (`nodeTaintsPolicy: Honor`, `nodeAffinityPolicy: Honor`;
 * beta and on by default since Kubernetes 1.26): with the default `Ignore` for taints, tainted control-plane
 * nodes count as empty domains and a hard spread leaves replicas Pending on a 3-worker cluster.
 */
export function hardenedPodSpec(env: EnvContext, props: HardenedPodProps): k8s.PodSpec {
  const pod = env.config.pod;
  const pullSecrets = imagePullSecretsOf(env);
  const emptyDirs = [...new Set(props.writablePaths ?? [])].map((p) => ({ name: volumeNameForPath(p), emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }));
  const spread = (topologyKey: string, whenUnsatisfiable: string): k8s.TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: props.selector },
    ...SPREAD_HONOR,
    ...(props.perRevisionSpread ? { matchLabelKeys: [props.revisionHashLabel ?? 'pod-template-hash'] } : {}),
  });
  return {
    serviceAccountName: props.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: pod.runAsUser,
      runAsGroup: pod.runAsGroup,
      fsGroup: pod.fsGroup,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    },
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? pod.terminationGracePeriodSeconds,
    ...(pullSecrets ? { imagePullSecrets: pullSecrets } : {}),
    ...(props.initContainers ? { initContainers: props.initContainers } : {}),
    containers: props.containers,
    ...(props.spread === false ? {} : {
      topologySpreadConstraints: [
        spread('kubernetes.io/hostname', props.nodeSpread ?? whenUnsatisfiable(pod.spread.nodes)),
        spread('topology.kubernetes.io/zone', props.zoneSpread ?? whenUnsatisfiable(pod.spread.zones)),
      ],
    }),
    ...(emptyDirs.length + (props.volumes?.length ?? 0) > 0 ? { volumes: [...emptyDirs, ...(props.volumes ?? [])] } : {}),
  };
}

/**
 * A preStop `sleep` (Kubernetes >= 1.30) for every container of a pod template, so that a terminating pod
 * keeps serving while the endpoints and ingress controllers stop sending it traffic.
 *
 * The Kubernetes 1.27 types of cdk8s-plus-27 have the preStop handler but not its `sleep` action. So each
 * container gets a typed preStop handler with no action yet, next to the hooks it already has (a postStart
 * stays), and `patches(at)` are the JSON patches (`ApiObject.addJsonPatch`) that add the `sleep` action to those
 * handlers in the rendered object whose pod template is at `at` (a Deployment's: `/spec/template`). A container
 * must not have a preStop of its own: a handler takes exactly one action.
 */
export function withPreStopSleep(template: k8s.PodTemplateSpec, seconds: number): { template: k8s.PodTemplateSpec; patches: (at: string) => JsonPatch[] } {
  const spec = template.spec;
  if (seconds <= 0 || !spec) return { template, patches: () => [] };
  const taken = spec.containers.filter((c) => c.lifecycle?.preStop).map((c) => c.name);
  if (taken.length > 0) throw new Error(`withPreStopSleep: containers ${taken.join(', ')} already have a preStop handler; a handler takes one action`);
  return {
    template: { ...template, spec: { ...spec, containers: spec.containers.map((c) => ({ ...c, lifecycle: { ...c.lifecycle, preStop: {} } })) } },
    patches: (at) => spec.containers.map((_, i) => JsonPatch.add(`${at}/spec/containers/${i}/lifecycle/preStop/sleep`, { seconds })),
  };
}
