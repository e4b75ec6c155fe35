/** The Redis + Sentinel chart judged by real tools: dash -n, haproxy -c, redis-server. */
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
  expect(cfg).toContain('tcp-check send "AUTH ${REDIS_PASSWORD}\\r\\n"');
  // A replica (or a primary without enough replicas) fails the check AT ONCE: min-recv makes a mismatch conclusive.
  expect(cfg).toContain('tcp-check expect min-recv 80 rstring "role:master\\r\\nconnected_slaves:[0-9]+\\r\\nmin_slaves_good_slaves:([1-9]|[1-9][0-9]+)\\r\\n"');
  expect(cfg).toMatch(/default-server check inter 500ms fastinter 100ms downinter 100ms fall 3 rise 2 init-state down on-marked-down shutdown-sessions /);
  expect(cfg).toContain('option redispatch');
  for (let i = 0; i < 3; i++) expect(cfg).toContain(`server redis-${i} redis-${i}.redis-headless.pensioen.svc.cluster.local:6379`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-'));
  try {
    // Debian's HAProxy 2.6 here lacks init-state (3.1+; the pinned image has it): checked without it.
    fs.writeFileSync(path.join(dir, 'haproxy.cfg'), /version (2\.|3\.0\.)/.test(execFileSync('haproxy', ['-v']).toString()) ? cfg.replace(/ init-state down/g, '') : cfg);
    const out = execFileSync('haproxy', ['-c', '-f', path.join(dir, 'haproxy.cfg')], { env: { ...process.env, REDIS_PASSWORD: 'x' }, encoding: 'utf8', stdio: 'pipe' });
    expect(out).toMatch(/valid/i);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('password rotation: with a previous password in the Secret, a starting Redis (real redis-server) accepts both; without, only the password', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-rot-'));
  try {
    fs.writeFileSync(path.join(dir, 'common.sh'), node['common.sh'].replace(/^set -eu$/m, 'set -eu; SENTINEL_PORT=0').replace(/^QUORUM=.*$/m, ''));
    const authLines = (env: Record<string, string>) => execFileSync('sh', ['-c', `. ${dir}/common.sh; auth_lines`],
      { env: { PATH: process.env.PATH, TEMPLATES_DIR: dir, DATA_DIR: dir, ...env }, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    expect(authLines({ REDIS_PASSWORD: 'new-pw' })).toBe('requirepass "new-pw"\n');
    expect(authLines({ REDIS_PASSWORD: 'new-pw', REDIS_PREVIOUS_PASSWORD: 'new-pw' })).toBe('requirepass "new-pw"\n');
    const both = authLines({ REDIS_PASSWORD: 'new-pw', REDIS_PREVIOUS_PASSWORD: 'old"pw' });
    expect(both).toBe('user default on ">new-pw" ">old\\"pw" ~* &* +@all\n');
    // The real server: no TCP port, a unix socket in the temp folder.
    const sock = path.join(dir, 'r.sock');
    fs.writeFileSync(path.join(dir, 'r.conf'), `port 0\nunixsocket ${sock}\ndaemonize yes\npidfile ${dir}/r.pid\nlogfile ${dir}/r.log\ndir ${dir}\n${both}`);
    execFileSync('redis-server', [path.join(dir, 'r.conf')]);
    try {
      const ping = (pw: string) => {
        for (let k = 0; k < 50; k++) {
          const out = execFileSync('redis-cli', ['-s', sock, '--no-auth-warning', '-a', pw, 'PING'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
          if (!/Could not connect/.test(out) && out) return out;
          execFileSync('sleep', ['0.05']);
        }
        return 'no answer';
      };
      expect(ping('new-pw')).toBe('PONG');
      expect(ping('old"pw')).toBe('PONG');
      expect(ping('other')).toMatch(/NOAUTH/);
    } finally {
      try { execFileSync('redis-cli', ['-s', sock, '--no-auth-warning', '-a', 'new-pw', 'SHUTDOWN', 'NOSAVE'], { stdio: 'ignore' }); } catch { /* gone */ }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
