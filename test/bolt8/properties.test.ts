/**
 * Property tests (fast-check) for BOLT 8, on both backends: random-key
 * handshakes agree; random message sequences survive random chunk splits
 * and several key rotations; any single flipped bit of any act or packet is
 * rejected with a typed Bolt8Error; a wrong node id fails act one.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CryptoBackend } from '../../src/crypto/index.js';
import type { TransportKeys } from '../../src/bolt8/index.js';
import { Bolt8Error, Decoder, Encryptor, initiator, localKeyFromSecret, responder } from '../../src/bolt8/index.js';
import { backendsUnderTest, expectBolt8Error, expectSameMessages } from './helpers.js';

/** A valid secp256k1 secret: non-zero and below the group order (first byte < 0xff suffices). */
const secretArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .filter((b) => (b[0] ?? 0xff) < 0xff && b.some((x) => x !== 0));

function handshake(crypto: CryptoBackend, s: { li: Uint8Array; lr: Uint8Array; ei?: Uint8Array; er?: Uint8Array }) {
  const iKey = localKeyFromSecret(crypto, s.li);
  const rKey = localKeyFromSecret(crypto, s.lr);
  const i = initiator({ crypto, localKey: iKey, remoteStatic: rKey.publicKey, ephemeralSecret: s.ei });
  const r = responder({ crypto, localKey: rKey, ephemeralSecret: s.er });
  const one = i.actOne();
  const two = r.processActOne(one.act);
  const three = one.next.processActTwo(two.act);
  const done = two.next.processActThree(three.act);
  return { iKey, rKey, one, two, three, done };
}

/** Feeds `bytes` to `decoder` in chunks whose sizes cycle through `cuts`, draining after each push. */
function feed(decoder: Decoder, bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const got: Uint8Array[] = [];
  let at = 0;
  let c = 0;
  while (at < bytes.length) {
    const size = cuts.length === 0 ? bytes.length : (cuts[c++ % cuts.length] ?? 1);
    decoder.push(bytes.subarray(at, Math.min(bytes.length, at + size)));
    at += size;
    for (let m = decoder.read(); m !== null; m = decoder.read()) got.push(m);
  }
  return got;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >>> 3] = (copy[bit >>> 3] ?? 0) ^ (1 << (bit & 7));
  return copy;
}

