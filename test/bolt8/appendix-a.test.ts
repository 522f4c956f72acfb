/**
 * BOLT 8 Appendix A, every case, against both crypto backends: initiator
 * success and failures, responder success and failures, and the
 * message-encryption outputs 0, 1, 500, 501, 1000, 1001 (two key rotations).
 */
import { describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../../src/crypto/index.js';
import { initiator, localKeyFromSecret, responder, Transport } from '../../src/bolt8/index.js';
import type { TransportKeys } from '../../src/bolt8/index.js';
import { backendsUnderTest, expectBolt8Error, hex, toHex } from './helpers.js';
import * as V from './vectors.js';

function vectorInitiator(crypto: CryptoBackend) {
  return initiator({
    crypto,
    localKey: localKeyFromSecret(crypto, hex(V.INITIATOR.lsPriv)),
    remoteStatic: hex(V.INITIATOR.rsPub),
    ephemeralSecret: hex(V.INITIATOR.ePriv),
  });
}

function vectorResponder(crypto: CryptoBackend) {
  return responder({
    crypto,
    localKey: localKeyFromSecret(crypto, hex(V.RESPONDER.lsPriv)),
    ephemeralSecret: hex(V.RESPONDER.ePriv),
  });
}

describe.each(backendsUnderTest().map((b) => [b.name, b] as const))('BOLT 8 Appendix A (%s backend)', (_name, crypto) => {
  describe('Initiator Tests', () => {
    it('transport-initiator successful handshake', () => {
      expect(toHex(localKeyFromSecret(crypto, hex(V.INITIATOR.lsPriv)).publicKey)).toBe(V.INITIATOR.lsPub);
      expect(toHex(crypto.publicKey(hex(V.INITIATOR.ePriv)))).toBe(V.INITIATOR.ePub);
      const one = vectorInitiator(crypto).actOne();
      expect(toHex(one.act)).toBe(V.ACT_ONE);
      const three = one.next.processActTwo(hex(V.ACT_TWO));
      expect(toHex(three.act)).toBe(V.ACT_THREE);
      expect(toHex(three.keys.sk)).toBe(V.SK);
      expect(toHex(three.keys.rk)).toBe(V.RK);
      expect(toHex(three.keys.sck)).toBe(V.CK);
      expect(toHex(three.keys.rck)).toBe(V.CK);
    });

    for (const v of V.INITIATOR_FAILURES) {
      it(`${v.name} (${v.specError})`, () => {
        const one = vectorInitiator(crypto).actOne();
        expect(toHex(one.act)).toBe(V.ACT_ONE);
        expectBolt8Error(() => one.next.processActTwo(hex(v.input)), v.stage, v.reason);
      });
    }
  });

  describe('Responder Tests', () => {
    it('transport-responder successful handshake', () => {
      const two = vectorResponder(crypto).processActOne(hex(V.ACT_ONE));
      expect(toHex(two.act)).toBe(V.ACT_TWO);
      const done = two.next.processActThree(hex(V.ACT_THREE));
      expect(toHex(done.remoteStatic)).toBe(V.INITIATOR.lsPub);
      // Responder: rk, sk = HKDF(ck, zero) — the mirror of the initiator's sk, rk.
      expect(toHex(done.keys.rk)).toBe(V.SK);
      expect(toHex(done.keys.sk)).toBe(V.RK);
      expect(toHex(done.keys.sck)).toBe(V.CK);
      expect(toHex(done.keys.rck)).toBe(V.CK);
    });

    for (const v of V.RESPONDER_ACT_ONE_FAILURES) {
      it(`${v.name} (${v.specError})`, () => {
        expectBolt8Error(() => vectorResponder(crypto).processActOne(hex(v.input)), v.stage, v.reason);
      });
    }

    for (const v of V.RESPONDER_ACT_THREE_FAILURES) {
      it(`${v.name} (${v.specError})`, () => {
        const two = vectorResponder(crypto).processActOne(hex(V.ACT_ONE));
        expect(toHex(two.act)).toBe(V.ACT_TWO);
        expectBolt8Error(() => two.next.processActThree(hex(v.input)), v.stage, v.reason);
      });
    }
  });

  describe('Message Encryption Tests', () => {
    const keys: TransportKeys = { sk: hex(V.SK), rk: hex(V.RK), sck: hex(V.CK), rck: hex(V.CK) };
    // The receiving side of the same session: the responder's rk is the initiator's sk.
    const mirror: TransportKeys = { sk: hex(V.RK), rk: hex(V.SK), sck: hex(V.CK), rck: hex(V.CK) };
    const payload = hex(V.MESSAGE_PAYLOAD);

    // One session encrypts all 1002 messages; each `it` checks one shown output.
    const sender = new Transport(crypto, keys);
    const receiver = new Transport(crypto, mirror);
    const outputs = new Map<number, string>();
    const decrypted = new Map<number, string>();
    const run = (): void => {
      if (outputs.size > 0) return;
      for (let i = 0; i <= 1001; i++) {
        const packet = sender.encrypt(payload);
        receiver.push(packet);
        const plain = receiver.read();
        if (V.MESSAGE_OUTPUTS.has(i)) {
          outputs.set(i, toHex(packet));
          decrypted.set(i, plain === null ? 'null' : toHex(plain));
        }
      }
    };

    for (const [index, expected] of V.MESSAGE_OUTPUTS) {
      it(`transport-message test: output ${index}`, () => {
        run();
        expect(outputs.get(index)).toBe(expected);
        expect(decrypted.get(index)).toBe(V.MESSAGE_PAYLOAD);
      });
    }
  });
});
