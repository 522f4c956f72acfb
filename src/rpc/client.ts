/**
 * JSON-RPC client for lnconnectd's UNIX socket (what `lightning-cli` does):
 * one connection, many calls, answers matched by `id` whatever their order.
 * Used by lnconnect-cli, the demo and the tests. Answers of any size the
 * daemon may send are read (answer-stream.ts); one that cannot be held or is
 * not JSON fails every pending call with a `BadAnswerError`.
 */
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { AnswerStream, BadAnswerError } from './answer-stream.js';
import { capEcho } from './echo.js';
import { encodeRequest } from './jsonrpc.js';
import type { RpcErrorObject } from './jsonrpc.js';

export { AnswerTooLargeError, BadAnswerError } from './answer-stream.js';

/** An error the daemon answered with. */
export class RpcError extends Error {
  readonly code: number;
  readonly data?: unknown;
  constructor(readonly error: RpcErrorObject) {
    super(error.message);
    this.name = 'RpcError';
    this.code = error.code;
    if (error.data !== undefined) this.data = error.data;
  }
}

/** Nothing is listening on the socket path (or it cannot be reached). */
export class RpcConnectError extends Error {
  constructor(
    readonly path: string,
    override readonly cause: NodeJS.ErrnoException,
  ) {
    // A socket we may not open is no sign the daemon is down: say what is wrong instead.
    const hint =
      cause.code === 'EACCES' || cause.code === 'EPERM'
        ? "permission denied: the socket is mode 0600, run as the daemon's user"
        : 'is lnconnectd running?';
    super(`cannot connect to ${path}: ${cause.code ?? cause.message} (${hint})`);
    this.name = 'RpcConnectError';
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly answers: AnswerStream;
  private closedError: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly prefix: string,
    maxAnswerBytes?: number,
  ) {
    this.answers = new AnswerStream(maxAnswerBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.failAll(e));
    socket.on('close', () => this.failAll(new Error('connection to lnconnectd closed')));
  }

  static connect(path: string, opts: { idPrefix?: string; maxAnswerBytes?: number } = {}): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const s = createConnection({ path });
      const onError = (e: NodeJS.ErrnoException): void => {
        s.destroy();
        reject(new RpcConnectError(path, e));
      };
      s.once('error', onError);
      s.once('connect', () => {
        s.off('error', onError);
        resolve(new RpcClient(s, opts.idPrefix ?? `lnconnect:${process.pid}`, opts.maxAnswerBytes));
      });
    });
  }

  /** Call `method`; resolves to `result`, rejects with RpcError on an error answer. */
  call<T = unknown>(method: string, params: unknown = []): Promise<T> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    const id = `${this.prefix}#${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(encodeRequest(id, method, params));
    });
  }

  close(): void {
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    let texts;
    try {
      texts = this.answers.push(chunk);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    for (const text of texts) {
      let msg: { id?: unknown; result?: unknown; error?: RpcErrorObject };
      try {
        msg = JSON.parse(text) as typeof msg;
      } catch {
        this.fail(new BadAnswerError(`answer from lnconnectd is not JSON: ${capEcho(text)}`));
        return;
      }
      const key = typeof msg.id === 'string' ? msg.id : JSON.stringify(msg.id);
      const p = this.pending.get(key);
      if (p === undefined) continue;
      this.pending.delete(key);
      if (msg.error !== undefined) p.reject(new RpcError(msg.error));
      else p.resolve(msg.result);
    }
  }

  /** A protocol failure: every call fails with `e`, the connection is dropped. */
  private fail(e: Error): void {
    this.failAll(e);
    this.socket.destroy();
  }

  private failAll(e: Error): void {
    this.closedError ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** One call on a fresh connection. */
export async function rpcCall<T = unknown>(path: string, method: string, params: unknown = []): Promise<T> {
  const c = await RpcClient.connect(path);
  try {
    return await c.call<T>(method, params);
  } finally {
    c.close();
  }
}
