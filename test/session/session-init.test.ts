/**
 * The BOLT 1 init exchange through the session (spec §8): our init's
 * content, the peer's init accepted (features, remote_addr), init and more
 * messages in the same chunk as act three, unknown odd messages skipped
 * before init, and every rejection: wrong chain and unsupported or
 * dependent features (with the warning written, decrypted here by the peer),
 * an error/warning instead of init, another message first, a malformed init.
 */
import { describe, expect, it } from 'vitest';
import {
  chainHashOf,
  decodeInit,
  DEFAULT_FEATURES,
  encodeError,
  encodePing,
  encodePong,
  encodeWarning,
  featuresFromBits,
  globalFeaturesFor,
  orFeatures,
  toHex,
  withFeatures,
} from '../../src/bolt1/index.js';
import type { SessionOutput } from '../../src/session/index.js';
import {
  CHAIN,
  decryptAll,
  encryptAll,
  expectWarning,
  flipped,
  initiatorHandshake,
  ipv4,
  NOTHING,
  peerInit,
  rawMessage,
  responderHandshake,
} from './helpers.js';

const ROLES = ['initiator', 'responder'] as const;

/** The session in `role` just past the handshake; `receive` hands it the peer's encrypted messages. */
function atInit(role: (typeof ROLES)[number]) {
  const h = role === 'initiator' ? initiatorHandshake() : responderHandshake();
  expect(h.session.phase).toBe('init');
  return { ...h, receive: (...m: Uint8Array[]): SessionOutput => h.session.receive(encryptAll(h.peer, ...m), 1000) };
}

describe('our init', () => {
  it('carries our features, the legacy globalfeatures, our chain, and no remote_addr by default', () => {
    for (const h of [initiatorHandshake(), responderHandshake()]) {
      expect(h.sent).toHaveLength(1);
      const init = decodeInit(h.sent[0] ?? new Uint8Array(0));
      expect(toHex(init.features)).toBe(toHex(DEFAULT_FEATURES));
      expect(toHex(init.globalfeatures)).toBe(toHex(globalFeaturesFor(DEFAULT_FEATURES)));
      expect(toHex(init.globalfeatures)).toBe('1100');
      expect(init.networks?.map(toHex)).toEqual([toHex(CHAIN)]);
      expect(init.remoteAddr).toBeUndefined();
    }
  });

  it('tells an inbound peer its address as we see it (TLV 3 remote_addr)', () => {
    const h = responderHandshake(undefined, { remoteWire: ipv4('198.51.100.7', 50123) });
    expect(decodeInit(h.sent[0] ?? new Uint8Array(0)).remoteAddr).toEqual(ipv4('198.51.100.7', 50123));
  });
});

