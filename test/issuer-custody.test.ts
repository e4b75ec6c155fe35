/**
 * Who holds the key that signs the edge's certificates: a private CA's Secret must be declared (intermediate,
 * name-constrained, or root), a root CA key in the environment's namespace is refused unless accepted with a
 * reason, cert-manager can mint the intermediate from a platform ClusterIssuer, Vault keeps the key outside the
 * cluster, step-ca answers ACME inside the network, and a platform-owned issuer is referenced, never created.
 * Each case edits the on-prem fixture and checks the generated objects (and the gate on them).
 */
import { configProblems, find, fixtureText, inlineEnvironment, objectsOf } from './helpers';
import { allFindings, contextOf, formatFinding } from '../lib/validate';
import { externalSecretsOf } from '../lib/validate/external-secrets';
import { precreateCommands } from '../lib/config/secret-sources';

const ONPREM = fixtureText('onprem');
const CA_BLOCK = `      caCertificate:
        kind: intermediate
        permittedDnsDomains: [onprem.pensioen-beslissingstool.nl]
`;
/** The on-prem fixture with its issuer entry (everything after `issuers:` up to the database) replaced. */
function withIssuers(issuers: string, extra = ''): string {
  expect(ONPREM).toContain(CA_BLOCK);
  const start = ONPREM.indexOf('  issuers:\n');
  const end = ONPREM.indexOf('\n# PostgreSQL in the cluster');
  expect(start).toBeGreaterThan(0);
  return `${ONPREM.slice(0, start)}  issuers:\n${issuers}${extra ? `\n${extra}` : ''}${ONPREM.slice(end)}`;
}
const caIssuer = (ca: string) => `    - name: pensioen-internal-ca
      kind: Issuer
      type: ca
      secretName: pensioen-ca
      caCertificate:
${ca}`;
const gate = (name: string, text: string) => {
  const env = inlineEnvironment(name, text);
  const objects = objectsOf(env).map(({ __file, ...o }) => o);
  return allFindings(objects as any, contextOf(env)).map(formatFinding);
};

