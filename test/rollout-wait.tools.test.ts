/**
 * The kubectl procedure's wait for a canary Rollout (lib/deploy/procedure.ts, `rolloutWait`), run with the real
 * kubectl against a stand-in API server that serves the Rollout's discovery and the object: the exact commands of
 * the procedure of a canary environment (only their timeouts shortened). A promoted Rollout passes both waits; a
 * Rollout whose new spec the controller has not observed yet (its phase still the previous version's Healthy)
 * is not taken for promoted; an aborted one (Degraded) fails and prints its phase and the controller's message.
 * What the Argo Rollouts controller writes into the status rests on its sources (utils/rollout/rolloututil.go,
 * v1.9.1); no controller runs here.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { kubectlProcedure } from '../lib/deploy/procedure';
import { kubectlCanary } from './fixtures/canary';
import { objectsOf } from './helpers';
import { tempDir } from './monitoring-helpers';
import { kubectlBinary } from './yaml-readers';

const NS = 'pensioen';
const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';

interface Status { generation: number; observedGeneration: string; phase: string; message?: string }
let status: Status;
/** Watches held open, ended when the test ends. */
const open = new Set<http.ServerResponse>();

function rollout(name: string) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Rollout',
    metadata: { name, namespace: NS, generation: status.generation, resourceVersion: '7', uid: `uid-${name}` },
    spec: {},
    status: { observedGeneration: status.observedGeneration, phase: status.phase, ...(status.message ? { message: status.message } : {}) },
  };
}

/** The few API paths kubectl reads: discovery, the Rollout, a list by name, and a watch that never changes. */
function serve(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url!, 'http://x');
  const json = (body: unknown) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (url.pathname === '/api') return json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
  if (url.pathname === '/api/v1') return json({ kind: 'APIResourceList', groupVersion: 'v1', resources: [] });
  if (url.pathname === '/apis') {
    return json({ kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: GROUP, versions: [{ groupVersion: `${GROUP}/${VERSION}`, version: VERSION }], preferredVersion: { groupVersion: `${GROUP}/${VERSION}`, version: VERSION } }] });
  }
  if (url.pathname === `/apis/${GROUP}/${VERSION}`) {
    return json({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${GROUP}/${VERSION}`, resources: [{ name: 'rollouts', singularName: 'rollout', namespaced: true, kind: 'Rollout', verbs: ['get', 'list', 'watch'], shortNames: ['ro'] }] });
  }
  const m = new RegExp(`^/apis/${GROUP}/${VERSION}/namespaces/${NS}/rollouts(?:/([^/]+))?$`).exec(url.pathname);
  if (m && url.searchParams.get('watch') === 'true') {
    // kubectl streams the list (sendInitialEvents): the object, then the bookmark that ends the initial events;
    // then held open, nothing changes until kubectl gives up.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (url.searchParams.get('sendInitialEvents') === 'true') {
      const name = /metadata\.name=([^,]+)/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1] ?? 'backend';
      res.write(`${JSON.stringify({ type: 'ADDED', object: rollout(name) })}\n`);
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Rollout', metadata: { resourceVersion: '7', annotations: { 'k8s.io/initial-events-end': 'true' } } } })}\n`);
    }
    open.add(res);
    return undefined;
  }
  if (m && m[1]) return json(rollout(m[1]));
  if (m) {
    const name = /metadata\.name=([^,]+)/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1] ?? 'backend';
    return json({ apiVersion: `${GROUP}/${VERSION}`, kind: 'RolloutList', metadata: { resourceVersion: '7' }, items: [rollout(name)] });
  }
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  return undefined;
}

const env = kubectlCanary();
/** The procedure's waits for the backend's Rollout, as written (every timeout and deadline cut to 3 s by `run`). */
const waits = kubectlProcedure(env, objectsOf(env)).upgrade.flatMap((s) => s.commands).filter((c) => c.includes('rollout.argoproj.io/backend'))
  .filter((c) => c.includes(' wait ') || c.includes('deadline='));

