/** The edge in production holds the seed's Ingress, TLS, ClusterIssuer, HTTPS, rate-limit and CORS values. */
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, find, inlineEnvironment, objectsOf } from './helpers';

const objects = objectsOf('production');
const api = find(objects, 'Ingress', 'pensioen-ingress');
const nginx = (k: string) => api.metadata.annotations[`nginx.ingress.kubernetes.io/${k}`];

test('API Ingress: class nginx, host, path / Prefix -> backend-service:8000', () => {
  expect(api.spec.ingressClassName).toBe('nginx');
  expect(api.spec.rules).toEqual([{
    host: 'api.pensioen-beslissingstool.nl',
    http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'backend-service', port: { number: 8000 } } } }] },
  }]);
});

test('API TLS: pensioen-tls for the API host, signed by letsencrypt-prod', () => {
  expect(api.spec.tls).toEqual([{ hosts: ['api.pensioen-beslissingstool.nl'], secretName: 'pensioen-tls' }]);
  expect(api.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
});

test('HTTPS only, 100 requests/minute per client IP', () => {
  expect(nginx('ssl-redirect')).toBe('true');
  expect(nginx('force-ssl-redirect')).toBe('true');
  expect(nginx('limit-rpm')).toBe('100');
});

test('CORS exactly as the seed: two origins, credentials, GET and POST, Content-Type', () => {
  expect(nginx('enable-cors')).toBe('true');
  expect(nginx('cors-allow-origin')).toBe('https://pensioen-beslissingstool.nl, https://www.pensioen-beslissingstool.nl');
  expect(nginx('cors-allow-credentials')).toBe('true');
  expect(nginx('cors-allow-methods')).toBe('GET, POST');
  expect(nginx('cors-allow-headers')).toBe('Content-Type');
});

test('frontend Ingress serves both hosts over TLS', () => {
  const fe = find(objects, 'Ingress', 'pensioen-frontend-ingress');
  expect(fe.spec.tls).toEqual([{ hosts: ['pensioen-beslissingstool.nl', 'www.pensioen-beslissingstool.nl'], secretName: 'pensioen-frontend-tls' }]);
  expect(fe.spec.rules.map((r: any) => [r.host, r.http.paths[0].backend.service.name, r.http.paths[0].backend.service.port.number])).toEqual([
    ['pensioen-beslissingstool.nl', 'frontend-service', 3000], ['www.pensioen-beslissingstool.nl', 'frontend-service', 3000],
  ]);
  expect(fe.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true');
  expect(fe.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
});

test('ClusterIssuers: ACME directories, e-mail, account key Secret, HTTP-01 through the ingress class', () => {
  const prod = find(objects, 'ClusterIssuer', 'letsencrypt-prod');
  expect(prod.apiVersion).toBe('cert-manager.io/v1');
  expect(prod.metadata).not.toHaveProperty('namespace');
  expect(prod.spec.acme).toEqual({
    server: 'https://acme-v02.api.letsencrypt.org/directory',
    email: 'infrastructure@pensioen-beslissingstool.nl',
    privateKeySecretRef: { name: 'letsencrypt-prod-account-key' },
    solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }],
  });
  // The other default issuer is a choice, not an object: production carries no unused letsencrypt-staging.
  expect(objects.filter((o) => o.kind === 'ClusterIssuer').map((o) => o.metadata.name)).toEqual(['letsencrypt-prod']);
});

test('only the issuer the edge uses is created: switching ingress.clusterIssuer switches the object (and the Argo CD whitelist)', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8').replace('clusterIssuer: letsencrypt-prod', 'clusterIssuer: letsencrypt-staging');
  expect(text).toContain('clusterIssuer: letsencrypt-staging');
  const out = objectsOf(inlineEnvironment('production', text));
  expect(out.filter((o) => o.kind === 'ClusterIssuer').map((o) => o.metadata.name)).toEqual(['letsencrypt-staging']);
  const staging = find(out, 'ClusterIssuer', 'letsencrypt-staging');
  expect(staging.spec.acme.server).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
  expect(staging.spec.acme.privateKeySecretRef.name).toBe('letsencrypt-staging-account-key');
});

test('staging uses its own hosts and the letsencrypt-staging issuer (on its Gateway: staging runs the gateway edge)', () => {
  const s = find(objectsOf('staging'), 'Gateway', 'pensioen-gateway');
  expect(s.spec.listeners.map((l: any) => l.hostname)).toContain('api.staging.pensioen-beslissingstool.nl');
  expect(s.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-staging');
});

test('class and controller annotations are configuration: custom controller gets only its own', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8')
    .replace('className: nginx', 'className: traefik')
    .replace('controller: ingress-nginx', 'controller: custom\n  annotations: { traefik.ingress.kubernetes.io/router.entrypoints: websecure }')
    // A custom controller gets no /metrics blocking rule: the app must serve metrics on their own port.
    // nor one for the API docs: the app must not serve them.
    .replace('backend:\n', 'backend:\n  metricsPort: 9000\n  privatePaths: []\n');
  const o = find(objectsOf(inlineEnvironment('production', text)), 'Ingress', 'pensioen-ingress');
  expect(o.spec.ingressClassName).toBe('traefik');
  const own = Object.fromEntries(Object.entries(o.metadata.annotations).filter(([k]) => !k.startsWith('argocd.argoproj.io/')));
  expect(own).toEqual({
    'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
    'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
  });
});

test('snapshot of the ingress chart', () => {
  expect(objects.filter((o) => o.__file.endsWith('40-ingress.yaml'))).toMatchSnapshot();
});
