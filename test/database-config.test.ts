/**
 * The `database` configuration: defaults, and one failing case per rule, each a one-line error naming the
 * file, the key path and what is allowed. The last test runs the real synth on a bad config: exit 1, no stack
 * trace, the output folder untouched.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configProblems } from './helpers';
import { cnpgOverrides, cnpgYaml, merge } from './database-helpers';
import { parseConfig } from '../lib/config';
import { isRfc3339 } from '../lib/database/schema';
import { readTree } from '../lib/output/write';
import { main } from '../main';

const problems = (yaml: string) => configProblems(yaml);
const withDb = (o: Record<string, unknown>) => problems(cnpgYaml(cnpgOverrides(o)));

test('defaults: managed mode, rules_engine owned by rules_engine; cloudnative-pg defaults filled in', () => {
  const managed = parseConfig('x.yaml', 'registry: r.example.nl/x\ncertManager: { email: a@b.nl }\nnetwork: { databaseCidrs: [10.0.0.0/8] }\n');
  expect(managed.database).toEqual({ mode: 'managed', name: 'rules_engine', owner: 'rules_engine', reservedConnections: 10 });
  const c = parseConfig('x.yaml', cnpgYaml()).database.cloudnativePg!;
  expect(c).toMatchObject({
    clusterName: 'pensioen-db', instances: 3, antiAffinity: 'required', operatorNamespace: 'cnpg-system',
    operatorPodLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' }, apiServerPort: 6443,
    storage: { size: '20Gi' }, walStorage: { size: '5Gi' },
    pooler: { instances: 2, poolMode: 'transaction' },
    backup: { schedule: '0 0 2 * * *', target: 'prefer-standby', objectStore: { name: 'pensioen-db-backups', retentionPolicy: '30d', walCompression: 'zstd', dataCompression: 'snappy', egressPort: 443, credentials: { type: 'secret', secretName: 'pensioen-db-backup-credentials' } } },
    recovery: { enabled: false, clusterName: 'pensioen-db-restore', switchBackend: false },
    alerts: { replicationLagSeconds: 60, backupMaxAgeHours: 26, diskUsageRatio: 0.85 },
  });
});

const cases: [string, string[], RegExp][] = [
  ['a recovery target time that is not RFC 3339', withDb({ recovery: { enabled: true, targetTime: '2026-11-30 14:05' } }),
    /^config\/x\.yaml: database\.cloudnativePg\.recovery\.targetTime: "2026-11-30 14:05" is not an RFC 3339 time \(allowed: e\.g\. 2026-11-30T14:05:00Z/],
  ['a target time without an offset', withDb({ recovery: { enabled: true, targetTime: '2026-11-30T14:05:00' } }),
    /recovery\.targetTime: "2026-11-30T14:05:00" is not an RFC 3339 time/],
  ['a target time on a day that does not exist', withDb({ recovery: { enabled: true, targetTime: '2026-02-30T14:05:00Z' } }),
    /recovery\.targetTime: "2026-02-30T14:05:00Z" is not an RFC 3339 time/],
  ['a pooler smaller than the backend budget', withDb({ pooler: { maxClientConnections: 100 } }),
    /^config\/x\.yaml: database\.cloudnativePg\.pooler\.maxClientConnections: must be at least 240, got 100: the backend budget is 240 \(\(backend\.autoscaling\.maxReplicas 6 \+ 2 rollout surge\) x \(databasePool\.size 10 \+ maxOverflow 20\)\)/],
  ['max_connections below the poolers\' server connections plus reserve', problems(cnpgYaml({ database: { maxConnections: 260, cloudnativePg: { pooler: { instances: 3, defaultPoolSize: 90 } } } })),
    /^config\/x\.yaml: database\.maxConnections: must be at least 280 with cloudnative-pg, got 260: the larger of the backend budget is 240 .*pooler\.instances x defaultPoolSize \(3 x 90\), plus database\.reservedConnections 10$/],
  ['max_connections in parameters', withDb({ parameters: { max_connections: '1000' } }),
    /^config\/x\.yaml: database\.cloudnativePg\.parameters\.max_connections: is set from the connection budget \(allowed: database\.maxConnections\)$/],
  ['a recovery Cluster named like the Cluster', withDb({ recovery: { enabled: true, clusterName: 'pensioen-db' } }),
    /database\.cloudnativePg\.recovery\.clusterName: must differ from database\.cloudnativePg\.clusterName \(pensioen-db\)/],
  ['switchBackend without a recovery Cluster', withDb({ recovery: { switchBackend: true } }),
    /database\.cloudnativePg\.recovery\.switchBackend: needs recovery\.enabled: true/],
  ['retiring the original before switching', withDb({ recovery: { enabled: true, retireOriginal: true } }),
    /database\.cloudnativePg\.recovery\.retireOriginal: needs recovery\.enabled and recovery\.switchBackend: true/],
  ['fewer than 3 instances', withDb({ instances: 2 }),
    /database\.cloudnativePg\.instances: must be at least 3 \(a primary and two replicas, so that HA survives one lost instance\), got 2/],
  ['a single pooler', withDb({ pooler: { instances: 1 } }),
    /database\.cloudnativePg\.pooler\.instances: must be at least 2 \(one PgBouncer must survive a node drain\), got 1/],
  ['a memory request below the limit', withDb({ resources: { requests: { memory: '512Mi' } } }),
    /database\.cloudnativePg\.resources\.requests\.memory: must equal limits\.memory \(1Gi\), got 512Mi/],
  ['a five-field cron schedule', withDb({ backup: { schedule: '0 2 * * *' } }),
    /database\.cloudnativePg\.backup\.schedule: must be six cron fields, seconds first, such as "0 0 2 \* \* \*"/],
  ['a retention that is not Barman\'s', withDb({ backup: { objectStore: { retentionPolicy: '30 days' } } }),
    /database\.cloudnativePg\.backup\.objectStore\.retentionPolicy: must be a Barman retention such as 30d, 4w or 3m/],
  ['a destination that is not s3://', withDb({ backup: { objectStore: { destinationPath: 'https://bucket/x' } } }),
    /database\.cloudnativePg\.backup\.objectStore\.destinationPath: must be s3:\/\/<bucket>\/<path>/],
  ['an unknown credentials type', withDb({ backup: { objectStore: { credentials: { type: 'password' } } } }),
    /database\.cloudnativePg\.backup\.objectStore\.credentials\.type: got "password" \(allowed: "secret", "iam-role"\)$/],
  ['no object store egress', withDb({ backup: { objectStore: { egressCidrs: [] } } }),
    /database\.cloudnativePg\.backup\.objectStore\.egressCidrs: needs at least 1 item\(s\)/],
  ['no API server address', withDb({ apiServerCidrs: undefined }),
    /database\.cloudnativePg\.apiServerCidrs: is required/],
  ['an unknown mode', problems(cnpgYaml({ database: { mode: 'rds' } })),
    /^config\/x\.yaml: database\.mode: got "rds" \(allowed: "managed", "cloudnative-pg"\)$/],
  ['cloudnative-pg without its section', problems(cnpgYaml({ database: { cloudnativePg: undefined } })),
    /^config\/x\.yaml: database\.cloudnativePg: is required with database\.mode cloudnative-pg/],
  ['managed without the database CIDRs', problems(cnpgYaml({ database: { mode: 'managed', cloudnativePg: undefined } })),
    /^config\/x\.yaml: network\.databaseCidrs: needs at least 1 CIDR with database\.mode managed/],
];

test.each(cases)('refuses %s, one line naming file and key', (_what, found, expected) => {
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(expected);
  expect(found[0]).not.toContain('\n');
});

test('RFC 3339 check', () => {
  for (const ok of ['2026-11-30T14:05:00Z', '2026-11-30T14:05:00.123456Z', '2026-11-30T15:05:00+01:00', '2024-02-29T00:00:00-05:30']) expect(isRfc3339(ok)).toBe(true);
  for (const bad of ['2026-11-30', '2026-11-30T14:05Z', '2026-13-01T00:00:00Z', '2025-02-29T00:00:00Z', '2026-11-30T24:00:00Z', 'yesterday']) expect(isRfc3339(bad)).toBe(false);
});

test('a budget at the limit is accepted: max_client_conn = budget 240, max_connections = budget + reserve 10', () => {
  expect(problems(cnpgYaml({ database: { maxConnections: 250, cloudnativePg: { pooler: { maxClientConnections: 240 } } } }))).toEqual([]);
});

test('the synth refuses a bad database config: exit 1, one line, no stack trace, dist/ unchanged', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-db-config-'));
  try {
    const cfg = path.join(work, 'config');
    const out = path.join(work, 'dist');
    fs.mkdirSync(cfg);
    fs.writeFileSync(path.join(cfg, 'onprem.yaml'), cnpgYaml());
    let stderr = '';
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => { stderr += String(s); return true; });
    const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(main(['--config', cfg, '--out', out])).toBe(0);
      const before = readTree(out);
      expect([...before.keys()]).toContain('onprem/08-database.yaml');
      fs.writeFileSync(path.join(cfg, 'onprem.yaml'), cnpgYaml(merge(cnpgOverrides({ recovery: { enabled: true, targetTime: 'gisteren' } }), {})));
      stderr = '';
      expect(main(['--config', cfg, '--out', out])).toBe(1);
      expect(stderr).toMatch(/onprem\.yaml: database\.cloudnativePg\.recovery\.targetTime: "gisteren" is not an RFC 3339 time/);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(readTree(out)).toEqual(before);
    } finally {
      err.mockRestore();
      outSpy.mockRestore();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});


