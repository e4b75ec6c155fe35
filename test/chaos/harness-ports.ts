/** Small helpers of the real-process tests that need no generated objects: free ports, polling. */
import * as net from 'net';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
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
