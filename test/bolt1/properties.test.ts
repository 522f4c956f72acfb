// fast-check: arbitrary bytes into every decoder give a value or a typed
// DecodeError (field + reason), never anything else; encode(decode(x)) is
// stable; decode(encode(v)) gives v back for generated values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WireAddress } from '../../src/address/types.js';
import {
  CHAIN_HASHES,
  decodeAddressDescriptor,
  decodeAddressDescriptors,
  decodeBigSize,
  DecodeError,
  decodeError,
  decodeInit,
  decodeInitPayload,
  decodeMessage,
  decodePing,
  decodePong,
  decodeTlvStream,
  decodeTruncatedUint,
  decodeWarning,
  encodeAddressDescriptor,
  encodeAddressDescriptors,
  encodeBigSize,
  encodeError,
  encodeInit,
  encodeMessage,
  encodePing,
  encodePong,
  encodeTlvStream,
  encodeWarning,
  encodeTruncatedUint,
  checkPeerInit,
  DEFAULT_FEATURES,
  featuresFromBits,
} from '../../src/bolt1/index.js';
import type { InitMessage } from '../../src/bolt1/index.js';
import { formatIPv4, formatIPv6 } from '../../src/address/ip.js';
import { base32Encode } from '../../src/bolt1/base32.js';

const RUNS = { numRuns: 400 };

/** Runs `f`; a DecodeError with a field and a reason is fine, anything else fails the property. */
function valueOrDecodeError<T>(f: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(e.field.length).toBeGreaterThan(0);
    expect(e.reason.length).toBeGreaterThan(0);
    return { ok: false };
  }
}

const u16be = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
const cat = (...p: Uint8Array[]): Uint8Array => Uint8Array.from(p.flatMap((x) => [...x]));

// Bytes biased towards the shapes decoders accept, so they get past the first field.
const addrish = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 40 })).map(([t, b]) => cat(Uint8Array.of(t), b)),
  fc.tuple(fc.constantFrom([1, 4], [2, 16], [4, 35]), fc.nat(65535)).chain(([[t, n], port]) =>
    fc.uint8Array({ minLength: n, maxLength: n }).map((b) => cat(Uint8Array.of(t), b, u16be(port))),
  ),
  fc.tuple(fc.uint8Array({ maxLength: 20 }).map((b) => b.map((x) => x & 0x7f)), fc.nat(65535)).map(([h, port]) =>
    cat(Uint8Array.of(5, h.length), h, u16be(port)),
  ),
);
// TLV records, mostly well-formed: networks (k*32 bytes), remote_addr, random types.
const tlvRecord = fc.oneof(
  fc.tuple(fc.bigInt({ min: 0n, max: 300n }), fc.uint8Array({ maxLength: 40 })),
  fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 3 }).map((hs) => [1n, cat(...hs)] as const),
  addrish.map((a) => [3n, a] as const),
);
const tlvRecordBytes = tlvRecord.map(([t, v]) => cat(encodeBigSize(t), encodeBigSize(v.length), v));
const tlvish = fc.oneof(
  fc.array(tlvRecordBytes, { maxLength: 4 }).map((rs) => cat(...rs)),
  fc
    .uniqueArray(tlvRecord, { maxLength: 4, selector: ([t]) => t })
    .map((rs) => cat(...[...rs].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([t, v]) => cat(encodeBigSize(t), encodeBigSize(v.length), v)))),
);
const initish = fc
  .tuple(fc.uint8Array({ maxLength: 10 }), fc.uint8Array({ maxLength: 10 }), fc.oneof(tlvish, fc.uint8Array({ maxLength: 20 })))
  .map(([g, f, t]) => cat(u16be(16), u16be(g.length), g, u16be(f.length), f, t));
const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 80 }), initish);
const withType = (type: number) => fc.uint8Array({ maxLength: 60 }).map((b) => cat(u16be(type), b));

