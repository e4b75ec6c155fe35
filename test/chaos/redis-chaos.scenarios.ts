/**
 * The fault table, each scenario on a fresh set (harness.ts: the generated scripts and configs with real
 * redis-server, redis-sentinel and haproxy on loopback), writers through HAProxy the whole time, and afterwards a
 * read-back of every acknowledged key. Figures go to stdout ("chaos[...]") for docs/cache.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { once, RedisError } from '../redis-resp';
import { chaosEngine, scenariosOfPart } from './engine';
import type { CacheEngine } from '../../lib/redis/schema';
import { Cluster, DOWN_AFTER, FAILOVER_TIMEOUT, freePorts, haproxyReady, REPLICAS, report, sleep, until, Writers } from './harness';

const all = [...Array(REPLICAS).keys()];
/** A scenario of part 1 or 2: the table runs as two test files per engine, so they run side by side (engine.ts). */
const scenario = scenariosOfPart;
let cluster: Cluster;
/**
 * Scenarios whose title starts with this run on a set with `redis.tls` on (harness.ts `tlsVariant`: TLS-only
 * servers, Sentinels and HAProxy, certificates made with openssl for the generated Certificate's names; the
 * writers connect to HAProxy over TLS): the same checks as their plain twins.
 */
const OVER_TLS = 'over TLS (redis.tls): ';
/**
 * A TLS twin runs against one engine only (the SIGKILL one against Redis in part 1, the rolling restart against
 * Valkey in part 2): each engine gets a failover over TLS while the four table files stay about as long as before
 * (test/cache-tls.tools.test.ts runs both engines over TLS without faults).
 */
const tlsScenario = (engine: CacheEngine, p: 1 | 2) => (chaosEngine() === engine ? scenario(p) : () => undefined);

beforeEach(async () => {
  cluster = new Cluster(undefined, { tls: (expect.getState().currentTestName ?? '').includes(OVER_TLS) });
  await cluster.init();
  await cluster.startAll();
});
afterEach(async () => { await cluster.cleanup(); });

const idx = (port: number) => cluster.redisPorts.indexOf(port);
const logOf = (name: string) => fs.readFileSync(path.join(cluster.tmp, `${name}.log`), 'utf8');

/** Polls every node's role; records the longest time two nodes that ACCEPT writes were primary at once. */
function watchPrimaries(): { stop: () => Promise<{ maxMasters: number; dualWritableMs: number }> } {
  let stopped = false;
  let maxMasters = 0;
  let dualWritableMs = 0;
  const loop = (async () => {
    while (!stopped) {
      const t = Date.now();
      const masters = await cluster.masters();
      maxMasters = Math.max(maxMasters, masters.length);
      if (masters.length > 1) {
        // A primary that refuses writes (NOREPLICAS) is harmless: count only those that answer a write with OK.
        let writable = 0;
        for (const p of masters) {
          try { if ((await once(p, cluster.backend, 'SET', 'chaos:dual-probe', String(t))) === 'OK') writable++; } catch { /* down */ }
        }
        if (writable > 1) dualWritableMs += 200;
      }
      await sleep(200);
    }
  })();
  return { stop: async () => { stopped = true; await loop; return { maxMasters, dualWritableMs }; } };
}

async function settleAndCheck(w: Writers, up = all): Promise<{ lost: Awaited<ReturnType<Writers['lost']>>; primary: number }> {
  const primary = await cluster.formed(60_000, up);
  // Replicas caught up: WAIT on the primary for all of them.
  await once(primary, cluster.backend, 'WAIT', up.length - 1, 5000);
  return { lost: await w.lost(primary), primary };
}

function assertReadonlyWithin1s(w: Writers): number {
  const spans = w.readonlySpans();
  const worst = spans.length ? Math.max(...spans) : 0;
  expect(worst).toBeLessThanOrEqual(1000);
  return worst;
}

