/**
 * dial() through a SOCKS5 proxy (cln-reference.md §2.3, §3), the exchange
 * run by the `socks` package: names, onions and IPv6 (in brackets) go as a
 * domain name (ATYP 3), IPv4 literals as ATYP 1 (the package's choice); proxy refusals give CLN's
 * `Error connecting to <host>: Tor server reply: <text>` prefix and
 * `Connection refused`; a stalling proxy times out within the same
 * per-address timeout. Uses a recording test-only server, and the
 * third-party @pondwader/socks5-server for interop.
 */
import { createServer as createSocks5Server } from '@pondwader/socks5-server';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial } from '../../src/io/dial.js';
import { SocksTimeout, socks5Connect, socks5ReplyText } from '../../src/io/socks5.js';
import { closeServer, closedPort, dialError, echoServer, handleCounts, leakedSince, listenTcp, roundTrip, sleep, socksServer, type HandleCounts } from './helpers.js';

const ONION = `${'vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpy'.padEnd(56, 'a')}.onion`;

let before: HandleCounts;
beforeAll(() => {
  before = handleCounts();
});
afterAll(async () => {
  expect(await leakedSince(before)).toEqual({});
});


describe('SOCKS5 CONNECT request', () => {
  it('maps a .onion name to a loopback listener; the name is sent as a domain (ATYP 3)', async () => {
    const target = await echoServer();
    const proxy = await socksServer({
      kind: 'map',
      resolve: (host) => (host === ONION ? { host: '127.0.0.1', port: target.port } : null),
    });
    const socket = await dial({ type: 'torv3', address: ONION, port: 9735 }, { timeoutMs: 5000, proxy: { host: '127.0.0.1', port: proxy.port } });
    expect(await roundTrip(socket, 'through tor')).toBe('through tor');
    expect(proxy.requests).toEqual([{ atyp: 3, host: ONION, port: 9735 }]);
    socket.destroy();
    await proxy.close();
    await target.close();
  });

  it('alwaysUseProxy sends IPv6 in brackets and names as ATYP 3; IPv4 literals go as ATYP 1 (the package picks it)', async () => {
    const proxy = await socksServer({ kind: 'reply', code: 4 });
    const opts = { timeoutMs: 5000, proxy: { host: '127.0.0.1', port: proxy.port }, alwaysUseProxy: true };
    await dialError(dial({ type: 'ipv4', address: '127.1.2.3', port: 9735 }, opts));
    await dialError(dial({ type: 'ipv6', address: '::1', port: 19846 }, opts));
    await dialError(dial({ type: 'unresolved', address: 'node.example', port: 9736 }, opts));
    await dialError(dial({ type: 'dns', address: 'dns.example', port: 9737 }, opts));
    expect(proxy.requests).toEqual([
      { atyp: 1, host: '127.1.2.3', port: 9735 },
      { atyp: 3, host: '[::1]', port: 19846 },
      { atyp: 3, host: 'node.example', port: 9736 },
      { atyp: 3, host: 'dns.example', port: 9737 },
    ]);
    await proxy.close();
  });

  it('interoperates with @pondwader/socks5-server mapping the onion name to loopback', async () => {
    const target = await echoServer();
    const server = createSocks5Server();
    const seen: string[] = [];
    server.setConnectionHandler((conn, sendStatus) => {
      seen.push(`${conn.destAddress}:${conn.destPort}`);
      if (conn.destAddress !== ONION) {
        sendStatus('HOST_UNREACHABLE');
        return;
      }
      const upstream = net.connect({ host: '127.0.0.1', port: target.port }, () => {
        sendStatus('REQUEST_GRANTED');
        conn.socket.pipe(upstream).pipe(conn.socket);
      });
      upstream.on('error', () => conn.socket.destroy());
      conn.socket.on('close', () => upstream.destroy());
    });
    const inner = (server as unknown as { server: net.Server }).server; // its net.Server (the wrapper has no address())
    server.listen({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => inner.once('listening', r));
    const port = (inner.address() as net.AddressInfo).port;
    const socket = await dial({ type: 'torv3', address: ONION, port: 9735 }, { timeoutMs: 5000, proxy: { host: '127.0.0.1', port } });
    expect(await roundTrip(socket, 'pondwader')).toBe('pondwader');
    socket.destroy();
    const err = await dialError(
      dial({ type: 'torv3', address: `${'b'.repeat(56)}.onion`, port: 9735 }, { timeoutMs: 5000, proxy: { host: '127.0.0.1', port } }),
    );
    expect(err.prefix).toBe(`Error connecting to ${'b'.repeat(56)}.onion: Tor server reply: host unreachable`);
    expect(seen).toEqual([`${ONION}:9735`, `${'b'.repeat(56)}.onion:9735`]);
    await target.close();
    await closeServer(inner);
  });
});

describe('SOCKS5 failures (CLN texts)', () => {
  it('reply 5 → `Error connecting to <host>: Tor server reply: connection refused` + `Connection refused`', async () => {
    const proxy = await socksServer({ kind: 'reply', code: 5 });
    const err = await dialError(dial({ type: 'torv3', address: ONION, port: 9735 }, { timeoutMs: 5000, proxy: { host: '127.0.0.1', port: proxy.port } }));
    expect(err.prefix).toBe(`Error connecting to ${ONION}: Tor server reply: connection refused`);
    expect(err.stage).toBe('Connection establishment');
    expect(err.reason).toBe('Connection refused');
    await proxy.close();
  });

  it('IPv6 destination: the prefix names the host in brackets', async () => {
    const proxy = await socksServer({ kind: 'reply', code: 1 });
    const err = await dialError(
      dial({ type: 'ipv6', address: '::1', port: 1 }, { timeoutMs: 5000, proxy: { host: '127.0.0.1', port: proxy.port }, alwaysUseProxy: true }),
    );
    expect(err.prefix).toBe('Error connecting to [::1]: Tor server reply: general SOCKS server failure');
    await proxy.close();
  });

  it('every reply code maps to CLN socks5strerror text', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 255].map(socks5ReplyText)).toEqual([
      'general SOCKS server failure',
      'connection not allowed by ruleset',
      'network unreachable',
      'host unreachable',
      'connection refused',
      'TTL expired',
      'command not supported',
      'address type not supported',
      'unknown error: 9',
      'unknown error: 255',
    ]);
  });

  it('an unknown reply code on the wire → `unknown error: N`', async () => {
    const proxy = await socksServer({ kind: 'reply', code: 42 });
    const err = await dialError(dial({ type: 'torv3', address: ONION, port: 9735 }, { timeoutMs: 5000, proxy: { host: '127.0.0.1', port: proxy.port } }));
    expect(err.prefix).toBe(`Error connecting to ${ONION}: Tor server reply: unknown error: 42`);
    expect(err.reason).toBe('Connection refused');
    await proxy.close();
  });

  it('a proxy demanding authentication → `Connected out for <host> error: authentication required`', async () => {
    const proxy = await socksServer({ kind: 'auth-required' });
    const err = await dialError(dial({ type: 'torv3', address: ONION, port: 9735 }, { timeoutMs: 5000, proxy: { host: '127.0.0.1', port: proxy.port } }));
    expect(err.prefix).toBe(`Connected out for ${ONION} error: authentication required`);
    expect(err.reason).toBe('Connection refused');
    await proxy.close();
  });

  it('a proxy that stalls after the greeting → `Connection timed out` (same per-address timeout)', async () => {
    const proxy = await socksServer({ kind: 'stall' });
    const err = await dialError(dial({ type: 'torv3', address: ONION, port: 9735 }, { timeoutMs: 300, proxy: { host: '127.0.0.1', port: proxy.port } }));
    expect(err.reason).toBe('Connection timed out');
    expect(err.prefix).toBeUndefined();
    expect(proxy.requests).toHaveLength(1);
    await proxy.close();
  });

  it('abort during the SOCKS exchange destroys the socket', async () => {
    const proxy = await socksServer({ kind: 'stall' });
    const ac = new AbortController();
    const p = dial({ type: 'torv3', address: ONION, port: 9735 }, { timeoutMs: 60_000, signal: ac.signal, proxy: { host: '127.0.0.1', port: proxy.port } });
    while (proxy.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    const err = await dialError(p);
    expect(err.aborted).toBe(true);
    await proxy.close();
  });

  it('the proxy itself refusing → `Connection refused` with no prefix', async () => {
    const port = await closedPort();
    const err = await dialError(dial({ type: 'torv3', address: ONION, port: 9735 }, { timeoutMs: 5000, proxy: { host: '127.0.0.1', port } }));
    expect(err.reason).toBe('Connection refused');
    expect(err.prefix).toBeUndefined();
  });

  it('the proxy hanging up mid-exchange → `peer closed connection`', async () => {
    const server = net.createServer((s) => s.resume().end(Buffer.from([5]))); // half a method reply, then FIN
    const port = await listenTcp(server);
    const err = await dialError(dial({ type: 'torv3', address: ONION, port: 9735 }, { timeoutMs: 5000, proxy: { host: '127.0.0.1', port } }));
    expect(err.stage).toBe('Connection establishment');
    expect(err.reason).toBe('peer closed connection');
    await closeServer(server);
  });
});

