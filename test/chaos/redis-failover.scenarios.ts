/**
 * A real failover of the generated Redis + Sentinel + HAProxy setup, on this machine.
 *
 * Everything comes out of the synthesized production objects: the ConfigMap `redis-node` (redis.conf and
 * sentinel.conf templates, start-up scripts), the containers' command and environment of StatefulSet
 * `redis`, ConfigMap `redis-haproxy` (haproxy.cfg) and the HAProxy container's command. Pod hostnames
 * map to 127.0.0.1 with distinct ports per pod; every node gets its own temp folders for data and
 * runtime config. Then: 3 redis-server + 3 redis-sentinel + haproxy (Debian binaries), writes through
 * the REDIS_URL path (HAProxy) acknowledged by `WAIT 1`, SIGKILL of the primary; then a replica is promoted within the failover timeout, writes through HAProxy succeed again within 30 s and every acknowledged key is still there.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { find } from '../helpers';
import { chaosObjects, names, podHostPattern } from './engine';
import { infoFields, once, RedisError, type Reply, RespClient } from '../redis-resp';
import { freePorts, until } from './harness';
import { CACHE_USERS, type CacheUser, passwordVar } from '../../lib/redis/acl';
import { HAPROXY_PASSWORD_VAR } from '../../lib/redis/files';

jest.setTimeout(90_000);

const NAMES = names();
const objects = chaosObjects();
const nodeFiles: Record<string, string> = find(objects, 'ConfigMap', NAMES.nodeConfigMap).data;
const haproxyCfgText: string = find(objects, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg'];
const sts = find(objects, 'StatefulSet', NAMES.statefulset);
const podSpec = sts.spec.template.spec;
const container = (name: string) => podSpec.containers.find((c: any) => c.name === name);
const haproxyContainer = find(objects, 'Deployment', 'redis-haproxy').spec.template.spec.containers[0];
const templatesMount = container('redis').volumeMounts.find((m: any) => m.name === 'templates').mountPath as string;
const haproxyMount = haproxyContainer.volumeMounts.find((m: any) => m.name === 'config').mountPath as string;
const sentinelConf = nodeFiles['sentinel.conf'];
const MASTER = /sentinel monitor (\S+) /.exec(sentinelConf)![1];
const DOWN_AFTER = Number(/down-after-milliseconds \S+ (\d+)/.exec(sentinelConf)![1]);
const FAILOVER_TIMEOUT = Number(/failover-timeout \S+ (\d+)/.exec(sentinelConf)![1]);
const RENAMED_CONFIG = /rename-command CONFIG (\S+)/.exec(nodeFiles[NAMES.conf])![1];
const REPLICAS: number = sts.spec.replicas;
const PASSWORD = `test-${process.pid}-${Date.now().toString(16)}`;
/** Every Secret key its own value (each ACL user its own password). */
const secretValue = (key: string) => `${PASSWORD}-${key}`;
const as = (u: CacheUser): { user: string; password: string } => ({ user: u, password: secretValue(container('redis').env.find((e: any) => e.name === passwordVar(u)).valueFrom.secretKeyRef.key) });
const ADMIN = as('admin');
const BACKEND = as('backend');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-failover-'));
const children: ChildProcess[] = [];
let redisPorts: number[] = [];
let sentinelPorts: number[] = [];
let proxyPort = 0;
let proxyHealthPort = 0;

/** Pod hostname[:port] → 127.0.0.1:<this pod's port>. */
function mapHosts(text: string): string {
  return text.replace(podHostPattern(), (_m, i: string, port: string) => {
    const ports = port === '26379' ? sentinelPorts : redisPorts;
    return `127.0.0.1:${ports[Number(i)]}`;
  });
}

/** The environment the container of pod `i` would have, its hostnames and ports mapped, its folders in tmp. */
function podEnv(containerName: string, i: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: 'C' };
  for (const e of container(containerName).env) {
    if (e.value !== undefined) env[e.name] = mapHosts(e.value);
    else if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) env[e.name] = secretValue(e.valueFrom.secretKeyRef.key); // optional keys: absent
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = `${NAMES.statefulset}-${i}`;
  }
  const dir = path.join(tmp, `redis-${i}`);
  Object.assign(env, {
    POD_HOST: '127.0.0.1',
    REDIS_PORT: String(redisPorts[i]),
    SENTINEL_PORT: String(sentinelPorts[i]),
    TEMPLATES_DIR: path.join(tmp, 'templates'),
    RUNTIME_DIR: path.join(dir, containerName === 'redis' ? 'run' : 'sentinel-run'),
    DATA_DIR: path.join(dir, 'data'),
  });
  for (const d of [env.RUNTIME_DIR!, env.DATA_DIR!]) fs.mkdirSync(d, { recursive: true });
  return env;
}

