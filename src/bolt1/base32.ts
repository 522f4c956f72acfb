/**
 * RFC 4648 base32 (lowercase, no padding) for Tor v3 onion names: 35 bytes
 * of `pubkey | checksum | version` ↔ 56 characters (BOLT 7 address
 * descriptor type 4; Tor rend-spec-v3).
 */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lowercase base32 of `bytes` without padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31]!;
  return out;
}

/**
 * Bytes of an unpadded base32 string (any case), or `null` when a character
 * is outside the alphabet or the trailing bits are not zero.
 */
export function base32Decode(s: string): Uint8Array | null {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s.toLowerCase()) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) return null;
  return Uint8Array.from(out);
}
