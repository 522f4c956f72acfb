/**
 * The crypto interface the BOLT 8 core is written against (BOLT 8
 * "Handshake State", "Lightning Message Specification").
 *
 * Two implementations exist: `portable` (@noble, runs anywhere) and `fast`
 * (libsecp256k1 + node:crypto). src/bolt8/ only ever sees this interface, so
 * it stays free of Node APIs. Owned by the crypto layer; selection lives in
 * ./index.ts.
 */

/** The backend names; `backend.name` tells which one a node is using. */
export type CryptoBackendName = 'fast' | 'portable';

export interface CryptoBackend {
  readonly name: CryptoBackendName;
  /** 33-byte compressed public key of a 32-byte secret. Throws on an invalid secret. */
  publicKey(secret: Uint8Array): Uint8Array;
  /** True when `pub` is a 33-byte compressed point on secp256k1. */
  isValidPublicKey(pub: Uint8Array): boolean;
  /**
   * BOLT 8 ECDH: SHA-256 of the compressed shared point (32 bytes).
   * Throws (a plain Error) when `remotePublic` is not a valid point.
   */
  ecdh(remotePublic: Uint8Array, secret: Uint8Array): Uint8Array;
  /** SHA-256 of `data || more` (the two-part form avoids a copy for mixHash). */
  sha256(data: Uint8Array, more?: Uint8Array): Uint8Array;
  /** RFC 5869 HKDF-SHA256 with empty info and 64 bytes of output, split in two. */
  hkdf(salt: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array];
  /**
   * ChaCha20-Poly1305 (RFC 8439) with BOLT 8's nonce: 4 zero bytes, then
   * `nonce` as a little-endian u64. Returns ciphertext || 16-byte tag. When
   * `out` is given it must be exactly plaintext.length + 16 bytes long; the
   * result is written there and `out` is returned.
   */
  seal(key: Uint8Array, nonce: number, ad: Uint8Array, plaintext: Uint8Array, out?: Uint8Array): Uint8Array;
  /**
   * Inverse of `seal`; null when the tag does not verify (or input < 16
   * bytes). The plaintext is fresh memory, never a view of `ciphertext`.
   */
  open(key: Uint8Array, nonce: number, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
  /** A fresh, valid 32-byte secp256k1 private key from a CSPRNG. */
  randomSecret(): Uint8Array;
  /**
   * Optional: fresh memory for an outgoing packet whose every byte the
   * caller overwrites (so it may skip zero-filling). Absent: `new Uint8Array`.
   */
  allocUnfilled?(size: number): Uint8Array;
}

/** Poly1305 tag length, in bytes. */
export const TAG_SIZE = 16;

/** Writes BOLT 8's 96-bit nonce (32 zero bits, then a little-endian u64) into `iv`. */
export function writeNonce(iv: Uint8Array, nonce: number): void {
  const lo = nonce >>> 0;
  const hi = Math.floor(nonce / 0x1_0000_0000) >>> 0;
  iv[0] = 0;
  iv[1] = 0;
  iv[2] = 0;
  iv[3] = 0;
  iv[4] = lo & 0xff;
  iv[5] = (lo >>> 8) & 0xff;
  iv[6] = (lo >>> 16) & 0xff;
  iv[7] = lo >>> 24;
  iv[8] = hi & 0xff;
  iv[9] = (hi >>> 8) & 0xff;
  iv[10] = (hi >>> 16) & 0xff;
  iv[11] = hi >>> 24;
}
