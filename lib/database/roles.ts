/**
 * Least privilege in the CloudNativePG database: two roles.
 *
 * - The migrator is the database owner (`database.owner`, created by initdb, credentials in `<cluster>-app`):
 *   it owns the schema and every table Alembic creates, so it alone may CREATE, ALTER and DROP. Only the
 *   migration Job connects as it.
 * - The backend's role (`database.cloudnativePg.appRole`) is a login role CloudNativePG manages
 *   (`managed.roles`, password from a basic-auth Secret) with data privileges only.
 *
 * The grants are the migrator's own statements, run by the migration Job's first container before every
 * migration (idempotent, so they also reach a Cluster bootstrapped before the app role existed, which
 * `postInitApplicationSQL` never would): USAGE on the schema; SELECT, INSERT, UPDATE, DELETE on every table
 * and USAGE, SELECT on every sequence that exists; and the same as default privileges for what the migrator
 * creates later (the migration that follows). CREATE on schema public is revoked from PUBLIC (already so since
 * PostgreSQL 15). Proven with a real PostgreSQL (test/database-roles.tools.test.ts).
 */
import { type ClusterSpecManagedRoles, ClusterSpecManagedRolesEnsure } from '../../imports/cnpg-clusters-postgresql.cnpg.io';
import type { Environment } from '../config';
import type { k8s } from '../k8s';
import { hardenedContainer } from '../k8s/hardened';
import { databaseCaVolume, databaseEnv } from './connection';
import { cnpgOf } from './names';

const q = (identifier: string) => `"${identifier}"`;

/** The migrator's grant statements for the app role (identifiers are schema-checked lower-case names). */
export function appRoleGrantSql(database: string, appRole: string): string {
  const r = q(appRole);
  return [
    `GRANT CONNECT ON DATABASE ${q(database)} TO ${r};`,
    `GRANT USAGE ON SCHEMA public TO ${r};`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r};`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r};`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r};`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r};`,
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC;',
  ].join('\n');
}

/** The role entry of the Cluster's `managed.roles`, or undefined when the backend uses the owner. */
export function managedAppRole(env: Environment): ClusterSpecManagedRoles | undefined {
  const cnpg = cnpgOf(env);
  if (!cnpg?.appRole.enabled) return undefined;
  return {
    name: cnpg.appRole.name,
    ensure: ClusterSpecManagedRolesEnsure.PRESENT,
    comment: `the backend: data only; the schema belongs to ${env.config.database.owner}`,
    login: true,
    superuser: false,
    createdb: false,
    createrole: false,
    replication: false,
    bypassrls: false,
    inherit: true,
    connectionLimit: -1,
    passwordSecret: { name: cnpg.appRole.passwordSecret },
  };
}

/**
 * The migration Job's first container: psql from the PostgreSQL operand image, as the migrator, runs the grants
 * (GRANT_SQL, visible in the output) with ON_ERROR_STOP, so a failed grant fails the Job before any migration.
 */
export function grantContainer(env: Environment): k8s.Container | undefined {
  const cnpg = cnpgOf(env);
  if (!cnpg?.appRole.enabled) return undefined;
  const ca = databaseCaVolume(env);
  return hardenedContainer({
    name: 'grant-app-role',
    image: cnpg.imageName,
    command: ['sh', '-c', 'exec psql -X -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -c "$GRANT_SQL"'],
    env: [
      ...databaseEnv(env, 'migrator'),
      { name: 'GRANT_SQL', value: appRoleGrantSql(env.config.database.name, cnpg.appRole.name) },
      { name: 'HOME', value: '/tmp' },
    ],
    resources: env.config.migrations.resources,
    writablePaths: ['/tmp'],
    ...(ca ? { volumeMounts: [ca.mount] } : {}),
  });
}
