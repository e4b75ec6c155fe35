/**
 * Migrations and the schema wait against real Alembic and a real PostgreSQL (Debian packages alembic,
 * python3-psycopg2, postgresql; scripts/ensure-tools.sh): the migration Job's command and the backend's
 * `wait-for-schema` init container command are taken from the synthesized objects and run as written (sh -c,
 * the container's environment as the kubelet builds it from the Secret, the image's working directory), with
 * two "images" of a fake backend: v1 knows one revision, v2 two.
 *
 * - behind: the database has v1's revision (or none); v2's wait keeps waiting, and starts once v2's Job has
 *   migrated;
 * - at head: v2's wait starts at once;
 * - ahead, after a rollback to v1: v1's Job does nothing and succeeds (plain `alembic upgrade head` fails
 *   there), v1's wait starts at once (it used to wait out its timeout and crash-loop);
 * - a failed migration: the Job fails, the new pods keep waiting; once fixed, the same Job command runs again
 *   (kubectl: delete the failed Job, apply it again: docs/onprem-install.md) and the waiting pods start.
 *
 * PostgreSQL runs as a cluster of its own in a temporary folder (initdb, pg_ctl) on a free port, as a non-root
 * user (`postgres` when the test runs as root), and is removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { find, inlineEnvironment, objectsOf } from './helpers';
import { freePorts } from './chaos/harness-ports';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const WAIT_TIMEOUT = 60;

/** A managed-database environment (DATABASE_URL from one Secret key), the schema wait shortened to 60 s. */
const ENV = inlineEnvironment('schemawait', `
registry: registry.example.nl/pensioen
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
migrations: { waitTimeoutSeconds: ${WAIT_TIMEOUT} }
`);

const REV_A = 'a1b2c3d4e5f6';
const REV_B = 'b7c8d9e0f1a2';

/** The fake backend image: alembic.ini, env.py (DATABASE_URL, as the backend's), the revisions it ships. */
function writeImage(dir: string, revisions: { rev: string; down: string | null; sql: string }[]): void {
  fs.mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'alembic.ini'), [
    '[alembic]', 'script_location = migrations', '',
    '[loggers]', 'keys = root,alembic', '[handlers]', 'keys = console', '[formatters]', 'keys = generic',
    '[logger_root]', 'level = WARN', 'handlers = console',
    '[logger_alembic]', 'level = INFO', 'handlers =', 'qualname = alembic',
    '[handler_console]', 'class = StreamHandler', 'args = (sys.stderr,)', 'level = NOTSET', 'formatter = generic',
    '[formatter_generic]', 'format = %(levelname)-5.5s [%(name)s] %(message)s', '',
  ].join('\n'));
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

/** A finished run: exit code, output, and the arguments of every `sleep` it called (its polls). */
interface Run { code: number | null; output: string; sleeps: string[] }

