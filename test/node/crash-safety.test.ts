/**
 * Crash safety of a node on loopback (issue requirement: every path that ends
 * the connection closes it — including an exception thrown anywhere in the
 * session, the peer machine or the supervisor while handling it). Throws are
 * injected through the node's own seams: the runtime's hook, channels,
 * address source and message listeners, and a pino logger whose stream
 * throws at one chosen line (the phase it logs). Each case checks that the
 * remote end sees the socket close (a counting proxy sits between the
 * nodes), that the peer is gone from `listPeers` on both nodes, that the node
 * still serves an honest connect, and that nothing is left after `close()`.
 * The shells beneath are tested the same way in ./crash-safety-io.test.ts.
 */
import net from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectError } from '../../src/index.js';
import type { NodeOptions } from '../../src/types.js';
import { handleCounts, leakedSince, settle, until } from '../helpers/resources.js';
import { countingProxy, NodeSet, tcpPort, within } from './helpers.js';

const set = new NodeSet();
afterEach(() => set.closeAll());

const MESSAGE = new Uint8Array([0x80, 0x01, 0xaa]); // an unknown odd message type: passed to the runtime

/** A pino logger whose stream throws once at the first line starting with each of `lines`. */
function throwingLogger(...lines: string[]) {
  const armed = new Set(lines);
  const hit: string[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(s: string) {
        const msg = (JSON.parse(s) as { msg?: string }).msg ?? '';
        for (const line of armed) {
          if (!msg.startsWith(line)) continue;
          armed.delete(line);
          hit.push(line);
          throw new Error(`injected at the log line "${line}"`);
        }
      },
    },
  );
  return { logger, hit };
}

/** `then`, except that the first call throws. */
function throwsOnce<A extends unknown[], R>(then: (...args: A) => R): (...args: A) => R {
  let thrown = false;
  return (...args) => {
    if (thrown) return then(...args);
    thrown = true;
    throw new Error('injected in a runtime callback');
  };
}

/** Node A dials node B through a counting proxy: the proxy's client socket is the remote end of A's socket. */
async function scene(aOpts: NodeOptions = {}, bOpts: NodeOptions = {}) {
  const base = handleCounts();
  const a = await set.make(aOpts);
  const b = await set.listening(bOpts);
  const proxy = await countingProxy(tcpPort(b));
  return {
    a,
    b,
    proxy,
    connect: () => within(settle(a.connect(b.id, '127.0.0.1', proxy.port))),
    /** The connection is closed on the wire and gone from both nodes. */
    async ended(): Promise<void> {
      await until(() => proxy.open() === 0, 'the remote end to see the socket close', 5000);
      await until(() => a.listPeers().length === 0 && b.listPeers().length === 0, 'both nodes to drop the peer', 5000);
    },
    /** An honest connect still works; nothing is left once everything is closed. */
    async finish(): Promise<void> {
      const r = await within(a.connect(b.id, '127.0.0.1', tcpPort(b)));
      expect(r.id).toBe(b.id);
      await proxy.close();
      await set.closeAll();
      expect(await leakedSince(base)).toEqual({});
    },
  };
}

const codeOf = (r: Awaited<ReturnType<typeof settle>>): number | undefined => (r.ok ? undefined : (r.error as ConnectError).code);

describe('crash safety: runtime callbacks that throw', () => {
  it('the peer_connected hook throws on the dialling side: 402, the connection closed on both ends', async () => {
    const s = await scene({ peerConnectedHook: throwsOnce(() => ({ result: 'continue' as const })) });
    expect(codeOf(await s.connect())).toBe(402);
    await s.ended();
    await s.finish();
  });

  it('the peer_connected hook throws on the accepting side: the dialler sees the close', async () => {
    const s = await scene({}, { peerConnectedHook: throwsOnce(() => ({ result: 'continue' as const })) });
    await s.connect();
    await s.ended();
    await s.finish();
  });

  const started = async (): Promise<void> => undefined;
  const failed = { channelId: 'c1', state: 'failed', error: 'injected in a runtime callback' };
  it.each([
    ['activeChannels', { activeChannels: throwsOnce((): string[] => []), startSubdaemon: started }, []],
    ['startSubdaemon', { activeChannels: () => ['c1'], startSubdaemon: throwsOnce(started) }, [failed]],
  ] as const)('channels.%s throws synchronously: the connect completes, the channel reported', async (_, channels, listed) => {
    const s = await scene({ channels });
    expect((await s.connect()).ok).toBe(true);
    expect(s.a.listPeers(s.b.id)[0]?.channels).toEqual(listed);
    await s.a.disconnect(s.b.id);
    await s.ended();
    await s.finish();
  });

  it('a message listener that throws: logged, the other listeners still served, the connection kept', async () => {
    const s = await scene();
    const got: number[] = [];
    s.b.onMessage(() => {
      throw new Error('listener bug');
    });
    s.b.onMessage((_, m) => got.push(m.length));
    expect((await s.connect()).ok).toBe(true);
    s.a.sendMessage(s.b.id, MESSAGE);
    s.a.sendMessage(s.b.id, MESSAGE);
    await until(() => got.length === 2, 'both messages delivered');
    expect(s.proxy.open()).toBe(1);
    expect(s.b.listPeers(s.a.id)[0]?.connected).toBe(true);
    await s.a.disconnect(s.b.id);
    await s.ended();
    await s.finish();
  });

  it('the address source throws: no address (400), nothing opened, the next connect works', async () => {
    const s = await scene({ addressSource: { addressesFor: throwsOnce(() => []) } });
    const r = await within(settle(s.a.connect(s.b.id)));
    expect(codeOf(r)).toBe(400);
    expect(s.a.listPeers()).toEqual([]);
    expect(s.proxy.connections()).toBe(0);
    await s.finish();
  });
});

