/**
 * Node id parsing for `connect` (pure, no I/O).
 *
 * A Lightning node id is a 33-byte compressed secp256k1 public key (BOLT 8:
 * `rs`, BOLT 7: `node_id`) written as 66 hex characters. Core Lightning
 * accepts either case and requires the bytes to be a valid point
 * (`node_id_from_hexstr` → `secp256k1_ec_pubkey_parse`): prefix 02/03 and x on
 * the curve. Results are printed lowercase.
 */
import { Point } from '@noble/secp256k1';

/** Length of a node id in hex characters (33 bytes). */
export const NODE_ID_HEX_LENGTH = 66;

const HEX_66 = /^[0-9a-fA-F]{66}$/;

/**
 * Returns the lowercase node id when `s` is exactly 66 hex characters that
 * encode a valid compressed secp256k1 point, else `null`. Never throws.
 */
export function parseNodeId(s: string): string | null {
  if (typeof s !== 'string' || !HEX_66.test(s)) return null;
  const lower = s.toLowerCase();
  // Compressed encodings only: uncompressed (04) is 65 bytes and cannot reach here,
  // but keep the prefix check explicit so the rule reads as the spec says it.
  if (!lower.startsWith('02') && !lower.startsWith('03')) return null;
  try {
    Point.fromHex(lower);
  } catch {
    return null;
  }
  return lower;
}
