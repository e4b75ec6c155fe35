import type { Construct } from 'constructs';
import { Workload } from '../lib/constructs/workload';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import type { EnvConfig } from '../lib/config';
import { execProbe, hardenedContainer, hardenedPodSpec, httpProbe, volumeNameForPath } from '../lib/k8s/hardened';
import { k8s } from '../lib/k8s';
import { labels, meta, selectorLabels, versionOfImage } from '../lib/k8s/labels';
import { dnsEgress, tcp } from '../lib/k8s/network';
import { HANDOVER_KEY, HAPROXY_DOWN_INTER_MS, HAPROXY_PASSWORD_VAR, HAPROXY_READY_PATH, commonSh, haproxyFirstCheckRoundSeconds, configCommandName, haproxyCfg, preStopRedisSh, redisConf, sentinelConf, startRedisSh, startSentinelSh } from '../lib/redis/files';
import {
  HAPROXY_CONFIGMAP, HAPROXY_DEPLOYMENT, HAPROXY_HEALTH_PORT, METRICS_PORT, PATHS, PROXY_SERVICE,
  REDIS_HAPROXY, REDIS_PORT, SENTINEL_PORT, cacheEnvOf, cacheNames, headlessDomain, redisNodes, sentinelNodes,
} from '../lib/redis/topology';
import { cacheImage } from '../lib/redis/schema';
import { ADMIN_USER, CACHE_USERS, type CacheUser, aclConf, passwordVar, previousPasswordVar, sentinelAclConf, userPreviousKey, userSecretKey } from '../lib/redis/acl';
import { ManagedCacheExporter } from '../lib/redis/managed';
import { CacheCertificates, cacheTlsEnabled, cliCommand, tlsMount, tlsReloadAnnotations, tlsVolume, TLS_CA_FILE } from '../lib/redis/tls';

/** UIDs of the official images' own users. */
const REDIS_UID = 999;
const HAPROXY_UID = 99;
const EXPORTER_UID = 59000;

const int = (n: number) => k8s.IntOrString.fromNumber(n);

export interface RedisChartProps extends EnvChartProps {
  /** `redis`: mode and engine, replicas, Sentinel, HAProxy, the exporter, persistence, ACL, a managed cache. */
  readonly redis: EnvConfig['redis'];
  /** `secrets.redis`: the Secret that holds every cache user's password (lib/redis/acl.ts). */
  readonly secret: EnvConfig['secrets']['redis'];
  /** The cache's client: its pods reach HAProxy, Redis and Sentinel. */
  readonly backend: Workload;
  /** Prometheus's pods (`network`): they scrape the exporters. */
  readonly prometheus: k8s.NetworkPolicyPeer;
}

/**
 * Redis with Sentinel: StatefulSet `redis` (Redis, a Sentinel sidecar and redis_exporter in each pod,
 * a PersistentVolumeClaim for AOF), Services `redis-headless` (stable pod DNS, metrics) and
 * `redis-sentinel`, HAProxy `redis-haproxy` behind Service `redis` that always points at the current
 * primary, PodDisruptionBudgets and NetworkPolicies. The password is only ever read from the Secret
 * `secrets.redis` at start-up.
 */
