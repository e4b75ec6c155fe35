/**
 * The cache modes: in-cluster Redis (the default), in-cluster Valkey (same topology under its own names and
 * binaries), and a managed cache (no cache objects; the backend, the exporter and the NetworkPolicies point at the
 * managed endpoint). Config rules of `redis.mode`/`redis.engine`/`redis.managed`.
 */
import { ConfigError } from '../lib/config';
import { allFindings, contextOf } from '../lib/validate';
import { rotationMarkdown, rotationSteps } from '../lib/redis/rotation';
import { secretSourcesOf } from '../lib/config/secret-sources';
import { ENGINE_IMAGES } from '../lib/redis/schema';
import { CACHE_USERS } from '../lib/redis/acl';
import { environment, find, objectsOf } from './helpers';
import { cacheEnv, MANAGED } from './fixtures/cache';

const names = (objs: Record<string, any>[], file = '35-redis.yaml') => objs.filter((o) => o.__file.endsWith(file)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
const problems = (redis: Record<string, unknown>, name = 'staging', extra: Record<string, unknown> = {}): string[] => {
  try { cacheEnv(redis, name, extra); return []; } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
};
const gate = (env: ReturnType<typeof cacheEnv>) => allFindings(objectsOf(env).map(({ __file, ...o }) => o), contextOf(env))
  .map((f) => `${f.kind}/${f.name} ${f.rule}: ${f.message}`);

describe('engine valkey', () => {
  const env = cacheEnv({ engine: 'valkey' });
  const objs = objectsOf(env);
  const sts = find(objs, 'StatefulSet', 'valkey');
  const pod = sts.spec.template.spec;
  const node = find(objs, 'ConfigMap', 'valkey-node').data;

  test('the same topology under Valkey\'s own names; HAProxy, Service redis and redis-config keep theirs', () => {
    expect(names(objs)).toEqual([
      'ConfigMap/redis-haproxy', 'ConfigMap/valkey-node', 'Deployment/redis-haproxy', 'NetworkPolicy/valkey', 'NetworkPolicy/valkey-haproxy',
      'PodDisruptionBudget/redis-haproxy-pdb', 'PodDisruptionBudget/valkey-pdb', 'Service/redis', 'Service/valkey-headless', 'Service/valkey-sentinel',
      'ServiceAccount/redis-haproxy', 'ServiceAccount/valkey', 'StatefulSet/valkey',
    ]);
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.serviceName).toBe('valkey-headless');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data']); // claims data-valkey-N: new volumes
    expect(find(objs, 'ConfigMap', 'redis-config').data['sentinel-hosts']).toBe(
      [0, 1, 2].map((i) => `valkey-${i}.valkey-headless.pensioen.svc.cluster.local:26379`).join(','));
    expect(find(objs, 'ConfigMap', 'redis-config').data.url).toBe('redis://backend@redis:6379/0');
  });

  test('pinned Valkey image with its version in the labels; a config image follows', () => {
    expect(ENGINE_IMAGES.valkey).toMatch(/^docker\.io\/valkey\/valkey:8\.\d+\.\d+$/);
    for (const c of pod.containers.filter((x: any) => x.name !== 'metrics')) expect(c.image).toBe(ENGINE_IMAGES.valkey);
    expect(sts.metadata.labels['app.kubernetes.io/version']).toBe(ENGINE_IMAGES.valkey.split(':')[1]);
    const own = objectsOf(cacheEnv({ engine: 'valkey', image: 'registry.internal/mirror/valkey:8.0.11' }));
    expect(find(own, 'StatefulSet', 'valkey').metadata.labels['app.kubernetes.io/version']).toBe('8.0.11');
  });

  test('Valkey binaries and config file name in every script and probe, never Redis\'s', () => {
    expect(Object.keys(node).sort()).toEqual(['acl.conf', 'common.sh', 'prestop-redis.sh', 'sentinel-acl.conf', 'sentinel.conf', 'start-redis.sh', 'start-sentinel.sh', 'valkey.conf']);
    expect(node['start-redis.sh']).toMatch(/^exec valkey-server "\$RUNTIME_DIR\/valkey.conf"$/m);
    expect(node['start-sentinel.sh']).toMatch(/^exec valkey-sentinel "\$SENTINEL_STATE"$/m);
    expect(node['common.sh']).toContain('timeout 3 valkey-cli --user admin --no-auth-warning --raw "$@"');
    expect(node['prestop-redis.sh']).toContain('"$TEMPLATES_DIR/valkey.conf"');
    const scripts = Object.entries(node).filter(([f]) => f.endsWith('.sh')).map(([, t]) => t).join('\n')
      .split('\n').filter((l) => !/^\s*#/.test(l)).join('\n'); // the commands, not the comments
    expect(scripts).not.toMatch(/redis-(cli|server|sentinel)|redis\.conf/);
    const probes = JSON.stringify(pod.containers.map((c: any) => [c.startupProbe, c.livenessProbe, c.readinessProbe]));
    expect(probes).toContain('valkey-cli');
    expect(probes).not.toContain('redis-cli');
    // valkey-cli reads REDISCLI_AUTH too (checked against the real binary by the chaos suite).
    expect(pod.containers[0].env.map((e: any) => e.name)).toContain('REDISCLI_AUTH');
  });

  test('HAProxy follows the Valkey pods; its NetworkPolicy is Valkey\'s own (both policies add up during a switch)', () => {
    const cfg = find(objs, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg'];
    expect(cfg).toContain('server valkey-0 valkey-0.valkey-headless.pensioen.svc.cluster.local:6379');
    expect(cfg).not.toMatch(/server redis-/);
    const sel = sts.spec.selector.matchLabels;
    const np = find(objs, 'NetworkPolicy', 'valkey-haproxy').spec;
    expect(np.egress[1].to[0].podSelector.matchLabels).toEqual(sel);
    expect(find(objs, 'NetworkPolicy', 'valkey').spec.podSelector.matchLabels).toEqual(sel);
  });

  test('the ServiceMonitor selects the Valkey exporters\' Service; every alert stays', () => {
    const mon = find(objs, 'ServiceMonitor', 'redis').spec.selector.matchLabels;
    const svc = find(objs, 'Service', 'valkey-headless');
    for (const [k, v] of Object.entries(mon)) expect(svc.metadata.labels[k]).toBe(v);
    const redisGroup = find(objs, 'PrometheusRule', 'pensioen-alerts').spec.groups.find((g: any) => g.name === 'pensioen-redis');
    expect(redisGroup.rules.map((r: any) => r.alert)).toEqual(expect.arrayContaining(['RedisNoPrimary', 'RedisMultiplePrimaries', 'RedisFailoverHappened']));
  });

  test('the rotation procedure names the Valkey pods and valkey-cli', () => {
    const md = rotationMarkdown(env);
    expect(md).toContain('kubectl -n $NS exec -i valkey-$i -c redis -- valkey-cli');
    expect(md).toContain('rollout restart statefulset/valkey');
    expect(md).not.toMatch(/redis-cli|exec -i redis-\$i/);
  });

  test('passes the validation gate', () => {
    expect(gate(env)).toEqual([]);
  });

  test('an image of the other engine is refused', () => {
    expect(problems({ engine: 'valkey', image: 'docker.io/library/redis:7.4.6' })).toEqual([
      expect.stringMatching(/^config\/staging\.yaml: redis\.image: is a redis image but engine is valkey \(allowed: a valkey image such as docker\.io\/valkey\/valkey:8/),
    ]);
    expect(problems({ image: 'docker.io/valkey/valkey:8.0.12' })).toEqual([expect.stringMatching(/redis\.image: is a valkey image but engine is redis/)]);
  });
});

test('engine redis written out is the default: the same objects', () => {
  expect(objectsOf(cacheEnv({ engine: 'redis', mode: 'in-cluster' }))).toEqual(objectsOf(cacheEnv(undefined)));
});

test('a switch of engine: the new engine\'s objects are new (new volumes: the cache starts empty), only HAProxy and the client settings are shared', () => {
  const before = new Set(names(objectsOf(cacheEnv(undefined))));
  const after = names(objectsOf(cacheEnv({ engine: 'valkey' })));
  expect(after.filter((n) => before.has(n))).toEqual([
    'ConfigMap/redis-haproxy', 'Deployment/redis-haproxy', 'PodDisruptionBudget/redis-haproxy-pdb', 'Service/redis', 'ServiceAccount/redis-haproxy',
  ]);
});

describe('mode managed', () => {
  const env = cacheEnv({ mode: 'managed', managed: MANAGED });
  const objs = objectsOf(env);
  const backend = find(objs, 'Deployment', 'backend').spec.template.spec;
  const redisEnv = backend.containers[0].env.filter((e: any) => /^REDIS_/.test(e.name));
  const exporter = find(objs, 'Deployment', 'redis-exporter').spec.template.spec.containers[0];

  test('no cache objects in the cluster: only the exporter, its Service and NetworkPolicy', () => {
    expect(names(objs)).toEqual(['Deployment/redis-exporter', 'NetworkPolicy/redis-exporter', 'Service/redis-exporter', 'ServiceAccount/redis-exporter']);
    expect(objs.filter((o) => /^(StatefulSet|PersistentVolumeClaim)$/.test(o.kind) || /haproxy|sentinel/.test(o.metadata.name))).toEqual([]);
  });

  test('the backend keeps REDIS_URL and REDIS_PASSWORD: rediss:// to the endpoint, no Sentinel settings', () => {
    expect(find(objs, 'ConfigMap', 'redis-config').data).toEqual({ url: `rediss://${MANAGED.host}:6379/0` });
    expect(redisEnv).toEqual([
      { name: 'REDIS_URL', valueFrom: { configMapKeyRef: { name: 'redis-config', key: 'url' } } },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-secrets', key: 'redis-password' } } },
    ]);
    const plain = objectsOf(cacheEnv({ mode: 'managed', managed: { ...MANAGED, tls: false, port: 6380, database: 2 } }));
    expect(find(plain, 'ConfigMap', 'redis-config').data.url).toBe(`redis://${MANAGED.host}:6380/2`);
  });

  test('NetworkPolicy egress of the backend and the exporter: the cache CIDRs on its port only', () => {
    const to = { to: [{ ipBlock: { cidr: '10.30.0.0/24' } }], ports: [{ protocol: 'TCP', port: 6380 }] };
    const o = objectsOf(cacheEnv({ mode: 'managed', managed: { ...MANAGED, port: 6380 } }));
    expect(find(o, 'NetworkPolicy', 'backend-managed-cache').spec).toEqual({
      podSelector: find(o, 'NetworkPolicy', 'backend').spec.podSelector, policyTypes: ['Egress'], egress: [to] });
    // The backend's own policy is the in-cluster one, unchanged: during a switch between in-cluster and managed
    // (either way) the backend pods not yet rolled keep reaching the cache they use, the other policy adds up.
    const inCluster = objectsOf(cacheEnv(undefined));
    expect(find(o, 'NetworkPolicy', 'backend').spec).toEqual(find(inCluster, 'NetworkPolicy', 'backend').spec);
    expect(inCluster.filter((x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'backend-managed-cache')).toEqual([]);
    expect(find(o, 'NetworkPolicy', 'redis-exporter').spec.egress).toContainEqual(to);
    expect(find(o, 'NetworkPolicy', 'redis-exporter').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: 9121 }] }]);
  });

  test('the exporter connects like the backend: the same URL, AUTH token and CA; CONFIG not used', () => {
    expect(exporter.env).toEqual([
      { name: 'REDIS_ADDR', value: `rediss://${MANAGED.host}:6379/0` },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-secrets', key: 'redis-password' } } },
      { name: 'REDIS_EXPORTER_CONFIG_COMMAND', value: '-' },
      { name: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', value: ':9121' },
    ]);
    const mon = find(objs, 'ServiceMonitor', 'redis').spec.selector.matchLabels;
    const svc = find(objs, 'Service', 'redis-exporter');
    for (const [k, v] of Object.entries(mon)) expect(svc.metadata.labels[k]).toBe(v);
  });

  test('a private CA: mounted into backend and exporter, named by REDIS_TLS_CA_FILE and the exporter flag', () => {
    const o = objectsOf(cacheEnv({ mode: 'managed', managed: { ...MANAGED, caSecret: { name: 'cache-ca', key: 'ca.pem' } } }));
    const b = find(o, 'Deployment', 'backend').spec.template.spec;
    const e = find(o, 'Deployment', 'redis-exporter').spec.template.spec;
    expect(find(o, 'ConfigMap', 'redis-config').data['tls-ca-file']).toBe('/etc/pensioen/redis-ca/ca.crt');
    for (const p of [b, e]) {
      expect(p.volumes).toContainEqual({ name: 'redis-ca', secret: { secretName: 'cache-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }], defaultMode: 0o444 } });
      expect(p.containers[0].volumeMounts).toContainEqual({ name: 'redis-ca', mountPath: '/etc/pensioen/redis-ca', readOnly: true });
    }
    expect(b.containers[0].env).toContainEqual({ name: 'REDIS_TLS_CA_FILE', valueFrom: { configMapKeyRef: { name: 'redis-config', key: 'tls-ca-file' } } });
    expect(e.containers[0].env).toContainEqual({ name: 'REDIS_EXPORTER_TLS_CA_CERT_FILE', value: '/etc/pensioen/redis-ca/ca.crt' });
  });

  test('REDIS_URL from a Secret: backend and exporter read it there, the ConfigMap has no url', () => {
    const ref = { secretKeyRef: { name: 'cache-endpoint', key: 'url' } };
    const o = objectsOf(cacheEnv({ mode: 'managed', managed: { urlSecret: { name: 'cache-endpoint', key: 'url' }, cidrs: ['10.30.0.0/24'] } }));
    expect(find(o, 'ConfigMap', 'redis-config').data).toEqual({});
    expect(find(o, 'Deployment', 'backend').spec.template.spec.containers[0].env).toContainEqual({ name: 'REDIS_URL', valueFrom: ref });
    expect(find(o, 'Deployment', 'redis-exporter').spec.template.spec.containers[0].env).toContainEqual({ name: 'REDIS_ADDR', valueFrom: ref });
  });

  test('alerts that make sense for a managed service: connection, memory and eviction, no Sentinel/primary alerts', () => {
    const groups = find(objs, 'PrometheusRule', 'pensioen-alerts').spec.groups;
    expect(groups.find((g: any) => g.name === 'pensioen-redis').rules.map((r: any) => r.alert)).toEqual(['RedisDown', 'RedisEvictionRateHigh', 'RedisRejectedConnections']);
    expect(JSON.stringify(groups)).not.toMatch(/RedisNoPrimary|RedisMultiplePrimaries|RedisFailoverHappened|redis_instance_info|redis_key_value/);
  });

  test('metrics: cloud: no exporter, no ServiceMonitor, no cache alerts (the cloud\'s alarms instead)', () => {
    const o = objectsOf(cacheEnv({ mode: 'managed', managed: { ...MANAGED, metrics: 'cloud' } }));
    expect(names(o)).toEqual([]);
    expect(o.filter((x) => x.kind === 'ServiceMonitor').map((x) => x.metadata.name)).not.toContain('redis');
    expect(JSON.stringify(find(o, 'PrometheusRule', 'pensioen-alerts').spec)).not.toMatch(/Redis|job="redis"/);
  });

  test('passes the validation gate (with a CA Secret and with a URL Secret)', () => {
    expect(gate(env)).toEqual([]);
    expect(gate(cacheEnv({ mode: 'managed', managed: { urlSecret: { name: 'cache-endpoint', key: 'url' }, caSecret: { name: 'cache-ca', key: 'ca.pem' }, cidrs: ['10.30.0.0/24'] } }))).toEqual([]);
  });
});

describe('config rules', () => {
  test('Sentinel and other in-cluster keys only where they configure something', () => {
    expect(problems({ mode: 'managed', managed: MANAGED, sentinel: { downAfterMilliseconds: 3000 }, replicas: 3, haproxy: { replicas: 2 } })).toEqual([
      'config/staging.yaml: redis.sentinel: only with mode in-cluster: a managed cache runs no Sentinels in the cluster (allowed with mode managed: mode, managed, maxmemoryPolicy, exporter)',
      'config/staging.yaml: redis.replicas: only with mode in-cluster: a managed cache runs no cache pods in the cluster (allowed with mode managed: mode, managed, maxmemoryPolicy, exporter)',
      'config/staging.yaml: redis.haproxy: only with mode in-cluster: a managed cache runs no cache pods in the cluster (allowed with mode managed: mode, managed, maxmemoryPolicy, exporter)',
    ]);
    expect(problems({ managed: MANAGED })).toEqual(['config/staging.yaml: redis.managed: only with mode managed (mode is "in-cluster")']);
    expect(problems({ mode: 'managed', managed: MANAGED, url: 'rediss://cache:6379/0' })).toEqual([
      'config/staging.yaml: redis.url: only with mode in-cluster: with a managed cache REDIS_URL comes from redis.managed (host, port, tls, database, or urlSecret)']);
  });

  test('ACL users are the in-cluster cache\'s: a managed cache refuses redis.acl, keeps the single token and no user in REDIS_URL', () => {
    expect(problems({ mode: 'managed', managed: MANAGED, acl: { backendKeys: ['cache:*'] } })).toEqual([
      'config/staging.yaml: redis.acl: only with mode in-cluster: a managed cache runs no cache pods in the cluster (allowed with mode managed: mode, managed, maxmemoryPolicy, exporter)']);
    const objs = objectsOf(cacheEnv({ mode: 'managed', managed: MANAGED }));
    expect(find(objs, 'ConfigMap', 'redis-config').data.url).toBe(`rediss://${MANAGED.host}:6379/0`);
    expect(secretSourcesOf(cacheEnv({ mode: 'managed', managed: MANAGED })).find((x) => x.name === 'redis-secrets')!.keys).toEqual(['redis-password']);
  });

  test('a managed cache needs its endpoint: host or urlSecret, exactly one, and CIDRs', () => {
    expect(problems({ mode: 'managed' })).toEqual([expect.stringMatching(/^config\/staging\.yaml: redis\.managed: is required with mode managed/)]);
    expect(problems({ mode: 'managed', managed: { cidrs: ['10.30.0.0/24'] } })).toEqual([
      'config/staging.yaml: redis.managed: needs exactly one of host (REDIS_URL built from host, port, tls) and urlSecret (REDIS_URL from a Secret)']);
    expect(problems({ mode: 'managed', managed: { ...MANAGED, urlSecret: { name: 'a', key: 'b' } } })).toHaveLength(1);
    expect(problems({ mode: 'managed', managed: { host: MANAGED.host, cidrs: [] } })).toEqual(["config/staging.yaml: redis.managed.cidrs: needs at least 1 item(s)"]);
  });

  test('TLS is required for a managed cache in production (by environment name or ENVIRONMENT), optional elsewhere', () => {
    const plain = { mode: 'managed', managed: { ...MANAGED, tls: false } };
    const msg = 'config/production.yaml: redis.managed.tls: must be true in production: the AUTH token and the data would cross the network in clear text (allowed: true; enable in-transit encryption on the cache)';
    expect(problems(plain, 'production')).toEqual([msg]);
    expect(problems(plain, 'staging', { appEnvironment: 'production' })).toEqual([msg.replace('production.yaml', 'staging.yaml')]);
    expect(problems(plain, 'staging')).toEqual([]);
    expect(problems({ mode: 'managed', managed: MANAGED }, 'production')).toEqual([]);
  });

  test('unknown engine or mode names the allowed values', () => {
    expect(problems({ engine: 'keydb' })).toEqual(['config/staging.yaml: redis.engine: got "keydb" (allowed: "redis", "valkey")']);
    expect(problems({ mode: 'cluster' })).toEqual(['config/staging.yaml: redis.mode: got "cluster" (allowed: "in-cluster", "managed")']);
  });
});

describe('password rotation through External Secrets', () => {
  test.each(['production', 'staging'])('%s: the ExternalSecret of secrets.redis carries every key the rotation sets and drops the one it removes', (name) => {
    const env = environment(name);
    expect(env.config.secretsProvider.type).toBe('external-secrets');
    const secret = env.config.secrets.redis;
    const source = secretSourcesOf(env).find((s) => s.name === secret.name)!;
    const es = find(objectsOf(env), 'ExternalSecret', secret.name).spec;
    // Every property of the remote JSON becomes a key, and a property removed in the store leaves the Secret:
    // nothing the rotation does is reverted by the operator, and no property it adds is missing.
    expect(es.dataFrom).toEqual([{ extract: { key: source.remoteKey } }]);
    expect(es.data).toBeUndefined();
    // Every ACL user's rotation: together they touch every key of the Secret, each user's password and previous key.
    const touched = CACHE_USERS.flatMap((u) => rotationSteps(env, u)).flatMap((s) => s.actions).flatMap((a) => (a.kind === 'secret' ? [...a.set.map((x) => x.key), ...a.remove] : []));
    expect([...new Set(touched)].sort()).toEqual([...source.keys, ...(source.optionalKeys ?? [])].sort());
    expect(source.keys).toEqual(['admin-password', 'exporter-password', 'haproxy-password', secret.key, 'replication-password', 'sentinel-password'].sort());
    expect(source.optionalKeys).toEqual([env.config.redis.previousPasswordKey, ...CACHE_USERS.filter((u) => u !== 'backend').map((u) => `previous-${u}-password`)].sort());
    expect(gate(env)).toEqual([]);
  });

  test('the documented procedure changes the store and waits for the Secret, never patches the Secret the operator owns', () => {
    const md = rotationMarkdown(environment('production'));
    expect(md).not.toContain('kubectl -n $NS patch secret');
    // The remote JSON holds every user's password: the steps edit the current value (jq), never replace it.
    expect(md).toContain('CUR=$(aws secretsmanager get-secret-value --region eu-central-1 --secret-id pensioen-production-redis-secrets --query SecretString --output text)');
    expect(md).toContain(`aws secretsmanager put-secret-value --region eu-central-1 --secret-id pensioen-production-redis-secrets --secret-string "$(printf '%s' "$CUR" | jq -c --arg k "$KEY" --arg pk "$PREV" --arg new "$NEW" --arg old "$OLD" '.[$k] = $new | .[$pk] = $old')"`);
    expect(md).toContain(`--secret-string "$(printf '%s' "$CUR" | jq -c --arg pk "$PREV" 'del(.[$pk])')"`);
    expect(md).toContain('kubectl -n $NS annotate externalsecret redis-secrets force-sync=$(date +%s) --overwrite');
    expect(rotationMarkdown(environment('staging'))).toMatch(/az keyvault secret set --vault-name \S+ --name \S+redis-secrets --value "\$\(printf '%s' "\$CUR" \| jq -c --arg pk "\$PREV" 'del\(\.\[\$pk\]\)'\)"/);
    expect(rotationMarkdown(environment('onprem'))).toContain('kubectl -n $NS patch secret');
  });

  test('a managed cache has no rotation key: the ExternalSecret maps the token as before', () => {
    const env = cacheEnv({ mode: 'managed', managed: MANAGED }, 'staging', {
      secretsProvider: { type: 'external-secrets', store: { kind: 'SecretStore', backend: 'aws-secrets-manager', aws: { region: 'eu-central-1', roleArn: 'arn:aws:iam::111122223333:role/x' } } },
    });
    const es = find(objectsOf(env), 'ExternalSecret', 'redis-secrets').spec;
    expect(es.dataFrom).toBeUndefined();
    expect(es.data).toEqual([{ secretKey: 'redis-password', remoteRef: { key: 'pensioen-staging-redis-secrets' } }]);
  });
});

test.each(['redis', 'valkey'])('%s: the rendered server config with the password lives on a memory-backed volume', (engine) => {
  const objs = objectsOf(cacheEnv({ engine }));
  const pod = objs.find((o) => o.kind === 'StatefulSet')!.spec.template.spec;
  const redis = pod.containers.find((c: any) => c.name === 'redis');
  const runtime = redis.volumeMounts.find((m: any) => m.mountPath === redis.env.find((e: any) => e.name === 'RUNTIME_DIR').value);
  expect(pod.volumes.find((v: any) => v.name === runtime.name)).toEqual({ name: runtime.name, emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } });
  // start-redis.sh writes the password lines only into that folder.
  const script = find(objs, 'ConfigMap', engine === 'redis' ? 'redis-node' : 'valkey-node').data['start-redis.sh'];
  expect(script).toMatch(/acl_lines acl\.conf\n  echo "masteruser replication"\n  printf 'masterauth[^\n]*\n[\s\S]*\} >> "\$RUNTIME_DIR\//);
});
