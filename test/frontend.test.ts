import { find, objectsOf } from './helpers';

const objects = objectsOf('production');
const deployment = find(objects, 'Deployment', 'frontend');
const container = deployment.spec.template.spec.containers[0];

test('frontend: pensioen-frontend:1.0.0, 2 replicas, NEXT_PUBLIC_API_URL to the API host', () => {
  expect(container.image).toBe('ghcr.io/pensioen-beslissingstool/pensioen-frontend:1.0.0');
  expect(deployment.spec.replicas).toBe(2);
  expect(container.env).toContainEqual({ name: 'NEXT_PUBLIC_API_URL', value: 'https://api.pensioen-beslissingstool.nl' });
  expect(deployment.metadata.labels.app).toBe('pensioen-frontend');
});

test('read-only root filesystem with emptyDirs where Next.js writes', () => {
  expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/tmp', '/app/.next/cache']);
  const vols = deployment.spec.template.spec.volumes.map((v: any) => v.name);
  for (const m of container.volumeMounts) expect(vols).toContain(m.name);
});

test('probes, requests and limits are set', () => {
  // A rendered page may call the API: liveness is a TCP check, readiness renders /.
  expect(container.livenessProbe.tcpSocket).toEqual({ port: 'http' });
  expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 'http', scheme: 'HTTP' });
  expect(container.resources.requests).toEqual({ cpu: '100m', memory: '256Mi', 'ephemeral-storage': '64Mi' });
  expect(container.resources.limits).toEqual({ cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' });
});

test('Service and PDB select the frontend pods', () => {
  const sel = deployment.spec.selector.matchLabels;
  const svc = find(objects, 'Service', 'frontend-service');
  expect(svc.spec.selector).toEqual(sel);
  expect(svc.spec.ports).toEqual([{ name: 'http', port: 3000, targetPort: 'http', protocol: 'TCP' }]);
  expect(find(objects, 'PodDisruptionBudget', 'frontend-pdb').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: sel } });
});

test('snapshot of the frontend chart', () => {
  expect(objects.filter((o) => o.__file.endsWith('20-frontend.yaml'))).toMatchSnapshot();
});
