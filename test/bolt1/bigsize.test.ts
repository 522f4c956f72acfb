// BOLT 1 Appendix A: BigSize decoding and encoding vectors, each a named case.
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeBigSize, encodeBigSize, fromHex, toHex } from '../../src/bolt1/index.js';

// Transcribed from 01-messaging.md, Appendix A "BigSize Decoding Tests".
const DECODING: { name: string; value: bigint; bytes: string; expErr?: string }[] = [
  { name: 'zero', value: 0n, bytes: '00' },
  { name: 'one byte high', value: 252n, bytes: 'fc' },
  { name: 'two byte low', value: 253n, bytes: 'fd00fd' },
  { name: 'two byte high', value: 65535n, bytes: 'fdffff' },
  { name: 'four byte low', value: 65536n, bytes: 'fe00010000' },
  { name: 'four byte high', value: 4294967295n, bytes: 'feffffffff' },
  { name: 'eight byte low', value: 4294967296n, bytes: 'ff0000000100000000' },
  { name: 'eight byte high', value: 18446744073709551615n, bytes: 'ffffffffffffffffff' },
  { name: 'two byte not canonical', value: 0n, bytes: 'fd00fc', expErr: 'decoded bigsize is not canonical' },
  { name: 'four byte not canonical', value: 0n, bytes: 'fe0000ffff', expErr: 'decoded bigsize is not canonical' },
  { name: 'eight byte not canonical', value: 0n, bytes: 'ff00000000ffffffff', expErr: 'decoded bigsize is not canonical' },
  { name: 'two byte short read', value: 0n, bytes: 'fd00', expErr: 'unexpected EOF' },
  { name: 'four byte short read', value: 0n, bytes: 'feffff', expErr: 'unexpected EOF' },
  { name: 'eight byte short read', value: 0n, bytes: 'ffffffffff', expErr: 'unexpected EOF' },
  { name: 'one byte no read', value: 0n, bytes: '', expErr: 'EOF' },
  { name: 'two byte no read', value: 0n, bytes: 'fd', expErr: 'unexpected EOF' },
  { name: 'four byte no read', value: 0n, bytes: 'fe', expErr: 'unexpected EOF' },
  { name: 'eight byte no read', value: 0n, bytes: 'ff', expErr: 'unexpected EOF' },
];

// Our reasons for the spec's error classes.
const REASON: Record<string, RegExp> = {
  'decoded bigsize is not canonical': /^not minimally encoded$/,
  'unexpected EOF': /^truncated/,
  EOF: /^truncated/,
};

describe('BigSize decoding (BOLT 1 Appendix A)', () => {
  for (const v of DECODING) {
    it(v.name, () => {
      const bytes = fromHex(v.bytes);
      if (v.expErr === undefined) {
        expect(decodeBigSize(bytes)).toEqual({ value: v.value, length: bytes.length });
      } else {
        let err: unknown;
        try {
          decodeBigSize(bytes, 0, 'x');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(DecodeError);
        expect((err as DecodeError).field).toBe('x');
        expect((err as DecodeError).reason).toMatch(REASON[v.expErr]!);
      }
    });
  }
});

describe('BigSize encoding (BOLT 1 Appendix A)', () => {
  for (const v of DECODING.filter((d) => d.expErr === undefined)) {
    it(v.name, () => {
      expect(toHex(encodeBigSize(v.value))).toBe(v.bytes);
    });
  }
  it('refuses values outside u64', () => {
    expect(() => encodeBigSize(-1n)).toThrow(RangeError);
    expect(() => encodeBigSize(1n << 64n)).toThrow(RangeError);
  });
  it('reads at an offset', () => {
    expect(decodeBigSize(fromHex('aafd00fd'), 1)).toEqual({ value: 253n, length: 3 });
  });
});
