/**
 * A managed cache with TLS and an AUTH token, proven against a real server: a local `redis-server --tls-port`
 * with a certificate from a CA generated here (openssl) stands in for the managed endpoint. The environment is
 * synthesized pointing at it (with `managed.caSecret`); the backend's settings (REDIS_URL from ConfigMap
 * `redis-config`, REDIS_PASSWORD from the Secret, REDIS_TLS_CA_FILE from the mounted CA Secret) connect and
 * authenticate, and redis_exporter run with the generated environment reports `redis_up 1`.
 */
import { type ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { find, objectsOf } from './helpers';
import { cacheEnv } from './fixtures/cache';
import { freePorts, until } from './chaos/harness-ports';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-tls-'));
const TOKEN = `token-${process.pid}`;
const children: ChildProcess[] = [];
let port = 0;
const f = (n: string) => path.join(tmp, n);

beforeAll(async () => {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: tmp, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=pensioen test CA', '-days', '1');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  fs.writeFileSync(f('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext');
  // A second CA that did not sign the server: verification must fail with it.
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-subj', '/CN=other CA', '-days', '1');
  [port] = await freePorts(1);
  const server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--tls-cert-file', f('server.crt'), '--tls-key-file', f('server.key'),
    '--tls-ca-cert-file', f('ca.crt'), '--tls-auth-clients', 'no', '--requirepass', TOKEN, '--save', '', '--appendonly', 'no', '--dir', tmp],
  { stdio: ['ignore', fs.openSync(f('server.log'), 'a'), fs.openSync(f('server.log'), 'a')] });
  children.push(server);
  await until('the TLS redis-server', 10_000, async () => (fs.readFileSync(f('server.log'), 'utf8').includes('Ready to accept connections') ? true : undefined));
});

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The generated environment of the managed endpoint: this server (localhost has the certificate's name). */
const env = () => cacheEnv({ mode: 'managed', managed: { host: 'localhost', port, cidrs: ['127.0.0.0/8'], caSecret: { name: 'cache-ca', key: 'ca.pem' } } });

/**
 * The environment a container gets from the kubelet: values, ConfigMap keys, Secret keys (`secrets`), and the
 * Secret volumes' files written under tmp (mount paths mapped into tmp).
 */
function containerEnv(objs: Record<string, any>[], deployment: string, secrets: Record<string, Record<string, string>>): { env: Record<string, string>; mapPath: (p: string) => string } {
  const pod = find(objs, 'Deployment', deployment).spec.template.spec;
  const c = pod.containers[0];
  const root = fs.mkdtempSync(path.join(tmp, `${deployment}-`));
  const mounts: [string, string][] = [];
  for (const m of c.volumeMounts ?? []) {
    const v = pod.volumes.find((x: any) => x.name === m.name);
    if (!v.secret) continue;
    const dir = path.join(root, m.mountPath);
    fs.mkdirSync(dir, { recursive: true });
    for (const item of v.secret.items) fs.writeFileSync(path.join(dir, item.path), secrets[v.secret.secretName][item.key]);
    mounts.push([m.mountPath, dir]);
  }
  const mapPath = (p: string) => { const hit = mounts.find(([mp]) => p.startsWith(`${mp}/`)); return hit ? hit[1] + p.slice(hit[0].length) : p; };
  const out: Record<string, string> = {};
  for (const e of c.env) {
    if (e.value !== undefined) out[e.name] = e.value;
    else if (e.valueFrom.configMapKeyRef) out[e.name] = find(objs, 'ConfigMap', e.valueFrom.configMapKeyRef.name).data[e.valueFrom.configMapKeyRef.key];
    else if (e.valueFrom.secretKeyRef) out[e.name] = secrets[e.valueFrom.secretKeyRef.name]?.[e.valueFrom.secretKeyRef.key] ?? 'not-this-test';
  }
  return { env: out, mapPath };
}

/** What a client does with REDIS_URL, REDIS_PASSWORD and a CA file: TLS (rediss://), verify, AUTH, PING. */
function authPing(url: string, password: string, caFile?: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    if (u.protocol !== 'rediss:') { reject(new Error(`not a TLS URL: ${url}`)); return; }
    const s = tls.connect({ host: u.hostname, port: Number(u.port), servername: u.hostname, ...(caFile ? { ca: fs.readFileSync(caFile) } : {}) }, () => {
      s.write(`*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n*1\r\n$4\r\nPING\r\n`);
    });
    let got = '';
    s.on('data', (d) => { got += d.toString(); if (/\r\n.*\r\n/s.test(got)) { s.end(); resolve(got.replace(/\r\n/g, ' ').trim()); } });
    s.on('error', reject);
    s.setTimeout(5000, () => { s.destroy(); reject(new Error('timeout')); });
  });
}

