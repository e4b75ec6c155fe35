/**
 * The database roles and the client TLS of the CloudNativePG mode, against a real PostgreSQL 15 (Debian
 * postgresql-15, its psql, openssl, alembic with psycopg2: scripts/ensure-tools.sh), with the generated objects:
 *
 * - the roles as CloudNativePG creates them: the owner by initdb (`bootstrap.initdb.owner`), the backend's role
 *   from the Cluster's `managed.roles` entry (its flags turned into CREATE ROLE);
 * - the migration Job's pod run as written: its `grant-app-role` init container (sh -c, psql, GRANT_SQL), then
 *   its `migrate` container (the rollback guard and `alembic upgrade head` of a fake backend image), with the
 *   environment the kubelet builds from the Secrets (`<cluster>-app` for the migrator);
 * - the backend's DATABASE_URL (the app role's Secret) can read and write data but not CREATE, ALTER, DROP or
 *   TRUNCATE; a table a later migration creates is usable by it at once (default privileges); the migrator can
 *   do all of it;
 * - `sslmode=verify-full` as generated: the server presents a certificate from a test CA whose names are the
 *   Cluster's `certificates.serverAltDNSNames` (what CloudNativePG adds to the server certificate PgBouncer
 *   presents); the connection is TLS and verified; with only the Cluster's own Service names (the certificate
 *   before this change) verify-full refuses the pooler's host;
 * - managed mode: `database.managedTls` sets PGSSLMODE and PGSSLROOTCERT, which libpq (psql) and psycopg2 (the
 *   migration Job's Alembic) honour for a connection string without sslmode; the Job uses
 *   `secrets.migrationDatabase`.
 *
 * The pooler's Service name cannot resolve here: each URL keeps its host (the name verify-full checks) and gets
 * `hostaddr=127.0.0.1` and the test server's port; the CA file is where the test mounted it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { find, fixtureText, inlineEnvironment, objectsOf } from './helpers';
import { DATABASE_CA_DIR } from '../lib/database/connection';
import { freePorts } from './chaos/harness-ports';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const ENV = inlineEnvironment('onprem', fixtureText('onprem'));
const REV_A = 'a1b2c3d4e5f6';
const REV_B = 'b7c8d9e0f1a2';

/** A fake backend image: alembic.ini, env.py (DATABASE_URL, as the backend's), its revisions. */
function writeImage(dir: string, revisions: { rev: string; down: string | null; sql: string }[]): void {
  fs.mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'alembic.ini'), ['[alembic]', 'script_location = migrations', ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'migrations', 'env.py'), [
    'import os', 'from alembic import context', 'from sqlalchemy import create_engine',
    'engine = create_engine(os.environ["DATABASE_URL"])',
    'with engine.connect() as connection:',
    '    context.configure(connection=connection)',
    '    with context.begin_transaction():',
    '        context.run_migrations()', '',
  ].join('\n'));
  for (const r of revisions) {
    fs.writeFileSync(path.join(dir, 'migrations', 'versions', `${r.rev}.py`), [
      `revision = "${r.rev}"`, `down_revision = ${r.down ? `"${r.down}"` : 'None'}`, 'from alembic import op',
      'def upgrade():', `    op.execute("${r.sql}")`, 'def downgrade():', '    pass', '',
    ].join('\n'));
  }
}

