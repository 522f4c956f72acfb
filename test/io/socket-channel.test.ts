/**
 * SocketChannel: bytes both ways, exactly one close notification, graceful
 * close after flush, and the slow-reader rule — a remote that does not read
 * raises pressure past the high-water mark and the channel destroys itself
 * past maxBuffered instead of growing without bound.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketChannel, WriteOverflowError } from '../../src/io/socket-channel.js';
import { closeServer, handleCounts, leakedSince, listenTcp, type HandleCounts } from './helpers.js';

let before: HandleCounts;
beforeAll(() => {
  before = handleCounts();
});
afterAll(async () => {
  expect(await leakedSince(before)).toEqual({});
});

/** A connected loopback pair; `remote` is the server side. */
async function pair(): Promise<{ local: net.Socket; remote: net.Socket; done(): Promise<void> }> {
  let gotRemote!: (s: net.Socket) => void;
  const remoteP = new Promise<net.Socket>((r) => (gotRemote = r));
  const server = net.createServer((s) => gotRemote(s));
  const port = await listenTcp(server);
  const local = net.connect({ port, host: '127.0.0.1' });
  await new Promise((r) => local.once('connect', r));
  const remote = await remoteP;
  remote.on('error', () => undefined);
  return {
    local,
    remote,
    async done() {
      local.destroy();
      remote.destroy();
      await closeServer(server);
    },
  };
}

function collector() {
  const chunks: Buffer[] = [];
  const closes: (Error | undefined)[] = [];
  const pressure: boolean[] = [];
  let ended = 0;
  let closed!: () => void;
  const closedP = new Promise<void>((r) => (closed = r));
  return {
    chunks,
    closes,
    pressure,
    get ended() {
      return ended;
    },
    closedP,
    handlers: {
      onData: (c: Buffer) => chunks.push(c),
      onEnd: () => ended++,
      onClose: (e?: Error) => {
        closes.push(e);
        closed();
      },
      onPressure: (over: boolean) => pressure.push(over),
    },
  };
}

describe('SocketChannel', () => {
  it('delivers data both ways; EOF from the remote gives onEnd then one onClose without error', async () => {
    const p = await pair();
    const c = collector();
    const ch = new SocketChannel(p.local, c.handlers);
    expect(ch.write(Buffer.from('ping'))).toBe(true);
    const got = await new Promise<Buffer>((r) => p.remote.once('data', r));
    expect(got.toString()).toBe('ping');
    p.remote.end('pong');
    await c.closedP;
    expect(Buffer.concat(c.chunks).toString()).toBe('pong');
    expect(c.ended).toBe(1);
    expect(c.closes).toEqual([undefined]);
    expect(ch.isClosed).toBe(true);
    expect(ch.write(Buffer.from('late'))).toBe(false);
    ch.close();
    ch.destroy();
    await p.done();
    expect(c.closes).toHaveLength(1);
  });

  it('close() flushes queued bytes before FIN; repeated close/destroy notify once', async () => {
    const p = await pair();
    const c = collector();
    const ch = new SocketChannel(p.local, c.handlers);
    const payload = Buffer.alloc(256 * 1024, 7);
    ch.write(payload);
    ch.close();
    ch.close();
    let received = 0;
    p.remote.on('data', (d: Buffer) => (received += d.length));
    await new Promise((r) => p.remote.once('end', r));
    expect(received).toBe(payload.length);
    p.remote.end();
    await c.closedP;
    ch.destroy();
    expect(c.closes).toEqual([undefined]);
    await p.done();
  });

  it('a remote that does not read: pressure past the high-water mark, self-destroy past maxBuffered', async () => {
    const p = await pair();
    p.remote.pause(); // the slow reader
    const c = collector();
    const ch = new SocketChannel(p.local, c.handlers, { highWaterMark: 64 * 1024, maxBuffered: 4 * 1024 * 1024 });
    const chunk = Buffer.alloc(64 * 1024, 1);
    let accepted = 0;
    let writes = 0;
    while (!ch.isClosed && writes < 10_000) {
      writes++;
      if (ch.write(chunk)) accepted++;
      else if (ch.isClosed || ch.buffered > 4 * 1024 * 1024) break;
      if (writes % 16 === 0) await new Promise((r) => setImmediate(r)); // let the kernel take what it will
    }
    expect(c.pressure[0]).toBe(true);
    await c.closedP;
    expect(c.closes[0]).toBeInstanceOf(WriteOverflowError);
    expect(accepted).toBeLessThan(writes);
    await p.done();
  });

  it('pressure clears (onPressure(false), drained()) once the remote reads again', async () => {
    const p = await pair();
    p.remote.pause();
    const c = collector();
    const ch = new SocketChannel(p.local, c.handlers, { highWaterMark: 32 * 1024 });
    const chunk = Buffer.alloc(64 * 1024, 2);
    while (ch.write(chunk)) await new Promise((r) => setImmediate(r));
    expect(ch.pressured).toBe(true);
    const drained = ch.drained();
    p.remote.resume();
    await drained;
    expect(ch.pressured).toBe(false);
    expect(c.pressure).toEqual([true, false]);
    ch.destroy();
    await c.closedP;
    await p.done();
  });

  it('pauseReading stops onData until resumeReading', async () => {
    const p = await pair();
    const c = collector();
    const ch = new SocketChannel(p.local, c.handlers);
    ch.pauseReading();
    expect(ch.paused).toBe(true);
    p.remote.write('held');
    await new Promise((r) => setTimeout(r, 50));
    expect(c.chunks).toHaveLength(0);
    ch.resumeReading();
    while (c.chunks.length === 0) await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(c.chunks).toString()).toBe('held');
    ch.destroy();
    await c.closedP;
    await p.done();
  });

  it('a reset from the remote reaches onClose as the socket error', async () => {
    const p = await pair();
    const c = collector();
    new SocketChannel(p.local, c.handlers);
    p.remote.resetAndDestroy();
    await c.closedP;
    expect(c.closes[0]).toMatchObject({ code: 'ECONNRESET' });
    await p.done();
  });
});