describe('crash safety: a logger that throws at one phase line', () => {
  it.each([
    ['Connect OUT', 'a', 402],
    ['Handed peer, entering loop', 'a', 402],
    ['Handed peer, entering loop', 'b', undefined],
    ['Connect IN', 'b', undefined],
  ] as const)('"%s" on %s: the attempt ends, the socket is closed on both ends', async (line, side, code) => {
    const { logger, hit } = throwingLogger(line);
    const s = await scene(side === 'a' ? { logger } : {}, side === 'b' ? { logger } : {});
    const r = await s.connect();
    if (code !== undefined) expect(codeOf(r)).toBe(code);
    await s.ended();
    expect(hit).toEqual([line]);
    if (line === 'Connect OUT') expect(s.proxy.connections()).toBe(0);
    await s.finish();
  });

  it('"remembered working address" on the dialler: the caller still gets its result', async () => {
    const { logger, hit } = throwingLogger('remembered working address');
    const s = await scene({ logger });
    expect((await s.connect()).ok).toBe(true);
    expect(hit).toEqual(['remembered working address']);
    await s.a.disconnect(s.b.id);
    await s.ended();
    await s.finish();
  });

  it.each(['a', 'b'] as const)('"peer_disconnected" (and the report of that failure) on %s: the peer is still forgotten on both ends', async (side) => {
    const { logger, hit } = throwingLogger('peer_disconnected', 'log handler failed');
    const s = await scene(side === 'a' ? { logger } : {}, side === 'b' ? { logger } : {});
    expect((await s.connect()).ok).toBe(true);
    await s.a.disconnect(s.b.id);
    await s.ended();
    expect(hit).toEqual(['peer_disconnected', 'log handler failed']);
    await s.finish();
  });

  it.each([
    [['message listener failed']],
    [['message listener failed', 'connection handling failed']],
  ])('a failing listener and log lines %j on the receiver: that connection is closed, the node goes on', async (lines) => {
    const { logger, hit } = throwingLogger(...lines);
    const s = await scene({}, { logger });
    s.b.onMessage(() => {
      throw new Error('listener bug');
    });
    expect((await s.connect()).ok).toBe(true);
    s.a.sendMessage(s.b.id, MESSAGE);
    await s.ended();
    expect(hit).toEqual(lines);
    await s.finish();
  });

  it('"Evicted unauthenticated inbound connection": the evicted socket is still closed, the newcomer served', async () => {
    const { logger, hit } = throwingLogger('Evicted unauthenticated inbound connection');
    const s = await scene({}, { logger, maxInboundHandshakes: 1 });
    const holder = net.connect(tcpPort(s.b), '127.0.0.1'); // sends nothing: holds B's one handshake slot
    holder.on('error', () => undefined);
    let holderClosed = false;
    holder.on('close', () => (holderClosed = true));
    await new Promise((r) => holder.once('connect', r)); // accepted before A's connection (the accept queue is FIFO)
    // A's connection evicts the holder (admission never refuses a newcomer) although the log line throws.
    expect((await s.connect()).ok).toBe(true);
    await until(() => holderClosed, 'the evicted socket closed', 5000);
    expect(hit).toEqual(['Evicted unauthenticated inbound connection']);
    await s.finish();
  });

  it('"Too many connections, waiting..." on the dialler: the queue goes on, both attempts connect', async () => {
    const base = handleCounts();
    const { logger, hit } = throwingLogger('Too many connections, waiting...');
    const a = await set.make({ logger, maxConnectInFlight: 1 });
    const b = await set.listening();
    const c = await set.listening();
    const [rb, rc] = await within(Promise.all([a.connect(b.id, '127.0.0.1', tcpPort(b)), a.connect(c.id, '127.0.0.1', tcpPort(c))]));
    expect([rb.id, rc.id]).toEqual([b.id, c.id]);
    expect(hit).toEqual(['Too many connections, waiting...']);
    await set.closeAll();
    expect(await leakedSince(base)).toEqual({});
  });
});
