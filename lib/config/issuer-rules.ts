/**
 * The rules between the certificate issuers and the edge: unique names, the edge's issuer exists, HTTP-01 never
 * on an internal edge, an ACME contact Let's Encrypt accepts, a Vault issuer in the environment's namespace, and
 * what a private CA's Secret may hold (name constraints that cover every edge host).
 */
import type { z } from 'zod';
import type { IssuerConfig } from './issuers';

/** Domains Let's Encrypt (Boulder, policy/pa.go `forbiddenMailDomains`) refuses after the @. */
const FORBIDDEN_MAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
/** Top-level names that are not public (RFC 2606, RFC 6761, RFC 6762, RFC 8375, ICANN's .internal): Boulder wants an ICANN suffix. */
const NON_PUBLIC_TLDS = ['example', 'invalid', 'local', 'localhost', 'test', 'internal', 'home', 'lan', 'corp', 'localdomain', 'arpa', 'onion', 'alt'];

export function isLetsEncrypt(server: string): boolean {
  return /^https:\/\/acme(-staging)?-v02\.api\.letsencrypt\.org\//.test(server);
}

/** Why Let's Encrypt would refuse this ACME contact address (Boulder's ValidEmail), or undefined. */
export function letsEncryptEmailProblem(email: string): string | undefined {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
  if (FORBIDDEN_MAIL_DOMAINS.includes(domain)) return `"${email}" is in ${domain}, a domain reserved for examples (RFC 2606)`;
  if (/^\[|^\d+(\.\d+){3}$/.test(domain)) return `"${email}" has an IP address for a domain`;
  if (!domain.includes('.')) return `"${email}" has no public domain ("${domain}" is a single label)`;
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (NON_PUBLIC_TLDS.includes(tld)) return `"${email}" is in .${tld}, which is not a public domain`;
  return undefined;
}

/** The issuer rules, run on the whole configuration. */
export function refineIssuers(c: any, ctx: z.RefinementCtx): void {
  // Issuers: names unique, the edge's issuer exists, HTTP-01 never on an internal edge.
  const issuers: IssuerConfig[] = c.certManager?.issuers ?? [];
  const seen = new Set<string>();
  issuers.forEach((i, n) => {
    if (seen.has(i.name)) ctx.addIssue({ code: 'custom', path: ['certManager', 'issuers', n, 'name'], message: `"${i.name}" is configured twice (allowed: unique names)` });
    seen.add(i.name);
    const acme = i.type === 'acme-http01' || i.type === 'acme-dns01';
    if (i.type === 'ca') caIssuerRules(c, i, n, ctx);
    if (i.type === 'vault' && i.kind === 'ClusterIssuer') {
      ctx.addIssue({ code: 'custom', path: ['certManager', 'issuers', n, 'kind'], message: `"${i.name}" is a Vault ClusterIssuer: its ServiceAccount and token RBAC would live in cert-manager's namespace, which this repository does not manage (allowed: kind Issuer, or type platform-owned for the platform's Vault ClusterIssuer)` });
    }
    if (acme && !i.email && !c.certManager.email) {
      ctx.addIssue({ code: 'custom', path: ['certManager', 'issuers', n, 'email'], message: 'is required for an ACME issuer (or set certManager.email)' });
    }
    if (acme && isLetsEncrypt(i.server)) {
      const email: string | undefined = i.email ?? c.certManager.email;
      const why = email === undefined ? undefined : letsEncryptEmailProblem(email);
      if (why) ctx.addIssue({ code: 'custom', path: i.email ? ['certManager', 'issuers', n, 'email'] : ['certManager', 'email'], message: `${why}; Let's Encrypt refuses the account, so "${i.name}" never issues a certificate (allowed: a mailbox in a public domain you read)` });
    }
  });
  const used = issuers.find((i) => i.name === c.ingress.clusterIssuer);
  if (!used) {
    ctx.addIssue({ code: 'custom', path: ['ingress', 'clusterIssuer'], message: `"${c.ingress.clusterIssuer}" is not an issuer in certManager.issuers (allowed: ${issuers.map((i) => i.name).join(', ') || 'none configured'})` });
  } else if (c.ingress.exposure === 'internal' && used.type === 'acme-http01' && !used.caBundle) {
    ctx.addIssue({
      code: 'custom', path: ['ingress', 'clusterIssuer'],
      message: `"${used.name}" solves ACME HTTP-01, which the CA must reach from the internet, but ingress.exposure is internal (allowed: an issuer of type acme-dns01, ca, vault, or a private ACME CA inside the network with caBundle)`,
    });
  }
  if (c.ingress.exposure === 'internal') {
    issuers.forEach((i, n) => {
      if (i.type === 'acme-http01' && !i.caBundle) {
        ctx.addIssue({ code: 'custom', path: ['certManager', 'issuers', n, 'type'], message: `"${i.name}" uses HTTP-01 on an internal edge (ingress.exposure internal), where a public ACME CA cannot reach it (allowed: acme-dns01, ca, vault, or acme-http01 with the caBundle of a private ACME CA such as step-ca)` });
      }
    });
  }
}

/** Whether a host name is a permitted DNS domain or below it (RFC 5280 name constraints on dNSName). */
export function inDomain(host: string, domain: string): boolean {
  const h = host.toLowerCase().replace(/^\*\./, '');
  const d = domain.toLowerCase().replace(/^\./, '');
  return h === d || h.endsWith(`.${d}`);
}

/**
 * A private CA issuer: the declaration of what its Secret holds. A root CA key in the environment's namespace
 * (an Issuer's Secret) is refused unless accepted with a reason; an intermediate names the domains it is
 * constrained to, and every edge host must be inside them (clients reject a name outside the constraints).
 */
function caIssuerRules(c: any, i: Extract<IssuerConfig, { type: 'ca' }>, n: number, ctx: z.RefinementCtx): void {
  const at = (...k: string[]) => ['certManager', 'issuers', n, 'caCertificate', ...k];
  const ca = i.caCertificate;
  if (ca.kind === 'root') {
    if (i.kind === 'Issuer' && ca.acceptRootCaInNamespace === undefined) {
      ctx.addIssue({ code: 'custom', path: at('kind'), message: `"${i.name}" would keep a root CA key in Secret ${i.secretName} of namespace ${c.namespace}: anyone who can read Secrets there can mint certificates the whole organisation trusts (allowed: intermediate with permittedDnsDomains, optionally minted by a platform ClusterIssuer with issuedBy; type vault or platform-owned; or acceptRootCaInNamespace: <the reason> to accept the risk)` });
    }
    if (ca.issuedBy) ctx.addIssue({ code: 'custom', path: at('issuedBy'), message: 'is for an intermediate: a root is not issued by another issuer (allowed: kind intermediate)' });
    if (ca.permittedDnsDomains) ctx.addIssue({ code: 'custom', path: at('permittedDnsDomains'), message: 'is for an intermediate: a root CA is not name-constrained here (allowed: kind intermediate)' });
    return;
  }
  if (ca.acceptRootCaInNamespace !== undefined) ctx.addIssue({ code: 'custom', path: at('acceptRootCaInNamespace'), message: 'is only for kind root (an intermediate needs no acceptance)' });
  if (!ca.permittedDnsDomains) {
    ctx.addIssue({ code: 'custom', path: at('permittedDnsDomains'), message: `is required for an intermediate: the DNS domains it is name-constrained to (allowed: a list such as [${c.ingress?.apiHost?.split('.').slice(1).join('.') || 'example.nl'}])` });
    return;
  }
  if (c.ingress?.clusterIssuer !== i.name) return;
  for (const host of [c.ingress.apiHost, ...(c.ingress.frontendHosts ?? [])]) {
    if (!ca.permittedDnsDomains.some((d) => inDomain(host, d))) {
      ctx.addIssue({ code: 'custom', path: at('permittedDnsDomains'), message: `does not contain the edge host ${host}: a client rejects a certificate for it from an intermediate constrained to ${ca.permittedDnsDomains.join(', ')} (allowed: add ${host} or a parent domain)` });
    }
  }
}
