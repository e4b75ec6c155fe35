/**
 * Where each Secret the manifests reference comes from: the list of Secrets (name and keys) is the
 * validation gate's `externalSecretsOf` (every config section that references a Secret created outside git
 * adds itself there), so ExternalSecrets and docs/secrets.md's `kubectl create secret` commands cover exactly the
 * Secrets the manifests reference.
 */
import { ConfigError, type Environment } from './';
import { instanceOf } from '../k8s/labels';
import { type ExternalSecret, externalSecretsOf } from '../validate/external-secrets';

export interface SecretSource extends ExternalSecret {
  /** Name of the remote secret (AWS Secrets Manager secret / Azure Key Vault secret). */
  readonly remoteKey: string;
}

/** Every referenced Secret with its remote name, sorted by name. Throws ConfigError for a stray `remoteKeys` entry. */
export function secretSourcesOf(env: Environment): SecretSource[] {
  const p = env.config.secretsProvider;
  // Typed Secrets (image pull, TLS) are created by hand even with the External Secrets Operator.
  const secrets = externalSecretsOf(env.config).filter((s) => !s.type).sort((a, b) => a.name.localeCompare(b.name));
  const known = new Set(secrets.map((s) => s.name));
  const stray = Object.keys(p.remoteKeys).filter((k) => !known.has(k)).sort();
  if (stray.length > 0) {
    throw new ConfigError(stray.map((k) =>
      `${env.file}: secretsProvider.remoteKeys.${k}: no Secret of that name is referenced (allowed: ${[...known].sort().join(', ')})`));
  }
  const prefix = p.remoteKeyPrefix ?? `${instanceOf(env)}-`;
  return secrets.map((s) => ({ ...s, remoteKey: p.remoteKeys[s.name] ?? `${prefix}${s.name}` }));
}

/** A placeholder value for a key in a `kubectl create secret` command: a connection string to fill in, or a random value. */
function valueHint(declaredBy: readonly string[], key: string): string {
  if (declaredBy.includes('secrets.migrationDatabase')) return `'postgresql://MIGRATOR_USER:PASSWORD@HOST:5432/rules_engine'`;
  if (declaredBy.includes('database.managedTls.caSecret')) return `"$(cat postgres-ca-bundle.pem)"`;
  if (declaredBy.includes('secrets.database')) return `'postgresql://USER:PASSWORD@HOST:5432/rules_engine'`;
  if (declaredBy.some((d) => d.startsWith('database.cloudnativePg.backup.objectStore.credentials'))) return `'<${key} of the backup bucket>'`;
  if (declaredBy.some((d) => d.startsWith('database.cloudnativePg.backup.objectStore.endpointCA'))) return `"$(cat object-store-ca.crt)"`;
  if (declaredBy.includes('redis.managed.urlSecret')) return `'rediss://CACHE_ENDPOINT:6379/0'`;
  if (declaredBy.includes('redis.managed.caSecret')) return `"$(cat cache-ca.crt)"`;
  if (/data-source-name|dsn/i.test(key)) return `'postgresql://MONITOR_USER:PASSWORD@HOST:5432/rules_engine?sslmode=require'`;
  // Alertmanager receivers: credentials someone else issues, never random.
  if (declaredBy.some((d) => d.endsWith('.pagerduty.routingKey'))) return `'PAGERDUTY_EVENTS_V2_INTEGRATION_KEY'`;
  if (declaredBy.some((d) => d.endsWith('.slack.apiUrl'))) return `'https://hooks.slack.com/services/T000/B000/XXXX'`;
  if (declaredBy.includes('monitoring.heartbeat.url')) return `'https://hc-ping.com/CHECK-UUID'`;
  if (declaredBy.includes('monitoring.heartbeat.apiKey')) return `'OPSGENIE_API_INTEGRATION_KEY'`;
  return '"$(openssl rand -hex 32)"';
}

/** Secrets that are always created by hand (image pull Secrets, an Issuer's CA), sorted by name. */
export function manualSecretsOf(env: Environment) {
  return externalSecretsOf(env.config).filter((s) => s.type).sort((a, b) => a.name.localeCompare(b.name));
}

/** The command that creates a typed Secret (placeholders in capitals). */
export function manualSecretCommand(env: Environment, s: { name: string; type?: string }): string {
  const ns = env.config.namespace;
  const appRole = env.config.database.cloudnativePg?.appRole;
  if (s.type === 'basic-auth') return `kubectl -n ${ns} create secret generic ${s.name} --type=kubernetes.io/basic-auth --from-literal=username=${appRole?.name ?? 'ROLE'} --from-literal=password="$(openssl rand -hex 32)"  # the backend's database role (CloudNativePG managed role)`;
  return s.type === 'tls'
    ? `kubectl -n ${ns} create secret tls ${s.name} --cert=intermediate-chain.crt --key=intermediate.key  # keys tls.crt, tls.key: a name-constrained intermediate (docs/security.md, "Private CA")`
    : `kubectl -n ${ns} create secret docker-registry ${s.name} --docker-server=${env.config.registry.split('/')[0]} --docker-username=USER --docker-password=PASSWORD  # key .dockerconfigjson`;
}

/** The exact commands that create every referenced Secret in the environment's namespace (values are placeholders). */
export function precreateCommands(env: Environment): string[] {
  const ns = env.config.namespace;
  const typed = env.config.secretsProvider.type === 'precreated' ? manualSecretsOf(env).map((s) => manualSecretCommand(env, s)) : [];
  return [
    `kubectl create namespace ${ns} --dry-run=client -o yaml | kubectl apply -f -`,
    ...secretSourcesOf(env).map((s) =>
      `kubectl -n ${ns} create secret generic ${s.name} ${s.keys.map((k) => `--from-literal=${k}=${valueHint(s.declaredBy, k)}`).join(' ')}`),
    ...typed,
  ];
}
