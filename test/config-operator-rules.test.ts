/**
 * What the operators, the API server, Alertmanager and Let's Encrypt would refuse at apply time, refused by the
 * config instead: one named case each, a one-line error naming the file and key and what is allowed. In-process
 * (parseConfig on inline YAML built from the test's own base objects).
 */
import { stringify } from 'yaml';
import { clock } from '../lib/database/schema';
import { parseCron } from '../lib/database/cron';
import { cnpgOverrides, cnpgYaml, merge } from './database-helpers';
import { configProblems, inlineEnvironment, objectsOf } from './helpers';

type Obj = Record<string, any>;
const BASE: Obj = { registry: 'registry.example.nl/pensioen', certManager: { email: 'ops@example.nl' }, network: { databaseCidrs: ['10.0.0.0/8'] } };

const problems = (yaml: string) => configProblems(yaml);
const base = (o: Obj) => problems(stringify(merge(BASE, o)));
const db = (o: Obj) => problems(cnpgYaml(cnpgOverrides(o)));
const params = (p: Record<string, string>) => db({ parameters: p });

function expectOne(found: string[], re: RegExp): void {
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(re);
}

describe('CloudNativePG webhook: parameters', () => {
  test.each([
    ['port', '5433', /fixed configuration parameter/],
    ['data_directory', '/tmp/pg', /is blocked by CloudNativePG/],
    ['shared_preload_libraries', 'pg_stat_statements', /is set by CloudNativePG itself/],
    ['listen_addresses', '*', /is blocked by CloudNativePG/],
    ['archive_command', '/bin/true', /is set by CloudNativePG itself/],
  ])('a fixed or blocked parameter %s is refused', (key, value, re) => {
    expectOne(params({ [key]: value }), new RegExp(`^config/x\\.yaml: database\\.cloudnativePg\\.parameters\\.${key}: .*${re.source}.*\\(allowed: leave it out`));
  });
  test('wal_level: minimal is refused (three instances stream and archive WAL)', () => {
    expectOne(params({ wal_level: 'minimal' }), /^config\/x\.yaml: database\.cloudnativePg\.parameters\.wal_level: "minimal" cannot stream to replicas or archive WAL.*\(allowed: replica, logical\)$/);
    expectOne(params({ wal_level: 'archive' }), /parameters\.wal_level: "archive" is not a wal_level \(allowed: replica, logical\)$/);
    expect(params({ wal_level: 'logical' })).toEqual([]);
  });
  test('hot_standby_feedback: maybe is not a PostgreSQL boolean', () => {
    expectOne(params({ hot_standby_feedback: 'maybe' }), /^config\/x\.yaml: database\.cloudnativePg\.parameters\.hot_standby_feedback: "maybe" is not a PostgreSQL boolean \(allowed: on, off/);
    expect(params({ hot_standby_feedback: 'ON', sync_replication_slots: 'fals' })).toEqual([]);
  });
  test('wal_log_hints off with more than one instance is refused', () => {
    expectOne(params({ wal_log_hints: 'off' }), /parameters\.wal_log_hints: must be on with more than one instance \(3\)/);
  });
  test('shared_buffers that is no PostgreSQL size, min_wal_size not below max_wal_size or the WAL volume', () => {
    expectOne(params({ shared_buffers: '1Gi' }), /parameters\.shared_buffers: "1Gi" is not a PostgreSQL memory size/);
    expectOne(params({ min_wal_size: '2GB', max_wal_size: '1GB' }), /parameters\.min_wal_size: \(2GB\) must be smaller than max_wal_size \(1GB\)/);
    expectOne(params({ max_wal_size: '8GB' }), /parameters\.max_wal_size: \(8GB\) must be smaller than the WAL volume \(walStorage\.size\)/);
    expect(params({ shared_buffers: '512', max_wal_size: '2GB' })).toEqual([]);
  });
});

describe('CloudNativePG webhook: Cluster names (DNS-1035 label, at most 50 characters)', () => {
  test('a name starting with a digit (1db) is refused', () => {
    expectOne(db({ clusterName: '1db' }), /^config\/x\.yaml: database\.cloudnativePg\.clusterName: "1db" is not a DNS-1035 label, which CloudNativePG requires of a Cluster name \(allowed: /);
  });
  test('a name of 51 characters is refused; 50 pass', () => {
    expectOne(db({ clusterName: `a${'b'.repeat(50)}` }), /clusterName: "ab+" has 51 characters; CloudNativePG allows at most 50 in a Cluster name$/);
    expect(db({ clusterName: `a${'b'.repeat(49)}` })).toEqual([]);
  });
  test('the recovery Cluster\'s name too, when recovery is enabled', () => {
    expectOne(db({ recovery: { enabled: true, clusterName: '9restore' } }), /database\.cloudnativePg\.recovery\.clusterName: "9restore" is not a DNS-1035 label/);
  });
});

describe('CloudNativePG webhook: ScheduledBackup schedule (robfig/cron v1.2.0)', () => {
  test('99 99 99 * * * cannot be parsed', () => {
    expectOne(db({ backup: { schedule: '99 99 99 * * *' } }),
      /^config\/x\.yaml: database\.cloudnativePg\.backup\.schedule: "99 99 99 \* \* \*" cannot be parsed by CloudNativePG's cron parser \(robfig\/cron: End of range \(99\) above maximum \(59\): 99\).*\(allowed: six fields, seconds first/);
  });
  test('a schedule that runs every second (or several times a minute) is refused', () => {
    expectOne(db({ backup: { schedule: '* 0 2 * * *' } }), /backup\.schedule: "\* 0 2 \* \* \*" starts a base backup 60 times a minute \(the first field is seconds\)/);
    expectOne(db({ backup: { schedule: '*/30 * * * * *' } }), /starts a base backup 2 times a minute/);
  });
  test('the parser follows robfig/cron: names, ranges, steps; its errors', () => {
    expect(parseCron('0 30 1 * jan-mar mon,fri')).not.toHaveProperty('error');
    expect(parseCron('0 0 2 * * 7')).toEqual({ error: 'End of range (7) above maximum (6): 7' });
    expect(parseCron('0 0 2 0 * *')).toEqual({ error: 'Beginning of range (0) below minimum (1): 0' });
    expect(parseCron('0 0 5-2 * * *')).toEqual({ error: 'Beginning of range (5) beyond end of range (2): 5-2' });
    expect(parseCron('0 */0 * * * *')).toEqual({ error: 'Step of range should be a positive number: */0' });
    expect(parseCron('0 x * * * *')).toMatchObject({ error: expect.stringMatching(/^Failed to parse int from x/) });
  });
});

describe('CloudNativePG recovery targetTime', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const real = clock.now;
  beforeAll(() => { clock.now = () => now; });
  afterAll(() => { clock.now = real; });
  test('an impossible offset (+99:99) is refused', () => {
    expectOne(db({ recovery: { enabled: true, targetTime: '2026-11-30T14:05:00+99:99' } }), /recovery\.targetTime: "2026-11-30T14:05:00\+99:99" is not an RFC 3339 time \(allowed: .*offsets up to \+23:59\)$/);
    expect(db({ recovery: { enabled: true, targetTime: '2026-11-30T14:05:00+14:00' } })).toEqual([]);
  });
  test('a time older than the retention is refused', () => {
    expectOne(db({ recovery: { enabled: true, targetTime: '2026-10-01T00:00:00Z' } }), /recovery\.targetTime: 2026-10-01T00:00:00Z is older than backup\.objectStore\.retentionPolicy 30d \(30 days\)/);
    expect(db({ backup: { objectStore: { retentionPolicy: '12w' } }, recovery: { enabled: true, targetTime: '2026-10-01T00:00:00Z' } })).toEqual([]);
  });
  test('a time in the future is refused', () => {
    expectOne(db({ recovery: { enabled: true, targetTime: '2026-12-02T00:00:00+01:00' } }), /recovery\.targetTime: 2026-12-02T00:00:00\+01:00 is in the future/);
  });
});

describe('storage sizes of 0 or below (the API server refuses the claim)', () => {
  test.each([['storage', '0'], ['walStorage', '-1Gi'], ['storage', '0Gi']])('database.cloudnativePg.%s.size %s', (key, size) => {
    expectOne(db({ [key]: { size } }), new RegExp(`^config/x\\.yaml: database\\.cloudnativePg\\.${key}\\.size: must be a size above 0 such as 10Gi`));
  });
  test('redis.persistence.size 0', () => {
    expectOne(base({ redis: { persistence: { size: '0' } } }), /^config\/x\.yaml: redis\.persistence\.size: must be a size above 0/);
  });
});

describe('Alertmanager and SLOs', () => {
  test.each(['groupInterval', 'repeatInterval'])('monitoring.alerting.%s of zero is refused (amtool: cannot be zero)', (key) => {
    expectOne(base({ monitoring: { alerting: { [key]: '0m' } } }), new RegExp(`^config/x\\.yaml: monitoring\\.alerting\\.${key}: must be a positive Prometheus duration .*zero is refused`));
  });
  test('a route repeatInterval of 0h is refused', () => {
    expect(base({ monitoring: { alerting: { routes: [{ matchers: { severity: 'critical' }, receiver: 'on-call', repeatInterval: '0h' }] } } }).join('\n'))
      .toMatch(/monitoring\.alerting\.routes\[0\]\.repeatInterval: must be a positive Prometheus duration/);
  });
  test('an SLO objective whose error budget rounds to 0 is refused; 0.999999 passes', () => {
    expectOne(base({ monitoring: { slo: { availability: { objective: 0.99999999 } } } }), /^config\/x\.yaml: monitoring\.slo\.availability\.objective: leaves an error budget that rounds to 0 .*\(allowed: at most 0\.999999/);
    expect(base({ monitoring: { slo: { latency: { objective: 0.999999 } } } })).toEqual([]);
  });
});

describe('edge', () => {
  test.each(['https://*', 'https://*.nl'])('CORS origin %s with credentials is refused; without credentials it passes', (origin) => {
    expectOne(base({ ingress: { cors: { allowOrigins: [origin], allowCredentials: true } } }),
      /^config\/x\.yaml: ingress\.cors\.allowOrigins\[0\]: ".*" is a wildcard origin and allowCredentials is true: every site it matches could make logged-in requests/);
    expect(base({ ingress: { cors: { allowOrigins: [origin], allowCredentials: false } } })).toEqual([]);
  });
  const gw = (maxBodySize: string) => base({ edge: { kind: 'gateway', gateway: { implementation: 'nginx-gateway-fabric', maxBodySize } } });
  test.each(['0', '0m', '00k'])('NGINX Gateway Fabric maxBodySize %s (no limit) is refused unless asked for as unlimited', (v) => {
    expectOne(gw(v), /^config\/x\.yaml: edge\.gateway\.maxBodySize: is 0, which NGINX reads as "no limit on the request body" \(allowed: .*write unlimited/);
    expect(gw('unlimited')).toEqual([]);
  });
  test.each([
    ['ops@example.com', /in example\.com, a domain reserved for examples/],
    ['ops@example.org', /in example\.org/],
    ['root@localhost.localdomain', /is in \.localdomain, which is not a public domain/],
    ['ops@cluster.local', /is in \.local, which is not a public domain/],
    ['ops@pensioen.test', /is in \.test/],
    ['ops@x.invalid', /is in \.invalid/],
  ])('ACME e-mail %s is refused for Let\'s Encrypt', (email, re) => {
    const found = base({ certManager: { email } });
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(p).toMatch(new RegExp(`^config/x\\.yaml: certManager\\.email: .*${re.source}.*Let's Encrypt refuses the account`));
  });
  test('an issuer\'s own e-mail is blamed at its own key; a private ACME server is not judged by Let\'s Encrypt\'s rules', () => {
    const issuers = [
      { name: 'letsencrypt-prod', type: 'acme-http01', email: 'me@example.net' },
      { name: 'step', type: 'acme-http01', server: 'https://ca.intern.nl/acme/acme/directory', email: 'me@example.net' },
    ];
    expectOne(base({ certManager: { issuers } }), /^config\/x\.yaml: certManager\.issuers\[0\]\.email: "me@example\.net" is in example\.net/);
  });
});

describe('every error names its config key', () => {
  test('a migration resource that is not a quantity is a migrations.resources error, not a gate finding about backend.resources', () => {
    expectOne(base({ migrations: { resources: { limits: { memory: 'lots' } } } }), /^config\/x\.yaml: migrations\.resources\.limits\.memory: must be a Kubernetes quantity/);
    expectOne(base({ migrations: { resources: { requests: { cpu: '2' } } } }), /^config\/x\.yaml: migrations\.resources\.requests\.cpu: must not exceed limits\.cpu \(1000m\), got 2$/);
  });
});

describe('migration Job names (kubectl apply: one immutable Job per image)', () => {
  const jobName = (image: string, registry = 'registry.example.nl/pensioen') => {
    const env = inlineEnvironment('kubectl', stringify(merge(BASE, { registry, gitops: { enabled: false }, backend: { image } })));
    const jobs = objectsOf(env).filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('backend-migrate'));
    expect(jobs).toHaveLength(1);
    return jobs[0].metadata.name as string;
  };
  test('tags 1.0.0 and 1_0_0 get different names', () => {
    expect(jobName('pensioen-backend:1.0.0')).not.toBe(jobName('pensioen-backend:1_0_0'));
  });
  test('two long tags sharing their first 40 characters get different names, each at most 63 characters', () => {
    const a = jobName(`pensioen-backend:${'x'.repeat(40)}-build-1`);
    const b = jobName(`pensioen-backend:${'x'.repeat(40)}-build-2`);
    expect(a).not.toBe(b);
    for (const n of [a, b]) expect(n.length).toBeLessThanOrEqual(63);
  });
  test('the same tag with another digest, or from another registry, gets another name; the same image the same name', () => {
    const d = (c: string) => `pensioen-backend:1.0.0@sha256:${c.repeat(64)}`;
    expect(jobName(d('a'))).not.toBe(jobName(d('b')));
    expect(jobName('pensioen-backend:1.0.0')).not.toBe(jobName('pensioen-backend:1.0.0', 'other.example.nl/pensioen'));
    expect(jobName('pensioen-backend:1.0.0')).toBe(jobName('pensioen-backend:1.0.0'));
    expect(jobName('pensioen-backend:1.0.0')).toMatch(/^backend-migrate-1-0-0-[0-9a-f]{8}$/);
  });
});
