/**
 * Placeholders `npm run new-env` writes where a new environment must not keep its source's value (namespace,
 * cluster, hosts, TLS Secrets, cloud identities, ...). Loading refuses every string that still holds one
 * (before the schema, which would only say "must be a DNS name"), naming what to set, so a copied config can never silently deploy over its source.
 */
export const PLACEHOLDER = 'CHANGE-ME';

/** What to set at each key path new-env can put a placeholder at (`[]` marks a list item). */
export const PLACEHOLDER_HINTS: Record<string, string> = {
  'namespace': 'the namespace of this environment (the source\'s may stay only on another cluster)',
  'instance': 'the app.kubernetes.io/instance label of this environment (or remove the key: "pensioen-<environment>")',
  'appEnvironment': 'the ENVIRONMENT value of the backend (or remove the key: the environment\'s name)',
  'gitops.destinationServer': 'the API server Argo CD deploys this environment to (as `argocd cluster list` shows it)',
  'ingress.apiHost': 'the API host of this environment',
  'frontend.image': 'a frontend image built for this environment\'s API host (next build bakes NEXT_PUBLIC_API_URL in), or keep the source\'s and set frontend.runtimeApiUrl: true in both if the image reads the URL at run time',
  'ingress.frontendHosts[]': 'the frontend hosts of this environment',
  'ingress.cors.allowOrigins[]': 'the origins of this environment\'s frontend (https://<frontend host>)',
  'ingress.apiTlsSecretName': 'the Secret cert-manager writes this environment\'s API certificate to',
  'ingress.frontendTlsSecretName': 'the Secret cert-manager writes this environment\'s frontend certificate to',
  'ingress.clusterIssuer': 'the issuer that signs this environment\'s certificates',
  'certManager.issuers[].caCertificate.permittedDnsDomains[]': 'the DNS domains this environment\'s intermediate CA is constrained to (they must hold its hosts)',
  'database.cloudnativePg.backup.objectStore.destinationPath': 'where this environment\'s base backups and WAL go (two environments sharing a destination would archive into, and restore from, each other\'s backups)',
  'database.cloudnativePg.apiServerCidrs[]': 'the addresses of this cluster\'s API server (`kubectl get endpoints kubernetes -n default`)',
  'network.ingressControllerNodeCidrs[]': 'the node address range of this cluster\'s ingress controller',
  'secretsProvider.remoteKeyPrefix': 'the prefix of this environment\'s remote secrets (or remove the key: "<instance>-")',
  'secretsProvider.remoteKeys': 'the remote secret of this environment',
  'secretsProvider.store.aws.roleArn': 'the IAM role (IRSA) of this environment\'s External Secrets reader',
  'secretsProvider.store.azure.vaultUrl': 'the Key Vault of this environment',
  'secretsProvider.store.azure.clientId': 'the client id of this environment\'s managed identity (a uuid)',
};

/** `ingress.frontendHosts[0]` → `ingress.frontendHosts[]`; map keys below remoteKeys → `secretsProvider.remoteKeys`. */
export function hintKey(path: ReadonlyArray<PropertyKey>): string {
  const p = path.map((k) => (typeof k === 'number' ? '[]' : `.${String(k)}`)).join('').replace(/^\./, '').replace(/\.\[\]/g, '[]');
  return p.startsWith('secretsProvider.remoteKeys.') ? 'secretsProvider.remoteKeys' : p;
}

export const PLACEHOLDER_MESSAGE = 'placeholder from new-env: set';

/** The issuers this environment's config defines (certManager.issuers), or the default Let's Encrypt pair. */
function issuerNames(value: unknown): string[] {
  const issuers = (value as { certManager?: { issuers?: { name?: unknown }[] } } | undefined)?.certManager?.issuers;
  const names = Array.isArray(issuers) ? issuers.map((i) => i?.name).filter((n): n is string => typeof n === 'string' && !n.includes(PLACEHOLDER)) : [];
  return Array.isArray(issuers) ? names : ['letsencrypt-prod', 'letsencrypt-staging'];
}

/** The hint for one key path; what is allowed comes from the environment's own config where it decides it. */
function hintFor(path: PropertyKey[], value: unknown): string {
  const key = hintKey(path);
  const hint = PLACEHOLDER_HINTS[key] ?? 'a value of this environment\'s own';
  if (key === 'ingress.clusterIssuer') return `${hint} (allowed: ${issuerNames(value).join(', ') || 'a name in certManager.issuers'})`;
  return hint;
}

/** One issue per string of the raw config that still contains the placeholder, at its key path, in document order. */
export function placeholderIssues(value: unknown): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  const walk = (v: unknown, path: PropertyKey[]) => {
    if (typeof v === 'string') {
      if (v.includes(PLACEHOLDER)) {
        out.push({ path, message: `${PLACEHOLDER_MESSAGE} ${hintFor(path, value)}` });
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  return out;
}
