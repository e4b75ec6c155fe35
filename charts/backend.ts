import type { Construct } from 'constructs';
import type { Environment } from '../lib/config';
import { EnvChart } from '../lib/constructs/env-chart';
import { Workload } from '../lib/constructs/workload';
import { k8s } from '../lib/k8s';
import { httpProbe } from '../lib/k8s/hardened';
import { meta, versionOfImage } from '../lib/k8s/labels';
import { BACKEND, BACKEND_DEPLOYMENT, BACKEND_SERVICE, REDIS_CONFIGMAP } from '../lib/names';
import { redisClientConfig } from '../lib/redis/topology';

export { BACKEND, BACKEND_DEPLOYMENT, BACKEND_SERVICE, REDIS_CONFIGMAP };

/**
 * The FastAPI backend: the ConfigMap `redis-config`, then a `Workload` (ServiceAccount, Deployment `backend`,
 * Service `backend-service`, HorizontalPodAutoscaler `backend-hpa`, PodDisruptionBudget `backend-pdb`).
 * Secrets (`db-secrets`, the app secret, the Redis password) are referenced, never created: their values do
 * not belong in git.
 */
export class BackendChart extends EnvChart {
  readonly workload: Workload;

  constructor(scope: Construct, env: Environment) {
    super(scope, 'backend', env, '10-backend.yaml');
    const c = env.config;
    const b = c.backend;

    new k8s.KubeConfigMap(this, 'redis-config', {
      metadata: meta(env, REDIS_CONFIGMAP, { name: 'redis', component: 'cache' }),
      // REDIS_URL (key `url`, through HAProxy) and the Sentinel endpoints for Sentinel-aware clients.
      data: redisClientConfig(env),
    });

    const secretEnv = (name: string, ref: { name: string; key: string }): k8s.EnvVar =>
      ({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
    this.workload = new Workload(this, 'backend', {
      name: BACKEND_DEPLOYMENT,
      labels: { ...BACKEND, version: versionOfImage(b.image) },
      containers: [{
        name: 'backend',
        image: `${c.registry}/${b.image}`,
        ports: [{ name: 'http', containerPort: b.port }],
        env: [
          secretEnv('DATABASE_URL', c.secrets.database),
          { name: 'REDIS_URL', valueFrom: { configMapKeyRef: { name: REDIS_CONFIGMAP, key: 'url' } } },
          secretEnv('REDIS_PASSWORD', c.secrets.redis),
          secretEnv('SECRET_KEY', c.secrets.app),
          { name: 'ENVIRONMENT', value: c.appEnvironment ?? env.name },
          { name: 'DEBUG', value: String(b.debug) },
          { name: 'CORS_ORIGINS', value: c.ingress.cors.allowOrigins.join(',') },
          { name: 'SQLALCHEMY_POOL_SIZE', value: String(b.databasePool.size) },
          { name: 'SQLALCHEMY_MAX_OVERFLOW', value: String(b.databasePool.maxOverflow) },
          { name: 'SQLALCHEMY_POOL_RECYCLE', value: String(b.databasePool.recycleSeconds) },
        ],
        resources: b.resources,
        livenessProbe: httpProbe(b.healthPath, b.port, b.livenessProbe),
        readinessProbe: httpProbe(b.healthPath, b.port, b.readinessProbe),
        writablePaths: ['/tmp'],
      }],
      scale: b.autoscaling.enabled ? { autoscaling: b.autoscaling } : { replicas: b.replicas },
      service: { name: BACKEND_SERVICE, ports: [{ name: 'http', port: b.port, targetPort: b.port }] },
      pdb: b.pdb,
    });
  }
}
