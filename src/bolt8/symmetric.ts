/**
 * BOLT 8 "Handshake State": the chaining key `ck`, handshake hash `h` and
 * temporary key `k`, with the spec's operations (mixHash, mixKey,
 * encryptWithAd, decryptWithAd). Internal to src/bolt8/.
 */
import type { CryptoBackend } from '../crypto/backend.js';

const PROTOCOL_NAME = 'Noise_XK_secp256k1_ChaChaPoly_SHA256';
const PROLOGUE = 'lightning';
export const EMPTY = new Uint8Array(0);

/** `h` and `ck` after "h = SHA-256(protocolName); ck = h; h = SHA-256(h || prologue)", per backend. */
const initial = new WeakMap<CryptoBackend, { ck: Uint8Array; h: Uint8Array }>();

function initialState(crypto: CryptoBackend): { ck: Uint8Array; h: Uint8Array } {
  let state = initial.get(crypto);
  if (state === undefined) {
    const enc = new TextEncoder();
    const ck = crypto.sha256(enc.encode(PROTOCOL_NAME));
    state = { ck, h: crypto.sha256(ck, enc.encode(PROLOGUE)) };
    initial.set(crypto, state);
  }
  return state;
}

export class SymmetricState {
  ck: Uint8Array;
  h: Uint8Array;
  k: Uint8Array = EMPTY;

  /** Handshake state initialization, ending with "h = SHA-256(h || responder static pubkey)". */
  constructor(
    private readonly crypto: CryptoBackend,
    responderStatic: Uint8Array,
  ) {
    const start = initialState(crypto);
    this.ck = start.ck;
    this.h = crypto.sha256(start.h, responderStatic);
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
