/**
 * dial() through a SOCKS5 proxy (cln-reference.md §2.3, §3): the CONNECT is
 * always a domain name (ATYP 3), IPv6 in brackets; proxy refusals give CLN's
 * `Error connecting to <host>: Tor server reply: <text>` prefix and
 * `Connection refused`; a stalling proxy times out within the same
 * per-address timeout. Uses a recording test-only server, and the
 * third-party @pondwader/socks5-server for interop.
 */
import { createServer as createSocks5Server } from '@pondwader/socks5-server';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DialError, dial } from '../../src/io/dial.js';
import { socks5ReplyText } from '../../src/io/socks5.js';
import { closeServer, closedPort, echoServer, handleCounts, leakedSince, listenTcp, roundTrip, socksServer, type HandleCounts } from './helpers.js';

const ONION = `${'vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpy'.padEnd(56, 'a')}.onion`;

let before: HandleCounts;
beforeAll(() => {
  before = handleCounts();
});
afterAll(async () => {
  expect(await leakedSince(before)).toEqual({});
});

async function dialError(p: Promise<net.Socket>): Promise<DialError> {
  const err = await p.then(
    (s) => {
      s.destroy();
      return new Error('dial unexpectedly succeeded');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DialError);
  return err as DialError;
}

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

  it('alwaysUseProxy sends IPv4 as dotted text and IPv6 in brackets, both ATYP 3', async () => {
    const proxy = await socksServer({ kind: 'reply', code: 4 });
    const opts = { timeoutMs: 5000, proxy: { host: '127.0.0.1', port: proxy.port }, alwaysUseProxy: true };
    await dialError(dial({ type: 'ipv4', address: '10.1.2.3', port: 9735 }, opts));
    await dialError(dial({ type: 'ipv6', address: '2001:db8::1', port: 19846 }, opts));
    await dialError(dial({ type: 'unresolved', address: 'node.example', port: 9736 }, opts));
    await dialError(dial({ type: 'dns', address: 'dns.example', port: 9737 }, opts));
    expect(proxy.requests).toEqual([
      { atyp: 3, host: '10.1.2.3', port: 9735 },
      { atyp: 3, host: '[2001:db8::1]', port: 19846 },
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
