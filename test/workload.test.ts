/**
 * The Workload construct (lib/constructs/workload.ts) on a bare EnvChart, and the guarantees every workload of
 * every environment keeps: no unavailable pod in a rollout, a preStop hand-over, a selector inside the template
 * labels, no spec.replicas under an HPA, a PDB whenever more than one pod can run.
 */
import { App } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../lib/config';
import { EnvChart } from '../lib/constructs/env-chart';
import { Workload, type WorkloadProps } from '../lib/constructs/workload';
import { environment, environments, objectsOf } from './helpers';

class BareChart extends EnvChart {
  constructor(scope: Construct, env: Environment, id = 'bare') { super(scope, id, env, '99-bare.yaml'); }
}

const env = environment('production');
const container = {
  name: 'web', image: 'registry.example/web:1.0.0', ports: [{ name: 'http', containerPort: 8080 }],
  resources: { requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '1', memory: '256Mi', 'ephemeral-storage': '512Mi' } },
  livenessProbe: { tcpSocket: { port: 8080 } } as any, readinessProbe: { tcpSocket: { port: 8080 } } as any,
  writablePaths: ['/tmp'],
};
const base: WorkloadProps = { name: 'web', labels: { name: 'web', component: 'test' }, containers: [container], scale: { replicas: 2 } };

function synth(props: WorkloadProps, e: Environment = env): Record<string, any>[] {
  const chart = new BareChart(new App(), e);
  new Workload(chart, 'web', props);
  return chart.toJson();
}
const kinds = (objs: Record<string, any>[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);

describe('Workload', () => {
  test('emits ServiceAccount, Deployment, Service, PDB in that order, with stable names', () => {
    expect(kinds(synth({ ...base, service: { ports: [{ name: 'http', port: 80 }] } })))
      .toEqual(['ServiceAccount/web', 'Deployment/web', 'Service/web', 'PodDisruptionBudget/web-pdb']);
  });

  test('scale.replicas writes spec.replicas and no HPA; scale.autoscaling writes an HPA and no spec.replicas', () => {
    const fixed = synth(base);
    expect(fixed.find((o) => o.kind === 'Deployment')!.spec.replicas).toBe(2);
    expect(fixed.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
    const auto = synth({ ...base, scale: { autoscaling: { minReplicas: 3, maxReplicas: 7, targetCPUUtilizationPercentage: 55 } } });
    expect(auto.find((o) => o.kind === 'Deployment')!.spec).not.toHaveProperty('replicas');
    const hpa = auto.find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.metadata.name).toBe('web-hpa');
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 7 });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(55);
  });

  test('a PDB exactly when more than one pod can run; pdb.maxUnavailable follows the prop', () => {
    expect(kinds(synth({ ...base, scale: { replicas: 1 } }))).not.toContain('PodDisruptionBudget/web-pdb');
    expect(kinds(synth({ ...base, scale: { autoscaling: { minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 70 } } })))
      .toContain('PodDisruptionBudget/web-pdb');
    const pdb = synth({ ...base, scale: { replicas: 5 }, pdb: { maxUnavailable: 2 } }).find((o) => o.kind === 'PodDisruptionBudget')!;
    expect(pdb.spec.maxUnavailable).toBe(2);
    expect(kinds(synth({ ...base, pdb: false }))).not.toContain('PodDisruptionBudget/web-pdb');
  });

  test('preStop sleep follows the environment, and the prop overrides it (0: none)', () => {
    const c = (objs: Record<string, any>[]) => objs.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0];
    expect(c(synth(base)).lifecycle).toEqual({ preStop: { sleep: { seconds: env.config.pod.preStopSleepSeconds } } });
    const longer = { ...env, config: { ...env.config, pod: { ...env.config.pod, preStopSleepSeconds: 11 } } };
    expect(c(synth(base, longer)).lifecycle.preStop.sleep.seconds).toBe(11);
    expect(c(synth({ ...base, preStopSleepSeconds: 0 }))).not.toHaveProperty('lifecycle');
  });

  test('the preStop sleep joins the hooks a container has: a postStart stays', () => {
    const postStart = { exec: { command: ['/bin/warm-up'] } };
    const withHook = { ...base, containers: [{ ...container, lifecycle: { postStart } }] };
    const c = synth(withHook).find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0];
    expect(c.lifecycle).toEqual({ postStart, preStop: { sleep: { seconds: env.config.pod.preStopSleepSeconds } } });
    const off = synth({ ...withHook, preStopSleepSeconds: 0 }).find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0];
    expect(off.lifecycle).toEqual({ postStart });
  });

  test('every container gets its own sleep, as a JSON patch the 1.27 types do not filter out', () => {
    const two = { ...base, containers: [container, { ...container, name: 'sidecar', ports: [] }] };
    const pods = synth(two).find((o) => o.kind === 'Deployment')!.spec.template.spec;
    expect(pods.containers.map((c: any) => c.lifecycle)).toEqual([1, 2].map(() => ({ preStop: { sleep: { seconds: env.config.pod.preStopSleepSeconds } } })));
  });

  test('service ports target the named container port unless told otherwise', () => {
    const svc = synth({ ...base, service: { name: 'web-svc', ports: [{ name: 'http', port: 80 }] } }).find((o) => o.kind === 'Service')!;
    expect(svc.metadata.name).toBe('web-svc');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  test.each([
    [{ name: 'Web' }, 'Workload web: name: must be a DNS label of at most 59 characters (room for "-pdb"/"-hpa"), got "Web"'],
    [{ containers: [] }, 'Workload web: containers: must hold at least one container, got []'],
    [{ scale: { replicas: 0 } }, 'Workload web: scale.replicas: must be an integer >= 1, got 0'],
    [{ scale: { autoscaling: { minReplicas: 4, maxReplicas: 2, targetCPUUtilizationPercentage: 70 } } }, 'Workload web: scale.autoscaling.maxReplicas: must be >= minReplicas (4), got 2'],
    [{ pdb: { maxUnavailable: 0 } }, 'Workload web: pdb.maxUnavailable: must be an integer >= 1 (0 would block every node drain), got 0'],
    [{ service: { ports: [{ name: 'grpc', port: 9000 }] } }, 'Workload web: service.ports.grpc.targetPort: must name or number a container port, got "grpc"'],
    [{ containers: [{ ...container, lifecycle: { preStop: { exec: { command: ['drain'] } } } }] }, 'Workload web: containers.web.lifecycle.preStop: must be unset: the workload adds its preStop sleep there and a handler takes one action (preStopSleepSeconds: 0 keeps this one), got {"exec":{"command":["drain"]}}'],
  ] as [Partial<WorkloadProps>, string][])('rejects bad props: %j', (patch, message) => {
    expect(() => synth({ ...base, ...patch })).toThrow(message);
  });
});

