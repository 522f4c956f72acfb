/**
 * Connection establishment for one dial-list entry (as Core Lightning's
 * connectd/connectd.c and connectd/tor.c): direct TCP for IPv4/IPv6, AF_UNIX for a
 * local socket (never proxied), SOCKS5 through the proxy for Tor v3 and
 * unresolved names (and for IP literals with always-use-proxy); the SOCKS5
 * exchange itself is the `socks` package's, on the socket we connected to
 * the proxy (socks5.ts). The whole
 * establishment — TCP connect plus the SOCKS5 exchange — runs under one
 * per-address timeout (lnconnect's addition, reason `Connection timed out`)
 * and can be cancelled with an AbortSignal; either way the socket is
 * destroyed and every listener and timer is removed before settling.
 *
 * Failures reject with a DialError carrying Core Lightning's texts, so the
 * peer machine can print `<addr>: Connection establishment: <reason>. `.
 * The resolved socket has TCP_NODELAY set (TCP), and may be paused: attach a
 * 'data' listener, then call `resume()` (SocketChannel does this).
 */
import net from 'node:net';
import type { DialAddress, WebSocketAddress } from '../address/types.js';
import { errorCode, socketErrorReason } from './errno.js';
import { SocksEof, SocksFailure, SocksTimeout, socks5Connect } from './socks5.js';

export type DialStage = 'Connection establishment';

export interface DialOptions {
  /** Per-address establishment timeout (TCP connect + SOCKS5), milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
  proxy?: { host: string; port: number };
  /** CLN `--always-use-proxy`: IP literals go through the proxy too. */
  alwaysUseProxy?: boolean;
}

/**
 * Why an address failed at establishment. Either staged (`stage` set; the
 * fragment is `<addr>: <stage>: <reason>. `, preceded by `prefix. ` when set),
 * or stage-less (`fragment` set, e.g. `need a proxy`: `<addr>: need a proxy. `).
 */
export class DialError extends Error {
  declare readonly stage?: DialStage;
  readonly reason: string;
  /** A stage-less fragment text (`need a proxy`). */
  declare readonly fragment?: string;
  /** A full fragment printed before this address's own (SOCKS: `Error connecting to <host>: Tor server reply: <text>`). */
  declare readonly prefix?: string;
  /** errno name when the OS reported one (`ECONNREFUSED`…). */
  declare readonly code?: string;
  /** True when the caller's AbortSignal ended the attempt. */
  readonly aborted: boolean;
  constructor(args: { stage?: DialStage; reason: string; fragment?: string; prefix?: string; code?: string; aborted?: boolean }) {
    super(args.prefix !== undefined ? `${args.prefix}. ${args.reason}` : args.reason);
    this.name = 'DialError';
    if (args.stage !== undefined) this.stage = args.stage;
    this.reason = args.reason;
    if (args.fragment !== undefined) this.fragment = args.fragment;
    if (args.prefix !== undefined) this.prefix = args.prefix;
    if (args.code !== undefined) this.code = args.code;
    this.aborted = args.aborted ?? false;
  }
}

const ESTABLISHMENT: DialStage = 'Connection establishment';

/** A failure at `Connection establishment` (every dialler's: TCP, UNIX, SOCKS5, WebSocket). */
export function staged(reason: string, extra: { prefix?: string; code?: string; aborted?: boolean } = {}): DialError {
  return new DialError({ stage: ESTABLISHMENT, reason, ...extra });
}

/** The SOCKS5 destination host, as CLN's fmt_wireaddr_without_port: IPv6 in brackets. */
export function proxyHostOf(addr: DialAddress): string | undefined {
  switch (addr.type) {
    case 'ipv6':
      return `[${addr.address}]`;
    case 'ipv4':
    case 'torv3':
    case 'dns':
    case 'unresolved':
      return addr.address;
    case 'local socket':
    case 'websocket':
      return undefined;
  }
}

type Route =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number; family: 4 | 6 }
  | { kind: 'socks'; proxy: { host: string; port: number }; host: string; port: number }
  | { kind: 'need-proxy' };

function routeOf(addr: Exclude<DialAddress, WebSocketAddress>, opts: DialOptions): Route {
  if (addr.type === 'local socket') return { kind: 'unix', path: addr.socket };
  const viaProxy =
    addr.type === 'torv3' || addr.type === 'unresolved' || addr.type === 'dns' || opts.alwaysUseProxy === true;
  if (!viaProxy) return { kind: 'tcp', host: addr.address, port: addr.port, family: addr.type === 'ipv6' ? 6 : 4 };
  if (opts.proxy === undefined) return { kind: 'need-proxy' };
  return { kind: 'socks', proxy: opts.proxy, host: proxyHostOf(addr) ?? addr.address, port: addr.port };
}

/**
 * Establish a connection to `addr`. `dns` entries must be resolved first
 * (resolveName) unless they go to the proxy by name (always-use-proxy).
 */
export function dial(addr: DialAddress, opts: DialOptions): Promise<net.Socket> {
  if (addr.type === 'websocket') return Promise.reject(new TypeError('dial: a websocket address is dialled by dialStream (src/io/ws-dial.ts)'));
  if (addr.type === 'dns' && !(opts.alwaysUseProxy === true && opts.proxy !== undefined)) {
    return Promise.reject(new TypeError('dial: a dns address must be resolved first (resolveName)'));
  }
  const route = routeOf(addr, opts);
  if (route.kind === 'need-proxy') {
    return Promise.reject(new DialError({ reason: 'need a proxy', fragment: 'need a proxy' }));
  }
  const { signal } = opts;
  if (signal?.aborted === true) return Promise.reject(staged('Operation canceled', { aborted: true, code: 'ECANCELED' }));

  return new Promise<net.Socket>((resolve, reject) => {
    let settled = false;
    let cancelSocks: (() => void) | undefined;
    const socket =
      route.kind === 'unix'
        ? net.connect({ path: route.path })
        : route.kind === 'tcp'
          ? net.connect({ host: route.host, port: route.port, family: route.family, noDelay: true })
          : net.connect({ host: route.proxy.host, port: route.proxy.port, noDelay: true });

    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      cancelSocks?.();
    };
    const fail = (err: DialError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(err);
    };
    const succeed = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(socket);
    };
    const onTimeout = (): void => fail(staged('Connection timed out', { code: 'ETIMEDOUT' }));
    const onAbort = (): void => fail(staged('Operation canceled', { aborted: true, code: 'ECANCELED' }));
    const onError = (err: Error): void => {
      const code = errorCode(err);
      fail(staged(socketErrorReason(err), code === undefined ? {} : { code }));
    };
    const onConnect = (): void => {
      if (route.kind !== 'socks') {
        succeed();
        return;
      }
      // Our 'error' listener stays: socket errors during the exchange keep their errno text.
      const target = { proxy: route.proxy, host: route.host, port: route.port, timeoutMs: opts.timeoutMs };
      cancelSocks = socks5Connect(socket, target, (err) => {
        cancelSocks = undefined;
        if (err === undefined) succeed();
        else if (err instanceof SocksFailure) fail(staged('Connection refused', { prefix: err.prefix, code: 'ECONNREFUSED' }));
        else if (err instanceof SocksEof) fail(staged('peer closed connection'));
        else if (err instanceof SocksTimeout) onTimeout();
        else onError(err);
      });
    };

    const timer = setTimeout(onTimeout, opts.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', onConnect);
    socket.once('error', onError);
  });
}
