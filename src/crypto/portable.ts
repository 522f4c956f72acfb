/**
 * The portable crypto backend: @noble/secp256k1, @noble/hashes and
 * @noble/ciphers. Pure JavaScript, runs in Node and in browsers; about 40x
 * slower than `fast` for ECDH (BOLT 8 Appendix A vectors pin both down).
 */
import * as secp from '@noble/secp256k1';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { CryptoBackend } from './backend.js';
import { TAG_SIZE, writeNonce } from './backend.js';

const EMPTY = new Uint8Array(0);
/** Scratch nonce: every use is synchronous, so one buffer suffices. */
const iv = new Uint8Array(12);

export const portableBackend: CryptoBackend = Object.freeze({
  name: 'portable' as const,

  publicKey(secret: Uint8Array): Uint8Array {
    return secp.getPublicKey(secret, true);
  },

  isValidPublicKey(pub: Uint8Array): boolean {
    return pub.length === 33 && secp.utils.isValidPublicKey(pub, true);
  },

  ecdh(remotePublic: Uint8Array, secret: Uint8Array): Uint8Array {
    if (remotePublic.length !== 33) throw new Error('ecdh: public key must be 33 bytes (compressed)');
    return nobleSha256(secp.getSharedSecret(secret, remotePublic, true));
  },

  sha256(data: Uint8Array, more?: Uint8Array): Uint8Array {
    if (more === undefined) return nobleSha256(data);
    return nobleSha256.create().update(data).update(more).digest();
  },

  hkdf(salt: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array] {
    const okm = nobleHkdf(nobleSha256, ikm, salt, EMPTY, 64);
    return [okm.subarray(0, 32), okm.subarray(32, 64)];
  },

  seal(key: Uint8Array, nonce: number, ad: Uint8Array, plaintext: Uint8Array, out?: Uint8Array): Uint8Array {
    writeNonce(iv, nonce);
    // noble ciphers in place on `out`; an unaligned `out` (a body at offset 18 of a packet)
    // takes its byte-at-a-time path, far slower: cipher into aligned memory, then copy.
    if (out !== undefined && out.byteOffset % 4 !== 0) {
      out.set(chacha20poly1305(key, iv, ad).encrypt(plaintext));
      return out;
    }
    return chacha20poly1305(key, iv, ad).encrypt(plaintext, out);
  },

  open(key: Uint8Array, nonce: number, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    if (ciphertext.length < TAG_SIZE) return null;
    writeNonce(iv, nonce);
    try {
      return chacha20poly1305(key, iv, ad).decrypt(ciphertext);
    } catch {
      return null;
    }
  },

  randomSecret(): Uint8Array {
    return secp.utils.randomSecretKey();
  },
});
