import type { Construct } from 'constructs';
import type { EnvConfig } from '../lib/config';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import { Workload } from '../lib/constructs/workload';
import { k8s } from '../lib/k8s';
import { hardenedContainer, httpProbe, livenessAndStartup } from '../lib/k8s/hardened';
import { meta, versionOfImage } from '../lib/k8s/labels';
import { BACKEND, BACKEND_DEPLOYMENT, BACKEND_SERVICE, REDIS_CONFIGMAP } from '../lib/names';
import type { DatabaseClient } from '../lib/database/client';
import { secretEnv } from '../lib/database/connection';
import { schemaWaitScript } from '../lib/database/schema-wait';
import { AnalysisTemplate } from '../imports/rollouts-analysistemplates-argoproj.io';
import { BACKEND_METRICS_COMPONENT, BACKEND_METRICS_SERVICE, type WorkloadCanary, canaryServiceFor } from '../lib/delivery/rollout';

export { BACKEND, BACKEND_DEPLOYMENT, BACKEND_SERVICE, REDIS_CONFIGMAP };

export interface BackendChartProps extends EnvChartProps {
  /** `backend`. */
  readonly backend: EnvConfig['backend'];
  /** The container's environment (`backendEnv`: database, cache, secrets, CORS, pool settings). */
  readonly containerEnv: k8s.EnvVar[];
  /** The ConfigMap `redis-config`: how the backend reaches the cache (lib/redis/topology.ts). */
  readonly redisClientConfig: Record<string, string>;
  /** CA certificates the backend verifies with (a managed cache's, the database's), each a volume and its mount. */
  readonly caVolumes: { readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount }[];
  /** The `wait-for-schema` init container (`migrations.waitForSchema`); none without it. */
  readonly schemaWait?: k8s.Container;
  /** With `delivery.strategy: canary` (lib/delivery/rollout.ts, `backendCanary`): the Rollout and its AnalysisTemplate. */
  readonly canary?: WorkloadCanary;
}

/**
 * The FastAPI backend: the ConfigMap `redis-config`, then a `Workload` (ServiceAccount, Deployment `backend`,
 * Service `backend-service`, HorizontalPodAutoscaler `backend-hpa`, PodDisruptionBudget `backend-pdb`).
 * Secrets (`db-secrets`, the app secret, the Redis password) are referenced, never created: their values do
 * not belong in git.
 *
 * With `delivery.strategy: canary` the Deployment is an Argo Rollouts Rollout `backend` with the same pod
 * template (lib/delivery/rollout.ts), the Service `backend-canary` beside `backend-service`, the headless
 * Service `backend-metrics` the ServiceMonitor scrapes every backend pod through (stable and canary; the two
 * others each select one ReplicaSet during a canary and the same pods after it), and the AnalysisTemplate
 * `backend-canary` that judges each step.
 */
export class BackendChart extends EnvChart {
  readonly workload: Workload;
  /** With a canary: the name of the canary Service beside `backend-service` (an edge's routes name both). */
  readonly canaryService?: string;

  constructor(scope: Construct, id: string, props: BackendChartProps) {
    super(scope, id, props.env, '10-backend.yaml');
    const env = props.env;
    const b = props.backend;

    new k8s.KubeConfigMap(this, 'redis-config', {
      metadata: meta(env, REDIS_CONFIGMAP, { name: 'redis', component: 'cache' }),
      // REDIS_URL (key `url`, through HAProxy) and the Sentinel endpoints for Sentinel-aware clients; with a
      // managed cache its URL (rediss://) and, for a private CA, where the CA file is.
      data: props.redisClientConfig,
    });
    const mounts = props.caVolumes.map((v) => v.mount);
    const volumes = props.caVolumes.map((v) => v.volume);
    const schemaWait = props.schemaWait;
    this.workload = new Workload(this, 'backend', {
      name: BACKEND_DEPLOYMENT,
      labels: { ...BACKEND, version: versionOfImage(b.image) },
      containers: [{
        name: 'backend',
        image: `${env.config.registry}/${b.image}`,
        ports: [
          { name: 'http', containerPort: b.port },
          ...(b.metricsPort !== undefined ? [{ name: 'metrics', containerPort: b.metricsPort }] : []),
        ],
        env: props.containerEnv,
        resources: b.resources,
        // Liveness never calls the readiness path (which checks PostgreSQL and Redis): a database failover
        // takes the pods out of the Service, it does not restart them all at once.
        ...livenessAndStartup('http', b.livenessProbe, b.startupProbe),
        readinessProbe: httpProbe(b.healthPath, 'http', b.readinessProbe),
        writablePaths: ['/tmp'],
        ...(mounts.length ? { volumeMounts: mounts } : {}),
      }],
      ...(schemaWait || volumes.length ? { pod: { ...(schemaWait ? { initContainers: [schemaWait] } : {}), ...(volumes.length ? { volumes } : {}) } } : {}),
      scale: b.autoscaling.enabled ? { autoscaling: b.autoscaling } : { replicas: b.replicas },
      service: {
        name: BACKEND_SERVICE,
        ports: [
          { name: 'http', port: b.port, targetPort: b.port },
          ...(b.metricsPort !== undefined ? [{ name: 'metrics', port: b.metricsPort, targetPort: b.metricsPort }] : []),
        ],
      },
      pdb: b.pdb,
      // Prometheus scrapes the metrics port (backend.metricsPort) or the HTTP port.
      metrics: { port: b.metricsPort !== undefined ? 'metrics' : 'http', path: b.metricsPath },
      ...(props.canary ? { controller: props.canary.controller } : {}),
    });

    if (props.canary) {
      this.canaryService = canaryServiceFor(this, env, this.workload, 'backend', BACKEND).name;
      canaryServiceFor(this, env, this.workload, 'metrics', { ...BACKEND, component: BACKEND_METRICS_COMPONENT }, BACKEND_METRICS_SERVICE);
      new AnalysisTemplate(this, 'backend-canary-analysis', props.canary.analysisTemplate);
    }
  }
}

