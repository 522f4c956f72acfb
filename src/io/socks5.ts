/**
 * The SOCKS5 CONNECT exchange with a proxy (usually Tor), over a TCP socket
 * that is already connected to the proxy. Behaves as Core Lightning's
 * connectd/tor.c (cln-reference.md §2.3, §3): "no auth" only, and the CONNECT
 * request ALWAYS carries the destination as a domain name (ATYP 3) — IPv4
 * literals as their dotted text, IPv6 literals in brackets (`[::1]`), so the
 * proxy, never us, resolves and routes. Failures carry CLN's exact texts as a
 * `prefix` fragment; the address itself then fails with `Connection refused`
 * (CLN forces errno to ECONNREFUSED).
 *
 * Why not the `socks` package: it sends IPv4 literals with ATYP 1 (breaking
 * the always-ATYP-3 rule) and reports unknown reply codes as `undefined`
 * (losing CLN's `unknown error: N`). The exchange is ~4 reads and 2 writes.
 */
import type { Socket } from 'node:net';

const SOCKS_V5 = 0x05;
const SOCKS_NOAUTH = 0x00;
const SOCKS_ERROR = 0xff;
const SOCKS_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;
const MAX_DOMAIN = 255;

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

/**
 * Run the SOCKS5 exchange on `socket` for `host:port` (`host` already
 * formatted: `[::1]`, `1.2.3.4`, `x.onion`, `name`). Calls `done` exactly once
 * (unless cancelled): with no error once the proxy granted the CONNECT (the
 * socket is then paused, any bytes past the reply pushed back with
 * `unshift`), or with a SocksFailure / SocksEof / the socket's error. Returns
 * a cancel function that detaches every listener without calling `done`.
 */
export function socks5Connect(socket: Socket, host: string, port: number, done: (err?: Error) => void): () => void {
  let buf: Buffer = Buffer.alloc(0);
  let step: 'method' | 'reply' = 'method';
  let finished = false;

  const finish = (err?: Error): void => {
    if (finished) return;
    finished = true;
    detach();
    if (err === undefined && buf.length > 0) socket.unshift(buf);
    done(err);
  };
  const onData = (chunk: Buffer): void => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    advance();
  };
  const onEnd = (): void => finish(new SocksEof());
  const onClose = (): void => finish(new SocksEof());
  const onError = (err: Error): void => finish(err);
  const detach = (): void => {
    socket.pause();
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onClose);
    socket.off('error', onError);
  };

  const advance = (): void => {
    if (step === 'method') {
      if (buf.length < 2) return;
      const method = buf[1] ?? 0;
      buf = buf.subarray(2);
      if (method === SOCKS_ERROR) {
        finish(new SocksFailure(`Connected out for ${host} error: authentication required`));
        return;
      }
      if (method !== SOCKS_NOAUTH) {
        finish(new SocksFailure(`Connected out for ${host} error: unexpected connect answer ${method.toString(16)} from the tor socks5 proxy`));
        return;
      }
      const name = Buffer.from(host, 'utf8');
      if (name.length > MAX_DOMAIN) {
        finish(new SocksFailure(`Connected out for ${host} error: hostname too long for socks5 request`));
        return;
      }
      const req = Buffer.alloc(7 + name.length);
      req[0] = SOCKS_V5;
      req[1] = SOCKS_CONNECT;
      req[2] = 0;
      req[3] = ATYP_DOMAIN;
      req[4] = name.length;
      name.copy(req, 5);
      req.writeUInt16BE(port, 5 + name.length);
      step = 'reply';
      socket.write(req);
    }
    // step === 'reply': VER REP RSV ATYP BND.ADDR BND.PORT
    if (buf.length < 2) return;
    const rep = buf[1] ?? 0;
    if (rep !== 0) {
      finish(new SocksFailure(`Error connecting to ${host}: Tor server reply: ${socks5ReplyText(rep)}`, rep));
      return;
    }
    if (buf.length < 5) return;
    const atyp = buf[3] ?? 0;
    let total: number;
    if (atyp === ATYP_IPV4) total = 4 + 4 + 2;
    else if (atyp === ATYP_IPV6) total = 4 + 16 + 2;
    else if (atyp === ATYP_DOMAIN) total = 4 + 1 + (buf[4] ?? 0) + 2; // CLN rejects this; RFC 1928 allows it
    else {
      finish(new SocksFailure(`Tor connect out for host ${host} error invalid type return: ${atyp.toString(16)}`));
      return;
    }
    if (buf.length < total) return;
    buf = buf.subarray(total);
    finish();
  };

  socket.on('data', onData);
  socket.once('end', onEnd);
  socket.once('close', onClose);
  socket.once('error', onError);
  socket.write(Buffer.from([SOCKS_V5, 1, SOCKS_NOAUTH]));
  return () => {
    if (finished) return;
    finished = true;
    detach();
  };
}