describe('database roles and verify-full with a real PostgreSQL', () => {
  const objects = objectsOf(ENV);
  const cluster = find(objects, 'Cluster', 'pensioen-db');
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('backend-migrate'))!;
  const grant = job.spec.template.spec.initContainers.find((c: any) => c.name === 'grant-app-role');
  const migrate = job.spec.template.spec.containers.find((c: any) => c.name === 'migrate');
  const backend = find(objects, 'Deployment', 'backend').spec.template.spec.containers.find((c: any) => c.name === 'backend');
  const wait = find(objects, 'Deployment', 'backend').spec.template.spec.initContainers.find((c: any) => c.name === 'wait-for-schema');
  const appRole = cluster.spec.managed.roles[0];
  const owner = cluster.spec.bootstrap.initdb.owner;
  const database = cluster.spec.bootstrap.initdb.database;
  const secrets: Record<string, Record<string, string>> = {
    'pensioen-db-app': { username: owner, password: 'migrator-pw' },
    [appRole.passwordSecret.name]: { username: appRole.name, password: 'app-pw' },
  };

  let tmp: string;
  let port: number;
  const asPostgres = process.getuid?.() === 0;
  const pg = (bin: string, args: string[]) => {
    const cmd = asPostgres ? ['runuser', '-u', 'postgres', '--', path.join(PG_BIN, bin), ...args] : [path.join(PG_BIN, bin), ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')}: ${r.error?.message ?? ''}${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const openssl = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: tmp, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  /** A server certificate from the test CA with these DNS names. */
  const serverCert = (name: string, dnsNames: string[]) => {
    fs.writeFileSync(path.join(tmp, `${name}.ext`), `subjectAltName=${dnsNames.map((d) => `DNS:${d}`).join(',')}\n`);
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${dnsNames[0]}`]);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
  };
  /** The server's certificate files: one of the certificates above, then a reload. */
  const useServerCert = (name: string) => {
    fs.copyFileSync(path.join(tmp, `${name}.crt`), path.join(tmp, 'server.crt'));
    fs.copyFileSync(path.join(tmp, `${name}.key`), path.join(tmp, 'server.key'));
    fs.chmodSync(path.join(tmp, 'server.key'), 0o600);
    if (asPostgres) spawnSync('chown', ['postgres', path.join(tmp, 'server.crt'), path.join(tmp, 'server.key')]);
  };

  /** The container's environment as the kubelet builds it, the pooler's address pointed at the test server. */
  const containerEnv = (c: any): Record<string, string> => {
    const out: Record<string, string> = { PATH: `${PG_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`, TMPDIR: tmp };
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef) out[e.name] = secrets[e.valueFrom.secretKeyRef.name]?.[e.valueFrom.secretKeyRef.key] ?? 'unused';
      else if (e.valueFrom) continue;
      else out[e.name] = String(e.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n) => out[n] ?? m);
    }
    if (out.DATABASE_URL) out.DATABASE_URL = `${out.DATABASE_URL.replace(':5432/', `:${port}/`).split(DATABASE_CA_DIR).join(path.join(tmp, 'ca-mount'))}&hostaddr=127.0.0.1`;
    if (out.PGSSLROOTCERT) out.PGSSLROOTCERT = out.PGSSLROOTCERT.split(DATABASE_CA_DIR).join(path.join(tmp, 'ca-mount'));
    return out;
  };
  const runContainer = (c: any, cwd = tmp) => {
    const r = spawnSync(c.command[0], [...c.command.slice(1), ...(c.args ?? [])], { cwd, env: containerEnv(c), encoding: 'utf8', timeout: 60000 });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  };
  /** One SQL statement through a container's DATABASE_URL. */
  const sql = (c: any, statement: string) => {
    const env = containerEnv(c);
    const r = spawnSync(path.join(PG_BIN, 'psql'), ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-d', env.DATABASE_URL, '-c', statement], { env, encoding: 'utf8', timeout: 30000 });
    return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
  };
  const superuser = (statement: string) => pg('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-h', tmp, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', statement]);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'db-roles-'));
    fs.chmodSync(tmp, 0o755);
    // PostgreSQL's port comes from below the ephemeral range (harness-ports.ts): a port handed out by listen(0)
    // can be taken by a client socket of a lane running beside this one before PostgreSQL binds it.
    [port] = await freePorts(1);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=pensioen-db test CA']);
    fs.mkdirSync(path.join(tmp, 'ca-mount'));
    fs.copyFileSync(path.join(tmp, 'ca.crt'), path.join(tmp, 'ca-mount', 'ca.crt'));
    serverCert('pooler', cluster.spec.certificates.serverAltDNSNames);
    serverCert('cluster-only', ['pensioen-db-rw', 'pensioen-db-rw.pensioen', 'pensioen-db-rw.pensioen.svc']);
    useServerCert('pooler');
    if (asPostgres) spawnSync('chown', ['-R', 'postgres', tmp]);
    pg('initdb', ['-D', path.join(tmp, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    pg('pg_ctl', ['-D', path.join(tmp, 'data'), '-l', path.join(tmp, 'postgres.log'), '-w', '-o',
      `-p ${port} -k ${tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on -c ssl_cert_file=${tmp}/server.crt -c ssl_key_file=${tmp}/server.key`, 'start']);
    // As CloudNativePG does: initdb's owner and database, then the managed role with its declared attributes.
    superuser(`CREATE ROLE "${owner}" LOGIN`);
    superuser(`CREATE DATABASE "${database}" OWNER "${owner}"`);
    const flag = (on: boolean, name: string) => (on ? name : `NO${name}`);
    superuser(`CREATE ROLE "${appRole.name}" ${[flag(appRole.login, 'LOGIN'), flag(appRole.superuser, 'SUPERUSER'), flag(appRole.createdb, 'CREATEDB'), flag(appRole.createrole, 'CREATEROLE'),
      flag(appRole.replication, 'REPLICATION'), flag(appRole.bypassrls, 'BYPASSRLS'), flag(appRole.inherit, 'INHERIT')].join(' ')} CONNECTION LIMIT ${appRole.connectionLimit}`);
    writeImage(path.join(tmp, 'v1'), [{ rev: REV_A, down: null, sql: 'CREATE TABLE rules (id serial PRIMARY KEY, name text)' }]);
    writeImage(path.join(tmp, 'v2'), [
      { rev: REV_A, down: null, sql: 'CREATE TABLE rules (id serial PRIMARY KEY, name text)' },
      { rev: REV_B, down: REV_A, sql: 'CREATE TABLE settings (id serial PRIMARY KEY, value text)' },
    ]);
  }, 120000);

  afterAll(() => {
    if (!tmp) return;
    try { pg('pg_ctl', ['-D', path.join(tmp, 'data'), '-m', 'immediate', '-w', 'stop']); } catch { /* not started */ }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the generated pieces: the Job grants as the migrator, then migrates as the migrator; the backend connects as its own role, verify-full', () => {
    expect(appRole).toMatchObject({ name: 'rules_engine_app', login: true, superuser: false, createdb: false, createrole: false });
    expect(owner).not.toBe(appRole.name);
    for (const c of [grant, migrate]) expect(c.env.find((e: any) => e.name === 'DATABASE_USER').valueFrom.secretKeyRef.name).toBe('pensioen-db-app');
    expect(backend.env.find((e: any) => e.name === 'DATABASE_USER').valueFrom.secretKeyRef.name).toBe(appRole.passwordSecret.name);
    for (const c of [grant, migrate, backend]) expect(c.env.find((e: any) => e.name === 'DATABASE_URL').value).toContain(`?sslmode=verify-full&sslrootcert=${DATABASE_CA_DIR}/ca.crt`);
  });

  test('the migration Job\'s pod: the grants, then Alembic; the backend\'s role reads and writes data, and may not change the schema', () => {
    expect(runContainer(grant)).toMatchObject({ code: 0 });
    const migrated = runContainer(migrate, path.join(tmp, 'v1'));
    expect(migrated).toMatchObject({ code: 0 });
    expect(sql(backend, 'SELECT current_user').output).toBe(appRole.name);
    expect(sql(backend, "INSERT INTO rules (name) VALUES ('a') RETURNING id")).toMatchObject({ code: 0, output: expect.stringMatching(/^1\b/) });
    expect(sql(backend, "UPDATE rules SET name = 'b' WHERE id = 1")).toMatchObject({ code: 0 });
    expect(sql(backend, 'SELECT name FROM rules')).toMatchObject({ code: 0, output: 'b' });
    expect(sql(backend, 'SELECT version_num FROM alembic_version')).toMatchObject({ code: 0, output: REV_A });
    expect(sql(backend, 'DELETE FROM rules')).toMatchObject({ code: 0 });
    expect(sql(backend, 'CREATE TABLE evil (i int)')).toMatchObject({ code: 1, output: expect.stringContaining('permission denied for schema public') });
    expect(sql(backend, 'DROP TABLE rules')).toMatchObject({ code: 1, output: expect.stringContaining('must be owner of table rules') });
    expect(sql(backend, 'ALTER TABLE rules ADD COLUMN x int')).toMatchObject({ code: 1, output: expect.stringContaining('must be owner of table rules') });
    expect(sql(backend, 'TRUNCATE rules')).toMatchObject({ code: 1, output: expect.stringContaining('permission denied for table rules') });
    expect(sql(backend, 'CREATE SCHEMA evil')).toMatchObject({ code: 1, output: expect.stringContaining('permission denied for database') });
    // The migrator may.
    expect(sql(migrate, 'CREATE TABLE scratch (i int); DROP TABLE scratch')).toMatchObject({ code: 0 });
  }, 60000);

  test('a table the next migration creates is the backend\'s to use at once (default privileges), still not to drop', () => {
    expect(runContainer(grant)).toMatchObject({ code: 0 });
    expect(runContainer(migrate, path.join(tmp, 'v2'))).toMatchObject({ code: 0 });
    expect(sql(backend, "INSERT INTO settings (value) VALUES ('x')")).toMatchObject({ code: 0 });
    // The backend's schema wait reads the revision as the app role, and starts.
    expect(containerEnv(wait).DATABASE_USER).toBe(appRole.name);
    expect(runContainer(wait, path.join(tmp, 'v2'))).toMatchObject({ code: 0, output: expect.stringContaining(`database at the image's head ${REV_B}`) });
    expect(sql(backend, 'DROP TABLE settings')).toMatchObject({ code: 1, output: expect.stringContaining('must be owner of table settings') });
  }, 60000);

  test('managed PostgreSQL: PGSSLMODE and PGSSLROOTCERT from database.managedTls make libpq (psql) and psycopg2 (Alembic) verify the server; the migrator\'s own connection string', () => {
    const doc = parse(fixtureText('production'));
    doc.secrets = { ...doc.secrets, migrationDatabase: { name: 'db-migrator' } };
    doc.database = { ...doc.database, managedTls: { caSecret: { name: 'rds-ca' } } };
    const managed = objectsOf(inlineEnvironment('production', stringify(doc)));
    const mJob = managed.find((o) => o.kind === 'Job')!.spec.template.spec.containers[0];
    const mBackend = find(managed, 'Deployment', 'backend').spec.template.spec.containers[0];
    // The Secrets as the DBA wrote them: plain URLs, no sslmode in them (the environment decides).
    secrets['db-migrator'] = { 'connection-string': `postgresql://${owner}@pensioen-db-pooler-rw.pensioen:${port}/${database}?connect_timeout=5` };
    secrets['db-secrets'] = { 'connection-string': `postgresql://${appRole.name}@pensioen-db-pooler-rw.pensioen:${port}/${database}?connect_timeout=5` };
    expect(sql(mBackend, 'SELECT current_user, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())')).toMatchObject({ code: 0, output: `${appRole.name}|t` });
    expect(runContainer(mJob, path.join(tmp, 'v2'))).toMatchObject({ code: 0 });
    useServerCert('cluster-only');
    superuser('SELECT pg_reload_conf()');
    try {
      expect(sql(mBackend, 'SELECT 1')).toMatchObject({ code: 2, output: expect.stringMatching(/does not match host name "pensioen-db-pooler-rw\.pensioen"/) });
      const alembic = runContainer(mJob, path.join(tmp, 'v2'));
      expect(alembic.code).not.toBe(0);
      expect(alembic.output).toMatch(/does not match host name "pensioen-db-pooler-rw\.pensioen"/);
    } finally {
      useServerCert('pooler');
      superuser('SELECT pg_reload_conf()');
    }
  }, 60000);

  test('verify-full: the connection is TLS and checked against the Cluster CA; without the pooler\'s names in the certificate it is refused', () => {
    expect(sql(backend, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).toMatchObject({ code: 0, output: 't' });
    useServerCert('cluster-only');
    superuser('SELECT pg_reload_conf()');
    try {
      const refused = sql(backend, 'SELECT 1');
      expect(refused.code).not.toBe(0);
      expect(refused.output).toMatch(/server certificate for "pensioen-db-rw" \(and \d+ other names?\) does not match host name "pensioen-db-pooler-rw\.pensioen"/);
    } finally {
      useServerCert('pooler');
      superuser('SELECT pg_reload_conf()');
    }
    expect(sql(backend, 'SELECT 1')).toMatchObject({ code: 0, output: '1' });
  }, 60000);
});