function start(name: string, command: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const log = fs.openSync(path.join(tmp, `${name}.log`), 'a');
  // Own process group: cleanup kills the process and anything it forked, by its pid.
  const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  children.push(child);
  return child;
}

/** Starts the Redis container of pod `i` with its generated command (its start-up script). */
const redisProcess: ChildProcess[] = [];
function startRedis(i: number): ChildProcess {
  const cmd = container('redis').command.map((a: string) => a.replace(templatesMount, path.join(tmp, 'templates')));
  redisProcess[i] = start(`redis-${i}`, cmd, podEnv('redis', i));
  return redisProcess[i];
}

const sentinelProcess: ChildProcess[] = [];
function startSentinel(i: number): ChildProcess {
  const cmd = container('sentinel').command.map((a: string) => a.replace(templatesMount, path.join(tmp, 'templates')));
  sentinelProcess[i] = start(`sentinel-${i}`, cmd, podEnv('sentinel', i));
  return sentinelProcess[i];
}


const untilLogged = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) => until(what, timeoutMs, probe, { logs });

function logs(): string {
  return fs.readdirSync(tmp).filter((f) => f.endsWith('.log'))
    .map((f) => `--- ${f}\n${fs.readFileSync(path.join(tmp, f), 'utf8').split('\n').slice(-15).join('\n')}`).join('\n');
}

const info = async (port: number) => infoFields(await once(port, ADMIN, 'INFO', 'replication'));
async function primaryPort(sentinelPort: number): Promise<number | undefined> {
  const r = await once(sentinelPort, ADMIN, 'SENTINEL', 'get-master-addr-by-name', MASTER);
  return Array.isArray(r) && r.length === 2 ? Number(r[1]) : undefined;
}
async function sentinelView(sentinelPort: number): Promise<Record<string, string>> {
  const r = await once(sentinelPort, ADMIN, 'SENTINEL', 'master', MASTER) as Reply[];
  const out: Record<string, string> = {};
  for (let k = 0; k < r.length; k += 2) out[String(r[k])] = String(r[k + 1]);
  return out;
}

beforeAll(async () => {
  [proxyPort, proxyHealthPort, ...redisPorts] = await freePorts(2 + 2 * REPLICAS);
  sentinelPorts = redisPorts.splice(REPLICAS);
  fs.mkdirSync(path.join(tmp, 'templates'));
  for (const [f, text] of Object.entries(nodeFiles)) fs.writeFileSync(path.join(tmp, 'templates', f), text);
  // As the StatefulSet does (podManagementPolicy Parallel): every pod starts at once.
  expect(sts.spec.podManagementPolicy).toBe('Parallel');
  for (let i = 0; i < REPLICAS; i++) {
    startRedis(i);
    startSentinel(i);
  }
  for (let i = 0; i < REPLICAS; i++) {
    await untilLogged(`redis-${i} and sentinel-${i} to answer`, 15_000, async () => {
      const a = await once(redisPorts[i], ADMIN, 'PING');
      const b = await once(sentinelPorts[i], ADMIN, 'PING');
      return a === 'PONG' && b === 'PONG' ? true : undefined;
    });
  }
  fs.mkdirSync(path.join(tmp, 'haproxy'));
  const cfg = mapHosts(haproxyCfgText)
    .replace(/bind :6379\b/, `bind 127.0.0.1:${proxyPort}`)
    .replace(/bind :8404\b/, `bind 127.0.0.1:${proxyHealthPort}`)
    // Debian's HAProxy 2.6 has no init-state (3.1+, the pinned image has it): see harness.ts.
    .replace(/ init-state down/g, /version (2\.|3\.0\.)/.test(execFileSync('haproxy', ['-v']).toString()) ? '' : ' init-state down');
  fs.writeFileSync(path.join(tmp, 'haproxy', 'haproxy.cfg'), cfg);
  start('haproxy', haproxyContainer.command.map((a: string) => a.replace(haproxyMount, path.join(tmp, 'haproxy'))),
    { PATH: process.env.PATH, [HAPROXY_PASSWORD_VAR]: secretValue(haproxyContainer.env.find((e: any) => e.name === HAPROXY_PASSWORD_VAR).valueFrom.secretKeyRef.key) });
});

