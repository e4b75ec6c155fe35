/** The Redis + Sentinel chart judged by real tools: dash -n, haproxy -c (the ACL users on real servers: redis-acl.tools.test.ts). */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { find, objectsOf } from './helpers';

const objects = objectsOf('production');
const node = find(objects, 'ConfigMap', 'redis-node').data;

test('the start-up scripts are valid POSIX sh (dash -n)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-sh-'));
  try {
    for (const f of ['common.sh', 'start-redis.sh', 'start-sentinel.sh', 'prestop-redis.sh']) {
      fs.writeFileSync(path.join(dir, f), node[f]);
      expect(() => execFileSync('sh', ['-n', path.join(dir, f)])).not.toThrow();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('haproxy.cfg passes `haproxy -c` and checks role:master with the password from the environment', () => {
  const cfg: string = find(objects, 'ConfigMap', 'redis-haproxy').data['haproxy.cfg'];
  expect(cfg).toContain('tcp-check send "AUTH haproxy ${REDIS_HAPROXY_PASSWORD}\\r\\n"');
  // A replica (or a primary without enough replicas) fails the check AT ONCE: min-recv makes a mismatch conclusive.
  expect(cfg).toContain('tcp-check expect min-recv 80 rstring "role:master\\r\\nconnected_slaves:[0-9]+\\r\\nmin_slaves_good_slaves:([1-9]|[1-9][0-9]+)\\r\\n"');
  expect(cfg).toMatch(/default-server check inter 500ms fastinter 100ms downinter 100ms fall 3 rise 2 init-state down on-marked-down shutdown-sessions /);
  expect(cfg).toContain('option redispatch');
  for (let i = 0; i < 3; i++) expect(cfg).toContain(`server redis-${i} redis-${i}.redis-headless.pensioen.svc.cluster.local:6379`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-'));
  try {
    // Debian's HAProxy 2.6 here lacks init-state (3.1+; the pinned image has it): checked without it.
    fs.writeFileSync(path.join(dir, 'haproxy.cfg'), /version (2\.|3\.0\.)/.test(execFileSync('haproxy', ['-v']).toString()) ? cfg.replace(/ init-state down/g, '') : cfg);
    const out = execFileSync('haproxy', ['-c', '-f', path.join(dir, 'haproxy.cfg')], { env: { ...process.env, REDIS_HAPROXY_PASSWORD: 'x' }, encoding: 'utf8', stdio: 'pipe' });
    expect(out).toMatch(/valid/i);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