export class RedisChart extends EnvChart {
  constructor(scope: Construct, id: string, props: RedisChartProps) {
    super(scope, id, props.env, '35-redis.yaml');
    // The context with the cache's own sections: what the builders of lib/redis read.
    const env = cacheEnvOf(props.env, props.redis, props.secret);
    const c = env.config;
    const r = c.redis;
    if (r.mode === 'managed') {
      // No cache in the cluster: at most the exporter that watches the managed endpoint.
      if (r.managed?.metrics === 'exporter') new ManagedCacheExporter(this, env, props.prometheus);
      return;
    }
    // Redis or Valkey: the same topology; names, binaries and the image follow the engine (lib/redis/topology.ts).
    const n = cacheNames(env);
    const image = cacheImage(r);
    const STATEFULSET = n.statefulset;
    const redisSpec = { ...n.pods, version: versionOfImage(image) };
    const proxySpec = { ...REDIS_HAPROXY, version: versionOfImage(r.haproxy.image) };
    const redisSelector = selectorLabels(env, redisSpec);
    const proxySelector = selectorLabels(env, proxySpec);
    // Every client has its own ACL user and password (a key of the Secret `secrets.redis`; lib/redis/acl.ts).
    const password = (name: string, user: CacheUser): k8s.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: c.secrets.redis.name, key: userSecretKey(c, user) } } });
    // With `redis.tls` every redis-cli of the scripts and probes speaks TLS (lib/redis/tls.ts).
    const tls = cacheTlsEnabled(env);
    const cliNames = { ...n, cli: cliCommand(env).join(' ') };
    const nodeFilesText = [redisConf(env), sentinelConf(env), aclConf(env), sentinelAclConf(), commonSh(cliNames), startRedisSh(n), startSentinelSh(n), preStopRedisSh(cliNames)];
    if (tls) new CacheCertificates(this, 'tls', env);

    new k8s.KubeServiceAccount(this, `sa-${STATEFULSET}`, { metadata: meta(env, STATEFULSET, redisSpec), automountServiceAccountToken: false });

    new k8s.KubeConfigMap(this, 'node-config', {
      metadata: meta(env, n.nodeConfigMap, redisSpec),
      data: {
        [n.conf]: redisConf(env),
        'sentinel.conf': sentinelConf(env),
        'acl.conf': aclConf(env),
        'sentinel-acl.conf': sentinelAclConf(),
        'common.sh': commonSh(cliNames),
        'start-redis.sh': startRedisSh(n),
        'start-sentinel.sh': startSentinelSh(n),
        'prestop-redis.sh': preStopRedisSh(cliNames),
      },
    });
    new k8s.KubeConfigMap(this, 'haproxy-config', {
      metadata: meta(env, HAPROXY_CONFIGMAP, proxySpec),
      data: { 'haproxy.cfg': haproxyCfg(env) },
    });

    // ---- Services
    const svcPort = (name: string, port: number): k8s.ServicePort => ({ name, port, targetPort: k8s.IntOrString.fromString(name), protocol: 'TCP' });
    new k8s.KubeService(this, 'headless', {
      metadata: meta(env, n.headless, redisSpec),
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: redisSelector,
        ports: [svcPort('redis', REDIS_PORT), svcPort('sentinel', SENTINEL_PORT), svcPort('metrics', METRICS_PORT)],
      },
    });
    new k8s.KubeService(this, 'sentinel-service', {
      metadata: meta(env, n.sentinelService, { ...n.sentinelSpec, version: redisSpec.version }),
      spec: { type: 'ClusterIP', selector: redisSelector, ports: [svcPort('sentinel', SENTINEL_PORT)] },
    });

    // ---- StatefulSet: Redis + Sentinel + exporter
    const grace = c.pod.terminationGracePeriodSeconds;
    const preStopWaitSeconds = Math.max(1, Math.min(Math.ceil(r.sentinel.failoverTimeout / 1000), grace - 5));
    const nodeEnv: k8s.EnvVar[] = [
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_HOST', value: `$(POD_NAME).${headlessDomain(env)}` },
      { name: 'REDIS_PORT', value: String(REDIS_PORT) },
      { name: 'SENTINEL_PORT', value: String(SENTINEL_PORT) },
      { name: 'REDIS_NODES', value: redisNodes(env).join(' ') },
      { name: 'SENTINEL_NODES', value: sentinelNodes(env).join(' ') },
      { name: 'MASTER_NAME', value: r.masterName },
      { name: 'SENTINEL_REQUIRES_PASSWORD', value: String(r.sentinel.requirePassword) },
      { name: 'TEMPLATES_DIR', value: PATHS.templates },
      { name: 'RUNTIME_DIR', value: PATHS.runtime },
      { name: 'DATA_DIR', value: PATHS.data },
      // The primary's preStop waits this long for Sentinel to hand its role over (within the grace period).
      { name: 'PRESTOP_WAIT_SECONDS', value: String(preStopWaitSeconds) },
      // How long the preStop keeps this primary paused after the new one is ready, so that HAProxy sees the new
      // one up (rise 2 checks, HAPROXY_DOWN_INTER_MS apart, + 100 ms) before this one goes down.
      { name: 'HANDOVER_SETTLE_MS', value: String(2 * HAPROXY_DOWN_INTER_MS + 100) },
      // How long a starting Redis waits for a quorum of Sentinels to agree (and to finish a failover that
      // concerns this pod) before it follows what it has: a failover takes down-after + failover-timeout at most.
      { name: 'START_WAIT_SECONDS', value: String(Math.ceil((r.sentinel.downAfterMilliseconds + 2 * r.sentinel.failoverTimeout) / 1000)) },
      // redis-cli of the probes, scripts and `kubectl exec` authenticates as the admin user (`--user admin`).
      password('REDISCLI_AUTH', ADMIN_USER),
      // The start-up scripts render every ACL user with its password (and Redis's masterauth, Sentinel's auth-pass).
      ...CACHE_USERS.map((u) => password(passwordVar(u), u)),
      // Only during a password rotation (docs/cache.md): a user's previous password, which a (re)starting Redis
      // and Sentinel then accept besides the new one. Optional: normally the keys are absent.
      ...CACHE_USERS.map((u): k8s.EnvVar => ({ name: previousPasswordVar(u), valueFrom: { secretKeyRef: { name: c.secrets.redis.name, key: userPreviousKey(c, u), optional: true } } })),
    ];
    const templatesMount: k8s.VolumeMount = { name: 'templates', mountPath: PATHS.templates, readOnly: true };
    const tlsMounts = tls ? [tlsMount('tls')] : [];
    const cli = (port: number, ...cmd: string[]) => [...cliCommand(env), '--user', ADMIN_USER, '--no-auth-warning', '-p', String(port), ...cmd];
    const ping = (port: number, accept: string) => ['sh', '-c', `${cli(port, 'ping').join(' ')} | grep -Eq '${accept}'`];

    const redis: k8s.Container = { ...hardenedContainer({
      name: 'redis',
      image,
      command: ['sh', `${PATHS.templates}/start-redis.sh`],
      ports: [{ name: 'redis', containerPort: REDIS_PORT }],
      env: nodeEnv,
      resources: r.resources,
      startupProbe: execProbe(ping(REDIS_PORT, '^(PONG|LOADING)'), { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 }),
      livenessProbe: execProbe(ping(REDIS_PORT, '^(PONG|LOADING|MASTERDOWN)'), { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 }),
      readinessProbe: execProbe(ping(REDIS_PORT, '^PONG'), { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 }),
      writablePaths: [PATHS.runtime, '/tmp'],
      volumeMounts: [templatesMount, { name: 'data', mountPath: PATHS.data }, ...tlsMounts],
      runAsUser: REDIS_UID,
      runAsGroup: REDIS_UID,
    }), lifecycle: { preStop: { exec: { command: ['sh', `${PATHS.templates}/prestop-redis.sh`] } } } };
    // Without a Sentinel password, the probes must not send one.
    const sentinelPing = r.sentinel.requirePassword ? ping(SENTINEL_PORT, '^PONG')
      : ['sh', '-c', `env -u REDISCLI_AUTH ${cliCommand(env).join(' ')} -p ${SENTINEL_PORT} ping | grep -q '^PONG'`];
    const sentinel = hardenedContainer({
      name: 'sentinel',
      image,
      command: ['sh', `${PATHS.templates}/start-sentinel.sh`],
      ports: [{ name: 'sentinel', containerPort: SENTINEL_PORT }],
      env: nodeEnv,
      resources: r.sentinel.resources,
      livenessProbe: execProbe(sentinelPing, { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 }),
      readinessProbe: execProbe(sentinelPing, { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 }),
      // Sentinel rewrites its configuration into data/sentinel/ on the data volume: its learned state
      // (primary, epochs, known replicas and Sentinels) survives restarts. The runtime emptyDir is scratch.
      writablePaths: ['/tmp'],
      volumeMounts: [templatesMount, { name: 'sentinel-runtime', mountPath: PATHS.runtime }, { name: 'data', mountPath: PATHS.data }, ...tlsMounts],
      runAsUser: REDIS_UID,
      runAsGroup: REDIS_UID,
    });
    const exporter = hardenedContainer({
      name: 'metrics',
      image: r.exporter.image,
      ports: [{ name: 'metrics', containerPort: METRICS_PORT }],
      env: [
        // With TLS the exporter verifies the server's certificate for the name it dials: this pod's own DNS name.
        ...(tls ? [
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'REDIS_ADDR', value: `rediss://$(POD_NAME).${headlessDomain(env)}:${REDIS_PORT}` },
          { name: 'REDIS_EXPORTER_TLS_CA_CERT_FILE', value: TLS_CA_FILE },
        ] : [{ name: 'REDIS_ADDR', value: `redis://localhost:${REDIS_PORT}` }]),
        { name: 'REDIS_USER', value: 'exporter' },
        password('REDIS_PASSWORD', 'exporter'),
        { name: 'REDIS_EXPORTER_CONFIG_COMMAND', value: configCommandName(env) },
        { name: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', value: `:${METRICS_PORT}` },
        // redis_key_value{key="<HANDOVER_KEY>"}: the unix time of the last planned hand-over (preStop).
        { name: 'REDIS_EXPORTER_CHECK_SINGLE_KEYS', value: `db0=${HANDOVER_KEY}` },
      ],
      resources: r.exporter.resources,
      livenessProbe: httpProbe('/health', 'metrics', { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
      readinessProbe: httpProbe('/health', 'metrics', { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
      ...(tls ? { volumeMounts: [tlsMount('tls-ca')] } : {}),
      runAsUser: EXPORTER_UID,
      runAsGroup: EXPORTER_UID,
    });

    // The runtime folder holds the rendered redis.conf with the ACL users' passwords and masterauth: memory-backed
    // (tmpfs), so no password reaches the node's disk; it counts against the container's memory limit (16Mi).
    const runtimeVolume = volumeNameForPath(PATHS.runtime);
    const podAffinityTerm = { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: redisSelector } };
    const basePod = hardenedPodSpec(env, {
      serviceAccountName: STATEFULSET,
      containers: [redis, sentinel, exporter],
      selector: redisSelector,
      writablePaths: [PATHS.runtime, '/tmp'],
      volumes: [
        { name: 'templates', configMap: { name: n.nodeConfigMap, defaultMode: 0o444 } },
        { name: 'sentinel-runtime', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
        // The exporter gets only the CA, not the server's key.
        ...(tls ? [tlsVolume(env, 'tls', 'server'), tlsVolume(env, 'tls-ca', 'ca')] : []),
      ],
    });
    const redisPod: k8s.PodSpec = {
      ...basePod,
      volumes: basePod.volumes!.map((v) => (v.name === runtimeVolume ? { name: v.name, emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } } : v)),
      affinity: {
        podAntiAffinity: r.antiAffinity === 'required'
          ? { requiredDuringSchedulingIgnoredDuringExecution: [podAffinityTerm] }
          : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm }] },
      },
    };

    // With tls.restartOnRenewal reloader: Reloader rolls the servers and HAProxy onto a renewed certificate.
    const reload = tlsReloadAnnotations(env);
    new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: meta(env, STATEFULSET, redisSpec, reload),
      spec: {
        serviceName: n.headless,
        replicas: r.replicas,
        // Pods start and restart independently (a lost pod 0 never blocks pods 1 and 2); the start-up
        // scripts make the first start safe: with no Sentinel knowing a primary, all agree on pod 0.
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: redisSelector },
        template: {
          metadata: {
            labels: labels(env, redisSpec),
            // A changed redis.conf, sentinel.conf or script rolls the pods (no hash in any name).
            annotations: { 'pensioen.nl/config-version': configVersion(nodeFilesText) },
          },
          spec: redisPod,
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels: labels(env, redisSpec) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(r.persistence.storageClass ? { storageClassName: r.persistence.storageClass } : {}),
            resources: { requests: { storage: k8s.Quantity.fromString(r.persistence.size) } },
          },
        }],
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'redis-pdb', {
      metadata: meta(env, n.pdb, redisSpec),
      spec: { maxUnavailable: int(r.pdb.maxUnavailable), selector: { matchLabels: redisSelector } },
    });

    // ---- HAProxy: Service `redis` always reaches the current primary. It keeps serving for
    // pod.preStopSleepSeconds after it leaves the Service endpoints.
    const haproxy = new Workload(this, 'haproxy', {
      name: HAPROXY_DEPLOYMENT,
      labels: proxySpec,
      containers: [{
        name: 'haproxy',
        image: r.haproxy.image,
        command: ['haproxy', '-W', '-db', '-f', `${PATHS.haproxyConfig}/haproxy.cfg`],
        ports: [{ name: 'redis', containerPort: REDIS_PORT }, { name: 'health', containerPort: HAPROXY_HEALTH_PORT }],
        env: [password(HAPROXY_PASSWORD_VAR, 'haproxy')],
        resources: r.haproxy.resources,
        livenessProbe: httpProbe('/healthz', 'health', { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
        // Ready (in Service `redis`) only once HAProxy's checks have found the primary: never a write to a replica.
        readinessProbe: httpProbe(HAPROXY_READY_PATH, 'health', { initialDelaySeconds: haproxyFirstCheckRoundSeconds(r.haproxy.checkIntervalMilliseconds), periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 3 }),
        writablePaths: ['/tmp'],
        volumeMounts: [{ name: 'config', mountPath: PATHS.haproxyConfig, readOnly: true }, ...(tls ? [tlsMount('tls')] : [])],
        runAsUser: HAPROXY_UID,
        runAsGroup: HAPROXY_UID,
      }],
      scale: { replicas: r.haproxy.replicas },
      pod: {
        annotations: { 'pensioen.nl/config-version': configVersion([haproxyCfg(env)]) },
        volumes: [{ name: 'config', configMap: { name: HAPROXY_CONFIGMAP, defaultMode: 0o444 } }, ...(tls ? [tlsVolume(env, 'tls', 'haproxy')] : [])],
      },
      service: { name: PROXY_SERVICE, ports: [{ name: 'redis', port: REDIS_PORT }] },
      pdb: r.haproxy.pdb,
      maxSurge: 1,
    });
    for (const [k, v] of Object.entries(reload ?? {})) haproxy.deployment!.metadata.addAnnotation(k, v);

    // ---- NetworkPolicies (on top of the namespace's default deny)
    const npSpec = { name: 'redis', component: 'network-policy' };
    const pods = (sel: Record<string, string>): k8s.NetworkPolicyPeer => ({ podSelector: { matchLabels: sel } });
    const backend = props.backend.selector;
    const monitoring = props.prometheus;
    const dns = dnsEgress(c);
    new k8s.KubeNetworkPolicy(this, 'np-redis', {
      metadata: meta(env, n.podPolicy, npSpec),
      spec: {
        podSelector: { matchLabels: redisSelector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [pods(backend), pods(redisSelector)], ports: [tcp(REDIS_PORT), tcp(SENTINEL_PORT)] },
          { from: [pods(proxySelector)], ports: [tcp(REDIS_PORT)] },
          { from: [monitoring], ports: [tcp(METRICS_PORT)] },
        ],
        egress: [dns, { to: [pods(redisSelector)], ports: [tcp(REDIS_PORT), tcp(SENTINEL_PORT)] }],
      },
    });
    // Named per engine: during a switch of engine the old engine's policy stays until it is pruned, so the
    // HAProxy pods not yet rolled keep reaching the old engine's pods (NetworkPolicies add up).
    new k8s.KubeNetworkPolicy(this, 'np-haproxy', {
      metadata: meta(env, n.haproxyPolicy, npSpec),
      spec: {
        podSelector: { matchLabels: proxySelector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [pods(backend)], ports: [tcp(REDIS_PORT)] }],
        egress: [dns, { to: [pods(redisSelector)], ports: [tcp(REDIS_PORT)] }],
      },
    });
  }
}

/** A short, stable digest of generated files (FNV-1a), so that a change rolls the pods. */
function configVersion(files: string[]): string {
  let h = 0x811c9dc5;
  for (const ch of files.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
