/**
 * `Workload`: one stateless workload of an environment, built the one way every workload of this project is
 * built. It emits, in this order:
 *
 * 1. a ServiceAccount `<name>` with no API token;
 * 2. a Deployment `<name>` (or, with `controller`, the object that replaces it, e.g. an Argo Rollouts Rollout,
 *    built from the same pod template, selector and scale): containers from `hardenedContainer()` (restricted profile, requests and limits,
 *    probes), a pod from `hardenedPodSpec()` (non-root, seccomp, spread over nodes and zones), a rolling
 *    update that never takes a pod away before its replacement is Ready (`maxUnavailable: 0`), a preStop
 *    sleep so a terminating pod keeps serving until the endpoints forget it;
 * 3. a ClusterIP Service (unless `service: false`);
 * 4. a HorizontalPodAutoscaler `<name>-hpa` when `scale` is `{ autoscaling }` (the Deployment then has no
 *    `spec.replicas`, so a sync never resets the scale the HPA chose);
 * 5. a PodDisruptionBudget `<name>-pdb` whenever more than one pod can run (the gate's `pdb-missing` rule).
 *
 * Charts map configuration to props; `Workload` never reads a chart's config section. The environment
 * (labels, pod defaults) comes from the `EnvChart` it is created in. Props errors are coding errors (user
 * mistakes are caught by the config schema first): they throw `Workload <id>: <prop>: <problem>, got <value>`.
 */
import { type ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction, ServiceMonitorSpecEndpointsScheme } from '../../imports/prom-servicemonitors-monitoring.coreos.com';
import type { EnvContext } from '../config/context';
import { DNS_LABEL } from '../config/types';
import { k8s } from '../k8s';
import { type HardenedContainerProps, hardenedContainer, hardenedPodSpec, withPreStopSleep } from '../k8s/hardened';
import { type LabelSpec, labels, meta, selectorLabels } from '../k8s/labels';
import { KubeDeployment } from '../k8s/patched';
import { EnvChart } from './env-chart';

/** CPU-driven autoscaling: an HPA `<name>-hpa` owns the replica count. */
export interface AutoscalingSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCPUUtilizationPercentage: number;
}

/** Either a fixed replica count (`spec.replicas` written) or an HPA (no `spec.replicas`). */
export type Scale = { readonly replicas: number } | { readonly autoscaling: AutoscalingSpec };

export interface WorkloadServicePort {
  readonly name: string;
  readonly port: number;
  /**
   * The container port traffic goes to: a number, or the name of a container port.
   * @default - the container port with the same `name`
   */
  readonly targetPort?: number | string;
}

export interface WorkloadServiceProps {
  /** @default - the workload's `name` */
  readonly name?: string;
  readonly ports: WorkloadServicePort[];
}

/** What a `Workload`'s pods need besides their containers. */
export interface WorkloadPodProps {
  readonly volumes?: k8s.Volume[];
  readonly initContainers?: k8s.Container[];
  /** @default 'DoNotSchedule' (see `hardenedPodSpec`) */
  readonly nodeSpread?: 'DoNotSchedule' | 'ScheduleAnyway';
  /** Keep the spread per ReplicaSet during rolling updates (`matchLabelKeys: [pod-template-hash]`). @default true */
  readonly perRevisionSpread?: boolean;
  /** Pod template annotations (for example a config checksum that rolls the pods when a ConfigMap changes). */
  readonly annotations?: Record<string, string>;
  /** @default - the environment's `pod.terminationGracePeriodSeconds` */
  readonly terminationGracePeriodSeconds?: number;
}

export interface WorkloadProps {
  /** `metadata.name` of the Deployment and its ServiceAccount; prefix of `<name>-hpa` and `<name>-pdb`. */
  readonly name: string;
  /** What the workload is; its selector is `app`, `app.kubernetes.io/name` and `/instance` of this spec. */
  readonly labels: LabelSpec;
  /** Each built by `hardenedContainer()`. Writable paths become emptyDir volumes of the pod. */
  readonly containers: HardenedContainerProps[];
  readonly scale: Scale;
  readonly pod?: WorkloadPodProps;
  /** @default - no Service */
  readonly service?: WorkloadServiceProps | false;
  /** @default - `<name>-pdb` with maxUnavailable 1 when more than one pod can run; none otherwise */
  readonly pdb?: { readonly maxUnavailable: number } | false;
  /** @default - the environment's `pod.preStopSleepSeconds` (0: no preStop hook) */
  readonly preStopSleepSeconds?: number;
  /**
   * Where Prometheus scrapes the pods: a port of the Service (`addServiceMonitor`) and the path.
   * @default - not scraped
   */
  readonly metrics?: WorkloadMetrics;
  /** @default 5 */
  readonly revisionHistoryLimit?: number;
  /** Extra pods a rollout may start (`maxUnavailable` is always 0). @default '25%' */
  readonly maxSurge?: number | string;
  /** Run the pods with another controller than a Deployment. @default - a Deployment */
  readonly controller?: WorkloadController;
}