let server: http.Server;
let dir: string;
let shellEnv: NodeJS.ProcessEnv;
beforeAll(async () => {
  server = http.createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  dir = tempDir('rollout-wait-');
  fs.writeFileSync(path.join(dir, 'kubeconfig'), [
    'apiVersion: v1', 'kind: Config', 'current-context: fake',
    `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}"}}]`,
    'users: [{name: fake, user: {token: not-a-secret}}]',
    'contexts: [{name: fake, context: {cluster: fake, user: fake}}]', '',
  ].join('\n'));
  shellEnv = { ...process.env, KUBECONFIG: path.join(dir, 'kubeconfig'), PATH: `${path.dirname(kubectlBinary())}:${process.env.PATH}`, HOME: dir };
});
afterAll(() => {
  for (const r of open) r.end();
  server.closeAllConnections();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs one procedure command with sh (its $(...) and || included), asynchronously: the server answers meanwhile.
 * Timeouts and the poll's deadline are cut to 3 s (unless `keepDeadline`); a `sleep` first on PATH records each pause of the poll, so
 * "fails at once" is judged by the mechanism (no pause), not by the clock.
 */
function run(command: string, { keepDeadline = false } = {}): Promise<{ code: number; output: string; sleeps: number }> {
  const short = keepDeadline ? command
    : command.replace(/--timeout=\d+[sm]\b/g, '--timeout=3s').replace(/\$\(date \+%s\) \+ \d+ \)\)/g, '$(date +%s) + 3 ))');
  const bin = fs.mkdtempSync(path.join(dir, 'bin-'));
  fs.writeFileSync(path.join(bin, 'sleep'), `#!/bin/sh\necho "$*" >> "${bin}/sleeps"\nexec /bin/sleep "$@"\n`, { mode: 0o755 });
  const sleeps = () => (fs.existsSync(path.join(bin, 'sleeps')) ? fs.readFileSync(path.join(bin, 'sleeps'), 'utf8').trim().split('\n').length : 0);
  return new Promise((resolve) => {
    execFile('sh', ['-c', short], { env: { ...shellEnv, PATH: `${bin}:${shellEnv.PATH}` }, timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as any).code ?? 1) : 0, output: `${stdout}${stderr}`, sleeps: sleeps() });
    });
  });
}

test('the procedure of a canary environment has both waits for the backend\'s Rollout', () => {
  expect(waits).toHaveLength(2);
  expect(waits[0]).toContain('.status.observedGeneration');
  expect(waits[1]).toContain("jsonpath='{.status.phase}'");
  expect(waits[1]).toContain('Healthy) echo');
});

test('a promoted Rollout (its spec observed, Healthy): both waits pass', async () => {
  status = { generation: 4, observedGeneration: '4', phase: 'Healthy' };
  const observed = await run(waits[0]);
  expect(observed).toMatchObject({ code: 0, output: expect.stringContaining('condition met') });
  const healthy = await run(waits[1]);
  expect(healthy).toEqual({ code: 0, output: 'rollout.argoproj.io/backend: Healthy\n', sleeps: 0 });
});

test('the new spec not observed yet (the previous version\'s Healthy still in the status): the first wait does not pass', async () => {
  status = { generation: 5, observedGeneration: '4', phase: 'Healthy' };
  const r = await run(waits[0]);
  expect(r.code).not.toBe(0);
  expect(r.output).toMatch(/timed out/);
});

test('an aborted canary (Degraded): the wait fails at once, printing the phase and the controller\'s message', async () => {
  status = { generation: 5, observedGeneration: '5', phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 5: Metric "error-ratio" assessed Failed' };
  // The procedure's own deadline (3060 s) is kept: only failing on the phase itself ends the command within the
  // 30 s this test gives it.
  const r = await run(waits[1], { keepDeadline: true });
  expect(r.code).not.toBe(0);
  expect(r.output).toContain('Degraded: RolloutAborted: Rollout aborted update to revision 5');
  expect(r.sleeps).toBe(0);
});

test('a canary paused for a person (inconclusive): not taken for promoted', async () => {
  status = { generation: 5, observedGeneration: '5', phase: 'Paused', message: 'InconclusiveAnalysisRun' };
  const r = await run(waits[1]);
  expect(r.code).not.toBe(0);
  expect(r.output).toContain('Paused: InconclusiveAnalysisRun');
  // It kept polling until the deadline: a person may still promote it.
  expect(r.sleeps).toBeGreaterThan(0);
});
