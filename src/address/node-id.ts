/**
 * Node id parsing for `connect` (pure, no I/O).
 *
 * A Lightning node id is a 33-byte compressed secp256k1 public key (BOLT 8:
 * `rs`, BOLT 7: `node_id`) written as 66 hex characters. Core Lightning
 * accepts either case and requires the bytes to be a valid point
 * (`node_id_from_hexstr` → `secp256k1_ec_pubkey_parse`): prefix 02/03 and x on
 * the curve. Results are printed lowercase.
 *
 * The curve check uses libsecp256k1 (`secp256k1/bindings`, optional, loaded
 * explicitly so it never falls back to pure-JS elliptic) when it loads, else
 * @noble/secp256k1 (a bigint square root, ~0.5 ms per id).
 */
import { createRequire } from 'node:module';
import { Point } from '@noble/secp256k1';

/** Length of a node id in hex characters (33 bytes). */
export const NODE_ID_HEX_LENGTH = 66;

const HEX_66 = /^[0-9a-fA-F]{66}$/;

type PointCheck = (hex: string) => boolean;

function nobleCheck(hex: string): boolean {
  try {
    Point.fromHex(hex);
    return true;
  } catch {
    return false;
  }
}

function loadNativeCheck(): PointCheck | null {
  try {
    const req = createRequire(import.meta.url);
    const native = req('secp256k1/bindings') as { publicKeyVerify(pubkey: Uint8Array): boolean };
    const check: PointCheck = (hex) => native.publicKeyVerify(Buffer.from(hex, 'hex'));
    // Self-test on the generator point and an off-curve x before trusting it.
    const g = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
    if (!check(g) || check('02' + '5'.padStart(64, '0'))) return null;
    return check;
  } catch {
    return null;
  }
}

let pointCheck: PointCheck | undefined;

/** Which curve backend validates node ids ('native' libsecp256k1 or 'noble'). */
export function nodeIdBackend(): 'native' | 'noble' {
  return selectCheck() === nobleCheck ? 'noble' : 'native';
}

function selectCheck(): PointCheck {
  pointCheck ??= loadNativeCheck() ?? nobleCheck;
  return pointCheck;
}

/** The same check forced through @noble/secp256k1 (for cross-checking backends). */
export function parseNodeIdPortable(s: string): string | null {
  return parseWith(s, nobleCheck);
}

/**
 * Returns the lowercase node id when `s` is exactly 66 hex characters that
 * encode a valid compressed secp256k1 point, else `null`. Never throws.
 */
export function parseNodeId(s: string): string | null {
  return parseWith(s, selectCheck());
}

function parseWith(s: string, check: PointCheck): string | null {
  if (typeof s !== 'string' || !HEX_66.test(s)) return null;
  const lower = s.toLowerCase();
  // Compressed encodings only (02/03); 04/06/07 would be 65 bytes anyway.
  if (!lower.startsWith('02') && !lower.startsWith('03')) return null;
  try {
    return check(lower) ? lower : null;
  } catch {
    return null;
  }
}
