/**
 * The responder's cached handshake start (src/bolt8/symmetric.ts): h and ck
 * after the protocol name, the prologue and its own static key, computed once
 * per LocalKey. Responders sharing one key must stay independent and correct,
 * and no handshake may write into the cached arrays.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LocalKey } from '../../src/bolt8/index.js';
import { initiator, localKeyFromSecret, responder } from '../../src/bolt8/index.js';
import { handshakeStart, responderStart } from '../../src/bolt8/symmetric.js';
import { backendsUnderTest, expectBolt8Error, hex, toHex } from './helpers.js';
import * as V from './vectors.js';

/** The initialization computed independently with node:crypto. */
function referenceStart(responderStatic: string): { ck: string; h: string } {
  const sha = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
  const ck = sha(Buffer.from('Noise_XK_secp256k1_ChaChaPoly_SHA256'));
  const h = sha(sha(ck, Buffer.from('lightning')), hex(responderStatic));
  return { ck: ck.toString('hex'), h: h.toString('hex') };
}

describe.each(backendsUnderTest().map((b) => [b.name, b] as const))('responder handshake start cache (%s backend)', (_name, crypto) => {
  it('is the BOLT 8 initialization for the key, computed once per LocalKey', () => {
    const key = localKeyFromSecret(crypto, hex(V.RESPONDER.lsPriv));
    const first = responderStart(crypto, key);
    expect({ ck: toHex(first.ck), h: toHex(first.h) }).toEqual(referenceStart(V.RESPONDER.lsPub));
    expect(responderStart(crypto, key)).toBe(first);
    const initiatorView = handshakeStart(crypto, hex(V.INITIATOR.rsPub));
    expect({ ck: toHex(initiatorView.ck), h: toHex(initiatorView.h) }).toEqual(referenceStart(V.RESPONDER.lsPub));
  });

  it('responders sharing one key give the Appendix A handshake every time, failures in between', () => {
    const key = localKeyFromSecret(crypto, hex(V.RESPONDER.lsPriv));
    const start = responderStart(crypto, key);
    const before = { ck: toHex(start.ck), h: toHex(start.h) };
    for (let round = 0; round < 3; round++) {
      const r = responder({ crypto, localKey: key, ephemeralSecret: hex(V.RESPONDER.ePriv) });
      const two = r.processActOne(hex(V.ACT_ONE));
      expect(toHex(two.act)).toBe(V.ACT_TWO);
      const done = two.next.processActThree(hex(V.ACT_THREE));
      expect(toHex(done.remoteStatic)).toBe(V.INITIATOR.lsPub);
      expect([toHex(done.keys.rk), toHex(done.keys.sk), toHex(done.keys.sck)]).toEqual([V.SK, V.RK, V.CK]);
      // A responder that fails part way must not disturb the next one.
      const bad = hex(V.ACT_ONE);
      bad[49] = (bad[49] ?? 0) ^ 1;
      expectBolt8Error(() => responder({ crypto, localKey: key }).processActOne(bad), 'act1', 'bad MAC');
    }
    // No handshake wrote into the shared arrays.
    expect(responderStart(crypto, key)).toBe(start);
    expect({ ck: toHex(start.ck), h: toHex(start.h) }).toEqual(before);
  });

  it('interleaved inbound handshakes on one key are independent', () => {
    const rKey = localKeyFromSecret(crypto, crypto.randomSecret());
    const dials = [0, 1, 2].map(() => {
      const iKey = localKeyFromSecret(crypto, crypto.randomSecret());
      return { iKey, one: initiator({ crypto, localKey: iKey, remoteStatic: rKey.publicKey }).actOne() };
    });
    const twos = dials.map((d) => responder({ crypto, localKey: rKey }).processActOne(d.one.act));
    const threes = dials.map((d, i) => d.one.next.processActTwo((twos[i] as (typeof twos)[number]).act));
    // Finish in reverse order.
    for (let i = dials.length - 1; i >= 0; i--) {
      const d = dials[i] as (typeof dials)[number];
      const three = threes[i] as (typeof threes)[number];
      const done = (twos[i] as (typeof twos)[number]).next.processActThree(three.act);
      expect(toHex(done.remoteStatic)).toBe(toHex(d.iKey.publicKey));
      expect([toHex(done.keys.sk), toHex(done.keys.rk)]).toEqual([toHex(three.keys.rk), toHex(three.keys.sk)]);
    }
    const sks = threes.map((t) => toHex(t.keys.sk));
    expect(new Set(sks).size).toBe(sks.length);
  });

  it('a LocalKey whose public key bytes change is not served a stale start', () => {
    const real = localKeyFromSecret(crypto, hex(V.RESPONDER.lsPriv));
    const publicKey = real.publicKey.slice();
    const key: LocalKey = { publicKey, ecdh: (p) => real.ecdh(p) };
    expect(toHex(responderStart(crypto, key).h)).toBe(referenceStart(V.RESPONDER.lsPub).h);
    publicKey.set(hex(V.INITIATOR.lsPub));
    expect(toHex(responderStart(crypto, key).h)).toBe(referenceStart(V.INITIATOR.lsPub).h);
  });
});
