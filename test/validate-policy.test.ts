/**
 * Policy rules of the validation gate: every rule of Pod Security Standards "restricted" (and baseline),
 * and the kube-score / kube-linter defaults. Each test breaks production's objects one way and asserts
 * the rule is reported.
 */
import { podSecurityFindings, PSS_RULES } from '../lib/validate/pod-security';
import { imageTagProblem } from '../lib/validate/best-practices';
import type { K8sObject } from '../lib/validate/types';
import { podTemplateOf } from '../lib/validate/workloads';
import { backendPod, findingsAfter, pick } from './validate-fixtures';

const has = (lines: string[], prefix: string, rule: string, text?: string) =>
  lines.some((l) => l.startsWith(`${prefix} ${rule}:`) && (text === undefined || l.includes(text)));
const expectRule = (lines: string[], prefix: string, rule: string, text?: string) => {
  expect({ rule, found: has(lines, prefix, rule, text), lines }).toEqual(expect.objectContaining({ found: true }));
};
const backend = (mutate: (p: ReturnType<typeof backendPod>, objects: K8sObject[]) => void) => findingsAfter((o) => mutate(backendPod(o), o));

test('production has no policy findings', () => {
  expect(findingsAfter(() => undefined)).toEqual([]);
});

describe('Pod Security Standards "restricted"', () => {
  const cases: [string, string, (p: ReturnType<typeof backendPod>) => void][] = [
    ['pss-host-process', 'windowsOptions.hostProcess', (p) => { p.container.securityContext.windowsOptions = { hostProcess: true }; }],
    ['pss-host-process', 'spec.securityContext.windowsOptions', (p) => { p.spec.securityContext.windowsOptions = { hostProcess: true }; }],
    ['pss-host-namespaces', 'hostNetwork', (p) => { p.spec.hostNetwork = true; }],
    ['pss-host-namespaces', 'hostPID', (p) => { p.spec.hostPID = true; }],
    ['pss-host-namespaces', 'hostIPC', (p) => { p.spec.hostIPC = true; }],
    ['pss-privileged', 'privileged', (p) => { p.container.securityContext.privileged = true; }],
    ['pss-capabilities', 'drop must include ALL', (p) => { p.container.securityContext.capabilities.drop = ['NET_RAW']; }],
    ['pss-capabilities', 'SYS_ADMIN', (p) => { p.container.securityContext.capabilities.add = ['SYS_ADMIN']; }],
    ['pss-capabilities', 'CHOWN', (p) => { p.container.securityContext.capabilities.add = ['CHOWN']; }], // baseline allows it, restricted does not
    ['pss-host-path', 'hostPath', (p) => { p.spec.volumes.push({ name: 'h', hostPath: { path: '/etc' } }); }],
    ['pss-volume-types', 'nfs', (p) => { p.spec.volumes.push({ name: 'n', nfs: { server: 's', path: '/' } }); }],
    ['pss-host-ports', 'hostPort', (p) => { p.container.ports[0].hostPort = 8000; }],
    ['pss-apparmor', 'Unconfined', (p) => { p.container.securityContext.appArmorProfile = { type: 'Unconfined' }; }],
    ['pss-apparmor', 'Unconfined', (p) => { p.spec.securityContext.appArmorProfile = { type: 'Unconfined' }; }],
    ['pss-selinux', 'spc_t', (p) => { p.container.securityContext.seLinuxOptions = { type: 'spc_t' }; }],
    ['pss-selinux', 'user', (p) => { p.spec.securityContext.seLinuxOptions = { user: 'system_u' }; }],
    ['pss-proc-mount', 'Unmasked', (p) => { p.container.securityContext.procMount = 'Unmasked'; }],
    ['pss-seccomp', 'Unconfined', (p) => { p.container.securityContext.seccompProfile = { type: 'Unconfined' }; }],
    ['pss-seccomp', 'Unconfined', (p) => { p.spec.securityContext.seccompProfile = { type: 'Unconfined' }; }],
    ['pss-seccomp', 'RuntimeDefault or Localhost', (p) => { delete p.container.securityContext.seccompProfile; delete p.spec.securityContext.seccompProfile; }],
    ['pss-sysctls', 'kernel.msgmax', (p) => { p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }],
    ['pss-privilege-escalation', 'allowPrivilegeEscalation', (p) => { delete p.container.securityContext.allowPrivilegeEscalation; }],
    ['pss-run-as-non-root', 'must not be false', (p) => { p.container.securityContext.runAsNonRoot = false; }],
    ['pss-run-as-non-root', 'must be true', (p) => { delete p.container.securityContext.runAsNonRoot; delete p.spec.securityContext.runAsNonRoot; }],
    ['pss-run-as-user', 'runAsUser must not be 0', (p) => { p.container.securityContext.runAsUser = 0; }],
    ['pss-run-as-user', 'spec.securityContext.runAsUser', (p) => { p.spec.securityContext.runAsUser = 0; }],
  ];
  test.each(cases)('%s (%s)', (rule, text, mutate) => {
    expectRule(backend((p) => mutate(p)), 'Deployment/backend', rule, text);
  });
  test('every PSS rule has a failing-input case above', () => {
    expect([...new Set(cases.map(([r]) => r))].sort()).toEqual([...PSS_RULES].sort());
  });
  test('init and ephemeral containers are checked too', () => {
    const lines = backend((p) => {
      p.spec.initContainers = [{ ...structuredClone(p.container), name: 'init', securityContext: { ...p.container.securityContext, privileged: true } }];
      p.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', securityContext: { runAsUser: 0 } }];
    });
    expectRule(lines, 'Deployment/backend', 'pss-privileged', 'initContainers[init]');
    expectRule(lines, 'Deployment/backend', 'pss-run-as-user', 'ephemeralContainers[debug]');
    expectRule(lines, 'Deployment/backend', 'pss-capabilities', 'ephemeralContainers[debug]');
  });
  test('pod-level settings cover containers as the admission controller reads them', () => {
    const objects: K8sObject[] = [{ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', namespace: 'n' }, spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', image: 'x:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }],
    } }];
    expect(podSecurityFindings(podTemplateOf(objects[0])!)).toEqual([]);
  });
  test('Windows pods: the Linux-only restricted rules do not apply, baseline capabilities still do', () => {
    const pod = (caps: string[]): K8sObject => ({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'w', namespace: 'n' }, spec: {
      os: { name: 'windows' }, securityContext: { runAsNonRoot: true },
      containers: [{ name: 'c', image: 'x:1', securityContext: { capabilities: { add: caps } } }],
    } });
    expect(podSecurityFindings(podTemplateOf(pod(['CHOWN']))!)).toEqual([]);
    expect(podSecurityFindings(podTemplateOf(pod(['SYS_ADMIN']))!).map((f) => f.rule)).toEqual(['pss-capabilities']);
  });
  test('every workload kind is checked: CronJob, Job, StatefulSet, DaemonSet, Pod', () => {
    const lines = findingsAfter((o) => {
      const tpl = structuredClone(pick(o, 'Deployment', 'backend').spec.template);
      tpl.spec.hostNetwork = true;
      const meta = (name: string) => ({ name, namespace: 'pensioen' });
      o.push({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('cj'), spec: { schedule: '@daily', jobTemplate: { spec: { template: tpl } } } });
      o.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('job'), spec: { template: tpl } });
      o.push({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('ds'), spec: { selector: { matchLabels: tpl.metadata.labels }, template: tpl } });
      o.push({ apiVersion: 'v1', kind: 'Pod', metadata: { ...meta('pod'), labels: tpl.metadata.labels }, spec: tpl.spec });
    });
    for (const p of ['CronJob/cj', 'Job/job', 'DaemonSet/ds', 'Pod/pod']) expectRule(lines, p, 'pss-host-namespaces');
  });
});

