/**
 * The smoke test's script, run for real: the exact command and environment of the synthesized Job (every
 * fixture environment), with python3, against a stand-in HTTP server that answers like the backend and the
 * frontend (healthy, then broken in each way the Job must name).
 */
import { spawn } from 'child_process';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { environments, objectsOf } from './helpers';
import { SMOKE_JOB } from '../lib/delivery/smoke';

const PYTHON = process.env.PYTHON ?? 'python3';

interface Behaviour { health: { status: number; body: unknown }; page: { status: number; type: string; body: string }; edgeDown?: boolean }
const HEALTHY: Behaviour = {
  health: { status: 200, body: { status: 'healthy', database: true, redis: 'ok', timestamp: '2026-01-01T00:00:00' } },
  page: { status: 200, type: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html><body>Pensioen</body></html>' },
};

let server: http.Server;
let port = 0;
let behaviour: Behaviour = HEALTHY;
const seen: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.headers.host} ${req.url}`);
    if (req.url === '/health') {
      res.writeHead(behaviour.health.status, { 'Content-Type': 'application/json' });
      res.end(typeof behaviour.health.body === 'string' ? behaviour.health.body : JSON.stringify(behaviour.health.body));
    } else {
      res.writeHead(behaviour.page.status, { 'Content-Type': behaviour.page.type });
      res.end(behaviour.page.body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The Job's container exactly as synthesized (Argo CD hook or post-apply file). */
function jobContainer(envName: string) {
  const env = environments().find((e) => e.name === envName)!;
  const job = objectsOf(env).find((o) => o.kind === 'Job' && o.metadata.name === SMOKE_JOB)!;
  return job.spec.template.spec.containers[0] as { command: string[]; env: { name: string; value: string }[] };
}

/** Runs the Job's command with its env, the URLs pointed at the stand-in (an unused port for a dead edge). */
function run(envName: string): Promise<{ code: number | null; out: string }> {
  const c = jobContainer(envName);
  const vars: Record<string, string> = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
  const local = (u: string, up = true) => {
    const url = new URL(u);
    return `http://127.0.0.1:${up ? port : 9}${url.pathname}`;
  };
  const edgeUp = !behaviour.edgeDown;
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...vars,
    SMOKE_BACKEND_URL: local(vars.SMOKE_BACKEND_URL),
    SMOKE_FRONTEND_URL: local(vars.SMOKE_FRONTEND_URL),
    SMOKE_API_EDGE_URL: local(vars.SMOKE_API_EDGE_URL, edgeUp),
    SMOKE_FRONTEND_EDGE_URL: local(vars.SMOKE_FRONTEND_EDGE_URL, edgeUp),
    SMOKE_EDGE_CA_FILE: '',
    SMOKE_ATTEMPTS: '2',
    SMOKE_INTERVAL_SECONDS: '0.05',
  };
  const [cmd, ...args] = c.command;
  expect(cmd).toBe('python3');
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, args, { env });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('error', (e) => reject(new Error(`cannot run ${PYTHON} (scripts/ensure-tools.sh installs python3): ${e.message}`)));
    p.on('close', (code) => resolve({ code, out }));
  });
}

const CASES: [string, Behaviour, RegExp[]][] = [
  ['the backend answers 503', { ...HEALTHY, health: { status: 503, body: { status: 'unhealthy', database: false, redis: 'ok' } } },
    [/^FAILED backend-service: HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/health/m, /^FAILED readiness: HTTP 503/m, /^smoke test failed: backend-service, readiness, api-edge$/m]],
  ['the database is down', { ...HEALTHY, health: { status: 200, body: { status: 'healthy', database: 'error: connection refused', redis: 'ok' } } },
    [/^FAILED readiness: .* reports database="error: connection refused" \(healthy: true\|ok\|healthy\|up\|connected\)/m, /^smoke test failed: readiness$/m]],
  ['the health JSON does not report the cache', { ...HEALTHY, health: { status: 200, body: { status: 'healthy', database: true } } },
    [/^FAILED readiness: .* reports redis missing/m, /^smoke test failed: readiness$/m]],
  ['health is not JSON', { ...HEALTHY, health: { status: 200, body: 'OK' } },
    [/^FAILED readiness: .* did not answer JSON: OK/m]],
  ['the frontend serves no page', { ...HEALTHY, page: { status: 200, type: 'application/json', body: '{}' } },
    [/^FAILED frontend-service: .* answered 200 but no HTML page/m, /^FAILED frontend-edge: /m, /^smoke test failed: frontend-service, frontend-edge$/m]],
  ['the frontend answers 502', { ...HEALTHY, page: { status: 502, type: 'text/html', body: '<html>Bad gateway</html>' } },
    [/^FAILED frontend-service: HTTP 502/m]],
  ['the edge does not answer', { ...HEALTHY, edgeDown: true },
    [/^ok backend-service: /m, /^FAILED api-edge: http:\/\/127\.0\.0\.1:9\/health: .*refused/im, /^smoke test failed: api-edge, frontend-edge$/m]],
];

describe.each(environments().map((e) => [e.name] as const))('the smoke Job of %s, run against a stand-in', (envName) => {
  test('passes when everything answers like a healthy release', async () => {
    behaviour = HEALTHY;
    seen.length = 0;
    const r = await run(envName);
    expect(r.out).toMatch(/^smoke test passed: 5 checks$/m);
    for (const check of ['backend-service', 'readiness', 'api-edge', 'frontend-service', 'frontend-edge']) expect(r.out).toMatch(new RegExp(`^ok ${check}: `, 'm'));
    expect(r.code).toBe(0);
    expect(seen.filter((s) => s.endsWith(' /health')).length).toBe(3);
  });

  test.each(CASES)('fails, naming what failed, when %s', async (_what, b, expected) => {
    behaviour = b;
    const r = await run(envName);
    for (const re of expected) expect(r.out).toMatch(re);
    expect(r.code).toBe(1);
  });
});
