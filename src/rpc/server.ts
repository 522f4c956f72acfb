/**
 * lnconnectd's JSON-RPC server on a UNIX socket (Core Lightning's
 * `lightning-rpc`): any number of requests per connection, split across reads
 * or several per read, each answered when its handler finishes (so possibly
 * out of order, matched by `id`). Framing, protocol errors and flow control
 * of one client live in rpc-connection.ts: a client that does not read its
 * answers stops being read; after a frame that cannot be parsed or is too
 * large it gets one error and the connection is closed; a request that is
 * merely invalid (-32600 / -32601 / -32602) is answered and the connection
 * kept. Error texts quote client text capped (echo.ts).
 *
 * The socket file is created with mode 0600. `prepareSocketPath`
 * (socket-path.ts) removes only a stale socket, refuses a live one
 * (`SocketInUseError`) and any other file (`SocketPathError`).
 */
import { chmod, unlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { capEcho } from './echo.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_ID_CHARS, RpcCode, encodeError, encodeResult } from './jsonrpc.js';
import type { RpcErrorObject, RpcRequest } from './jsonrpc.js';
import { METHODS, toRpcError } from './methods.js';
import type { Method, MethodContext, RpcNode, RpcSettings } from './methods.js';
import { findDuplicateParamKey } from './params.js';
import { RpcConnection } from './rpc-connection.js';
import type { ConnectionLimits } from './rpc-connection.js';
import { SocketPathError, socketPathTooLong } from './socket-path.js';
import type { Observer } from '../observe/observer.js';

export { MAX_SOCKET_PATH_BYTES, SocketInUseError, SocketPathError, prepareSocketPath, probeSocket, socketPathTooLong } from './socket-path.js';

/** Queued answer bytes past which a client is no longer read (until 'drain'). */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** Requests of one connection running at once; past it reading pauses. */
export const DEFAULT_MAX_INFLIGHT = 1000;
/** How long an ended connection may wait for a client that does not read. */
export const DEFAULT_CLOSE_GRACE_MS = 5000;

export interface RpcServerOptions {
  path: string;
  node: RpcNode;
  /** Called once, after the `stop` answer has been written. */
  onStop?: () => void;
  logger?: Logger;
  /** Bytes of one request (default 16 MiB). */
  maxFrameBytes?: number;
  /** Nesting depth of one request (default 256). */
  maxDepth?: number;
  /** Characters of a string `id` (default 1024). */
  maxIdChars?: number;
  /** Queued answer bytes per connection before reading pauses (default 1 MiB). */
  maxOutputBytes?: number;
  /** Running requests per connection before reading pauses (default 1000). */
  maxInflight?: number;
  closeGraceMs?: number;
  methods?: ReadonlyMap<string, Method>;
  /** What getinfo and listpeers report about the daemon (lightning-dir, features, dev-allow-localhost). */
  settings?: RpcSettings;
  /** Told of each request answered, by method (`other` for a name not in `methods`) and result (the metrics). */
  observer?: Pick<Observer, 'rpcRequest'>;
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
    const tooLong = socketPathTooLong(opts.path);
    if (tooLong !== undefined) throw new SocketPathError(opts.path, tooLong);
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
    socket.once('close', () => this.connections.delete(socket));
    const o = this.opts;
    const limits: ConnectionLimits = {
      maxFrameBytes: o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxDepth: o.maxDepth ?? DEFAULT_MAX_DEPTH,
      maxIdChars: o.maxIdChars ?? DEFAULT_MAX_ID_CHARS,
      maxOutputBytes: o.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      maxInflight: o.maxInflight ?? DEFAULT_MAX_INFLIGHT,
      closeGraceMs: o.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS,
    };
    new RpcConnection(socket, limits, (request, text, conn) => this.handle(request, text, conn), o.logger);
  }

  private async handle(request: RpcRequest, text: string, conn: RpcConnection): Promise<void> {
    const { id, method: name, params } = request;
    const method = (this.opts.methods ?? METHODS).get(name);
    if (method === undefined) {
      this.opts.observer?.rpcRequest('other', false);
      conn.send(encodeError(id, { code: RpcCode.METHOD_NOT_FOUND, message: `Unknown command '${capEcho(name)}'` }));
      return;
    }
    if (typeof params === 'object' && params !== null && !Array.isArray(params)) {
      const dup = findDuplicateParamKey(text);
      if (dup !== undefined) {
        this.opts.observer?.rpcRequest(name, false);
        conn.send(encodeError(id, { code: RpcCode.INVALID_PARAMS, message: `duplicate json names: ${capEcho(dup)}` }));
        return;
      }
    }
    this.opts.logger?.trace({ method: name, id }, 'RPC request');
    let stopAfter = false;
    const ctx: MethodContext = { node: this.opts.node, signal: conn.signal, requestStop: () => (stopAfter = true) };
    if (this.opts.settings !== undefined) ctx.settings = this.opts.settings;
    let answer: { result: unknown } | { error: RpcErrorObject };
    try {
      answer = { result: await method(params, ctx) };
    } catch (e) {
      answer = { error: toRpcError(e) };
    }
    this.opts.observer?.rpcRequest(name, 'result' in answer);
    conn.send('result' in answer ? encodeResult(id, answer.result) : encodeError(id, answer.error));
    if (stopAfter && !this.stopRequested) {
      this.stopRequested = true;
      this.opts.onStop?.();
    }
  }
}
