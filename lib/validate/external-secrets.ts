/**
 * Secrets the manifests reference but never contain: declared in config, created outside git
 * (docs/secrets.md). Every config section that makes the manifests reference such a Secret adds its
 * entries in `externalSecretsOf`; the gate accepts a reference only to a Secret in the output, one an
 * operator in the output creates, or one listed here (with the key, when a key is referenced).
 */
import type { EnvConfig } from '../config';
import { issuerSecrets } from '../tls/issuers';
import { BACKEND_USER, CACHE_USERS, userPreviousKey, userSecretKey } from '../redis/users';

export interface ExternalSecret {
  readonly name: string;
  /** Keys the Secret must have. */
  readonly keys: readonly string[];
  /** Config key paths that declare it, e.g. `secrets.database`. */
  readonly declaredBy: readonly string[];
  /**
   * Its type when it is not an Opaque Secret of key/value pairs: `dockerconfigjson` (an image pull Secret,
   * `kubectl create secret docker-registry`), `tls` (`kubectl create secret tls`) or `basic-auth` (username and
   * password, as CloudNativePG's managed roles require). Such Secrets are always
   * created by hand, never synced by an ExternalSecret.
   */
  readonly type?: 'dockerconfigjson' | 'tls' | 'basic-auth';
  /**
   * Keys the Secret holds only at times (Redis's previous password, during a password rotation): pods reference
   * them as optional, an ExternalSecret must carry them when the remote has them and not fail when it has not.
   */
  readonly optionalKeys?: readonly string[];
}

export function externalSecretsOf(config: EnvConfig): ExternalSecret[] {
  const entries: { name: string; key: string; declaredBy: string }[] = [];
  // With CloudNativePG the operator creates the database credentials (`<cluster>-app`) and no
  // postgres_exporter runs: the managed database's Secrets are not referenced.
  const cnpg = config.database?.mode === 'cloudnative-pg' ? config.database.cloudnativePg : undefined;
  const unused = new Set(cnpg ? ['database', 'monitoringDatabase', 'migrationDatabase'] : []);
  for (const [id, ref] of Object.entries(config.secrets ?? {}) as [string, { name: string; key: string }][]) {
    if (ref && !unused.has(id)) entries.push({ name: ref.name, key: ref.key, declaredBy: `secrets.${id}` });
  }
  // Alertmanager receivers: PagerDuty routing keys and Slack webhook URLs (read by the prometheus-operator).
  if (config.monitoring?.enabled && config.monitoring.alerting?.enabled) {
    for (const [name, r] of Object.entries(config.monitoring.alerting.receivers)) {
      if (r.pagerduty?.routingKey) entries.push({ ...r.pagerduty.routingKey, declaredBy: `monitoring.alerting.receivers.${name}.pagerduty.routingKey` });
      if (r.slack?.apiUrl) entries.push({ ...r.slack.apiUrl, declaredBy: `monitoring.alerting.receivers.${name}.slack.apiUrl` });
    }
    // The dead man's switch: its ping URL (and Opsgenie's API key).
    const hb = config.monitoring.heartbeat;
    if (hb) {
      entries.push({ ...hb.url, declaredBy: 'monitoring.heartbeat.url' });
      if (hb.apiKey) entries.push({ ...hb.apiKey, declaredBy: 'monitoring.heartbeat.apiKey' });
    }
  }
  const cred = cnpg?.backup.objectStore.credentials;
  if (cred?.type === 'secret') {
    const declaredBy = 'database.cloudnativePg.backup.objectStore.credentials';
    for (const key of [cred.accessKeyIdKey, cred.secretAccessKeyKey, ...(cred.regionKey ? [cred.regionKey] : [])]) entries.push({ name: cred.secretName, key, declaredBy });
  }
  const managedTlsCa = config.database?.mode === 'managed' ? config.database.managedTls?.caSecret : undefined;
  if (managedTlsCa) entries.push({ ...managedTlsCa, declaredBy: 'database.managedTls.caSecret' });
  const ca = cnpg?.backup.objectStore.endpointCA;
  if (ca) entries.push({ name: ca.name, key: ca.key, declaredBy: 'database.cloudnativePg.backup.objectStore.endpointCA' });
  // A managed cache: REDIS_URL from a Secret, a private CA bundle.
  const managedCache = config.redis?.mode === 'managed' ? config.redis.managed : undefined;
  if (managedCache?.urlSecret) entries.push({ ...managedCache.urlSecret, declaredBy: 'redis.managed.urlSecret' });
  if (managedCache?.caSecret) entries.push({ ...managedCache.caSecret, declaredBy: 'redis.managed.caSecret' });
  const typed: { name: string; key: string; declaredBy: string; type?: 'dockerconfigjson' | 'tls' | 'basic-auth' }[] = [];
  (config.pod?.imagePullSecrets ?? []).forEach((name, i) => typed.push({ name, key: '.dockerconfigjson', declaredBy: `pod.imagePullSecrets[${i}]`, type: 'dockerconfigjson' }));
  // Secrets of namespaced Issuers live in the environment's namespace (a ClusterIssuer's in cert-manager's); only
  // the issuer in use is created (lib/edge/acme.ts), so only its Secrets are needed.
  (config.certManager?.issuers ?? []).forEach((i, n) => {
    if (i.kind !== 'Issuer' || i.name !== config.ingress?.clusterIssuer) return;
    for (const s of issuerSecrets(i)) for (const key of s.keys) typed.push({ name: s.name, key, declaredBy: `certManager.issuers[${n}]`, ...(s.type === 'tls' ? { type: 'tls' as const } : {}) });
  });
  // The backend's own database role: CloudNativePG sets its password from this basic-auth Secret.
  if (cnpg?.appRole.enabled) for (const key of ['username', 'password']) typed.push({ name: cnpg.appRole.passwordSecret, key, declaredBy: 'database.cloudnativePg.appRole.passwordSecret', type: 'basic-auth' });
  // The in-cluster cache: every ACL user's password (the backend's is `secrets.redis` itself); a user's previous
  // password is in the Secret only during a password rotation.
  const optional: { name: string; key: string }[] = [];
  if (config.redis && config.redis.mode !== 'managed' && config.secrets?.redis) {
    const c = { secrets: { redis: config.secrets.redis }, redis: config.redis };
    for (const u of CACHE_USERS) {
      if (u !== BACKEND_USER) entries.push({ name: config.secrets.redis.name, key: userSecretKey(c, u), declaredBy: 'redis.acl' });
      optional.push({ name: config.secrets.redis.name, key: userPreviousKey(c, u) });
    }
  }
  // Other sections that reference Secrets created outside git add their entries above this line.
  const byName = new Map<string, { keys: Set<string>; declaredBy: string[]; type?: 'dockerconfigjson' | 'tls' | 'basic-auth' }>();
  for (const e of [...entries, ...typed]) {
    const s = byName.get(e.name) ?? { keys: new Set<string>(), declaredBy: [] };
    s.keys.add(e.key);
    if (!s.declaredBy.includes(e.declaredBy)) s.declaredBy.push(e.declaredBy);
    if ('type' in e && e.type) s.type = e.type as 'dockerconfigjson' | 'tls' | 'basic-auth';
    byName.set(e.name, s);
  }
  return [...byName].map(([name, s]) => {
    const opt = optional.filter((o) => o.name === name && !s.keys.has(o.key)).map((o) => o.key).sort();
    return { name, keys: [...s.keys].sort(), declaredBy: s.declaredBy, ...(s.type ? { type: s.type } : {}), ...(opt.length ? { optionalKeys: opt } : {}) };
  });
}
