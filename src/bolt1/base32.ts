/**
 * RFC 4648 base32 (lowercase, no padding) for Tor v3 onion names: 35 bytes
 * of `pubkey | checksum | version` ↔ 56 characters (BOLT 7 address
 * descriptor type 4; Tor rend-spec-v3). The coding is @scure/base's
 * `base32nopad` (uppercase, strict about trailing bits); this module only
 * sets the case onion names are written in and turns a refusal into `null`.
 */
import { base32nopad } from '@scure/base';

/** Lowercase base32 of `bytes` without padding. */
export function base32Encode(bytes: Uint8Array): string {
  return base32nopad.encode(bytes).toLowerCase();
}

/**
 * Bytes of an unpadded base32 string (any case), or `null` when a character
 * is outside the alphabet or the trailing bits are not zero.
 */
export function base32Decode(s: string): Uint8Array | null {
  // ASCII only: toUpperCase() would turn 'ß' into the valid 'SS'.
  if (!/^[a-z2-7]*$/i.test(s)) return null;
  try {
    return base32nopad.decode(s.toUpperCase());
  } catch {
    return null;
  }
}
