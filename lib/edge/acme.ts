/**
 * The cert-manager issuers of `certManager.issuers` as objects in an edge chart (their specs: lib/tls/issuers.ts;
 * the HTTP-01 solver: lib/edge/http01-solver.ts).
 */
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy, CertificateSpecUsages } from '../../imports/certmanager-certificates-cert-manager.io';
import { ClusterIssuer } from '../../imports/certmanager-clusterissuers-cert-manager.io';
import { Issuer } from '../../imports/certmanager-issuers-cert-manager.io';
import type { Environment } from '../config';
import type { IssuerConfig } from '../config/issuers';
import { k8s } from '../k8s';
import { clusterMeta, meta, PART_OF } from '../k8s/labels';
import { clusterIssuerSpec, edgeIssuerRef, issuerAnnotation, issuerSpec, vaultServiceAccountOf } from '../tls/issuers';

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
 * The issuers in use (lib/tls/issuers.ts): ACME HTTP-01 through the edge's solver, ACME DNS-01, Vault, or a
 * private CA; ClusterIssuer or Issuer as configured. A platform-owned issuer is referenced, never created. With
 * them what each needs in the namespace: a CA `issuedBy` a platform ClusterIssuer gets its name-constrained
 * intermediate as a Certificate; a Vault Issuer its ServiceAccount and the Role that lets cert-manager (and
 * nothing else) request that ServiceAccount's tokens.
 */
export function certIssuers(scope: Construct, env: Environment): ApiObject[] {
  const c = env.config;
  const edge = { name: PART_OF, component: 'edge' };
  const out: ApiObject[] = [];
  for (const i of issuersInUse(env)) {
    if (i.type === 'platform-owned') continue;
    if (i.type === 'ca' && i.caCertificate.issuedBy) {
      out.push(new Certificate(scope, `ca-${i.name}`, {
        metadata: meta(env, i.secretName, edge),
        spec: {
          secretName: i.secretName,
          isCa: true,
          commonName: `${i.name} (${env.config.namespace})`,
          duration: '8760h',
          renewBefore: '720h',
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
          usages: [CertificateSpecUsages.CERT_SIGN, CertificateSpecUsages.CRL_SIGN, CertificateSpecUsages.DIGITAL_SIGNATURE],
          // Critical: a client that does not understand name constraints must reject the chain (RFC 5280 4.2.1.10).
          nameConstraints: { critical: true, permitted: { dnsDomains: i.caCertificate.permittedDnsDomains } },
          issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: i.caCertificate.issuedBy },
        },
      }));
    }
    if (i.type === 'vault') {
      const sa = vaultServiceAccountOf(i.name);
      new k8s.KubeServiceAccount(scope, `vault-sa-${i.name}`, { metadata: meta(env, sa, edge), automountServiceAccountToken: false });
      new k8s.KubeRole(scope, `vault-role-${i.name}`, {
        metadata: meta(env, `${sa}-token`, edge),
        rules: [{ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: [sa], verbs: ['create'] }],
      });
      new k8s.KubeRoleBinding(scope, `vault-binding-${i.name}`, {
        metadata: meta(env, `${sa}-token`, edge),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${sa}-token` },
        subjects: [{ kind: 'ServiceAccount', name: c.certManager.serviceAccountName, namespace: c.certManager.namespace }],
      });
    }
    out.push(i.kind === 'ClusterIssuer'
      ? new ClusterIssuer(scope, `issuer-${i.name}`, { metadata: clusterMeta(env, i.name, edge), spec: clusterIssuerSpec(env, i) })
      : new Issuer(scope, `issuer-${i.name}`, { metadata: meta(env, i.name, edge), spec: issuerSpec(env, i) }));
  }
  return out;
}

/**
 * The certificates of the edge that obtains them (`certificateEdge`): what its objects say about the issuer, and
 * the issuers themselves. Built by the wiring from `certManager` and `ingress.clusterIssuer`, so that an edge chart
 * creates the issuers without reading those sections.
 */
export interface EdgeCertificates {
  /** cert-manager's annotation on an Ingress or a generated Gateway (ingress-shim, gateway-shim). */
  readonly annotation: Record<string, string>;
  /** The issuer of explicit Certificates (a shared Gateway, which cert-manager's gateway-shim does not read). */
  readonly issuerRef: ReturnType<typeof edgeIssuerRef>;
  /** Creates the issuers in use, and what each needs in the namespace, in `scope` (`certIssuers`). */
  addIssuers(scope: Construct): ApiObject[];
}

export function edgeCertificates(env: Environment): EdgeCertificates {
  return { annotation: issuerAnnotation(env.config), issuerRef: edgeIssuerRef(env.config), addIssuers: (scope) => certIssuers(scope, env) };
}
