/**
 * The CloudNativePG database's two roles and the clients' TLS, as generated objects following the config
 * (database.cloudnativePg.appRole, clientSslMode); what the grants do is proven against a real PostgreSQL in
 * test/database-roles.tools.test.ts.
 */
import { parse, stringify } from 'yaml';
import { configProblems, find, fixtureText, inlineEnvironment, objectsOf } from './helpers';
import { cnpgEnv, cnpgOverrides, cnpgYaml } from './database-helpers';
import { appRoleGrantSql } from '../lib/database/roles';
import { precreateCommands } from '../lib/config/secret-sources';

const containerEnv = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.valueFrom?.secretKeyRef?.name ?? e.value]));
const parts = (objects: Record<string, any>[]) => {
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('backend-migrate'))!;
  const deployment = find(objects, 'Deployment', 'backend');
  return {
    cluster: objects.find((o) => o.kind === 'Cluster')!,
    job,
    grant: (job.spec.template.spec.initContainers ?? []).find((c: any) => c.name === 'grant-app-role'),
    migrate: job.spec.template.spec.containers[0],
    backend: deployment.spec.template.spec.containers[0],
    wait: deployment.spec.template.spec.initContainers.find((c: any) => c.name === 'wait-for-schema'),
    deployment,
  };
};

describe('the backend\'s own role, the migrator', () => {
  test('by default: a managed login role with data rights only, the backend connects as it, the Job grants and migrates as the owner', () => {
    const env = cnpgEnv();
    const p = parts(objectsOf(env));
    expect(p.cluster.spec.managed.roles).toEqual([expect.objectContaining({
      name: 'rules_engine_app', ensure: 'present', login: true, superuser: false, createdb: false, createrole: false, replication: false, bypassrls: false,
      passwordSecret: { name: 'pensioen-db-app-role' },
    })]);
    expect(containerEnv(p.backend).DATABASE_USER).toBe('pensioen-db-app-role');
    expect(containerEnv(p.wait).DATABASE_USER).toBe('pensioen-db-app-role');
    expect(containerEnv(p.migrate).DATABASE_USER).toBe('pensioen-db-app');
    expect(containerEnv(p.grant)).toMatchObject({ DATABASE_USER: 'pensioen-db-app', GRANT_SQL: appRoleGrantSql('rules_engine', 'rules_engine_app') });
    expect(p.grant.image).toBe(p.cluster.spec.imageName);
    expect(p.grant.command).toEqual(['sh', '-c', 'exec psql -X -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -c "$GRANT_SQL"']);
    // The Secret is declared for the gate and docs/secrets.md, as a basic-auth Secret with the role's name.
    expect(precreateCommands(env)).toContain('kubectl -n pensioen create secret generic pensioen-db-app-role --type=kubernetes.io/basic-auth --from-literal=username=rules_engine_app --from-literal=password="$(openssl rand -hex 32)"  # the backend\'s database role (CloudNativePG managed role)');
  });

  test('the role\'s name and Secret follow the config, into the Cluster, the grants, the backend and the Secret command', () => {
    const env = cnpgEnv(cnpgOverrides({ appRole: { name: 'regels_rw', passwordSecret: 'regels-rw' } }));
    const p = parts(objectsOf(env));
    expect(p.cluster.spec.managed.roles[0]).toMatchObject({ name: 'regels_rw', passwordSecret: { name: 'regels-rw' } });
    expect(containerEnv(p.grant).GRANT_SQL).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "regels_rw";');
    expect(containerEnv(p.backend).DATABASE_USER).toBe('regels-rw');
    expect(precreateCommands(env).find((c) => c.includes('regels-rw'))).toContain('--from-literal=username=regels_rw ');
  });

  test('appRole.enabled false: the backend uses the owner again, no managed role, no grant step', () => {
    const p = parts(objectsOf(cnpgEnv(cnpgOverrides({ appRole: { enabled: false } }))));
    expect(p.cluster.spec.managed).toBeUndefined();
    expect(p.grant).toBeUndefined();
    expect(containerEnv(p.backend).DATABASE_USER).toBe('pensioen-db-app');
  });

  test('a role named like the owner is refused (the backend would keep DDL)', () => {
    expect(configProblems(cnpgYaml({ database: { owner: 'rules_engine', cloudnativePg: { appRole: { name: 'rules_engine' } } } }))).toEqual([
      'config/x.yaml: database.cloudnativePg.appRole.name: is database.owner "rules_engine", the migrator that owns the schema: the backend would keep DDL rights (allowed: another role name, e.g. rules_engine_app)',
    ]);
  });
});

