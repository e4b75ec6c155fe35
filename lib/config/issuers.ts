/**
 * `certManager.issuers`: the certificate issuers an environment creates or references (ACME with HTTP-01 or
 * DNS-01, a private CA, Vault, or one the platform team owns) and the two Let's Encrypt issuers every
 * environment gets by default. The rules between issuers and the edge are in issuer-rules.ts.
 */
import { z } from 'zod';
import { dnsLabel, dnsName } from './types';

const secretKeyRef = (what: string, defaultKey: string) => z.strictObject({
  name: dnsName().describe(`Secret with ${what}`),
  key: z.string().min(1).default(defaultKey).describe('Key in that Secret'),
}).describe(`Secret with ${what} (created outside git; for a ClusterIssuer in cert-manager's namespace, for an Issuer in the environment's)`);

const route53 = z.strictObject({
  provider: z.literal('route53'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region such as eu-central-1' }).describe('AWS region'),
  hostedZoneID: z.string().regex(/^Z[A-Z0-9]+$/, { message: 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ' }).optional()
    .describe('Hosted zone id (left out: cert-manager looks it up)'),
  role: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: 'must be an IAM role ARN' }).optional()
    .describe('Role to assume; left out: cert-manager\'s ambient credentials (IRSA on its ServiceAccount, or EKS Pod Identity)'),
}).describe('Route 53 with ambient credentials (IRSA): no access key in any Secret');

const azureDns = z.strictObject({
  provider: z.literal('azureDNS'),
  subscriptionID: z.string().regex(/^[0-9a-f-]{36}$/, { message: 'must be a subscription GUID' }).describe('Azure subscription'),
  resourceGroupName: z.string().min(1).describe('Resource group of the DNS zone'),
  hostedZoneName: dnsName().describe('DNS zone'),
  managedIdentityClientID: z.string().regex(/^[0-9a-f-]{36}$/, { message: 'must be a client id GUID' })
    .describe('Client id of the managed identity cert-manager federates with (workload identity; no client secret)'),
  environment: z.enum(['AzurePublicCloud', 'AzureChinaCloud', 'AzureGermanCloud', 'AzureUSGovernmentCloud']).default('AzurePublicCloud').describe('Azure cloud'),
}).describe('Azure DNS with workload identity');

const cloudflare = z.strictObject({
  provider: z.literal('cloudflare'),
  apiTokenSecretRef: secretKeyRef('a Cloudflare API token (Zone:DNS:Edit)', 'api-token'),
}).describe('Cloudflare with an API token in a Secret');

const rfc2136 = z.strictObject({
  provider: z.literal('rfc2136'),
  nameserver: z.string().regex(/^(\[[0-9a-fA-F:]+\]|[a-z0-9.-]+)(:\d+)?$/, { message: 'must be host[:port] or [ipv6]:port' }).describe('Authoritative DNS server that takes dynamic updates'),
  tsigKeyName: z.string().min(1).describe('TSIG key name'),
  tsigAlgorithm: z.enum(['HMACMD5', 'HMACSHA1', 'HMACSHA256', 'HMACSHA512']).default('HMACSHA256').describe('TSIG algorithm'),
  tsigSecretSecretRef: secretKeyRef('the TSIG secret (base64, as BIND writes it)', 'tsig-secret'),
}).describe('RFC 2136 dynamic DNS updates (BIND, PowerDNS, Windows DNS) signed with TSIG');

export const dns01Schema = z.discriminatedUnion('provider', [route53, azureDns, cloudflare, rfc2136]);

const issuerBase = {
  name: dnsLabel().describe('Name of the Issuer/ClusterIssuer'),
  kind: z.enum(['ClusterIssuer', 'Issuer']).default('ClusterIssuer')
    .describe('ClusterIssuer (its Secrets live in cert-manager\'s namespace) or Issuer (in the environment\'s namespace, with its Secrets)'),
};
const acmeBase = {
  server: z.url().default('https://acme-v02.api.letsencrypt.org/directory').describe('ACME directory'),
  email: z.string().email({ message: 'must be an e-mail address' }).optional().describe('ACME account contact; defaults to certManager.email'),
  dnsZones: z.array(dnsName()).optional().describe('Only use this solver for names in these zones'),
  caBundle: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, { message: 'must be base64 (of the PEM CA certificate)' }).optional()
    .describe('Base64 of the PEM CA certificate a private ACME server (step-ca) presents; its HTTP-01 challenges come from inside the network, so an internal edge may use HTTP-01 with it'),
};

