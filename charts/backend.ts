import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { EnvChart } from '../lib/constructs/env-chart';
import type { Environment } from '../lib/config';
import { withPreStopSleep, hardenedContainer, hardenedPodSpec, httpProbe } from '../lib/k8s/hardened';
import { k8s } from '../lib/k8s';
import { labels, meta, selectorLabels, versionOfImage } from '../lib/k8s/labels';
import { redisClientConfig } from '../lib/redis/topology';

export const BACKEND = { name: 'pensioen-backend', component: 'backend' };
export const BACKEND_DEPLOYMENT = 'backend';
export const BACKEND_SERVICE = 'backend-service';
export const REDIS_CONFIGMAP = 'redis-config';

/**
 * The FastAPI backend: ServiceAccount, Deployment, Service `backend-service`, HorizontalPodAutoscaler,
 * PodDisruptionBudget and the ConfigMap `redis-config`. Secrets (`db-secrets`, the app secret, the Redis
 * password) are referenced, never created: their values do not belong in git.
 */
export class BackendChart extends EnvChart {
  readonly deployment: ApiObject;
  readonly service: k8s.KubeService;

  constructor(scope: Construct, env: Environment) {
    super(scope, 'backend', env, '10-backend.yaml');
    const c = env.config;
    const b = c.backend;
    const spec = { ...BACKEND, version: versionOfImage(b.image) };
    const selector = selectorLabels(env, spec);

    new k8s.KubeConfigMap(this, 'redis-config', {
      metadata: meta(env, REDIS_CONFIGMAP, { name: 'redis', component: 'cache' }),
      // REDIS_URL (key `url`, through HAProxy) and the Sentinel endpoints for Sentinel-aware clients.
      data: redisClientConfig(env),
    });

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: meta(env, BACKEND_DEPLOYMENT, spec),
      automountServiceAccountToken: false,
    });

    const secretEnv = (name: string, ref: { name: string; key: string }): k8s.EnvVar =>
      ({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
    const container = hardenedContainer({
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
    });

    this.deployment = new ApiObject(this, 'deployment', withPreStopSleep(k8s.KubeDeployment.manifest({
      metadata: meta(env, BACKEND_DEPLOYMENT, spec),
      spec: {
        // With the HPA on, spec.replicas is left out: otherwise every `kubectl apply` or Argo CD sync
        // would reset the scale the HPA chose.
        ...(b.autoscaling.enabled ? {} : { replicas: b.replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromString('25%') } },
        template: {
          metadata: { labels: labels(env, spec) },
          spec: hardenedPodSpec(env, {
            serviceAccountName: BACKEND_DEPLOYMENT,
            containers: [container],
            selector,
            writablePaths: ['/tmp'],
            perRevisionSpread: true,
          }),
        },
      },
    }), c.pod.preStopSleepSeconds));

    this.service = new k8s.KubeService(this, 'service', {
      metadata: meta(env, BACKEND_SERVICE, spec),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: b.port, targetPort: k8s.IntOrString.fromNumber(b.port), protocol: 'TCP' }],
      },
    });

    if (b.autoscaling.enabled) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: meta(env, 'backend-hpa', spec),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: BACKEND_DEPLOYMENT },
          minReplicas: b.autoscaling.minReplicas,
          maxReplicas: b.autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: b.autoscaling.targetCPUUtilizationPercentage } },
          }],
        },
      });
    }

    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: meta(env, 'backend-pdb', spec),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(b.pdb.maxUnavailable), selector: { matchLabels: selector } },
    });
  }
}
