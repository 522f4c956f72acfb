/**
 * The session's BOLT 8 handshake (src/session/session.ts) against Appendix A
 * ("Transport Test Vectors") in both roles, on both crypto backends: the
 * exact act bytes with the injected ephemerals, any chunking, one write per
 * input (act three and our init together; act two alone, then our init), the
 * transport keys of the vectors, every act failure vector, and a peer that
 * claims our own node id.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, DEFAULT_FEATURES, encodeInit, fromHex, globalFeaturesFor, toHex } from '../../src/bolt1/index.js';
import { Transport } from '../../src/bolt8/index.js';
import type { CryptoBackend } from '../../src/crypto/index.js';
import { REASON_PROTOCOL, Session } from '../../src/session/index.js';
import type { SessionOutput } from '../../src/session/index.js';
import { backendsUnderTest } from '../bolt8/helpers.js';
import * as V from '../bolt8/vectors.js';
import {
  CHAIN,
  chunks,
  decryptAll,
  factsOf,
  factTypes,
  feed,
  initiatorHandshake,
  NOTHING,
  peerInit,
  responderHandshake,
  responderKey,
  sessionOptions,
  writesOf,
} from './helpers.js';

/** Our init as every session here sends it (no remote_addr). */
const OUR_INIT = toHex(encodeInit({ globalfeatures: globalFeaturesFor(DEFAULT_FEATURES), features: DEFAULT_FEATURES, networks: [CHAIN] }));

/** Appendix A transport keys as each side holds them (initiator: sk = SK, rk = RK). */
function vectorTransport(c: CryptoBackend, side: 'initiator' | 'responder'): Transport {
  const [sk, rk] = side === 'initiator' ? [V.SK, V.RK] : [V.RK, V.SK];
  return new Transport(c, { sk: fromHex(sk), rk: fromHex(rk), sck: fromHex(V.CK), rck: fromHex(V.CK) });
}

/** After a failure: closed, and nothing more comes out of any entry point. */
function expectDead(s: Session): void {
  expect(s.phase).toBe('closed');
  expect(s.receive(fromHex(V.ACT_ONE), 1)).toEqual(NOTHING);
  expect(s.receive(fromHex(V.ACT_TWO), 2)).toEqual(NOTHING);
  expect(s.tick(10_000_000)).toEqual(NOTHING);
  expect(s.start()).toEqual(NOTHING);
  expect(s.warning('x')).toBeNull();
  expect(() => s.send(Uint8Array.of(0, 1))).toThrow('not established');
}

const SIZES = [1, 7, 50, Infinity] as const;
const label = (n: number): string => (n === Infinity ? 'all at once' : `${n}-byte chunks`);

