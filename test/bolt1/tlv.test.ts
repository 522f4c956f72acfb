// BOLT 1 Appendix B (TLV decoding successes and failures, n1/n2 namespaces)
// and Appendix C (init message extension), each a named case.
import * as secp from '@noble/secp256k1';
import { describe, expect, it } from 'vitest';
import type { TlvRecord } from '../../src/bolt1/index.js';
import {
  decodeInit,
  DecodeError,
  decodeTlvStream,
  decodeTruncatedUint,
  encodeTlvStream,
  fromHex,
  toHex,
} from '../../src/bolt1/index.js';

type Values = Record<string, string>;

/** Decodes a stream in namespace n1 or n2 with the known-type rules of Appendix B. */
function decodeNs(ns: 'n1' | 'n2', hex: string): Values {
  const known = ns === 'n1' ? [1n, 2n, 3n, 254n] : [0n, 11n];
  const { known: recs } = decodeTlvStream(fromHex(hex), { field: ns, isKnown: (t) => known.includes(t) });
  const out: Values = {};
  const exact = (r: TlvRecord, n: number): void => {
    if (r.value.length !== n) throw new DecodeError(`${ns}[${r.type}]`, `length ${r.value.length}, need ${n}`);
  };
  for (const r of recs) {
    const f = `${ns}[${r.type}]`;
    if (ns === 'n1' && r.type === 1n) out.tlv1_amount_msat = String(decodeTruncatedUint(r.value, 8, f));
    else if (ns === 'n1' && r.type === 2n) {
      exact(r, 8);
      out.tlv2_scid = toHex(r.value);
    } else if (ns === 'n1' && r.type === 3n) {
      exact(r, 49);
      const node = toHex(r.value.subarray(0, 33));
      try {
        secp.Point.fromHex(node);
      } catch {
        throw new DecodeError(`${f}.node_id`, 'not a valid point');
      }
      const view = new DataView(r.value.buffer, r.value.byteOffset);
      out.tlv3 = `${node} ${view.getBigUint64(33)} ${view.getBigUint64(41)}`;
    } else if (ns === 'n1' && r.type === 254n) {
      exact(r, 2);
      out.tlv4_cltv_delta = String((r.value[0]! << 8) | r.value[1]!);
    } else if (ns === 'n2' && r.type === 0n) out.tlv1_amount_msat = String(decodeTruncatedUint(r.value, 8, f));
    else if (ns === 'n2' && r.type === 11n) out.tlv2_cltv_expiry = String(decodeTruncatedUint(r.value, 4, f));
  }
  return out;
}

const clean = (s: string): string => s.replace(/^0x/, '').replace(/\s+/g, '');

function expectFail(ns: 'n1' | 'n2', hex: string): void {
  expect(() => decodeNs(ns, clean(hex))).toThrow(DecodeError);
}

// "should trigger a decoding failure" in any namespace.
const FAIL_ANY: [string, string][] = [
  ['0xfd', 'type truncated'],
  ['0xfd01', 'type truncated'],
  ['0xfd0001 00', 'not minimally encoded type'],
  ['0xfd0101', 'missing length'],
  ['0x0f fd', '(length truncated)'],
  ['0x0f fd26', '(length truncated)'],
  ['0x0f fd2602', 'missing value'],
  ['0x0f fd0001 00', 'not minimally encoded length'],
  ['0x0f fd0201 ' + '00'.repeat(256), 'value truncated'],
  ['0x12 00', 'unknown even type.'],
  ['0xfd0102 00', 'unknown even type.'],
  ['0xfe01000002 00', 'unknown even type.'],
  ['0xff0100000000000002 00', 'unknown even type.'],
];