const secrets = (token: string, ca = fs.readFileSync(f('ca.crt'), 'utf8')) => ({ 'redis-secrets': { 'redis-password': token }, 'cache-ca': { 'ca.pem': ca } });

test('the backend\'s REDIS_URL, REDIS_PASSWORD and REDIS_TLS_CA_FILE connect over TLS and authenticate', async () => {
  const objs = objectsOf(env());
  const { env: e, mapPath } = containerEnv(objs, 'backend', secrets(TOKEN));
  expect(e.REDIS_URL).toBe(`rediss://localhost:${port}/0`);
  expect(await authPing(e.REDIS_URL, e.REDIS_PASSWORD, mapPath(e.REDIS_TLS_CA_FILE))).toBe('+OK +PONG');
});

test('and fail without the CA, with a CA that did not sign the server, or with a wrong token', async () => {
  const objs = objectsOf(env());
  const good = containerEnv(objs, 'backend', secrets(TOKEN));
  await expect(authPing(good.env.REDIS_URL, TOKEN)).rejects.toThrow(/self[- ]signed|unable to (verify|get local issuer)/i);
  const other = containerEnv(objs, 'backend', secrets(TOKEN, fs.readFileSync(f('other.crt'), 'utf8')));
  await expect(authPing(other.env.REDIS_URL, TOKEN, other.mapPath(other.env.REDIS_TLS_CA_FILE))).rejects.toThrow(/self[- ]signed|unable to (verify|get local issuer)/i);
  expect(await authPing(good.env.REDIS_URL, 'wrong-token', good.mapPath(good.env.REDIS_TLS_CA_FILE))).toMatch(/^-WRONGPASS/);
});

test('redis_exporter with the generated environment reaches the managed endpoint: redis_up 1', async () => {
  const objs = objectsOf(env());
  const { env: e, mapPath } = containerEnv(objs, 'redis-exporter', secrets(TOKEN));
  expect(e.REDIS_ADDR).toBe(`rediss://localhost:${port}/0`);
  const [metrics] = await freePorts(1);
  const run = { ...e, REDIS_EXPORTER_TLS_CA_CERT_FILE: mapPath(e.REDIS_EXPORTER_TLS_CA_CERT_FILE), REDIS_EXPORTER_WEB_LISTEN_ADDRESS: `127.0.0.1:${metrics}` };
  const log = f('exporter.log');
  const exporter = spawn('prometheus-redis-exporter', [], { env: { PATH: process.env.PATH, ...run }, stdio: ['ignore', fs.openSync(log, 'a'), fs.openSync(log, 'a')] });
  children.push(exporter);
  const text = await until('the exporter to scrape the endpoint', 15_000, async () => {
    const t = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
    return /^redis_up /m.test(t) ? t : undefined;
  }, { logs: () => fs.readFileSync(log, 'utf8') });
  expect(text).toMatch(/^redis_up 1$/m);
  expect(text).toMatch(/^redis_memory_max_bytes /m);
  expect(text).toMatch(/^redis_rejected_connections_total /m);
  expect(text).toMatch(/^redis_evicted_keys_total /m);
});
