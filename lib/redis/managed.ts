/**
 * A managed cache (ElastiCache, Azure Cache for Redis, ...): nothing of the cache runs in the cluster. What the
 * cluster holds is a redis_exporter Deployment pointed at the managed endpoint with the backend's own
 * connection settings (REDIS_URL, TLS, the AUTH token from `secrets.redis`), its Service for the ServiceMonitor,
 * and its NetworkPolicy (Prometheus in, the cache's CIDRs and port out). With `managed.metrics: cloud` not even that.
 */
import { Construct } from 'constructs';
import { Workload } from '../constructs/workload';
import { httpProbe } from '../k8s/hardened';
import { k8s } from '../k8s';
import { meta, selectorLabels, versionOfImage } from '../k8s/labels';
import { dnsEgress, tcp } from '../k8s/network';
import { MANAGED_CA_DIR, MANAGED_CA_FILE, METRICS_PORT, managedUrl, type CacheEnv } from './topology';

export const MANAGED_EXPORTER = 'redis-exporter';
/** Labels of the managed-cache exporter (its Service is what the ServiceMonitor selects). */
export const MANAGED_EXPORTER_LABELS = { name: 'redis-exporter', component: 'metrics' };
const EXPORTER_UID = 59000;

/** REDIS_URL for a container: the ConfigMap's url, or the Secret key `managed.urlSecret`. */
export function managedUrlEnv(env: CacheEnv, name: string): k8s.EnvVar {
  const m = env.config.redis.managed!;
  if (m.urlSecret) return { name, valueFrom: { secretKeyRef: { name: m.urlSecret.name, key: m.urlSecret.key } } };
  return { name, value: managedUrl(env)! };
}

/** The private CA of a managed cache as a volume (only with `managed.caSecret`). */
export function managedCaVolume(env: CacheEnv): { volume: k8s.Volume; mount: k8s.VolumeMount } | undefined {
  const ca = env.config.redis.managed?.caSecret;
  if (!ca) return undefined;
  return {
    volume: { name: 'redis-ca', secret: { secretName: ca.name, items: [{ key: ca.key, path: MANAGED_CA_FILE.slice(MANAGED_CA_DIR.length + 1) }], defaultMode: 0o444 } },
    mount: { name: 'redis-ca', mountPath: MANAGED_CA_DIR, readOnly: true },
  };
}

export class ManagedCacheExporter extends Construct {
  /** `prometheus`: Prometheus's pods (`network`), which scrape the exporter. */
  constructor(scope: Construct, env: CacheEnv, prometheus: k8s.NetworkPolicyPeer) {
    super(scope, 'managed-exporter');
    const c = env.config;
    const r = c.redis;
    const m = r.managed!;
    const ca = managedCaVolume(env);
    const spec = { ...MANAGED_EXPORTER_LABELS, version: versionOfImage(r.exporter.image) };
    new Workload(this, 'exporter', {
      name: MANAGED_EXPORTER,
      labels: spec,
      containers: [{
        name: 'metrics',
        image: r.exporter.image,
        ports: [{ name: 'metrics', containerPort: METRICS_PORT }],
        env: [
          // The backend's settings: the same URL (rediss:// with TLS), the same AUTH token, the same CA.
          managedUrlEnv(env, 'REDIS_ADDR'),
          { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: c.secrets.redis.name, key: c.secrets.redis.key } } },
          ...(ca ? [{ name: 'REDIS_EXPORTER_TLS_CA_CERT_FILE', value: MANAGED_CA_FILE }] : []),
          // Managed services refuse CONFIG (ElastiCache, Azure): maxmemory comes from INFO memory instead.
          { name: 'REDIS_EXPORTER_CONFIG_COMMAND', value: '-' },
          { name: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', value: `:${METRICS_PORT}` },
        ],
        resources: r.exporter.resources,
        livenessProbe: httpProbe('/health', 'metrics', { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
        readinessProbe: httpProbe('/health', 'metrics', { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
        ...(ca ? { volumeMounts: [ca.mount] } : {}),
        runAsUser: EXPORTER_UID,
        runAsGroup: EXPORTER_UID,
      }],
      scale: { replicas: 1 },
      pod: ca ? { volumes: [ca.volume] } : undefined,
      service: { ports: [{ name: 'metrics', port: METRICS_PORT }] },
      pdb: false,
    });
    new k8s.KubeNetworkPolicy(this, 'np-exporter', {
      metadata: meta(env, MANAGED_EXPORTER, { name: 'redis', component: 'network-policy' }),
      spec: {
        podSelector: { matchLabels: selectorLabels(env, spec) },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [prometheus], ports: [tcp(METRICS_PORT)] }],
        egress: [dnsEgress(c), { to: m.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(m.port)] }],
      },
    });
  }
}
