import type { Construct } from 'constructs';
import type { EnvConfig } from '../lib/config';
import { EnvChart, type EnvChartProps, type EnvContext } from '../lib/constructs/env-chart';
import type { Workload } from '../lib/constructs/workload';
import type { EdgeSources } from '../lib/edge/sources';
import { k8s } from '../lib/k8s';
import { hardenedContainer, hardenedPodSpec } from '../lib/k8s/hardened';
import { labels, meta, selectorLabels } from '../lib/k8s/labels';
import { dnsEgress, tcp } from '../lib/k8s/network';
import { SMOKE_CA_DIR, SMOKE_JOB, SMOKE_LABELS, SMOKE_SCRIPT } from '../lib/delivery/smoke';

/** The smoke test Job: its settings, image and what it checks (lib/delivery/smoke.ts). */
export interface SmokeJobProps extends EnvChartProps {
  /** `delivery.smoke`. */
  readonly smoke: EnvConfig['delivery']['smoke'];
  /** The image the test runs in (the backend's: it has Python). */
  readonly image: string;
  /** The URLs to check and how (`smokeEnv`). */
  readonly testEnv: k8s.EnvVar[];
  /** The Secret and key of the private CA the edge's certificate is checked against; none for a public CA. */
  readonly edgeCa?: { readonly name: string; readonly key: string };
}

export interface SmokeChartProps extends SmokeJobProps {
  /** The workloads the test reaches through their Services: egress to their pods' `http` port. */
  readonly backend: Workload;
  readonly frontend: Workload;
  /** The edge the test reaches through the load balancer: its proxies' pods and their HTTPS ports. */
  readonly edge: EdgeSources;
  /** Argo CD delivers the environment: the Job is a PostSync hook here (otherwise SmokeJobChart's). */
  readonly argocdHook: boolean;
}

/** The Job (same object for Argo CD and kubectl; only the hook annotations differ). */
function smokeJob(scope: Construct, env: EnvContext, props: SmokeJobProps, hook?: Record<string, string>) {
  const s = props.smoke;
  const selector = selectorLabels(env, SMOKE_LABELS);
  // A private CA: only the CA certificate of the Issuer's Secret is mounted (never its key).
  const ca = props.edgeCa;
  const pod = hardenedPodSpec(env, {
    serviceAccountName: SMOKE_JOB,
    containers: [hardenedContainer({
      name: 'smoke-test',
      image: props.image,
      command: ['python3', '-c', SMOKE_SCRIPT],
      env: props.testEnv,
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
  /** The smoke test's pods, as a NetworkPolicy peer (charts/network-policies.ts admits them to both workloads). */
  readonly peer: k8s.NetworkPolicyPeer;

  constructor(scope: Construct, id: string, props: SmokeChartProps) {
    super(scope, id, props.env, '60-smoke.yaml');
    const env = props.env;
    const selector = selectorLabels(env, SMOKE_LABELS);
    this.peer = { podSelector: { matchLabels: selector } };
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: meta(env, SMOKE_JOB, SMOKE_LABELS),
      automountServiceAccountToken: false,
    });
    const edgePeers: k8s.NetworkPolicyPeer[] = [...props.edge.peers, ...props.smoke.edgeCidrs.map((cidr) => ({ ipBlock: { cidr } }))];
    new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata: meta(env, SMOKE_JOB, { ...SMOKE_LABELS, component: 'network-policy' }),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [
          dnsEgress(env.config),
          { to: [props.backend.peer], ports: [tcp(props.backend.port('http'))] },
          { to: [props.frontend.peer], ports: [tcp(props.frontend.port('http'))] },
          // The edge host resolves to the load balancer; inside the cluster its address is translated to the
          // edge's proxy pods (and, for a load balancer outside that path, `delivery.smoke.edgeCidrs`).
          { to: edgePeers, ports: [...new Set([443, ...props.edge.podHttpsPorts])].map(tcp) },
        ],
      },
    });
    if (props.argocdHook) {
      smokeJob(this, env, props, {
        'argocd.argoproj.io/hook': 'PostSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      });
    }
  }
}

/** kubectl environments: the Job alone, in `post-apply/60-smoke-test.yaml` (outside what `kubectl apply -f dist/<env>/` reads). */
export class SmokeJobChart extends EnvChart {
  constructor(scope: Construct, id: string, props: SmokeJobProps) {
    super(scope, id, props.env, 'post-apply/60-smoke-test.yaml');
    smokeJob(this, props.env, props);
  }
}
