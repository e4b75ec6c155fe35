/** The Redis + Sentinel chart: explicit checks of what matters, plus a snapshot. */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../lib/config';
import { allFindings, contextOf } from '../lib/validate';
import { rotationMarkdown } from '../lib/redis/rotation';
import { BACKEND_COMMANDS_DEFAULT } from '../lib/redis/schema';
import { environments, find, inlineEnvironment, objectsOf, podSpecs, FIXTURES, ROOT } from './helpers';

const objects = objectsOf('production');
const redisObjects = objects.filter((o) => o.__file.endsWith('35-redis.yaml'));
const node = find(objects, 'ConfigMap', 'redis-node').data;
const sts = find(objects, 'StatefulSet', 'redis');
const pod = sts.spec.template.spec;
const container = (name: string) => pod.containers.find((c: any) => c.name === name);
const haproxy = find(objects, 'Deployment', 'redis-haproxy');
const np = (name: string) => find(objects, 'NetworkPolicy', name).spec;
const lines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));
const productionYaml = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8');
/** config/production.yaml with its `redis` section overridden by these keys. */
const withRedis = (redis: Record<string, unknown>) => {
  const doc = parse(productionYaml);
  doc.redis = { ...(doc.redis ?? {}), ...redis };
  return inlineEnvironment('production', stringify(doc));
};

test('every environment gets 35-redis.yaml with the StatefulSet, HAProxy and their Services', () => {
  for (const env of environments()) {
    const files = new Set(objectsOf(env).map((o) => o.__file));
    expect(files).toContain(`${env.name}/35-redis.yaml`);
  }
  expect(redisObjects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
    'ConfigMap/redis-haproxy', 'ConfigMap/redis-node', 'Deployment/redis-haproxy', 'NetworkPolicy/redis', 'NetworkPolicy/redis-haproxy',
    'PodDisruptionBudget/redis-haproxy-pdb', 'PodDisruptionBudget/redis-pdb', 'Service/redis', 'Service/redis-headless', 'Service/redis-sentinel',
    'ServiceAccount/redis', 'ServiceAccount/redis-haproxy', 'StatefulSet/redis',
  ]);
});

test('redis.conf has exactly the seed values and the command policy', () => {
  const conf = lines(node['redis.conf']);
  for (const l of ['maxmemory 256mb', 'maxmemory-policy allkeys-lru', 'appendonly yes', 'appendfsync everysec']) {
    expect(conf.filter((x) => x.split(' ')[0] === l.split(' ')[0])).toEqual([l]);
  }
  expect(conf).toEqual(expect.arrayContaining([
    'rename-command FLUSHALL ""', 'rename-command FLUSHDB ""', 'rename-command DEBUG ""', 'rename-command KEYS ""',
    'rename-command CONFIG PENSIOEN-ADMIN-CONFIG', 'dir @DATA_DIR@', 'replica-announce-ip @POD_HOST@',
  ]));
});

test('sentinel.conf: master pensioen-redis, quorum 2, seed timings, hostnames, and the renamed CONFIG', () => {
  const conf = lines(node['sentinel.conf']);
  expect(conf).toEqual(expect.arrayContaining([
    'port @SENTINEL_PORT@',
    'sentinel resolve-hostnames yes',
    'sentinel announce-hostnames yes',
    'sentinel monitor pensioen-redis @PRIMARY_HOST@ @PRIMARY_PORT@ 2',
    'sentinel down-after-milliseconds pensioen-redis 5000',
    'sentinel failover-timeout pensioen-redis 10000',
    'sentinel rename-command pensioen-redis CONFIG PENSIOEN-ADMIN-CONFIG',
  ]));
  // resolve-hostnames must come before the monitor line that names a host.
  expect(conf.indexOf('sentinel resolve-hostnames yes')).toBeLessThan(conf.findIndex((l) => l.startsWith('sentinel monitor')));
  const sentinelEnv = Object.fromEntries(container('sentinel').env.filter((e: any) => e.value).map((e: any) => [e.name, e.value]));
  expect(sentinelEnv.SENTINEL_PORT).toBe('26379');
  expect(sentinelEnv.MASTER_NAME).toBe('pensioen-redis');
});

