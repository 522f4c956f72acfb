// IP literal parsing (inet_pton rules) and canonical printing (RFC 5952, IPv4-mapped dotted).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalIPv4, canonicalIPv6, parseIPv4, parseIPv6 } from '../../src/address/ip.js';
import { isIPv4, isIPv6 } from 'node:net';

describe('IPv4', () => {
  it.each(['1.2.3.4', '0.0.0.0', '255.255.255.255', '127.0.0.1'])('accepts %s', (s) => {
    expect(canonicalIPv4(s)).toBe(s);
  });
  it.each(['1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', '1.2.3.-1', '1..2.3', '', 'a.b.c.d', '1.2.3.4 '])(
    'rejects %s',
    (s) => {
      expect(parseIPv4(s)).toBeNull();
    },
  );
});

describe('IPv6', () => {
  it.each([
    ['::1', '::1'],
    ['::', '::'],
    ['1::', '1::'],
    ['::1:1234', '::1:1234'],
    ['2001:DB8:85A3:0:0:8A2E:370:7334', '2001:db8:85a3::8a2e:370:7334'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['::ffff:127.0.0.1', '::ffff:127.0.0.1'],
    ['::ffff:7f00:1', '::ffff:127.0.0.1'],
    ['::1.2.3.4', '::102:304'],
    ['fe80::1:2:3:4:5:6', 'fe80:0:1:2:3:4:5:6'],
    // ipaddr.js alone would read these as IPv4-mapped (::ffff:…); inet_pton keeps them IPv4-compatible.
    ['::0.0.0.0', '::'],
    ['::255.255.255.255', '::ffff:ffff'],
  ])('%s → %s', (s, canon) => {
    expect(canonicalIPv6(s)).toBe(canon);
  });
  it.each([':1::', '1:::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7::8', '12345::', 'fe80::1%eth0', '[::1]', '1.2.3.4', '::1.2.3', '1.2.3.4::', '', '::01.2.3.4', '::0x1.2.3.4', '::1.2.3.4%eth0', '1.2.3.4:1::'])(
    'rejects %s',
    (s) => {
      expect(parseIPv6(s)).toBeNull();
    },
  );
  it('agrees with node:net on what is an IPv6 literal (without zone ids)', () => {
    const hex = fc.constantFrom('0', '1', 'a', 'F', 'ffff', '00', ':', ':', ':', '.', '1.2.3.4', '%');
    fc.assert(
      fc.property(fc.array(hex, { maxLength: 14 }).map((a) => a.join('')), (s) => {
        if (s.includes('%')) return;
        expect(parseIPv6(s) !== null).toBe(isIPv6(s));
      }),
      { numRuns: 3000 },
    );
  });
  it('agrees with node:net on IPv4 literals', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('0', '1', '25', '255', '256', '01', '.', '.'), { maxLength: 9 }).map((a) => a.join('')), (s) => {
        expect(parseIPv4(s) !== null).toBe(isIPv4(s));
      }),
    );
  });
  it('canonical form is a fixed point and parses to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 7 }), (b, zeros) => {
        b.fill(0, 0, zeros * 2);
        const text = canonicalIPv6(Array.from({ length: 8 }, (_, i) => (((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0)).toString(16)).join(':'));
        expect(text).not.toBeNull();
        expect(canonicalIPv6(text ?? '')).toBe(text);
        expect(parseIPv6(text ?? '')).toEqual(b);
      }),
    );
  });
});
