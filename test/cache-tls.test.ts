/**
 * `redis.tls` of the in-cluster cache: changing it changes the output as it should (cert-manager objects, TLS-only
 * servers and Sentinels, HAProxy over TLS both ways, the exporter, probes and scripts, the backend's URL and CA),
 * the gate (cert-manager's CRD schemas among its rules) accepts the objects, and bad values fail with the file, the
 * key and what is allowed. The real servers are judged in test/cache-tls.tools.test.ts.
 */
import { ConfigError } from '../lib/config';
import { allFindings, contextOf } from '../lib/validate';
import { find, objectsOf } from './helpers';
import { cacheEnv } from './fixtures/cache';
import { CacheEngine } from '../lib/redis/schema';

const problems = (redis: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] => {
  try { cacheEnv(redis, 'staging', extra); return []; } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
};
const gate = (env: ReturnType<typeof cacheEnv>) => allFindings(objectsOf(env).map(({ __file, ...o }) => o), contextOf(env))
  .map((f) => `${f.kind}/${f.name} ${f.rule}: ${f.message}`);
const TLS = { url: 'rediss://redis:6379/0', tls: { enabled: true } };
const cacheFile = (objs: Record<string, any>[]) => objs.filter((o) => o.__file.endsWith('35-redis.yaml'));
const strip = (objs: Record<string, any>[]) => objs.map(({ __file, ...o }) => o);

