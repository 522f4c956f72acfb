// BOLT 7 address descriptors: each type, list rules (stop at unknown, skip
// Tor v2, drop port 0), truncation errors.
import { describe, expect, it } from 'vitest';
import type { WireAddress } from '../../src/address/types.js';
import {
  base32Decode,
  base32Encode,
  decodeAddressDescriptor,
  decodeAddressDescriptors,
  DecodeError,
  encodeAddressDescriptor,
  encodeAddressDescriptors,
  fromHex,
  toHex,
} from '../../src/bolt1/index.js';

const ONION = 'vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd.onion';

const CASES: [string, WireAddress, string][] = [
  ['ipv4', { type: 'ipv4', address: '127.0.0.1', port: 9735 }, '017f0000012607'],
  ['ipv6', { type: 'ipv6', address: '::1', port: 19846 }, '02' + '00'.repeat(15) + '01' + '4d86'],
  ['ipv6 mapped', { type: 'ipv6', address: '::ffff:1.2.3.4', port: 1 }, '02' + '00'.repeat(10) + 'ffff01020304' + '0001'],
  ['dns', { type: 'dns', address: 'example.com', port: 9735 }, '050b6578616d706c652e636f6d2607'],
];

describe('address descriptors', () => {
  for (const [name, addr, hex] of CASES) {
    it(`${name} encodes and decodes`, () => {
      expect(toHex(encodeAddressDescriptor(addr))).toBe(hex);
      expect(decodeAddressDescriptor(fromHex(hex))).toEqual(addr);
    });
  }

  it('torv3 round-trips its 35 bytes and prints lowercase base32 .onion', () => {
    const bytes = encodeAddressDescriptor({ type: 'torv3', address: ONION.toUpperCase().replace('.ONION', '.onion'), port: 9735 });
    expect(bytes.length).toBe(1 + 35 + 2);
    expect(bytes[0]).toBe(4);
    expect(decodeAddressDescriptor(bytes)).toEqual({ type: 'torv3', address: ONION, port: 9735 });
  });

  it('ipv6 decodes to the canonical compressed form', () => {
    const hex = '02' + '20010db8000000000000000000000001' + '2607';
    expect(decodeAddressDescriptor(fromHex(hex))).toEqual({ type: 'ipv6', address: '2001:db8::1', port: 9735 });
  });

  it('a list stops at the first unknown type, skips Tor v2, drops port 0', () => {
    const list =
      '017f0000012607' + // 127.0.0.1:9735
      '010a0000010000' + // 10.0.0.1 port 0: dropped
      '03' + '11'.repeat(12) + // Tor v2: skipped
      '050b6578616d706c652e636f6d2607' +
      '06aabbcc' + // unknown type 6: stop here
      '017f0000022607';
    expect(decodeAddressDescriptors(fromHex(list))).toEqual([
      { type: 'ipv4', address: '127.0.0.1', port: 9735 },
      { type: 'dns', address: 'example.com', port: 9735 },
    ]);
  });

  it('a list is encoded in ascending type order', () => {
    const out = encodeAddressDescriptors([
      { type: 'dns', address: 'a.b', port: 1 },
      { type: 'ipv4', address: '1.2.3.4', port: 2 },
    ]);
    expect(toHex(out)).toBe('01010203040002' + '0503612e620001');
  });

  it.each([
    ['01010203', 'addresses.ipv4_addr'],
    ['0101020304aa', 'addresses.port'],
    ['0201', 'addresses.ipv6_addr'],
    ['04aa', 'addresses.onion_addr'],
    ['0505616263', 'addresses.hostname'],
    ['05', 'addresses.hostname_len'],
    ['0311', 'addresses.torv2'],
  ])('truncated %s fails on %s', (hex, field) => {
    try {
      decodeAddressDescriptors(fromHex(hex));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).field).toBe(field);
    }
  });

  it('a non-ASCII hostname fails', () => {
    expect(() => decodeAddressDescriptors(fromHex('0502c3a90001'))).toThrow(DecodeError);
  });

  it('a single descriptor with trailing bytes fails; unknown type gives null', () => {
    expect(() => decodeAddressDescriptor(fromHex('017f000001260700'))).toThrow(DecodeError);
    expect(decodeAddressDescriptor(fromHex('09'))).toBeNull();
  });

  it('encode refuses bad addresses and ports', () => {
    expect(() => encodeAddressDescriptor({ type: 'ipv4', address: '1.2.3', port: 1 })).toThrow(RangeError);
    expect(() => encodeAddressDescriptor({ type: 'ipv6', address: 'nope', port: 1 })).toThrow(RangeError);
    expect(() => encodeAddressDescriptor({ type: 'torv3', address: 'abc.onion', port: 1 })).toThrow(RangeError);
    expect(() => encodeAddressDescriptor({ type: 'dns', address: 'é.com', port: 1 })).toThrow(RangeError);
    expect(() => encodeAddressDescriptor({ type: 'dns', address: 'a'.repeat(256), port: 1 })).toThrow(RangeError);
    expect(() => encodeAddressDescriptor({ type: 'ipv4', address: '1.2.3.4', port: 65536 })).toThrow(RangeError);
  });

  it('base32 matches RFC 4648 vectors (lowercase, unpadded)', () => {
    const enc = (s: string): string => base32Encode(new TextEncoder().encode(s));
    expect(enc('')).toBe('');
    expect(enc('f')).toBe('my');
    expect(enc('fo')).toBe('mzxq');
    expect(enc('foo')).toBe('mzxw6');
    expect(enc('foob')).toBe('mzxw6yq');
    expect(enc('fooba')).toBe('mzxw6ytb');
    expect(enc('foobar')).toBe('mzxw6ytboi');
    expect(new TextDecoder().decode(base32Decode('MZXW6YTBOI'))).toBe('foobar');
    expect(base32Decode('my1')).toBeNull();
    expect(base32Decode('mz')).toBeNull(); // non-zero trailing bits
    expect(base32Decode('m')).toBeNull(); // 5 bits: no byte
    expect(base32Decode('mzxw6ytbo')).toBeNull(); // 45 bits: 5 left over
    expect(base32Decode('')).toEqual(new Uint8Array(0));
    // Only ASCII letters fold: 'ß'.toUpperCase() is 'SS', 'ı'.toUpperCase() is 'I'.
    expect([base32Decode('mzxw6ytboß'), base32Decode('ıi')]).toEqual([null, null]);
  });
});
