/**
 * The WebSocket listener (src/io/ws-listener.ts, src/io/ws-stream.ts) against
 * an independent client: `ws` + node-lightning's NoiseState with the BOLT 8
 * Appendix A keys, and raw frame bytes on a net.Socket. The handshake and
 * init over binary frames in any slicing; every refusal clean (HTTP 400,
 * close codes 1003/1009, a drop mid-handshake) with no socket or timer left.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Node } from '../../src/node.js';
import { handleCounts, leakedSince, until } from '../helpers/resources.js';
import { NodeSet, within } from '../node/helpers.js';
import {
  clientFrame,
  closeOf,
  FrameReader,
  handshakeOverWs,
  openWs,
  rawUpgrade,
  VECTOR_ACT_ONE,
  VECTOR_LS_PUB,
  VECTOR_RS_PUB,
  VECTOR_RS_SECRET,
} from './ws-client.js';

const nodes = new NodeSet();
afterEach(() => nodes.closeAll());

const WS_LOOPBACK = { host: '127.0.0.1', port: 0, websocket: true };

function wsPort(n: Node): number {
  const b = n.bindings.find((x) => x.type === 'websocket');
  if (b?.type !== 'websocket') throw new Error('no websocket binding');
  return b.port;
}

async function wsNode(opts: Parameters<NodeSet['make']>[0] = {}): Promise<Node> {
  return nodes.make({ secretKey: VECTOR_RS_SECRET, listen: [WS_LOOPBACK], ...opts });
}

describe('WebSocket listener', () => {
  it('reports its binding as Core Lightning prints a websocket one', async () => {
    const n = await wsNode();
    const b = n.bindings[0];
    expect(b).toEqual({ type: 'websocket', subtype: 'ipv4', address: '127.0.0.1', port: wsPort(n) });
    expect(Object.keys(b ?? {})).toEqual(['type', 'subtype', 'address', 'port']);
  });

  it('completes BOLT 8 and init with an independent client, act one split over three frames', async () => {
    const n = await wsNode();
    const before = handleCounts();
    const ws = await openWs(`ws://127.0.0.1:${wsPort(n)}`);
    const { actOne, theirInit } = await within(handshakeOverWs(ws, VECTOR_RS_PUB));
    expect(actOne.equals(VECTOR_ACT_ONE)).toBe(true); // the client really uses Appendix A's keys
    expect(theirInit.readUInt16BE(0)).toBe(16); // init
    await until(() => n.listPeers(VECTOR_LS_PUB)[0]?.connected === true, 'peer connected');
    const peer = n.listPeers(VECTOR_LS_PUB)[0];
    expect(peer?.direction).toBe('in');
    expect(peer?.address?.type).toBe('ipv4');
    expect(peer?.address).toMatchObject({ address: '127.0.0.1' });
    ws.close();
    await closeOf(ws);
    await until(() => n.listPeers(VECTOR_LS_PUB).length === 0, 'peer gone after close');
    expect(await leakedSince(before)).toEqual({});
  });

  it('reads acts one byte a frame and a whole act in one frame alike', async () => {
    const n = await wsNode();
    const ws = await openWs(`ws://127.0.0.1:${wsPort(n)}`);
    await within(handshakeOverWs(ws, VECTOR_RS_PUB, { actOneFrames: Array.from({ length: 50 }, () => 1) }));
    await until(() => n.listPeers(VECTOR_LS_PUB)[0]?.connected === true, 'peer connected');
    ws.terminate();
  });

  it('takes a frame whose bytes arrive in several TCP segments', async () => {
    const n = await wsNode();
    const { socket, response } = await rawUpgrade(wsPort(n));
    expect(response).toMatch(/^HTTP\/1\.1 101 /);
    const frame = clientFrame(0x2, VECTOR_ACT_ONE);
    const reply: Buffer[] = [];
    socket.on('data', (d: Buffer) => reply.push(d));
    // header byte, length byte, mask, then the payload in two pieces: each its own write, a pause between
    for (const [a, b] of [[0, 1], [1, 2], [2, 6], [6, 30], [30, frame.length]] as const) {
      socket.write(frame.subarray(a, b));
      await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => Buffer.concat(reply).length >= 52, 'act two frame');
    const got = Buffer.concat(reply);
    expect(got[0]).toBe(0x82); // FIN + binary
    expect(got[1]).toBe(50); // act two, unmasked from the server
    expect(got[2]).toBe(0); // BOLT 8 version 0
    socket.destroy();
  });

  it('answers a plain HTTP request with 400 and frees the socket', async () => {
    const n = await wsNode();
    const before = handleCounts();
    const { socket, response } = await rawUpgrade(wsPort(n), `GET / HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 400 I only speak websocket\r\n/);
    await until(() => socket.destroyed || socket.readyState === 'closed' || socket.readableEnded, 'server closed');
    socket.destroy();
    expect(await leakedSince(before)).toEqual({});
  });

  it('answers an upgrade without Sec-WebSocket-Key with 400 and frees the socket', async () => {
    const n = await wsNode();
    const before = handleCounts();
    const { socket, response } = await rawUpgrade(
      wsPort(n),
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    await new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r())));
    expect(await leakedSince(before)).toEqual({});
  });

  it('closes a text frame with 1003', async () => {
    const n = await wsNode();
    const before = handleCounts();
    const ws = await openWs(`ws://127.0.0.1:${wsPort(n)}`);
    ws.send('hello');
    const closed = await within(closeOf(ws));
    expect(closed.code).toBe(1003);
    expect(n.listPeers()).toEqual([]);
    expect(await leakedSince(before)).toEqual({});
  });

  it('closes a frame above maxPayload with 1009', async () => {
    const n = await wsNode();
    const before = handleCounts();
    const ws = await openWs(`ws://127.0.0.1:${wsPort(n)}`);
    ws.send(Buffer.alloc(128 * 1024 + 1), { binary: true });
    const closed = await within(closeOf(ws));
    expect(closed.code).toBe(1009);
    await until(() => n.listPeers().length === 0, 'no peer');
    expect(await leakedSince(before)).toEqual({});
  });

  it('forgets a peer that drops after act one', async () => {
    const n = await wsNode();
    const before = handleCounts();
    const ws = await openWs(`ws://127.0.0.1:${wsPort(n)}`);
    const reader = new FrameReader(ws);
    ws.send(VECTOR_ACT_ONE, { binary: true });
    await within(reader.read(50)); // act two came back: the responder is mid-handshake
    ws.terminate();
    await until(() => n.listPeers().length === 0, 'peer forgotten');
    expect(await leakedSince(before)).toEqual({});
  });

  it('applies the act-one deadline to WebSocket peers', async () => {
    const n = await wsNode({ actOneTimeoutMs: 100 });
    const ws = await openWs(`ws://127.0.0.1:${wsPort(n)}`);
    ws.send(VECTOR_ACT_ONE.subarray(0, 10), { binary: true });
    const closed = await within(closeOf(ws));
    expect(closed.code).toBe(1006); // cut off, as a TCP peer is
  });

  it('applies the per-address admission cap to WebSocket peers', async () => {
    const n = await wsNode({ maxInboundHandshakesPerAddress: 2 });
    const port = wsPort(n);
    const first = await openWs(`ws://127.0.0.1:${port}`);
    const firstClosed = closeOf(first);
    const second = await openWs(`ws://127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 20)); // both admitted before the third arrives
    const third = await openWs(`ws://127.0.0.1:${port}`);
    expect((await within(firstClosed)).code).toBe(1006); // the oldest of its group evicted
    expect(second.readyState).toBe(1);
    expect(third.readyState).toBe(1);
    second.terminate();
    third.terminate();
  });

  it('reports an IPv6 listener with subtype ipv6', async () => {
    const n = await nodes.make({ listen: [{ host: '::1', port: 0, websocket: true }] });
    expect(n.bindings[0]).toMatchObject({ type: 'websocket', subtype: 'ipv6', address: '::1' });
  });

  it('keeps at most maxInboundHandshakes connections waiting for their upgrade, dropping the oldest', async () => {
    const n = await wsNode({ maxInboundHandshakes: 2 });
    const open = async (): Promise<net.Socket> => {
      const s = net.connect({ host: '127.0.0.1', port: wsPort(n) });
      s.on('error', () => undefined);
      await new Promise<void>((r) => s.once('connect', () => r()));
      await new Promise((r) => setTimeout(r, 20)); // accepted by the server before the next
      return s;
    };
    const first = await open();
    const firstClosed = new Promise<void>((r) => first.once('close', () => r()));
    const second = await open();
    const third = await open();
    await within(firstClosed);
    expect(second.destroyed || third.destroyed).toBe(false);
    second.destroy();
    third.destroy();
  });

  it('drops a connection that never sends its upgrade', async () => {
    const n = await wsNode({ actOneTimeoutMs: 100 });
    const socket = net.connect({ host: '127.0.0.1', port: wsPort(n) });
    socket.on('error', () => undefined);
    await within(new Promise<void>((r) => socket.once('close', () => r())));
  });
});