for (const role of ROLES) {
  describe(`init from the peer (session as ${role})`, () => {
    it('a valid init → init.accepted with their features, phase established, nothing written', () => {
      const s = atInit(role);
      const out = s.receive(peerInit());
      expect(out).toEqual({ write: null, facts: [{ type: 'init.accepted', features: toHex(DEFAULT_FEATURES), remoteAddr: null }] });
      expect(s.session.phase).toBe('established');
    });

    it('features are their features OR globalfeatures', () => {
      const s = atInit(role);
      const gf = featuresFromBits([9, 13]);
      const out = s.receive(peerInit({ globalfeatures: gf }));
      expect(out.facts).toEqual([
        { type: 'init.accepted', features: toHex(orFeatures(DEFAULT_FEATURES, gf)), remoteAddr: null },
      ]);
    });

    const addrs = [
      { addr: ipv4('203.0.113.5', 9735), want: '203.0.113.5:9735' },
      { addr: { type: 'ipv6', address: '2001:db8::1', port: 19735 } as const, want: '[2001:db8::1]:19735' },
      { addr: ipv4('203.0.113.5', 0), want: null },
      { addr: { type: 'torv3', address: `${'a'.repeat(56)}.onion`, port: 9735 } as const, want: null },
    ];
    for (const { addr, want } of addrs) {
      it(`remote_addr ${addr.type} ${addr.address}:${addr.port} → ${String(want)}`, () => {
        const s = atInit(role);
        const out = s.receive(peerInit({ remoteAddr: addr }));
        expect(out.facts).toEqual([{ type: 'init.accepted', features: toHex(DEFAULT_FEATURES), remoteAddr: want }]);
      });
    }

    it('unknown odd messages before init are skipped (no fact, no write), in their own chunk or with the init', () => {
      const s = atInit(role);
      expect(s.receive(rawMessage(0x8001, 'abcd'))).toEqual(NOTHING);
      expect(s.session.phase).toBe('init');
      const out = s.receive(rawMessage(33, ''), rawMessage(0xffff, 'ff'), peerInit());
      expect(out.facts.map((f) => f.type)).toEqual(['init.accepted']);
      expect(out.write).toBeNull();
    });

    it('wrong chain → init.rejected "No common network", the warning written, closed', () => {
      const s = atInit(role);
      const out = s.receive(peerInit({ networks: [chainHashOf('testnet')] }));
      expect(out.facts).toEqual([{ type: 'init.rejected', reason: 'No common network' }]);
      const sent = decryptAll(s.peer, out.write);
      expect(sent).toHaveLength(1);
      expectWarning(sent[0], 'No common network');
      expect(s.session.phase).toBe('closed');
      expect(s.session.receive(s.peer.encrypt(peerInit()), 2000)).toEqual(NOTHING);
    });

    it('a peer listing several chains, ours among them, is accepted; no networks TLV at all too', () => {
      const a = atInit(role);
      expect(a.receive(peerInit({ networks: [chainHashOf('testnet'), CHAIN] })).facts[0]?.type).toBe('init.accepted');
      const b = atInit(role);
      expect(b.receive(peerInit({ networks: undefined })).facts[0]?.type).toBe('init.accepted');
    });

    const featureCases = [
      { name: 'an unknown even feature', over: { features: withFeatures(DEFAULT_FEATURES, { add: [100] }) }, text: 'Unsupported feature 100' },
      { name: 'an even feature we do not offer', over: { features: withFeatures(DEFAULT_FEATURES, { add: [22] }) }, text: 'Unsupported feature 22' },
      { name: 'an even bit in globalfeatures', over: { globalfeatures: featuresFromBits([10]) }, text: 'Unsupported feature 10' },
      { name: 'a missing dependency', over: { features: featuresFromBits([17]) }, text: 'Feature 16 requires feature 14' },
    ];
    for (const c of featureCases) {
      it(`${c.name} → init.rejected "${c.text}" with that warning`, () => {
        const s = atInit(role);
        const out = s.receive(peerInit(c.over));
        expect(out.facts).toEqual([{ type: 'init.rejected', reason: c.text }]);
        const sent = decryptAll(s.peer, out.write);
        expect(sent).toHaveLength(1);
        expectWarning(sent[0], c.text);
        expect(s.session.phase).toBe('closed');
      });
    }

    it('unknown odd features are ignored', () => {
      const s = atInit(role);
      const out = s.receive(peerInit({ features: withFeatures(DEFAULT_FEATURES, { add: [101] }) }));
      expect(out.facts[0]?.type).toBe('init.accepted');
    });

    it('an error before init → init.rejected "peer sent error: <text>", nothing written', () => {
      const s = atInit(role);
      const out = s.receive(encodeError({ data: 'go away' }));
      expect(out).toEqual({ write: null, facts: [{ type: 'init.rejected', reason: 'peer sent error: go away' }] });
      expect(s.session.phase).toBe('closed');
    });

    it('a warning before init, and non-printable error data (shown as hex), are rejected the same way', () => {
      const a = atInit(role);
      expect(a.receive(encodeWarning({ data: 'busy' })).facts).toEqual([{ type: 'init.rejected', reason: 'peer sent error: busy' }]);
      const b = atInit(role);
      expect(b.receive(encodeError({ data: Uint8Array.of(0, 1, 0xff) })).facts).toEqual([
        { type: 'init.rejected', reason: 'peer sent error: 0001ff' },
      ]);
    });

    for (const [name, first, type] of [
      ['ping', encodePing({ numPongBytes: 1 }), 18],
      ['pong', encodePong({ byteslen: 0 }), 19],
      ['an unknown even message', rawMessage(100, '00'), 100],
    ] as const) {
      it(`${name} first → init.rejected "expected init, got message type ${type}", no reply, the init after it ignored`, () => {
        const s = atInit(role);
        const out = s.receive(first, peerInit());
        expect(out).toEqual({ write: null, facts: [{ type: 'init.rejected', reason: `expected init, got message type ${type}` }] });
        expect(s.session.phase).toBe('closed');
      });
    }

    it('a malformed init → init.rejected "invalid init: …"', () => {
      const s = atInit(role);
      const out = s.receive(rawMessage(16, '0005aa'));
      expect(out.write).toBeNull();
      expect(out.facts).toHaveLength(1);
      expect(out.facts[0]).toMatchObject({ type: 'init.rejected' });
      expect((out.facts[0] as { reason: string }).reason).toMatch(/^invalid init: /);
    });

    it('a message too short to have a type → init.rejected Protocol error', () => {
      const s = atInit(role);
      expect(s.receive(Uint8Array.of(0x10)).facts).toEqual([{ type: 'init.rejected', reason: 'Protocol error' }]);
    });

    it('a corrupted frame during init → transport.failed Protocol error', () => {
      const s = atInit(role);
      const good = s.peer.encrypt(peerInit());
      const frame = flipped(good, good.length - 1);
      expect(s.session.receive(frame, 0)).toEqual({ write: null, facts: [{ type: 'transport.failed', reason: 'Protocol error' }] });
      expect(s.session.phase).toBe('closed');
    });

    it('send() before the init verdict throws; warning() already works', () => {
      const s = atInit(role);
      expect(() => s.session.send(rawMessage(0x8001))).toThrow('not established');
      const w = s.session.warning('too early');
      expectWarning(decryptAll(s.peer, w)[0], 'too early');
    });
  });
}

