/**
 * The SOCKS5 CONNECT exchange with a proxy (usually Tor), run by the `socks`
 * package (a maintained client, as the issue asks) over a TCP socket that
 * dial() already connected to the proxy (`existing_socket`), so dial() keeps
 * owning the socket: its single per-address timeout and AbortSignal destroy
 * it, which the package sees as a close and abandons the exchange.
 * Behaves as Core Lightning's connectd/tor.c:
 * "no auth" only; failures carry CLN's exact texts as a `prefix` fragment,
 * and the address then fails with `Connection refused` (CLN forces errno to
 * ECONNREFUSED).
 *
 * Destination encoding: names, `.onion`s and IPv6 literals in brackets
 * (`[::1]`, which is not an IP literal to the package) go as domain names
 * (ATYP 3), so the proxy resolves and routes them. IPv4 literals (only with
 * always-use-proxy) go as ATYP 1: the package picks the address type from the
 * host text and cannot be told otherwise. CLN sends them as ATYP 3 text; for
 * Tor both mean the same destination.
 *
 * Mapping the package's outcome to CLN's texts. The package reports failures
 * as English messages and names reply codes by enum (`undefined` for codes
 * above 8), never the raw byte; so a passive 'data' tap keeps the first bytes
 * the proxy sent (method reply VER METHOD, then VER REP RSV ATYP) and the
 * texts are built from those bytes:
 * - method 0xff → `Connected out for <host> error: authentication required`
 * - another method → `Connected out for <host> error: unexpected connect answer <hex> from the tor socks5 proxy`
 *   (failed at once, before the package would try user/password with empty credentials)
 * - REP ≠ 0 → `Error connecting to <host>: Tor server reply: <socks5ReplyText(REP)>` (incl. `unknown error: N`)
 * - granted with a reply ATYP other than 1/3/4 → `Tor connect out for host <host> error invalid type return: <hex>`
 *   (the package would accept it); ATYP 3 is accepted as RFC 1928 allows (CLN refuses it)
 * - the package's `Socket closed` → SocksEof (`peer closed connection`)
 * - the package's `Proxy connection timed out` → SocksTimeout (`Connection timed out`);
 *   dial()'s own timer normally fires first, as it started before the TCP connect.
 * Socket errors (ECONNRESET…) reach dial()'s own 'error' listener first and keep their errno text.
 * Checked before the exchange: a name over 255 bytes → CLN's `hostname too long for socks5 request`;
 * a non-ASCII name → `hostname not ASCII for socks5 request` (our text: CLN sends the UTF-8 bytes,
 * but the package would write a wrong length byte for them).
 *
 * On success the socket is handed back paused, with any bytes that arrived
 * past the reply pushed back with `unshift` (the package instead re-emits
 * them as a 'data' event and resumes the socket on the next turn of the event
 * loop; we wait for that turn, collect, pause and unshift).
 *
 * The package starts its own (unref'd, never cleared) timer per exchange; it
 * holds the finished exchange in memory until `timeoutMs` passes, then does
 * nothing. It keeps no process handle open.
 */
import type { Socket } from 'node:net';
import { SocksClient } from 'socks';

const SOCKS_NOAUTH = 0x00;
const SOCKS_ERROR = 0xff;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;
const MAX_DOMAIN = 255;
/** Bytes kept by the tap: method reply (2) + VER REP RSV ATYP (4). */
const HEAD_SIZE = 6;

// The `socks` 2.8.11 messages we map (its ERRORS table is not exported).
const PKG_TIMED_OUT = 'Proxy connection timed out';
const PKG_SOCKET_CLOSED = 'Socket closed';
const PKG_REJECTED = 'Socks5 proxy rejected connection';
const PKG_BAD_METHOD_REPLY = 'Received invalid Socks5 initial handshake';

/** RFC 1928 §6 reply texts, as CLN's socks5strerror prints them. */
export function socks5ReplyText(code: number): string {
  switch (code) {
    case 0: return 'success';
    case 1: return 'general SOCKS server failure';
    case 2: return 'connection not allowed by ruleset';
    case 3: return 'network unreachable';
    case 4: return 'host unreachable';
    case 5: return 'connection refused';
    case 6: return 'TTL expired';
    case 7: return 'command not supported';
    case 8: return 'address type not supported';
    default: return `unknown error: ${code}`;
  }
}

/** The proxy said no (or answered nonsense). `prefix` is CLN's fragment text, without the trailing `. `. */
export class SocksFailure extends Error {
  readonly prefix: string;
  /** The CONNECT reply code when the proxy sent one. */
  declare readonly replyCode?: number;
  constructor(prefix: string, replyCode?: number) {
    super(prefix);
    this.name = 'SocksFailure';
    this.prefix = prefix;
    if (replyCode !== undefined) this.replyCode = replyCode;
  }
}

/** The proxy closed the connection mid-exchange (CLN: errno 0 → `peer closed connection`). */
export class SocksEof extends Error {
  constructor() {
    super('peer closed connection');
    this.name = 'SocksEof';
  }
}

