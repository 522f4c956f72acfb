/**
 * Listening sockets for inbound peers: TCP `host:port` (port 0 = ephemeral,
 * the real port reported in the Binding) or a UNIX socket path, with a
 * listen backlog of 1024 (not CLN's 64: when a burst of peers overflows the
 * accept queue the kernel drops their SYNs and each one waits for a 1 s
 * retransmit — 1,000 simultaneous loopback connects measured p50 1,068 ms
 * with 64 and 50 ms with 1024; the kernel caps it at somaxconn). A stale UNIX socket file (a
 * previous process died without removing it) is removed only after checking
 * that nothing answers on it; a live one makes `listen` reject.
 *
 * `remoteAddressOf` gives the connect result's `address` for an inbound
 * connection (the peer's IP and ephemeral port, as Core Lightning reports it).
 */
import { lstat, unlink } from 'node:fs/promises';
import net from 'node:net';
import type { DialAddress } from '../address/types.js';
import type { Binding } from '../types.js';
import { errorCode } from './errno.js';

export const LISTEN_BACKLOG = 1024;

export interface Listener {
  readonly binding: Binding;
  /**
   * Stop accepting. Connections already handed to `onConnection` are the
   * caller's to close; one whose `onConnection` threw is destroyed here.
   */
  close(): Promise<void>;
}

export type BindAddress = { host: string; port: number } | { socket: string };

/** Sockets accepted on UNIX listeners (Node gives them no address to tell them apart). */
const unixPeers = new WeakSet<object>();

export async function listen(bind: BindAddress, onConnection: (socket: net.Socket) => void): Promise<Listener> {
  const isUnix = 'socket' in bind;
  const server = net.createServer((socket) => {
    if (isUnix) unixPeers.add(socket);
    else socket.setNoDelay(true);
    try {
      onConnection(socket);
    } catch {
      // The hand-over failed: the socket is still ours to close (a throw here would be uncaught).
      socket.destroy();
    }
  });

  if (isUnix) {
    try {
      await listenOn(server, { path: bind.socket, backlog: LISTEN_BACKLOG });
    } catch (err) {
      if (errorCode(err) !== 'EADDRINUSE') throw err;
      if (!(await isStaleSocket(bind.socket))) throw err;
      await unlink(bind.socket).catch(() => undefined); // stale: its owner is gone
      await listenOn(server, { path: bind.socket, backlog: LISTEN_BACKLOG });
    }
  } else {
    await listenOn(server, { host: bind.host, port: bind.port, backlog: LISTEN_BACKLOG });
  }

  const binding = bindingOf(server, bind);
  let closing: Promise<void> | undefined;
  return {
    binding,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        // server.close() stops accepting at once; its callback would wait for every accepted connection.
        server.close();
        setImmediate(resolve);
      });
      return closing;
    },
  };
}

/** `server.listen(options)` as a promise (the listening error rejects it). */
export function listenOn(server: net.Server, options: net.ListenOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options);
  });
}

/** True only for a socket file that refuses connections (its listener is gone); never for other files. */
async function isStaleSocket(path: string): Promise<boolean> {
  const st = await lstat(path).catch(() => null);
  if (st?.isSocket() !== true) return false;
  return new Promise<boolean>((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (err) => {
      probe.destroy();
      resolve(errorCode(err) === 'ECONNREFUSED');
    });
  });
}

function bindingOf(server: net.Server, bind: BindAddress): Binding {
  if ('socket' in bind) return { type: 'local socket', socket: bind.socket };
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('listen: no TCP address after listening');
  return { type: a.family === 'IPv6' ? 'ipv6' : 'ipv4', address: a.address, port: a.port };
}

/**
 * The peer's address of an accepted socket: ipv4/ipv6 `{address, port}`
 * (IPv4-mapped IPv6 `::ffff:a.b.c.d` reported as ipv4), or
 * `{type: 'local socket', socket: ''}` for a peer on a UNIX listener (it has
 * no name). Null once the socket is closed and the address is unknown. A
 * WebSocket peer (src/io/ws-stream.ts) is its TCP connection's IP and port,
 * as for Core Lightning, whose websocketd serves the accepted socket itself.
 */
export function remoteAddressOf(socket: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined }): DialAddress | null {
  if (unixPeers.has(socket)) return { type: 'local socket', socket: '' };
  const address = socket.remoteAddress;
  const port = socket.remotePort;
  if (address === undefined || port === undefined) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] !== undefined) return { type: 'ipv4', address: mapped[1], port };
  return net.isIPv6(address) ? { type: 'ipv6', address, port } : { type: 'ipv4', address, port };
}