describe('sslmode=verify-full against the Cluster\'s CA', () => {
  test('by default every client verifies the pooler\'s certificate: the CA\'s ca.crt alone is mounted (never ca.key), the pooler\'s names are in the server certificate', () => {
    const p = parts(objectsOf(cnpgEnv()));
    for (const c of [p.backend, p.wait, p.migrate, p.grant]) {
      expect(containerEnv(c).DATABASE_URL).toBe('postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@pensioen-db-pooler-rw.pensioen:5432/rules_engine?sslmode=verify-full&sslrootcert=/etc/pensioen/postgres-ca/ca.crt');
      expect(c.volumeMounts).toContainEqual({ name: 'postgres-ca', mountPath: '/etc/pensioen/postgres-ca', readOnly: true });
    }
    for (const spec of [p.deployment.spec.template.spec, p.job.spec.template.spec]) {
      expect(spec.volumes).toContainEqual({ name: 'postgres-ca', secret: { secretName: 'pensioen-db-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o444 } });
    }
    expect(p.cluster.spec.certificates.serverAltDNSNames).toEqual(['pensioen-db-pooler-rw', 'pensioen-db-pooler-rw.pensioen', 'pensioen-db-pooler-rw.pensioen.svc', 'pensioen-db-pooler-rw.pensioen.svc.cluster.local']);
  });

  test('clientSslMode require: encrypted, not verified, no CA mounted; a TLS parameter in connectionQuery is refused', () => {
    const p = parts(objectsOf(cnpgEnv(cnpgOverrides({ clientSslMode: 'require', connectionQuery: 'connect_timeout=5' }))));
    expect(containerEnv(p.backend).DATABASE_URL).toMatch(/\?sslmode=require&connect_timeout=5$/);
    expect(JSON.stringify(p.deployment)).not.toContain('postgres-ca');
    expect(configProblems(cnpgYaml(cnpgOverrides({ connectionQuery: 'sslmode=disable' })))).toEqual([
      'config/x.yaml: database.cloudnativePg.connectionQuery: sets sslmode, which comes from database.cloudnativePg.clientSslMode (verify-full: the Cluster\'s CA is mounted for verify-full) (allowed: other options such as connect_timeout=10; set clientSslMode instead)',
    ]);
  });
});

describe('managed PostgreSQL: the migrator\'s own connection string, the server verified', () => {
  const managed = (edit: (doc: Record<string, any>) => void) => {
    const doc = parse(fixtureText('production'));
    edit(doc);
    return stringify(doc);
  };
  const managedParts = (text: string) => parts(objectsOf(inlineEnvironment('production', text)));

  test('secrets.migrationDatabase: the migration Job connects with it, the backend and its schema wait keep secrets.database', () => {
    const p = managedParts(managed((d) => { d.secrets = { ...d.secrets, migrationDatabase: { name: 'db-migrator' } }; }));
    expect(containerEnv(p.migrate).DATABASE_URL).toBe('db-migrator');
    expect(containerEnv(p.backend).DATABASE_URL).toBe('db-secrets');
    expect(containerEnv(p.wait).DATABASE_URL).toBe('db-secrets');
    const before = managedParts(managed(() => undefined));
    expect(containerEnv(before.migrate).DATABASE_URL).toBe('db-secrets');
    expect(configProblems(cnpgYaml({ secrets: { migrationDatabase: { name: 'db-migrator' } } }))).toEqual([
      'config/x.yaml: secrets.migrationDatabase: is for database.mode managed: with CloudNativePG the migration Job connects as the owner from `<clusterName>-app` (allowed: leave it out)',
    ]);
  });

  test('database.managedTls: PGSSLMODE and PGSSLROOTCERT on every client, the CA bundle mounted; verify-full needs the bundle', () => {
    const p = managedParts(managed((d) => { d.database = { ...d.database, managedTls: { caSecret: { name: 'rds-ca' } } }; }));
    for (const c of [p.backend, p.wait, p.migrate]) {
      expect(containerEnv(c)).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/pensioen/postgres-ca/ca.crt' });
      expect(c.volumeMounts).toContainEqual({ name: 'postgres-ca', mountPath: '/etc/pensioen/postgres-ca', readOnly: true });
    }
    expect(p.deployment.spec.template.spec.volumes).toContainEqual({ name: 'postgres-ca', secret: { secretName: 'rds-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o444 } });
    expect(configProblems(managed((d) => { d.database = { ...d.database, managedTls: { sslmode: 'verify-ca' } }; }))).toEqual([
      'config/x.yaml: database.managedTls.caSecret: is required with sslmode verify-ca: libpq checks the server against this CA bundle (allowed: a Secret with the provider\'s CA bundle, or sslmode require)',
    ]);
    const unchanged = managedParts(managed(() => undefined));
    expect(containerEnv(unchanged.backend).PGSSLMODE).toBeUndefined();
    expect(configProblems(cnpgYaml({ database: { managedTls: { sslmode: 'require' } } }))).toEqual([
      'config/x.yaml: database.managedTls: is for database.mode managed (allowed: database.cloudnativePg.clientSslMode for CloudNativePG)',
    ]);
  });
});
