/** How a pod connects to the application database: shared by the backend, its schema wait and the migration Job. */
import type { Environment } from '../config';
import { k8s } from '../k8s';
import { backendDatabaseEndpoint, cnpgOf, servingCluster } from './names';

/** An environment variable from a key of a Secret (referenced, never created). */
export const secretEnv = (name: string, ref: { name: string; key: string }): k8s.EnvVar =>
  ({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });

/** Where the CloudNativePG Cluster's CA certificate is mounted (only `ca.crt` of `<cluster>-ca`, never its key). */
export const DATABASE_CA_DIR = '/etc/pensioen/postgres-ca';
export const DATABASE_CA_FILE = `${DATABASE_CA_DIR}/ca.crt`;

/**
 * Who connects: the backend (`app`: with `appRole` its own data-only role) or the migration Job (`migrator`: the
 * database owner, which owns the schema and may change it).
 */
export type DatabaseRole = 'app' | 'migrator';

/**
 * DATABASE_URL (and what composes it): the one source the backend and the migration Job share. Managed: the
 * whole connection string from `secrets.database`. CloudNativePG: composed from a basic-auth Secret
 * (DATABASE_USER, DATABASE_PASSWORD, defined first so that the kubelet expands them: the app role's
 * `appRole.passwordSecret`, or the owner's `<cluster>-app` for the migrator) and the pooler's address
 * (lib/database/names.ts), with `sslmode=verify-full` against the Cluster's CA (`clientSslMode`).
 * Lives in lib/, not a chart: charts never import charts.
 */
export function databaseEnv(env: Environment, role: DatabaseRole = 'app'): k8s.EnvVar[] {
  const db = backendDatabaseEndpoint(env);
  const cnpg = cnpgOf(env);
  if (!db || !cnpg) {
    // Managed: the migrator's own connection string when one is configured; the server is verified through
    // libpq's environment (the connection string is opaque: a Secret).
    const s = env.config.secrets;
    const tls = env.config.database.managedTls;
    return [
      secretEnv('DATABASE_URL', role === 'migrator' && s.migrationDatabase ? s.migrationDatabase : s.database),
      ...(tls ? [{ name: 'PGSSLMODE', value: tls.sslmode }] : []),
      ...(tls?.caSecret ? [{ name: 'PGSSLROOTCERT', value: DATABASE_CA_FILE }] : []),
    ];
  }
  const secret = role === 'app' && cnpg.appRole.enabled ? cnpg.appRole.passwordSecret : db.secret;
  const tls = cnpg.clientSslMode === 'verify-full' ? `sslmode=verify-full&sslrootcert=${DATABASE_CA_FILE}` : 'sslmode=require';
  const query = [tls, ...(db.query ? [db.query] : [])].join('&');
  return [
    secretEnv('DATABASE_USER', { name: secret, key: 'username' }),
    secretEnv('DATABASE_PASSWORD', { name: secret, key: 'password' }),
    { name: 'DATABASE_URL', value: `postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@${db.host}:${db.port}/${db.database}?${query}` },
  ];
}

/**
 * The Cluster's CA certificate for `sslmode=verify-full`: a projection of `ca.crt` alone from `<cluster>-ca`
 * (which also holds the CA key: the key never reaches the pod); for a managed server the CA bundle of
 * `database.managedTls.caSecret`. Undefined when nothing is verified.
 */
export function databaseCaVolume(env: Environment): { volume: k8s.Volume; mount: k8s.VolumeMount } | undefined {
  const cnpg = cnpgOf(env);
  const managedCa = env.config.database.mode === 'managed' ? env.config.database.managedTls?.caSecret : undefined;
  if (managedCa) {
    return {
      volume: { name: 'postgres-ca', secret: { secretName: managedCa.name, items: [{ key: managedCa.key, path: 'ca.crt' }], defaultMode: 0o444 } },
      mount: { name: 'postgres-ca', mountPath: DATABASE_CA_DIR, readOnly: true },
    };
  }
  if (!cnpg || cnpg.clientSslMode !== 'verify-full') return undefined;
  return {
    volume: { name: 'postgres-ca', secret: { secretName: `${servingCluster(cnpg)}-ca`, items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o444 } },
    mount: { name: 'postgres-ca', mountPath: DATABASE_CA_DIR, readOnly: true },
  };
}