describe.each(['redis', 'valkey'] as CacheEngine[])('redis.tls on, engine %s', (engine) => {
  const sts = engine;
  const off = objectsOf(cacheEnv({ engine }));
  const env = cacheEnv({ engine, ...TLS });
  const on = objectsOf(env);
  const pod = find(on, 'StatefulSet', sts).spec.template.spec;
  const container = (name: string) => pod.containers.find((c: any) => c.name === name);
  const node = find(on, 'ConfigMap', `${sts}-node`).data;
  const conf = node[`${sts}.conf`];

  test('the gate accepts the objects (cert-manager CRD schemas included)', () => {
    expect(gate(env)).toEqual([]);
  });

  test('cert-manager: the cache\'s own CA chain and a server certificate for every name clients use', () => {
    const added = cacheFile(on).filter((o) => o.apiVersion.startsWith('cert-manager.io/')).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(added).toEqual(['Certificate/redis-tls-ca', `Certificate/${sts}-tls`, 'Issuer/redis-tls-ca', 'Issuer/redis-tls-selfsigned'].sort());
    expect(find(on, 'Issuer', 'redis-tls-selfsigned').spec).toEqual({ selfSigned: {} });
    const ca = find(on, 'Certificate', 'redis-tls-ca').spec;
    expect(ca).toMatchObject({ isCA: true, secretName: 'redis-tls-ca', issuerRef: { kind: 'Issuer', name: 'redis-tls-selfsigned' }, privateKey: { rotationPolicy: 'Never' } });
    expect(find(on, 'Issuer', 'redis-tls-ca').spec).toEqual({ ca: { secretName: 'redis-tls-ca' } });
    const server = find(on, 'Certificate', `${sts}-tls`).spec;
    expect(server.secretName).toBe(`${sts}-tls`);
    expect(server.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'redis-tls-ca' });
    const svc = (s: string) => [s, `${s}.pensioen`, `${s}.pensioen.svc`, `${s}.pensioen.svc.cluster.local`];
    expect(server.dnsNames).toEqual([
      ...[0, 1, 2].map((i) => `${sts}-${i}.${sts}-headless.pensioen.svc.cluster.local`),
      ...svc('redis'), ...svc(`${sts}-headless`), ...svc(`${sts}-sentinel`),
    ]);
    // Every host the generated files connect to is in the certificate.
    const hosts = [...new Set([...`${find(on, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg']}\n${JSON.stringify(container('redis').env)}`
      .matchAll(/\b([a-z0-9-]+\.[a-z0-9.-]+\.svc\.cluster\.local)\b/g)].map((m) => m[1]))];
    expect(hosts.length).toBeGreaterThan(0);
    for (const h of hosts) expect(server.dnsNames).toContain(h);
  });

  test('servers and Sentinels: no plain port, TLS on the same port, TLS replication, no client certificates', () => {
    for (const [text, port] of [[conf, '@REDIS_PORT@'], [node['sentinel.conf'], '@SENTINEL_PORT@']]) {
      expect(text).toContain(`port 0\ntls-port ${port}\ntls-cert-file /etc/pensioen/redis-tls/tls.crt\ntls-key-file /etc/pensioen/redis-tls/tls.key\ntls-ca-cert-file /etc/pensioen/redis-tls/ca.crt\n`);
      expect(text).toMatch(/^tls-auth-clients no$/m);
      expect(text).toMatch(/^tls-replication yes$/m);
      expect(text).not.toMatch(new RegExp(`^port ${port}$`, 'm'));
    }
    const offNode = find(off, 'ConfigMap', `${sts}-node`).data;
    expect(offNode[`${sts}.conf`]).toMatch(/^port @REDIS_PORT@$/m);
    expect(offNode[`${sts}.conf`]).not.toMatch(/tls/);
  });

  test('every redis-cli of the scripts and probes speaks TLS with the CA', () => {
    const cli = `${engine}-cli --tls --cacert /etc/pensioen/redis-tls/ca.crt`;
    for (const f of ['common.sh', 'prestop-redis.sh']) {
      const calls = node[f].match(new RegExp(`${engine}-cli[^\\n]*`, 'g'));
      expect(calls.length).toBeGreaterThan(0);
      for (const c of calls) expect(c.startsWith(cli)).toBe(true);
    }
    for (const c of ['redis', 'sentinel']) {
      for (const probe of ['livenessProbe', 'readinessProbe']) expect(container(c)[probe].exec.command.join(' ')).toContain(cli);
      expect(container(c).volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/pensioen/redis-tls', readOnly: true });
    }
    expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: `${sts}-tls`, items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }, { key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o440 } });
  });

  test('the exporter dials its own pod by name over TLS and gets only the CA', () => {
    const e = container('metrics');
    const val = (n: string) => e.env.find((x: any) => x.name === n)?.value;
    expect(val('REDIS_ADDR')).toBe(`rediss://$(POD_NAME).${sts}-headless.pensioen.svc.cluster.local:6379`);
    expect(e.env.findIndex((x: any) => x.name === 'POD_NAME')).toBeLessThan(e.env.findIndex((x: any) => x.name === 'REDIS_ADDR'));
    expect(val('REDIS_EXPORTER_TLS_CA_CERT_FILE')).toBe('/etc/pensioen/redis-tls/ca.crt');
    expect(e.volumeMounts).toEqual([{ name: 'tls-ca', mountPath: '/etc/pensioen/redis-tls', readOnly: true }]);
    expect(pod.volumes.find((v: any) => v.name === 'tls-ca').secret.items).toEqual([{ key: 'ca.crt', path: 'ca.crt' }]);
  });

  test('HAProxy: TLS to every server (verified for that pod\'s name, checks too) and TLS to its clients', () => {
    const cfg: string = find(on, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg'];
    expect(cfg).toMatch(/^ {2}bind :6379 ssl crt \/etc\/pensioen\/redis-tls\/tls\.crt$/m);
    expect(cfg).toMatch(/^ {2}tcp-check connect ssl$/m);
    expect(cfg).toMatch(/^ {2}default-server .* ssl verify required ca-file \/etc\/pensioen\/redis-tls\/ca\.crt check-ssl$/m);
    for (const i of [0, 1, 2]) expect(cfg).toContain(`server ${sts}-${i} ${sts}-${i}.${sts}-headless.pensioen.svc.cluster.local:6379 verifyhost ${sts}-${i}.${sts}-headless.pensioen.svc.cluster.local\n`);
    const d = find(on, 'Deployment', 'redis-haproxy').spec.template.spec;
    expect(d.volumes).toContainEqual({ name: 'tls', secret: { secretName: `${sts}-tls`, items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.crt.key' }, { key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o440 } });
    expect(d.containers[0].volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/pensioen/redis-tls', readOnly: true });
  });

  test('the backend: rediss:// with its user, and the CA as a file named by REDIS_TLS_CA_FILE', () => {
    const cm = find(on, 'ConfigMap', 'redis-config').data;
    expect(cm.url).toBe('rediss://backend@redis:6379/0');
    expect(cm.tls).toBe('true');
    expect(cm['tls-ca-file']).toBe('/etc/pensioen/redis-ca/ca.crt');
    const b = find(on, 'Deployment', 'backend').spec.template.spec;
    expect(b.containers[0].env).toContainEqual({ name: 'REDIS_TLS_CA_FILE', valueFrom: { configMapKeyRef: { name: 'redis-config', key: 'tls-ca-file' } } });
    expect(b.volumes).toContainEqual({ name: 'redis-ca', secret: { secretName: `${sts}-tls`, items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o444 } });
    expect(b.containers[0].volumeMounts).toContainEqual({ name: 'redis-ca', mountPath: '/etc/pensioen/redis-ca', readOnly: true });
  });

  test('turning it on changes only the cache objects, the backend and its ConfigMap, and the alerts (RedisTlsCertificateNotLoaded); NetworkPolicies keep their ports', () => {
    const key = (o: Record<string, any>) => `${o.kind}/${o.metadata.name}`;
    const before = new Map(strip(off).map((o) => [key(o), JSON.stringify(o)]));
    const changed = strip(on).filter((o) => before.get(key(o)) !== JSON.stringify(o)).map(key).sort();
    expect(changed).toEqual([
      'Certificate/redis-tls-ca', `Certificate/${sts}-tls`, 'ConfigMap/redis-config', 'ConfigMap/redis-haproxy', `ConfigMap/${sts}-node`,
      'Deployment/backend', 'Deployment/redis-haproxy', 'Issuer/redis-tls-ca', 'Issuer/redis-tls-selfsigned', `StatefulSet/${sts}`,
      'PrometheusRule/pensioen-alerts',
    ].sort());
    expect(strip(on).length).toBe(strip(off).length + 4);
  });
});

describe('redis.tls.issuerRef', () => {
  test('an existing issuer signs the server certificate; no CA chain of the cache\'s own', () => {
    const objs = objectsOf(cacheEnv({ ...TLS, tls: { enabled: true, issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer' } } }));
    expect(find(objs, 'Certificate', 'redis-tls').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'platform-ca' });
    expect(cacheFile(objs).filter((o) => o.kind === 'Issuer' || o.metadata.name === 'redis-tls-ca')).toEqual([]);
  });
});

describe('config rules of redis.tls', () => {
  test('off by default: no TLS objects, plain URL', () => {
    const objs = objectsOf(cacheEnv(undefined));
    expect(objs.filter((o) => o.apiVersion.startsWith('cert-manager.io/') && o.__file.endsWith('35-redis.yaml'))).toEqual([]);
    expect(find(objs, 'ConfigMap', 'redis-config').data).not.toHaveProperty('tls-ca-file');
  });

  test('the URL follows the switch, both ways', () => {
    expect(problems({ tls: { enabled: true } })).toEqual(['config/staging.yaml: redis.url: must start with rediss:// when tls.enabled is true: HAProxy then serves only TLS (allowed: rediss://redis:6379/0)']);
    expect(problems({ url: 'rediss://redis:6379/0' })).toEqual(['config/staging.yaml: redis.url: must start with redis:// when tls.enabled is false: the in-cluster cache then serves no TLS (allowed: redis://redis:6379/0, or set tls.enabled true)']);
  });

  test('issuerRef only with TLS on, never an ACME issuer; unknown keys and kinds refused', () => {
    expect(problems({ tls: { issuerRef: { name: 'x' } } })).toEqual(['config/staging.yaml: redis.tls.issuerRef: only with tls.enabled true: without TLS no certificate is requested (allowed: set tls.enabled true, or leave issuerRef out)']);
    expect(problems({ ...TLS, tls: { enabled: true, issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' } } })).toEqual([
      'config/staging.yaml: redis.tls.issuerRef.name: "letsencrypt-prod" is an ACME issuer (certManager.issuers, type acme-http01): an ACME CA never signs the cache\'s cluster-internal names (allowed: a ca or vault issuer, or leave issuerRef out for the cache\'s own CA)',
    ]);
    expect(problems({ ...TLS, tls: { enabled: true, issuerRef: { name: 'x', kind: 'Secret' } } }).join('\n')).toMatch(/^config\/staging\.yaml: redis\.tls\.issuerRef\.kind: .*Issuer.*ClusterIssuer/);
    expect(problems({ ...TLS, tls: { enabled: true, clientCertificates: true } }).join('\n')).toBe('config/staging.yaml: redis.tls.clientCertificates: unknown key (allowed: enabled, issuerRef, restartOnRenewal)');
  });

  test('with a managed cache, redis.tls is refused in favour of managed.tls', () => {
    expect(problems({ mode: 'managed', managed: { host: 'cache.example.internal', cidrs: ['10.30.0.0/24'] }, tls: { enabled: true } }))
      .toContain('config/staging.yaml: redis.tls: only with mode in-cluster: the TLS of a managed cache is redis.managed.tls (allowed with mode managed: mode, managed, maxmemoryPolicy, exporter)');
  });
});

describe('redis.tls.restartOnRenewal: who rolls the pods onto a renewed certificate', () => {
  const RELOAD = 'secret.reloader.stakater.com/reload';
  const workloads = (objs: Record<string, any>[]) => objs.filter((o) => ['StatefulSet', 'Deployment'].includes(o.kind));
  const annotated = (objs: Record<string, any>[]) => workloads(objs).filter((o) => o.metadata.annotations?.[RELOAD] !== undefined)
    .map((o) => `${o.kind}/${o.metadata.name}: ${o.metadata.annotations[RELOAD]}`).sort();

  test.each(['redis', 'valkey'] as CacheEngine[])('reloader (engine %s): the cache StatefulSet and the HAProxy Deployment name the certificate Secret, nothing else does', (engine) => {
    const env = cacheEnv({ engine, ...TLS, tls: { enabled: true, restartOnRenewal: 'reloader' } });
    const objs = objectsOf(env);
    expect(annotated(objs)).toEqual([`Deployment/redis-haproxy: ${engine}-tls`, `StatefulSet/${engine}: ${engine}-tls`]);
    // On the workloads' own metadata (where Reloader reads it), not on the pod templates: the annotation itself rolls nothing.
    for (const w of workloads(objs)) expect(w.spec.template.metadata.annotations?.[RELOAD]).toBeUndefined();
    // the Secret it names is the one cert-manager writes and the pods mount
    expect(find(objs, 'Certificate', `${engine}-tls`).spec.secretName).toBe(`${engine}-tls`);
    expect(gate(env)).toEqual([]);
  });

  test('none (the default), and TLS off: no annotation; the output is the same as without the key', () => {
    const tlsDefault = objectsOf(cacheEnv({ ...TLS }));
    expect(annotated(tlsDefault)).toEqual([]);
    expect(strip(objectsOf(cacheEnv({ ...TLS, tls: { enabled: true, restartOnRenewal: 'none' } })))).toEqual(strip(tlsDefault));
    expect(annotated(objectsOf(cacheEnv({ engine: 'redis' })))).toEqual([]);
  });

  test('reloader without TLS is refused; an unknown value names the allowed ones', () => {
    expect(problems({ tls: { restartOnRenewal: 'reloader' } })).toEqual(['config/staging.yaml: redis.tls.restartOnRenewal: reloader only with tls.enabled true: without TLS there is no certificate Secret to watch (allowed: none, or set tls.enabled true)']);
    expect(problems({ ...TLS, tls: { enabled: true, restartOnRenewal: 'kured' } }).join('\n')).toMatch(/^config\/staging\.yaml: redis\.tls\.restartOnRenewal: .*none.*reloader/);
  });
});
