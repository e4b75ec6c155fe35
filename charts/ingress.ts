import type { Construct } from 'constructs';
import { BACKEND, BACKEND_SERVICE, FRONTEND, FRONTEND_SERVICE, NOT_FOUND_PATH } from '../lib/names';
import { EnvChart } from '../lib/constructs/env-chart';
import { certificateEdge } from '../lib/config/edge';
import { certIssuers } from '../lib/edge/acme';
import type { EnvConfig, Environment } from '../lib/config';
import { k8s } from '../lib/k8s';
import { meta } from '../lib/k8s/labels';
import { issuerAnnotation } from '../lib/tls/issuers';

export const API_INGRESS = 'pensioen-ingress';
export const FRONTEND_INGRESS = 'pensioen-frontend-ingress';
export const METRICS_BLOCK_INGRESS = 'pensioen-metrics-block';
export { NOT_FOUND_PATH };

/**
 * Controller-specific annotations. ingress-nginx (the seed's controller, retired in March 2026) gets its
 * annotations for HTTPS redirect, per-client-IP rate limiting and CORS; "custom" gets only what config
 * gives, for controllers that express these as their own resources or annotations.
 */
export function controllerAnnotations(c: EnvConfig, kind: 'api' | 'frontend'): Record<string, string> {
  if (c.ingress.controller !== 'ingress-nginx') return {};
  const p = 'nginx.ingress.kubernetes.io';
  const common = { [`${p}/ssl-redirect`]: 'true', [`${p}/force-ssl-redirect`]: 'true', [`${p}/proxy-body-size`]: c.ingress.maxBodySize };
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
 * The edge: the API Ingress (the seed's `pensioen-ingress`), the frontend Ingress for both hosts, the
 * Ingress that keeps /metrics off the internet, and the cert-manager issuers of `certManager.issuers`
 * (lib/tls/issuers.ts). HSTS: ingress-nginx sends it on every TLS host by default (its `hsts` setting).
 * Rate-limit rejections answer 429 only when the controller's ConfigMap sets `limit-req-status-code: "429"`
 * (a ConfigMap key, not an annotation; docs/real-cluster.md).
 */
export class IngressChart extends EnvChart {
  constructor(scope: Construct, env: Environment) {
    super(scope, 'ingress', env, '40-ingress.yaml');
    const c = env.config;
    // The issuers and cert-manager's annotation live on the edge that obtains the certificates (during a
    // migration to the Gateway API: this one, until it is retired).
    const obtainsCertificates = certificateEdge(c.edge) === 'ingress';
    if (obtainsCertificates) certIssuers(this, env);

    const annotations = (kind: 'api' | 'frontend') => ({
      ...(obtainsCertificates ? issuerAnnotation(c) : {}),
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

    // /metrics and the private paths (FastAPI's API docs by default) are never routed from the internet. With
    // backend.metricsPort the app serves /metrics on a port the edge never points at. Otherwise (and for every
    // private path) ingress-nginx routes the path (exact, and everything below it) to the backend rewritten to
    // a path it answers 404 for: an Exact path, and a longer Prefix, outrank the API Ingress's Prefix "/" for
    // the same host. Only the standard rewrite-target annotation is used (snippet annotations are off by
    // default in current ingress-nginx). The Ingress keeps its name from when it blocked /metrics only.
    const blocked = [...(c.backend.metricsPort === undefined ? [c.backend.metricsPath] : []), ...c.backend.privatePaths];
    if (blocked.length > 0 && c.ingress.controller === 'ingress-nginx') {
      const to = { service: { name: BACKEND_SERVICE, port: { number: c.backend.port } } };
      new k8s.KubeIngress(this, 'metrics-block', {
        metadata: meta(env, METRICS_BLOCK_INGRESS, BACKEND, {
          ...controllerAnnotations(c, 'frontend'),
          'nginx.ingress.kubernetes.io/rewrite-target': NOT_FOUND_PATH,
          ...c.ingress.annotations,
        }),
        spec: {
          ingressClassName: c.ingress.className,
          rules: [{
            host: c.ingress.apiHost,
            http: {
              paths: blocked.flatMap((path) => [
                { path, pathType: 'Exact', backend: to },
                { path: `${path}/`, pathType: 'Prefix', backend: to },
              ]),
            },
          }],
        },
      });
    }

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
