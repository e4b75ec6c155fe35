import type { Construct } from 'constructs';
import type { Environment } from '../lib/config';
import { dataPlaneNamespaceOf, runningEdges } from '../lib/config/edge';
import { EnvChart } from '../lib/constructs/env-chart';
import { k8s } from '../lib/k8s';
import { hardenedContainer, hardenedPodSpec } from '../lib/k8s/hardened';
import { labels, meta, selectorLabels } from '../lib/k8s/labels';
import { dnsEgress, fromNamespace, tcp } from '../lib/k8s/network';
import { BACKEND, FRONTEND } from '../lib/names';
import { SMOKE_CA_DIR, SMOKE_JOB, SMOKE_LABELS, SMOKE_SCRIPT, edgeCaSecret, edgeTlsOf, smokeEnv } from '../lib/delivery/smoke';

/**
 * The port the edge's proxies listen on inside their pods (what a NetworkPolicy sees after the load balancer's
 * address is translated): ingress-nginx and NGINX Gateway Fabric listen on 443 itself; Envoy Gateway maps a
 * privileged Gateway port to port + 10000 in the Envoy container (443 -> 10443).
 */
export function edgePodHttpsPorts(env: Environment): number[] {
  const e = env.config.edge;
  return [...new Set(runningEdges(e).map((k) => (k === 'gateway' && e.gateway.implementation === 'envoy-gateway' ? 10443 : 443)))].sort((a, b) => a - b);
}

/** The Job (same object for Argo CD and kubectl; only the hook annotations differ). */
function smokeJob(scope: Construct, env: Environment, hook?: Record<string, string>) {
  const c = env.config;
  const s = c.delivery.smoke;
  const selector = selectorLabels(env, SMOKE_LABELS);
  // A private CA: only the CA certificate of the Issuer's Secret is mounted (never its key).
  const ca = edgeTlsOf(env) === 'issuer-ca' ? edgeCaSecret(env) : undefined;
  const pod = hardenedPodSpec(env, {
    serviceAccountName: SMOKE_JOB,
    containers: [hardenedContainer({
      name: 'smoke-test',
      image: `${c.registry}/${c.backend.image}`,
      command: ['python3', '-c', SMOKE_SCRIPT],
      env: smokeEnv(env),
      resources: s.resources,
      writablePaths: ['/tmp'],
    })],
    selector,
    writablePaths: ['/tmp'],
    spread: false,
  });
  new k8s.KubeJob(scope, 'job', {
    metadata: meta(env, SMOKE_JOB, SMOKE_LABELS, hook),
    spec: {
      // The script retries each check itself: a second pod would only repeat the verdict.
      backoffLimit: 0,
      activeDeadlineSeconds: s.activeDeadlineSeconds,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: labels(env, SMOKE_LABELS) },
        spec: ca ? withEdgeCa(pod, ca) : { ...pod, restartPolicy: 'Never' },
      },
    },
  });
}

function withEdgeCa(pod: k8s.PodSpec, ca: { name: string; key: string }): k8s.PodSpec {
  return {
    ...pod,
    restartPolicy: 'Never',
    containers: pod.containers.map((ct) => ({ ...ct, volumeMounts: [...(ct.volumeMounts ?? []), { name: 'edge-ca', mountPath: SMOKE_CA_DIR, readOnly: true }] })),
    volumes: [...(pod.volumes ?? []), { name: 'edge-ca', secret: { secretName: ca.name, items: [{ key: ca.key, path: 'ca.crt' }] } }],
  };
}

/**
 * The smoke test (lib/delivery/smoke.ts): its ServiceAccount (no token), its NetworkPolicy (DNS, the backend
 * and frontend pods, the edge's proxies on HTTPS, nothing in) and, with Argo CD, the Job as a `PostSync` hook:
 * Argo CD runs it once every resource is synced and Healthy (with canary: after the Rollout reached 100%),
 * and a failed Job fails the sync. `hook-delete-policy: BeforeHookCreation` keeps the last run (and its log)
 * until the next sync. Without Argo CD the Job goes to `post-apply/` (SmokeJobChart), which
 * `kubectl apply -f dist/<env>/` does not read: docs/delivery.md runs it after the rollout.
 */
export class SmokeChart extends EnvChart {
  constructor(scope: Construct, env: Environment) {
    super(scope, 'smoke', env, '60-smoke.yaml');
    const c = env.config;
    const n = c.network;
    const selector = selectorLabels(env, SMOKE_LABELS);
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: meta(env, SMOKE_JOB, SMOKE_LABELS),
      automountServiceAccountToken: false,
    });
    const edgeNamespaces = runningEdges(c.edge).map((k) => (k === 'gateway' ? dataPlaneNamespaceOf(c.edge) : n.ingressControllerNamespace));
    const edgePeers: k8s.NetworkPolicyPeer[] = [
      ...edgeNamespaces.map(fromNamespace),
      ...n.ingressControllerNodeCidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ...c.delivery.smoke.edgeCidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ];
    new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata: meta(env, SMOKE_JOB, { ...SMOKE_LABELS, component: 'network-policy' }),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [
          dnsEgress(c),
          { to: [{ podSelector: { matchLabels: selectorLabels(env, BACKEND) } }], ports: [tcp(c.backend.port)] },
          { to: [{ podSelector: { matchLabels: selectorLabels(env, FRONTEND) } }], ports: [tcp(c.frontend.port)] },
          // The edge host resolves to the load balancer; inside the cluster its address is translated to the
          // edge's proxy pods (and, for a load balancer outside that path, `delivery.smoke.edgeCidrs`).
          { to: edgePeers, ports: [...new Set([443, ...edgePodHttpsPorts(env)])].map(tcp) },
        ],
      },
    });
    if (c.gitops.enabled) {
      smokeJob(this, env, {
        'argocd.argoproj.io/hook': 'PostSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      });
    }
  }
}

/** kubectl environments: the Job alone, in `post-apply/60-smoke-test.yaml` (outside what `kubectl apply -f dist/<env>/` reads). */
export class SmokeJobChart extends EnvChart {
  constructor(scope: Construct, env: Environment) {
    super(scope, 'smoke-job', env, 'post-apply/60-smoke-test.yaml');
    smokeJob(this, env);
  }
}