const caCertificate = z.strictObject({
  kind: z.enum(['intermediate', 'root'])
    .describe('What the Secret holds (cert-manager cannot tell: its CA issuer signs with whatever key it finds): "intermediate", name-constrained to permittedDnsDomains, or "root", the organisation\'s own trust anchor'),
  permittedDnsDomains: z.array(dnsName()).min(1).optional()
    .describe('DNS domains the intermediate is name-constrained to (RFC 5280): required for an intermediate; every edge host must be inside one'),
  issuedBy: dnsLabel().optional()
    .describe('A ClusterIssuer the platform team owns (holding the organisation\'s root in cert-manager\'s namespace): cert-manager mints the intermediate into secretName (Certificate with isCA and these name constraints, critical), so no hand-made CA key is ever copied into the namespace'),
  acceptRootCaInNamespace: z.string().min(1, { message: 'must say why a root CA key may stay in the namespace' }).optional()
    .describe('With kind root on an Issuer: the reason a root CA key is accepted in the environment\'s namespace (anyone who reads Secrets there can mint certificates everything trusting that root accepts)'),
}).describe('The CA in the Secret, as declared by whoever made it (the preflight checks it: docs/security.md, "Private CA")');

const vaultAuth = z.strictObject({
  role: z.string().min(1).describe('Vault role of the Kubernetes auth method (bound to this ServiceAccount and the audience vault://<namespace>/<issuer name>)'),
  mountPath: z.string().regex(/^\/v1\/auth\/[A-Za-z0-9_/-]+$/, { message: 'must be a Vault auth mount path such as /v1/auth/kubernetes' }).default('/v1/auth/kubernetes')
    .describe('Mount path of the Kubernetes auth method'),
}).describe('Kubernetes auth with a short-lived token of the ServiceAccount `<issuer name>-vault` (created here; cert-manager may request its tokens, nothing else)');

export const issuerSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...issuerBase, type: z.literal('acme-http01'), ...acmeBase })
    .describe('ACME HTTP-01 through the edge: the CA must reach the edge from the internet (public edges only)'),
  z.strictObject({ ...issuerBase, type: z.literal('acme-dns01'), ...acmeBase, dns01: dns01Schema })
    .describe('ACME DNS-01: a TXT record in the zone; works for internal edges whose names are in public DNS'),
  z.strictObject({
    ...issuerBase,
    type: z.literal('ca'),
    secretName: dnsName().describe('Secret (type kubernetes.io/tls: tls.crt, tls.key) with the private CA that signs the certificates'),
    caCertificate,
  }).describe('A private CA from a Secret: nothing leaves the network (clients must trust the CA); its key is in the Secret, so a namespaced Issuer\'s CA should be a name-constrained intermediate'),
  z.strictObject({
    ...issuerBase,
    type: z.literal('vault'),
    server: z.url().refine((u) => u.startsWith('https://'), { message: 'must be an https:// URL' }).describe('Vault address'),
    path: z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*\/(sign|issue)\/[A-Za-z0-9_.-]+$/, { message: 'must be a Vault PKI signing path such as pki_int/sign/pensioen' })
      .describe('Vault PKI path that signs (`<mount>/sign/<role>`); the PKI role sets the allowed domains'),
    caBundleSecretRef: z.strictObject({ name: dnsName(), key: z.string().min(1).default('ca.crt') }).optional()
      .describe('Secret with the CA certificate of Vault\'s TLS endpoint (left out: the system roots of cert-manager)'),
    auth: vaultAuth,
  }).describe('HashiCorp Vault (or OpenBao) PKI: the CA key never leaves Vault'),
  z.strictObject({
    ...issuerBase,
    type: z.literal('platform-owned'),
    solvesHttp01: z.boolean().default(false).describe('The platform\'s issuer solves ACME HTTP-01 for these hosts through this edge (its solver pods run in this namespace and get the NetworkPolicy)'),
  }).describe('An issuer the platform team creates and owns: referenced by name (kind and name), never created or changed here'),
]);
export type IssuerConfig = z.output<typeof issuerSchema>;

export const DEFAULT_ISSUERS = [
  { name: 'letsencrypt-prod', type: 'acme-http01', server: 'https://acme-v02.api.letsencrypt.org/directory' },
  { name: 'letsencrypt-staging', type: 'acme-http01', server: 'https://acme-staging-v02.api.letsencrypt.org/directory' },
] as const;