test('the preStop hand-over keeps the old primary paused until HAProxy can see the new one (HANDOVER_SETTLE_MS = 2 x downinter + 100)', () => {
  const cfg: string = find(objects, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg'];
  const downinter = Number(/downinter (\d+)ms/.exec(cfg)![1]);
  const rise = Number(/ rise (\d+)/.exec(cfg)![1]);
  const env = Object.fromEntries(container('redis').env.filter((e: any) => e.value).map((e: any) => [e.name, e.value]));
  expect(Number(env.HANDOVER_SETTLE_MS)).toBe(rise * downinter + 100);
  // The order in the script: wait for other replicas at the new primary, settle, then REPLICAOF.
  const pre: string = node['prestop-redis.sh'];
  expect(pre.indexOf('state=online')).toBeLessThan(pre.indexOf('HANDOVER_SETTLE_MS:-0'));
  expect(pre.indexOf('HANDOVER_SETTLE_MS:-0')).toBeLessThan(pre.indexOf('local_cli REPLICAOF'));
  // Replication PINGs are off during the hand-over (they would put replicas ahead of the new primary).
  expect(pre.indexOf('SET repl-ping-replica-period 3600')).toBeLessThan(pre.indexOf('CLIENT PAUSE "'));
});

test('no password anywhere in the output; every client has its own ACL user, its password from its own key of the Secret redis-secrets', () => {
  // The config templates have no password line; the scripts only ever write the variables from the Secret.
  for (const f of ['redis.conf', 'sentinel.conf', 'acl.conf', 'sentinel-acl.conf']) {
    expect(lines(node[f]).filter((l) => /requirepass|masterauth|auth-pass|sentinel-pass|>/.test(l))).toEqual([]);
  }
  const passwordLines = Object.values(node).join('\n').split('\n').filter((l) => /requirepass|masterauth|auth-pass|sentinel-pass|">%s"/.test(l) && !l.trim().startsWith('#'));
  expect(passwordLines).toEqual([
    `      printf 'user %s %s ">%s" ">%s"\\n' "$name" "$rules" "$(conf_quote "$pw")" "$(conf_quote "$prev")"`,
    `      printf 'user %s %s ">%s"\\n' "$name" "$rules" "$(conf_quote "$pw")"`,
    `  printf 'masterauth "%s"\\n' "$(conf_quote "$(user_password replication)")"`,
    `  printf 'sentinel auth-pass %s "%s"\\n' "$MASTER_NAME" "$pw"`,
    `    printf 'sentinel sentinel-pass "%s"\\n' "$pw"`,
  ]);
  expect(redisObjects.filter((o) => o.kind === 'Secret')).toEqual([]);
  const secretRefs = redisObjects.flatMap((o) => podSpecs([o])).flatMap((p) => [...(p.spec.initContainers ?? []), ...p.spec.containers])
    .flatMap((c: any) => (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => `${c.name}:${e.name}=${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`));
  const node3 = (c: string) => [
    `${c}:REDISCLI_AUTH=redis-secrets/admin-password`,
    ...['admin', 'exporter', 'haproxy', 'replication', 'sentinel'].map((u) => `${c}:REDIS_ACL_PASSWORD_${u.toUpperCase()}=redis-secrets/${u}-password`),
    `${c}:REDIS_ACL_PASSWORD_BACKEND=redis-secrets/redis-password`,
    ...['admin', 'exporter', 'haproxy', 'replication', 'sentinel'].map((u) => `${c}:REDIS_ACL_PREVIOUS_PASSWORD_${u.toUpperCase()}=redis-secrets/previous-${u}-password`),
    `${c}:REDIS_ACL_PREVIOUS_PASSWORD_BACKEND=redis-secrets/previous-password`,
  ];
  expect(secretRefs.sort()).toEqual([
    'haproxy:REDIS_HAPROXY_PASSWORD=redis-secrets/haproxy-password',
    'metrics:REDIS_PASSWORD=redis-secrets/exporter-password',
    ...node3('redis'), ...node3('sentinel'),
  ].sort());
  // The previous passwords (rotation only) are optional keys: pods start without them.
  for (const c of ['redis', 'sentinel']) {
    for (const e of container(c).env.filter((x: any) => x.name.startsWith('REDIS_ACL_PREVIOUS_PASSWORD_'))) expect(e.valueFrom.secretKeyRef.optional).toBe(true);
  }
  // Each client authenticates as its own user: HAProxy's check, the exporter, the probes and scripts (admin),
  // replicas (masteruser) and the Sentinels (auth-user towards the servers, sentinel-user towards each other).
  expect(find(objects, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg']).toContain('tcp-check send "AUTH haproxy ${REDIS_HAPROXY_PASSWORD}\\r\\n"');
  expect(container('metrics').env).toContainEqual({ name: 'REDIS_USER', value: 'exporter' });
  for (const c of ['redis', 'sentinel']) expect(JSON.stringify(container(c).readinessProbe)).toContain('--user admin');
  expect(node['start-redis.sh']).toContain('echo "masteruser replication"');
  expect(node['start-sentinel.sh']).toContain('echo "sentinel auth-user $MASTER_NAME sentinel"');
  expect(node['start-sentinel.sh']).toContain('echo "sentinel sentinel-user sentinel"');
  expect(node['prestop-redis.sh']).toContain('local_cli() { timeout 3 redis-cli --user admin ');
});

test('ACL users: default off, each user\'s rules; the backend\'s keys and commands follow the config, administration is refused', () => {
  const acl = lines(node['acl.conf']);
  expect(acl[0]).toBe('user default off resetpass resetkeys resetchannels -@all');
  expect(acl.map((l) => l.split(' ')[1])).toEqual(['default', 'admin', 'backend', 'replication', 'sentinel', 'haproxy', 'exporter']);
  expect(acl).toContain('user replication on resetchannels -@all +psync +replconf +ping');
  expect(acl).toContain('user haproxy on resetchannels -@all +auth +ping +info +quit');
  expect(acl.find((l) => l.startsWith('user backend '))).toBe(`user backend on resetkeys ~* resetchannels -@all ${BACKEND_COMMANDS_DEFAULT}`);
  expect(lines(node['sentinel-acl.conf']).map((l) => l.split(' ')[1])).toEqual(['default', 'admin', 'backend', 'sentinel']);
  const narrowed = find(objectsOf(withRedis({ acl: { backendKeys: ['cache:*', 'LIMITS:*'], backendCommands: '+@read +@connection' } })), 'ConfigMap', 'redis-node').data['acl.conf'];
  expect(narrowed).toContain('user backend on resetkeys ~cache:* ~LIMITS:* resetchannels -@all +@read +@connection\n');
  expect(problemsWithRedis({ acl: { backendCommands: '+@read +@admin' } })).toEqual([expect.stringMatching(/^config\/production\.yaml: redis\.acl\.backendCommands: must not grant \+@admin: .*\(refused: /)]);
  expect(problemsWithRedis({ acl: { backendCommands: '+@all' } })).toEqual([expect.stringMatching(/redis\.acl\.backendCommands: must not grant \+@all/)]);
  expect(problemsWithRedis({ acl: { backendCommands: '+config|get' } })).toEqual([expect.stringMatching(/redis\.acl\.backendCommands: must not grant \+config\|get/)]);
  expect(problemsWithRedis({ acl: { backendKeys: ['a b'] } })).toEqual([expect.stringMatching(/redis\.acl\.backendKeys\[0\]: must be a key pattern/)]);
  expect(problemsWithRedis({ acl: { backendCommands: '+get >secret' } })).toEqual([expect.stringMatching(/redis\.acl\.backendCommands: must be ACL command rules/)]);
});

test('password rotation: redis.previousPasswordKey (the backend user\'s previous password) follows the config into the pods; it may not be the password key', () => {
  const o = objectsOf(withRedis({ previousPasswordKey: 'redis-password-old' }));
  const env = find(o, 'StatefulSet', 'redis').spec.template.spec.containers.find((c: any) => c.name === 'redis').env;
  expect(env.find((e: any) => e.name === 'REDIS_ACL_PREVIOUS_PASSWORD_BACKEND').valueFrom.secretKeyRef).toEqual({ name: 'redis-secrets', key: 'redis-password-old', optional: true });
  let problems: string[] = [];
  try { withRedis({ previousPasswordKey: 'redis-password' }); } catch (e) { if (e instanceof ConfigError) problems = e.problems; else throw e; }
  expect(problems).toEqual([expect.stringMatching(/^config\/production\.yaml: redis\.previousPasswordKey: must differ from secrets\.redis\.key \("redis-password"\).*\(allowed: /)]);
  expect(() => withRedis({ previousPasswordKey: 'no spaces' })).toThrow(/redis\.previousPasswordKey: must be a Secret key/);
});

test('the backend\'s password keys may not be another cache user\'s key of the same Secret', () => {
  expect(problemsWithRedis({ previousPasswordKey: 'previous-admin-password' })).toEqual([
    expect.stringMatching(/^config\/production\.yaml: redis\.previousPasswordKey: must not be "previous-admin-password": that key of the Secret holds another cache user's password \(allowed: a key other than admin-password, /)]);
  const text = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8');
  expect(text).not.toMatch(/^secrets:/m);
  let problems: string[] = [];
  try { inlineEnvironment('production', `${text}\nsecrets:\n  redis: { name: redis-secrets, key: sentinel-password }\n`); } catch (e) { if (e instanceof ConfigError) problems = e.problems; else throw e; }
  expect(problems).toEqual([expect.stringMatching(/^config\/production\.yaml: secrets\.redis\.key: must not be "sentinel-password": that key of the Secret holds another cache user's password/)]);
});

test('StatefulSet: 3 pods, headless governing Service, PVC from config, one pod per node', () => {
  expect(sts.spec.replicas).toBe(3);
  expect(sts.spec.serviceName).toBe('redis-headless');
  expect(sts.spec.podManagementPolicy).toBe('Parallel');
  expect(sts.spec.volumeClaimTemplates).toEqual([expect.objectContaining({
    metadata: expect.objectContaining({ name: 'data' }),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
  })]);
  expect(container('redis').volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
    { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: sts.spec.selector.matchLabels } },
  ]);
  expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' });
  const custom = withRedis({ persistence: { size: '10Gi', storageClass: 'fast-ssd' }, antiAffinity: 'preferred' });
  const s2 = find(objectsOf(custom), 'StatefulSet', 'redis');
  expect(s2.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '10Gi' } } });
  expect(s2.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
});

test('Services: exactly one Service is name=redis + component=redis, the headless one with port metrics 9121', () => {
  const both = objects.filter((o) => o.kind === 'Service' && o.metadata.labels['app.kubernetes.io/name'] === 'redis'
    && o.metadata.labels['app.kubernetes.io/component'] === 'redis');
  expect(both.map((s) => s.metadata.name)).toEqual(['redis-headless']);
  const headless = both[0].spec;
  expect(headless.clusterIP).toBe('None');
  expect(headless.publishNotReadyAddresses).toBe(true);
  expect(headless.ports).toEqual([
    { name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' },
    { name: 'sentinel', port: 26379, targetPort: 'sentinel', protocol: 'TCP' },
    { name: 'metrics', port: 9121, targetPort: 'metrics', protocol: 'TCP' },
  ]);
  // REDIS_URL's Service `redis` fronts HAProxy, not the Redis pods.
  const proxySvc = find(objects, 'Service', 'redis');
  expect(proxySvc.spec.selector).toEqual(haproxy.spec.selector.matchLabels);
  expect(proxySvc.metadata.labels['app.kubernetes.io/component']).toBe('redis-proxy');
  expect(find(objects, 'Service', 'redis-sentinel').spec.ports).toEqual([{ name: 'sentinel', port: 26379, targetPort: 'sentinel', protocol: 'TCP' }]);
});

test('fixed pod labels: Redis pods component redis, HAProxy pods name redis-haproxy component redis-proxy', () => {
  expect(sts.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/component': 'redis' });
  expect(haproxy.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'redis-haproxy', 'app.kubernetes.io/component': 'redis-proxy' });
});

test('ConfigMap redis-config: REDIS_URL through HAProxy with the backend\'s user and no password, Sentinel endpoints and master name', () => {
  expect(find(objects, 'ConfigMap', 'redis-config').data).toEqual({
    url: 'redis://backend@redis:6379/0',
    username: 'backend',
    'sentinel-master-name': 'pensioen-redis',
    'sentinel-hosts': [0, 1, 2].map((i) => `redis-${i}.redis-headless.pensioen.svc.cluster.local:26379`).join(','),
    'sentinel-service': 'redis-sentinel.pensioen.svc.cluster.local:26379',
    'sentinel-requires-password': 'true',
  });
});

test('HAProxy: 2 replicas, PDB, spread, runs as uid 99 with its config read-only', () => {
  expect(haproxy.spec.replicas).toBe(2);
  expect(find(objects, 'PodDisruptionBudget', 'redis-haproxy-pdb').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: haproxy.spec.selector.matchLabels } });
  expect(find(objects, 'PodDisruptionBudget', 'redis-pdb').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: sts.spec.selector.matchLabels } });
  const c = haproxy.spec.template.spec.containers[0];
  expect(c.securityContext).toMatchObject({ runAsUser: 99, runAsGroup: 99, readOnlyRootFilesystem: true });
  expect(c.image).toMatch(/^docker\.io\/library\/haproxy:[23]\.\d+\.\d+@sha256:[a-f0-9]{64}$/);
  expect(haproxy.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
});

test('containers: images pinned, the images\' own users, restricted, probes everywhere', () => {
  expect(container('redis').image).toMatch(/^docker\.io\/library\/redis:7\.\d+\.\d+@sha256:[a-f0-9]{64}$/);
  expect(container('sentinel').image).toBe(container('redis').image);
  expect(container('metrics').image).toMatch(/^docker\.io\/oliver006\/redis_exporter:v1\.\d+\.\d+$/);
  expect(container('redis').securityContext.runAsUser).toBe(999);
  expect(container('sentinel').securityContext.runAsUser).toBe(999);
  expect(container('metrics').securityContext.runAsUser).toBe(59000);
  expect(container('metrics').ports).toEqual([{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }]);
  expect(container('metrics').env).toContainEqual({ name: 'REDIS_EXPORTER_CONFIG_COMMAND', value: 'PENSIOEN-ADMIN-CONFIG' });
  for (const p of podSpecs(redisObjects)) {
    for (const c of [...(p.spec.initContainers ?? []), ...p.spec.containers]) {
      expect(c.securityContext).toEqual(expect.objectContaining({
        runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false,
        capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      }));
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.livenessProbe).toBeDefined();
      expect(c.readinessProbe).toBeDefined();
    }
    expect(p.spec.automountServiceAccountToken).toBe(false);
  }
  // A stopping primary hands its role over first; HAProxy keeps serving while it leaves the endpoints.
  expect(container('redis').lifecycle).toEqual({ preStop: { exec: { command: ['sh', '/opt/redis/templates/prestop-redis.sh'] } } });
  expect(container('redis').env).toContainEqual({ name: 'PRESTOP_WAIT_SECONDS', value: '10' });
  expect(haproxy.spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
  // The password lives in a writable, memory-backed emptyDir copy, never on the ConfigMap mount or the node's disk.
  expect(container('redis').volumeMounts).toContainEqual({ name: 'templates', mountPath: '/opt/redis/templates', readOnly: true });
  expect(pod.volumes).toContainEqual({ name: 'run-redis', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } });
  expect(pod.volumes).toContainEqual({ name: 'sentinel-runtime', emptyDir: { sizeLimit: '16Mi' } });
});

test('NetworkPolicies: only backend, HAProxy, Prometheus and Redis itself reach Redis', () => {
  const backend = find(objects, 'Deployment', 'backend').spec.selector.matchLabels;
  const redisSel = sts.spec.selector.matchLabels;
  const proxySel = haproxy.spec.selector.matchLabels;
  const port = (p: number) => ({ protocol: 'TCP', port: p });
  expect(np('redis').podSelector).toEqual({ matchLabels: redisSel });
  expect(np('redis').ingress).toEqual([
    { from: [{ podSelector: { matchLabels: backend } }, { podSelector: { matchLabels: redisSel } }], ports: [port(6379), port(26379)] },
    { from: [{ podSelector: { matchLabels: proxySel } }], ports: [port(6379)] },
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [port(9121)] },
  ]);
  expect(np('redis').egress[1]).toEqual({ to: [{ podSelector: { matchLabels: redisSel } }], ports: [port(6379), port(26379)] });
  expect(np('redis').egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, port(53)]);
  expect(np('redis-haproxy').ingress).toEqual([{ from: [{ podSelector: { matchLabels: backend } }], ports: [port(6379)] }]);
  expect(np('redis-haproxy').egress[1]).toEqual({ to: [{ podSelector: { matchLabels: redisSel } }], ports: [port(6379)] });
});

/** The config problems of production with these `redis` keys changed; [] when it is accepted. */
function problemsWithRedis(redis: Record<string, unknown>): string[] {
  try {
    withRedis(redis);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}
const bad = problemsWithRedis;

test('config: quorum must be a majority, CONFIG may not be disabled, maxmemory must fit the limit', () => {
  expect(bad({ quorum: 1 })).toEqual(['config/production.yaml: redis.quorum: must be a majority of replicas (2–3), got 1']);
  expect(bad({ disabledCommands: ['CONFIG'] })[0]).toMatch(/^config\/production\.yaml: redis\.disabledCommands: must not contain CONFIG/);
  expect(bad({ maxmemory: '1gb' })[0]).toBe('config/production.yaml: redis.resources.limits.memory: must be at least 2 x maxmemory (1gb, fork copy-on-write) + replicaOutputBuffer.hardLimit (256mb) = 2304Mi, got 768Mi (allowed: raise it, or lower maxmemory or replicaOutputBuffer.hardLimit)');
  expect(bad({ replicas: 2 })[0]).toMatch(/redis\.replicas: must be at least 3/);
  expect(bad({ image: 'docker.io/library/redis:latest' })[0]).toMatch(/redis\.image: .*latest/);
  expect(bad({ renamedCommands: { CONFIG: 'x' } })[0]).toMatch(/redis\.renamedCommands\.CONFIG: must be at least 8/);
});

test('config changes reach the files: no renamed CONFIG means no sentinel rename-command', () => {
  const env = withRedis({ renamedCommands: {}, disabledCommands: ['FLUSHALL'] });
  const data = find(objectsOf(env), 'ConfigMap', 'redis-node').data;
  expect(data['sentinel.conf']).not.toContain('rename-command');
  expect(lines(data['redis.conf']).filter((l) => l.startsWith('rename-command'))).toEqual(['rename-command FLUSHALL ""']);
});

test.each(environments().map((e) => [e.name, e] as const))('%s: the Redis objects pass the validation gate (schema, restricted PSS, best practices, references)', (_name, env) => {
  // Built-in kinds only: the Redis chart has no custom resources, and the gate's CRD handling is not ours to test here.
  const builtIn = (objectsOf(env) as any[]).filter((o) => !o.apiVersion.includes('.') || o.apiVersion.includes('k8s.io'));
  const mine = new Set(builtIn.filter((o) => o.__file.endsWith('35-redis.yaml')).map((o) => `${o.kind}/${o.metadata.name}`));
  expect(mine.size).toBeGreaterThan(10);
  const findings = allFindings(builtIn.map(({ __file, ...o }) => o), contextOf(env));
  expect(findings.filter((f) => mine.has(`${f.kind}/${f.name}`)).map((f) => `${f.kind}/${f.name} ${f.rule}: ${f.message}`)).toEqual([]);
});

test('snapshot of the redis chart', () => {
  expect(redisObjects).toMatchSnapshot();
});

test('the cache config rules: every one fails with a one-line error naming the key, and its fix passes', () => {
  // Commands the probes, Sentinel, HAProxy, the exporter or the preStop hand-over need.
  for (const cmd of ['PING', 'info', 'ROLE', 'AUTH', 'REPLICAOF', 'MULTI', 'EXEC', 'CLIENT', 'PSYNC', 'QUIT']) {
    expect(bad({ disabledCommands: ['FLUSHALL', cmd] })).toEqual([expect.stringMatching(new RegExp(`^config/production\\.yaml: redis\\.disabledCommands\\[1\\]: must not disable ${cmd.toUpperCase()}: needed by .+ \\(allowed: `))]);
  }
  expect(bad({ renamedCommands: { CONFIG: 'PENSIOEN-ADMIN-CONFIG', INFO: 'SECRET-INFO-NAME' } })).toEqual([expect.stringMatching(/^config\/production\.yaml: redis\.renamedCommands\.INFO: must not rename INFO: used under its own name by Sentinel, HAProxy and the exporter/)]);
  expect(bad({ disabledCommands: ['FLUSHALL', 'SHUTDOWN'] })).toEqual([]);
  // maxmemory 0 means "no limit": rejected in any spelling.
  for (const zero of ['0', '0mb', '0gb']) expect(bad({ maxmemory: zero })[0]).toMatch(/^config\/production\.yaml: redis\.maxmemory: must be more than 0/);
  // limit >= 2 x maxmemory + replica output buffer hard limit; lowering the buffer is the other way out.
  expect(bad({ maxmemory: '300mb' })[0]).toMatch(/redis\.resources\.limits\.memory: must be at least 2 x maxmemory \(300mb.*= 856Mi, got 768Mi/);
  expect(bad({ maxmemory: '300mb', replicaOutputBuffer: { hardLimit: '128mb' } })).toEqual([]);
  expect(bad({ maxmemory: '300mb', resources: { limits: { memory: '856Mi' } } })).toEqual([]);
  // min-replicas-to-write must leave a primary that can write with every replica up.
  expect(bad({ minReplicasToWrite: 3 })).toEqual(['config/production.yaml: redis.minReplicasToWrite: must be at most replicas - 1 (2), got 3: the primary would refuse every write']);
});

test('min-replicas-to-write follows the config into redis.conf and the HAProxy check; 0 turns both off', () => {
  const files = (redis: Record<string, unknown>) => {
    const o = objectsOf(withRedis(redis));
    return { conf: find(o, 'ConfigMap', 'redis-node').data['redis.conf'] as string, cfg: find(o, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg'] as string };
  };
  const def = files({});
  expect(def.conf).toContain('min-replicas-to-write 1\nmin-replicas-max-lag 10\n');
  expect(def.conf).toContain('client-output-buffer-limit replica 256mb 64mb 60\n');
  const two = files({ minReplicasToWrite: 2, minReplicasMaxLagSeconds: 5, replicaOutputBuffer: { hardLimit: '128MB' } });
  expect(two.conf).toContain('min-replicas-to-write 2\nmin-replicas-max-lag 5\n');
  expect(two.conf).toContain('client-output-buffer-limit replica 128mb 64mb 60\n');
  expect(two.cfg).toContain('min_slaves_good_slaves:([2-9]|[1-9][0-9]+)');
  const off = files({ minReplicasToWrite: 0 });
  expect(off.conf).not.toContain('min-replicas');
  expect(off.cfg).toContain('rstring "role:master\\r\\n"');
  expect(off.cfg).not.toContain('min_slaves');
});

test('docs/cache.md shows the password rotation exactly as lib/redis/rotation.ts lists it (what the chaos test performs)', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'cache.md'), 'utf8');
  const production = environments().find((e) => e.name === 'production')!;
  const start = '<!-- rotation:start (generated from lib/redis/rotation.ts; test/redis.test.ts keeps it current) -->\n';
  const end = '<!-- rotation:end -->';
  expect(doc).toContain(start);
  expect(doc.slice(doc.indexOf(start) + start.length, doc.indexOf(end))).toBe(`${rotationMarkdown(production)}\n`);
});
