/** Edge hardening: security headers, the lowest TLS version, request body limits on every edge. */
import { find, objectsOf } from './helpers';
import { fixtureWith } from './security-helpers';
import { envoyQuantity } from '../charts/gateway';

const headersOf = (route: Record<string, any>) => Object.fromEntries(route.spec.rules[0].filters
  .find((f: any) => f.type === 'ResponseHeaderModifier').responseHeaderModifier.set.map((h: any) => [h.name, h.value]));

describe('Gateway API edge (Envoy Gateway)', () => {
  const objects = objectsOf(fixtureWith('staging', {}));

  test('API and frontend responses carry HSTS, nosniff and a referrer policy; the frontend is never framed', () => {
    const api = headersOf(find(objects, 'HTTPRoute', 'pensioen-api'));
    const fe = headersOf(find(objects, 'HTTPRoute', 'pensioen-frontend'));
    expect(api).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    expect(api['Strict-Transport-Security']).toMatch(/^max-age=\d+/);
    expect(fe).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY' });
    const changed = objectsOf(fixtureWith('staging', { edge: { securityHeaders: { frontend: { 'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'" } } } }));
    expect(headersOf(find(changed, 'HTTPRoute', 'pensioen-frontend'))).toEqual({
      'Strict-Transport-Security': fe['Strict-Transport-Security'], 'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'",
    });
  });

  test('TLS 1.2 at least on the generated Gateway, 1.3 when configured', () => {
    expect(find(objects, 'ClientTrafficPolicy', 'pensioen-client-ip').spec.tls).toEqual({ minVersion: '1.2' });
    const v13 = objectsOf(fixtureWith('staging', { edge: { gateway: { minTlsVersion: '1.3' } } }));
    expect(find(v13, 'ClientTrafficPolicy', 'pensioen-client-ip').spec.tls).toEqual({ minVersion: '1.3' });
    expect(() => fixtureWith('staging', { edge: { gateway: { minTlsVersion: '1.1' } } })).toThrow(/edge\.gateway\.minTlsVersion: got "1\.1"/);
  });

  test('the API rejects bodies above edge.gateway.maxBodySize (413) on Envoy too', () => {
    expect(find(objects, 'BackendTrafficPolicy', 'pensioen-api-rate-limit').spec.requestBuffer).toEqual({ limit: '1Mi' });
    const big = objectsOf(fixtureWith('staging', { edge: { gateway: { maxBodySize: '512k' } } }));
    expect(find(big, 'BackendTrafficPolicy', 'pensioen-api-rate-limit').spec.requestBuffer).toEqual({ limit: '512Ki' });
    expect([envoyQuantity('1m'), envoyQuantity('2g'), envoyQuantity('1024')]).toEqual(['1Mi', '2Gi', '1024']);
  });
});

describe('Ingress edge (ingress-nginx)', () => {
  test('both Ingresses limit the request body (proxy-body-size), from ingress.maxBodySize', () => {
    const size = (o: Record<string, any>[], name: string) => find(o, 'Ingress', name).metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size'];
    const objects = objectsOf(fixtureWith('production', {}));
    expect([size(objects, 'pensioen-ingress'), size(objects, 'pensioen-frontend-ingress')]).toEqual(['1m', '1m']);
    const changed = objectsOf(fixtureWith('production', { ingress: { maxBodySize: '8m' } }));
    expect(size(changed, 'pensioen-ingress')).toBe('8m');
    expect(() => fixtureWith('production', { ingress: { maxBodySize: '0' } })).toThrow(/ingress\.maxBodySize: must be an NGINX size/);
  });
});
