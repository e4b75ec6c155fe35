import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { EnvChart } from '../lib/constructs/env-chart';
import type { Environment } from '../lib/config';
import { withPreStopSleep, hardenedContainer, hardenedPodSpec, httpProbe } from '../lib/k8s/hardened';
import { k8s } from '../lib/k8s';
import { labels, meta, selectorLabels, versionOfImage } from '../lib/k8s/labels';

export const FRONTEND = { name: 'pensioen-frontend', component: 'frontend' };
export const FRONTEND_DEPLOYMENT = 'frontend';
export const FRONTEND_SERVICE = 'frontend-service';

/** The Next.js frontend: ServiceAccount, Deployment, Service and PodDisruptionBudget. */
export class FrontendChart extends EnvChart {
  constructor(scope: Construct, env: Environment) {
    super(scope, 'frontend', env, '20-frontend.yaml');
    const c = env.config;
    const f = c.frontend;
    const spec = { ...FRONTEND, version: versionOfImage(f.image) };
    const selector = selectorLabels(env, spec);

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: meta(env, FRONTEND_DEPLOYMENT, spec),
      automountServiceAccountToken: false,
    });

    const container = hardenedContainer({
      name: 'frontend',
      image: `${c.registry}/${f.image}`,
      ports: [{ name: 'http', containerPort: f.port }],
      env: [
        { name: 'NEXT_PUBLIC_API_URL', value: `https://${c.ingress.apiHost}` },
        { name: 'PORT', value: String(f.port) },
        { name: 'HOSTNAME', value: '0.0.0.0' },
        { name: 'NEXT_TELEMETRY_DISABLED', value: '1' },
      ],
      resources: f.resources,
      livenessProbe: httpProbe(f.healthPath, f.port, f.livenessProbe),
      readinessProbe: httpProbe(f.healthPath, f.port, f.readinessProbe),
      writablePaths: f.writablePaths,
    });

    new ApiObject(this, 'deployment', withPreStopSleep(k8s.KubeDeployment.manifest({
      metadata: meta(env, FRONTEND_DEPLOYMENT, spec),
      spec: {
        replicas: f.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromString('25%') } },
        template: {
          metadata: { labels: labels(env, spec) },
          spec: hardenedPodSpec(env, {
            serviceAccountName: FRONTEND_DEPLOYMENT,
            containers: [container],
            selector,
            writablePaths: f.writablePaths,
            perRevisionSpread: true,
          }),
        },
      },
    }), c.pod.preStopSleepSeconds));

    new k8s.KubeService(this, 'service', {
      metadata: meta(env, FRONTEND_SERVICE, spec),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: f.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: meta(env, 'frontend-pdb', spec),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(f.pdb.maxUnavailable), selector: { matchLabels: selector } },
    });
  }
}