describe('init in the same chunk as act three (responder)', () => {
  it('act three + init + more messages: every byte after act three is transport, one write with init and replies', () => {
    const h = responderHandshake(
      (peer) => encryptAll(peer, rawMessage(0x8001, '01'), peerInit(), encodePing({ numPongBytes: 3 }), rawMessage(0x8003, '02')),
      {},
      42,
    );
    expect(h.out.facts.map((f) => f.type)).toEqual(['act3.received', 'init.accepted', 'message', 'message']);
    expect(h.out.facts[2]).toEqual({ type: 'message', message: encodePing({ numPongBytes: 3 }) });
    expect(h.out.facts[3]).toEqual({ type: 'message', message: rawMessage(0x8003, '02') });
    // One write: our init, then the pong.
    expect(h.sent).toHaveLength(2);
    expect(toHex(h.sent[1] ?? new Uint8Array(0))).toBe(toHex(encodePong({ byteslen: 3 })));
    expect(decodeInit(h.sent[0] ?? new Uint8Array(0)).networks?.map(toHex)).toEqual([toHex(CHAIN)]);
    expect(h.session.phase).toBe('established');
  });

  it('act three + a rejected init: one write holding our init and the warning', () => {
    const h = responderHandshake((peer) => peer.encrypt(peerInit({ networks: [chainHashOf('regtest')] })));
    expect(h.out.facts).toEqual([
      { type: 'act3.received', remoteId: expect.any(String) as string },
      { type: 'init.rejected', reason: 'No common network' },
    ]);
    expect(h.sent).toHaveLength(2);
    expect(decodeInit(h.sent[0] ?? new Uint8Array(0)).features).toEqual(DEFAULT_FEATURES);
    expectWarning(h.sent[1], 'No common network');
  });

  it('act three + a partial init frame: accepted once the rest arrives', () => {
    let frame: Uint8Array = new Uint8Array(0);
    const h = responderHandshake((peer) => {
      frame = peer.encrypt(peerInit());
      return frame.subarray(0, 30);
    });
    expect(h.out.facts.map((f) => f.type)).toEqual(['act3.received']);
    const out = h.session.receive(frame.subarray(30), 7);
    expect(out.facts.map((f) => f.type)).toEqual(['init.accepted']);
  });
});