/** What the backend container's environment is made of: handed over by the wiring (lib/pipeline.ts). */
export interface BackendEnvSources {
  /** `backend`: debug and the database pool settings. */
  readonly backend: EnvConfig['backend'];
  /** DATABASE_URL and libpq's settings, as the app role (lib/database/client.ts). */
  readonly database: DatabaseClient;
  /** `redis`: where REDIS_URL comes from (a managed cache's URL Secret), whether a CA file is named (a managed cache's CA, `redis.tls`). */
  readonly redis: EnvConfig['redis'];
  /** `secrets.redis` (REDIS_PASSWORD) and `secrets.app` (SECRET_KEY). */
  readonly secrets: Pick<EnvConfig['secrets'], 'redis' | 'app'>;
  /** ENVIRONMENT: `appEnvironment`, or the environment's name. */
  readonly appEnvironment: string;
  /** CORS_ORIGINS: the origins the edge allows (`ingress.cors.allowOrigins`). */
  readonly corsOrigins: string[];
}

/** The backend container's environment. */
export function backendEnv(s: BackendEnvSources): k8s.EnvVar[] {
  const b = s.backend;
  const r = s.redis;
  return [
    ...s.database.env,
    // The same two settings with every cache: REDIS_URL (ConfigMap `redis-config`, or with a managed cache
    // possibly a Secret) and REDIS_PASSWORD; REDIS_TLS_CA_FILE only for a managed cache with a private CA or the
    // in-cluster cache with `redis.tls` (its CA: the file ConfigMap `redis-config` names, mounted from the Secret).
    r.mode === 'managed' && r.managed?.urlSecret
      ? { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: r.managed.urlSecret.name, key: r.managed.urlSecret.key } } }
      : { name: 'REDIS_URL', valueFrom: { configMapKeyRef: { name: REDIS_CONFIGMAP, key: 'url' } } },
    secretEnv('REDIS_PASSWORD', s.secrets.redis),
    ...((r.mode === 'managed' ? r.managed?.caSecret : r.tls.enabled)
      ? [{ name: 'REDIS_TLS_CA_FILE', valueFrom: { configMapKeyRef: { name: REDIS_CONFIGMAP, key: 'tls-ca-file' } } }] : []),
    secretEnv('SECRET_KEY', s.secrets.app),
    { name: 'ENVIRONMENT', value: s.appEnvironment },
    { name: 'DEBUG', value: String(b.debug) },
    { name: 'CORS_ORIGINS', value: s.corsOrigins.join(',') },
    { name: 'SQLALCHEMY_POOL_SIZE', value: String(b.databasePool.size) },
    { name: 'SQLALCHEMY_MAX_OVERFLOW', value: String(b.databasePool.maxOverflow) },
    { name: 'SQLALCHEMY_POOL_RECYCLE', value: String(b.databasePool.recycleSeconds) },
  ];
}

export { schemaWaitScript };

/**
 * Init container of the backend: waits until the database schema is the image's (see `migrations.waitForSchema`).
 * `image` is the backend's; `database` how the backend reaches PostgreSQL (the app role, its CA).
 */
export function schemaWaitContainer(image: string, migrations: EnvConfig['migrations'], database: DatabaseClient): k8s.Container {
  return hardenedContainer({
    name: 'wait-for-schema',
    image,
    command: ['sh', '-c', schemaWaitScript(migrations.waitTimeoutSeconds)],
    env: [...database.env, { name: 'PYTHONDONTWRITEBYTECODE', value: '1' }],
    resources: migrations.resources,
    writablePaths: ['/tmp'],
    ...(database.ca ? { volumeMounts: [database.ca.mount] } : {}),
  });
}