describe('every decoder gives a value or a DecodeError', () => {
  it('decodeMessage', () => fc.assert(fc.property(anyBytes, (b) => void valueOrDecodeError(() => decodeMessage(b))), RUNS));
  it('decodeBigSize', () => fc.assert(fc.property(anyBytes, (b) => void valueOrDecodeError(() => decodeBigSize(b))), RUNS));
  it('decodeTruncatedUint', () =>
    fc.assert(fc.property(fc.uint8Array({ maxLength: 10 }), (b) => void valueOrDecodeError(() => decodeTruncatedUint(b, 8, 'x'))), RUNS));
  it('decodeTlvStream', () =>
    fc.assert(
      fc.property(fc.oneof(tlvish, anyBytes), (b) => {
        const r = valueOrDecodeError(() => decodeTlvStream(b, { field: 't', isKnown: (t) => t < 10n, keepUnknownOdd: true }));
        if (r.ok) {
          const all = [...r.value.known, ...r.value.unknownOdd];
          const again = decodeTlvStream(encodeTlvStream(all), { field: 't', isKnown: (t) => t < 10n, keepUnknownOdd: true });
          expect(again).toEqual(r.value);
        }
      }),
      RUNS,
    ));
  it('decodeInit and decodeInitPayload: a valid init re-encodes to the same bytes', () =>
    fc.assert(
      fc.property(fc.oneof(initish, anyBytes), (b) => {
        const r = valueOrDecodeError(() => decodeInit(b));
        if (r.ok) {
          expect(encodeInit(r.value)).toEqual(b);
          // The check never throws on a decoded init.
          const c = checkPeerInit({ features: DEFAULT_FEATURES, chainHash: CHAIN_HASHES.regtest }, r.value);
          expect(typeof c.ok).toBe('boolean');
        }
        valueOrDecodeError(() => decodeInitPayload(b));
      }),
      RUNS,
    ));
  it('decodeAddressDescriptor(s): encode(decode(x)) is stable', () =>
    fc.assert(
      fc.property(addrish, (b) => {
        const one = valueOrDecodeError(() => decodeAddressDescriptor(b));
        if (one.ok && one.value !== null) expect(encodeAddressDescriptor(one.value)).toEqual(b);
        const list = valueOrDecodeError(() => decodeAddressDescriptors(b));
        if (list.ok) expect(decodeAddressDescriptors(encodeAddressDescriptors(list.value))).toEqual(list.value);
      }),
      RUNS,
    ));
  it('decodePing / decodePong: encode(decode(x)) is stable', () =>
    fc.assert(
      fc.property(fc.oneof(withType(18), withType(19), anyBytes), (b) => {
        const p = valueOrDecodeError(() => decodePing(b));
        if (p.ok) {
          const once = encodePing(p.value);
          expect(encodePing(decodePing(once))).toEqual(once);
          expect(decodePing(once).numPongBytes).toBe(p.value.numPongBytes);
        }
        const q = valueOrDecodeError(() => decodePong(b));
        if (q.ok) {
          const once = encodePong(q.value);
          expect(encodePong(decodePong(once))).toEqual(once);
        }
      }),
      RUNS,
    ));
  it('decodeError / decodeWarning: encode(decode(x)) is stable', () =>
    fc.assert(
      fc.property(fc.oneof(withType(17), withType(1), anyBytes, fc.uint8Array({ minLength: 34, maxLength: 80 }).map((x) => cat(u16be(17), x))), (b) => {
        const e = valueOrDecodeError(() => decodeError(b));
        if (e.ok) expect(decodeError(encodeError(e.value))).toEqual(e.value);
        const w = valueOrDecodeError(() => decodeWarning(b));
        if (w.ok) expect(decodeWarning(encodeWarning(w.value))).toEqual(w.value);
      }),
      RUNS,
    ));
});

// Generated values: decode(encode(v)) === v.
const wireAddress: fc.Arbitrary<WireAddress> = fc.oneof(
  fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.nat(65535)).map(([b, port]) => ({ type: 'ipv4' as const, address: formatIPv4(b), port })),
  fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(65535)).map(([b, port]) => ({ type: 'ipv6' as const, address: formatIPv6(b), port })),
  fc.tuple(fc.uint8Array({ minLength: 35, maxLength: 35 }), fc.nat(65535)).map(([b, port]) => ({ type: 'torv3' as const, address: `${base32Encode(b)}.onion`, port })),
  fc.tuple(fc.string({ maxLength: 255, unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) }), fc.nat(65535)).map(([address, port]) => ({ type: 'dns' as const, address, port })),
);

