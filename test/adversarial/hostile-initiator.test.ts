/**
 * Hostile initiators dial a listening lnconnect node (the inbound side): for
 * each case lnconnect closes the socket, sends nothing after a failed act
 * (BOLT 8), warns before closing on a rejected init (BOLT 1), lists no peer,
 * and leaks nothing. Then 1,000 inbound sockets that never send a byte: all
 * are closed at the handshake timeout while a valid connect is served before
 * it fires.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNode } from '../../src/index.js';
import type { Node } from '../../src/node.js';
import { chainHashOf } from '../../src/bolt1/index.js';
import type { NodeOptions } from '../../src/types.js';
import { hostileInitiator, VALID_INIT } from '../helpers/hostile.js';
import type { HostileConn, HostileKnobs } from '../helpers/hostile.js';
import { handleCounts, leakedSince, until } from '../helpers/resources.js';
import type { HandleCounts } from '../helpers/resources.js';

const HANDSHAKE_MS = 1000;

let nodes: Node[] = [];
let conns: HostileConn[] = [];
let before: HandleCounts;

beforeEach(() => {
  before = handleCounts();
});

afterEach(async () => {
  for (const c of conns) c.socket.destroy();
  await Promise.all(conns.map((c) => c.closed));
  await Promise.all(nodes.map((n) => n.close()));
  nodes = [];
  conns = [];
  expect(await leakedSince(before)).toEqual({});
});

async function listening(opts: NodeOptions = {}): Promise<{ node: Node; port: number }> {
  const node = await createNode({ network: 'regtest', handshakeTimeoutMs: HANDSHAKE_MS, listen: [{ host: '127.0.0.1', port: 0 }], ...opts });
  nodes.push(node);
  const b = node.bindings[0];
  if (b === undefined || b.type === 'local socket') throw new Error('no TCP binding');
  return { node, port: b.port };
}

async function knock(knobs: HostileKnobs): Promise<{ node: Node; conn: HostileConn & { id: string } }> {
  const { node, port } = await listening();
  const conn = hostileInitiator(node.id, port, knobs);
  conns.push(conn);
  return { node, conn };
}

/** lnconnect hung up on the hostile initiator and keeps no peer. */
async function expectDropped(node: Node, conn: HostileConn): Promise<void> {
  await conn.closed;
  await until(() => node.listPeers().length === 0, 'an empty peer list');
}

describe('hostile initiator: BOLT 8 handshake', () => {
  it('closes after act one: lnconnect drops it', async () => {
    const { node, conn } = await knock({ closeAfterActOne: true });
    await expectDropped(node, conn);
  });

  for (const corrupt of ['version', 'key', 'mac'] as const) {
    it(`bad ${corrupt === 'key' ? 'public key' : corrupt === 'mac' ? 'MAC' : 'version byte'} in act three: closed, nothing sent after act two`, async () => {
      const { node, conn } = await knock({ corrupt });
      await expectDropped(node, conn);
      expect(conn.received).toBe(50); // act two, then nothing (not even an init)
    });
  }

  it('act three after the timeout: closed at the timeout', async () => {
    const { node, conn } = await knock({ actDelayMs: HANDSHAKE_MS * 1.5 });
    await expectDropped(node, conn);
    expect(conn.received).toBe(50);
  });
});

