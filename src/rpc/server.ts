/**
 * lnconnectd's JSON-RPC server on a UNIX socket (Core Lightning's
 * `lightning-rpc`): any number of requests per connection, split across reads
 * or several per read, each answered when its handler finishes (so possibly
 * out of order, matched by `id`). Malformed input is answered (-32700 /
 * -32600 / -32601) and the server keeps serving; a frame over the bound
 * (16 MiB) is answered and that connection closed.
 *
 * The socket file is created with mode 0600. A stale socket left by a dead
 * daemon is replaced; a live one makes `prepareSocketPath` throw
 * `SocketInUseError`.
 */
import { chmod, unlink } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FrameTooLargeError,
  JsonStreamScanner,
  RpcCode,
  encodeError,
  encodeResult,
  parseRequest,
} from './jsonrpc.js';
import type { RpcErrorObject } from './jsonrpc.js';
import { METHODS, toRpcError } from './methods.js';
import type { Method, RpcNode } from './methods.js';
import { findDuplicateParamKey } from './params.js';

export class SocketInUseError extends Error {
  constructor(readonly path: string) {
    super(`another daemon is already running on ${path}`);
    this.name = 'SocketInUseError';
  }
}

/** Connect to `path`: 'live' if something answers, 'stale' if refused, 'absent' if no file. */
export function probeSocket(path: string): Promise<'live' | 'stale' | 'absent'> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ path });
    s.once('connect', () => {
      s.destroy();
      resolve('live');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      s.destroy();
      if (e.code === 'ENOENT') resolve('absent');
      else if (e.code === 'ECONNREFUSED' || e.code === 'ENOTSOCK') resolve('stale');
      else reject(e);
    });
  });
}

/** Make `path` free for a new socket: unlink a stale one, refuse a live one. */
export async function prepareSocketPath(path: string): Promise<void> {
  const state = await probeSocket(path);
  if (state === 'live') throw new SocketInUseError(path);
  if (state === 'stale') await unlink(path);
}

export interface RpcServerOptions {
  path: string;
  node: RpcNode;
  /** Called once, after the `stop` answer has been written. */
  onStop?: () => void;
  logger?: Logger;
  maxFrameBytes?: number;
  methods?: ReadonlyMap<string, Method>;
}

export class RpcServer {
  private readonly connections = new Set<Socket>();
  private closing: Promise<void> | undefined;
  private stopRequested = false;

  private constructor(
    private readonly server: Server,
    private readonly opts: RpcServerOptions,
  ) {}

  get path(): string {
    return this.opts.path;
  }

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Listen on `opts.path` (call `prepareSocketPath` first). The file gets mode 0600. */
  static async listen(opts: RpcServerOptions): Promise<RpcServer> {
    const server = createServer();
    const rpc = new RpcServer(server, opts);
    server.on('connection', (s) => rpc.serve(s));
    // The socket file is created inside listen(): narrow the umask around it
    // so it is never group/world accessible, then chmod to be sure.
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.path, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(oldMask);
    }
    await chmod(opts.path, 0o600);
    server.on('error', (e) => opts.logger?.error({ err: e }, 'RPC server error'));
    return rpc;
  }

  /** Stop accepting, end every client connection, remove the socket file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const s of this.connections) s.end();
      const force = setTimeout(() => {
        for (const s of this.connections) s.destroy();
      }, 1000);
      await closed;
      clearTimeout(force);
      await unlink(this.opts.path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    })();
    return this.closing;
  }

  private serve(socket: Socket): void {
    this.connections.add(socket);
    const scanner = new JsonStreamScanner(this.opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    const abort = new AbortController();
    const log = this.opts.logger;
    socket.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = scanner.push(chunk);
      } catch (e) {
        if (!(e instanceof FrameTooLargeError)) throw e;
        log?.warn({ limit: e.limit }, 'RPC request too large, closing the connection');
        socket.end(encodeError(null, { code: RpcCode.INVALID_REQUEST, message: `Invalid request: ${e.message}` }));
        return;
      }
      for (const f of frames) this.handle(socket, f.text, abort.signal);
    });
    socket.on('end', () => {
      for (const f of scanner.end()) this.handle(socket, f.text, abort.signal);
      socket.end();
    });
    socket.on('error', (e) => log?.debug({ err: e.message }, 'RPC client connection error'));
    socket.on('close', () => {
      this.connections.delete(socket);
      abort.abort();
    });
  }

  private handle(socket: Socket, text: string, signal: AbortSignal): void {
    const send = (s: string): void => {
      if (!socket.destroyed && socket.writable) socket.write(s);
    };
    const parsed = parseRequest(text);
    if (!parsed.ok) {
      this.opts.logger?.debug({ code: parsed.error.code }, 'Malformed RPC request');
      send(encodeError(parsed.id, parsed.error));
      return;
    }
    const { id, method: name, params } = parsed.request;
    const method = (this.opts.methods ?? METHODS).get(name);
    if (method === undefined) {
      send(encodeError(id, { code: RpcCode.METHOD_NOT_FOUND, message: `Unknown command '${name}'` }));
      return;
    }
    if (typeof params === 'object' && params !== null && !Array.isArray(params)) {
      const dup = findDuplicateParamKey(text);
      if (dup !== undefined) {
        send(encodeError(id, { code: RpcCode.INVALID_PARAMS, message: `duplicate json names: ${dup}` }));
        return;
      }
    }
    this.opts.logger?.trace({ method: name, id }, 'RPC request');
    let stopAfter = false;
    const ctx = { node: this.opts.node, signal, requestStop: () => (stopAfter = true) };
    const answer = (r: { result: unknown } | { error: RpcErrorObject }): void => {
      send('result' in r ? encodeResult(id, r.result) : encodeError(id, r.error));
      if (stopAfter && !this.stopRequested) {
        this.stopRequested = true;
        this.opts.onStop?.();
      }
    };
    method(params, ctx).then(
      (result) => answer({ result }),
      (e: unknown) => answer({ error: toRpcError(e) }),
    );
  }
}