describe('kube-score / kube-linter defaults', () => {
  test('resources-requests (cpu and memory)', () => {
    const lines = backend((p) => { delete p.container.resources.requests; });
    expectRule(lines, 'Deployment/backend', 'resources-requests', 'requests.cpu');
    expectRule(lines, 'Deployment/backend', 'resources-requests', 'requests.memory');
  });
  test('resources-memory-limit', () => {
    expectRule(backend((p) => { delete p.container.resources.limits.memory; }), 'Deployment/backend', 'resources-memory-limit');
  });
  test('probe-liveness and probe-readiness', () => {
    const lines = backend((p) => { delete p.container.livenessProbe; delete p.container.readinessProbe; });
    expectRule(lines, 'Deployment/backend', 'probe-liveness');
    expectRule(lines, 'Deployment/backend', 'probe-readiness');
  });
  test('a Job needs no probes, but an activeDeadlineSeconds (a hung pod must end)', () => {
    const lines = findingsAfter((o) => {
      const tpl = structuredClone(pick(o, 'Deployment', 'backend').spec.template);
      delete tpl.spec.containers[0].readinessProbe;
      delete tpl.spec.containers[0].livenessProbe;
      tpl.spec.restartPolicy = 'Never';
      o.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'pensioen' }, spec: { template: tpl } });
    });
    expect(has(lines, 'Job/migrate', 'probe-readiness')).toBe(false);
    expect(has(lines, 'Job/migrate', 'probe-liveness')).toBe(false);
    expectRule(lines, 'Job/migrate', 'job-deadline');
  });
  test.each([['ghcr.io/x/backend', 'no tag'], ['ghcr.io/x/backend:latest', 'latest'], ['localhost:5000/backend', 'no tag']])('image-tag: %s', (image, text) => {
    expectRule(backend((p) => { p.container.image = image; }), 'Deployment/backend', 'image-tag', text);
  });
  test('image-tag accepts a tag and a digest, and a registry port is not a tag', () => {
    expect(imageTagProblem('ghcr.io/x/b:1.0.0')).toBeUndefined();
    expect(imageTagProblem('ghcr.io/x/b@sha256:abc')).toBeUndefined();
    expect(imageTagProblem('localhost:5000/b')).toContain('no tag');
  });
  test('pdb-missing: a workload with an HPA (or > 1 replica) and no PDB', () => {
    expectRule(findingsAfter((o) => { o.splice(o.indexOf(pick(o, 'PodDisruptionBudget', 'backend-pdb')), 1); }), 'Deployment/backend', 'pdb-missing');
    expectRule(findingsAfter((o) => { o.splice(o.indexOf(pick(o, 'PodDisruptionBudget', 'frontend-pdb')), 1); }), 'Deployment/frontend', 'pdb-missing', '2 replicas');
  });
  test('host-spread-missing: multi-replica workload without host anti-affinity or topology spread', () => {
    const lines = findingsAfter((o) => { const s = pick(o, 'Deployment', 'frontend').spec.template.spec; delete s.topologySpreadConstraints; delete s.affinity; });
    expectRule(lines, 'Deployment/frontend', 'host-spread-missing');
  });
  test('host-spread-missing is satisfied by required podAntiAffinity on the hostname', () => {
    const lines = findingsAfter((o) => {
      const d = pick(o, 'Deployment', 'frontend');
      const s = d.spec.template.spec;
      delete s.topologySpreadConstraints;
      s.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: d.spec.selector.matchLabels } }] } };
    });
    expect(has(lines, 'Deployment/frontend', 'host-spread-missing')).toBe(false);
  });
  test('hpa-target-replicas: spec.replicas on a workload an HPA scales', () => {
    expectRule(backend((p) => { p.deployment.spec.replicas = 3; }), 'Deployment/backend', 'hpa-target-replicas');
  });
  test('service-account-token: no finding when the pod does not set it but its ServiceAccount turns it off', () => {
    const lines = findingsAfter((o) => {
      const p = backendPod(o);
      delete p.spec.automountServiceAccountToken;
      pick(o, 'ServiceAccount', p.spec.serviceAccountName).automountServiceAccountToken = false;
    });
    expect(has(lines, 'Deployment/backend', 'service-account-token')).toBe(false);
  });
  test('service-account-token: token mounted', () => {
    const unset = findingsAfter((o) => {
      const p = backendPod(o);
      delete p.spec.automountServiceAccountToken;
      delete pick(o, 'ServiceAccount', p.spec.serviceAccountName).automountServiceAccountToken;
    });
    expectRule(unset, 'Deployment/backend', 'service-account-token');
    expectRule(backend((p) => { p.spec.automountServiceAccountToken = true; }), 'Deployment/backend', 'service-account-token');
  });
  test('env-secret-literal: a secret-looking env var with a literal value', () => {
    const lines = backend((p) => { p.container.env.push({ name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'API_KEY', value: 'abc' }); });
    expectRule(lines, 'Deployment/backend', 'env-secret-literal', 'DB_PASSWORD');
    expectRule(lines, 'Deployment/backend', 'env-secret-literal', 'API_KEY');
  });
  test('env-secret-literal: flags and references are fine', () => {
    const lines = backend((p) => { p.container.env.push({ name: 'REQUIRE_PASSWORD', value: 'yes' }, { name: 'SECRET_FILE', valueFrom: { secretKeyRef: { name: 'app-secrets', key: 'secret-key' } } }); });
    expect(has(lines, 'Deployment/backend', 'env-secret-literal')).toBe(false);
  });
});

test('snapshot: the findings of one pod broken in many ways (catches drift in rule names and messages)', () => {
  expect(backend((p) => {
    p.spec.hostPID = true;
    p.spec.securityContext = {};
    p.container.securityContext = { privileged: true, capabilities: { add: ['SYS_ADMIN'] } };
    p.container.image = 'backend';
    delete p.container.resources;
    delete p.container.livenessProbe;
    p.container.env.push({ name: 'TOKEN', value: 'abc' });
  })).toMatchSnapshot();
});
