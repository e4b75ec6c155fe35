/**
 * postgres_exporter for the managed PostgreSQL: ServiceAccount, Deployment and Service `postgres-exporter`
 * (port `metrics`, 9187). It reads its connection string (DATA_SOURCE_NAME) from `secrets.monitoringDatabase`,
 * a read-only role with pg_monitor, never the application's own credentials.
 *
 * Like every Workload it sleeps in preStop, so a scrape in flight during a rollout completes.
 *
 * One replica: it is stateless, a replacement starts in seconds, and two replicas would double the
 * queries and the series. No PodDisruptionBudget: with one replica it would either block node drains
 * (minAvailable 1) or allow everything (maxUnavailable 1); a drain only leaves a short scrape gap, which
 * no alert reads as "down" (the target disappears, it does not report up == 0).
 */
import type { Construct } from 'constructs';
import type { EnvConfig } from '../config';
import { Workload } from '../constructs/workload';
import { k8s } from '../k8s';
import { versionOfImage } from '../k8s/labels';
import { POSTGRES_EXPORTER, POSTGRES_EXPORTER_LABELS, POSTGRES_EXPORTER_PORT } from './names';

/** `x`: `monitoring.postgresExporter`; `secret`: `secrets.monitoringDatabase`. */
export function postgresExporter(scope: Construct, x: EnvConfig['monitoring']['postgresExporter'], secret: { readonly name: string; readonly key: string }): Workload {
  const probe = (t: { initialDelaySeconds: number; periodSeconds: number; failureThreshold: number }): k8s.Probe => ({
    // The landing page: cheap, no database query (probing /metrics would query PostgreSQL every time).
    httpGet: { path: '/', port: k8s.IntOrString.fromString('metrics'), scheme: 'HTTP' },
    initialDelaySeconds: t.initialDelaySeconds,
    periodSeconds: t.periodSeconds,
    timeoutSeconds: 3,
    failureThreshold: t.failureThreshold,
    successThreshold: 1,
  });
  return new Workload(scope, 'postgres-exporter', {
    name: POSTGRES_EXPORTER,
    labels: { ...POSTGRES_EXPORTER_LABELS, version: versionOfImage(x.image) },
    containers: [{
      name: 'postgres-exporter',
      image: x.image,
      args: [`--web.listen-address=:${POSTGRES_EXPORTER_PORT}`, '--log.format=json'],
      ports: [{ name: 'metrics', containerPort: POSTGRES_EXPORTER_PORT }],
      env: [{
        name: 'DATA_SOURCE_NAME',
        valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } },
      }],
      resources: x.resources,
      livenessProbe: probe({ initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 3 }),
      readinessProbe: probe({ initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 }),
    }],
    // One replica (see above): no PDB is made for it.
    scale: { replicas: 1 },
    pod: { nodeSpread: 'ScheduleAnyway', perRevisionSpread: false },
    service: { ports: [{ name: 'metrics', port: POSTGRES_EXPORTER_PORT }] },
    metrics: { port: 'metrics' },
    revisionHistoryLimit: 3,
    maxSurge: 1,
  });
}
