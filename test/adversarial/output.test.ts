/**
 * Bounded output (issue 11, item 3), on loopback: a peer that asks for
 * 65,531-byte pongs and does not read is not read any more once 1 MiB is
 * queued for it (its pings wait, none is lost, it is not dropped); a peer
 * that does not read what the node sends is dropped past peerOutputMaxBytes;
 * and past the node-wide outputBudgetBytes the peers with the most queued are
 * dropped while an honest peer keeps connecting and answering pings.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawPeer } from '../../bench/raw-peer.js';
import { TYPE_PONG, encodePing, messageType } from '../../bench/wire.js';
import { createNode } from '../../src/index.js';
import type { Node } from '../../src/node.js';
import type { NodeOptions } from '../../src/types.js';
import { handleCounts, leakedSince, sleep, until } from '../helpers/resources.js';
import type { HandleCounts } from '../helpers/resources.js';
import { wirePeer } from '../helpers/wire-peer.js';

let node: Node;
let port: number;
let before: HandleCounts;
const peers: RawPeer[] = [];

beforeEach(() => {
  before = handleCounts();
});

afterEach(async () => {
  for (const p of peers) p.socket.destroy();
  peers.length = 0;
  await node.close();
  expect(await leakedSince(before)).toEqual({});
});

async function listening(opts: NodeOptions = {}): Promise<void> {
  node = await createNode({ network: 'regtest', listen: [{ host: '127.0.0.1', port: 0 }], ...opts });
  const b = node.bindings[0];
  if (b === undefined || b.type === 'local socket') throw new Error('no TCP binding');
  port = b.port;
}

/** A connected peer that counts pongs (without keeping them) and reports its close. */
function pongCounter(): Promise<{ peer: RawPeer; pongs: () => number; closed: () => boolean }> {
  let pongs = 0;
  let closed = false;
  return new Promise((resolve, reject) => {
    const peer = new RawPeer(
      { host: '127.0.0.1', port, remoteStatic: Buffer.from(node.id, 'hex') },
      {
        onInit: (p) => resolve({ peer: p, pongs: () => pongs, closed: () => closed }),
        onMessage: (_p, m) => {
          if (messageType(m) === TYPE_PONG) pongs += 1;
        },
        onFail: reject,
        onClosed: () => (closed = true),
      },
    );
    peers.push(peer);
  });
}

/**
 * `n` pings asking 65,531-byte pongs, then the peer stops reading. Fewer than
 * 500 messages each way: the bench's client (node-lightning's NoiseState)
 * keeps one chaining key for both directions, so its key rotation breaks
 * once both directions have rotated.
 */
function flood(p: RawPeer, n: number): void {
  p.socket.pause();
  const ping = encodePing(65_531);
  for (let i = 0; i < n; i++) p.send(ping);
}

describe('bounded output', () => {
  it('a peer that does not read is not read either: its pings wait (none lost), it is not dropped', async () => {
    await listening();
    const a = await pongCounter();
    await until(() => node.listPeers(a.peer.id).some((x) => x.connected), 'connected');
    flood(a.peer, 400); // 26 MB of pongs: without the pause it would pass the 16 MiB bound and be dropped
    await sleep(1000);
    expect(a.closed()).toBe(false);
    expect(node.listPeers(a.peer.id)).toEqual([expect.objectContaining({ connected: true })]);
    a.peer.socket.resume();
    await until(() => a.pongs() === 400, 'every pong once the peer reads', 20_000);
    expect(a.closed()).toBe(false);
  });

  it('a peer that does not read what the node sends is dropped past peerOutputMaxBytes', async () => {
    await listening({ peerOutputPauseBytes: 64 * 1024, peerOutputMaxBytes: 512 * 1024 });
    const a = await pongCounter();
    await until(() => node.listPeers(a.peer.id).some((x) => x.connected), 'connected');
    a.peer.socket.pause();
    const msg = new Uint8Array(65_000);
    msg[1] = 0x81; // an unknown odd type (129)
    let sent = 0;
    try {
      for (; sent < 1000; sent++) {
        node.sendMessage(a.peer.id, msg);
        if (sent % 20 === 19) await sleep(1);
      }
    } catch {
      // 'Peer not connected': dropped
    }
    expect(sent).toBeLessThan(1000);
    await until(() => node.listPeers(a.peer.id).length === 0, 'the peer dropped');
    a.peer.socket.resume();
    await until(() => a.closed(), 'its socket closed');
  });

  it('past the node-wide budget the peers with the most queued are dropped; an honest peer keeps working', async () => {
    await listening({ outputBudgetBytes: 3 * 1024 * 1024 });
    const flooders = await Promise.all(Array.from({ length: 6 }, () => pongCounter()));
    for (const f of flooders) flood(f.peer, 400);
    await until(() => flooders.filter((f) => node.listPeers(f.peer.id).length === 0).length >= 2, 'flooders dropped by the budget', 10_000);
    const honest = await wirePeer({ port, nodeId: node.id });
    expect(await honest.ping()).toBe(true);
    expect(node.listPeers(honest.id)).toEqual([expect.objectContaining({ connected: true })]);
    honest.peer.socket.destroy();
    await honest.closed;
  });
});
