/**
 * The two backends against known answers and against each other: public
 * keys, BOLT 8 ECDH, SHA-256, HKDF (RFC 5869 case 3), ChaCha20-Poly1305
 * with BOLT 8's nonce layout, key validation and MAC rejection.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CryptoBackend } from '../../src/crypto/index.js';
import { fastBackend, fastBackendAvailable, portableBackend, writeNonce } from '../../src/crypto/index.js';
import { backendsUnderTest, hex, toHex } from '../bolt8/helpers.js';
import * as V from '../bolt8/vectors.js';

const secretArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .filter((b) => (b[0] ?? 0xff) < 0xff && b.some((x) => x !== 0));

describe.each(backendsUnderTest().map((b) => [b.name, b] as const))('%s crypto backend', (name, crypto: CryptoBackend) => {
  it('is named', () => {
    expect(crypto.name).toBe(name);
  });

  it('derives BOLT 8 vector public keys', () => {
    expect(toHex(crypto.publicKey(hex(V.INITIATOR.lsPriv)))).toBe(V.INITIATOR.lsPub);
    expect(toHex(crypto.publicKey(hex(V.RESPONDER.ePriv)))).toBe(V.RESPONDER.ePub);
  });

  it('ECDH is SHA-256 of the compressed shared point (BOLT 8 act one ss)', () => {
    const ss = crypto.ecdh(hex(V.INITIATOR.rsPub), hex(V.INITIATOR.ePriv));
    expect(toHex(ss)).toBe('1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3');
  });

  it('ECDH throws on an unparseable public key', () => {
    expect(() => crypto.ecdh(hex(`04${V.INITIATOR.rsPub.slice(2)}`), hex(V.INITIATOR.ePriv))).toThrow();
    expect(() => crypto.ecdh(new Uint8Array(33), hex(V.INITIATOR.ePriv))).toThrow();
    expect(() => crypto.ecdh(hex(V.INITIATOR.rsPub).subarray(0, 32), hex(V.INITIATOR.ePriv))).toThrow();
  });

  it('isValidPublicKey accepts compressed points only', () => {
    expect(crypto.isValidPublicKey(hex(V.INITIATOR.rsPub))).toBe(true);
    expect(crypto.isValidPublicKey(hex(`04${V.INITIATOR.rsPub.slice(2)}`))).toBe(false);
    expect(crypto.isValidPublicKey(new Uint8Array(33))).toBe(false);
    expect(crypto.isValidPublicKey(hex(V.INITIATOR.rsPub).subarray(0, 32))).toBe(false);
    // x = 5 is not on the curve (5^3 + 7 = 132 is not a square mod p).
    const notOnCurve = new Uint8Array(33);
    notOnCurve[0] = 2;
    notOnCurve[32] = 5;
    expect(crypto.isValidPublicKey(notOnCurve)).toBe(false);
  });

  it('SHA-256 of one and two parts', () => {
    const abc = new TextEncoder().encode('abc');
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(toHex(crypto.sha256(abc))).toBe(expected);
    expect(toHex(crypto.sha256(abc.subarray(0, 1), abc.subarray(1)))).toBe(expected);
  });

  it('HKDF matches RFC 5869 test case 3 (empty salt and info)', () => {
    const [a, b] = crypto.hkdf(new Uint8Array(0), new Uint8Array(22).fill(0x0b));
    expect(toHex(a) + toHex(b).slice(0, 20)).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });

  it('HKDF matches BOLT 8 act one (ck, temp_k1)', () => {
    const [ck, k] = crypto.hkdf(
      hex('2640f52eebcd9e882958951c794250eedb28002c05d7dc2ea0f195406042caf1'),
      hex('1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3'),
    );
    expect(toHex(ck)).toBe('b61ec1191326fa240decc9564369dbb3ae2b34341d1e11ad64ed89f89180582f');
    expect(toHex(k)).toBe('e68f69b7f096d7917245f5e5cf8ae1595febe4d4644333c99f9c4a1282031c9f');
  });

  it('seal uses the BOLT 8 nonce layout (message vector: length header of output 1)', () => {
    const header = crypto.seal(hex(V.SK), 2, new Uint8Array(0), hex('0005'));
    expect(toHex(header)).toBe('72887022101f0b6753e0c7de21657d35a4cb');
    const out = new Uint8Array(18);
    expect(crypto.seal(hex(V.SK), 2, new Uint8Array(0), hex('0005'), out)).toBe(out);
    expect(toHex(out)).toBe('72887022101f0b6753e0c7de21657d35a4cb');
  });

  it('seal into an unaligned output slice (a body at offset 18) equals seal into fresh memory', () => {
    const key = crypto.randomSecret();
    const pt = new Uint8Array(1000).map((_, i) => i & 0xff);
    const packet = new Uint8Array(18 + 1000 + 16);
    const body = packet.subarray(18);
    expect(crypto.seal(key, 3, new Uint8Array(0), pt, body)).toBe(body);
    expect(toHex(body)).toBe(toHex(crypto.seal(key, 3, new Uint8Array(0), pt)));
  });

  it('open returns the plaintext, or null on a bad tag, wrong AD, wrong nonce or short input', () => {
    const key = crypto.randomSecret();
    const ad = new Uint8Array([1, 2, 3]);
    const sealed = crypto.seal(key, 7, ad, new Uint8Array([9, 8, 7]));
    expect(crypto.open(key, 7, ad, sealed)).toEqual(new Uint8Array([9, 8, 7]));
    const bad = sealed.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
    expect(crypto.open(key, 7, ad, bad)).toBeNull();
    expect(crypto.open(key, 7, new Uint8Array(0), sealed)).toBeNull();
    expect(crypto.open(key, 8, ad, sealed)).toBeNull();
    expect(crypto.open(key, 7, ad, sealed.subarray(0, 15))).toBeNull();
  });

  it('seal and open an empty plaintext (the handshake MACs): a bare tag bound to key, nonce and AD', () => {
    const key = crypto.randomSecret();
    const ad = crypto.randomSecret();
    const tag = crypto.seal(key, 0, ad, new Uint8Array(0));
    expect(tag.length).toBe(16);
    const out = new Uint8Array(16);
    expect(toHex(crypto.seal(key, 0, ad, new Uint8Array(0), out))).toBe(toHex(tag));
    expect(crypto.open(key, 0, ad, tag)).toEqual(new Uint8Array(0));
    expect(crypto.open(key, 1, ad, tag)).toBeNull();
    expect(crypto.open(key, 0, ad.subarray(1), tag)).toBeNull();
    const bad = tag.slice();
    bad[0] = (bad[0] ?? 0) ^ 0x80;
    expect(crypto.open(key, 0, ad, bad)).toBeNull();
  });

  it('randomSecret gives distinct valid 32-byte keys', () => {
    const a = crypto.randomSecret();
    const b = crypto.randomSecret();
    expect(a.length).toBe(32);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(crypto.publicKey(a).length).toBe(33);
  });
});

describe('writeNonce', () => {
  it('is 4 zero bytes then a little-endian u64', () => {
    const iv = new Uint8Array(12).fill(0xee);
    writeNonce(iv, 1);
    expect(toHex(iv)).toBe('000000000100000000000000');
    writeNonce(iv, 0x1_0000_0203);
    expect(toHex(iv)).toBe('000000000302000001000000');
  });
});

describe.runIf(fastBackendAvailable())('fast and portable agree', () => {
  const fast = fastBackendAvailable() ? fastBackend() : portableBackend;
  it('on public keys and ECDH for random keys', () => {
    fc.assert(
      fc.property(secretArb, secretArb, (a, b) => {
        const pubB = portableBackend.publicKey(b);
        expect(toHex(fast.publicKey(b))).toBe(toHex(pubB));
        expect(toHex(fast.ecdh(pubB, a))).toBe(toHex(portableBackend.ecdh(pubB, a)));
      }),
      { numRuns: 15 },
    );
  });

  it('on SHA-256, HKDF and seal/open for random inputs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 2000 }),
        fc.nat(5000),
        (key, ad, pt, nonce) => {
          expect(toHex(fast.sha256(ad, pt))).toBe(toHex(portableBackend.sha256(ad, pt)));
          expect(fast.hkdf(key, pt).map(toHex)).toEqual(portableBackend.hkdf(key, pt).map(toHex));
          const sealed = fast.seal(key, nonce, ad, pt);
          expect(toHex(sealed)).toBe(toHex(portableBackend.seal(key, nonce, ad, pt)));
          expect(toHex(portableBackend.open(key, nonce, ad, sealed) ?? new Uint8Array([1]))).toBe(toHex(pt));
        },
      ),
      { numRuns: 100 },
    );
  });
});
