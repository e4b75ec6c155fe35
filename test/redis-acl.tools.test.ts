/**
 * The cache's ACL users, judged by real servers: redis-server 7.0 and valkey-server 8 start with the users the
 * generated start-up script renders (`acl_lines` of common.sh on the generated acl.conf, each password from the
 * environment as the Secret gives it), and each user can run what its client needs and nothing else. The `default`
 * user is off: a connection that does not authenticate as one of the users can run nothing.
 * Replication and Sentinel with their users (a real set, failovers) are proven by the chaos suites.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { find, objectsOf } from './helpers';
import { cacheEnv } from './fixtures/cache';
import { once, RedisError, type Reply, RespClient } from './redis-resp';
import { freePorts, sleep } from './chaos/harness-ports';
import { CACHE_USERS, passwordVar, previousPasswordVar } from '../lib/redis/acl';
import { HANDOVER_KEY, renameCommandLines } from '../lib/redis/files';
import type { CacheEngine } from '../lib/redis/schema';

const PASSWORDS = Object.fromEntries(CACHE_USERS.map((u) => [u, `pw-${u}-${process.pid}`])) as Record<string, string>;
const as = (user: string) => ({ user, password: PASSWORDS[user] });

/** Runs common.sh's acl_lines on a template of the generated ConfigMap with `env` as the container's environment. */
function aclLines(node: Record<string, string>, dir: string, template: string, env: Record<string, string>): string {
  fs.writeFileSync(path.join(dir, 'common.sh'), node['common.sh'].replace(/^QUORUM=.*$/m, ''));
  fs.writeFileSync(path.join(dir, template), node[template]);
  return execFileSync('sh', ['-c', `. ${dir}/common.sh; acl_lines ${template}`],
    { env: { PATH: process.env.PATH, TEMPLATES_DIR: dir, DATA_DIR: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

const passwordEnv = () => Object.fromEntries(CACHE_USERS.map((u) => [passwordVar(u), PASSWORDS[u]]));

async function withServer(engine: CacheEngine, conf: string, run: (port: number) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${engine}-acl-`));
  const [port] = await freePorts(1);
  fs.writeFileSync(path.join(dir, 's.conf'), `port ${port}\nbind 127.0.0.1\ndir ${dir}\nappendonly no\nsave ""\n${conf}`);
  const child = spawn(`${engine}-server`, [path.join(dir, 's.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  try {
    for (let k = 0; ; k++) {
      try { (await RespClient.connect(port)).close(); break; } catch (e) {
        if (k > 100 || child.exitCode !== null) throw new Error(`${engine}-server did not start: ${String(e)}\n${log}`);
        await sleep(50);
      }
    }
    await run(port);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ok = (r: Reply) => !(r instanceof RedisError);
const noperm = (r: Reply) => r instanceof RedisError && /^NOPERM/.test(r.message);

describe.each(['redis', 'valkey'] as CacheEngine[])('ACL users on a real %s-server', (engine) => {
  const env = cacheEnv({ engine });
  const objects = objectsOf(env);
  const node = find(objects, 'ConfigMap', engine === 'redis' ? 'redis-node' : 'valkey-node').data;
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acl-lines-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the start-up script renders every user with its password from the environment, default off; a missing password stops it', () => {
    const lines = aclLines(node, dir, 'acl.conf', passwordEnv());
    expect(lines.split('\n')[0]).toBe('user default off resetpass resetkeys resetchannels -@all');
    for (const u of CACHE_USERS) expect(lines).toContain(`user ${u} on `);
    for (const u of CACHE_USERS) expect(lines).toMatch(new RegExp(`^user ${u} .* ">${PASSWORDS[u]}"$`, 'm'));
    // A password with a quote and a backslash stays one word of the config.
    expect(aclLines(node, dir, 'acl.conf', { ...passwordEnv(), [passwordVar('backend')]: 'a"b\\c' })).toContain('">a\\"b\\\\c"');
    expect(() => aclLines(node, dir, 'acl.conf', { ...passwordEnv(), [passwordVar('haproxy')]: '' })).toThrow();
  });

  test('default is off, and each user runs what its client needs and nothing else', async () => {
    await withServer(engine, aclLines(node, dir, 'acl.conf', passwordEnv()), async (port) => {
      // No user: nothing runs; the default user takes no password.
      const anon = await RespClient.connect(port);
      try {
        expect(String(await anon.call('PING'))).toMatch(/NOAUTH/);
        expect(String(await anon.call('AUTH', PASSWORDS.backend))).toMatch(/WRONGPASS/);
        expect(String(await anon.call('AUTH', 'default', PASSWORDS.admin))).toMatch(/WRONGPASS/);
        expect(String(await anon.call('AUTH', 'backend', PASSWORDS.admin))).toMatch(/WRONGPASS/);
      } finally { anon.close(); }

      // The backend: data, expiry, transactions, Lua, WAIT; no flush, no administration, no blocking, no Pub/Sub.
      const b = await RespClient.connect(port, as('backend'));
      try {
        for (const cmd of [['PING'], ['SET', 'k', 'v'], ['GET', 'k'], ['INCR', 'n'], ['EXPIRE', 'k', 60], ['TTL', 'k'], ['HSET', 'h', 'f', '1'],
          ['ZADD', 'z', 1, 'a'], ['SCAN', 0], ['EVAL', "return redis.call('GET', KEYS[1])", 1, 'k'], ['SCRIPT', 'LOAD', 'return 1'],
          ['WAIT', 0, 0], ['CLIENT', 'SETNAME', 'app'], ['DEL', 'k'], ['MULTI'], ['INCR', 'n'], ['EXEC']]) {
          const r = await b.call(...cmd);
          expect([cmd.join(' '), ok(r)]).toEqual([cmd.join(' '), true]);
        }
        for (const cmd of [['FLUSHALL'], ['FLUSHDB'], ['KEYS', '*'], ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'SET', 'maxmemory', '1'], ['ACL', 'LIST'],
          ['ACL', 'SETUSER', 'backend', '+@all'], ['INFO'], ['SHUTDOWN'], ['REPLICAOF', 'NO', 'ONE'], ['MONITOR'],
          ['CLIENT', 'KILL', 'TYPE', 'normal'], ['CLIENT', 'LIST'], ['BLPOP', 'q', 1], ['SUBSCRIBE', 'c'], ['PUBLISH', 'c', 'x'], ['FUNCTION', 'FLUSH'],
          ['SCRIPT', 'FLUSH'], ['SORT', 'z'], ['MIGRATE', 'h', 1, 'k', 0, 1], ['SAVE'], ['BGREWRITEAOF'], ['SWAPDB', 0, 1]]) {
          const r = await b.call(...cmd);
          expect([cmd.join(' '), noperm(r)]).toEqual([cmd.join(' '), true]);
        }
        // DEBUG is off in the server anyway (enable-debug-command); the ACL refuses it too.
        expect(String(await once(port, as('admin'), 'ACL', 'DRYRUN', 'backend', 'DEBUG', 'SLEEP', 0))).toMatch(/no permissions/);
        // Lua runs with the caller's permissions: a script cannot flush either.
        expect(String(await b.call('EVAL', "return redis.call('FLUSHALL')", 0))).toMatch(/NOPERM|permission|can't run this command/i);
      } finally { b.close(); }

      // HAProxy's check: AUTH, INFO replication, QUIT; no data.
      expect(String(await once(port, as('haproxy'), 'INFO', 'replication'))).toMatch(/role:master/);
      expect(noperm(await once(port, as('haproxy'), 'GET', 'k'))).toBe(true);
      expect(noperm(await once(port, as('haproxy'), 'SET', 'k', 'v'))).toBe(true);
      // The exporter: INFO, CONFIG GET, the hand-over marker read-only; no other key, no writes, no CONFIG SET.
      expect(ok(await once(port, as('admin'), 'SET', HANDOVER_KEY, '1'))).toBe(true);
      expect(ok(await once(port, as('exporter'), 'INFO', 'all'))).toBe(true);
      expect(ok(await once(port, as('exporter'), 'CONFIG', 'GET', 'maxmemory'))).toBe(true);
      expect(await once(port, as('exporter'), 'GET', HANDOVER_KEY)).toBe('1');
      for (const cmd of [['GET', 'n'], ['SET', HANDOVER_KEY, '2'], ['CONFIG', 'SET', 'maxmemory', '1'], ['FLUSHALL'], ['CLIENT', 'KILL', 'TYPE', 'normal']]) {
        expect([cmd.join(' '), noperm(await once(port, as('exporter'), ...cmd))]).toEqual([cmd.join(' '), true]);
      }
      // Replication and Sentinel: their protocol commands only, no data.
      for (const u of ['replication', 'sentinel']) {
        expect(ok(await once(port, as(u), 'PING'))).toBe(true);
        expect(noperm(await once(port, as(u), 'GET', 'n'))).toBe(true);
        expect(noperm(await once(port, as(u), 'FLUSHALL'))).toBe(true);
      }
      expect(ok(await once(port, as('sentinel'), 'INFO'))).toBe(true);
      expect(noperm(await once(port, as('replication'), 'INFO'))).toBe(true);
      // The admin user (probes, scripts, rotation) may do everything.
      expect(String(await once(port, as('admin'), 'ACL', 'WHOAMI'))).toBe('admin');
      expect(ok(await once(port, as('admin'), 'CONFIG', 'GET', 'maxmemory'))).toBe(true);
    });
  });

  test('with the generated rename-command lines, the renamed CONFIG keeps the rules of CONFIG (the exporter reads it, the backend cannot)', async () => {
    const renamed = renameCommandLines(env);
    const config = /rename-command CONFIG (\S+)/.exec(renamed.join('\n'))![1];
    await withServer(engine, `${renamed.join('\n')}\n${aclLines(node, dir, 'acl.conf', passwordEnv())}`, async (port) => {
      expect(ok(await once(port, as('exporter'), config, 'GET', 'maxmemory'))).toBe(true);
      expect(noperm(await once(port, as('exporter'), config, 'SET', 'maxmemory', '1'))).toBe(true);
      expect(noperm(await once(port, as('backend'), config, 'GET', 'maxmemory'))).toBe(true);
      expect(ok(await once(port, as('admin'), config, 'GET', 'maxmemory'))).toBe(true);
    });
  });

  test('during a rotation a user accepts its previous password too (the Secret\'s optional key), the other users only their own', async () => {
    const lines = aclLines(node, dir, 'acl.conf', { ...passwordEnv(), [passwordVar('backend')]: 'new-pw', [previousPasswordVar('backend')]: 'old-pw' });
    await withServer(engine, lines, async (port) => {
      expect(await once(port, { user: 'backend', password: 'new-pw' }, 'PING')).toBe('PONG');
      expect(await once(port, { user: 'backend', password: 'old-pw' }, 'PING')).toBe('PONG');
      await expect(once(port, { user: 'haproxy', password: 'old-pw' }, 'PING')).rejects.toThrow(/WRONGPASS/);
    });
  });

  test('Sentinel\'s users: a real Sentinel loads sentinel-acl.conf; default off, the backend may only ask where the primary is', async () => {
    const sentinelEnv = passwordEnv();
    const lines = aclLines(node, dir, 'sentinel-acl.conf', sentinelEnv);
    const sdir = fs.mkdtempSync(path.join(os.tmpdir(), `${engine}-sentinel-acl-`));
    const [port, fake] = await freePorts(2);
    // A Sentinel monitoring a primary that does not run: enough to judge its own users.
    fs.writeFileSync(path.join(sdir, 'sentinel.conf'), `port ${port}\nbind 127.0.0.1\ndir ${sdir}\nsentinel monitor m 127.0.0.1 ${fake} 2\n${lines}`);
    const child = spawn(`${engine}-sentinel`, [path.join(sdir, 'sentinel.conf')], { stdio: 'ignore' });
    try {
      let up = false;
      for (let k = 0; k < 100 && !up; k++) { try { (await RespClient.connect(port)).close(); up = true; } catch { await sleep(50); } }
      expect(up).toBe(true);
      const anon = await RespClient.connect(port);
      try { expect(String(await anon.call('SENTINEL', 'masters'))).toMatch(/NOAUTH/); } finally { anon.close(); }
      expect(await once(port, as('backend'), 'SENTINEL', 'get-master-addr-by-name', 'm')).toEqual(['127.0.0.1', String(fake)]);
      expect(ok(await once(port, as('backend'), 'SENTINEL', 'masters'))).toBe(true);
      for (const cmd of [['SENTINEL', 'failover', 'm'], ['SENTINEL', 'set', 'm', 'quorum', '1'], ['SENTINEL', 'remove', 'm'], ['ACL', 'LIST'], ['SHUTDOWN']]) {
        expect([cmd.join(' '), noperm(await once(port, as('backend'), ...cmd))]).toEqual([cmd.join(' '), true]);
      }
      expect(ok(await once(port, as('sentinel'), 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', fake, 0, '*'))).toBe(true);
      expect(noperm(await once(port, as('sentinel'), 'SENTINEL', 'failover', 'm'))).toBe(true);
      expect(ok(await once(port, as('admin'), 'SENTINEL', 'masters'))).toBe(true);
      await expect(once(port, as('haproxy'), 'PING')).rejects.toThrow(/WRONGPASS/);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(sdir, { recursive: true, force: true });
    }
  });
});
