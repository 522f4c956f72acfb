/**
 * lnconnect dials scripted hostile responders (test/helpers/hostile.ts): each
 * case asserts the exact 401 message (spec §4, one address so one fragment),
 * that lnconnect hung up (the responder saw its socket close), that it sent
 * nothing after a failed act (BOLT 8), that listPeers is empty, and that no
 * socket or timer is left behind. Timeouts are small (handshake+init 1 s).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNode } from '../../src/index.js';
import type { Node } from '../../src/node.js';
import { chainHashOf } from '../../src/bolt1/index.js';
import { ConnectError } from '../../src/types.js';
import { hostileResponder, VALID_INIT } from '../helpers/hostile.js';
import type { HostileKnobs, HostileResponder } from '../helpers/hostile.js';
import { handleCounts, leakedSince, settle } from '../helpers/resources.js';
import type { HandleCounts } from '../helpers/resources.js';

const HANDSHAKE_MS = 1000;

let node: Node | null = null;
let hostile: HostileResponder | null = null;
let before: HandleCounts;

beforeEach(() => {
  before = handleCounts();
});

afterEach(async () => {
  await node?.close();
  await hostile?.close();
  node = null;
  hostile = null;
  expect(await leakedSince(before)).toEqual({});
});

async function dial(knobs: HostileKnobs): Promise<{ outcome: Awaited<ReturnType<typeof settle>>; h: HostileResponder; n: Node }> {
  hostile = await hostileResponder(knobs);
  node = await createNode({ network: 'regtest', handshakeTimeoutMs: HANDSHAKE_MS, connectTimeoutMs: 1000 });
  const outcome = await settle(node.connect(hostile.id, '127.0.0.1', hostile.port));
  return { outcome, h: hostile, n: node };
}

/** Asserts the exact 401, the hang-up, and an empty peer list. */
async function expectFragment(knobs: HostileKnobs, fragment: string): Promise<HostileResponder> {
  const { outcome, h, n } = await dial(knobs);
  expect(outcome.ok).toBe(false);
  const err = (outcome as { error: unknown }).error;
  expect(err).toBeInstanceOf(ConnectError);
  expect({ code: (err as ConnectError).code, message: (err as ConnectError).message }).toEqual({
    code: 401,
    message: `All addresses failed: 127.0.0.1:${h.port}: ${fragment}. `,
  });
  expect(h.conns).toHaveLength(1);
  await h.conns[0]!.closed; // lnconnect closed the socket (or it was closed by us and lnconnect noticed)
  expect(n.listPeers()).toEqual([]);
  return h;
}

describe('hostile responder: BOLT 8 handshake', () => {
  it('closes after act one', async () => {
    await expectFragment({ closeAfterActOne: true }, 'Cryptographic handshake: peer closed connection (wrong key?)');
  });

  it('never answers act one', async () => {
    await expectFragment({ silent: true }, 'Cryptographic handshake: Connection timed out');
  });

  it('act two just under the timeout: connects', async () => {
    const { outcome, h } = await dial({ actDelayMs: HANDSHAKE_MS / 2 });
    expect(outcome.ok).toBe(true);
    expect((outcome as { value: { id: string } }).value.id).toBe(h.id);
  });

  it('act two just over the timeout', async () => {
    const h = await expectFragment({ actDelayMs: HANDSHAKE_MS * 1.5 }, 'Cryptographic handshake: Connection timed out');
    expect(h.conns[0]!.received).toBe(50); // act one only
  });

  for (const corrupt of ['version', 'key', 'mac'] as const) {
    it(`bad ${corrupt === 'key' ? 'public key' : corrupt === 'mac' ? 'MAC' : 'version byte'} in act two: Protocol error, nothing sent after`, async () => {
      const h = await expectFragment({ corrupt }, 'Cryptographic handshake: Protocol error');
      expect(h.conns[0]!.received).toBe(50);
      expect(h.conns[0]!.receivedAfterHandshakeEnd).toBe(0);
    });
  }

  it('closes after act two', async () => {
    // Our act three completes the handshake on our side; the EOF then falls in the init exchange.
    await expectFragment({ closeAfterOurAct: true }, 'Exchanging init messages: peer closed connection');
  });
});

describe('hostile responder: BOLT 1 init', () => {
  it('no init', async () => {
    const h = await expectFragment({ after: { kind: 'nothing' } }, 'Exchanging init messages: Connection timed out');
    expect(h.conns[0]!.messages.map((m) => (m[0]! << 8) | m[1]!)).toEqual([16]); // we sent our init at once
  });

  it('error instead of init: its text in the fragment', async () => {
    await expectFragment({ after: { kind: 'error', text: 'go away, says the error' } }, 'Exchanging init messages: peer sent error: go away, says the error');
  });

  it('warning instead of init: its text in the fragment', async () => {
    await expectFragment({ after: { kind: 'warning', text: 'not today' } }, 'Exchanging init messages: peer sent error: not today');
  });

  it('an unknown even feature bit: Unsupported feature, and we warn before closing', async () => {
    const h = await expectFragment(
      { after: { kind: 'init', features: [1, 100], networks: [chainHashOf('regtest')] } },
      'Exchanging init messages: Unsupported feature 100',
    );
    const warning = h.conns[0]!.messages.find((m) => m[0] === 0 && m[1] === 1);
    expect(warning).toBeDefined();
    expect(Buffer.from(warning!.subarray(2 + 32 + 2)).toString()).toBe('Unsupported feature 100');
  });

  it('a wrong chain: No common network', async () => {
    await expectFragment({ after: { kind: 'init', features: [], networks: [chainHashOf('bitcoin')] } }, 'Exchanging init messages: No common network');
  });

  it('garbage after the handshake: Protocol error', async () => {
    await expectFragment({ after: { kind: 'garbage', bytes: new Uint8Array(40).fill(0xab) } }, 'Exchanging init messages: Protocol error');
  });

  it('a length header announcing more than 65535: Protocol error', async () => {
    await expectFragment({ after: { kind: 'oversize-header' } }, 'Exchanging init messages: Protocol error');
  });
});

describe('hostile responder: delivery', () => {
  it('every byte delivered one at a time: connects', async () => {
    const { outcome, h, n } = await dial({ byteAtATime: true, after: VALID_INIT });
    expect(outcome.ok).toBe(true);
    expect((outcome as { value: unknown }).value).toEqual({
      id: h.id,
      features: '',
      direction: 'out',
      address: { type: 'ipv4', address: '127.0.0.1', port: h.port },
    });
    expect(n.listPeers()).toEqual([expect.objectContaining({ id: h.id, connected: true })]);
  });
});