/** The package's own exchange timer fired (dial()'s timer normally wins). */
export class SocksTimeout extends Error {
  constructor() {
    super('Connection timed out');
    this.name = 'SocksTimeout';
  }
}

/** Translate the package's failure message, with the proxy's first bytes, into our errors. */
function failureOf(message: string, host: string, head: Buffer): Error {
  const method = head[1];
  const rep = head[3];
  if (message === PKG_TIMED_OUT) return new SocksTimeout();
  if (message === PKG_SOCKET_CLOSED) return new SocksEof();
  if (message.startsWith(PKG_REJECTED) && rep !== undefined) {
    return new SocksFailure(`Error connecting to ${host}: Tor server reply: ${socks5ReplyText(rep)}`, rep);
  }
  if (message.startsWith(PKG_BAD_METHOD_REPLY) && method !== undefined) {
    if (method === SOCKS_ERROR) return new SocksFailure(`Connected out for ${host} error: authentication required`);
    return new SocksFailure(unexpectedAnswer(host, method)); // e.g. a wrong version byte
  }
  return new Error(message);
}

function unexpectedAnswer(host: string, method: number): string {
  return `Connected out for ${host} error: unexpected connect answer ${method.toString(16)} from the tor socks5 proxy`;
}

export interface Socks5Target {
  /** The proxy the socket is connected to. */
  proxy: { host: string; port: number };
  /** Destination, already formatted: `[::1]`, `1.2.3.4`, `x.onion`, `name`. */
  host: string;
  port: number;
  /** The package's own exchange timeout (a fallback: dial()'s timer covers TCP + SOCKS). */
  timeoutMs: number;
}

/**
 * Run the SOCKS5 exchange on `socket` (already connected to the proxy) for
 * `target`. Calls `done` exactly once (unless cancelled): with no error once
 * the proxy granted the CONNECT (the socket is then paused, any bytes past
 * the reply pushed back with `unshift`), or with a SocksFailure / SocksEof /
 * SocksTimeout / another Error. Returns a cancel function that detaches our
 * listeners without calling `done`; the caller then destroys the socket,
 * which ends the package's side.
 */
export function socks5Connect(socket: Socket, target: Socks5Target, done: (err?: Error) => void): () => void {
  const { host } = target;
  let head: Buffer = Buffer.alloc(0);
  let excess: Buffer[] | undefined; // set once the package reported success
  let handover: NodeJS.Immediate | undefined;
  let finished = false;

  const detach = (): void => {
    socket.off('data', tap);
    if (handover !== undefined) clearImmediate(handover);
    handover = undefined;
  };
  const finish = (err?: Error): void => {
    if (finished) return;
    finished = true;
    detach();
    done(err);
  };
  const cancel = (): void => {
    if (finished) return;
    finished = true;
    detach();
  };
  function tap(chunk: Buffer): void {
    if (excess !== undefined) {
      excess.push(chunk);
      return;
    }
    if (head.length >= HEAD_SIZE) return;
    head = Buffer.concat([head, chunk]).subarray(0, HEAD_SIZE);
    const method = head[1];
    if (method !== undefined && method !== SOCKS_NOAUTH && method !== SOCKS_ERROR) finish(new SocksFailure(unexpectedAnswer(host, method)));
  }
  const granted = (): void => {
    if (finished) return;
    const atyp = head[5] ?? 0;
    if (atyp !== ATYP_IPV4 && atyp !== ATYP_DOMAIN && atyp !== ATYP_IPV6) {
      finish(new SocksFailure(`Tor connect out for host ${host} error invalid type return: ${atyp.toString(16)}`));
      return;
    }
    // The package re-emits leftover bytes and resumes the socket in a setImmediate queued
    // before this one: collect what it emits, then hand the socket back paused.
    excess = [];
    handover = setImmediate(() => {
      handover = undefined;
      if (finished) return;
      finished = true;
      detach();
      socket.pause();
      if (excess !== undefined && excess.length > 0) socket.unshift(Buffer.concat(excess));
      done();
    });
  };

  const bytes = Buffer.byteLength(host);
  if (bytes > MAX_DOMAIN || bytes !== host.length) {
    // The package writes the name's UTF-16 length as its byte count: refuse non-ASCII rather than send a malformed request.
    const why = bytes > MAX_DOMAIN ? 'hostname too long for socks5 request' : 'hostname not ASCII for socks5 request';
    queueMicrotask(() => finish(new SocksFailure(`Connected out for ${host} error: ${why}`)));
    return cancel;
  }
  socket.on('data', tap); // before the package's own listener, so the tap sees each chunk first
  SocksClient.createConnection({
    command: 'connect',
    proxy: { host: target.proxy.host, port: target.proxy.port, type: 5 },
    destination: { host, port: target.port },
    existing_socket: socket,
    timeout: Math.max(1, target.timeoutMs),
  }).then(granted, (err: unknown) => finish(failureOf(err instanceof Error ? err.message : String(err), host, head)));
  return cancel;
}
