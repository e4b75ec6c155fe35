import type { Construct } from 'constructs';
import { BACKEND, FRONTEND, NOT_FOUND_PATH } from '../lib/names';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import type { Workload } from '../lib/constructs/workload';
import type { EdgeCertificates } from '../lib/edge/acme';
import type { EnvConfig } from '../lib/config';
import { k8s } from '../lib/k8s';
import { meta } from '../lib/k8s/labels';

export const API_INGRESS = 'pensioen-ingress';
export const FRONTEND_INGRESS = 'pensioen-frontend-ingress';
export const METRICS_BLOCK_INGRESS = 'pensioen-metrics-block';
export { NOT_FOUND_PATH };

/**
 * Controller-specific annotations. ingress-nginx (the seed's controller, retired in March 2026) gets its
 * annotations for HTTPS redirect, per-client-IP rate limiting and CORS; "custom" gets only what config
 * gives, for controllers that express these as their own resources or annotations.
 */
export function controllerAnnotations(ingress: EnvConfig['ingress'], kind: 'api' | 'frontend'): Record<string, string> {
  if (ingress.controller !== 'ingress-nginx') return {};
  const p = 'nginx.ingress.kubernetes.io';
  const common = { [`${p}/ssl-redirect`]: 'true', [`${p}/force-ssl-redirect`]: 'true', [`${p}/proxy-body-size`]: ingress.maxBodySize };
  if (kind === 'frontend') return common;
  const cors = ingress.cors;
  return {
    ...common,
    [`${p}/limit-rpm`]: String(ingress.rateLimitPerMinute),
    [`${p}/enable-cors`]: 'true',
    [`${p}/cors-allow-origin`]: cors.allowOrigins.join(', '),
    [`${p}/cors-allow-credentials`]: String(cors.allowCredentials),
    [`${p}/cors-allow-methods`]: cors.allowMethods.join(', '),
    [`${p}/cors-allow-headers`]: cors.allowHeaders.join(', '),
  };
}

export interface IngressChartProps extends EnvChartProps {
  /** `ingress`: hosts, TLS Secrets, ingress class, controller, CORS, rate limit and extra annotations. */
  readonly ingress: EnvConfig['ingress'];
  /** The workloads the Ingresses route to: their Services' `http` ports; the backend's metrics port and path. */
  readonly backend: Workload;
  readonly frontend: Workload;
  /** `backend.privatePaths`: paths of the backend never routed from outside (besides `/metrics` on the HTTP port). */
  readonly privatePaths: string[];
  /**
   * The issuers and cert-manager's annotation (lib/edge/acme.ts), when this edge obtains the certificates.
   * @default - none: another edge obtains them (during a migration to the Gateway API) and this one serves the same TLS Secrets
   */
  readonly certificates?: EdgeCertificates;
}

/**
 * The edge: the API Ingress (the seed's `pensioen-ingress`), the frontend Ingress for both hosts, the
 * Ingress that keeps /metrics off the internet, and the cert-manager issuers of `certManager.issuers`
 * (lib/tls/issuers.ts). HSTS: ingress-nginx sends it on every TLS host by default (its `hsts` setting).
 * Rate-limit rejections answer 429 only when the controller's ConfigMap sets `limit-req-status-code: "429"`
 * (a ConfigMap key, not an annotation; docs/real-cluster.md).
 */
export class IngressChart extends EnvChart {
  constructor(scope: Construct, id: string, props: IngressChartProps) {
    super(scope, id, props.env, '40-ingress.yaml');
    const env = props.env;
    const ing = props.ingress;
    // The issuers and cert-manager's annotation live on the edge that obtains the certificates (during a
    // migration to the Gateway API: this one, until it is retired).
    const certificates = props.certificates;
    certificates?.addIssuers(this);

    const annotations = (kind: 'api' | 'frontend') => ({
      ...(certificates ? certificates.annotation : {}),
      ...controllerAnnotations(ing, kind),
      ...ing.annotations,
    });
    const backendService = props.backend.serviceBackend('http');
    const frontendService = props.frontend.serviceBackend('http');
    const rule = (host: string, service: { name: string; port: number }): k8s.IngressRule => ({
      host,
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service.name, port: { number: service.port } } } }] },
    });

    new k8s.KubeIngress(this, 'api', {
      metadata: meta(env, API_INGRESS, BACKEND, annotations('api')),
      spec: {
        ingressClassName: ing.className,
        tls: [{ hosts: [ing.apiHost], secretName: ing.apiTlsSecretName }],
        rules: [rule(ing.apiHost, backendService)],
      },
    });

    // /metrics and the private paths (FastAPI's API docs by default) are never routed from the internet. With
    // backend.metricsPort the app serves /metrics on a port the edge never points at. Otherwise (and for every
    // private path) ingress-nginx routes the path (exact, and everything below it) to the backend rewritten to
    // a path it answers 404 for: an Exact path, and a longer Prefix, outrank the API Ingress's Prefix "/" for
    // the same host. Only the standard rewrite-target annotation is used (snippet annotations are off by
    // default in current ingress-nginx). The Ingress keeps its name from when it blocked /metrics only.
    const metrics = props.backend.metrics;
    const blocked = [...(metrics?.port === 'http' ? [metrics.path ?? '/metrics'] : []), ...props.privatePaths];
    if (blocked.length > 0 && ing.controller === 'ingress-nginx') {
      const to = { service: { name: backendService.name, port: { number: backendService.port } } };
      new k8s.KubeIngress(this, 'metrics-block', {
        metadata: meta(env, METRICS_BLOCK_INGRESS, BACKEND, {
          ...controllerAnnotations(ing, 'frontend'),
          'nginx.ingress.kubernetes.io/rewrite-target': NOT_FOUND_PATH,
          ...ing.annotations,
        }),
        spec: {
          ingressClassName: ing.className,
          rules: [{
            host: ing.apiHost,
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
        ingressClassName: ing.className,
        tls: [{ hosts: ing.frontendHosts, secretName: ing.frontendTlsSecretName }],
        rules: ing.frontendHosts.map((h) => rule(h, frontendService)),
      },
    });
  }
}
