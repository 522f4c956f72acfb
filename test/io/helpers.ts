/**
 * Loopback-only fixtures for the src/io tests: handle-leak accounting, a TCP
 * black hole (a listener whose accept queue is full, so further SYNs are
 * dropped), a recording test-only SOCKS5 server, and small server helpers.
 * No traffic ever leaves 127.0.0.0/8, ::1 or UNIX sockets.
 */
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { expect } from 'vitest';
import { DialError } from '../../src/io/dial.js';

export { handleCounts, leakedSince } from '../helpers/resources.js';
export type { HandleCounts } from '../helpers/resources.js';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function listenTcp(server: net.Server, host = '127.0.0.1', backlog?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host, ...(backlog === undefined ? {} : { backlog }) }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port on 127.0.0.1 that was just bound and released: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await listenTcp(s);
  await closeServer(s);
  return port;
}

/**
 * A loopback black hole: a listener (backlog 1) in a worker thread whose event
 * loop is blocked, so it never accepts. Once its accept queue is full the
 * kernel drops further SYNs and a connect hangs until our timeout.
 */
export async function blackHole(): Promise<{ port: number; fillers: net.Socket[]; close(): Promise<void> }> {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const net = require('node:net');
     const s = net.createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(s.address().port);
       Atomics.wait(new Int32Array(workerData), 0, 0);
       s.close(); parentPort.close();
     });`,
    { eval: true, workerData: flag },
  );
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const fillers: net.Socket[] = [];
  // Fill the accept queue: connects that complete are queued; the first one that hangs means it is full.
  for (let i = 0; i < 8; i++) {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.on('error', () => undefined);
    const ok = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 200);
      s.once('connect', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    fillers.push(s);
    if (!ok) break;
  }
  return {
    port,
    fillers,
    async close() {
      for (const s of fillers) s.destroy();
      const exited = new Promise((r) => worker.once('exit', r));
      Atomics.store(new Int32Array(flag), 0, 1);
      Atomics.notify(new Int32Array(flag), 0);
      await exited;
    },
  };
}

export interface SocksRequest {
  atyp: number;
  host: string;
  port: number;
}

export type SocksMode =
  | { kind: 'map'; resolve(host: string, port: number): { host: string; port: number } | { path: string } | null }
  | { kind: 'reply'; code: number }
  | { kind: 'stall' }
  | { kind: 'auth-required' };

/**
 * A test-only SOCKS5 server that records each CONNECT request as sent (ATYP,
 * host, port). `map` pipes to a loopback target (reply 4 when unmapped),
 * `reply` answers the given code, `stall` never answers the CONNECT,
 * `auth-required` refuses "no auth".
 */
export async function socksServer(mode: SocksMode): Promise<{ port: number; requests: SocksRequest[]; close(): Promise<void> }> {
  const requests: SocksRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let step: 'greet' | 'request' | 'done' = 'greet';
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (step === 'greet') {
        if (buf.length < 2 || buf.length < 2 + (buf[1] ?? 0)) return;
        buf = buf.subarray(2 + (buf[1] ?? 0));
        if (mode.kind === 'auth-required') {
          client.end(Buffer.from([5, 0xff]));
          step = 'done';
          return;
        }
        client.write(Buffer.from([5, 0]));
        step = 'request';
      }
      if (step !== 'request' || buf.length < 5) return;
      const atyp = buf[3] ?? 0;
      const addrLen = atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + (buf[4] ?? 0);
      if (buf.length < 4 + addrLen + 2) return;
      const host =
        atyp === 3 ? buf.subarray(5, 5 + addrLen - 1).toString('utf8') : atyp === 1 ? [...buf.subarray(4, 8)].join('.') : buf.subarray(4, 20).toString('hex');
      const port = buf.readUInt16BE(4 + addrLen);
      const rest = buf.subarray(4 + addrLen + 2);
      requests.push({ atyp, host, port });
      step = 'done';
      client.off('data', onData);
      if (mode.kind === 'stall') return;
      if (mode.kind === 'reply') {
        client.end(Buffer.from([5, mode.code, 0, 1, 0, 0, 0, 0, 0, 0]));
        return;
      }
      if (mode.kind !== 'map') return;
      const target = mode.resolve(host, port);
      if (target === null) {
        client.end(Buffer.from([5, 4, 0, 1, 0, 0, 0, 0, 0, 0]));
        return;
      }
      const upstream = net.connect(target);
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      upstream.once('connect', () => {
        client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  const port = await listenTcp(server);
  return {
    port,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await closeServer(server);
    },
  };
}

/** An echo server on loopback (or a UNIX path); tracks and destroys its sockets on close. */
export async function echoServer(at: { host: string } | { path: string } = { host: '127.0.0.1' }): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  let port = 0;
  if ('path' in at) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.path, () => resolve());
    });
  } else {
    port = await listenTcp(server, at.host);
  }
  return {
    port,
    async close() {
      for (const s of sockets) s.destroy();
      await closeServer(server);
    },
  };
}

/** Write `msg`, read the same number of bytes back. */
export function roundTrip(socket: net.Socket, msg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.length >= msg.length) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(got);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.resume();
    socket.write(msg);
  });
}

/** The DialError a dial rejects with (a dial that succeeds fails the test, its socket destroyed). */
export async function dialError(p: Promise<net.Socket>): Promise<DialError> {
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