describe('a private CA in the namespace', () => {
  test('the fixture declares a name-constrained intermediate: accepted, the Issuer signs from its Secret', () => {
    expect(configProblems(ONPREM, 'config/onprem.yaml')).toEqual([]);
    const issuer = find(objectsOf('onprem'), 'Issuer', 'pensioen-internal-ca');
    expect(issuer.spec).toEqual({ ca: { secretName: 'pensioen-ca' } });
  });

  test('a root CA key in the namespace is refused, naming the file, the key and the ways out', () => {
    const problems = configProblems(withIssuers(caIssuer('        kind: root\n')), 'config/onprem.yaml');
    expect(problems).toEqual([expect.stringMatching(/^config\/onprem\.yaml: certManager\.issuers\[0\]\.caCertificate\.kind: "pensioen-internal-ca" would keep a root CA key in Secret pensioen-ca of namespace pensioen: anyone who can read Secrets there can mint certificates the whole organisation trusts \(allowed: intermediate with permittedDnsDomains, .*acceptRootCaInNamespace: <the reason>/)]);
  });

  test('a root is accepted with a reason (and the reason is all it takes); a ClusterIssuer\'s root lives in cert-manager\'s namespace', () => {
    expect(configProblems(withIssuers(caIssuer('        kind: root\n        acceptRootCaInNamespace: "lab cluster, throw-away CA"\n')))).toEqual([]);
    expect(configProblems(withIssuers(caIssuer('        kind: root\n').replace('kind: Issuer', 'kind: ClusterIssuer')))).toEqual([]);
    expect(configProblems(withIssuers(caIssuer('        kind: root\n        acceptRootCaInNamespace: ""\n')))).toEqual([
      'config/x.yaml: certManager.issuers[0].caCertificate.acceptRootCaInNamespace: must say why a root CA key may stay in the namespace',
    ]);
  });

  test('the declaration is required, and an intermediate names its domains, which must hold every edge host', () => {
    const noDecl = withIssuers(caIssuer('').replace(/      caCertificate:\n$/, ''));
    expect(configProblems(noDecl)).toEqual(['config/x.yaml: certManager.issuers[0].caCertificate: is required (expected object)']);
    expect(configProblems(withIssuers(caIssuer('        kind: intermediate\n')))).toEqual([
      expect.stringMatching(/certManager\.issuers\[0\]\.caCertificate\.permittedDnsDomains: is required for an intermediate/),
    ]);
    expect(configProblems(withIssuers(caIssuer('        kind: intermediate\n        permittedDnsDomains: [api.onprem.pensioen-beslissingstool.nl]\n')))).toEqual([
      'config/x.yaml: certManager.issuers[0].caCertificate.permittedDnsDomains: does not contain the edge host onprem.pensioen-beslissingstool.nl: a client rejects a certificate for it from an intermediate constrained to api.onprem.pensioen-beslissingstool.nl (allowed: add onprem.pensioen-beslissingstool.nl or a parent domain)',
    ]);
    expect(configProblems(withIssuers(caIssuer('        kind: intermediate\n        permittedDnsDomains: [pensioen-beslissingstool.nl]\n')))).toEqual([]);
    expect(configProblems(withIssuers(caIssuer('        kind: intermediate\n        permittedDnsDomains: [onprem.pensioen-beslissingstool.nl]\n        acceptRootCaInNamespace: why\n')))).toEqual([
      'config/x.yaml: certManager.issuers[0].caCertificate.acceptRootCaInNamespace: is only for kind root (an intermediate needs no acceptance)',
    ]);
  });

  test('issuedBy: cert-manager mints the intermediate from the platform\'s ClusterIssuer, name-constrained (critical) to the configured domains', () => {
    const text = withIssuers(caIssuer('        kind: intermediate\n        permittedDnsDomains: [onprem.pensioen-beslissingstool.nl, intern.example.nl]\n        issuedBy: org-root-ca\n'));
    const objects = objectsOf(inlineEnvironment('onprem', text));
    const cert = find(objects, 'Certificate', 'pensioen-ca');
    expect(cert.metadata.namespace).toBe('pensioen');
    expect(cert.spec).toMatchObject({
      secretName: 'pensioen-ca', isCA: true,
      usages: ['cert sign', 'crl sign', 'digital signature'],
      nameConstraints: { critical: true, permitted: { dnsDomains: ['onprem.pensioen-beslissingstool.nl', 'intern.example.nl'] } },
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'org-root-ca' },
    });
    expect(find(objects, 'Issuer', 'pensioen-internal-ca').spec).toEqual({ ca: { secretName: 'pensioen-ca' } });
    expect(gate('onprem', text)).toEqual([]);
    // Without issuedBy no Certificate: the Secret is made by the PKI team.
    expect(objectsOf('onprem').filter((o) => o.kind === 'Certificate')).toEqual([]);
    // A root is never "issued by".
    expect(configProblems(withIssuers(caIssuer('        kind: root\n        issuedBy: org-root-ca\n        acceptRootCaInNamespace: lab\n')))).toEqual([
      'config/x.yaml: certManager.issuers[0].caCertificate.issuedBy: is for an intermediate: a root is not issued by another issuer (allowed: kind intermediate)',
    ]);
  });
});

