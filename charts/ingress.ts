import type { Construct } from 'constructs';
import { BACKEND, BACKEND_SERVICE, FRONTEND, FRONTEND_SERVICE } from '../lib/names';
import { EnvChart } from '../lib/constructs/env-chart';
import { acmeIssuers } from '../lib/edge/acme';
import type { EnvConfig, Environment } from '../lib/config';
import { k8s } from '../lib/k8s';
import { meta } from '../lib/k8s/labels';

export const API_INGRESS = 'pensioen-ingress';
export const FRONTEND_INGRESS = 'pensioen-frontend-ingress';

/**
 * Controller-specific annotations. ingress-nginx (the seed's controller, retired in March 2026) gets its
 * annotations for HTTPS redirect, per-client-IP rate limiting and CORS; "custom" gets only what config
 * gives, for controllers that express these as their own resources or annotations.
 */
export function controllerAnnotations(c: EnvConfig, kind: 'api' | 'frontend'): Record<string, string> {
  if (c.ingress.controller !== 'ingress-nginx') return {};
  const p = 'nginx.ingress.kubernetes.io';
  const common = { [`${p}/ssl-redirect`]: 'true', [`${p}/force-ssl-redirect`]: 'true' };
  if (kind === 'frontend') return common;
  const cors = c.ingress.cors;
  return {
    ...common,
    [`${p}/limit-rpm`]: String(c.ingress.rateLimitPerMinute),
    [`${p}/enable-cors`]: 'true',
    [`${p}/cors-allow-origin`]: cors.allowOrigins.join(', '),
    [`${p}/cors-allow-credentials`]: String(cors.allowCredentials),
    [`${p}/cors-allow-methods`]: cors.allowMethods.join(', '),
    [`${p}/cors-allow-headers`]: cors.allowHeaders.join(', '),
  };
}

/**
 * The edge: the API Ingress (the seed's `pensioen-ingress`), the frontend Ingress for both hosts, and the
 * cert-manager ClusterIssuers `letsencrypt-prod` and `letsencrypt-staging` (ACME, HTTP-01 through the
 * ingress class). HSTS: ingress-nginx sends it on every TLS host by default (its `hsts` setting).
 */
export class IngressChart extends EnvChart {
  constructor(scope: Construct, env: Environment) {
    super(scope, 'ingress', env, '40-ingress.yaml');
    const c = env.config;
    acmeIssuers(this, env);

    const annotations = (kind: 'api' | 'frontend') => ({
      'cert-manager.io/cluster-issuer': c.ingress.clusterIssuer,
      ...controllerAnnotations(c, kind),
      ...c.ingress.annotations,
    });
    const rule = (host: string, service: string, port: number): k8s.IngressRule => ({
      host,
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: port } } } }] },
    });

    new k8s.KubeIngress(this, 'api', {
      metadata: meta(env, API_INGRESS, BACKEND, annotations('api')),
      spec: {
        ingressClassName: c.ingress.className,
        tls: [{ hosts: [c.ingress.apiHost], secretName: c.ingress.apiTlsSecretName }],
        rules: [rule(c.ingress.apiHost, BACKEND_SERVICE, c.backend.port)],
      },
    });

    new k8s.KubeIngress(this, 'frontend', {
      metadata: meta(env, FRONTEND_INGRESS, FRONTEND, annotations('frontend')),
      spec: {
        ingressClassName: c.ingress.className,
        tls: [{ hosts: c.ingress.frontendHosts, secretName: c.ingress.frontendTlsSecretName }],
        rules: c.ingress.frontendHosts.map((h) => rule(h, FRONTEND_SERVICE, c.frontend.port)),
      },
    });
  }
}
