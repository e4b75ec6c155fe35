/**
 * The password rotation of docs/cache.md, performed step by step exactly as `lib/redis/rotation.ts` lists it
 * (the same data renders the documented commands), for every ACL user at once (each step of every user's
 * procedure together: one roll), against real redis-server, redis-sentinel and HAProxy running the generated
 * scripts (harness.ts), with writers through HAProxy the whole time (SET + WAIT on one connection, the same on a
 * new connection per write, plain SETs).
 *
 * Kubernetes is emulated as in the other chaos tests: `kubectl exec -i redis-N -c C -- redis-cli ...` runs
 * redis-cli with the environment that container started with (its REDISCLI_AUTH); the Secret is a key → value
 * map read when a container starts (an optional key that is absent leaves the variable unset); `rollout restart
 * statefulset/redis` is the RollingUpdate order (highest ordinal first, preStop, new pod, Ready, next);
 * `rollout restart deployment/redis-haproxy deployment/backend` starts a new HAProxy pod and new backend writers,
 * the Service sends new connections to the new HAProxy, the old backend pods stop (finishing their write), and
 * the old HAProxy pod gets its preStop sleep, then the image's STOPSIGNAL (SIGUSR1, a graceful stop), then
 * SIGKILL at the end of its grace period.
 */
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { type ExecAction, type RotationStep, rotationSteps, type Stdin } from '../../lib/redis/rotation';
import { ADMIN_USER, CACHE_USERS, type CacheUser, SENTINEL_USERS } from '../../lib/redis/acl';
import { type Credential, once, RedisError } from '../redis-resp';
import { Cluster, freePorts, haproxyCfgText, haproxyContainer, haproxyReady, NAMES, objects, REPLICAS, report, sleep, Writers } from './harness';
import { chaosEnvironment } from './engine';
import { handoverFailureProblems } from './handover-failures';
import { find } from '../helpers';

const all = [...Array(REPLICAS).keys()];
const production = chaosEnvironment();
// Every user's procedure, step by step together (step k of every user, then step k + 1); the rolls, the same in
// every user's procedure, once.
const perUser = CACHE_USERS.map((u) => rotationSteps(production, u));
const steps: RotationStep[] = perUser[0].map((step, k) => ({
  ...step,
  actions: perUser.flatMap((p) => p[k].actions).filter((a, i, all) => a.kind !== 'roll' || all.findIndex((b) => b.kind === 'roll' && b.targets.join() === a.targets.join()) === i),
}));
const proxyPod = find(objects, 'Deployment', 'redis-haproxy').spec.template.spec;
const PRESTOP_SLEEP_S: number = haproxyContainer.lifecycle?.preStop?.sleep?.seconds ?? 0;
const GRACE_S: number = proxyPod.terminationGracePeriodSeconds ?? 30;
/**
 * How long after a Redis pod stops HAProxy may still count it up, from the generated `default-server` line: the
 * next check comes within `inter` (at once refused), then fall - 1 more at `fastinter`.
 */
const check = /default-server check inter (\d+)ms fastinter (\d+)ms .*\bfall (\d+)\b/.exec(haproxyCfgText);
if (!check) throw new Error('haproxy.cfg: no "default-server check inter Nms fastinter Nms ... fall N" line');
const [INTER_MS, FASTINTER_MS, FALL] = check.slice(1).map(Number);
const DOWN_AFTER_STOP_MS = INTER_MS + (FALL - 1) * FASTINTER_MS;
/** HAProxy's timers fire late when the chaos lane's four workers load both cores. */
const TIMER_SLACK_MS = 1000;

let cluster: Cluster;
beforeEach(async () => {
  cluster = new Cluster();
  await cluster.init();
  await cluster.startAll();
});
afterEach(async () => { await cluster.cleanup(); });

