/**
 * Interop with a third-party Lightning implementation: node-lightning 0.26.1
 * (BOLT 8 NoiseSocket/NoiseServer, BOLT 1 `Peer` with init and ping/pong),
 * over 127.0.0.1 only.
 *
 * - lnconnect dials a node-lightning responder: the result's id, features (as
 *   node-lightning sent them), direction and address (spec §6);
 * - a node-lightning initiator dials lnconnect: listPeers shows it inbound and
 *   `connect` to it answers `"in"` at once;
 * - 2,000 ping/pong round trips each way over one connection (8 key rotations
 *   per direction: BOLT 8 rotates every 500 messages). node-lightning 0.26.1
 *   shares one chaining key between its two directions (lightning/bolts#633),
 *   so that test gives its NoiseState a chaining key per direction; 2,000
 *   one-way messages each way run against it unpatched, and a third test pins
 *   down the unpatched failure (499 round trips, then a bad MAC we close on);
 * - a wrong node id gives the exact 401 fragment (spec §4), both ways closes
 *   silently; init rejections (unknown even bit, wrong chain) give theirs.
 *
 * node-lightning's feature bits here are odd (optional) ones a node that runs
 * no channels would send; with them lnconnect's DEFAULT_FEATURES need no
 * change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNode } from '../../src/index.js';
import type { Node } from '../../src/node.js';
import { chainHashOf, DEFAULT_FEATURE_BITS, encodePing } from '../../src/bolt1/index.js';
import { ConnectError } from '../../src/types.js';
import type { NodeOptions } from '../../src/types.js';
import {
  allowPingFlood,
  nlClosed,
  nlDestroy,
  nlFeaturesHex,
  nlInitiator,
  nlNodeId,
  nlReady,
  nlResponder,
  splitChainingKeys,
  wire,
} from '../helpers/node-lightning.js';
import type { NlMessage, NlPeer, NlResponder } from '../helpers/node-lightning.js';
import { handleCounts, leakedSince, settle, until } from '../helpers/resources.js';
import type { HandleCounts } from '../helpers/resources.js';

const REGTEST = chainHashOf('regtest');
/** option_data_loss_protect, initial_routing_sync, var_onion_optin, payment_secret: all optional. */
const NL_FEATURES = [1, 3, 9, 15];
const NL_SECRET = new Uint8Array(32).fill(0x21);
const NL_INITIATOR_SECRET = new Uint8Array(32).fill(0x33);
const ROUND_TRIPS = 2000;

let nodes: Node[] = [];
let responders: NlResponder[] = [];
let initiators: NlPeer[] = [];
let before: HandleCounts;

beforeEach(() => {
  before = handleCounts();
});

afterEach(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  await Promise.all(initiators.map((p) => nlDestroy(p)));
  await Promise.all(responders.map((r) => r.close()));
  nodes = [];
  responders = [];
  initiators = [];
  expect(await leakedSince(before)).toEqual({});
});

async function lnNode(opts: NodeOptions = {}): Promise<Node> {
  const n = await createNode({ network: 'regtest', handshakeTimeoutMs: 5000, connectTimeoutMs: 2000, ...opts });
  nodes.push(n);
  return n;
}

async function responder(features = NL_FEATURES, chains = [REGTEST]): Promise<NlResponder> {
  const r = await nlResponder({ secret: NL_SECRET, features, chains });
  responders.push(r);
  return r;
}

function tcpPort(n: Node): number {
  const b = n.bindings[0];
  if (b === undefined || b.type === 'local socket') throw new Error('node has no TCP binding');
  return b.port;
}

function initiator(remoteId: string, port: number, features = NL_FEATURES): NlPeer {
  const p = nlInitiator({ secret: NL_INITIATOR_SECRET, features, chains: [REGTEST], remoteId, port });
  initiators.push(p);
  return p;
}

/** The local TCP port of a node-lightning peer's socket (what lnconnect sees as its address). */
function nlLocalPort(p: NlPeer): number {
  const s = (p.socket as unknown as { _socket: { localPort?: number } })._socket;
  if (s.localPort === undefined) throw new Error('node-lightning socket not connected');
  return s.localPort;
}

async function expect401(p: Promise<unknown>, message: string): Promise<ConnectError> {
  const r = await settle(p);
  expect(r.ok).toBe(false);
  const err = (r as { error: unknown }).error;
  expect(err).toBeInstanceOf(ConnectError);
  const ce = err as ConnectError;
  expect({ code: ce.code, message: ce.message }).toEqual({ code: 401, message });
  return ce;
}

