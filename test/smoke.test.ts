/**
 * The smoke test Job and its NetworkPolicies (charts/smoke.ts): a PostSync hook with Argo CD, a file outside
 * the applied folder with kubectl; exactly the flows it needs; its settings follow config.
 */
import { environment, find, inlineEnvironment, objectsOf } from './helpers';
import { SMOKE_CA_DIR, SMOKE_JOB, SMOKE_LABELS } from '../lib/delivery/smoke';
import { selectorLabels } from '../lib/k8s/labels';
import { BACKEND } from '../lib/names';

const BASE = `
registry: registry.example.nl/pensioen
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
`;
const envOf = (objs: Record<string, any>[]) => Object.fromEntries(find(objs, 'Job', SMOKE_JOB).spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));

test('Argo CD: a PostSync hook Job in 60-smoke.yaml, replaced on the next sync, never retried by a second pod', () => {
  const objs = objectsOf('production');
  const job = find(objs, 'Job', SMOKE_JOB);
  expect(job.__file).toBe('production/60-smoke.yaml');
  expect(job.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
  expect(job.spec.backoffLimit).toBe(0);
  expect(job.spec.activeDeadlineSeconds).toBe(300);
  const pod = job.spec.template.spec;
  expect(pod.restartPolicy).toBe('Never');
  expect(pod.serviceAccountName).toBe(SMOKE_JOB);
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  const c = pod.containers[0];
  // The backend image's own Python: no other image to pin, pull or trust.
  expect(c.image).toBe(find(objs, 'Deployment', 'backend').spec.template.spec.containers[0].image);
  expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  expect(c.command.slice(0, 2)).toEqual(['python3', '-c']);
  expect(envOf(objs)).toMatchObject({
    SMOKE_BACKEND_URL: 'http://backend-service:8000/health',
    SMOKE_API_EDGE_URL: 'https://api.pensioen-beslissingstool.nl/health',
    SMOKE_FRONTEND_URL: 'http://frontend-service:3000/',
    SMOKE_FRONTEND_EDGE_URL: 'https://pensioen-beslissingstool.nl/',
    SMOKE_READINESS_FIELDS: 'database,redis',
    SMOKE_EDGE_TLS: 'public',
  });
});

test('kubectl: the Job is alone in post-apply/, which kubectl apply -f dist/<env>/ does not read; the rest is applied', () => {
  const objs = objectsOf('onprem');
  const job = find(objs, 'Job', SMOKE_JOB);
  expect(job.__file).toBe('onprem/post-apply/60-smoke-test.yaml');
  expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBeUndefined();
  expect(find(objs, 'ServiceAccount', SMOKE_JOB).__file).toBe('onprem/60-smoke.yaml');
  expect(find(objs, 'NetworkPolicy', SMOKE_JOB).__file).toBe('onprem/60-smoke.yaml');
  // onprem's edge certificate comes from its namespaced CA Issuer: the Job trusts exactly that CA's certificate.
  const pod = job.spec.template.spec;
  expect(pod.volumes).toContainEqual({ name: 'edge-ca', secret: { secretName: 'pensioen-ca', items: [{ key: 'tls.crt', path: 'ca.crt' }] } });
  expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'edge-ca', mountPath: SMOKE_CA_DIR, readOnly: true });
  expect(envOf(objs)).toMatchObject({ SMOKE_EDGE_TLS: 'issuer-ca', SMOKE_EDGE_CA_FILE: `${SMOKE_CA_DIR}/ca.crt` });
});

describe.each(['production', 'staging', 'onprem'])('NetworkPolicies of %s: exactly the smoke test\'s flows', (name) => {
  const env = environment(name);
  const objs = objectsOf(env);
  const smokeSel = selectorLabels(env, SMOKE_LABELS);
  test('egress: DNS, the backend and frontend pods on their ports, the edge on HTTPS; no ingress', () => {
    const np = find(objs, 'NetworkPolicy', SMOKE_JOB).spec;
    expect(np.podSelector.matchLabels).toEqual(smokeSel);
    expect(np.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.ingress).toEqual([]);
    expect(np.egress).toHaveLength(4);
    expect(np.egress[0].ports.map((p: any) => p.port)).toEqual([53, 53]);
    expect(np.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: selectorLabels(env, BACKEND) } }], ports: [{ protocol: 'TCP', port: 8000 }] });
    expect(np.egress[2].ports).toEqual([{ protocol: 'TCP', port: 3000 }]);
    const edgeNs = env.config.edge.kind === 'gateway' ? 'envoy-gateway-system' : env.config.network.ingressControllerNamespace;
    expect(np.egress[3].to).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': edgeNs } } });
    // Envoy Gateway's proxies listen on 10443 for the Gateway's 443.
    expect(np.egress[3].ports.map((p: any) => p.port)).toEqual(env.config.edge.kind === 'gateway' ? [443, 10443] : [443]);
  });
  test('the backend and the frontend admit it on their HTTP ports', () => {
    for (const [policy, port] of [['backend', 8000], ['frontend', 3000]] as const) {
      const rules = find(objs, 'NetworkPolicy', policy).spec.ingress;
      expect(rules).toContainEqual({ from: [{ podSelector: { matchLabels: smokeSel } }], ports: [{ protocol: 'TCP', port }] });
    }
  });
});

test('config changes follow into the Job: readiness fields, healthy values, TLS mode, retries, edge CIDRs', () => {
  const env = inlineEnvironment('smoke-custom', `${BASE}
backend: { port: 8080, healthPath: /healthz }
ingress: { apiHost: api.acc.example.nl, frontendHosts: [acc.example.nl] }
delivery:
  smoke:
    readinessFields: [db, cache, queue]
    healthyValues: [green]
    edgeTls: skip-verify
    attempts: 9
    edgeCidrs: [203.0.113.10/32]
`);
  const objs = objectsOf(env);
  expect(envOf(objs)).toMatchObject({
    SMOKE_BACKEND_URL: 'http://backend-service:8080/healthz',
    SMOKE_API_EDGE_URL: 'https://api.acc.example.nl/healthz',
    SMOKE_FRONTEND_EDGE_URL: 'https://acc.example.nl/',
    SMOKE_READINESS_FIELDS: 'db,cache,queue',
    SMOKE_HEALTHY_VALUES: 'green',
    SMOKE_EDGE_TLS: 'skip-verify',
    SMOKE_ATTEMPTS: '9',
  });
  expect(find(objs, 'NetworkPolicy', SMOKE_JOB).spec.egress[3].to).toContainEqual({ ipBlock: { cidr: '203.0.113.10/32' } });
  expect(find(objs, 'NetworkPolicy', SMOKE_JOB).spec.egress[1].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
});

test('Let\'s Encrypt staging: the edge checks use HTTPS without verifying the certificate', () => {
  expect(envOf(objectsOf('staging')).SMOKE_EDGE_TLS).toBe('skip-verify');
});

test('smoke.enabled: false removes the Job, its policy and the rules that admit it', () => {
  const objs = objectsOf(inlineEnvironment('smoke-off', `${BASE}delivery: { smoke: { enabled: false } }\n`));
  expect(objs.filter((o) => o.metadata?.name === SMOKE_JOB)).toEqual([]);
  expect(JSON.stringify(find(objs, 'NetworkPolicy', 'backend'))).not.toContain('smoke-test');
});
