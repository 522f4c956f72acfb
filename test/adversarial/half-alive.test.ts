/**
 * No half-alive peer (issue 11, item 2): for each trigger that once killed a
 * peer's actor while its socket stayed open (a warning text too long for one
 * message: unknown even messages and malformed pings of 32,738 bytes and
 * more), and a few more of the same kind (huge error/warning/unknown odd
 * messages, garbage in the transport), the peer is afterwards either fully
 * alive — listed and answering a ping — or its socket is closed and it is
 * not listed. Nothing leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode } from '../../src/index.js';
import type { Node } from '../../src/node.js';
import { handleCounts, leakedSince, until } from '../helpers/resources.js';
import type { HandleCounts } from '../helpers/resources.js';
import { message, wirePeer } from '../helpers/wire-peer.js';
import type { WirePeer } from '../helpers/wire-peer.js';

let node: Node;
let port: number;
let before: HandleCounts;

beforeAll(async () => {
  before = handleCounts();
  node = await createNode({ network: 'regtest', listen: [{ host: '127.0.0.1', port: 0 }] });
  const b = node.bindings[0];
  if (b === undefined || b.type === 'local socket') throw new Error('no TCP binding');
  port = b.port;
});

afterAll(async () => {
  await node.close();
  expect(await leakedSince(before)).toEqual({});
});

/** A ping payload whose byteslen claims more bytes than follow (malformed), `size` bytes in all with the type. */
function malformedPing(size: number): Uint8Array {
  const payload = new Uint8Array(size - 2);
  payload[0] = 0; // num_pong_bytes = 1
  payload[1] = 1;
  payload[2] = 0xff; // byteslen = 65535: more than the rest
  payload[3] = 0xff;
  return message(18, payload);
}

const TRIGGERS: [string, Uint8Array][] = [
  ['unknown even message of 32,738 bytes', message(0x8000, new Uint8Array(32_736).fill(0x41))],
  ['unknown even message of 65,535 bytes', message(0x8002, new Uint8Array(65_533).fill(0x42))],
  ['malformed ping of 32,738 bytes', malformedPing(32_738)],
  ['malformed ping of 65,535 bytes', malformedPing(65_535)],
  ['error of 65,535 bytes', message(17, Uint8Array.from([...new Array<number>(32).fill(0), 0xff, 0xdb, ...new Array<number>(65_499).fill(0x43)]))],
  ['warning of 65,535 bytes', message(1, Uint8Array.from([...new Array<number>(32).fill(0), 0xff, 0xdb, ...new Array<number>(65_499).fill(0x44)]))],
  ['unknown odd message of 65,535 bytes', message(0x8001, new Uint8Array(65_533))],
  ['ping asking 65,531 pong bytes with 65,531 bytes of padding', message(18, Uint8Array.from([0xff, 0xfb, 0xff, 0xf9, ...new Array<number>(65_529).fill(0)]))],
];

async function aliveOrClosed(p: WirePeer): Promise<'alive' | 'closed'> {
  const ponged = await p.ping(5000);
  if (ponged) {
    expect(node.listPeers(p.id)).toEqual([expect.objectContaining({ id: p.id, connected: true })]);
    return 'alive';
  }
  await p.closed; // not answering: it must be closed, and gone from the list
  await until(() => node.listPeers(p.id).length === 0, 'the closed peer to leave the list');
  return 'closed';
}

describe('after each trigger the peer is fully alive or its socket is closed', () => {
  for (const [name, trigger] of TRIGGERS) {
    it(name, async () => {
      const p = await wirePeer({ port, nodeId: node.id });
      await until(() => node.listPeers(p.id).some((x) => x.connected), 'the peer connected');
      p.send(trigger);
      const state = await aliveOrClosed(p);
      // A warning from us, if any, fits one message (its text truncated).
      for (const m of p.messages) expect(m.length).toBeLessThanOrEqual(65_535);
      if (name.startsWith('unknown even') || name.startsWith('malformed ping')) {
        expect(state).toBe('alive');
        const warning = p.messages.find((m) => m[0] === 0 && m[1] === 1);
        expect(warning?.subarray(36).toString().startsWith(name.startsWith('unknown') ? 'Invalid unknown even msg' : 'Invalid ping')).toBe(true);
      }
      p.peer.socket.destroy();
      await p.closed;
      await until(() => node.listPeers(p.id).length === 0, 'the peer to leave');
    });
  }

  it('garbage in the transport: closed and not listed', async () => {
    const p = await wirePeer({ port, nodeId: node.id });
    await until(() => node.listPeers(p.id).some((x) => x.connected), 'the peer connected');
    p.peer.socket.write(new Uint8Array(200).fill(0x5a));
    expect(await aliveOrClosed(p)).toBe('closed');
  });
});