describe('lnconnect dials a node-lightning responder', () => {
  it('returns its id, features as it sent them, direction out and the address', async () => {
    const nl = await responder();
    const node = await lnNode();
    const result = await node.connect(nl.id, '127.0.0.1', nl.port);
    expect(result).toEqual({
      id: nl.id,
      features: nlFeaturesHex(NL_FEATURES),
      direction: 'out',
      address: { type: 'ipv4', address: '127.0.0.1', port: nl.port },
    });
    expect(Object.keys(result)).toEqual(['id', 'features', 'direction', 'address']);
    expect(result.features).toBe('820a');

    // node-lightning completed its side: it saw our init (DEFAULT_FEATURES) and accepted it.
    const peer = await nl.nextPeer();
    await nlReady(peer);
    expect(peer.remoteFeatures.flags()).toEqual([...DEFAULT_FEATURE_BITS]);
    expect(peer.remoteChains.map((c) => c.toString('hex'))).toEqual([Buffer.from(REGTEST).toString('hex')]);

    expect(node.listPeers()).toEqual([
      expect.objectContaining({ id: nl.id, connected: true, direction: 'out', features: '820a' }),
    ]);
    // Already connected: the same answer, no new connection.
    await expect(node.connect(nl.id)).resolves.toEqual(result);
    expect(nl.accepted).toBe(1);
  });

  it('a wrong node id gives the exact 401 wrong-key fragment', async () => {
    const nl = await responder();
    const node = await lnNode();
    const other = await lnNode(); // a real key that is not node-lightning's
    const err = await expect401(
      node.connect(other.id, '127.0.0.1', nl.port),
      `All addresses failed: 127.0.0.1:${nl.port}: Cryptographic handshake: peer closed connection (wrong key?). `,
    );
    const attempts = (err.data as { attempts: { address: string; stage: string; reason: string; ms: number }[] }).attempts;
    expect(attempts.map(({ address, stage, reason }) => ({ address, stage, reason }))).toEqual([
      { address: `127.0.0.1:${nl.port}`, stage: 'Cryptographic handshake', reason: 'peer closed connection (wrong key?)' },
    ]);
    expect(typeof attempts[0]?.ms).toBe('number');
    expect(node.listPeers()).toEqual([]);
  });

  it("rejects node-lightning's init with an even bit we do not offer: Unsupported feature", async () => {
    const nl = await responder([1, 6]); // gossip_queries compulsory
    const node = await lnNode();
    await expect401(
      node.connect(nl.id, '127.0.0.1', nl.port),
      `All addresses failed: 127.0.0.1:${nl.port}: Exchanging init messages: Unsupported feature 6. `,
    );
    expect(node.listPeers()).toEqual([]);
    const peer = await nl.nextPeer();
    await nlClosed(peer);
  });

  it("rejects node-lightning's init on another chain: No common network", async () => {
    const nl = await responder(NL_FEATURES, [chainHashOf('bitcoin')]);
    const node = await lnNode();
    await expect401(
      node.connect(nl.id, '127.0.0.1', nl.port),
      `All addresses failed: 127.0.0.1:${nl.port}: Exchanging init messages: No common network. `,
    );
    expect(node.listPeers()).toEqual([]);
  });
});

describe('a node-lightning initiator dials lnconnect', () => {
  it('is listed inbound, and connect to it answers "in"', async () => {
    const node = await lnNode({ listen: [{ host: '127.0.0.1', port: 0 }] });
    const peer = initiator(node.id, tcpPort(node));
    await nlReady(peer);
    await until(() => node.listPeers().some((p) => p.connected), 'the inbound peer in listPeers');
    const nlId = nlNodeId(NL_INITIATOR_SECRET);
    expect(node.listPeers()).toEqual([
      expect.objectContaining({
        id: nlId,
        connected: true,
        direction: 'in',
        features: nlFeaturesHex(NL_FEATURES),
        address: { type: 'ipv4', address: '127.0.0.1', port: nlLocalPort(peer) },
      }),
    ]);
    const result = await node.connect(nlId);
    expect(result).toEqual({
      id: nlId,
      features: nlFeaturesHex(NL_FEATURES),
      direction: 'in',
      address: { type: 'ipv4', address: '127.0.0.1', port: nlLocalPort(peer) },
    });
    expect(peer.remoteFeatures.flags()).toEqual([...DEFAULT_FEATURE_BITS]);
  });

  it('dialling lnconnect with a wrong node id: both sides close silently', async () => {
    const node = await lnNode({ listen: [{ host: '127.0.0.1', port: 0 }] });
    const other = await lnNode();
    const peer = initiator(other.id, tcpPort(node));
    await nlClosed(peer);
    expect(peer.state).not.toBe(wire.PeerState.Ready);
    await until(() => node.listPeers().length === 0, 'no peer left');
  });
});

/** Resolves with the byteslen of each pong `node` receives from `id`, one waiter at a time. */
function lnPongs(node: Node, id: string): { next(send: () => void): Promise<number>; off(): void } {
  let waiter: ((len: number) => void) | null = null;
  const off = node.onMessage((from, m) => {
    if (from === id && m[0] === 0 && m[1] === 19) waiter?.((m[2]! << 8) | m[3]!);
  });
  return {
    next: (send) =>
      new Promise<number>((resolve) => {
        waiter = resolve;
        send();
      }),
    off,
  };
}

