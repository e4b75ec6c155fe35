/**
 * Why a switch from Redis to Valkey starts on new volumes (docs/cache.md, "Switching"), against the real
 * servers: Valkey 8 loads an RDB file of Redis up to 7.2's format (version 11) but refuses Redis 7.4's
 * (version 12), so rolling Valkey onto Redis 7.4's volumes would leave every pod unable to start. The file is
 * written by the Redis here (7.0, format 10) and given the header of the other formats; the checksum is zeroed
 * (servers skip the check for 0), so only the version differs. And the generated Valkey objects never reuse
 * Redis's claims.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { once } from './redis-resp';
import { freePorts, until } from './chaos/harness-ports';
import { objectsOf } from './helpers';
import { cacheEnv } from './fixtures/cache';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-rdb-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Redis (the Debian one here) writes dump.rdb with one key. */
async function redisDump(): Promise<Buffer> {
  const dir = path.join(tmp, 'redis');
  fs.mkdirSync(dir);
  const [port] = await freePorts(1);
  const p = spawn('redis-server', ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    await until('redis-server', 10_000, async () => ((await once(port, undefined, 'PING')) === 'PONG' ? true : undefined));
    expect(await once(port, undefined, 'SET', 'pensioen:key', 'from-redis')).toBe('OK');
    expect(await once(port, undefined, 'SAVE')).toBe('OK');
  } finally { p.kill('SIGKILL'); }
  return fs.readFileSync(path.join(dir, 'dump.rdb'));
}

/** valkey-server on a data folder with this dump.rdb: the key it then holds, or the reason it stopped. */
async function valkeyLoads(name: string, rdb: Buffer): Promise<{ value?: string; log: string; exit?: number | null }> {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'dump.rdb'), rdb);
  const [port] = await freePorts(1);
  const log = path.join(dir, 'valkey.log');
  const p = spawn('valkey-server', ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', log], { stdio: 'ignore' });
  let exit: number | null | undefined;
  p.on('exit', (code) => { exit = code; });
  try {
    const value = await until('valkey-server to load or stop', 10_000, async () => {
      if (exit !== undefined) return null;
      const v = await once(port, undefined, 'GET', 'pensioen:key');
      return typeof v === 'string' ? v : undefined;
    });
    return { value: value ?? undefined, log: fs.readFileSync(log, 'utf8'), exit };
  } finally { p.kill('SIGKILL'); }
}

/** The same file with another RDB format version in its header and the checksum zeroed. */
function withVersion(rdb: Buffer, version: number): Buffer {
  const out = Buffer.from(rdb);
  out.write(`REDIS${String(version).padStart(4, '0')}`, 0, 'latin1');
  out.fill(0, out.length - 8);
  return out;
}

test('Valkey 8 loads Redis\'s RDB up to format 11 (Redis 7.2) and refuses format 12 (Redis 7.4)', async () => {
  expect(execFileSync('valkey-server', ['--version']).toString()).toMatch(/v=8\./);
  const rdb = await redisDump();
  expect(rdb.toString('latin1', 0, 9)).toMatch(/^REDIS00(09|1[01])$/);
  expect((await valkeyLoads('native', rdb)).value).toBe('from-redis');
  expect((await valkeyLoads('v11', withVersion(rdb, 11))).value).toBe('from-redis');
  const v12 = await valkeyLoads('v12', withVersion(rdb, 12));
  expect(v12.value).toBeUndefined();
  expect(v12.exit).not.toBe(0);
  expect(v12.log).toMatch(/Can't handle RDB format version 12/);
});

test('so the Valkey StatefulSet never mounts Redis\'s claims: data-valkey-N, not data-redis-N', () => {
  const claims = (engine: string) => objectsOf(cacheEnv({ engine })).filter((o) => o.kind === 'StatefulSet')
    .flatMap((s) => s.spec.volumeClaimTemplates.map((t: any) => [0, 1, 2].map((i) => `${t.metadata.name}-${s.metadata.name}-${i}`)).flat());
  expect(claims('redis')).toEqual(['data-redis-0', 'data-redis-1', 'data-redis-2']);
  expect(claims('valkey')).toEqual(['data-valkey-0', 'data-valkey-1', 'data-valkey-2']);
});
