/**
 * JSON-RPC client for lnconnectd's UNIX socket (what `lightning-cli` does):
 * one connection, many calls, answers matched by `id` whatever their order.
 * Used by lnconnect-cli, the demo and the tests.
 */
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { JsonStreamScanner, encodeRequest } from './jsonrpc.js';
import type { RpcErrorObject } from './jsonrpc.js';

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
    super(`cannot connect to ${path}: ${cause.code ?? cause.message} (is lnconnectd running?)`);
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
  private readonly scanner = new JsonStreamScanner();
  private closedError: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly prefix: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.failAll(e));
    socket.on('close', () => this.failAll(new Error('connection to lnconnectd closed')));
  }

  static connect(path: string, opts: { idPrefix?: string } = {}): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const s = createConnection({ path });
      const onError = (e: NodeJS.ErrnoException): void => {
        s.destroy();
        reject(new RpcConnectError(path, e));
      };
      s.once('error', onError);
      s.once('connect', () => {
        s.off('error', onError);
        resolve(new RpcClient(s, opts.idPrefix ?? `lnconnect:${process.pid}`));
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
    let frames;
    try {
      frames = this.scanner.push(chunk);
    } catch (e) {
      this.failAll(e as Error);
      this.socket.destroy();
      return;
    }
    for (const f of frames) {
      let msg: { id?: unknown; result?: unknown; error?: RpcErrorObject };
      try {
        msg = JSON.parse(f.text) as typeof msg;
      } catch {
        continue;
      }
      const key = typeof msg.id === 'string' ? msg.id : JSON.stringify(msg.id);
      const p = this.pending.get(key);
      if (p === undefined) continue;
      this.pending.delete(key);
      if (msg.error !== undefined) p.reject(new RpcError(msg.error));
      else p.resolve(msg.result);
    }
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