const FAIL_N1: [string, string][] = [
  ['0x01 09 ffffffffffffffffff', "greater than encoding length for n1's tlv1."],
  ['0x01 01 00', "encoding for n1's tlv1's amount_msat is not minimal (01)"],
  ['0x01 02 0001', "encoding for n1's tlv1's amount_msat is not minimal (02)"],
  ['0x01 03 000100', "encoding for n1's tlv1's amount_msat is not minimal (03)"],
  ['0x01 04 00010000', "encoding for n1's tlv1's amount_msat is not minimal (04)"],
  ['0x01 05 0001000000', "encoding for n1's tlv1's amount_msat is not minimal (05)"],
  ['0x01 06 000100000000', "encoding for n1's tlv1's amount_msat is not minimal (06)"],
  ['0x01 07 00010000000000', "encoding for n1's tlv1's amount_msat is not minimal (07)"],
  ['0x01 08 0001000000000000', "encoding for n1's tlv1's amount_msat is not minimal (08)"],
  ['0x02 07 01010101010101', "less than encoding length for n1's tlv2."],
  ['0x02 09 010101010101010101', "greater than encoding length for n1's tlv2."],
  ['0x03 21 023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb', "less than encoding length for n1's tlv3 (21)."],
  ['0x03 29 023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb0000000000000001', "less than encoding length for n1's tlv3 (29)."],
  ['0x03 30 023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb000000000000000100000000000001', "less than encoding length for n1's tlv3 (30)."],
  ['0x03 31 043da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb00000000000000010000000000000002', "n1's node_id is not a valid point."],
  ['0x03 32 023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb0000000000000001000000000000000001', "greater than encoding length for n1's tlv3."],
  ['0xfd00fe 00', "less than encoding length for n1's tlv4 (00)."],
  ['0xfd00fe 01 01', "less than encoding length for n1's tlv4 (01)."],
  ['0xfd00fe 03 010101', "greater than encoding length for n1's tlv4."],
  ['0x00 00', "unknown even field for n1's namespace."],
  // TLV Stream Decoding Failure, n1.
  ['0x02 08 0000000000000226 01 01 2a', 'valid TLV records but invalid ordering'],
  ['0x02 08 0000000000000231 02 08 0000000000000451', 'duplicate TLV type'],
  ['0x1f 00 0f 01 2a', 'valid (ignored) TLV records but invalid ordering'],
  ['0x1f 00 1f 01 2a', 'duplicate TLV type (ignored)'],
];

const FAIL_N2: [string, string][] = [['0xffffffffffffffffff 00 00 00', 'valid TLV records but invalid ordering (n2)']];

// "should correctly decode, and be ignored" in either namespace.
const OK_ANY: [string, string][] = [
  ['0x', 'empty message'],
  ['0x21 00', 'Unknown odd type (0x21).'],
  ['0xfd0201 00', 'Unknown odd type (0x0201).'],
  ['0xfd00fd 00', 'Unknown odd type (0xfd).'],
  ['0xfd00ff 00', 'Unknown odd type (0xff).'],
  ['0xfe02000001 00', 'Unknown odd type (0x02000001).'],
  ['0xff0200000000000001 00', 'Unknown odd type (0x0200000000000001).'],
];

const OK_N1: [string, Values][] = [
  ['0x01 00', { tlv1_amount_msat: '0' }],
  ['0x01 01 01', { tlv1_amount_msat: '1' }],
  ['0x01 02 0100', { tlv1_amount_msat: '256' }],
  ['0x01 03 010000', { tlv1_amount_msat: '65536' }],
  ['0x01 04 01000000', { tlv1_amount_msat: '16777216' }],
  ['0x01 05 0100000000', { tlv1_amount_msat: '4294967296' }],
  ['0x01 06 010000000000', { tlv1_amount_msat: '1099511627776' }],
  ['0x01 07 01000000000000', { tlv1_amount_msat: '281474976710656' }],
  ['0x01 08 0100000000000000', { tlv1_amount_msat: '72057594037927936' }],
  ['0x02 08 0000000000000226', { tlv2_scid: '0000000000000226' }], // scid 0x0x550
  [
    '0x03 31 023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb00000000000000010000000000000002',
    { tlv3: '023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb 1 2' },
  ],
  ['0xfd00fe 02 0226', { tlv4_cltv_delta: '550' }],
];

describe('TLV decoding failures in any namespace (Appendix B)', () => {
  for (const [hex, why] of FAIL_ANY) {
    it(`${why}: ${hex.slice(0, 40)}`, () => {
      expectFail('n1', hex);
      expectFail('n2', hex);
    });
  }
});

describe('TLV decoding failures in n1 (Appendix B)', () => {
  for (const [hex, why] of FAIL_N1) it(`${why}: ${hex.slice(0, 40)}`, () => expectFail('n1', hex));
});

