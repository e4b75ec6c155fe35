/** How a pod connects to the application database: shared by the backend, its schema wait and the migration Job. */
import type { Environment } from '../config';
import { k8s } from '../k8s';
import { backendDatabaseEndpoint } from './names';

/** An environment variable from a key of a Secret (referenced, never created). */
export const secretEnv = (name: string, ref: { name: string; key: string }): k8s.EnvVar =>
  ({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });

/**
 * DATABASE_URL (and what composes it): the one source the backend and the migration Job share. Managed: the
 * whole connection string from `secrets.database`. CloudNativePG: composed from the operator's Secret
 * `<cluster>-app` (DATABASE_USER, DATABASE_PASSWORD, defined first so that the kubelet expands them) and the
 * pooler's address (lib/database/names.ts). Lives in lib/, not a chart: charts never import charts.
 */
export function databaseEnv(env: Environment): k8s.EnvVar[] {
  const db = backendDatabaseEndpoint(env);
  if (!db) return [secretEnv('DATABASE_URL', env.config.secrets.database)];
  return [
    secretEnv('DATABASE_USER', { name: db.secret, key: 'username' }),
    secretEnv('DATABASE_PASSWORD', { name: db.secret, key: 'password' }),
    { name: 'DATABASE_URL', value: `postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@${db.host}:${db.port}/${db.database}${db.query ? `?${db.query}` : ''}` },
  ];
}
