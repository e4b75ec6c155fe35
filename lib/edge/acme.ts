/**
 * cert-manager's ACME issuers and their HTTP-01 solver, for either edge. The solver is one function so
 * that other issuer kinds (ACME DNS-01, a CA) can reuse it or sit beside it.
 */
import type { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import type { ClusterIssuerSpecAcmeSolvers } from '../../imports/certmanager-clusterissuers-cert-manager.io';
import type { Environment } from '../config';
import { certificateEdge } from '../config/edge';
import { clusterMeta, meta, PART_OF } from '../k8s/labels';
import { issuerSpec } from '../tls/issuers';
import { gatewayListeners } from './gateway-names';

/**
 * The HTTP-01 solver, on the edge that obtains the certificates (`certificateEdge`: edge.kind, or during
 * a migration the edge being retired): through the ingress class, or through an HTTPRoute that
 * cert-manager creates per challenge and attaches to the Gateway's port-80 listener(s) ( `gatewayHTTPRoute.parentRefs`, cert-manager >= 1.15 with Gateway API support enabled).
 */
export function http01Solver(env: Environment): ClusterIssuerSpecAcmeSolvers {
  const c = env.config;
  if (certificateEdge(c.edge) === 'ingress') return { http01: { ingress: { ingressClassName: c.ingress.className } } };
  const l = gatewayListeners(env);
  return {
    http01: {
      gatewayHttpRoute: {
        parentRefs: l.http.map((sectionName) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: l.gateway.name, namespace: l.gateway.namespace, sectionName })),
      },
    },
  };
}

/**
 * The issuers of `certManager.issuers` (lib/tls/issuers.ts): ACME HTTP-01 through this solver, ACME DNS-01,
 * or a private CA; ClusterIssuer or Issuer as configured.
 */
export function certIssuers(scope: Construct, env: Environment): ApiObject[] {
  const c = env.config;
  const edge = { name: PART_OF, component: 'edge' };
  return c.certManager.issuers.map((i) => new ApiObject(scope, `issuer-${i.name}`, {
    apiVersion: 'cert-manager.io/v1',
    kind: i.kind,
    metadata: i.kind === 'ClusterIssuer' ? clusterMeta(env, i.name, edge) : meta(env, i.name, edge),
    spec: issuerSpec(env, i),
  }));
}
