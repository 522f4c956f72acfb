/**
 * dial(): direct TCP and UNIX establishment on loopback, the CLN reason
 * texts (connect-behaviour.md §4), the per-address timeout (§5), abort, and
 * the stage-less `need a proxy` (cln-reference.md §2.3).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial } from '../../src/io/dial.js';
import { blackHole, closedPort, dialError, echoServer, handleCounts, leakedSince, roundTrip, type HandleCounts } from './helpers.js';

let before: HandleCounts;
let dir: string;
beforeAll(async () => {
  before = handleCounts();
  dir = await mkdtemp(path.join(tmpdir(), 'lnconnect-dial-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  expect(await leakedSince(before)).toEqual({});
});


async function hasIPv6Loopback(): Promise<boolean> {
  const s = net.createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
}

describe('dial: direct TCP', () => {
  it('connects to a loopback listener, sets TCP_NODELAY-capable socket, carries bytes', async () => {
    const srv = await echoServer();
    const socket = await dial({ type: 'ipv4', address: '127.0.0.1', port: srv.port }, { timeoutMs: 5000 });
    expect(socket.remotePort).toBe(srv.port);
    expect(await roundTrip(socket, 'hello')).toBe('hello');
    socket.destroy();
    await srv.close();
  });

  it('a closed port gives `Connection refused`', async () => {
    const port = await closedPort();
    const err = await dialError(dial({ type: 'ipv4', address: '127.0.0.1', port }, { timeoutMs: 5000 }));
    expect(err.stage).toBe('Connection establishment');
    expect(err.reason).toBe('Connection refused');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.prefix).toBeUndefined();
  });

  it('a black hole (full accept queue, SYN dropped) gives `Connection timed out`', async () => {
    const hole = await blackHole();
    try {
      const err = await dialError(dial({ type: 'ipv4', address: '127.0.0.1', port: hole.port }, { timeoutMs: 300 }));
      expect(err.stage).toBe('Connection establishment');
      expect(err.reason).toBe('Connection timed out');
    } finally {
      await hole.close();
    }
  });

  it('IPv6 ::1 connects and refuses like IPv4', async (ctx) => {
    if (!(await hasIPv6Loopback())) {
      console.log('dial IPv6 test skipped: this machine has no ::1');
      ctx.skip();
    }
    const srv = await echoServer({ host: '::1' });
    const socket = await dial({ type: 'ipv6', address: '::1', port: srv.port }, { timeoutMs: 5000 });
    expect(socket.remoteAddress).toBe('::1');
    socket.destroy();
    await srv.close();
    const port = await closedPort();
    const err = await dialError(dial({ type: 'ipv6', address: '::1', port }, { timeoutMs: 5000 }));
    expect(err.reason).toBe('Connection refused');
  });

  it('an AbortSignal ends a hanging dial and destroys its socket', async () => {
    const hole = await blackHole();
    try {
      const ac = new AbortController();
      const p = dial({ type: 'ipv4', address: '127.0.0.1', port: hole.port }, { timeoutMs: 60_000, signal: ac.signal });
      setImmediate(() => ac.abort());
      const err = await dialError(p);
      expect(err.aborted).toBe(true);
      expect(err.stage).toBe('Connection establishment');
    } finally {
      await hole.close();
    }
  });

  it('an already-aborted signal rejects without opening a socket', async () => {
    const counts = handleCounts();
    const err = await dialError(
      dial({ type: 'ipv4', address: '127.0.0.1', port: 9 }, { timeoutMs: 1000, signal: AbortSignal.abort() }),
    );
    expect(err.aborted).toBe(true);
    expect(handleCounts()).toEqual(counts);
  });
});

describe('dial: UNIX sockets', () => {
  it('connects to a UNIX listener', async () => {
    const p = path.join(dir, 'peer.sock');
    const srv = await echoServer({ path: p });
    const socket = await dial({ type: 'local socket', socket: p }, { timeoutMs: 5000 });
    expect(await roundTrip(socket, 'unix')).toBe('unix');
    socket.destroy();
    await srv.close();
  });

  it('a missing path gives `No such file or directory`', async () => {
    const err = await dialError(dial({ type: 'local socket', socket: path.join(dir, 'nope.sock') }, { timeoutMs: 5000 }));
    expect(err.stage).toBe('Connection establishment');
    expect(err.reason).toBe('No such file or directory');
  });

  it('is never proxied, even with alwaysUseProxy', async () => {
    const p = path.join(dir, 'direct.sock');
    const srv = await echoServer({ path: p });
    const port = await closedPort(); // a proxy that would refuse
    const socket = await dial(
      { type: 'local socket', socket: p },
      { timeoutMs: 5000, proxy: { host: '127.0.0.1', port }, alwaysUseProxy: true },
    );
    socket.destroy();
    await srv.close();
  });
});

describe('dial: addresses that need a proxy', () => {
  const onion = { type: 'torv3', address: `${'a'.repeat(56)}.onion`, port: 9735 } as const;

  it('torv3 without a proxy: stage-less `need a proxy`', async () => {
    const err = await dialError(dial(onion, { timeoutMs: 1000 }));
    expect(err.fragment).toBe('need a proxy');
    expect(err.stage).toBeUndefined();
  });

  it('unresolved name without a proxy: `need a proxy`', async () => {
    const err = await dialError(dial({ type: 'unresolved', address: 'example.invalid', port: 9735 }, { timeoutMs: 1000 }));
    expect(err.fragment).toBe('need a proxy');
  });

  it('IPv4 with alwaysUseProxy but no proxy: `need a proxy`', async () => {
    const err = await dialError(dial({ type: 'ipv4', address: '127.0.0.1', port: 1 }, { timeoutMs: 1000, alwaysUseProxy: true }));
    expect(err.fragment).toBe('need a proxy');
  });

  it('a dns entry is refused as a programming error unless it goes to the proxy by name', async () => {
    await expect(dial({ type: 'dns', address: 'localhost', port: 1 }, { timeoutMs: 1000 })).rejects.toThrow(TypeError);
  });
});