for (const c of backendsUnderTest()) {
  describe(`session handshake, Appendix A (${c.name} backend)`, () => {
    const initiator = (): Session => new Session(sessionOptions('initiator', { crypto: c }));
    const responder = (): Session => new Session(sessionOptions('responder', { crypto: c }));

    it('initiator: start() writes exactly act one of the vectors, no facts', () => {
      const s = initiator();
      const out = s.start();
      expect(out.facts).toEqual([]);
      expect(toHex(out.write ?? new Uint8Array(0))).toBe(V.ACT_ONE);
      expect(s.phase).toBe('handshake');
      expect(s.start()).toEqual(NOTHING); // act one goes out once
    });

    it('responder: start() writes nothing; it waits for act one', () => {
      const s = responder();
      expect(s.start()).toEqual(NOTHING);
      expect(s.phase).toBe('handshake');
    });

    for (const size of SIZES) {
      it(`initiator, act two in ${label(size)}: act three + our init in ONE write, keys of the vectors`, () => {
        const s = initiator();
        s.start();
        const outs = feed(s, chunks(fromHex(V.ACT_TWO), size === Infinity ? 50 : size));
        // Nothing until the 50th byte.
        for (const o of outs.slice(0, -1)) expect(o).toEqual(NOTHING);
        const writes = writesOf(outs);
        expect(writes).toHaveLength(1);
        const w = writes[0] ?? new Uint8Array(0);
        expect(toHex(w.subarray(0, 66))).toBe(V.ACT_THREE);
        // The rest is our init, encrypted with the initiator's sk of Appendix A.
        expect(decryptAll(vectorTransport(c, 'responder'), w.subarray(66)).map(toHex)).toEqual([OUR_INIT]);
        expect(factsOf(outs)).toEqual([{ type: 'act2.received', remoteId: V.RESPONDER.lsPub }]);
        expect(s.phase).toBe('init');
      });

      it(`responder, act one then act three in ${label(size)}: act two is one write, our init one write after act three`, () => {
        const s = responder();
        const act1 = size === Infinity ? [fromHex(V.ACT_ONE)] : chunks(fromHex(V.ACT_ONE), size);
        const act3 = size === Infinity ? [fromHex(V.ACT_THREE)] : chunks(fromHex(V.ACT_THREE), size);
        const o1 = feed(s, act1);
        expect(writesOf(o1).map(toHex)).toEqual([V.ACT_TWO]);
        expect(o1.at(-1)).toEqual({ write: fromHex(V.ACT_TWO), facts: [{ type: 'act1.received' }] });
        expect(s.phase).toBe('handshake');
        const o3 = feed(s, act3);
        for (const o of o3.slice(0, -1)) expect(o).toEqual(NOTHING);
        const last = o3.at(-1) as SessionOutput;
        expect(last.facts).toEqual([{ type: 'act3.received', remoteId: V.INITIATOR.lsPub }]);
        expect(decryptAll(vectorTransport(c, 'initiator'), last.write).map(toHex)).toEqual([OUR_INIT]);
        expect(s.phase).toBe('init');
      });
    }

    for (const size of [1, 7, 50]) {
      it(`responder, both acts as one stream in ${size}-byte chunks (act three starts inside act one's last chunk)`, () => {
        const s = responder();
        const outs = feed(s, chunks(fromHex(V.ACT_ONE + V.ACT_THREE), size));
        const writes = writesOf(outs);
        expect(writes).toHaveLength(2);
        expect(toHex(writes[0] ?? new Uint8Array(0))).toBe(V.ACT_TWO);
        expect(decryptAll(vectorTransport(c, 'initiator'), writes[1] ?? null).map(toHex)).toEqual([OUR_INIT]);
        expect(factTypes(outs)).toEqual(['act1.received', 'act3.received']);
      });
    }

    it('responder, act one and act three in one chunk: one write holding act two and our init', () => {
      const s = responder();
      const out = s.receive(fromHex(V.ACT_ONE + V.ACT_THREE), 0);
      expect(out.facts).toEqual([{ type: 'act1.received' }, { type: 'act3.received', remoteId: V.INITIATOR.lsPub }]);
      const w = out.write ?? new Uint8Array(0);
      expect(toHex(w.subarray(0, 50))).toBe(V.ACT_TWO);
      expect(decryptAll(vectorTransport(c, 'initiator'), w.subarray(50)).map(toHex)).toEqual([OUR_INIT]);
    });

    it("initiator, act two and the responder's init in one chunk: the bytes after act two are transport", () => {
      const s = initiator();
      s.start();
      const theirs = vectorTransport(c, 'responder');
      const out = s.receive(concatBytes(fromHex(V.ACT_TWO), theirs.encrypt(peerInit())), 5);
      expect(out.facts.map((f) => f.type)).toEqual(['act2.received', 'init.accepted']);
      expect(toHex((out.write ?? new Uint8Array(0)).subarray(0, 66))).toBe(V.ACT_THREE);
      expect(s.phase).toBe('established');
    });

    describe('every act failure vector → handshake.failed, Protocol error, closed', () => {
      for (const f of V.INITIATOR_FAILURES.filter((x) => x.reason !== 'short input')) {
        it(`initiator: ${f.name} (${f.specError})`, () => {
          const s = initiator();
          s.start();
          const out = s.receive(fromHex(f.input), 0);
          expect(out).toEqual({
            write: null,
            facts: [{ type: 'handshake.failed', reason: REASON_PROTOCOL, detail: `${f.stage}: ${f.reason}` }],
          });
          expect(REASON_PROTOCOL).toBe('Protocol error');
          expectDead(s);
        });
      }
      for (const f of V.RESPONDER_ACT_ONE_FAILURES.filter((x) => x.reason !== 'short input')) {
        it(`responder: ${f.name} (${f.specError}), in 7-byte chunks`, () => {
          const s = responder();
          const outs = feed(s, chunks(fromHex(f.input), 7));
          for (const o of outs.slice(0, -1)) expect(o).toEqual(NOTHING);
          expect(outs.at(-1)).toEqual({
            write: null,
            facts: [{ type: 'handshake.failed', reason: 'Protocol error', detail: `${f.stage}: ${f.reason}` }],
          });
          expectDead(s);
        });
      }
      for (const f of V.RESPONDER_ACT_THREE_FAILURES.filter((x) => x.reason !== 'short input')) {
        it(`responder: ${f.name} (${f.specError})`, () => {
          const s = responder();
          expect(s.receive(fromHex(V.ACT_ONE), 0).write).toEqual(fromHex(V.ACT_TWO));
          // A valid init after the bad act three in the same chunk is never looked at.
          const out = s.receive(concatBytes(fromHex(f.input), vectorTransport(c, 'initiator').encrypt(peerInit())), 0);
          expect(out).toEqual({
            write: null,
            facts: [{ type: 'handshake.failed', reason: 'Protocol error', detail: `${f.stage}: ${f.reason}` }],
          });
          expectDead(s);
        });
      }

      it('a bad act one followed by more bytes in the same chunk reports one failure and writes nothing', () => {
        const s = responder();
        const bad = V.RESPONDER_ACT_ONE_FAILURES.find((x) => x.reason === 'bad MAC');
        const out = s.receive(fromHex((bad?.input ?? '') + V.ACT_THREE), 0);
        expect(out.write).toBeNull();
        expect(out.facts.map((f) => f.type)).toEqual(['handshake.failed']);
      });
    });

    it('a short act (the short-read vectors) waits for the rest instead of failing', () => {
      const s = initiator();
      s.start();
      const short = V.INITIATOR_FAILURES.find((x) => x.reason === 'short input');
      expect(s.receive(fromHex(short?.input ?? ''), 0)).toEqual(NOTHING);
      expect(s.phase).toBe('handshake');
      const out = s.receive(fromHex(V.ACT_TWO.slice(-2)), 0);
      expect(out.facts).toEqual([{ type: 'act2.received', remoteId: V.RESPONDER.lsPub }]);

      const r = responder();
      const short1 = V.RESPONDER_ACT_ONE_FAILURES.find((x) => x.reason === 'short input');
      expect(r.receive(fromHex(short1?.input ?? ''), 0)).toEqual(NOTHING);
      r.receive(fromHex(V.ACT_ONE.slice(-2)), 0);
      const short3 = V.RESPONDER_ACT_THREE_FAILURES.find((x) => x.reason === 'short input');
      expect(r.receive(fromHex(short3?.input ?? ''), 0)).toEqual(NOTHING);
      expect(r.receive(fromHex(V.ACT_THREE.slice(-2)), 0).facts).toEqual([{ type: 'act3.received', remoteId: V.INITIATOR.lsPub }]);
    });
  });
}