/** What a Deployment's pods are, for a controller that runs them instead (an Argo Rollouts Rollout). */
export interface WorkloadPods {
  readonly metadata: ReturnType<typeof meta>;
  /** Absent with an HPA (it owns the scale). */
  readonly replicas?: number;
  readonly revisionHistoryLimit: number;
  readonly selector: { matchLabels: Record<string, string> };
  /** The pod template, as JSON: what the Deployment would have had, preStop sleep included. */
  readonly template: Record<string, any>;
}

/** Another controller of a workload's pods: the HPA scales it, the pod spread follows its ReplicaSets. */
export interface WorkloadController {
  readonly apiVersion: string;
  readonly kind: string;
  /** The pod label with the hash of its ReplicaSet's template (`matchLabelKeys` of the per-revision spread). */
  readonly podTemplateHashLabel: string;
  build(scope: Construct, id: string, pods: WorkloadPods): ApiObject;
}

export interface WorkloadMetrics {
  /** The name of a Service port (and of the container port behind it). */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
}

/** A ServiceMonitor of a `Workload` (`addServiceMonitor`): what the monitoring configuration decides. */
export interface ServiceMonitorOptions {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  /** The `job` label of the scraped series, set by relabelling (so that rules do not depend on Service names). */
  readonly job: string;
  readonly interval: string;
  readonly scrapeTimeout: string;
  /** The Services it selects. @default - the workload's selector labels (its Service) */
  readonly selector?: Record<string, string>;
  /** Pod labels copied to the series (the canary's `rollouts-pod-template-hash`). @default - none */
  readonly podTargetLabels?: string[];
}

