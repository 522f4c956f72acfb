/**
 * Output bounds for WebSocket peers (src/io/output-budget.ts through the
 * byte-stream adapter, measured with ws's bufferedAmount): a peer that stops
 * reading while asking for large pongs is dropped once its queued output
 * passes `peerOutputMaxBytes`, as a TCP peer is, and nothing is left behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { handleCounts, leakedSince, until } from '../helpers/resources.js';
import { NodeSet, within } from '../node/helpers.js';
import { closeOf, handshakeOverWs, openWs, VECTOR_LS_PUB, VECTOR_RS_PUB, VECTOR_RS_SECRET } from './ws-client.js';

const nodes = new NodeSet();
afterEach(() => nodes.closeAll());

/** BOLT 1 ping (type 18) asking for `pong` bytes back. */
function ping(pong: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(18, 0);
  b.writeUInt16BE(pong, 2);
  b.writeUInt16BE(0, 4);
  return b;
}

describe('WebSocket peer output bounds', () => {
  it('drops a WebSocket peer that does not read its pongs past peerOutputMaxBytes', async () => {
    const n = await nodes.make({
      secretKey: VECTOR_RS_SECRET,
      listen: [{ host: '127.0.0.1', port: 0, websocket: true }],
      peerOutputPauseBytes: 4 * 1024 * 1024,
      peerOutputMaxBytes: 1024 * 1024,
    });
    const b = n.bindings[0];
    if (b?.type !== 'websocket') throw new Error('no websocket binding');
    const before = handleCounts();
    const ws = await openWs(`ws://127.0.0.1:${b.port}`);
    const { state } = await within(handshakeOverWs(ws, VECTOR_RS_PUB));
    await until(() => n.listPeers(VECTOR_LS_PUB)[0]?.connected === true, 'peer connected');
    ws.pause(); // stop reading: pongs pile up in the kernel, then in ws's buffer
    const closed = closeOf(ws);
    const burst = Buffer.concat(Array.from({ length: 300 }, () => state.encryptMessage(ping(65531))));
    ws.send(burst, { binary: true });
    await until(() => n.listPeers(VECTOR_LS_PUB).length === 0, 'peer dropped', 10_000);
    ws.resume();
    await within(closed, 10_000);
    expect(await leakedSince(before)).toEqual({});
  });
});