describe('session handshake: peers and misuse', () => {
  it('the responder refuses a peer that claims our own node id (and sends no init)', () => {
    const h = responderHandshake(() => new Uint8Array(0), { peerKey: responderKey() });
    expect(h.out.write).toBeNull();
    expect(h.out.facts).toHaveLength(1);
    expect(h.out.facts[0]).toMatchObject({ type: 'handshake.failed', reason: 'Protocol error' });
    expect(JSON.stringify(h.out.facts[0])).toContain('own node id');
    expect(h.session.phase).toBe('closed');
    expect(h.session.receive(h.peer.encrypt(peerInit()), 1)).toEqual(NOTHING);
  });

  it('garbage right after act two (before act three is even sent) fails the transport', () => {
    const s = new Session(sessionOptions('initiator'));
    s.start();
    const out = s.receive(concatBytes(fromHex(V.ACT_TWO), new Uint8Array(18)), 0);
    expect(out.facts).toEqual([
      { type: 'act2.received', remoteId: V.RESPONDER.lsPub },
      { type: 'transport.failed', reason: 'Protocol error' },
    ]);
    expect(s.phase).toBe('closed');
  });

  it('without an injected ephemeral each initiator draws a fresh one, and the handshake still completes', () => {
    const a = new Session(sessionOptions('initiator', { ephemeralSecret: undefined })).start().write;
    const b = new Session(sessionOptions('initiator', { ephemeralSecret: undefined })).start().write;
    expect(a).toHaveLength(50);
    expect(toHex(a ?? new Uint8Array(0))).not.toBe(V.ACT_ONE);
    expect(toHex(a ?? new Uint8Array(0))).not.toBe(toHex(b ?? new Uint8Array(0)));
    const h = initiatorHandshake({ ephemeralSecret: undefined });
    expect(h.out.facts).toEqual([{ type: 'act2.received', remoteId: V.RESPONDER.lsPub }]);
    expect(h.sent.map(toHex)).toEqual([OUR_INIT]);
  });

  it('the responder, handshaken by a genuine src/bolt8 initiator, sends exactly one init', () => {
    const h = responderHandshake();
    expect(h.out.facts).toEqual([{ type: 'act3.received', remoteId: V.INITIATOR.lsPub }]);
    expect(h.sent.map(toHex)).toEqual([OUR_INIT]);
    expect(h.session.phase).toBe('init');
  });
});

describe('session handshake: a node id that is not a point', () => {
  it('start() reports handshake.failed with the reason, writes nothing, and closes', () => {
    const bad = fromHex(`02${'ff'.repeat(32)}`); // x ≥ p: not on the curve
    const s = new Session(sessionOptions('initiator', { remoteStatic: bad }));
    const out = s.start();
    expect(out.write).toBeNull();
    expect(out.facts).toHaveLength(1);
    expect(out.facts[0]).toMatchObject({ type: 'handshake.failed', detail: expect.stringContaining('remoteStatic') as string });
    expect(s.phase).toBe('closed');
  });
});
