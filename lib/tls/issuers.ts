/**
 * cert-manager issuers from configuration (`certManager.issuers`): ACME with HTTP-01 through the edge (public
 * edges, or a private ACME CA such as step-ca with its caBundle), ACME with DNS-01 (Route 53 with ambient
 * credentials/IRSA, Azure DNS with workload identity, Cloudflare with an API token Secret, RFC 2136 with a TSIG
 * Secret), HashiCorp Vault PKI (Kubernetes auth), a private CA from a Secret, or a platform-owned issuer that
 * is only referenced.
 *
 * A ClusterIssuer reads its Secrets in cert-manager's namespace (`certManager.namespace`); an Issuer in the
 * environment's namespace, where they are declared like every other Secret created outside git.
 */
import type { EnvConfig, Environment } from '../config';
import type { IssuerConfig } from '../config/issuers';
import { http01Solver } from '../edge/http01-solver';
import { type ClusterIssuerSpec, ClusterIssuerSpecAcmeSolversDns01AzureDnsEnvironment } from '../../imports/certmanager-clusterissuers-cert-manager.io';
import { type IssuerSpec, IssuerSpecAcmeSolversDns01AzureDnsEnvironment } from '../../imports/certmanager-issuers-cert-manager.io';

type AzureEnvironment = Extract<IssuerConfig, { type: 'acme-dns01' }>['dns01'] extends infer D ? D extends { environment: infer E } ? E : never : never;

/**
 * The spec of an issuer, in the field names of the generated cert-manager classes. ClusterIssuer and Issuer
 * have the same spec, generated twice: their types differ only in their enums, of which the spec uses one
 * (the Azure cloud), so the builder takes that enum's values and each kind's function below checks the result
 * against its own generated type.
 */
function specOf<E>(env: Environment, i: IssuerConfig, azure: Record<AzureEnvironment, E>) {
  const c = env.config;
  if (i.type === 'platform-owned') throw new Error(`issuer ${i.name} is platform-owned: it is referenced, never created`);
  if (i.type === 'ca') return { ca: { secretName: i.secretName } };
  if (i.type === 'vault') {
    return {
      vault: {
        server: i.server,
        path: i.path,
        ...(i.caBundleSecretRef ? { caBundleSecretRef: { name: i.caBundleSecretRef.name, key: i.caBundleSecretRef.key } } : {}),
        auth: { kubernetes: { role: i.auth.role, mountPath: i.auth.mountPath, serviceAccountRef: { name: vaultServiceAccountOf(i.name) } } },
      },
    };
  }
  // The HTTP-01 solver goes through the edge: the ingress class, or the Gateway's port-80 listeners.
  const solver = i.type === 'acme-http01' ? http01Solver(env) : { dns01: dns01Solver(i, azure) };
  return {
    acme: {
      server: i.server,
      ...(i.caBundle ? { caBundle: i.caBundle } : {}),
      email: i.email ?? c.certManager.email,
      privateKeySecretRef: { name: `${i.name}-account-key` },
      solvers: [{ ...(i.dnsZones ? { selector: { dnsZones: i.dnsZones } } : {}), ...solver }],
    },
  };
}

function dns01Solver<E>(i: Extract<IssuerConfig, { type: 'acme-dns01' }>, azure: Record<AzureEnvironment, E>) {
  const d = i.dns01;
  switch (d.provider) {
    case 'route53':
      // No accessKeyID/secretAccessKeySecretRef: cert-manager uses its ambient credentials (IRSA).
      return { route53: { region: d.region, ...(d.hostedZoneID ? { hostedZoneId: d.hostedZoneID } : {}), ...(d.role ? { role: d.role } : {}) } };
    case 'azureDNS':
      return {
        azureDns: {
          subscriptionId: d.subscriptionID, resourceGroupName: d.resourceGroupName, hostedZoneName: d.hostedZoneName,
          environment: azure[d.environment], managedIdentity: { clientId: d.managedIdentityClientID },
        },
      };
    case 'cloudflare':
      return { cloudflare: { apiTokenSecretRef: { name: d.apiTokenSecretRef.name, key: d.apiTokenSecretRef.key } } };
    case 'rfc2136':
      return {
        rfc2136: {
          nameserver: d.nameserver, tsigKeyName: d.tsigKeyName, tsigAlgorithm: d.tsigAlgorithm,
          tsigSecretSecretRef: { name: d.tsigSecretSecretRef.name, key: d.tsigSecretSecretRef.key },
        },
      };
  }
}

