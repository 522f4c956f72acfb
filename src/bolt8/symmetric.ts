/**
 * BOLT 8 "Handshake State": the chaining key `ck`, handshake hash `h` and
 * temporary key `k`, with the spec's operations (mixHash, mixKey,
 * encryptWithAd, decryptWithAd). Internal to src/bolt8/.
 *
 * The start of every handshake ("h = SHA-256(protocolName); ck = h;
 * h = SHA-256(h || prologue); h = SHA-256(h || rs)") depends only on the
 * responder's static key, so a responder computes it once per local key
 * and every inbound connection starts from that copy. Cached arrays are
 * shared, never written: every operation below replaces `h`/`ck`, none
 * writes into them.
 */
import type { CryptoBackend } from '../crypto/backend.js';
import type { LocalKey } from './keys.js';

const PROTOCOL_NAME = 'Noise_XK_secp256k1_ChaChaPoly_SHA256';
const PROLOGUE = 'lightning';
export const EMPTY = new Uint8Array(0);

/** `h` and `ck` at some point of the handshake state initialization. */
export interface HandshakeStart {
  readonly ck: Uint8Array;
  readonly h: Uint8Array;
}

/** After "h = SHA-256(protocolName); ck = h; h = SHA-256(h || prologue)", per backend. */
const initial = new WeakMap<CryptoBackend, HandshakeStart>();

function initialState(crypto: CryptoBackend): HandshakeStart {
  let state = initial.get(crypto);
  if (state === undefined) {
    const enc = new TextEncoder();
    const ck = crypto.sha256(enc.encode(PROTOCOL_NAME));
    state = { ck, h: crypto.sha256(ck, enc.encode(PROLOGUE)) };
    initial.set(crypto, state);
  }
  return state;
}

/** The whole initialization, ending with "h = SHA-256(h || responder static pubkey)". */
export function handshakeStart(crypto: CryptoBackend, responderStatic: Uint8Array): HandshakeStart {
  const start = initialState(crypto);
  return { ck: start.ck, h: crypto.sha256(start.h, responderStatic) };
}

interface CachedStart extends HandshakeStart {
  readonly crypto: CryptoBackend;
  /** A copy of the public key it was computed from: a LocalKey whose bytes changed misses. */
  readonly publicKey: Uint8Array;
}

/** One entry per local key object, dropped with it (a WeakMap holds no key alive). */
const responderStarts = new WeakMap<LocalKey, CachedStart>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `handshakeStart` for a responder's own key, computed once per LocalKey and backend. */
export function responderStart(crypto: CryptoBackend, localKey: LocalKey): HandshakeStart {
  const cached = responderStarts.get(localKey);
  const publicKey = localKey.publicKey;
  if (cached !== undefined && cached.crypto === crypto && sameBytes(cached.publicKey, publicKey)) return cached;
  const entry: CachedStart = { ...handshakeStart(crypto, publicKey), crypto, publicKey: publicKey.slice() };
  responderStarts.set(localKey, entry);
  return entry;
}

export class SymmetricState {
  ck: Uint8Array;
  h: Uint8Array;
  k: Uint8Array = EMPTY;

  constructor(
    private readonly crypto: CryptoBackend,
    start: HandshakeStart,
  ) {
    this.ck = start.ck;
    this.h = start.h;
  }

  mixHash(data: Uint8Array): void {
    this.h = this.crypto.sha256(this.h, data);
  }

  /** `ck, k = HKDF(ck, ss)` */
  mixKey(ss: Uint8Array): void {
    const [ck, k] = this.crypto.hkdf(this.ck, ss);
    this.ck = ck;
    this.k = k;
  }

  /** `c = encryptWithAD(k, nonce, h, plaintext)`, written into `out`. */
  encryptWithAd(nonce: number, plaintext: Uint8Array, out: Uint8Array): Uint8Array {
    return this.crypto.seal(this.k, nonce, this.h, plaintext, out);
  }

  /** `p = decryptWithAD(k, nonce, h, c)`; null on a bad MAC. */
  decryptWithAd(nonce: number, ciphertext: Uint8Array): Uint8Array | null {
    return this.crypto.open(this.k, nonce, this.h, ciphertext);
  }

  /** `HKDF(ck, zero)`: the two transport keys, in initiator order (sk, rk). */
  split(): [Uint8Array, Uint8Array] {
    return this.crypto.hkdf(this.ck, EMPTY);
  }
}