describe('issuers that keep the CA key out of the namespace', () => {
  const vault = `    - name: pensioen-vault
      kind: Issuer
      type: vault
      server: https://vault.pensioen.intern:8200
      path: pki_int/sign/pensioen-onprem
      caBundleSecretRef: { name: vault-ca }
      auth: { role: cert-manager-pensioen }
`;
  test('Vault: the Issuer, its ServiceAccount, and a Role that lets only cert-manager request that ServiceAccount\'s tokens', () => {
    const text = withIssuers(vault).replace('clusterIssuer: pensioen-internal-ca', 'clusterIssuer: pensioen-vault')
      .replace('certManager:\n', 'certManager:\n  serviceAccountName: cert-manager-controller\n');
    const objects = objectsOf(inlineEnvironment('onprem', text));
    expect(find(objects, 'Issuer', 'pensioen-vault').spec).toEqual({
      vault: {
        server: 'https://vault.pensioen.intern:8200', path: 'pki_int/sign/pensioen-onprem',
        caBundleSecretRef: { name: 'vault-ca', key: 'ca.crt' },
        auth: { kubernetes: { role: 'cert-manager-pensioen', mountPath: '/v1/auth/kubernetes', serviceAccountRef: { name: 'pensioen-vault-vault' } } },
      },
    });
    expect(find(objects, 'ServiceAccount', 'pensioen-vault-vault').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'Role', 'pensioen-vault-vault-token').rules).toEqual([{ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['pensioen-vault-vault'], verbs: ['create'] }]);
    expect(find(objects, 'RoleBinding', 'pensioen-vault-vault-token').subjects).toEqual([{ kind: 'ServiceAccount', name: 'cert-manager-controller', namespace: 'cert-manager' }]);
    expect(objects.filter((o) => o.kind === 'Issuer').map((o) => o.metadata.name)).toEqual(['pensioen-vault']);
    expect(gate('onprem', text)).toEqual([]);
  });

  test('a Vault ClusterIssuer is refused (its ServiceAccount would be in cert-manager\'s namespace): the platform owns it', () => {
    const text = withIssuers(vault.replace('kind: Issuer', 'kind: ClusterIssuer')).replace('clusterIssuer: pensioen-internal-ca', 'clusterIssuer: pensioen-vault');
    expect(configProblems(text)).toEqual([expect.stringMatching(/^config\/x\.yaml: certManager\.issuers\[0\]\.kind: "pensioen-vault" is a Vault ClusterIssuer: .*\(allowed: kind Issuer, or type platform-owned/)]);
  });

  test('step-ca over ACME: HTTP-01 on the internal edge only with the private CA\'s caBundle (a public CA cannot reach it)', () => {
    const stepca = `    - name: step-ca
      kind: Issuer
      type: acme-http01
      server: https://ca.pensioen.intern/acme/acme/directory
      email: pki@pensioen-beslissingstool.nl
`;
    const without = withIssuers(stepca).replace('clusterIssuer: pensioen-internal-ca', 'clusterIssuer: step-ca');
    expect(configProblems(without).join('\n')).toContain('certManager.issuers[0].type: "step-ca" uses HTTP-01 on an internal edge');
    const text = withIssuers(`${stepca}      caBundle: cHJpdmF0ZS1hY21lLWNh\n`).replace('clusterIssuer: pensioen-internal-ca', 'clusterIssuer: step-ca');
    expect(configProblems(text)).toEqual([]);
    const objects = objectsOf(inlineEnvironment('onprem', text));
    expect(find(objects, 'Issuer', 'step-ca').spec.acme).toMatchObject({ server: 'https://ca.pensioen.intern/acme/acme/directory', caBundle: 'cHJpdmF0ZS1hY21lLWNh' });
    expect(find(objects, 'NetworkPolicy', 'acme-http01-solver').spec.podSelector.matchLabels).toEqual({ 'acme.cert-manager.io/http01-solver': 'true' });
    expect(gate('onprem', text)).toEqual([]);
  });

  test('platform-owned: referenced by kind and name, never created (no object, no whitelist entry); its HTTP-01 solver pods get their policy only when declared', () => {
    const owned = (kind: string, http01 = '') => withIssuers(`    - name: org-intermediate\n      kind: ${kind}\n      type: platform-owned\n${http01}`)
      .replace('clusterIssuer: pensioen-internal-ca', 'clusterIssuer: org-intermediate');
    const cluster = objectsOf(inlineEnvironment('onprem', owned('ClusterIssuer')));
    expect(cluster.filter((o) => /Issuer$/.test(o.kind) || o.kind === 'Certificate')).toEqual([]);
    const gw = find(cluster, 'Ingress', 'pensioen-ingress');
    expect(gw.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('org-intermediate');
    expect(cluster.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'acme-http01-solver')).toEqual([]);
    const ns = objectsOf(inlineEnvironment('onprem', owned('Issuer', '      solvesHttp01: true\n')));
    expect(find(ns, 'Ingress', 'pensioen-ingress').metadata.annotations['cert-manager.io/issuer']).toBe('org-intermediate');
    expect(find(ns, 'NetworkPolicy', 'acme-http01-solver').spec.ingress[0].ports).toEqual([{ port: 8089, protocol: 'TCP' }]);
  });
});

test('an issuer listed but not used is neither created nor its Secret demanded (gate, docs/secrets.md, preflight)', () => {
  const spare = `    - name: spare-ca
      kind: Issuer
      type: ca
      secretName: spare-ca
      caCertificate: { kind: intermediate, permittedDnsDomains: [onprem.pensioen-beslissingstool.nl] }
`;
  const text = withIssuers(`${caIssuer('        kind: intermediate\n        permittedDnsDomains: [onprem.pensioen-beslissingstool.nl]\n')}${spare}`);
  const env = inlineEnvironment('onprem', text);
  expect(objectsOf(env).filter((o) => o.kind === 'Issuer').map((o) => o.metadata.name)).toEqual(['pensioen-internal-ca']);
  const declared = externalSecretsOf(env.config).map((s) => s.name);
  expect(declared).toContain('pensioen-ca');
  expect(declared).not.toContain('spare-ca');
  expect(precreateCommands(env).join('\n')).not.toContain('spare-ca');
});