/** The `spec` of a ClusterIssuer. */
export function clusterIssuerSpec(env: Environment, i: IssuerConfig): ClusterIssuerSpec {
  return specOf(env, i, {
    AzurePublicCloud: ClusterIssuerSpecAcmeSolversDns01AzureDnsEnvironment.AZURE_PUBLIC_CLOUD,
    AzureChinaCloud: ClusterIssuerSpecAcmeSolversDns01AzureDnsEnvironment.AZURE_CHINA_CLOUD,
    AzureGermanCloud: ClusterIssuerSpecAcmeSolversDns01AzureDnsEnvironment.AZURE_GERMAN_CLOUD,
    AzureUSGovernmentCloud: ClusterIssuerSpecAcmeSolversDns01AzureDnsEnvironment.AZURE_US_GOVERNMENT_CLOUD,
  });
}

/** The `spec` of an Issuer (in the environment's namespace). */
export function issuerSpec(env: Environment, i: IssuerConfig): IssuerSpec {
  return specOf(env, i, {
    AzurePublicCloud: IssuerSpecAcmeSolversDns01AzureDnsEnvironment.AZURE_PUBLIC_CLOUD,
    AzureChinaCloud: IssuerSpecAcmeSolversDns01AzureDnsEnvironment.AZURE_CHINA_CLOUD,
    AzureGermanCloud: IssuerSpecAcmeSolversDns01AzureDnsEnvironment.AZURE_GERMAN_CLOUD,
    AzureUSGovernmentCloud: IssuerSpecAcmeSolversDns01AzureDnsEnvironment.AZURE_US_GOVERNMENT_CLOUD,
  });
}

/** The ServiceAccount a Vault Issuer authenticates as (cert-manager requests its tokens). */
export const vaultServiceAccountOf = (issuer: string) => `${issuer}-vault`;

/** Secrets an issuer reads (name, keys), for the gate, the docs and the preflight. */
export function issuerSecrets(i: IssuerConfig): { name: string; keys: string[]; type: 'tls' | 'generic' }[] {
  // A CA minted by cert-manager (issuedBy) is written by cert-manager, not created outside git.
  if (i.type === 'ca') return i.caCertificate.issuedBy ? [] : [{ name: i.secretName, keys: ['tls.crt', 'tls.key'], type: 'tls' }];
  if (i.type === 'vault' && i.caBundleSecretRef) return [{ name: i.caBundleSecretRef.name, keys: [i.caBundleSecretRef.key], type: 'generic' }];
  if (i.type === 'acme-dns01' && i.dns01.provider === 'cloudflare') return [{ name: i.dns01.apiTokenSecretRef.name, keys: [i.dns01.apiTokenSecretRef.key], type: 'generic' }];
  if (i.type === 'acme-dns01' && i.dns01.provider === 'rfc2136') return [{ name: i.dns01.tsigSecretSecretRef.name, keys: [i.dns01.tsigSecretSecretRef.key], type: 'generic' }];
  return [];
}

/** The issuer that signs the edge (`ingress.clusterIssuer`), as a cert-manager issuerRef. */
export function edgeIssuerRef(c: EnvConfig): { group: string; kind: 'ClusterIssuer' | 'Issuer'; name: string } {
  const i = c.certManager.issuers.find((x) => x.name === c.ingress.clusterIssuer);
  return { group: 'cert-manager.io', kind: i?.kind ?? 'ClusterIssuer', name: c.ingress.clusterIssuer };
}

/** The annotation that makes cert-manager's ingress-shim (or gateway-shim) issue a certificate with this issuer. */
export function issuerAnnotation(c: EnvConfig): Record<string, string> {
  const i = c.certManager.issuers.find((x) => x.name === c.ingress.clusterIssuer);
  return i?.kind === 'Issuer' ? { 'cert-manager.io/issuer': i.name } : { 'cert-manager.io/cluster-issuer': c.ingress.clusterIssuer };
}