const initMessage: fc.Arbitrary<InitMessage> = fc
  .record(
    {
      globalfeatures: fc.uint8Array({ maxLength: 8 }),
      features: fc.uint8Array({ maxLength: 16 }),
      networks: fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 3 }),
      remoteAddr: wireAddress,
      unknownOddTlvs: fc
        .uniqueArray(fc.bigInt({ min: 2n, max: (1n << 63n) - 1n }).map((t) => t * 2n + 1n), { minLength: 1, maxLength: 3 })
        .chain((types) => fc.tuple(...types.map((t) => fc.uint8Array({ maxLength: 10 }).map((value) => ({ type: t, value })))))
        .map((rs) => [...rs].sort((a, b) => (a.type < b.type ? -1 : 1))),
    },
    { requiredKeys: ['globalfeatures', 'features'] },
  );

describe('decode(encode(v)) gives v', () => {
  it('init', () => fc.assert(fc.property(initMessage, (m) => void expect(decodeInit(encodeInit(m))).toEqual(m)), RUNS));
  it('address descriptor', () =>
    fc.assert(fc.property(wireAddress, (a) => void expect(decodeAddressDescriptor(encodeAddressDescriptor(a))).toEqual(a)), RUNS));
  it('BigSize and truncated integers', () =>
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        const e = encodeBigSize(v);
        expect(decodeBigSize(e)).toEqual({ value: v, length: e.length });
        expect(decodeTruncatedUint(encodeTruncatedUint(v, 8), 8, 'x')).toBe(v);
      }),
      RUNS,
    ));
  it('message framing', () =>
    fc.assert(
      fc.property(fc.nat(65535), fc.uint8Array({ maxLength: 100 }), (t, p) => {
        const d = decodeMessage(encodeMessage(t, p));
        expect(d.type).toBe(t);
        expect(d.payload).toEqual(p);
      }),
      RUNS,
    ));
  it('ping / pong / error / warning', () =>
    fc.assert(
      fc.property(fc.nat(65535), fc.nat(200), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 50 }), (n, len, channelId, data) => {
        expect(decodePing(encodePing({ numPongBytes: n, byteslen: len }))).toEqual({ numPongBytes: n, ignored: new Uint8Array(len) });
        expect(decodePong(encodePong({ byteslen: len }))).toEqual({ ignored: new Uint8Array(len) });
        expect(decodeError(encodeError({ channelId, data }))).toEqual({ channelId, data });
        expect(decodeWarning(encodeWarning({ channelId, data }))).toEqual({ channelId, data });
      }),
      RUNS,
    ));
  it('the init check accepts any init whose even bits we offer', () =>
    fc.assert(
      fc.property(fc.subarray([0, 1, 8, 9, 12, 13, 14, 15, 44, 45, 3, 5, 7, 99, 201]), (bits) => {
        const r = checkPeerInit({ features: DEFAULT_FEATURES, chainHash: CHAIN_HASHES.regtest }, {
          globalfeatures: new Uint8Array(),
          features: featuresFromBits(bits),
        });
        expect(r.ok).toBe(true);
      }),
      RUNS,
    ));
  it('every strict prefix of a ping, pong, error, warning, or init fixed part is a DecodeError', () =>
    fc.assert(
      fc.property(fc.nat(600), fc.uint8Array({ maxLength: 40 }), initMessage, (len, data, m) => {
        const cases: [Uint8Array, (b: Uint8Array) => unknown, number][] = [
          [encodePing({ numPongBytes: 1, byteslen: len }), decodePing, Infinity],
          [encodePong({ byteslen: len }), decodePong, Infinity],
          [encodeError({ data }), decodeError, Infinity],
          [encodeWarning({ data }), decodeWarning, Infinity],
          [encodeInit(m), decodeInit, 2 + 2 + m.globalfeatures.length + 2 + m.features.length],
        ];
        for (const [full, decode, fixed] of cases) {
          for (let cut = 2; cut < Math.min(full.length, fixed); cut++) {
            expect(() => decode(full.subarray(0, cut))).toThrow(DecodeError);
          }
        }
      }),
      { numRuns: 100 },
    ));
});