/** Runs `n` round trips lnconnect → node-lightning (ping, pong); returns how many got their pong, stopping at the first that did not. */
async function lnPings(node: Node, id: string, n: number, closed: Promise<void>): Promise<number> {
  const pongs = lnPongs(node, id);
  let done = 0;
  try {
    for (let i = 0; i < n; i++) {
      const want = i % 97;
      const got = await Promise.race([pongs.next(() => node.sendMessage(id, encodePing({ numPongBytes: want, byteslen: i % 13 }))), closed.then(() => -1)]);
      if (got === -1) break;
      expect(got).toBe(want);
      done += 1;
    }
  } finally {
    pongs.off();
  }
  return done;
}

/** Runs `n` round trips node-lightning → lnconnect (its PingMessage, our pong). */
async function nlPings(peer: NlPeer, n: number): Promise<number> {
  let waiter: ((len: number) => void) | null = null;
  const onData = (m: NlMessage): void => {
    if (m.type === 19) waiter?.(m.ignored?.length ?? -1);
  };
  peer.on('data', onData);
  let done = 0;
  try {
    for (let i = 0; i < n; i++) {
      const ping = new wire.PingMessage();
      ping.numPongBytes = (i * 7) % 101;
      const got = await new Promise<number>((resolve) => {
        waiter = resolve;
        peer.sendMessage(ping);
      });
      expect(got).toBe(ping.numPongBytes);
      done += 1;
    }
  } finally {
    peer.off('data', onData);
  }
  return done;
}

/** lnconnect dials a fresh node-lightning responder; both sides ready. */
async function connectedPair(): Promise<{ node: Node; nl: NlResponder; peer: NlPeer }> {
  const nl = await responder();
  const node = await lnNode();
  await node.connect(nl.id, '127.0.0.1', nl.port);
  const peer = await nl.nextPeer();
  await nlReady(peer);
  allowPingFlood(peer);
  return { node, nl, peer };
}

describe('ping/pong with node-lightning over one connection', () => {
  it(`${ROUND_TRIPS} round trips each way across 8 key rotations per direction (node-lightning with per-direction chaining keys)`, async () => {
    const { node, nl, peer } = await connectedPair();
    splitChainingKeys(peer);
    expect(await lnPings(node, nl.id, ROUND_TRIPS, nlClosed(peer))).toBe(ROUND_TRIPS);
    expect(await nlPings(peer, ROUND_TRIPS)).toBe(ROUND_TRIPS);
    // Each direction carried 1 + 4,000 messages: its key rotated every 500, 8 times.
    expect(peer.messageCounter).toBe(2 * ROUND_TRIPS);
    expect(peer.state).toBe(wire.PeerState.Ready);
    expect(node.listPeers()).toEqual([expect.objectContaining({ id: nl.id, connected: true })]);
  }, 60_000);

  it(`${ROUND_TRIPS} one-way messages in each direction across 8 rotations (unpatched node-lightning)`, async () => {
    // Only one direction rotates per connection, so node-lightning's shared chaining key stays right.
    const a = await connectedPair();
    const received = new Promise<void>((resolve) => {
      a.peer.on('rawmessage', () => {
        if (a.peer.messageCounter === ROUND_TRIPS) resolve();
      });
    });
    for (let i = 0; i < ROUND_TRIPS; i++) a.node.sendMessage(a.nl.id, encodePing({ numPongBytes: 65532, byteslen: i % 13 }));
    await received;
    expect(a.peer.state).toBe(wire.PeerState.Ready);

    const b = await connectedPair();
    let got = 0;
    const all = new Promise<void>((resolve) => {
      b.node.onMessage((id, m) => {
        if (id === b.nl.id && m[1] === 18 && ++got === ROUND_TRIPS) resolve();
      });
    });
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const ping = new wire.PingMessage();
      ping.numPongBytes = 65532; // no pong: BOLT 1 says ignore
      b.peer.sendMessage(ping);
    }
    await all;
    expect(b.node.listPeers().find((p) => p.id === b.nl.id)?.connected).toBe(true);
  }, 60_000);

  it('unpatched node-lightning derives a wrong key at the second direction\'s first rotation: lnconnect sees a bad MAC and closes', async () => {
    const { node, nl, peer } = await connectedPair();
    // Ping i is lnconnect's message i+2 (after init); node-lightning rotates its receive key after message 500
    // (ping 498), which moves its one chaining key, so its send rotation after pong 498 derives a wrong key.
    expect(await lnPings(node, nl.id, 600, nlClosed(peer))).toBe(499);
    await nlClosed(peer);
    await until(() => node.listPeers().length === 0, 'lnconnect to drop the peer');
  }, 60_000);
});
