/**
 * The local static key (BOLT 8 `ls`) behind a two-member interface, so a
 * runtime can keep the secret in a signer (as CLN keeps it in hsmd) and
 * hand the handshake only `publicKey` and `ecdh`.
 */
import type { CryptoBackend } from '../crypto/backend.js';

export interface LocalKey {
  /** 33-byte compressed public key: the node id. */
  readonly publicKey: Uint8Array;
  /** BOLT 8 ECDH(remotePublic, ls.priv): SHA-256 of the compressed shared point. */
  ecdh(remotePublic: Uint8Array): Uint8Array;
}

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * Wraps a 32-byte secret. The secret is copied into the closure and never
 * leaves it: the object has no field, toString or toJSON that reveals it.
 * Throws when the secret is not a valid secp256k1 private key.
 */
export function localKeyFromSecret(crypto: CryptoBackend, secret: Uint8Array): LocalKey {
  if (secret.length !== 32) throw new RangeError('local static secret must be 32 bytes');
  const held = Uint8Array.from(secret);
  const publicKey = crypto.publicKey(held);
  const nodeId = toHex(publicKey);
  return Object.freeze({
    publicKey,
    ecdh: (remotePublic: Uint8Array): Uint8Array => crypto.ecdh(remotePublic, held),
    toString: (): string => `LocalKey(${nodeId})`,
    toJSON: (): { publicKey: string } => ({ publicKey: nodeId }),
  });
}
