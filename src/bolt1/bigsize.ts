/**
 * BigSize (BOLT 1 "Fundamental Types" and Appendix A) and the truncated
 * unsigned integers `tu16`/`tu32`/`tu64` used as final TLV values.
 *
 * BigSize is Bitcoin's CompactSize made big-endian: 1, 3, 5 or 9 bytes
 * (`< 0xfd`, `0xfd`+u16, `0xfe`+u32, `0xff`+u64). A reader MUST reject a value
 * that is not minimally encoded. Values are `bigint` because they range over
 * the full u64.
 */
import { DecodeError } from './errors.js';

export const BIGSIZE_MAX = 0xffff_ffff_ffff_ffffn;

/** Number of bytes the minimal BigSize encoding of `value` takes. */
export function bigSizeLength(value: bigint | number): 1 | 3 | 5 | 9 {
  const v = BigInt(value);
  if (v < 0xfdn) return 1;
  if (v < 0x1_0000n) return 3;
  if (v < 0x1_0000_0000n) return 5;
  return 9;
}

/** Minimal BigSize encoding of `value` (RangeError outside 0..2^64-1). */
export function encodeBigSize(value: bigint | number): Uint8Array {
  const v = BigInt(value);
  if (v < 0n || v > BIGSIZE_MAX) throw new RangeError(`BigSize out of range: ${v}`);
  const len = bigSizeLength(v);
  const out = new Uint8Array(len);
  if (len === 1) {
    out[0] = Number(v);
    return out;
  }
  out[0] = len === 3 ? 0xfd : len === 5 ? 0xfe : 0xff;
  let x = v;
  for (let i = len - 1; i >= 1; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/**
 * Reads one BigSize at `offset`. Throws {@link DecodeError} on `field` when
 * the bytes end early (`truncated`) or the encoding is not minimal
 * (`not minimally encoded`, Appendix A's "decoded bigsize is not canonical").
 */
export function decodeBigSize(
  bytes: Uint8Array,
  offset = 0,
  field = 'bigsize',
): { value: bigint; length: number } {
  if (offset >= bytes.length) throw new DecodeError(field, 'truncated: no bytes left');
  const first = bytes[offset]!;
  if (first < 0xfd) return { value: BigInt(first), length: 1 };
  const len = first === 0xfd ? 3 : first === 0xfe ? 5 : 9;
  if (bytes.length - offset < len) throw new DecodeError(field, `truncated: need ${len} bytes`);
  let v = 0n;
  for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(bytes[offset + i]!);
  if (bigSizeLength(v) !== len) throw new DecodeError(field, 'not minimally encoded');
  return { value: v, length: len };
}

/** Truncated unsigned integer: big-endian with leading zero bytes omitted (0 → empty). */
export function encodeTruncatedUint(value: bigint | number, maxBytes: 2 | 4 | 8): Uint8Array {
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * maxBytes)) {
    throw new RangeError(`tu${8 * maxBytes} out of range: ${v}`);
  }
  const out: number[] = [];
  while (v > 0n) {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return Uint8Array.from(out);
}

/**
 * Decodes a whole TLV value as `tu16`/`tu32`/`tu64` (`maxBytes` 2/4/8): at
 * most `maxBytes` long and with no leading zero byte (BOLT 1: "Leading zeros
 * in truncated integers MUST be omitted").
 */
export function decodeTruncatedUint(value: Uint8Array, maxBytes: 2 | 4 | 8, field: string): bigint {
  if (value.length > maxBytes) {
    throw new DecodeError(field, `longer than ${maxBytes} bytes`);
  }
  if (value.length > 0 && value[0] === 0) throw new DecodeError(field, 'not minimally encoded');
  let v = 0n;
  for (const b of value) v = (v << 8n) | BigInt(b);
  return v;
}
