/**
 * `redis.tls` judged by real servers, for both engines: throwaway certificates made with openssl for the generated
 * Certificate's names (cert-manager's part), then redis-server/valkey-server, their Sentinels and HAProxy started
 * from the generated files, scripts and commands with TLS on (the chaos harness, test/chaos/harness.ts, on
 * loopback). Shown: the set forms over TLS (replication, Sentinel), the ACL users work over TLS, the preStop
 * hand-over (the scripts' redis-cli --tls) works, a plain-text connection is refused on every port, redis-cli and
 * HAProxy refuse a certificate from another CA, a server re-reads its certificate on CONFIG SET tls-cert-file (how
 * a renewal is picked up without a restart), redis-py with the backend's generated environment connects (and refuses
 * without the CA or under another name), and `haproxy -c` accepts the generated TLS haproxy.cfg.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tls from 'tls';
import type { CacheEngine } from '../lib/redis/schema';
import { makeCa, makeServerCert, serialOf } from './tls-certs';
import { find } from './helpers';

type Harness = typeof import('./chaos/harness');
type Resp = typeof import('./redis-resp');

describe.each(['redis', 'valkey'] as CacheEngine[])('redis.tls on real %s servers', (engine) => {
  let h: Harness;
  let resp: Resp;
  jest.isolateModules(() => {
    // A module registry of its own per engine: the harness reads the engine when it is loaded (engine.ts).
    require('./chaos/engine').useEngine(engine);
    h = require('./chaos/harness');
    resp = require('./redis-resp');
  });
  let cluster: InstanceType<Harness['Cluster']>;
  const cli = () => `${engine}-cli`;
  const text = (r: unknown) => (r instanceof Error ? r.message : String(r));

  beforeAll(async () => {
    cluster = new h.Cluster(undefined, { tls: true });
    await cluster.init();
    await cluster.startAll();
  }, 120_000);
  afterAll(async () => { await cluster?.cleanup(); });

  test('the set forms over TLS: one primary, replicas linked over TLS, the Sentinels agree; HAProxy routes the backend\'s writes', async () => {
    // Nothing listens in plain text: the generated configs have port 0.
    expect(cluster.v.nodeFiles[`${engine}.conf`]).toMatch(/^port 0$/m);
    const primary = await cluster.formed();
    for (const p of cluster.redisPorts.filter((x) => x !== primary)) {
      const i = await cluster.info(p);
      expect([i.role, i.master_link_status]).toEqual(['slave', 'up']);
    }
    const w = await resp.RespClient.connect(cluster.proxyPort, cluster.backend);
    try {
      expect(await w.call('SET', 'tls:k', 'v')).toBe('OK');
      expect(await w.call('WAIT', 2, 2000)).toBe(2); // replicated over TLS to both replicas
      expect(await w.call('GET', 'tls:k')).toBe('v');
      // The backend's ACL rules hold over TLS as well.
      expect(text(await w.call('CONFIG', 'GET', 'maxmemory'))).toMatch(/^(NOPERM|ERR unknown command)/);
    } finally { w.close(); }
    for (const p of cluster.redisPorts) expect(await resp.once(p, cluster.backend, 'GET', 'tls:k')).toBe('v');
  });

  test('each ACL user authenticates over TLS; default stays off', async () => {
    const primary = await cluster.formed();
    expect(await resp.once(primary, cluster.as('haproxy'), 'PING')).toBe('PONG');
    expect(text(await resp.once(primary, cluster.as('haproxy'), 'GET', 'tls:k'))).toMatch(/^NOPERM/);
    expect(await resp.once(primary, cluster.as('exporter'), 'PING')).toBe('PONG');
    expect(text(await resp.once(cluster.sentinelPorts[0], cluster.admin, 'SENTINEL', 'get-master-addr-by-name', h.MASTER))).toMatch(/127\.0\.0\.1/);
    await expect(resp.once(primary, { user: 'default', password: 'x' }, 'PING')).rejects.toThrow(/WRONGPASS|invalid/);
  });

  test('a plain-text connection is refused on the server, Sentinel and HAProxy ports', async () => {
    for (const port of [cluster.redisPorts[0], cluster.sentinelPorts[0], cluster.proxyPort]) {
      await expect(resp.RespClient.connect(port, cluster.admin, 2000, 'plain').then((c) => c.call('PING').finally(() => c.close())))
        .rejects.toThrow(/connection closed|ECONNRESET|EPIPE/);
    }
  });

  test('redis-cli with the CA connects; with another CA it refuses the server\'s certificate', () => {
    const other = path.join(cluster.tmp, 'other');
    fs.mkdirSync(other);
    makeCa(other, 'other');
    const run = (ca: string, port: number) => spawnSync(cli(), ['--tls', '--cacert', ca, '--user', 'admin', '--no-auth-warning', '-p', String(port), 'PING'],
      { env: { PATH: process.env.PATH, REDISCLI_AUTH: cluster.passwords.admin }, encoding: 'utf8' });
    for (const port of [cluster.redisPorts[0], cluster.sentinelPorts[0], cluster.proxyPort]) {
      expect(run(path.join(cluster.tlsDir, 'ca.crt'), port).stdout.trim()).toBe('PONG');
      const refused = run(path.join(other, 'other.crt'), port);
      expect(refused.stdout.trim()).not.toBe('PONG');
      expect(`${refused.stdout}${refused.stderr}`).toMatch(/certificate verify failed|Could not negotiate a TLS connection/);
    }
  });

  test('HAProxy refuses servers whose certificate another CA signed: never ready', async () => {
    const other = path.join(cluster.tmp, 'other-haproxy');
    fs.mkdirSync(other);
    makeCa(other, 'other');
    const [port, health] = await h.freePorts(2);
    cluster.spawnHaproxy('haproxy-other-ca', port, health, undefined, (cfg) => {
      expect(cfg).toContain(`ca-file ${cluster.tlsDir}/ca.crt`);
      return cfg.replace(`ca-file ${cluster.tlsDir}/ca.crt`, `ca-file ${other}/other.crt`);
    });
    await expect(h.haproxyReady(health, 6000)).rejects.toThrow(/not ready/);
    // The same HAProxy with the right CA is ready (the refusal is the CA's, not the setup's).
    const [port2, health2] = await h.freePorts(2);
    cluster.spawnHaproxy('haproxy-right-ca', port2, health2);
    await h.haproxyReady(health2, 30_000, cluster);
  });

  test('the preStop hand-over runs its redis-cli calls over TLS: the primary hands over', async () => {
    const primary = await cluster.formed();
    const i = cluster.redisPorts.indexOf(primary);
    const log = await cluster.runPreStop(i);
    expect(log).toMatch(/handed over to 127\.0\.0\.1:\d+/);
    const next = await cluster.formed(60_000);
    expect(next).not.toBe(primary);
  });

  test('CONFIG SET tls-cert-file re-reads the files: a renewed certificate is served without a restart', async () => {
    const port = cluster.redisPorts[0];
    const peerSerial = () => new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca: fs.readFileSync(path.join(cluster.tlsDir, 'ca.crt')), servername: 'redis' }, () => {
        resolve(s.getPeerCertificate().serialNumber.toUpperCase());
        s.destroy();
      });
      s.once('error', reject);
    });
    const before = serialOf(path.join(cluster.tlsDir, 'tls.crt'));
    expect(await peerSerial()).toBe(before);
    // cert-manager renews: the Secret's files change in place (new key, new certificate, same CA).
    makeServerCert(cluster.tlsDir, 'ca', 'tls', cluster.v.dnsNames);
    const after = serialOf(path.join(cluster.tlsDir, 'tls.crt'));
    expect(after).not.toBe(before);
    expect(await peerSerial()).toBe(before); // not picked up by itself
    const config = /rename-command CONFIG (\S+)/.exec(cluster.v.nodeFiles[`${engine}.conf`])?.[1] ?? 'CONFIG';
    expect(await resp.once(port, cluster.admin, config, 'SET', 'tls-cert-file', path.join(cluster.tlsDir, 'tls.crt'), 'tls-key-file', path.join(cluster.tlsDir, 'tls.key'))).toBe('OK');
    expect(await peerSerial()).toBe(after);
  });

  test('redis-py with the backend\'s environment (REDIS_URL rediss://, REDIS_PASSWORD, REDIS_TLS_CA_FILE) writes through HAProxy; without the CA, or under a name the certificate lacks, it refuses', () => {
    const objs = cluster.v.objects;
    const backendPod = find(objs, 'Deployment', 'backend').spec.template.spec;
    const c = backendPod.containers[0];
    const cm = (name: string, key: string) => find(objs, 'ConfigMap', name).data[key];
    const env: Record<string, string> = {};
    for (const e of c.env.filter((x: any) => x.name.startsWith('REDIS_'))) {
      if (e.valueFrom?.configMapKeyRef) env[e.name] = cm(e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key);
      else if (e.valueFrom?.secretKeyRef) env[e.name] = cluster.secret[e.valueFrom.secretKeyRef.key];
    }
    expect(env.REDIS_URL).toBe('rediss://backend@redis:6379/0');
    expect(env.REDIS_TLS_CA_FILE).toBe('/etc/pensioen/redis-ca/ca.crt');
    // The backend's volume projects ca.crt of the servers' certificate Secret there: the CA file here.
    const vol = backendPod.volumes.find((v: any) => v.name === 'redis-ca');
    expect(vol.secret).toMatchObject({ secretName: `${engine}-tls`, items: [{ key: 'ca.crt', path: 'ca.crt' }] });
    env.REDIS_TLS_CA_FILE = path.join(cluster.tlsDir, 'ca.crt');
    // Service `redis` (the URL's host) is HAProxy on loopback here: name resolution only is redirected; the TLS host
    // name check still compares "redis" with the certificate.
    const script = [
      'import os, socket, sys, redis',
      'real = socket.getaddrinfo',
      'socket.getaddrinfo = lambda h, p, *a, **k: real("127.0.0.1", int(os.environ["PROXY_PORT"]), *a, **k) if h in ("redis", "elsewhere") else real(h, p, *a, **k)',
      'ca = {"ssl_ca_certs": os.environ["REDIS_TLS_CA_FILE"]} if sys.argv[1] == "ca" else {}',
      'r = redis.Redis.from_url(os.environ["REDIS_URL"], password=os.environ["REDIS_PASSWORD"], ssl_check_hostname=True, **ca)',
      'try:',
      '    r.set("py:k", "v"); print(r.get("py:k").decode())',
      'except redis.exceptions.ConnectionError as e:',
      '    print("refused:", e)',
    ].join('\n');
    const py = (mode: string, extra: Record<string, string> = {}) => execFileSync('/usr/bin/python3', ['-c', script, mode], { env: { PATH: process.env.PATH, PROXY_PORT: String(cluster.proxyPort), ...env, ...extra }, encoding: 'utf8' }).trim();
    expect(py('ca')).toBe('v');
    expect(py('no-ca')).toMatch(/^refused:.*certificate verify failed/);
    // The host name check is on: the same server under a name the certificate does not hold is refused.
    expect(py('ca', { REDIS_URL: 'rediss://backend@elsewhere:6379/0' })).toMatch(/^refused:.*(hostname|match)/i);
  });

  test('haproxy -c accepts the generated TLS haproxy.cfg (certificate, key file and CA where the pod mounts them)', () => {
    const dir = path.join(cluster.tmp, 'haproxy-check');
    fs.mkdirSync(dir);
    const cfg = cluster.mapPaths(cluster.v.haproxyCfgText);
    // Debian's HAProxy 2.6 here lacks init-state (3.1+; the pinned image has it): checked without it.
    fs.writeFileSync(path.join(dir, 'haproxy.cfg'), /version (2\.|3\.0\.)/.test(execFileSync('haproxy', ['-v']).toString()) ? cfg.replace(/ init-state down/g, '') : cfg);
    const out = execFileSync('haproxy', ['-c', '-f', path.join(dir, 'haproxy.cfg')], { env: { PATH: process.env.PATH, REDIS_HAPROXY_PASSWORD: 'x' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/valid/i);
  });
});
