// BOLT 1 init: Core Lightning's default init decodes to exactly what it sends,
// encode/decode round trips, networks and remote_addr TLVs.
import { describe, expect, it } from 'vitest';
import {
  CHAIN_HASHES,
  decodeInit,
  decodeInitPayload,
  DecodeError,
  decodeMessage,
  encodeInit,
  featureBits,
  featuresToHex,
  fromHex,
  toHex,
} from '../../src/bolt1/index.js';
import type { InitMessage } from '../../src/bolt1/index.js';

const REGTEST = toHex(CHAIN_HASHES.regtest);
// What CLN writes by default on regtest (cln-reference §8.1): gflen 2, 1100,
// flen 8, 800898880a8a59a1, TLV 1 with one chain hash.
const CLN_INIT = `0010` + `0002` + `1100` + `0008` + `800898880a8a59a1` + `0120` + REGTEST;

describe('init', () => {
  it("decodes Core Lightning's default init to exactly what it sends", () => {
    const m = decodeInit(fromHex(CLN_INIT));
    expect(toHex(m.globalfeatures)).toBe('1100');
    expect(featuresToHex(m.features)).toBe('800898880a8a59a1');
    expect(featureBits(m.features)).toEqual([0, 5, 7, 8, 11, 12, 14, 17, 19, 23, 25, 27, 35, 39, 43, 44, 47, 51, 63]);
    expect(featureBits(m.globalfeatures)).toEqual([8, 12]);
    expect(m.networks?.map(toHex)).toEqual([REGTEST]);
    expect(m.remoteAddr).toBeUndefined();
    expect(m.unknownOddTlvs).toBeUndefined();
    expect(toHex(encodeInit(m))).toBe(CLN_INIT);
  });

  it('payload decoder takes what decodeMessage returns', () => {
    const { type, payload } = decodeMessage(fromHex(CLN_INIT));
    expect(type).toBe(16);
    expect(decodeInitPayload(payload)).toEqual(decodeInit(fromHex(CLN_INIT)));
  });

  it('round-trips every field', () => {
    const m: InitMessage = {
      globalfeatures: fromHex('0100'),
      features: fromHex('00200000005102'),
      networks: [CHAIN_HASHES.bitcoin, CHAIN_HASHES.testnet],
      remoteAddr: { type: 'ipv6', address: '2001:db8::1', port: 9735 },
      unknownOddTlvs: [{ type: 0x10001n, value: fromHex('abcd') }],
    };
    const bytes = encodeInit(m);
    expect(decodeInit(bytes)).toEqual(m);
    // remote_addr is TLV 3 = 0x03, length 19.
    expect(toHex(bytes)).toContain('0313' + '02' + '20010db8000000000000000000000001' + '2607');
  });

  it('an empty networks TLV is present with no chains', () => {
    expect(decodeInit(fromHex('0010000000000100')).networks).toEqual([]);
  });

  it('networks not a multiple of 32 bytes fails', () => {
    expect(() => decodeInit(fromHex('00100000000001021122'))).toThrow(DecodeError);
  });

  it('remote_addr that is no known descriptor is kept raw, not an error', () => {
    const m = decodeInit(fromHex('0010000000000302ff00'));
    expect(m.remoteAddr).toBeUndefined();
    expect(toHex(m.remoteAddrData!)).toBe('ff00');
    expect(toHex(encodeInit(m))).toBe('0010000000000302ff00');
    const truncated = decodeInit(fromHex('00100000000003037f0000'));
    expect(truncated.remoteAddr).toBeUndefined();
    expect(toHex(truncated.remoteAddrData!)).toBe('7f0000');
  });

  it('remote_addr ipv4 with port 0 is decoded; the reader decides', () => {
    const m = decodeInit(fromHex('00100000000003070102030405' + '0000'));
    expect(m.remoteAddr).toEqual({ type: 'ipv4', address: '2.3.4.5', port: 0 });
  });

  it('keeps features longer than globalfeatures and leading zero bytes', () => {
    const m = decodeInit(fromHex('0010' + '0001' + '01' + '0003' + '000002'));
    expect(toHex(m.features)).toBe('000002');
    expect(toHex(m.globalfeatures)).toBe('01');
  });

  it.each([
    ['', 'init.gflen'],
    ['00', 'init.gflen'],
    ['0002', 'init.globalfeatures'],
    ['000011', 'init.flen'],
    ['00000002ff', 'init.features'],
  ])('truncated payload %j fails on %s', (hex, field) => {
    try {
      decodeInitPayload(fromHex(hex));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).field).toBe(field);
    }
  });

  it('a message of another type is refused', () => {
    expect(() => decodeInit(fromHex('001100'))).toThrow(/init.type/);
  });

  it('encode refuses a chain hash that is not 32 bytes and a known type in unknownOddTlvs', () => {
    const base = { globalfeatures: new Uint8Array(), features: new Uint8Array() };
    expect(() => encodeInit({ ...base, networks: [new Uint8Array(31)] })).toThrow(RangeError);
    expect(() => encodeInit({ ...base, unknownOddTlvs: [{ type: 3n, value: new Uint8Array() }] })).toThrow(RangeError);
    expect(() => encodeInit({ ...base, unknownOddTlvs: [{ type: 4n, value: new Uint8Array() }] })).toThrow(RangeError);
  });
});