export class Workload extends Construct {
  /** The Deployment; its preStop `sleep` actions (newer than the 1.27 types) are JSON patches. None with `controller`. */
  readonly deployment?: k8s.KubeDeployment;
  /** What `controller` built in place of the Deployment (an Argo Rollouts Rollout). */
  readonly rollout?: ApiObject;
  readonly serviceAccount: k8s.KubeServiceAccount;
  readonly service?: k8s.KubeService;
  readonly hpa?: k8s.KubeHorizontalPodAutoscalerV2;
  readonly pdb?: k8s.KubePodDisruptionBudget;
  /** Labels that select this workload's pods; stable for its whole life. */
  readonly selector: Record<string, string>;
  readonly name: string;
  /** Where Prometheus scrapes the pods (`metrics` prop); undefined: not scraped. */
  readonly metrics?: WorkloadMetrics;
  private readonly containerPorts: Map<string, number>;
  private readonly servicePorts: Map<string, number>;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const env = environmentOf(this, id);
    const preStopSleepSeconds = props.preStopSleepSeconds ?? env.config.pod.preStopSleepSeconds;
    validate(id, props, preStopSleepSeconds);
    this.name = props.name;
    this.namespace = env.config.namespace;
    if (props.metrics) this.metrics = props.metrics;
    this.containerPorts = new Map(props.containers.flatMap((c) => (c.ports ?? []).map((p) => [p.name, p.containerPort] as const)));
    this.servicePorts = new Map(props.service ? props.service.ports.map((p) => [p.name, p.port] as const) : []);
    this.selector = selectorLabels(env, props.labels);
    const m = (name: string) => meta(env, name, props.labels);

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: m(props.name),
      automountServiceAccountToken: false,
    });

    const autoscaling = 'autoscaling' in props.scale ? props.scale.autoscaling : undefined;
    const maxSurge = props.maxSurge ?? '25%';
    const pod = withPreStopSleep(workloadPodTemplate(env, props, this.selector), preStopSleepSeconds);
    const deploymentProps: k8s.KubeDeploymentProps = {
      metadata: m(props.name),
      spec: {
        // With an HPA, spec.replicas is left out: otherwise every `kubectl apply` or Argo CD sync would
        // reset the scale the HPA chose.
        ...('replicas' in props.scale ? { replicas: props.scale.replicas } : {}),
        revisionHistoryLimit: props.revisionHistoryLimit ?? 5,
        selector: { matchLabels: this.selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxUnavailable: k8s.IntOrString.fromNumber(0),
            maxSurge: typeof maxSurge === 'number' ? k8s.IntOrString.fromNumber(maxSurge) : k8s.IntOrString.fromString(maxSurge),
          },
        },
        template: pod.template,
      },
    };
    if (props.controller) {
      // The same pods under another controller: the Deployment's manifest (as JSON, preStop sleep patched in)
      // without its rolling-update strategy.
      const manifest = JsonPatch.apply(k8s.KubeDeployment.manifest(deploymentProps), ...pod.patches('/spec/template'));
      const { strategy: _rollingUpdate, ...spec } = manifest.spec;
      this.rollout = props.controller.build(this, 'rollout', { metadata: manifest.metadata, ...spec });
    } else {
      this.deployment = new KubeDeployment(this, 'deployment', deploymentProps);
      this.deployment.addJsonPatch(...pod.patches('/spec/template'));
    }

    if (props.service) {
      this.service = new k8s.KubeService(this, 'service', {
        metadata: m(props.service.name ?? props.name),
        spec: {
          type: 'ClusterIP',
          selector: this.selector,
          ports: props.service.ports.map((p) => {
            const target = p.targetPort ?? p.name;
            return { name: p.name, port: p.port, targetPort: typeof target === 'number' ? k8s.IntOrString.fromNumber(target) : k8s.IntOrString.fromString(target), protocol: 'TCP' };
          }),
        },
      });
    }

    if (autoscaling) {
      this.hpa = new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: m(`${props.name}-hpa`),
        spec: {
          scaleTargetRef: { apiVersion: props.controller?.apiVersion ?? 'apps/v1', kind: props.controller?.kind ?? 'Deployment', name: props.name },
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage } },
          }],
        },
      });
    }

    const maxPods = autoscaling ? autoscaling.maxReplicas : (props.scale as { replicas: number }).replicas;
    if (props.pdb !== false && maxPods > 1) {
      this.pdb = new k8s.KubePodDisruptionBudget(this, 'pdb', {
        metadata: m(`${props.name}-pdb`),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(props.pdb?.maxUnavailable ?? 1), selector: { matchLabels: this.selector } },
      });
    }
  }

  /** The number of this workload's container port `name` (what a NetworkPolicy rule admits). */
  port(name: string): number {
    const port = this.containerPorts.get(name);
    if (port === undefined) throw new Error(`Workload ${this.node.id}: port: no container port named ${JSON.stringify(name)}, got ${JSON.stringify([...this.containerPorts.keys()])}`);
    return port;
  }

  /**
   * The Service's name and the number of its port `portName`: what an Ingress rule or an HTTPRoute's
   * backendRef sends traffic to.
   */
  serviceBackend(portName: string): { readonly name: string; readonly port: number } {
    const port = this.servicePorts.get(portName);
    if (!this.service || port === undefined) throw new Error(`Workload ${this.node.id}: serviceBackend: no Service port named ${JSON.stringify(portName)}, got ${JSON.stringify([...this.servicePorts.keys()])}`);
    return { name: this.service.name, port };
  }

  /** Whether a container has a port named `name`. */
  hasPort(name: string): boolean {
    return this.containerPorts.has(name);
  }

  /**
   * A ServiceMonitor that scrapes this workload's Service on its `metrics` port and path, with the given
   * `job` label; created in `scope` (the monitoring chart, so it exists only with monitoring on).
   */
  addServiceMonitor(scope: Construct, id: string, options: ServiceMonitorOptions): ServiceMonitor {
    if (!this.metrics) throw new Error(`Workload ${this.node.id}: metrics: needed by addServiceMonitor, got undefined`);
    return new ServiceMonitor(scope, id, {
      metadata: options.metadata,
      spec: {
        namespaceSelector: { matchNames: [this.namespace] },
        selector: { matchLabels: options.selector ?? this.selector },
        ...(options.podTargetLabels ? { podTargetLabels: options.podTargetLabels } : {}),
        endpoints: [{
          port: this.metrics.port,
          path: this.metrics.path ?? '/metrics',
          scheme: ServiceMonitorSpecEndpointsScheme.HTTP,
          interval: options.interval,
          scrapeTimeout: options.scrapeTimeout,
          relabelings: [{ action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE, targetLabel: 'job', replacement: options.job }],
        }],
      },
    });
  }

  /** This workload's pods, as a NetworkPolicy peer. */
  get peer(): k8s.NetworkPolicyPeer {
    return { podSelector: { matchLabels: this.selector } };
  }
}

