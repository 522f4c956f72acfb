/**
 * Feature vectors (BOLT 1 init `features`/`globalfeatures`, BOLT 9).
 *
 * A vector is a big-endian byte array: bit 0 is the least significant bit of
 * the LAST byte. Bits come in pairs: the even bit means compulsory, the odd
 * bit optional; a feature is *offered* when either is set. Vectors are
 * immutable here: every operation returns a new array.
 *
 * Lengths are preserved, never trimmed: the connect result's `features` is
 * the peer's `features` OR `globalfeatures`, right-aligned, with the length
 * of the longer, printed as lowercase hex (connect-behaviour §6).
 */
import { fromHex, toHex } from './bytes.js';

/** Big-endian feature bitmap. */
export type FeatureVector = Uint8Array;

/** True when bit `n` is set. */
export function hasFeature(bits: FeatureVector, n: number): boolean {
  if (!Number.isInteger(n) || n < 0) return false;
  const i = bits.length - 1 - Math.floor(n / 8);
  if (i < 0) return false;
  return ((bits[i]! >> n % 8) & 1) === 1;
}

/** True when the feature of bit `n` is offered, as its even or its odd bit. */
export function offersFeature(bits: FeatureVector, n: number): boolean {
  const even = n - (n % 2);
  return hasFeature(bits, even) || hasFeature(bits, even + 1);
}

/** A copy of `bits` with bit `n` set, grown on the left when needed. */
export function setFeature(bits: FeatureVector, n: number): FeatureVector {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`bad feature bit ${n}`);
  const len = Math.max(bits.length, Math.floor(n / 8) + 1);
  const out = new Uint8Array(len);
  out.set(bits, len - bits.length);
  out[len - 1 - Math.floor(n / 8)]! |= 1 << n % 8;
  return out;
}

/** A copy of `bits` with bit `n` cleared (same length). */
export function clearFeature(bits: FeatureVector, n: number): FeatureVector {
  const out = bits.slice();
  const i = out.length - 1 - Math.floor(n / 8);
  if (Number.isInteger(n) && n >= 0 && i >= 0) out[i]! &= ~(1 << n % 8) & 0xff;
  return out;
}

/** `a | b`, right-aligned, with the length of the longer (no trimming). */
export function orFeatures(a: FeatureVector, b: FeatureVector): FeatureVector {
  const len = Math.max(a.length, b.length);
  const out = new Uint8Array(len);
  out.set(a, len - a.length);
  for (let i = 0; i < b.length; i++) out[len - b.length + i]! |= b[i]!;
  return out;
}

/** The set bits, ascending. */
export function featureBits(bits: FeatureVector): number[] {
  const out: number[] = [];
  for (let i = bits.length - 1, base = 0; i >= 0; i--, base += 8) {
    const byte = bits[i]!;
    if (byte === 0) continue;
    for (let k = 0; k < 8; k++) if ((byte >> k) & 1) out.push(base + k);
  }
  return out;
}

/** The vector with exactly `list` set, in the minimum number of bytes. */
export function featuresFromBits(list: readonly number[]): FeatureVector {
  let v: FeatureVector = new Uint8Array(0);
  for (const n of list) v = setFeature(v, n);
  return v;
}

/** `bits` without leading zero bytes (BOLT 1: "SHOULD use the minimum length"). */
export function minimalFeatures(bits: FeatureVector): FeatureVector {
  let i = 0;
  while (i < bits.length && bits[i] === 0) i++;
  return bits.slice(i);
}

/** Lowercase big-endian hex, not trimmed. */
export function featuresToHex(bits: FeatureVector): string {
  return toHex(bits);
}

/** Parses hex as `featuresToHex` prints it (RangeError when not hex). */
export function featuresFromHex(hex: string): FeatureVector {
  return fromHex(hex);
}