describe('migration Job and wait-for-schema with real Alembic and PostgreSQL', () => {
  const objects = objectsOf(ENV);
  const job = objects.find((o) => o.kind === 'Job')!;
  const jobContainer = job.spec.template.spec.containers[0];
  const waitContainer = find(objects, 'Deployment', 'backend').spec.template.spec.initContainers.find((c: any) => c.name === 'wait-for-schema');
  const databaseSecret = ENV.config.secrets.database;

  let tmp: string;
  let port: number;
  let url: string;
  const asPostgres = process.getuid?.() === 0;
  const pg = (bin: string, args: string[]) => {
    const cmd = asPostgres ? ['runuser', '-u', 'postgres', '--', path.join(PG_BIN, bin), ...args] : [path.join(PG_BIN, bin), ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')}: ${r.error?.message ?? ''}${r.stdout}${r.stderr}`);
  };

  /** The container's environment as the kubelet builds it: values, and Secret keys from `secrets`. */
  const containerEnv = (c: any, secrets: Record<string, Record<string, string>>, extra: Record<string, string>) => {
    const out: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef) out[e.name] = secrets[e.valueFrom.secretKeyRef.name][e.valueFrom.secretKeyRef.key];
      else out[e.name] = String(e.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n) => out[n] ?? m);
    }
    return out;
  };

  /** Starts a container's command as written, in the image's folder. */
  // "At once" is judged by the mechanism, not the clock: the script's only pause is `sleep 5` between polls,
  // so each run's PATH starts with a `sleep` that records every call (and then sleeps) in `sleeps`.
  const start = (c: any, image: string, label: string): { child: ChildProcess; done: Promise<Run> } => {
    const runTmp = fs.mkdtempSync(path.join(tmp, `${label}-`));
    fs.mkdirSync(path.join(runTmp, 'bin'));
    fs.writeFileSync(path.join(runTmp, 'bin', 'sleep'), `#!/bin/sh\necho "$*" >> "${runTmp}/sleeps"\nexec /bin/sleep "$@"\n`, { mode: 0o755 });
    const env = containerEnv(c, { [databaseSecret.name]: { [databaseSecret.key]: url } }, { TMPDIR: runTmp, HOME: runTmp });
    env.PATH = `${path.join(runTmp, 'bin')}:${env.PATH}`;
    const child = spawn(c.command[0], [...c.command.slice(1), ...(c.args ?? [])], { cwd: path.join(tmp, image), env });
    let output = '';
    child.stdout!.on('data', (d) => { output += d; });
    child.stderr!.on('data', (d) => { output += d; });
    const sleeps = () => (fs.existsSync(path.join(runTmp, 'sleeps')) ? fs.readFileSync(path.join(runTmp, 'sleeps'), 'utf8').trim().split('\n') : []);
    const done = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, output, sleeps: sleeps() })));
    return { child, done };
  };
  const run = (c: any, image: string, label: string) => start(c, image, label).done;
  const current = (image: string) => spawnSync('alembic', ['current'], { cwd: path.join(tmp, image), env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' }).stdout.trim();
  const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-wait-'));
    fs.chmodSync(tmp, 0o755);
    if (asPostgres) spawnSync('chown', ['postgres', tmp]);
    // PostgreSQL's port comes from below the ephemeral range (harness-ports.ts): a port handed out by listen(0)
    // can be taken by a client socket of a lane running beside this one before PostgreSQL binds it.
    [port] = await freePorts(1);
    pg('initdb', ['-D', path.join(tmp, 'data'), '-U', 'app', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    pg('pg_ctl', ['-D', path.join(tmp, 'data'), '-l', path.join(tmp, 'postgres.log'), '-w', '-o', `-p ${port} -k ${tmp} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    pg('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'app', 'app']);
    url = `postgresql://app:unused@127.0.0.1:${port}/app`;
    const a = { rev: REV_A, down: null, sql: 'CREATE TABLE rules (id serial PRIMARY KEY)' };
    const b = { rev: REV_B, down: REV_A, sql: 'ALTER TABLE rules ADD COLUMN name text' };
    writeImage(path.join(tmp, 'v1'), [a]);
    writeImage(path.join(tmp, 'v2'), [a, b]);
  }, 120000);

  afterAll(() => {
    if (!tmp) return;
    try { pg('pg_ctl', ['-D', path.join(tmp, 'data'), '-m', 'immediate', '-w', 'stop']); } catch { /* not started */ }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the commands are the generated ones: the Job runs migrations.command behind its rollback guard, the wait is sh -c', () => {
    expect(jobContainer.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(jobContainer.command.slice(3)).toEqual(['migrate', 'alembic', 'upgrade', 'head']);
    expect(waitContainer.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(jobContainer.env).toEqual(expect.arrayContaining([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: databaseSecret } }]));
  });

  test('behind: v2\'s wait waits while the database has v1\'s revision, and starts once v2\'s Job migrated', async () => {
    // v1 released first: its Job migrates an empty database to v1's head.
    const v1job = await run(jobContainer, 'v1', 'v1-job');
    expect(v1job).toMatchObject({ code: 0 });
    expect(current('v1')).toBe(`${REV_A} (head)`);
    // v2's pods start before v2's migration: they wait (several polls, 5 s apart).
    const waiting = start(waitContainer, 'v2', 'v2-wait');
    expect(await within(waiting.done, 8000)).toBe('timeout');
    const v2job = await run(jobContainer, 'v2', 'v2-job');
    expect(v2job).toMatchObject({ code: 0 });
    expect(current('v2')).toBe(`${REV_B} (head)`);
    // The next poll sees it: at most one pause (5 s) and one `alembic current` later; the bound is only a safety
    // limit (CI runs this beside the chaos lane on 2 cores), what is judged are the polls themselves.
    const started = await within(waiting.done, 90000);
    expect(started).toMatchObject({ code: 0, output: expect.stringContaining(`schema-wait: database at the image's head ${REV_B}`) });
    expect((started as Run).sleeps.length).toBeGreaterThan(0);
    expect(new Set((started as Run).sleeps)).toEqual(new Set(['5']));
  }, 180000);

  test('at head: v2\'s wait starts at once', async () => {
    const r = await run(waitContainer, 'v2', 'v2-head');
    expect(r).toMatchObject({ code: 0, output: expect.stringContaining(`database at the image's head ${REV_B}`) });
    expect(r.sleeps).toEqual([]);
  }, 120000);

  test('ahead, after a rollback to v1: v1\'s Job does nothing and succeeds, v1\'s wait starts at once', async () => {
    // What the guard prevents: v1's plain `alembic upgrade head` fails on a revision it does not know.
    const plain = spawnSync('alembic', ['upgrade', 'head'], { cwd: path.join(tmp, 'v1'), env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' });
    expect(plain.status).not.toBe(0);
    expect(`${plain.stdout}${plain.stderr}`).toContain(`Can't locate revision identified by '${REV_B}'`);

    const job1 = await run(jobContainer, 'v1', 'rollback-job');
    expect(job1).toMatchObject({ code: 0, output: expect.stringContaining('a newer release migrated it (a rollback): nothing to do') });
    expect(current('v2')).toBe(`${REV_B} (head)`);
    const wait1 = await run(waitContainer, 'v1', 'rollback-wait');
    expect(wait1).toMatchObject({ code: 0, output: expect.stringContaining(`the database is ahead of this image (head ${REV_A}): Can't locate revision identified by '${REV_B}'`) });
    expect(wait1.sleeps).toEqual([]);
  }, 120000);

  test('a database that cannot be reached is not "ahead": the wait keeps waiting (and fails at its timeout)', async () => {
    const saved = url;
    url = `postgresql://app:unused@127.0.0.1:${port + 1}/app`;
    try {
      const r = start(waitContainer, 'v1', 'unreachable');
      expect(await within(r.done, 6000)).toBe('timeout');
      r.child.kill('SIGTERM');
      await r.done;
    } finally {
      url = saved;
    }
  }, 120000);
  test('a failed migration: the Job fails, the new pods keep waiting; after the fix the Job runs again and they start', async () => {
    // v3 adds a revision that needs a table someone forgot (the failure); the fix creates it.
    const c = { rev: 'c3d4e5f6a7b8', down: REV_B, sql: 'INSERT INTO settings (name) VALUES (\'x\')' };
    writeImage(path.join(tmp, 'v3'), [
      { rev: REV_A, down: null, sql: 'CREATE TABLE rules (id serial PRIMARY KEY)' },
      { rev: REV_B, down: REV_A, sql: 'ALTER TABLE rules ADD COLUMN name text' },
      c,
    ]);
    const failed = await run(jobContainer, 'v3', 'v3-job-failed');
    expect(failed.code).not.toBe(0);
    expect(current('v2')).toBe(`${REV_B} (head)`);
    const waiting = start(waitContainer, 'v3', 'v3-wait');
    expect(await within(waiting.done, 7000)).toBe('timeout');
    // The fix, then the Job again (kubectl: delete the failed Job and apply it again; the same command runs).
    const psql = spawnSync(path.join(PG_BIN, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'app', '-d', 'app', '-c', 'CREATE TABLE settings (name text)'], { encoding: 'utf8' });
    expect(psql.status).toBe(0);
    expect(await run(jobContainer, 'v3', 'v3-job-again')).toMatchObject({ code: 0 });
    expect(await within(waiting.done, 90000)).toMatchObject({ code: 0, output: expect.stringContaining(`database at the image's head ${c.rev}`) });
  }, 180000);
});
