/**
 * The cert-manager issuers of `certManager.issuers` as objects in an edge chart (their specs: lib/tls/issuers.ts;
 * the HTTP-01 solver: lib/edge/http01-solver.ts).
 */
import type { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import type { Environment } from '../config';
import type { IssuerConfig } from '../config/real-cluster';
import { clusterMeta, meta, PART_OF } from '../k8s/labels';
import { issuerSpec } from '../tls/issuers';

/**
 * The issuers of `certManager.issuers` something uses: the edge's (`ingress.clusterIssuer`). The others are the
 * choices this environment may switch to, not objects: production never carries an unused
 * `letsencrypt-staging` ClusterIssuer (nor its Argo CD whitelist entry, derived from the objects).
 */
export function issuersInUse(env: Environment): IssuerConfig[] {
  const c = env.config;
  return c.certManager.issuers.filter((i) => i.name === c.ingress.clusterIssuer);
}

/**
 * The issuers in use (lib/tls/issuers.ts): ACME HTTP-01 through the edge's solver, ACME DNS-01, or a private CA;
 * ClusterIssuer or Issuer as configured.
 */
export function certIssuers(scope: Construct, env: Environment): ApiObject[] {
  const edge = { name: PART_OF, component: 'edge' };
  return issuersInUse(env).map((i) => new ApiObject(scope, `issuer-${i.name}`, {
    apiVersion: 'cert-manager.io/v1',
    kind: i.kind,
    metadata: i.kind === 'ClusterIssuer' ? clusterMeta(env, i.name, edge) : meta(env, i.name, edge),
    spec: issuerSpec(env, i),
  }));
}