const SIGKILL = 'SIGKILL of the primary: failover, no acknowledged write lost, the old primary rejoins as a replica';
async function sigkill(figures: string): Promise<void> {
  const w = new Writers(cluster, 'kill').start();
  await sleep(3000);
  const old = idx((await cluster.primaryPort(cluster.sentinelPorts[0]))!);
  const t = Date.now();
  await cluster.kill(cluster.redisProcess[old]);
  await until('writes back', 30_000, async () => (w.backAfter(t, ['fresh']) !== undefined ? true : undefined), cluster);
  await sleep(3000);
  cluster.startRedis(old); // the kubelet restarts the container (emptyDirs kept)
  await sleep(2000);
  await w.stop();
  const { lost, primary } = await settleAndCheck(w);
  expect(idx(primary)).not.toBe(old);
  report(figures, { writesBackMs: w.backAfter(t, ['fresh']), lost, readonlyMs: assertReadonlyWithin1s(w), writers: w.summary() });
  expect(lost.wait + lost.fresh).toBe(0);
  expect(lost.plain).toBeLessThanOrEqual(1); // async replication: a plain SET OK'd in the instant before the kill
  expect(w.backAfter(t, ['fresh'])!).toBeLessThanOrEqual(16_000);
}
scenario(1)(SIGKILL, () => sigkill('sigkill'));
tlsScenario('redis', 1)(`${OVER_TLS}${SIGKILL}`, () => sigkill('tls-sigkill'));

const ROLLING = 'rolling restart (highest ordinal first) with the preStop hand-over: nothing lost, no write to a replica for more than 1 s';
async function rolling(figures: string): Promise<void> {
  const w = new Writers(cluster, 'roll').start();
  await sleep(2000);
  const handovers: string[] = [];
  for (const i of [...all].reverse()) {
    const log = await cluster.runPreStop(i);
    if (/handed over/.test(log)) handovers.push(/handed over to \S+ after \d+ ms/.exec(log)![0]);
    await cluster.killPod(i);
    cluster.startPod(i);
    await cluster.formed(60_000);
    await sleep(1000);
  }
  await w.stop();
  const { lost } = await settleAndCheck(w);
  const failed = w.attempts.filter((a) => !a.ok).length;
  report(figures, { handovers, lost, failedAttempts: failed, readonlyMs: assertReadonlyWithin1s(w), longestNoWriteMs: w.longestGap(w.attempts[0].t0, w.attempts[w.attempts.length - 1].t1), writers: w.summary() });
  expect(handovers.length).toBe(1);
  expect(lost).toEqual({ wait: 0, fresh: 0, plain: 0, keys: [] });
}
scenario(1)(ROLLING, () => rolling('rolling-restart'));
tlsScenario('valkey', 2)(`${OVER_TLS}${ROLLING}`, () => rolling('tls-rolling-restart'));

/** Fails the primary over away from pod 0 with writers running, so pod 0 is a (possibly stale) replica. */
async function failoverAwayFromPod0(w: Writers): Promise<number> {
  const p0 = idx((await cluster.primaryPort(cluster.sentinelPorts[0]))!);
  expect(p0).toBe(0);
  await cluster.kill(cluster.redisProcess[0]);
  const promoted = await until('a new primary', 30_000, async () => {
    const p = await cluster.primaryPort(cluster.sentinelPorts[1]);
    return p !== undefined && p !== cluster.redisPorts[0] ? p : undefined;
  }, cluster);
  // Pod 0 stays down a while (so it misses writes), then returns as a replica.
  await sleep(3000);
  cluster.startRedis(0);
  await cluster.formed(60_000);
  await sleep(2000);
  void w;
  return idx(promoted);
}