describe('TLV decoding failures in n2 (Appendix B)', () => {
  for (const [hex, why] of FAIL_N2) it(why, () => expectFail('n2', hex));
});

describe('TLV decoding successes (Appendix B)', () => {
  for (const [hex, why] of OK_ANY) {
    it(`either namespace: ${why}`, () => {
      expect(decodeNs('n1', clean(hex))).toEqual({});
      expect(decodeNs('n2', clean(hex))).toEqual({});
    });
  }
  for (const [hex, values] of OK_N1) {
    it(`n1: ${hex.slice(0, 40)}`, () => expect(decodeNs('n1', clean(hex))).toEqual(values));
  }
});

describe('TLV stream concatenation rules (Appendix B)', () => {
  const firstType = (hex: string): bigint => {
    const { unknownOdd, known } = decodeTlvStream(fromHex(clean(hex)), {
      field: 't',
      isKnown: () => true,
    });
    const all = [...known, ...unknownOdd].map((r) => r.type);
    return all.length === 0 ? -1n : all.reduce((a, b) => (a < b ? a : b));
  };
  const lastType = (hex: string): bigint => {
    const { known } = decodeTlvStream(fromHex(clean(hex)), { field: 't', isKnown: () => true });
    return known.length === 0 ? -1n : known[known.length - 1]!.type;
  };
  const valid = [...OK_ANY.map(([h]) => h), ...OK_N1.map(([h]) => h)].filter((h) => clean(h) !== '');
  const invalid = [...FAIL_ANY, ...FAIL_N1].map(([h]) => h);

  it('a valid stream followed by any invalid one fails', () => {
    let n = 0;
    for (const v of valid) {
      for (const bad of invalid) {
        expectFail('n1', clean(v) + clean(bad));
        n++;
      }
    }
    expect(n).toBe(valid.length * invalid.length);
  });

  it('a lower-numbered valid stream followed by a higher-numbered one decodes', () => {
    let n = 0;
    for (const a of valid) {
      for (const b of valid) {
        if (lastType(a) < firstType(b)) {
          expect(() => decodeNs('n1', clean(a) + clean(b))).not.toThrow();
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(20);
  });
});

describe('TLV encoding', () => {
  it('sorts records and round-trips', () => {
    const recs = [
      { type: 254n, value: fromHex('0226') },
      { type: 1n, value: fromHex('01') },
    ];
    const bytes = encodeTlvStream(recs);
    expect(toHex(bytes)).toBe('010101fd00fe020226');
    expect(decodeTlvStream(bytes, { field: 't', isKnown: () => true }).known).toEqual([recs[1], recs[0]]);
  });
  it('refuses duplicate types', () => {
    expect(() => encodeTlvStream([{ type: 1n, value: new Uint8Array() }, { type: 1n, value: new Uint8Array() }])).toThrow(
      RangeError,
    );
  });
  it('keeps unknown odd records on request', () => {
    const r = decodeTlvStream(fromHex('0100c9012a'), { field: 't', isKnown: (t) => t === 1n, keepUnknownOdd: true });
    expect(r.unknownOdd).toEqual([{ type: 0xc9n, value: fromHex('2a') }]);
  });
});

describe('init message extension (Appendix C)', () => {
  it('0x001000000000: no extension provided', () => {
    expect(decodeInit(fromHex('001000000000'))).toEqual({ globalfeatures: new Uint8Array(), features: new Uint8Array() });
  });
  it('0x001000000000c9012acb0104: two unknown odd TLV records', () => {
    const m = decodeInit(fromHex('001000000000c9012acb0104'));
    expect(m.unknownOddTlvs?.map((r) => [r.type, toHex(r.value)])).toEqual([
      [0xc9n, '2a'],
      [0xcbn, '04'],
    ]);
  });
  for (const [hex, why] of [
    ['00100000000001', 'the extension is present but truncated'],
    ['001000000000ca012a', 'the extension contains unknown even TLV records'],
    ['001000000000c90101c90102', 'the extension TLV stream is invalid (duplicate TLV record type 0xc9)'],
  ] as const) {
    it(`0x${hex}: ${why}`, () => expect(() => decodeInit(fromHex(hex))).toThrow(DecodeError));
  }
});
