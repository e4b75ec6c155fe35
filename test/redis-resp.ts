/** A minimal RESP2 client over `net` (or `tls`) for the failover test: one connection, one command at a time. */
import * as net from 'net';
import * as tls from 'tls';

/**
 * TLS for every connection (`redis.tls`): the CA to verify with and the name to verify (every server here listens on
 * 127.0.0.1, the certificate names the pods and Services). Undefined: plain TCP.
 */
let defaultTls: tls.ConnectionOptions | undefined;
export function useTls(options: { ca: Buffer | string; servername: string } | undefined): void { defaultTls = options; }

export type Reply = string | number | null | Reply[] | RedisError;
export class RedisError extends Error {}
/** What a connection authenticates with: a password (the `default` user, AUTH <password>) or an ACL user and its password. */
export type Credential = string | { user: string; password: string };

/** Parses one reply from `buf` at `pos`; returns undefined when more bytes are needed. */
function parse(buf: Buffer, pos: number): { value: Reply; end: number } | undefined {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('utf8', pos + 1, eol);
  switch (type) {
    case '+': return { value: line, end: eol + 2 };
    case '-': return { value: new RedisError(line), end: eol + 2 };
    case ':': return { value: Number(line), end: eol + 2 };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + len), end: eol + 2 + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: eol + 2 };
      const items: Reply[] = [];
      let p = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (!r) return undefined;
        items.push(r.value);
        p = r.end;
      }
      return { value: items, end: p };
    }
    default: throw new Error(`RESP: unexpected reply type ${JSON.stringify(type)}`);
  }
}

export class RespClient {
  private buf = Buffer.alloc(0);
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  private closed: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.drain(); });
    const fail = (e: Error) => { this.closed = e; this.waiting?.reject(e); this.waiting = undefined; };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  /** `transport`: 'plain' for TCP even when useTls() is on, or TLS options of this connection's own. */
  static connect(port: number, password?: Credential, timeoutMs = 2000, transport: 'plain' | tls.ConnectionOptions | undefined = defaultTls): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const secure = transport !== undefined && transport !== 'plain';
      const socket = secure ? tls.connect({ host: '127.0.0.1', port, ...transport }) : net.connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`connect to ${port}: timeout`)); }, timeoutMs);
      socket.once('error', (e) => { clearTimeout(timer); reject(e); });
      socket.once(secure ? 'secureConnect' : 'connect', async () => {
        clearTimeout(timer);
        const client = new RespClient(socket);
        try {
          if (password !== undefined) {
            const r = await (typeof password === 'string' ? client.call('AUTH', password) : client.call('AUTH', password.user, password.password));
            if (r instanceof RedisError) throw r;
          }
          resolve(client);
        } catch (e) {
          client.close();
          reject(e);
        }
      });
    });
  }

  private drain(): void {
    if (!this.waiting) return;
    const r = parse(this.buf, 0);
    if (!r) return;
    this.buf = this.buf.subarray(r.end);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve(r.value);
  }

  /** Sends one command; resolves with its reply (an error reply is a RedisError value, not a rejection). */
  call(...args: (string | number)[]): Promise<Reply> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting = undefined; reject(new Error(`${args[0]}: reply timeout`)); this.socket.destroy(); }, 5000);
      this.waiting = { resolve: (v) => { clearTimeout(timer); resolve(v); }, reject: (e) => { clearTimeout(timer); reject(e); } };
      const parts = args.map(String);
      this.socket.write(`*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`);
      this.drain();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Runs one command on a fresh connection; connection errors become a rejected promise. */
export async function once(port: number, password: Credential | undefined, ...args: (string | number)[]): Promise<Reply> {
  const c = await RespClient.connect(port, password);
  try {
    return await c.call(...args);
  } finally {
    c.close();
  }
}

/** INFO text as key/value pairs. */
export function infoFields(info: Reply): Record<string, string> {
  if (typeof info !== 'string') throw new Error(`INFO: unexpected reply ${String(info)}`);
  const out: Record<string, string> = {};
  for (const line of info.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