scenario(1)('every pod restarts at once after a failover (pod 0 had been a replica): the set resumes with the newest data', async () => {
  const w = new Writers(cluster, 'full').start();
  await sleep(2000);
  const primary = await failoverAwayFromPod0(w);
  // Pod 0 loses its link (it lags) right before the outage: it must not win.
  const tKill = Date.now();
  await Promise.all(all.map((i) => cluster.killPod(i)));
  await w.stop();
  const ackedLastSecond = w.acked().filter((a) => a.t1 > tKill - 1000).length;
  const t = Date.now();
  for (const i of all) cluster.startPod(i);
  const w2 = new Writers(cluster, 'full-after').start();
  const back = await until('writes back after the full restart', 60_000, async () => (w2.backAfter(t, ['fresh']) !== undefined ? true : undefined), cluster);
  void back;
  await w2.stop();
  const { lost, primary: after } = await settleAndCheck(w);
  const bootstraps = all.map((i) => logOf(`redis-${i}`) + logOf(`sentinel-${i}`)).join('\n').match(/bootstrapping/g)?.length ?? 0;
  report('full-restart', { primaryBefore: primary, primaryAfter: idx(after), writesBackMs: w2.backAfter(t, ['fresh']), lost: { wait: lost.wait, fresh: lost.fresh, plain: lost.plain }, ackedInLastSecond: ackedLastSecond, bootstraps, writers: w.summary() });
  expect(bootstraps).toBe(0);
  // appendfsync everysec: at most ~1 s of writes may go when every pod dies (here the kernel keeps the page
  // cache, so the real figure is 0; a node crash could lose up to the last second).
  expect(lost.wait + lost.fresh + lost.plain).toBeLessThanOrEqual(ackedLastSecond);
});

scenario(1)('every pod restarts at once, pod 0 unavailable: pods 1 and 2 serve writes within 30 s, nothing lost when pod 0 returns', async () => {
  const w = new Writers(cluster, 'nopod0').start();
  await sleep(2000);
  await failoverAwayFromPod0(w);
  const tKill = Date.now();
  await Promise.all(all.map((i) => cluster.killPod(i)));
  await w.stop();
  const ackedLastSecond = w.acked().filter((a) => a.t1 > tKill - 1000).length;
  const t = Date.now();
  for (const i of all.slice(1)) cluster.startPod(i);
  const w2 = new Writers(cluster, 'nopod0-after').start();
  await until('writes back without pod 0', 30_000, async () => (w2.backAfter(t, ['fresh']) !== undefined ? true : undefined), cluster);
  const backMs = w2.backAfter(t, ['fresh'])!;
  await sleep(2000);
  cluster.startPod(0);
  await cluster.formed(60_000);
  await sleep(1000);
  await w2.stop();
  const { lost } = await settleAndCheck(w);
  const { lost: lost2 } = await settleAndCheck(w2);
  report('full-restart-without-pod-0', { writesBackMs: backMs, lostBefore: { wait: lost.wait, fresh: lost.fresh, plain: lost.plain }, ackedInLastSecond: ackedLastSecond, lostAfterPod0Returned: { wait: lost2.wait, fresh: lost2.fresh, plain: lost2.plain }, writers: w2.summary() });
  expect(backMs).toBeLessThanOrEqual(30_000);
  expect(lost.wait + lost.fresh + lost.plain).toBeLessThanOrEqual(ackedLastSecond);
  expect(lost2.wait + lost2.fresh + lost2.plain).toBe(0);
});

scenario(1)('a 3-second stall of the primary does not drop client connections', async () => {
  const w = new Writers(cluster, 'stall').start();
  await sleep(2000);
  const p = idx((await cluster.primaryPort(cluster.sentinelPorts[0]))!);
  const t = Date.now();
  cluster.signal(cluster.redisProcess[p], 'SIGSTOP');
  await sleep(3000);
  cluster.signal(cluster.redisProcess[p], 'SIGCONT');
  await sleep(3000);
  await w.stop();
  const dropped = w.attempts.filter((a) => a.mode === 'wait' && a.t0 >= t - 100 && /closed|ECONNRESET/.test(a.error ?? '')).length;
  const { lost } = await settleAndCheck(w);
  report('stall-3s', { droppedConnections: dropped, lost, writers: w.summary() });
  expect(dropped).toBe(0);
  expect(idx((await cluster.primaryPort(cluster.sentinelPorts[0]))!)).toBe(p);
  expect(lost.wait + lost.fresh + lost.plain).toBe(0);
});