/** `printf ... | kubectl exec -i redis-$i -c <container> -- redis-cli --user admin --no-auth-warning -x <args>` on this machine. */
function kubectlExec(i: number, a: ExecAction, stdin: string): Promise<string> {
  const env = cluster.startedEnv[`${a.container}-${i}`]!;
  const args = ['--user', ADMIN_USER, '--no-auth-warning', '-x', ...a.args];
  const p = args.indexOf('-p');
  if (p >= 0) {
    expect(args[p + 1]).toBe('26379');
    args[p + 1] = String(cluster.sentinelPorts[i]);
  } else {
    args.splice(4, 0, '-p', String(cluster.redisPorts[i])); // redis-cli's default 6379 in the pod
  }
  return new Promise((resolve, reject) => {
    const child = spawn(NAMES.cli, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('close', () => { clearTimeout(timer); resolve(out.trim()); });
    child.stdin.end(stdin);
  });
}

/** Does `password` open a connection to `port`? true, or the error reply (WRONGPASS ...). */
async function accepts(port: number, password: Credential): Promise<true | string> {
  try {
    const r = await once(port, password, 'PING');
    return r === 'PONG' ? true : String(r);
  } catch (e) {
    return e instanceof RedisError ? e.message : `error: ${String(e)}`;
  }
}

/** Every user with its password from `passwords` on every Redis (and every Sentinel for the users Sentinel knows): "user@port: true" or the error. */
async function acceptsEverywhere(passwords: Record<CacheUser, string>): Promise<string[]> {
  const checks = CACHE_USERS.flatMap((u) => [...cluster.redisPorts, ...(SENTINEL_USERS.includes(u) ? cluster.sentinelPorts : [])].map((p) => [u, p] as const));
  return Promise.all(checks.map(async ([u, p]) => `${u}@${p}: ${String(await accepts(p, { user: u, password: passwords[u] }))}`));
}
const allTrue = (r: string[]) => r.filter((x) => !x.endsWith(': true'));

test('password rotation as docs/cache.md describes it: writers through HAProxy never fail, nothing acknowledged is lost, the old password is refused at the end', async () => {
  const OLD = { ...cluster.passwords };
  const NEW = Object.fromEntries(CACHE_USERS.map((u) => [u, `rotated-${u}-${process.pid}-${Date.now().toString(16)}`])) as Record<CacheUser, string>;
  const value = (u: CacheUser, s: Stdin | 'NEW' | 'OLD') => ({ '>NEW': `>${NEW[u]}`, '<OLD': `<${OLD[u]}`, OLD: OLD[u], NEW: NEW[u] } as Record<string, string>)[s];
  const backend = (pw: string): Credential => ({ user: 'backend', password: pw });
  let service = cluster.proxyPort; // Service `redis`: where a new connection goes
  const phases: { name: string; t: number }[] = [];
  const phase = (name: string) => phases.push({ name, t: Date.now() });
  const v1 = new Writers(cluster, 'rot-v1', () => service, () => backend(OLD.backend)).start(); // the backend before the rotation
  let v2: Writers | undefined;
  let oldProxy: ChildProcess | undefined = cluster.haproxyProcess;
  const proxyStop: Record<string, number | boolean> = {};
  const handovers: string[] = [];
  let handoverPod = -1;
  const stoppedAt: number[] = [];
  await sleep(2000);

  for (const [n, step] of steps.entries()) {
    phase(`${n + 1}. ${step.title}`);
    for (const a of step.actions) {
      if (a.kind === 'exec') {
        for (const i of all) {
          const out = await kubectlExec(i, a, value(a.user, a.stdin));
          expect(`${a.container}-${i} ${a.args.join(' ')}: ${out}`).toMatch(new RegExp(`: ${a.expect.replace(/^\^/, '')}`));
        }
        // The harness's own checks follow what every node accepts.
        if (a.stdin === '>NEW') cluster.passwords[a.user] = NEW[a.user];
      } else if (a.kind === 'secret') {
        for (const s of a.set) cluster.secret[s.key] = value(a.user, s.value);
        for (const k of a.remove) delete cluster.secret[k];
      } else if (a.targets[0].startsWith('statefulset/')) {
        // RollingUpdate: highest ordinal first; each pod: preStop (its running container), stop, start, Ready.
        for (const i of [...all].reverse()) {
          phase(`roll redis-${i}`);
          const log = await cluster.runPreStop(i);
          if (/handed over/.test(log)) {
            handovers.push(/handed over to \S+ after \d+ ms/.exec(log)![0]);
            handovers.push(...(log.match(/the new primary has \d+ other replica\S* online/g) ?? []));
            handoverPod = i;
          }
          stoppedAt[i] = Date.now();
          await cluster.killPod(i);
          cluster.startPod(i);
          await cluster.formed(60_000);
          await sleep(1000);
        }
        // Mid-rotation every restarted Redis and Sentinel accepts both passwords (the Secret's previous key).
        expect(allTrue(await acceptsEverywhere(OLD))).toEqual([]);
        expect(allTrue(await acceptsEverywhere(NEW))).toEqual([]);
        for (const i of all) {
          const log = fs.readFileSync(path.join(cluster.tmp, `redis-${i}.log`), 'utf8');
          for (const u of CACHE_USERS) expect(log).toContain(`password rotation: user ${u} accepts its previous password too`);
        }
      } else {
        expect(a.targets).toEqual(['deployment/redis-haproxy', 'deployment/backend']);
        phase('roll haproxy+backend');
        // A new HAProxy pod (the Secret's password now) starts; once its readiness probe passes (its checks
        // found the primary) the Service sends new connections there. No write is sent to it before.
        const [port, health] = await freePorts(2);
        const newProxy = cluster.spawnHaproxy('haproxy-rolled', port, health);
        await haproxyReady(health);
        service = port;
        // New backend pods start; the old ones stop once the new ones are ready (each finishes its write).
        v2 = new Writers(cluster, 'rot-v2', () => service, () => backend(NEW.backend)).start();
        await sleep(2000);
        await v1.stop();
        // The old HAProxy pod: preStop sleep, STOPSIGNAL SIGUSR1 (graceful), SIGKILL when the grace period ends.
        const t = Date.now();
        await sleep(PRESTOP_SLEEP_S * 1000);
        const exited = new Promise((r) => oldProxy!.once('exit', r));
        cluster.signal(oldProxy, 'SIGUSR1');
        let timer: NodeJS.Timeout | undefined;
        proxyStop.exitedGracefully = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => { timer = setTimeout(() => r(false), GRACE_S * 1000 - (Date.now() - t)); })]);
        clearTimeout(timer);
        proxyStop.stoppedAfterMs = Date.now() - t;
        if (!proxyStop.exitedGracefully) await cluster.kill(oldProxy);
        cluster.haproxyProcess = newProxy;
        oldProxy = undefined;
      }
    }
    await sleep(1000);
  }
  phase('after');
  // A Redis pod that restarts after the rotation comes back with the new password only.
  const primary = await cluster.formed(60_000);
  const replica = all.find((i) => cluster.redisPorts[i] !== primary)!;
  await cluster.killPod(replica);
  cluster.startPod(replica);
  await cluster.formed(60_000);
  await sleep(1000);
  await v2!.stop();
  phase('end');

  // Every old password is refused by every Redis, every Sentinel and through HAProxy; the new ones work.
  const refused = await acceptsEverywhere(OLD);
  for (const r of refused) expect(r).toMatch(/: WRONGPASS/);
  expect(await accepts(service, backend(OLD.backend))).toMatch(/^WRONGPASS/);
  expect(allTrue(await acceptsEverywhere(NEW))).toEqual([]);
  expect(await once(service, backend(NEW.backend), 'SET', 'rot:final', '1')).toBe('OK');

  // Every acknowledged write of both backend generations is there; no write failed at any step.
  const p = await cluster.formed(60_000);
  await once(p, backend(NEW.backend), 'WAIT', REPLICAS - 1, 5000);
  const lost1 = await v1.lost(p);
  const lost2 = await v2!.lost(p);
  const attempts = [...v1.attempts, ...v2!.attempts];
  const failed = attempts.filter((a) => !a.ok);
  const phaseOf = (t: number) => [...phases].reverse().find((x) => x.t <= t)?.name ?? 'before';
  const failedByPhase: Record<string, string[]> = {};
  for (const f of failed) (failedByPhase[phaseOf(f.t0)] ??= []).push(`${f.key} +${f.t0 - phases[0].t}..${f.t1 - phases[0].t}ms: ${f.error}`);
  const durations = Object.fromEntries(phases.slice(0, -1).map((x, k) => [x.name.replace(/^(\d+)\..*/, 'step $1'), phases[k + 1].t - x.t]));
  report('password-rotation', {
    attempts: attempts.length, acked: attempts.filter((a) => a.ok).length, failed: failed.length, failedByPhase,
    lost: { v1: lost1.keys.length, v2: lost2.keys.length }, handovers, oldPrimaryStoppedMs: stoppedAt[handoverPod] - phases[0].t, oldHaproxy: proxyStop, stepMs: durations,
    longestNoWriteMs: Math.max(v1.longestGap(v1.attempts[0].t0, v1.attempts[v1.attempts.length - 1].t1), v2!.longestGap(v2!.attempts[0].t0, v2!.attempts[v2!.attempts.length - 1].t1)),
    writersV1: v1.summary(), writersV2: v2!.summary(),
  });
  expect(handovers.filter((h) => h.startsWith('handed over')).length).toBe(1);
  expect(lost1).toEqual({ wait: 0, fresh: 0, plain: 0, keys: [] });
  expect(lost2).toEqual({ wait: 0, fresh: 0, plain: 0, keys: [] });
  // The rotation's own steps fail no write. The one cost is the StatefulSet roll's primary hand-over (as in
  // every rolling restart), as handover-failures.ts describes it.
  const handoverPhase = `roll redis-${handoverPod}`;
  expect(Object.keys(failedByPhase).filter((k) => k !== handoverPhase)).toEqual([]);
  const atHandover = failed.filter((f) => phaseOf(f.t0) === handoverPhase);
  expect(handoverFailureProblems(atHandover, stoppedAt[handoverPod], DOWN_AFTER_STOP_MS + TIMER_SLACK_MS)).toEqual([]);
  expect(proxyStop.exitedGracefully).toBe(true);
});