/**
 * The pod template of a workload: labels, annotations and a hardened pod of its containers (`hardenedPodSpec`),
 * without the preStop sleep (`withPreStopSleep` adds it for the object the template goes into).
 */
export function workloadPodTemplate(env: EnvContext, props: WorkloadProps, selector: Record<string, string>): k8s.PodTemplateSpec {
  const writablePaths = [...new Set(props.containers.flatMap((c) => c.writablePaths ?? []))];
  const pod = props.pod ?? {};
  return {
    metadata: { labels: labels(env, props.labels), ...(pod.annotations ? { annotations: pod.annotations } : {}) },
    spec: hardenedPodSpec(env, {
      serviceAccountName: props.name,
      ...(pod.initContainers ? { initContainers: pod.initContainers } : {}),
      containers: props.containers.map(hardenedContainer),
      selector,
      ...(writablePaths.length > 0 ? { writablePaths } : {}),
      ...(pod.nodeSpread ? { nodeSpread: pod.nodeSpread } : {}),
      perRevisionSpread: pod.perRevisionSpread ?? true,
      ...(props.controller ? { revisionHashLabel: props.controller.podTemplateHashLabel } : {}),
      ...(pod.volumes ? { volumes: pod.volumes } : {}),
      ...(pod.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds } : {}),
    }),
  };
}

function environmentOf(scope: Construct, id: string): EnvContext {
  const chart: Chart = Chart.of(scope);
  const env = (chart as Partial<EnvChart>).env;
  if (!(chart instanceof EnvChart) || !env) throw new Error(`Workload ${id}: scope: must be inside an EnvChart, got ${chart.node.path || 'the app'}`);
  return env;
}

function validate(id: string, props: WorkloadProps, preStopSleepSeconds: number): void {
  const fail = (prop: string, problem: string, value: unknown): never => {
    throw new Error(`Workload ${id}: ${prop}: ${problem}, got ${JSON.stringify(value)}`);
  };
  if (!DNS_LABEL.test(props.name) || props.name.length > 59) fail('name', 'must be a DNS label of at most 59 characters (room for "-pdb"/"-hpa")', props.name);
  if (props.containers.length === 0) fail('containers', 'must hold at least one container', props.containers);
  const names = props.containers.map((c) => c.name);
  if (new Set(names).size !== names.length) fail('containers', 'container names must be unique', names);
  if ('replicas' in props.scale) {
    if (!Number.isInteger(props.scale.replicas) || props.scale.replicas < 1) fail('scale.replicas', 'must be an integer >= 1', props.scale.replicas);
  } else {
    const a = props.scale.autoscaling;
    if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1) fail('scale.autoscaling.minReplicas', 'must be an integer >= 1', a.minReplicas);
    if (a.maxReplicas < a.minReplicas) fail('scale.autoscaling.maxReplicas', `must be >= minReplicas (${a.minReplicas})`, a.maxReplicas);
  }
  if (props.pdb && (!Number.isInteger(props.pdb.maxUnavailable) || props.pdb.maxUnavailable < 1)) {
    fail('pdb.maxUnavailable', 'must be an integer >= 1 (0 would block every node drain)', props.pdb.maxUnavailable);
  }
  if (props.service) {
    if (props.service.ports.length === 0) fail('service.ports', 'must hold at least one port', props.service.ports);
    const containerPorts = new Set(props.containers.flatMap((c) => (c.ports ?? []).flatMap((p) => [p.name, p.containerPort])));
    for (const p of props.service.ports) {
      const target = p.targetPort ?? p.name;
      if (!containerPorts.has(target)) fail(`service.ports.${p.name}.targetPort`, 'must name or number a container port', target);
    }
  }
  if (props.metrics && !(props.service && props.service.ports.some((p) => p.name === props.metrics!.port))) {
    fail('metrics.port', 'must name a port of the Service', props.metrics.port);
  }
  if (props.preStopSleepSeconds !== undefined && props.preStopSleepSeconds < 0) fail('preStopSleepSeconds', 'must be >= 0', props.preStopSleepSeconds);
  for (const c of props.containers) {
    if (preStopSleepSeconds > 0 && c.lifecycle?.preStop) {
      fail(`containers.${c.name}.lifecycle.preStop`, 'must be unset: the workload adds its preStop sleep there and a handler takes one action (preStopSleepSeconds: 0 keeps this one)', c.lifecycle.preStop);
    }
  }
}
