/**
 * Small byte helpers shared by the BOLT 1 codecs: hex, concatenation,
 * equality, big-endian integer writers, and a bounds-checked reader.
 *
 * BOLT 1 "Fundamental Types": all integers are unsigned big-endian. The
 * reader never lets a RangeError escape: each read checks the remaining
 * length first and throws a {@link DecodeError} naming the field.
 */
import { DecodeError } from './errors.js';

/** ASCII codes of '0'..'9', 'a'..'f'. */
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * Lowercase hex of `b`, as one flat string: node ids are kept per peer and
 * used as Map keys, and a string built with `+=` stays a chain of fragments
 * (up to ~1 KB instead of 88 B for a 66-character id).
 */
export function toHex(b: Uint8Array): string {
  const codes = new Uint16Array(b.length * 2);
  for (let i = 0; i < b.length; i++) {
    const x = b[i] as number;
    codes[2 * i] = HEX_CODES[x >> 4] as number;
    codes[2 * i + 1] = HEX_CODES[x & 15] as number;
  }
  let s = '';
  // fromCharCode in slices: one call per 8 KiB of output keeps the argument list small.
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode(...codes.subarray(i, i + 8192));
  return s;
}

/** Bytes of an even-length hex string (any case); RangeError when not hex. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new RangeError(`not a hex string: ${JSON.stringify(hex.slice(0, 80))}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Concatenation of byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws RangeError unless `n` is an integer in [0, max]. */
export function assertUint(n: number, max: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new RangeError(`${what} must be an integer in 0..${max}, got ${n}`);
  }
}

/** Big-endian u16. */
export function u16(n: number): Uint8Array {
  assertUint(n, 0xffff, 'u16');
  return Uint8Array.of(n >> 8, n & 0xff);
}

/**
 * A cursor over received bytes. `context` prefixes every field name in the
 * errors it throws (`ping` + `byteslen` → `ping.byteslen`).
 */
export class WireReader {
  private pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    readonly context: string,
  ) {}

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Current offset into the buffer. */
  get offset(): number {
    return this.pos;
  }

  /** The DecodeError for `field` of this context. */
  fail(field: string, reason: string): DecodeError {
    return new DecodeError(field === '' ? this.context : `${this.context}.${field}`, reason);
  }

  private need(n: number, field: string): void {
    if (this.remaining < n) {
      throw this.fail(field, `truncated: need ${n} byte(s), ${this.remaining} left`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  /** `n` bytes (a copy, so the result does not pin a larger buffer). */
  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Everything left (a copy). */
  rest(): Uint8Array {
    const out = this.buf.slice(this.pos);
    this.pos = this.buf.length;
    return out;
  }
}