/**
 * A one-connection raw proxy: `onGreeting` runs on the client's greeting, `onRequest` on its
 * CONNECT request. `received` resolves with every byte the client sent, once it has gone.
 */
async function rawProxy(onGreeting: (c: net.Socket) => void, onRequest: (c: net.Socket) => void = () => undefined) {
  let received!: Promise<Buffer>;
  const server = net.createServer((c) => {
    const chunks: Buffer[] = [];
    received = new Promise((resolve) => c.once('close', () => resolve(Buffer.concat(chunks))));
    c.on('error', () => undefined);
    c.on('data', (d: Buffer) => {
      chunks.push(d);
      if (chunks.length === 1) onGreeting(c);
      else if (chunks.length === 2) onRequest(c);
    });
  });
  const port = await listenTcp(server);
  return { port, received: () => received, close: () => closeServer(server) };
}

const GRANTED = Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0x26, 0x07]);

describe('SOCKS5 through the socks package: edges kept from CLN', () => {
  const via = (port: number, timeoutMs = 5000) => ({ timeoutMs, proxy: { host: '127.0.0.1', port } });

  it('a method answer other than no-auth/0xff → `unexpected connect answer <hex>`, and no user/password is sent', async () => {
    const proxy = await rawProxy((c) => c.write(Buffer.from([5, 2])));
    const err = await dialError(dial({ type: 'torv3', address: ONION, port: 9735 }, via(proxy.port)));
    expect(err.prefix).toBe(`Connected out for ${ONION} error: unexpected connect answer 2 from the tor socks5 proxy`);
    expect(err.reason).toBe('Connection refused');
    expect([...(await proxy.received())]).toEqual([5, 1, 0]); // the greeting only
    await proxy.close();
  });

  it('a granted reply with an unknown address type → `invalid type return: <hex>`', async () => {
    const proxy = await rawProxy(
      (c) => c.write(Buffer.from([5, 0])),
      (c) => c.write(Buffer.from([5, 0, 0, 9, 0, 0, 0, 0, 0, 0])),
    );
    const err = await dialError(dial({ type: 'torv3', address: ONION, port: 9735 }, via(proxy.port)));
    expect(err.prefix).toBe(`Tor connect out for host ${ONION} error invalid type return: 9`);
    expect(err.reason).toBe('Connection refused');
    await proxy.close();
  });

  it('bytes glued to the reply and right after it are kept, in order; the socket comes back (and stays) paused', async () => {
    const proxy = await rawProxy(
      (c) => c.write(Buffer.from([5, 0])),
      (c) => {
        c.write(Buffer.concat([GRANTED, Buffer.from('early')]));
        c.write('-more');
      },
    );
    const socket = await dial({ type: 'torv3', address: ONION, port: 9735 }, via(proxy.port));
    expect(socket.isPaused()).toBe(true);
    await sleep(20); // a consumer that attaches late must lose nothing
    expect(socket.isPaused()).toBe(true);
    const got = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.length >= 'early-more'.length) resolve(text);
      });
      socket.resume();
    });
    expect(got).toBe('early-more');
    socket.destroy();
    await proxy.received();
    await proxy.close();
  });

  it('a reset during the exchange keeps its errno text, with no prefix', async () => {
    const proxy = await rawProxy((c) => c.resetAndDestroy());
    const err = await dialError(dial({ type: 'torv3', address: ONION, port: 9735 }, via(proxy.port)));
    expect(err.reason).toBe('Connection reset by peer');
    expect(err.prefix).toBeUndefined();
    await proxy.close();
  });

  it('a name over 255 bytes → `hostname too long for socks5 request`; a non-ASCII name is refused, not sent malformed', async () => {
    const proxy = await socksServer({ kind: 'reply', code: 0 });
    const name = `${'n'.repeat(300)}.example`;
    const err = await dialError(dial({ type: 'unresolved', address: name, port: 9735 }, via(proxy.port)));
    expect(err.prefix).toBe(`Connected out for ${name} error: hostname too long for socks5 request`);
    expect(err.reason).toBe('Connection refused');
    expect(proxy.requests).toEqual([]);
    const idn = 'nœud.example'; // the package would write 12 (UTF-16 units) as the length of 13 bytes
    const err2 = await dialError(dial({ type: 'unresolved', address: idn, port: 9735 }, via(proxy.port)));
    expect(err2.prefix).toBe(`Connected out for ${idn} error: hostname not ASCII for socks5 request`);
    expect(proxy.requests).toEqual([]);
    await proxy.close();
  });

  it("the package's own timer, should it fire first, maps to SocksTimeout (`Connection timed out`)", async () => {
    const proxy = await socksServer({ kind: 'stall' });
    const socket = net.connect({ host: '127.0.0.1', port: proxy.port });
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    const err = await new Promise<Error | undefined>((resolve) => {
      socks5Connect(socket, { proxy: { host: '127.0.0.1', port: proxy.port }, host: ONION, port: 9735, timeoutMs: 50 }, resolve);
    });
    expect(err).toBeInstanceOf(SocksTimeout);
    expect(err?.message).toBe('Connection timed out');
    socket.destroy();
    await proxy.close();
  });
});
