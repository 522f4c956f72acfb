/**
 * Bounded per-peer state from the wire (issue 11, item 4): an init whose
 * features (or globalfeatures) are longer than MAX_INIT_FEATURES_BYTES (1024
 * bytes = 8,192 bits; BOLT 9 assigns bits in the low hundreds) is refused
 * with the warning `Features too long: N bytes (at most 1024)`; up to the
 * bound it is accepted and stored once. With 150 peers at the bound
 * listpeers stays small, and 150 peers sending 60,000-byte features are all
 * refused and listed nowhere.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHashOf } from '../../src/bolt1/index.js';
import { createNode } from '../../src/index.js';
import type { Node } from '../../src/node.js';
import { judgeInitMessage, MAX_INIT_FEATURES_BYTES } from '../../src/session/wire.js';
import { nodeSettings } from '../../src/node-settings.js';
import { encodeInit, featuresFromBits } from '../../src/bolt1/index.js';
import { hostileInitiator } from '../helpers/hostile.js';
import type { HostileConn } from '../helpers/hostile.js';
import { handleCounts, leakedSince, until } from '../helpers/resources.js';
import type { HandleCounts } from '../helpers/resources.js';

const REGTEST = [chainHashOf('regtest')];
let node: Node;
let port: number;
let before: HandleCounts;
const conns: HostileConn[] = [];

beforeAll(async () => {
  before = handleCounts();
  node = await createNode({ network: 'regtest', listen: [{ host: '127.0.0.1', port: 0 }], maxInboundHandshakesPerAddress: 200, maxInboundHandshakes: 200 });
  const b = node.bindings[0];
  if (b === undefined || b.type === 'local socket') throw new Error('no TCP binding');
  port = b.port;
});

afterAll(async () => {
  for (const c of conns) c.socket.destroy();
  await Promise.all(conns.map((c) => c.closed));
  await node.close();
  expect(await leakedSince(before)).toEqual({});
});

const secret = (_i: number): Uint8Array<ArrayBuffer> => new Uint8Array(randomBytes(32));

describe('init features bound (session verdict)', () => {
  const p = nodeSettings({ network: 'regtest' }).peerConfig;
  const init = (bits: number[], global: number[] = []) =>
    encodeInit({ globalfeatures: featuresFromBits(global), features: featuresFromBits(bits), networks: REGTEST });

  it(`accepts features of ${MAX_INIT_FEATURES_BYTES} bytes (an odd bit at the top), refuses one byte more with a warning`, () => {
    expect(judgeInitMessage(p, init([MAX_INIT_FEATURES_BYTES * 8 - 1])).kind).toBe('accepted');
    const v = judgeInitMessage(p, init([MAX_INIT_FEATURES_BYTES * 8 + 1]));
    expect(v).toMatchObject({ kind: 'rejected', reason: 'Features too long: 1025 bytes (at most 1024)' });
    expect(v.kind === 'rejected' && v.warning !== null).toBe(true);
  });

  it('globalfeatures too', () => {
    expect(judgeInitMessage(p, init([], [60_000 * 8 - 1]))).toMatchObject({ kind: 'rejected', reason: 'Features too long: 60000 bytes (at most 1024)' });
  });
});

describe('init features bound (loopback)', () => {
  it('150 peers with 60,000-byte features: each warned and closed, none listed', async () => {
    const batch: HostileConn[] = [];
    for (let i = 0; i < 150; i++) {
      const c = hostileInitiator(node.id, port, { after: { kind: 'init', features: [60_000 * 8 - 1], networks: REGTEST } }, secret(i));
      conns.push(c);
      batch.push(c);
    }
    await Promise.all(batch.map((c) => c.closed));
    for (const c of batch) {
      const warning = c.messages.find((m) => m[0] === 0 && m[1] === 1);
      expect(Buffer.from(warning!.subarray(36)).toString()).toBe('Features too long: 60000 bytes (at most 1024)');
    }
    expect(node.listPeers()).toEqual([]);
  });

  it('150 peers at the bound are listed, and listpeers stays small (< 400 KB)', async () => {
    for (let i = 0; i < 150; i++) {
      conns.push(hostileInitiator(node.id, port, { after: { kind: 'init', features: [MAX_INIT_FEATURES_BYTES * 8 - 1], networks: REGTEST } }, secret(1000 + i)));
    }
    await until(() => node.listPeers().filter((x) => x.connected).length === 150, '150 connected peers', 20_000);
    const peers = node.listPeers();
    expect(peers.every((x) => x.features?.length === MAX_INIT_FEATURES_BYTES * 2)).toBe(true);
    expect(JSON.stringify({ peers }).length).toBeLessThan(400_000);
  });
});
