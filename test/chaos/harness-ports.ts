/** Small helpers of the real-process tests that need no generated objects: free ports, polling. */
import * as fs from 'fs';
import * as net from 'net';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The kernel's ephemeral range (`ip_local_port_range`): the local ports of outgoing connections come from it.
 * The scenarios open thousands of client connections while servers restart on their old ports, so a port from
 * that range (what `listen(0)` hands out) can be taken by a client socket between a server's stop and its
 * restart, and the restart fails with EADDRINUSE. The servers' ports therefore come from below the range.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch { /* not Linux: the IANA range */ }
  return [49152, 65535];
}

const [EPHEMERAL_LOW, EPHEMERAL_HIGH] = ephemeralRange();
/** Ports for servers: below the ephemeral range when there is room, else above it. */
const POOL: [number, number] = EPHEMERAL_LOW - 1024 >= 10000 ? [10000, EPHEMERAL_LOW - 1] : [EPHEMERAL_HIGH + 1, 65535];
/**
 * Each Jest worker takes its ports from its own slice of the pool (JEST_WORKER_ID), from a random start
 * onwards: ports are checked free when handed out but bound seconds later (Sentinel starts after its peers'
 * wait), so two workers walking the same ports could each be handed a port the other then binds. A lane that
 * runs beside another (.ci/run runs the tools lane beside the chaos lane) starts at slice TEST_PORT_SLICE_BASE.
 */
const SLICES = 8;
const SLICE_WIDTH = Math.floor((POOL[1] - POOL[0] + 1) / SLICES);
const SLICE = Number(process.env.TEST_PORT_SLICE_BASE ?? 0) + Number(process.env.JEST_WORKER_ID ?? 1) - 1;
const SLICE_LOW = POOL[0] + (SLICE % SLICES) * SLICE_WIDTH;
const SLICE_HIGH = SLICE_LOW + SLICE_WIDTH - 1;
let cursor = SLICE_LOW + Math.floor(Math.random() * SLICE_WIDTH);

/** Whether nothing listens on the port on any address (Sentinel binds the wildcard address, Redis loopback). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

/** `n` ports no server listens on, outside the ephemeral range, never handed out twice by this process. */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tried = 0; ports.length < n; tried++) {
    if (tried > 2000) throw new Error(`no ${n} free ports in ${SLICE_LOW}-${SLICE_HIGH}`);
    cursor = cursor >= SLICE_HIGH ? SLICE_LOW : cursor + 1;
    if (await bindable(cursor)) ports.push(cursor);
  }
  return ports;
}

/** Polls `probe` every 100 ms until it returns a value; on time-out throws with the last error and the logs of `cluster`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, cluster?: { logs(): string }): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\n${cluster?.logs() ?? ''}`);
}