/** Every Deployment of every environment: the guarantees a Workload gives, asserted on the output. */
const deployments = environments().flatMap((e) => {
  const objs = objectsOf(e);
  return objs.filter((o) => o.kind === 'Deployment').map((d) => [e.name, d.metadata.name, d, objs] as const);
});

test('there are Deployments to check in every environment', () => {
  expect(new Set(deployments.map(([e]) => e)).size).toBe(environments().length);
});

describe.each(deployments)('%s Deployment/%s', (_env, name, d, objs) => {
  const pod = d.spec.template.spec;
  test('rolls out without an unavailable pod (maxUnavailable 0, maxSurge > 0)', () => {
    expect(d.spec.strategy.type).toBe('RollingUpdate');
    expect(d.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(d.spec.strategy.rollingUpdate.maxSurge).not.toBe(0);
  });
  test('selector is a subset of the template labels and holds no version', () => {
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
    expect(d.spec.selector.matchLabels).not.toHaveProperty('app.kubernetes.io/version');
  });
  test('no spec.replicas under an HPA; a PDB when more than one pod can run', () => {
    const hpa = objs.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === name);
    if (hpa) expect(d.spec).not.toHaveProperty('replicas');
    const maxPods = hpa ? hpa.spec.maxReplicas : d.spec.replicas;
    const pdbs = objs.filter((o) => o.kind === 'PodDisruptionBudget'
      && Object.entries(o.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
    expect(pdbs.length).toBe(maxPods > 1 ? 1 : 0);
  });
  test('spread over nodes and zones, counting only nodes it may run on', () => {
    expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    for (const t of pod.topologySpreadConstraints) expect(t).toMatchObject({ nodeTaintsPolicy: 'Honor', nodeAffinityPolicy: 'Honor' });
  });
  test('its own ServiceAccount, with no API token', () => {
    const sa = objs.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === pod.serviceAccountName);
    expect(sa?.automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
  });
  test('every container hands over with a preStop sleep shorter than the grace period', () => {
    for (const c of pod.containers) {
      expect(c.lifecycle?.preStop?.sleep?.seconds).toBeGreaterThan(0);
      expect(c.lifecycle.preStop.sleep.seconds).toBeLessThan(pod.terminationGracePeriodSeconds);
    }
  });
});

test('a Job\'s single pod is not spread (hardenedPodSpec spread: false)', () => {
  const jobs = environments().flatMap((e) => objectsOf(e).filter((o) => o.kind === 'Job'));
  expect(jobs.length).toBeGreaterThan(0);
  for (const j of jobs) expect(j.spec.template.spec).not.toHaveProperty('topologySpreadConstraints');
});

test('what other charts take from a Workload: its pods as a NetworkPolicy peer and its container ports by name', () => {
  const chart = new BareChart(new App(), env);
  const w = new Workload(chart, 'web', base);
  expect(w.peer).toEqual({ podSelector: { matchLabels: w.selector } });
  expect(w.port('http')).toBe(8080);
  expect(() => w.port('metrics')).toThrow('Workload web: port: no container port named "metrics", got ["http"]');
});

test('addServiceMonitor: the Service of the workload on its metrics port and path, in the scope it is given', () => {
  const app = new App();
  const chart = new BareChart(app, env);
  const w = new Workload(chart, 'web', { ...base, service: { ports: [{ name: 'http', port: 80 }] }, metrics: { port: 'http', path: '/stats' } });
  const monitoring = new BareChart(app, env, 'monitoring');
  w.addServiceMonitor(monitoring, 'web-monitor', { metadata: { name: 'web', namespace: 'ns', labels: { release: 'x' } }, job: 'web', interval: '30s', scrapeTimeout: '10s' });
  const [sm] = monitoring.toJson();
  expect(sm.kind).toBe('ServiceMonitor');
  expect(sm.spec.selector.matchLabels).toEqual(w.selector);
  expect(sm.spec.namespaceSelector.matchNames).toEqual([env.config.namespace]);
  expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/stats', interval: '30s', relabelings: [{ targetLabel: 'job', replacement: 'web' }] });
  expect(chart.toJson().map((o) => o.kind)).not.toContain('ServiceMonitor');
  expect(() => new Workload(new BareChart(new App(), env), 'web', { ...base, metrics: { port: 'http' } }))
    .toThrow('Workload web: metrics.port: must name a port of the Service, got "http"');
  expect(() => new Workload(new BareChart(new App(), env), 'plain', base).addServiceMonitor(chart, 'x', { metadata: { name: 'x', namespace: 'ns', labels: {} }, job: 'x', interval: '30s', scrapeTimeout: '10s' }))
    .toThrow('Workload plain: metrics: needed by addServiceMonitor, got undefined');
});