afterAll(async () => {
  const running = children.filter((c) => c.pid && c.exitCode === null && c.signalCode === null);
  const exited = running.map((c) => new Promise((r) => { c.once('exit', r); setTimeout(r, 2000); }));
  for (const c of running) {
    try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }
  await Promise.all(exited);
  if (process.env.KEEP_REDIS_TEST_DIR) process.stdout.write(`failover test files kept in ${tmp}\n`);
  else fs.rmSync(tmp, { recursive: true, force: true });
});

test('failover: promoted within budget, writes resume through HAProxy, acknowledged keys survive, old primary rejoins; preStop hands over', async () => {
  // The set has formed: pod 0 bootstrapped as primary, every Sentinel sees 2 replicas and 2 other Sentinels.
  expect(await primaryPort(sentinelPorts[0])).toBe(redisPorts[0]);
  await untilLogged('Sentinels to discover replicas and each other', 20_000, async () => {
    for (const p of sentinelPorts) {
      const v = await sentinelView(p);
      if (Number(v['num-slaves']) !== REPLICAS - 1 || Number(v['num-other-sentinels']) !== REPLICAS - 1) return undefined;
    }
    for (const p of redisPorts.slice(1)) if ((await info(p)).master_link_status !== 'up') return undefined;
    return true;
  });
  for (const p of redisPorts.slice(1)) expect((await info(p)).role).toBe('slave');
  // The engine under test is the one running (Valkey reports server_name:valkey; Redis 7.0 has no server_name).
  expect(infoFields(await once(redisPorts[0], ADMIN, 'INFO', 'server')).server_name ?? 'redis').toBe(NAMES.engine);

  // The REDIS_URL path: redis-config `url` -> Service `redis` -> HAProxy's `bind :6379` (here proxyPort), as the
  // URL's user (the backend's ACL user) with REDIS_PASSWORD.
  const url = new URL(find(objects, 'ConfigMap', 'redis-config').data.url);
  expect(url.username).toBe('backend');
  const svc = find(objects, 'Service', url.hostname);
  expect(svc.spec.selector).toEqual(find(objects, 'Deployment', 'redis-haproxy').spec.selector.matchLabels);
  const svcPort = svc.spec.ports.find((p: any) => p.port === Number(url.port));
  expect(haproxyContainer.ports.find((p: any) => p.name === svcPort.targetPort).containerPort).toBe(Number(url.port));
  expect(haproxyCfgText).toMatch(new RegExp(`frontend redis\\n  bind :${url.port}\\n`));

  // Writes through the REDIS_URL path (HAProxy), each acknowledged by at least one replica.
  const proxy = await untilLogged('HAProxy to route to the primary', 10_000, async () => {
    const c = await RespClient.connect(proxyPort, { user: url.username, password: BACKEND.password });
    if ((await c.call('SET', 'probe', '1')) === 'OK') return c;
    c.close();
    return undefined;
  });
  const acknowledged = new Map<string, string>();
  for (let k = 0; k < 200; k++) {
    const key = `before:${k}`;
    const value = `v${k}-${PASSWORD}`;
    expect(await proxy.call('SET', key, value)).toBe('OK');
    const acks = await proxy.call('WAIT', 1, 2000);
    if (typeof acks === 'number' && acks >= 1) acknowledged.set(key, value);
  }
  expect(acknowledged.size).toBe(200);

  // Dangerous commands are off; CONFIG only under its configured name (which Sentinel uses to fail over).
  for (const cmd of [['FLUSHALL'], ['FLUSHDB'], ['KEYS', '*'], ['DEBUG', 'SLEEP', '0'], ['CONFIG', 'GET', 'maxmemory']]) {
    const r = await proxy.call(...cmd);
    expect(r).toBeInstanceOf(RedisError);
    expect(String((r as RedisError).message)).toMatch(/unknown command/i);
  }
  // The backend's ACL user: no administration even under CONFIG's new name, no ACL, no INFO, no SHUTDOWN.
  for (const cmd of [[RENAMED_CONFIG, 'GET', 'maxmemory'], ['ACL', 'LIST'], ['ACL', 'SETUSER', 'backend', '+@all'], ['INFO'], ['SHUTDOWN'], ['REPLICAOF', 'NO', 'ONE'], ['CLIENT', 'KILL', 'TYPE', 'normal']]) {
    const r = await proxy.call(...cmd);
    expect([cmd.join(' '), r instanceof RedisError && /^NOPERM/.test(r.message)]).toEqual([cmd.join(' '), true]);
  }
  // The default user is off on every Redis and every Sentinel: no connection without a user, no password opens it.
  for (const p of [...redisPorts, ...sentinelPorts]) {
    expect(String(await once(p, undefined, 'PING'))).toMatch(/NOAUTH/);
    await expect(once(p, BACKEND.password, 'PING')).rejects.toThrow(/WRONGPASS/);
    await expect(once(p, ADMIN.password, 'PING')).rejects.toThrow(/WRONGPASS/);
  }
  const admin = await RespClient.connect(proxyPort, ADMIN);
  expect(await admin.call(RENAMED_CONFIG, 'GET', 'maxmemory')).toEqual(['maxmemory', String(256 * 1024 * 1024)]);
  expect(await admin.call(RENAMED_CONFIG, 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
  expect(await admin.call(RENAMED_CONFIG, 'GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
  admin.close();
  // Why Sentinel must be told the new name: it promotes in one MULTI/EXEC with CONFIG REWRITE, and a
  // transaction with an unknown command is aborted whole (without `sentinel rename-command` the failover
  // hangs in wait-promotion). The renamed command goes through.
  const replica = await RespClient.connect(redisPorts[1], ADMIN);
  expect(await replica.call('MULTI')).toBe('OK');
  expect(await replica.call('CONFIG', 'REWRITE')).toBeInstanceOf(RedisError);
  expect(String(await replica.call('EXEC'))).toMatch(/EXECABORT/);
  expect(await replica.call('MULTI')).toBe('OK');
  expect(await replica.call(RENAMED_CONFIG, 'REWRITE')).toBe('QUEUED');
  expect(await replica.call('EXEC')).toEqual(['OK']);
  replica.close();
  expect(sentinelConf).toContain(`sentinel rename-command ${MASTER} CONFIG ${RENAMED_CONFIG}`);
  // The passwords are in the private runtime copy only: every ACL user with its own, replicas as `replication`.
  const runtimeConf = fs.readFileSync(path.join(tmp, 'redis-0', 'run', NAMES.conf), 'utf8');
  for (const u of CACHE_USERS) expect(runtimeConf).toContain(`">${as(u).password}"`);
  expect(runtimeConf).toMatch(/^user default off /m);
  expect(runtimeConf).not.toMatch(/^requirepass/m);
  expect(runtimeConf).toContain(`masteruser replication\nmasterauth "${as('replication').password}"`);
  expect((fs.statSync(path.join(tmp, 'redis-0', 'run', NAMES.conf)).mode & 0o077)).toBe(0);
  proxy.close();

  // Kill the primary.
  const oldPrimary = redisPorts.indexOf((await primaryPort(sentinelPorts[1]))!);
  expect(oldPrimary).toBe(0);
  const victim = redisProcess[oldPrimary];
  expect(victim.pid).toBeDefined();
  const killedAt = Date.now();
  process.kill(victim.pid!, 'SIGKILL');

  // A replica is promoted (the Sentinels agree and it reports role:master).
  const promoted = await untilLogged('a replica to be promoted', DOWN_AFTER + FAILOVER_TIMEOUT + 5_000, async () => {
    const ports = await Promise.all(sentinelPorts.filter((_, i) => i !== oldPrimary).map((p) => primaryPort(p)));
    const p = ports[0];
    if (p === undefined || p === redisPorts[oldPrimary] || ports.some((q) => q !== p)) return undefined;
    return (await info(p)).role === 'master' ? p : undefined;
  });
  const failoverMs = Date.now() - killedAt;
  process.stdout.write(`redis failover: replica on port ${promoted} promoted ${failoverMs} ms after SIGKILL of the primary (budget ${DOWN_AFTER} + ${FAILOVER_TIMEOUT} ms)\n`);
  expect(failoverMs).toBeLessThanOrEqual(DOWN_AFTER + FAILOVER_TIMEOUT);

  // Writes through HAProxy succeed again within 30 s of the kill.
  await untilLogged('a write through HAProxy to succeed', Math.max(1, 30_000 - (Date.now() - killedAt)), async () =>
    (await once(proxyPort, BACKEND, 'SET', 'after', 'failover')) === 'OK' ? true : undefined);
  const writesBackMs = Date.now() - killedAt;
  process.stdout.write(`redis failover: writes through HAProxy succeed again ${writesBackMs} ms after the kill\n`);
  expect(writesBackMs).toBeLessThanOrEqual(30_000);

  // Every acknowledged key is still there.
  const reader = await RespClient.connect(proxyPort, BACKEND);
  const lost: string[] = [];
  for (const [key, value] of acknowledged) if ((await reader.call('GET', key)) !== value) lost.push(key);
  reader.close();
  expect(lost).toEqual([]);

  // Sentinel reconfigured the new primary with the renamed CONFIG (CONFIG REWRITE dropped its replicaof).
  const promotedIndex = redisPorts.indexOf(promoted);
  await untilLogged('CONFIG REWRITE on the promoted replica', 5_000, async () =>
    !/^replicaof /m.test(fs.readFileSync(path.join(tmp, `redis-${promotedIndex}`, 'run', NAMES.conf), 'utf8')) ? true : undefined);

  // The old primary, restarted with the same generated start-up logic, rejoins as a replica of the new one.
  startRedis(oldPrimary);
  const rejoined = await untilLogged('the old primary to rejoin as a replica', 20_000, async () => {
    const i = await info(redisPorts[oldPrimary]);
    return i.role === 'slave' && i.master_link_status === 'up' ? i : undefined;
  });
  expect(Number(rejoined.master_port)).toBe(promoted);
  expect(rejoined.master_host).toBe('127.0.0.1');
  expect(await once(redisPorts[oldPrimary], BACKEND, 'GET', 'after')).toBe('failover');
  expect(await once(redisPorts[oldPrimary], BACKEND, 'SET', 'x', '1')).toBeInstanceOf(RedisError); // read-only replica
  // A restarted Sentinel of that pod (fresh emptyDir) monitors the new primary, not pod 0.
  const oldSentinel = sentinelProcess[oldPrimary];
  const gone = new Promise((r) => oldSentinel.once('exit', r));
  process.kill(oldSentinel.pid!, 'SIGKILL');
  await gone;
  fs.rmSync(path.join(tmp, `redis-${oldPrimary}`, 'sentinel-run'), { recursive: true, force: true });
  startSentinel(oldPrimary);
  await untilLogged('the restarted Sentinel to monitor the new primary', 10_000, async () =>
    (await primaryPort(sentinelPorts[oldPrimary])) === promoted ? true : undefined);
  // HAProxy still routes to the new primary only.
  expect(infoFields(await once(proxyPort, ADMIN, 'INFO', 'replication')).role).toBe('master');
  expect(await once(proxyPort, ADMIN, 'INFO', 'server').then((s) => infoFields(s).tcp_port)).toBe(String(promoted));

  // A planned stop (rolling update, drain): the primary's preStop hook hands the role over before it stops.
  const preStop = container('redis').lifecycle.preStop.exec.command.map((a: string) => a.replace(templatesMount, path.join(tmp, 'templates')));
  const handOverStart = Date.now();
  const preStopLog = await new Promise<string>((resolve, reject) => {
    execFile(preStop[0], preStop.slice(1), { env: podEnv('redis', promotedIndex), timeout: 30_000 }, (err, _out, stderr) => (err ? reject(err) : resolve(stderr)));
  });
  const handOverMs = Date.now() - handOverStart;
  process.stdout.write(`redis preStop: primary handed over in ${handOverMs} ms\n${preStopLog}`);
  expect(preStopLog).toMatch(/handed over to 127\.0\.0\.1:\d+ after \d+ ms/);
  expect((await info(promoted)).role).toBe('slave');
  const next = await untilLogged('the Sentinels to agree on the next primary', 10_000, async () => {
    const p = await primaryPort(sentinelPorts[0]);
    return p !== undefined && p !== promoted && (await info(p)).role === 'master' ? p : undefined;
  });
  await untilLogged('a write through HAProxy after the hand-over', 10_000, async () =>
    (await once(proxyPort, BACKEND, 'SET', 'after', 'handover')) === 'OK' ? true : undefined);
  expect(await once(next, BACKEND, 'GET', 'after')).toBe('handover');

  // Through the failover, the rejoin and the hand-over, no server and no Sentinel refused a command of the cache's
  // own clients (replication, Sentinel, HAProxy, the scripts as admin): their ACLs grant what they use. ACL LOG
  // records every refusal (the backend's above are the only ones).
  for (const p of [...redisPorts, ...sentinelPorts]) {
    const log = await once(p, ADMIN, 'ACL', 'LOG') as Reply[];
    const refused = log.map((entry) => {
      const e = entry as Reply[];
      const f: Record<string, string> = {};
      for (let k = 0; k < e.length; k += 2) f[String(e[k])] = String(e[k + 1]);
      return `${f.username}: ${f.reason} ${f.object}`;
    }).filter((x) => !x.startsWith('backend:') && !x.startsWith('default:'));
    expect([p, refused]).toEqual([p, []]);
  }
});