describe('hostile initiator: BOLT 1 init', () => {
  it('no init: closed at the handshake timeout, after our init', async () => {
    const { node, conn } = await knock({ after: { kind: 'nothing' } });
    await expectDropped(node, conn);
    expect(conn.messages.map((m) => (m[0]! << 8) | m[1]!)).toEqual([16]);
  });

  it('error instead of init: closed', async () => {
    const { node, conn } = await knock({ after: { kind: 'error', text: 'nope' } });
    await expectDropped(node, conn);
  });

  it('an unknown even feature bit: warning "Unsupported feature 100", then closed', async () => {
    const { node, conn } = await knock({ after: { kind: 'init', features: [100], networks: [chainHashOf('regtest')] } });
    await expectDropped(node, conn);
    const warning = conn.messages.find((m) => m[0] === 0 && m[1] === 1);
    expect(Buffer.from(warning!.subarray(36)).toString()).toBe('Unsupported feature 100');
  });

  it('a wrong chain: warning "No common network", then closed', async () => {
    const { node, conn } = await knock({ after: { kind: 'init', features: [], networks: [chainHashOf('signet')] } });
    await expectDropped(node, conn);
    const warning = conn.messages.find((m) => m[0] === 0 && m[1] === 1);
    expect(Buffer.from(warning!.subarray(36)).toString()).toBe('No common network');
  });

  it('garbage after the handshake: closed', async () => {
    const { node, conn } = await knock({ after: { kind: 'garbage', bytes: new Uint8Array(64).fill(7) } });
    await expectDropped(node, conn);
  });

  it('every byte delivered one at a time: listed inbound', async () => {
    const { node, conn } = await knock({ byteAtATime: true, after: VALID_INIT });
    await until(() => node.listPeers().some((p) => p.connected), 'the peer to be connected');
    expect(node.listPeers()).toEqual([expect.objectContaining({ id: conn.id, connected: true, direction: 'in', features: '' })]);
    await expect(node.connect(conn.id)).resolves.toMatchObject({ id: conn.id, direction: 'in' });
  });
});

describe('1,000 inbound sockets that never send a byte', () => {
  it('are all held until the handshake timeout closes them, while a valid connect is served', async () => {
    const IDLE = 1000;
    // This sandbox's loopback accepts ~70 new connections a second (a plain net.Server stalls 1 s every
    // 60-80 SYNs too), so opening 1,000 takes ~15 s: the timeout is longer so that all are held at once.
    const TIMEOUT_MS = 20_000;
    // Every idle socket must be held (not refused early) for the timeout to be what closes them.
    const { node, port } = await listening({
      maxInboundHandshakes: IDLE + 10,
      maxInboundHandshakesPerAddress: IDLE + 10,
      actOneTimeoutMs: TIMEOUT_MS * 10, // the handshake timer, not the act one deadline, is what this case measures
      handshakeTimeoutMs: TIMEOUT_MS,
    });
    const idle: { socket: net.Socket; openedAt: number; closedAt?: number }[] = [];
    let closed = 0;
    for (let i = 0; i < IDLE; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, () => {
          const entry: { socket: net.Socket; openedAt: number; closedAt?: number } = { socket: net.connect({ host: '127.0.0.1', port }), openedAt: 0 };
          entry.socket.on('error', () => undefined);
          entry.socket.on('close', () => {
            entry.closedAt = performance.now();
            closed += 1;
          });
          idle.push(entry);
          return new Promise<void>((resolve) =>
            entry.socket.once('connect', () => {
              entry.openedAt = performance.now();
              resolve();
            }),
          );
        }),
      );
    }
    expect(idle).toHaveLength(IDLE);
    expect(closed).toBe(0);

    // A valid peer connects in and is connected while every idle socket is still held.
    const peer = await createNode({ network: 'regtest' });
    nodes.push(peer);
    const result = await peer.connect(node.id, '127.0.0.1', port);
    expect(result.direction).toBe('out');
    await until(() => node.listPeers().some((p) => p.id === peer.id && p.connected), 'the valid peer on the listening node');
    expect(closed).toBe(0);

    // Then the timeout closes every idle socket (none before its time), and only the valid peer remains.
    await until(() => closed === IDLE, 'every idle socket to be closed', TIMEOUT_MS + 20_000);
    const early = idle.filter((e) => (e.closedAt ?? 0) - e.openedAt < TIMEOUT_MS - 100);
    expect(early).toHaveLength(0);
    expect(idle.every((e) => e.socket.destroyed)).toBe(true);
    expect(node.listPeers().map((p) => p.id)).toEqual([peer.id]);
  }, 90_000);
});
