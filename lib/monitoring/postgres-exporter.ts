/**
 * postgres_exporter for the managed PostgreSQL: ServiceAccount, Deployment and Service `postgres-exporter`
 * (port `metrics`, 9187). It reads its connection string (DATA_SOURCE_NAME) from `secrets.monitoringDatabase`,
 * a read-only role with pg_monitor, never the application's own credentials.
 *
 * One replica: it is stateless, a replacement starts in seconds, and two replicas would double the
 * queries and the series. No PodDisruptionBudget: with one replica it would either block node drains
 * (minAvailable 1) or allow everything (maxUnavailable 1); a drain only leaves a short scrape gap, which
 * no alert reads as "down" (the target disappears, it does not report up == 0).
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../config';
import { hardenedContainer, hardenedPodSpec } from '../k8s/hardened';
import { k8s } from '../k8s';
import { labels, meta, selectorLabels, versionOfImage } from '../k8s/labels';
import { POSTGRES_EXPORTER, POSTGRES_EXPORTER_LABELS, POSTGRES_EXPORTER_PORT } from './names';

export function postgresExporter(scope: Construct, env: Environment): void {
  const c = env.config;
  const x = c.monitoring.postgresExporter;
  const spec = { ...POSTGRES_EXPORTER_LABELS, version: versionOfImage(x.image) };
  const selector = selectorLabels(env, spec);
  const probe = (t: { initialDelaySeconds: number; periodSeconds: number; failureThreshold: number }): k8s.Probe => ({
    // The landing page: cheap, no database query (probing /metrics would query PostgreSQL every time).
    httpGet: { path: '/', port: k8s.IntOrString.fromString('metrics'), scheme: 'HTTP' },
    initialDelaySeconds: t.initialDelaySeconds,
    periodSeconds: t.periodSeconds,
    timeoutSeconds: 3,
    failureThreshold: t.failureThreshold,
    successThreshold: 1,
  });

  new k8s.KubeServiceAccount(scope, 'postgres-exporter-service-account', {
    metadata: meta(env, POSTGRES_EXPORTER, spec),
    automountServiceAccountToken: false,
  });

  const container = hardenedContainer({
    name: 'postgres-exporter',
    image: x.image,
    args: [`--web.listen-address=:${POSTGRES_EXPORTER_PORT}`, '--log.format=json'],
    ports: [{ name: 'metrics', containerPort: POSTGRES_EXPORTER_PORT }],
    env: [{
      name: 'DATA_SOURCE_NAME',
      valueFrom: { secretKeyRef: { name: c.secrets.monitoringDatabase.name, key: c.secrets.monitoringDatabase.key } },
    }],
    resources: x.resources,
    livenessProbe: probe({ initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 3 }),
    readinessProbe: probe({ initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 }),
  });

  new ApiObject(scope, 'postgres-exporter-deployment', k8s.KubeDeployment.manifest({
    metadata: meta(env, POSTGRES_EXPORTER, spec),
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
      template: {
        metadata: { labels: labels(env, spec) },
        spec: hardenedPodSpec(env, {
          serviceAccountName: POSTGRES_EXPORTER,
          containers: [container],
          selector,
          nodeSpread: 'ScheduleAnyway',
        }),
      },
    },
  }));

  new k8s.KubeService(scope, 'postgres-exporter-service', {
    metadata: meta(env, POSTGRES_EXPORTER, spec),
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'metrics', port: POSTGRES_EXPORTER_PORT, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
    },
  });
}