describe.each(backendsUnderTest().map((b) => [b.name, b] as const))('BOLT 8 properties (%s backend)', (_name, crypto) => {
  const slow = crypto.name === 'portable';
  const runs = (fast: number, portable: number) => ({ numRuns: slow ? portable : fast });

  it('handshakes between random keys agree on keys and on the initiator identity', () => {
    fc.assert(
      fc.property(secretArb, secretArb, secretArb, secretArb, (li, lr, ei, er) => {
        const { iKey, three, done } = handshake(crypto, { li, lr, ei, er });
        expect(done.remoteStatic).toEqual(iKey.publicKey);
        expect(done.keys.rk).toEqual(three.keys.sk);
        expect(done.keys.sk).toEqual(three.keys.rk);
        expect(done.keys.rck).toEqual(three.keys.sck);
        expect(done.keys.sck).toEqual(three.keys.rck);
        expect(three.keys.sk).not.toEqual(three.keys.rk);
      }),
      runs(40, 5),
    );
  });

  it('random message sequences round-trip across random chunk splits and several key rotations', () => {
    const keys = handshake(crypto, { li: crypto.randomSecret(), lr: crypto.randomSecret() });
    const messagesArb = fc.array(fc.uint8Array({ maxLength: 80 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        messagesArb,
        fc.integer({ min: 1100, max: 1700 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 12 }),
        (pattern, count, cuts) => {
          // Fresh directions from the same handshake keys each run.
          const enc = new Encryptor(crypto, keys.three.keys);
          const dec = new Decoder(crypto, keys.done.keys);
          const messages = Array.from({ length: count }, (_, i) => pattern[i % pattern.length] as Uint8Array);
          const got = feed(dec, concat(messages.map((m) => enc.encrypt(m))), cuts);
          expectSameMessages(got, messages);
          expect(dec.bytesNeeded()).toBe(18);
        },
      ),
      runs(25, 3),
    );
  });

  it('large payloads (up to 65535 bytes) round-trip across random chunk splits', () => {
    const keys = handshake(crypto, { li: crypto.randomSecret(), lr: crypto.randomSecret() });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 70000 }), { maxLength: 6 }),
        (sizes, cuts) => {
          const enc = new Encryptor(crypto, keys.three.keys);
          const dec = new Decoder(crypto, keys.done.keys);
          const messages = sizes.map((n, k) => new Uint8Array(n).fill(k + 1));
          const got = feed(dec, concat(messages.map((m) => enc.encrypt(m))), cuts);
          expectSameMessages(got, messages);
        },
      ),
      runs(20, 4),
    );
  });

  it('flipping any single bit of act one, two or three is rejected with the typed error of that act', () => {
    const li = crypto.randomSecret();
    const lr = crypto.randomSecret();
    const base = handshake(crypto, { li, lr });
    const rKey = base.rKey;
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3), fc.nat(), (act, n) => {
        const fresh = () => handshake(crypto, { li, lr });
        const expectTyped = (fn: () => unknown, stage: Bolt8Error['stage']) => {
          let err: unknown;
          try {
            fn();
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(Bolt8Error);
          expect((err as Bolt8Error).stage).toBe(stage);
          expect(['bad version', 'bad public key', 'bad MAC']).toContain((err as Bolt8Error).reason);
        };
        if (act === 1) {
          const one = initiator({ crypto, localKey: base.iKey, remoteStatic: rKey.publicKey }).actOne();
          const bit = n % (one.act.length * 8);
          expectTyped(() => responder({ crypto, localKey: rKey }).processActOne(flip(one.act, bit)), 'act1');
        } else if (act === 2) {
          const one = initiator({ crypto, localKey: base.iKey, remoteStatic: rKey.publicKey }).actOne();
          const two = responder({ crypto, localKey: rKey }).processActOne(one.act);
          const bit = n % (two.act.length * 8);
          expectTyped(() => one.next.processActTwo(flip(two.act, bit)), 'act2');
        } else {
          const f = fresh();
          // Re-run with a fresh responder state: act three is checked against the act-two state.
          const one = initiator({ crypto, localKey: f.iKey, remoteStatic: rKey.publicKey }).actOne();
          const two = responder({ crypto, localKey: rKey }).processActOne(one.act);
          const three = one.next.processActTwo(two.act);
          const bit = n % (three.act.length * 8);
          expectTyped(() => two.next.processActThree(flip(three.act, bit)), 'act3');
        }
      }),
      runs(150, 12),
    );
  });

  it('flipping any single bit of an encrypted message is rejected with transport: bad MAC', () => {
    const keys = handshake(crypto, { li: crypto.randomSecret(), lr: crypto.randomSecret() });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(3), fc.nat(), (payload, before, n) => {
        const enc = new Encryptor(crypto, keys.three.keys);
        const dec = new Decoder(crypto, keys.done.keys);
        for (let i = 0; i < before; i++) {
          dec.push(enc.encrypt(payload));
          expect(dec.read()).toEqual(payload);
        }
        const packet = enc.encrypt(payload);
        dec.push(flip(packet, n % (packet.length * 8)));
        expectBolt8Error(() => dec.read(), 'transport', 'bad MAC');
        // The decoder stays dead.
        expectBolt8Error(() => dec.read(), 'transport', 'bad MAC');
      }),
      runs(300, 60),
    );
  });

  it('a wrong remote node id fails act one on the responder (act1: bad MAC)', () => {
    fc.assert(
      fc.property(secretArb, secretArb, secretArb, (li, lr, other) => {
        fc.pre(!lr.every((x, i) => x === other[i]));
        const rKey = localKeyFromSecret(crypto, lr);
        const wrong = crypto.publicKey(other);
        const one = initiator({ crypto, localKey: localKeyFromSecret(crypto, li), remoteStatic: wrong }).actOne();
        expectBolt8Error(() => responder({ crypto, localKey: rKey }).processActOne(one.act), 'act1', 'bad MAC');
      }),
      runs(30, 4),
    );
  });
});

describe('every single bit of every act (exhaustive, first backend)', () => {
  const crypto = backendsUnderTest()[0] as CryptoBackend;
  it('rejects each of the 400 + 400 + 528 one-bit corruptions with the act stage', () => {
    const keys = { li: crypto.randomSecret(), lr: crypto.randomSecret(), ei: crypto.randomSecret(), er: crypto.randomSecret() };
    const base = handshake(crypto, keys);
    const stages: string[] = [];
    const typed = (fn: () => unknown): void => {
      try {
        fn();
        stages.push('accepted');
      } catch (e) {
        stages.push(e instanceof Bolt8Error ? e.stage : 'untyped');
      }
    };
    const start = () => {
      const i = initiator({ crypto, localKey: base.iKey, remoteStatic: base.rKey.publicKey, ephemeralSecret: keys.ei });
      const r = responder({ crypto, localKey: base.rKey, ephemeralSecret: keys.er });
      return { i, r };
    };
    for (let bit = 0; bit < 400; bit++) typed(() => start().r.processActOne(flip(base.one.act, bit)));
    for (let bit = 0; bit < 400; bit++) typed(() => start().i.actOne().next.processActTwo(flip(base.two.act, bit)));
    for (let bit = 0; bit < 528; bit++) {
      const { r } = start();
      const next = r.processActOne(base.one.act).next;
      typed(() => next.processActThree(flip(base.three.act, bit)));
    }
    const expected = [...Array<string>(400).fill('act1'), ...Array<string>(400).fill('act2'), ...Array<string>(528).fill('act3')];
    expect(stages).toEqual(expected);
  });
});

export type { TransportKeys };
