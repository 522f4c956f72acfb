/**
 * The fast crypto backend: libsecp256k1 through the `secp256k1` package's
 * N-API addon (loaded from `secp256k1/bindings`, never the package root,
 * which silently falls back to pure-JS `elliptic`), plus node:crypto for
 * ChaCha20-Poly1305 and large SHA-256 inputs (BOLT 8 primitives). HKDF and
 * the handshake's small SHA-256 inputs use ./sha256.ts, where a call costs
 * less than node:crypto's per-call object setup.
 *
 * libsecp256k1's default ECDH hash is SHA-256 of the compressed shared
 * point, which is exactly BOLT 8's ECDH, so one native call does it.
 */
import { createRequire } from 'node:module';
import * as nodeCrypto from 'node:crypto';
import type { CryptoBackend } from './backend.js';
import { TAG_SIZE, writeNonce } from './backend.js';
import { hkdf as jsHkdf, sha256 as jsSha256 } from './sha256.js';

/** The subset of `secp256k1/bindings` used here. */
interface Secp256k1Bindings {
  privateKeyVerify(seckey: Uint8Array): boolean;
  publicKeyVerify(pubkey: Uint8Array): boolean;
  publicKeyCreate(seckey: Uint8Array, compressed?: boolean): Uint8Array;
  ecdh(pubkey: Uint8Array, seckey: Uint8Array): Uint8Array;
}

type LoadResult = { ok: true; backend: CryptoBackend } | { ok: false; error: string };
let loaded: LoadResult | undefined;

/** Loads the native addon once; never throws. */
export function loadFastBackend(): LoadResult {
  if (loaded !== undefined) return loaded;
  try {
    const require = createRequire(import.meta.url);
    const secp = require('secp256k1/bindings') as Secp256k1Bindings;
    const backend = makeFastBackend(secp);
    // Smoke test: a broken build must not be selected.
    const one = new Uint8Array(32);
    one[31] = 1;
    if (backend.publicKey(one).length !== 33) throw new Error('secp256k1/bindings: unexpected public key');
    loaded = { ok: true, backend };
  } catch (err) {
    loaded = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  return loaded;
}

/** Up to two 64-byte blocks (119 bytes + padding), plain JS beats a node:crypto call. */
const JS_SHA256_MAX = 119;
const POOL_SIZE = 32 * 128;
const UNFILLED_MIN = 4096;

/** Outputs are plain Uint8Array views (not Buffer) so both backends return the same type. */
const plain = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

const hashOnce: (data: Uint8Array) => Uint8Array =
  typeof nodeCrypto.hash === 'function'
    ? (data) => plain(nodeCrypto.hash('sha256', data, 'buffer'))
    : (data) => plain(nodeCrypto.createHash('sha256').update(data).digest());

function makeFastBackend(secp: Secp256k1Bindings): CryptoBackend {
  /** Scratch nonce: createCipheriv copies it, so one buffer suffices. */
  const iv = Buffer.alloc(12);
  /** Randomness is drawn from a pool: one getrandom per 128 keys. Used bytes are zeroed. */
  const pool = Buffer.alloc(POOL_SIZE);
  let poolOffset = POOL_SIZE;

  const options = { authTagLength: TAG_SIZE } as const;

  return Object.freeze({
    name: 'fast' as const,

    publicKey(secret: Uint8Array): Uint8Array {
      return secp.publicKeyCreate(secret, true);
    },

    isValidPublicKey(pub: Uint8Array): boolean {
      return pub.length === 33 && (pub[0] === 2 || pub[0] === 3) && secp.publicKeyVerify(pub);
    },

    ecdh(remotePublic: Uint8Array, secret: Uint8Array): Uint8Array {
      if (remotePublic.length !== 33) throw new Error('ecdh: public key must be 33 bytes (compressed)');
      return secp.ecdh(remotePublic, secret);
    },

    sha256(data: Uint8Array, more?: Uint8Array): Uint8Array {
      if (data.length + (more?.length ?? 0) <= JS_SHA256_MAX) return jsSha256(data, more);
      if (more === undefined) return hashOnce(data);
      const joined = Buffer.allocUnsafe(data.length + more.length);
      joined.set(data, 0);
      joined.set(more, data.length);
      return hashOnce(joined);
    },

    hkdf(salt: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array] {
      return jsHkdf(salt, ikm);
    },

    seal(key: Uint8Array, nonce: number, ad: Uint8Array, plaintext: Uint8Array, out?: Uint8Array): Uint8Array {
      const length = plaintext.length;
      const sealed = out ?? new Uint8Array(length + TAG_SIZE);
      writeNonce(iv, nonce);
      const cipher = nodeCrypto.createCipheriv('chacha20-poly1305', key, iv, options);
      if (ad.length > 0) cipher.setAAD(ad, { plaintextLength: length });
      // Empty plaintext (handshake MACs): no update call, no empty Buffer.
      if (length > 0) sealed.set(cipher.update(plaintext), 0);
      cipher.final();
      sealed.set(cipher.getAuthTag(), length);
      return sealed;
    },

    open(key: Uint8Array, nonce: number, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
      const length = ciphertext.length - TAG_SIZE;
      if (length < 0) return null;
      writeNonce(iv, nonce);
      const decipher = nodeCrypto.createDecipheriv('chacha20-poly1305', key, iv, options);
      if (ad.length > 0) decipher.setAAD(ad, { plaintextLength: length });
      decipher.setAuthTag(ciphertext.subarray(length));
      const plaintext = length > 0 ? plain(decipher.update(ciphertext.subarray(0, length))) : new Uint8Array(0);
      try {
        decipher.final();
      } catch {
        return null;
      }
      return plaintext;
    },

    allocUnfilled(size: number): Uint8Array {
      // Large packets: skip the zero fill (every byte is overwritten). Small ones: a plain
      // zeroed array, so no view into Node's shared allocation pool is ever handed out.
      return size >= UNFILLED_MIN ? plain(Buffer.allocUnsafeSlow(size)) : new Uint8Array(size);
    },

    randomSecret(): Uint8Array {
      for (;;) {
        if (poolOffset + 32 > POOL_SIZE) {
          nodeCrypto.randomFillSync(pool);
          poolOffset = 0;
        }
        const secret = new Uint8Array(pool.subarray(poolOffset, poolOffset + 32));
        pool.fill(0, poolOffset, poolOffset + 32);
        poolOffset += 32;
        if (secp.privateKeyVerify(secret)) return secret;
      }
    },
  });
}
