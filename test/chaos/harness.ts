/**
 * The generated Redis + Sentinel + HAProxy setup run on this machine, as the kubelet would run it: every file,
 * command and environment variable comes out of the synthesized production objects (ConfigMaps `redis-node`
 * and `redis-haproxy`, StatefulSet `redis`, Deployment `redis-haproxy`). Pod hostnames map to 127.0.0.1
 * with distinct ports per pod. Per pod: a data folder (the PersistentVolumeClaim: kept across restarts) and
 * emptyDirs (wiped when the pod restarts, kept when only a container restarts).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { find } from '../helpers';
import { chaosEngine, chaosObjects, names, podHostPattern } from './engine';
import { type Credential, infoFields, once, RedisError, type Reply, RespClient, useTls } from '../redis-resp';
import { TLS_DIR } from '../../lib/redis/tls';
import { makeCa, makeServerCert } from '../tls-certs';
import { CACHE_USERS, type CacheUser, passwordVar } from '../../lib/redis/acl';
import { HAPROXY_PASSWORD_VAR } from '../../lib/redis/files';
import { freePorts, sleep, until } from './harness-ports';

export { freePorts, sleep, until };

/** The engine under test (engine.ts: Redis unless the test file chose Valkey) and its generated objects. */
export const ENGINE = chaosEngine();
export const NAMES = names();
export const objects = chaosObjects();
export const nodeFiles: Record<string, string> = find(objects, 'ConfigMap', NAMES.nodeConfigMap).data;
export const haproxyCfgText: string = find(objects, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg'];
export const sts = find(objects, 'StatefulSet', NAMES.statefulset);
const podSpec = sts.spec.template.spec;
export const container = (name: string) => podSpec.containers.find((c: any) => c.name === name);
export const haproxyContainer = find(objects, 'Deployment', 'redis-haproxy').spec.template.spec.containers[0];
const templatesMount = container('redis').volumeMounts.find((m: any) => m.name === 'templates').mountPath as string;
const haproxyMount = haproxyContainer.volumeMounts.find((m: any) => m.name === 'config').mountPath as string;
export const sentinelConfText = nodeFiles['sentinel.conf'];
export const MASTER = /sentinel monitor (\S+) /.exec(sentinelConfText)![1];
export const DOWN_AFTER = Number(/down-after-milliseconds \S+ (\d+)/.exec(sentinelConfText)![1]);
export const FAILOVER_TIMEOUT = Number(/failover-timeout \S+ (\d+)/.exec(sentinelConfText)![1]);
export const REPLICAS: number = sts.spec.replicas;
/** The key of the Secret `secrets.redis` that holds an ACL user's password (what the pods' REDIS_ACL_PASSWORD_<USER> references). */
/**
 * The generated objects a Cluster runs: production's (the module's constants above), or with `redis.tls` on
 * (`tlsVariant()`): the same settings, TLS-only servers, Sentinels and HAProxy.
 */
export interface Variant {
  tls: boolean;
  objects: Record<string, any>[];
  nodeFiles: Record<string, string>;
  haproxyCfgText: string;
  container: (name: string) => any;
  haproxyContainer: any;
  /** The server certificate's DNS names (`redis.tls` only). */
  dnsNames: string[];
}
function variantOf(objs: Record<string, any>[], tls: boolean): Variant {
  const spec = find(objs, 'StatefulSet', NAMES.statefulset).spec.template.spec;
  return {
    tls,
    objects: objs,
    nodeFiles: find(objs, 'ConfigMap', NAMES.nodeConfigMap).data,
    haproxyCfgText: find(objs, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg'],
    container: (name: string) => spec.containers.find((c: any) => c.name === name),
    haproxyContainer: find(objs, 'Deployment', 'redis-haproxy').spec.template.spec.containers[0],
    dnsNames: tls ? find(objs, 'Certificate', `${NAMES.statefulset}-tls`).spec.dnsNames : [],
  };
}
const PLAIN = variantOf(objects, false);
let TLS_VARIANT: Variant | undefined;
export const tlsVariant = (): Variant => (TLS_VARIANT ??= variantOf(chaosObjects(true), true));

export const passwordKey = (u: CacheUser): string => container('redis').env.find((e: any) => e.name === passwordVar(u)).valueFrom.secretKeyRef.key;
/** The backend's password key (REDIS_PASSWORD of the backend). */
export const PASSWORD_KEY: string = passwordKey('backend');

/** The HAProxy here (Debian) may be older than the pinned image: drop keywords it does not know, and say so. */
export function localHaproxyVersion(): [number, number] {
  const m = /version (\d+)\.(\d+)/.exec(execFileSync('haproxy', ['-v']).toString())!;
  return [Number(m[1]), Number(m[2])];
}

export class Cluster {
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-chaos-'));
  private children: ChildProcess[] = [];
  redisPorts: number[] = [];
  sentinelPorts: number[] = [];
  proxyPort = 0;
  proxyHealthPort = 0;
  redisProcess: (ChildProcess | undefined)[] = [];
  sentinelProcess: (ChildProcess | undefined)[] = [];
  haproxyProcess: ChildProcess | undefined;
  haproxyNotes: string[] = [];
  /** The Secret `secrets.redis` as the kubelet reads it when a container starts (key → value). */
  secret: Record<string, string>;
  /** The environment each container (`redis-0`, `sentinel-0`, ...) started with: what `kubectl exec` sees. */
  startedEnv: Record<string, NodeJS.ProcessEnv> = {};

  /**
   * What the harness authenticates with, per ACL user (the Secret's passwords at first): the writers and the
   * scenarios' data commands as the backend, the harness's own checks (INFO, SENTINEL) as admin.
   */
  passwords: Record<CacheUser, string>;

  /** The objects this set runs (plain, or `redis.tls` with `{ tls: true }`). */
  readonly v: Variant;
  /** With TLS: the certificates' folder (what the kubelet mounts at TLS_DIR). */
  readonly tlsDir: string;

  constructor(tag = `${process.pid}-${Date.now().toString(16)}`, options: { tls?: boolean } = {}) {
    this.v = options.tls ? tlsVariant() : PLAIN;
    this.tlsDir = path.join(this.tmp, 'tls');
    this.passwords = Object.fromEntries(CACHE_USERS.map((u) => [u, `test-${u}-${tag}`])) as Record<CacheUser, string>;
    this.secret = Object.fromEntries(CACHE_USERS.map((u) => [passwordKey(u), this.passwords[u]]));
  }

  /** The backend's password (REDIS_PASSWORD): what the application writes with. */
  get password(): string { return this.passwords.backend; }
  set password(pw: string) { this.passwords.backend = pw; }
  /** The application's credential (AUTH backend <password>), and the admin user's (the pods' own tools). */
  get backend(): Credential { return { user: 'backend', password: this.passwords.backend }; }
  get admin(): Credential { return { user: 'admin', password: this.passwords.admin }; }
  as(u: CacheUser): Credential { return { user: u, password: this.passwords[u] }; }

  async init(): Promise<void> {
    [this.proxyPort, this.proxyHealthPort, ...this.redisPorts] = await freePorts(2 + 2 * REPLICAS);
    this.sentinelPorts = this.redisPorts.splice(REPLICAS);
    fs.mkdirSync(path.join(this.tmp, 'templates'));
    for (const [f, text] of Object.entries(this.v.nodeFiles)) fs.writeFileSync(path.join(this.tmp, 'templates', f), this.mapPaths(text));
    if (this.v.tls) {
      // cert-manager's part: a CA, and the server certificate for the Certificate's names, in the Secret's layout.
      fs.mkdirSync(this.tlsDir);
      makeCa(this.tlsDir, 'ca');
      makeServerCert(this.tlsDir, 'ca', 'tls', this.v.dnsNames);
      useTls({ ca: fs.readFileSync(path.join(this.tlsDir, 'ca.crt')), servername: 'redis' });
    }
  }

  /** The certificate folder of the generated files and commands → this set's (as the kubelet's mount). */
  mapPaths(text: string): string {
    return text.split(TLS_DIR).join(this.tlsDir);
  }

  /** Pod hostname[:port] → 127.0.0.1:<this pod's port>. */
  mapHosts(text: string): string {
    return text.replace(podHostPattern(), (_m, i: string, port: string) => {
      const ports = port === '26379' ? this.sentinelPorts : this.redisPorts;
      return `127.0.0.1:${ports[Number(i)]}`;
    });
  }

  /**
   * The environment the container of pod `i` would have, hostnames and ports mapped, folders in tmp. Secret
   * keys come from `this.secret` (a missing optional key leaves the variable unset, as the kubelet does).
   */
  podEnv(containerName: string, i: number): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: 'C' };
    const secret = this.secret;
    for (const e of this.v.container(containerName).env) {
      if (e.value !== undefined) env[e.name] = this.mapHosts(e.value);
      else if (e.valueFrom?.secretKeyRef) {
        const ref = e.valueFrom.secretKeyRef;
        if (secret[ref.key] !== undefined) env[e.name] = secret[ref.key];
        else if (!ref.optional) throw new Error(`Secret key ${ref.key} is missing: the kubelet would not start container ${containerName}`);
      } else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = `${NAMES.statefulset}-${i}`;
    }
    const dir = path.join(this.tmp, `redis-${i}`);
    Object.assign(env, {
      POD_HOST: '127.0.0.1',
      REDIS_PORT: String(this.redisPorts[i]),
      SENTINEL_PORT: String(this.sentinelPorts[i]),
      TEMPLATES_DIR: path.join(this.tmp, 'templates'),
      RUNTIME_DIR: path.join(dir, containerName === 'redis' ? 'run' : 'sentinel-run'),
      DATA_DIR: path.join(dir, 'data'),
    });
    for (const d of [env.RUNTIME_DIR!, env.DATA_DIR!]) fs.mkdirSync(d, { recursive: true });
    return env;
  }

  private start(name: string, command: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const log = fs.openSync(path.join(this.tmp, `${name}.log`), 'a');
    const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', log, log], detached: true });
    fs.closeSync(log);
    this.children.push(child);
    return child;
  }

  private cmd(name: string): string[] {
    return this.v.container(name).command.map((a: string) => this.mapPaths(a.replace(templatesMount, path.join(this.tmp, 'templates'))));
  }

  startRedis(i: number): void {
    const env = this.startedEnv[`redis-${i}`] = this.podEnv('redis', i);
    this.redisProcess[i] = this.start(`redis-${i}`, this.cmd('redis'), env);
  }

  startSentinel(i: number): void {
    const env = this.startedEnv[`sentinel-${i}`] = this.podEnv('sentinel', i);
    this.sentinelProcess[i] = this.start(`sentinel-${i}`, this.cmd('sentinel'), env);
  }

  /** SIGKILL of a process group and wait for it to be gone. */
  async kill(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    try { process.kill(-child.pid, signal); } catch { return; }
    await Promise.race([gone, sleep(3000)]);
  }

  signal(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
    process.kill(child!.pid!, signal);
  }

  /** A pod dies (node lost, eviction): its containers are killed; the emptyDirs go, the data volume stays. */
  async killPod(i: number): Promise<void> {
    await Promise.all([this.kill(this.redisProcess[i]), this.kill(this.sentinelProcess[i])]);
    for (const d of ['run', 'sentinel-run']) fs.rmSync(path.join(this.tmp, `redis-${i}`, d), { recursive: true, force: true });
  }

  startPod(i: number): void {
    this.startRedis(i);
    this.startSentinel(i);
  }

  async startHaproxy(): Promise<void> {
    this.haproxyProcess = this.spawnHaproxy('haproxy', this.proxyPort, this.proxyHealthPort);
  }

  /**
   * One HAProxy pod (`name`: its folder and log) with the generated haproxy.cfg on the given ports; its environment
   * is the Deployment's (the haproxy user's password from the Secret as it is now, or `password`).
   */
  spawnHaproxy(name: string, port: number, healthPort: number, password?: string, edit: (cfg: string) => string = (c) => c): ChildProcess {
    const haproxyContainer = this.v.haproxyContainer;
    const pwRef = haproxyContainer.env.find((e: any) => e.name === HAPROXY_PASSWORD_VAR).valueFrom.secretKeyRef;
    fs.mkdirSync(path.join(this.tmp, name), { recursive: true });
    let cfg = edit(this.mapPaths(this.mapHosts(this.v.haproxyCfgText)))
      .replace(/bind :6379\b/, `bind 127.0.0.1:${port}`)
      .replace(/bind :8404\b/, `bind 127.0.0.1:${healthPort}`);
    const [major, minor] = localHaproxyVersion();
    if ((major < 3 || (major === 3 && minor < 1)) && / init-state down/.test(cfg)) {
      cfg = cfg.replace(/ init-state down/g, '');
      if (!this.haproxyNotes.length) this.haproxyNotes.push(`HAProxy ${major}.${minor} here has no init-state (3.1+): servers start UP until their first checks fail`);
    }
    fs.writeFileSync(path.join(this.tmp, name, 'haproxy.cfg'), cfg);
    return this.start(name, haproxyContainer.command.map((a: string) => a.replace(haproxyMount, path.join(this.tmp, name))),
      { PATH: process.env.PATH, [HAPROXY_PASSWORD_VAR]: password ?? this.secret[pwRef.key] });
  }

  async startAll(): Promise<void> {
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    for (let i = 0; i < REPLICAS; i++) this.startPod(i);
    await this.formed();
    // The engine under test is the one running (Valkey reports server_name:valkey; Redis 7.0 has no server_name).
    const server = infoFields(await once(this.redisPorts[0], this.admin, 'INFO', 'server'));
    expect(server.server_name ?? 'redis').toBe(ENGINE);
    await this.startHaproxy();
    // Clients reach HAProxy through Service `redis`: only once its readiness probe passes.
    await haproxyReady(this.proxyHealthPort, 30_000, this);
    await until('HAProxy to route writes', 15_000, async () => ((await once(this.proxyPort, this.backend, 'SET', 'probe', '1')) === 'OK' ? true : undefined));
  }

  /** One primary, every replica linked to it, every Sentinel agreeing and seeing all replicas and Sentinels. */
  async formed(timeoutMs = 40_000, up: number[] = [...Array(REPLICAS).keys()]): Promise<number> {
    return until(`the set to form (pods ${up.join(',')})`, timeoutMs, async () => {
      const primaries = new Set<number>();
      for (const i of up) primaries.add((await this.primaryPort(this.sentinelPorts[i]))!);
      if (primaries.size !== 1) return undefined;
      const [p] = primaries;
      if (!this.redisPorts.includes(p)) return undefined;
      const pi = await this.info(p);
      if (pi.role !== 'master' || Number(pi.connected_slaves) < up.length - 1) return undefined;
      for (const i of up) {
        if (this.redisPorts[i] === p) continue;
        const ri = await this.info(this.redisPorts[i]);
        if (ri.role !== 'slave' || ri.master_link_status !== 'up' || Number(ri.master_port) !== p) return undefined;
      }
      return p;
    }, this);
  }

  info = async (port: number) => infoFields(await once(port, this.admin, 'INFO', 'replication'));

  async primaryPort(sentinelPort: number): Promise<number | undefined> {
    const r = await once(sentinelPort, this.admin, 'SENTINEL', 'get-master-addr-by-name', MASTER);
    return Array.isArray(r) && r.length === 2 ? Number(r[1]) : undefined;
  }

  async sentinelView(sentinelPort: number): Promise<Record<string, string>> {
    const r = await once(sentinelPort, this.admin, 'SENTINEL', 'master', MASTER) as Reply[];
    const out: Record<string, string> = {};
    for (let k = 0; k < r.length; k += 2) out[String(r[k])] = String(r[k + 1]);
    return out;
  }

  /** Ports of the nodes that currently report role:master. */
  async masters(): Promise<number[]> {
    const out: number[] = [];
    for (const p of this.redisPorts) {
      try { if ((await this.info(p)).role === 'master') out.push(p); } catch { /* down */ }
    }
    return out;
  }

  async runPreStop(i: number): Promise<string> {
    const preStop = this.v.container('redis').lifecycle.preStop.exec.command.map((a: string) => a.replace(templatesMount, path.join(this.tmp, 'templates')));
    return new Promise<string>((resolve, reject) => {
      execFile(preStop[0], preStop.slice(1), { env: this.startedEnv[`redis-${i}`] ?? this.podEnv('redis', i), timeout: 30_000 }, (err, _out, stderr) => (err ? reject(err) : resolve(stderr)));
    });
  }

  logs(): string {
    return fs.readdirSync(this.tmp).filter((f) => f.endsWith('.log'))
      .map((f) => `--- ${f}\n${fs.readFileSync(path.join(this.tmp, f), 'utf8').split('\n').slice(-25).join('\n')}`).join('\n');
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.children.map((c) => this.kill(c)));
    if (this.v.tls) useTls(undefined);
    if (process.env.KEEP_REDIS_TEST_DIR) process.stdout.write(`chaos test files kept in ${this.tmp}\n`);
    else fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

/**
 * The kubelet's readiness probe of an HAProxy pod, as the generated Deployment defines it: nothing before
 * initialDelaySeconds, then an HTTP GET every periodSeconds until successThreshold answers are 2xx. Resolves
 * when the pod would be added to Service `redis`'s endpoints.
 */
export async function haproxyReady(healthPort: number, timeoutMs = 30_000, cluster?: { logs(): string }): Promise<number> {
  const probe = haproxyContainer.readinessProbe;
  const started = Date.now();
  await sleep(probe.initialDelaySeconds * 1000);
  let successes = 0;
  while (Date.now() - started < timeoutMs) {
    const status = await fetch(`http://127.0.0.1:${healthPort}${probe.httpGet.path}`, { signal: AbortSignal.timeout(probe.timeoutSeconds * 1000) })
      .then((r) => r.status, () => 0);
    successes = status >= 200 && status < 400 ? successes + 1 : 0;
    if (successes >= (probe.successThreshold ?? 1)) return Date.now() - started;
    await sleep(probe.periodSeconds * 1000);
  }
  throw new Error(`HAProxy on health port ${healthPort} not ready within ${timeoutMs} ms${cluster ? `\n${cluster.logs()}` : ''}`);
}

type Mode = 'wait' | 'fresh' | 'plain';
interface Attempt { key: string; value: string; mode: Mode; t0: number; t1: number; ok: boolean; error?: string }

/**
 * Writers through HAProxy, the three ways an application writes: SET + WAIT 1 1000 on one connection
 * (acknowledged = OK and at least one replica), the same on a new connection per write, plain SETs (ack = OK).
 * Every attempt writes a fresh key; afterwards every acknowledged key is read back from the primary.
 */
export class Writers {
  attempts: Attempt[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];
  private seq = 0;
  constructor(private readonly cluster: Cluster, private readonly tag: string, private port = () => cluster.proxyPort, private password: () => Credential = () => cluster.backend) {}

  start(): this {
    for (const mode of ['wait', 'fresh', 'plain'] as Mode[]) this.loops.push(this.loop(mode));
    return this;
  }

  private async loop(mode: Mode): Promise<void> {
    let conn: RespClient | undefined;
    while (!this.stopped) {
      const key = `${this.tag}:${mode}:${this.seq++}`;
      const value = `${key}@${Date.now()}`;
      const t0 = Date.now();
      let ok = false;
      let error: string | undefined;
      try {
        if (mode === 'fresh') conn = await RespClient.connect(this.port(), this.password());
        else conn ??= await RespClient.connect(this.port(), this.password());
        const set = await conn.call('SET', key, value);
        if (set !== 'OK') throw set instanceof RedisError ? set : new Error(String(set));
        if (mode === 'plain') ok = true;
        else {
          const acks = await conn.call('WAIT', 1, 1000);
          ok = typeof acks === 'number' && acks >= 1;
          if (!ok) error = `WAIT ${String(acks)}`;
        }
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        conn?.close();
        conn = undefined;
      }
      if (mode === 'fresh') { conn?.close(); conn = undefined; }
      this.attempts.push({ key, value, mode, t0, t1: Date.now(), ok, error });
      await sleep(error ? 50 : 10);
    }
    conn?.close();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  acked(): Attempt[] { return this.attempts.filter((a) => a.ok); }

  /** Acknowledged keys that the current primary does not hold, per mode. */
  async lost(primaryPort: number): Promise<{ wait: number; fresh: number; plain: number; keys: string[] }> {
    const c = await RespClient.connect(primaryPort, this.cluster.admin);
    const out = { wait: 0, fresh: 0, plain: 0, keys: [] as string[] };
    try {
      for (const a of this.acked()) {
        if ((await c.call('GET', a.key)) !== a.value) { out[a.mode]++; out.keys.push(a.key); }
      }
    } finally { c.close(); }
    return out;
  }

  /** The longest stretch (ms) in which no write of `mode` succeeded, between `from` and `to`. */
  longestGap(from: number, to: number, modes: Mode[] = ['fresh']): number {
    const oks = this.attempts.filter((a) => a.ok && modes.includes(a.mode) && a.t1 >= from && a.t1 <= to).map((a) => a.t1).sort((a, b) => a - b);
    let prev = from;
    let gap = 0;
    for (const t of oks) { gap = Math.max(gap, t - prev); prev = t; }
    return Math.max(gap, to - prev);
  }

  /** First success (of any mode) after `t`, as ms after `t`. */
  backAfter(t: number, modes: Mode[] = ['fresh', 'wait', 'plain']): number | undefined {
    const a = this.attempts.filter((x) => x.ok && modes.includes(x.mode) && x.t0 >= t).sort((x, y) => x.t1 - y.t1)[0];
    return a ? a.t1 - t : undefined;
  }

  /** READONLY replies: a write routed to a replica. The span (ms) from the first to the last in a burst. */
  readonlySpans(): number[] {
    const ro = this.attempts.filter((a) => /READONLY/.test(a.error ?? '')).map((a) => a.t1).sort((a, b) => a - b);
    const spans: number[] = [];
    let start = -1;
    let prev = -1;
    for (const t of ro) {
      if (prev < 0 || t - prev > 1500) { if (prev >= 0) spans.push(prev - start); start = t; }
      prev = t;
    }
    if (prev >= 0) spans.push(prev - start);
    return spans;
  }

  summary(): string {
    const by = (m: Mode) => this.attempts.filter((a) => a.mode === m);
    return (['wait', 'fresh', 'plain'] as Mode[]).map((m) => `${m}: ${by(m).filter((a) => a.ok).length}/${by(m).length} acked`).join(', ');
  }
}

export function report(scenario: string, figures: Record<string, unknown>): void {
  const line = `chaos[${ENGINE === 'redis' ? '' : `${ENGINE}: `}${scenario}] ${Object.entries(figures).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')}\n`;
  process.stdout.write(line);
  fs.appendFileSync(path.join(os.tmpdir(), `redis-chaos-figures-${process.ppid}.log`), line);
}