scenario(2)('the primary frozen 15 s (SIGSTOP) then resumed: writes back within 16 s, it takes no write that is later discarded', async () => {
  const w = new Writers(cluster, 'freeze').start();
  await sleep(2000);
  const p = idx((await cluster.primaryPort(cluster.sentinelPorts[0]))!);
  const watch = watchPrimaries();
  const t = Date.now();
  cluster.signal(cluster.redisProcess[p], 'SIGSTOP');
  await sleep(15_000);
  cluster.signal(cluster.redisProcess[p], 'SIGCONT');
  await sleep(12_000);
  const { maxMasters, dualWritableMs } = await watch.stop();
  await w.stop();
  const { lost, primary } = await settleAndCheck(w);
  const backMs = w.backAfter(t + 100, ['fresh']);
  report('freeze-15s', { writesBackMs: backMs, maxRoleMaster: maxMasters, twoWritablePrimariesMs: dualWritableMs, readonlyMs: assertReadonlyWithin1s(w), lost, writers: w.summary() });
  expect(idx(primary)).not.toBe(p);
  expect(backMs).toBeDefined();
  expect(backMs!).toBeLessThanOrEqual(16_000);
  expect(dualWritableMs).toBe(0);
  expect(lost).toEqual({ wait: 0, fresh: 0, plain: 0, keys: [] });
});

scenario(2)('the primary\'s container restarts 5.5 s after a crash: it waits for the failover and rejoins as a replica', async () => {
  const w = new Writers(cluster, 'crash-restart').start();
  await sleep(2000);
  const p = idx((await cluster.primaryPort(cluster.sentinelPorts[0]))!);
  const watch = watchPrimaries();
  const t = Date.now();
  await cluster.kill(cluster.redisProcess[p]);
  await sleep(5500);
  cluster.startRedis(p);
  await until('writes back', 30_000, async () => (w.backAfter(t, ['fresh']) !== undefined ? true : undefined), cluster);
  await sleep(5000);
  const { maxMasters, dualWritableMs } = await watch.stop();
  await w.stop();
  const { lost, primary } = await settleAndCheck(w);
  const log = logOf(`redis-${p}`);
  report('crash-restart-5.5s', { writesBackMs: w.backAfter(t, ['fresh']), maxRoleMaster: maxMasters, twoWritablePrimariesMs: dualWritableMs, lost, startLog: (log.match(/start-redis.sh: (waiting|starting)[^\n]*/g) ?? []).slice(-2), writers: w.summary() });
  expect(idx(primary)).not.toBe(p);
  expect(log.split('starting as').pop()).toMatch(/^ replica/);
  expect(dualWritableMs).toBe(0);
  expect(lost.wait + lost.fresh).toBe(0);
  expect(lost.plain).toBeLessThanOrEqual(1);
});

scenario(2)('two Sentinels restart 2 s after the primary crashed: they still fail over', async () => {
  const w = new Writers(cluster, 'sentinels').start();
  await sleep(2000);
  const p = idx((await cluster.primaryPort(cluster.sentinelPorts[0]))!);
  const others = all.filter((i) => i !== p);
  const t = Date.now();
  await cluster.kill(cluster.redisProcess[p]);
  await sleep(2000);
  for (const i of others) {
    await cluster.kill(cluster.sentinelProcess[i]);
    fs.rmSync(path.join(cluster.tmp, `redis-${i}`, 'sentinel-run'), { recursive: true, force: true });
    cluster.startSentinel(i);
  }
  await until('writes back', 40_000, async () => (w.backAfter(t, ['fresh']) !== undefined ? true : undefined), cluster);
  const backMs = w.backAfter(t, ['fresh'])!;
  await sleep(2000);
  await w.stop();
  cluster.startRedis(p);
  const { lost } = await settleAndCheck(w);
  report('sentinels-restarted', { writesBackMs: backMs, lost, writers: w.summary() });
  expect(backMs).toBeLessThanOrEqual(2000 + DOWN_AFTER + FAILOVER_TIMEOUT);
  expect(lost.wait + lost.fresh).toBe(0);
});

