// Node id parsing: 66 hex chars, any case, valid compressed secp256k1 point (CLN node_id_from_hexstr).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nodeIdBackend, parseNodeId, parseNodeIdPortable } from '../../src/address/node-id.js';

const GX = '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';

describe('parseNodeId', () => {
  it('accepts the generator point with either prefix, returning lowercase', () => {
    expect(parseNodeId('02' + GX)).toBe('02' + GX);
    expect(parseNodeId('03' + GX)).toBe('03' + GX);
    expect(parseNodeId(('02' + GX).toUpperCase())).toBe('02' + GX);
  });
  it('rejects an x that is not on the curve', () => {
    expect(parseNodeId('02' + '5'.padStart(64, '0'))).toBeNull();
  });
  it('rejects x ≥ field prime', () => {
    expect(parseNodeId('02' + 'ff'.repeat(32))).toBeNull();
  });
  it('rejects wrong prefixes (00, 04, 05)', () => {
    for (const p of ['00', '04', '05', '12']) expect(parseNodeId(p + GX)).toBeNull();
  });
  it('rejects wrong lengths and non-hex', () => {
    expect(parseNodeId('')).toBeNull();
    expect(parseNodeId('02' + GX.slice(2))).toBeNull();
    expect(parseNodeId('02' + GX + '00')).toBeNull();
    expect(parseNodeId('02' + GX.slice(0, -1) + 'g')).toBeNull();
    expect(parseNodeId(' 02' + GX.slice(1))).toBeNull();
  });
  it('the native and portable backends agree on arbitrary 02/03 keys', () => {
    console.log(`node id backend: ${nodeIdBackend()}`);
    fc.assert(
      fc.property(fc.constantFrom('02', '03', '04', '00'), fc.uint8Array({ minLength: 32, maxLength: 32 }), (prefix, x) => {
        const hex = prefix + Buffer.from(x).toString('hex');
        expect(parseNodeId(hex)).toBe(parseNodeIdPortable(hex));
      }),
      { numRuns: 300 },
    );
  });
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = parseNodeId(s);
        expect(r === null || /^0[23][0-9a-f]{64}$/.test(r)).toBe(true);
      }),
    );
  });
});
