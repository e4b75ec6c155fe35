/** The backend in production holds every seed value (docs/seed-values.md, Backend and Autoscaling). */
import { find, inlineEnvironment, objectsOf, workloadOf } from './helpers';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES } from './helpers';

const objects = objectsOf('production');
const deployment = find(objects, 'Deployment', 'backend');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const envVar = (name: string) => container.env.find((e: any) => e.name === name);

describe('backend Deployment (seed values)', () => {
  test('labels: app: pensioen-backend plus the recommended labels; selector is ours, not a cdk8s hash', () => {
    expect(deployment.metadata.labels).toMatchObject({
      'app': 'pensioen-backend',
      'app.kubernetes.io/name': 'pensioen-backend',
      'app.kubernetes.io/instance': 'pensioen-production',
      'app.kubernetes.io/version': '1.0.0',
      'app.kubernetes.io/component': 'backend',
      'app.kubernetes.io/part-of': 'pensioen-beslissingstool',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    expect(deployment.spec.selector.matchLabels).toEqual({
      'app': 'pensioen-backend', 'app.kubernetes.io/name': 'pensioen-backend', 'app.kubernetes.io/instance': 'pensioen-production',
    });
    expect(JSON.stringify(deployment)).not.toContain('cdk8s.io/metadata.addr');
    expect(pod.containers).toHaveLength(1);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });

  test('image from registry and tag in config, never latest', () => {
    expect(container.image).toBe('ghcr.io/pensioen-beslissingstool/pensioen-backend:1.0.0');
  });

  test('with the HPA on there is no spec.replicas', () => {
    expect(deployment.spec).not.toHaveProperty('replicas');
  });

  test('container port 8000', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
  });

  test('env: secrets from Secrets, REDIS_URL from redis-config, plain settings as values', () => {
    expect(envVar('DATABASE_URL')).toEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db-secrets', key: 'connection-string' } } });
    expect(envVar('REDIS_URL')).toEqual({ name: 'REDIS_URL', valueFrom: { configMapKeyRef: { name: 'redis-config', key: 'url' } } });
    expect(envVar('SECRET_KEY').valueFrom.secretKeyRef).toEqual({ name: 'app-secrets', key: 'secret-key' });
    expect(envVar('REDIS_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'redis-secrets', key: 'redis-password' });
    expect(envVar('ENVIRONMENT').value).toBe('production');
    expect(envVar('DEBUG').value).toBe('false');
    expect(envVar('CORS_ORIGINS').value).toBe('https://pensioen-beslissingstool.nl,https://www.pensioen-beslissingstool.nl');
    // Production's pool is 10 + 20 (not the seed's 20 + 40): the connection budget rule (docs/real-cluster.md).
    expect(envVar('SQLALCHEMY_POOL_SIZE').value).toBe('10');
    expect(envVar('SQLALCHEMY_MAX_OVERFLOW').value).toBe('20');
    expect(envVar('SQLALCHEMY_POOL_RECYCLE').value).toBe('3600');
    for (const e of container.env) if (/SECRET|PASSWORD|TOKEN|DATABASE_URL/.test(e.name)) expect(e.value).toBeUndefined();
  });

  test('probes: readiness GET /health (checks dependencies), liveness a TCP check (never /health), startup covers a slow start', () => {
    expect(container.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' }, periodSeconds: 5 });
    expect(container.startupProbe).toMatchObject({ tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 30 });
  });

  test('resources: requests 512Mi/500m, limits 1Gi/1000m, written exactly so', () => {
    expect(container.resources).toEqual({ requests: { memory: '512Mi', cpu: '500m', 'ephemeral-storage': '64Mi' }, limits: { memory: '1Gi', cpu: '1000m', 'ephemeral-storage': '512Mi' } });
  });

  test('rolling update never takes a pod away before its replacement is ready; graceful shutdown', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } });
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
  });

  test('spread over nodes and zones by our own labels', () => {
    expect(pod.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable, t.maxSkew])).toEqual([
      ['kubernetes.io/hostname', 'DoNotSchedule', 1], ['topology.kubernetes.io/zone', 'ScheduleAnyway', 1],
    ]);
    for (const t of pod.topologySpreadConstraints) expect(t.labelSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  test('runs as its own ServiceAccount without a token', () => {
    expect(pod.serviceAccountName).toBe('backend');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'ServiceAccount', 'backend').automountServiceAccountToken).toBe(false);
  });
});

test('Service backend-service: ClusterIP 8000 -> 8000, selects the backend pods', () => {
  const svc = find(objects, 'Service', 'backend-service');
  expect(svc.spec.type).toBe('ClusterIP');
  expect(svc.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 8000, protocol: 'TCP' }]);
  expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
});

test('HPA autoscaling/v2: backend, 2..10 replicas, CPU 70%', () => {
  const hpa = find(objects, 'HorizontalPodAutoscaler', 'backend-hpa');
  expect(hpa.apiVersion).toBe('autoscaling/v2');
  expect(hpa.spec).toEqual({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'backend' },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  });
});

test('PodDisruptionBudget covers the backend pods', () => {
  const pdb = find(objects, 'PodDisruptionBudget', 'backend-pdb');
  expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels } });
});

test('ConfigMap redis-config holds a URL with the backend\'s ACL user and no password; no Secret object is created', () => {
  const cm = find(objects, 'ConfigMap', 'redis-config');
  expect(cm.data.url).toMatch(/^redis:\/\/backend@[^:@]+:6379\/\d+$/);
  expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
});

test('autoscaling off: the Deployment states replicas (3 by default) and there is no HPA', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8').replace('enabled: true', 'enabled: false');
  const objs = objectsOf(inlineEnvironment('production', text));
  expect(find(objs, 'Deployment', 'backend').spec.replicas).toBe(3);
  expect(objs.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
});

test('staging is smaller and has its own bounds', () => {
  const staging = objectsOf('staging');
  const c = workloadOf(staging, 'backend').spec.template.spec.containers[0];
  expect(c.resources.requests).toEqual({ cpu: '250m', memory: '256Mi', 'ephemeral-storage': '64Mi' });
  expect(find(staging, 'HorizontalPodAutoscaler', 'backend-hpa').spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
  expect(c.env.find((e: any) => e.name === 'ENVIRONMENT').value).toBe('staging');
});

test('snapshot of the backend chart', () => {
  expect(objects.filter((o) => o.__file.endsWith('10-backend.yaml'))).toMatchSnapshot();
});