scenario(2)('HAProxy restarts: no write reaches a replica (READONLY) for more than 1 s', async () => {
  const w = new Writers(cluster, 'haproxy').start();
  await sleep(2000);
  const t = Date.now();
  await cluster.kill(cluster.haproxyProcess);
  await cluster.startHaproxy();
  await until('writes back', 10_000, async () => (w.backAfter(t + 50, ['fresh']) !== undefined ? true : undefined), cluster);
  await sleep(3000);
  await w.stop();
  const readonly = w.attempts.filter((a) => /READONLY/.test(a.error ?? '')).length;
  const { lost } = await settleAndCheck(w);
  report('haproxy-restart', { writesBackMs: w.backAfter(t + 50, ['fresh']), readonlyReplies: readonly, readonlyMs: assertReadonlyWithin1s(w), notes: cluster.haproxyNotes, lost });
  expect(lost).toEqual({ wait: 0, fresh: 0, plain: 0, keys: [] });
});

scenario(2)('min-replicas-to-write: with both replicas gone the primary refuses writes (NOREPLICAS) and HAProxy takes it out', async () => {
  const p = idx((await cluster.primaryPort(cluster.sentinelPorts[0]))!);
  for (const i of all.filter((x) => x !== p)) await cluster.kill(cluster.redisProcess[i]);
  const r = await until('NOREPLICAS', 20_000, async () => {
    const x = await once(cluster.redisPorts[p], cluster.backend, 'SET', 'k', 'v');
    return x instanceof RedisError && /NOREPLICAS/.test(x.message) ? x : undefined;
  }, cluster);
  expect(r.message).toMatch(/NOREPLICAS/);
  await until('HAProxy to refuse', 5_000, async () => {
    try { await once(cluster.proxyPort, cluster.backend, 'PING'); return undefined; } catch { return true; }
  }, cluster);
});

scenario(2)('a new HAProxy pod is Ready only once its checks found the primary: the first writes after readiness never reach a replica', async () => {
  // A rollout of deployment/redis-haproxy: the Service adds a new pod at its first passing readiness probe.
  // HAProxy before 3.1 (Debian's 2.6 here) starts every server UP until checked, so without the gated probe
  // the first writes go round-robin to replicas (READONLY). Each start here sends a burst of new-connection
  // writes the moment the probe passes.
  const replies: string[] = [];
  const readyAfterMs: number[] = [];
  for (let n = 0; n < 5; n++) {
    const [port, health] = await freePorts(2);
    const proxy = cluster.spawnHaproxy(`haproxy-new-${n}`, port, health);
    readyAfterMs.push(await haproxyReady(health));
    for (let k = 0; k < 6; k++) {
      try { replies.push(String(await once(port, cluster.backend, 'SET', `ready:${n}:${k}`, '1'))); } catch (e) { replies.push(String(e)); }
    }
    await cluster.kill(proxy);
  }
  // And a pod whose checks find no primary (here: every check refused, a wrong password) never turns Ready,
  // although the process is alive (liveness /healthz).
  const [port, health] = await freePorts(2);
  const lost = cluster.spawnHaproxy('haproxy-no-primary', port, health, 'not-the-password');
  await expect(haproxyReady(health, 8_000)).rejects.toThrow(/not ready/);
  expect((await fetch(`http://127.0.0.1:${health}/healthz`)).status).toBe(200);
  await cluster.kill(lost);
  report('haproxy-ready-gate', { starts: 5, readyAfterMs, replies: replies.length, notOk: replies.filter((r) => r !== 'OK') });
  expect(replies).toEqual(Array(30).fill('OK'));
});
