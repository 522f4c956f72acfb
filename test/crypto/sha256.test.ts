/**
 * The plain-JS SHA-256 / HKDF used by the fast backend (src/crypto/sha256.ts)
 * against node:crypto: every length around the block and padding edges,
 * two-part input split anywhere, HMAC keys shorter and longer than a block,
 * fresh output memory, and the fast backend's switch to node:crypto for
 * large inputs.
 */
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hkdf, sha256 } from '../../src/crypto/sha256.js';
import { fastBackend, fastBackendAvailable } from '../../src/crypto/index.js';
import { toHex } from '../bolt8/helpers.js';

const nodeSha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const nodeHkdf = (salt: Uint8Array, ikm: Uint8Array): string =>
  Buffer.from(hkdfSync('sha256', ikm, salt, new Uint8Array(0), 64)).toString('hex');

describe('plain-JS SHA-256 and HKDF', () => {
  it('SHA-256 matches node:crypto for every length 0..300, split at several points', () => {
    for (let n = 0; n <= 300; n++) {
      const data = randomBytes(n);
      const want = nodeSha256(data);
      expect(toHex(sha256(data)), `length ${n}`).toBe(want);
      for (const at of new Set([0, 1, n >> 1, 55, 56, 63, 64, 65].filter((x) => x <= n))) {
        expect(toHex(sha256(data.subarray(0, at), data.subarray(at))), `length ${n} split ${at}`).toBe(want);
      }
    }
  });

  it('SHA-256 of views into a larger buffer reads only the view', () => {
    const backing = randomBytes(200);
    const a = backing.subarray(3, 40);
    const b = backing.subarray(41, 170);
    expect(toHex(sha256(a, b))).toBe(nodeSha256(Buffer.concat([a, b])));
  });

  it('HKDF matches node:crypto for salt and ikm of 0..130 bytes (HMAC keys above one block are hashed)', () => {
    for (const saltLength of [0, 1, 31, 32, 33, 63, 64, 65, 100, 130]) {
      for (const ikmLength of [0, 1, 22, 32, 55, 56, 64, 65, 130]) {
        const salt = randomBytes(saltLength);
        const ikm = randomBytes(ikmLength);
        const [a, b] = hkdf(salt, ikm);
        expect(toHex(a) + toHex(b), `salt ${saltLength} ikm ${ikmLength}`).toBe(nodeHkdf(salt, ikm));
      }
    }
  });

  it('HKDF matches node:crypto on random 32-byte inputs (BOLT 8 mixKey shapes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 0, maxLength: 64 }), (salt, ikm) => {
        const [a, b] = hkdf(salt, ikm);
        expect(toHex(a) + toHex(b)).toBe(nodeHkdf(salt, ikm));
      }),
      { numRuns: 300 },
    );
  });

  it('returns fresh memory on every call, and leaves its inputs alone', () => {
    const salt = randomBytes(32);
    const ikm = randomBytes(32);
    const saltHex = toHex(salt);
    const ikmHex = toHex(ikm);
    const [a1, b1] = hkdf(salt, ikm);
    const want = toHex(a1) + toHex(b1);
    a1.fill(0);
    b1.fill(0);
    const [a2, b2] = hkdf(salt, ikm);
    expect(toHex(a2) + toHex(b2)).toBe(want);
    expect([toHex(salt), toHex(ikm)]).toEqual([saltHex, ikmHex]);
    const h1 = sha256(salt);
    h1.fill(0);
    expect(toHex(sha256(salt))).toBe(nodeSha256(salt));
  });
});

describe.runIf(fastBackendAvailable())('fast backend SHA-256 across the plain-JS / node:crypto switch', () => {
  it('agrees with node:crypto from 0 to 300 bytes, one and two parts', () => {
    const crypto = fastBackend();
    for (let n = 0; n <= 300; n++) {
      const data = randomBytes(n);
      const want = nodeSha256(data);
      expect(toHex(crypto.sha256(data)), `length ${n}`).toBe(want);
      const at = Math.min(32, n);
      expect(toHex(crypto.sha256(data.subarray(0, at), data.subarray(at))), `length ${n} (2 parts)`).toBe(want);
    }
  });
});
