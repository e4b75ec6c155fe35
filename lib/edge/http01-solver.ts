/**
 * cert-manager's HTTP-01 solver for the ACME issuers, through whichever edge obtains the certificates. On its
 * own (issuers need it, and the edge charts need the issuers) so that lib/tls/issuers.ts and lib/edge/acme.ts
 * do not import each other.
 */
import type { ClusterIssuerSpecAcmeSolversHttp01 } from '../../imports/certmanager-clusterissuers-cert-manager.io';
import type { Environment } from '../config';
import { certificateEdge } from '../config/edge';
import { gatewayListeners } from './gateway-names';

/**
 * The HTTP-01 solver, on the edge that obtains the certificates (`certificateEdge`: edge.kind, or during
 * a migration the edge being retired): through the ingress class, or through an HTTPRoute that
 * cert-manager creates per challenge and attaches to the Gateway's port-80 listener(s) (`gatewayHTTPRoute.parentRefs`, cert-manager >= 1.15 with Gateway API support enabled).
 */
export function http01Solver(env: Environment): { http01: ClusterIssuerSpecAcmeSolversHttp01 } {
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
