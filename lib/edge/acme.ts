/**
 * cert-manager's ACME issuers and their HTTP-01 solver, for either edge. The solver is one function so
 * that other issuer kinds (ACME DNS-01, a CA) can reuse it or sit beside it.
 */
import type { Construct } from 'constructs';
import { ClusterIssuer, type ClusterIssuerSpecAcmeSolvers } from '../../imports/certmanager-clusterissuers-cert-manager.io';
import type { Environment } from '../config';
import { clusterMeta, PART_OF } from '../k8s/labels';
import { gatewayListeners } from './gateway-names';

/**
 * The HTTP-01 solver: through the ingress class (edge.kind ingress), or through an HTTPRoute that
 * cert-manager creates per challenge and attaches to the Gateway's port-80 listener(s) (edge.kind
 * gateway; `gatewayHTTPRoute.parentRefs`, cert-manager >= 1.15 with Gateway API support enabled).
 */
export function http01Solver(env: Environment): ClusterIssuerSpecAcmeSolvers {
  const c = env.config;
  if (c.edge.kind === 'ingress') return { http01: { ingress: { ingressClassName: c.ingress.className } } };
  const l = gatewayListeners(env);
  return {
    http01: {
      gatewayHttpRoute: {
        parentRefs: l.http.map((sectionName) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: l.gateway.name, namespace: l.gateway.namespace, sectionName })),
      },
    },
  };
}

/** ClusterIssuers `letsencrypt-prod` and `letsencrypt-staging` (ACME, account key in a Secret, HTTP-01). */
export function acmeIssuers(scope: Construct, env: Environment): ClusterIssuer[] {
  const c = env.config;
  const issuer = (name: string, server: string) =>
    new ClusterIssuer(scope, name, {
      metadata: clusterMeta(env, name, { name: PART_OF, component: 'edge' }),
      spec: { acme: { server, email: c.certManager.email, privateKeySecretRef: { name: `${name}-account-key` }, solvers: [http01Solver(env)] } },
    });
  return [issuer('letsencrypt-prod', c.certManager.productionServer), issuer('letsencrypt-staging', c.certManager.stagingServer)];
}
