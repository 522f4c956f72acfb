// Address printing: 401 `<addr>` fragments (CLN fmt_wireaddr_internal), result JSON, dedupe keys.
import { describe, expect, it } from 'vitest';
import { dedupeDialAddresses, dialAddressKey, formatDialAddress, formatRemoteAddr, fromSocketAddress, toAddressJson } from '../../src/address/format.js';
import type { DialAddress } from '../../src/address/types.js';

const ONION = '4ruvswpqec5i2gogopxl4vm5bruzknbvbylov2awbo4rxiq4cimdldad.onion';

describe('formatDialAddress', () => {
  it.each([
    [{ type: 'ipv4', address: '1.2.3.4', port: 9735 }, '1.2.3.4:9735'],
    [{ type: 'ipv6', address: '::1', port: 9735 }, '[::1]:9735'],
    [{ type: 'torv3', address: ONION, port: 9735 }, `${ONION}:9735`],
    [{ type: 'dns', address: 'example.com', port: 9735 }, 'example.com:9735'],
    [{ type: 'unresolved', address: 'example.com', port: 1 }, 'example.com:1'],
    [{ type: 'local socket', socket: '/tmp/x.sock' }, '/tmp/x.sock'],
  ] as [DialAddress, string][])('%j → %s', (a, s) => {
    expect(formatDialAddress(a)).toBe(s);
  });
  it('formatRemoteAddr prints a wire address the same way', () => {
    expect(formatRemoteAddr({ type: 'ipv6', address: '2001:db8::1', port: 1 })).toBe('[2001:db8::1]:1');
  });
});

describe('toAddressJson', () => {
  it('ipv4/ipv6/torv3 as {type, address, port} in that order', () => {
    const j = toAddressJson({ port: 9735, address: '::1', type: 'ipv6' });
    expect(JSON.stringify(j)).toBe('{"type":"ipv6","address":"::1","port":9735}');
    expect(JSON.stringify(toAddressJson({ type: 'ipv4', address: '127.0.0.1', port: 1 }))).toBe('{"type":"ipv4","address":"127.0.0.1","port":1}');
    expect(JSON.stringify(toAddressJson({ type: 'torv3', address: ONION, port: 2 }))).toBe(`{"type":"torv3","address":"${ONION}","port":2}`);
  });
  it('local socket as {type, socket}', () => {
    expect(JSON.stringify(toAddressJson({ type: 'local socket', socket: '/s' }))).toBe('{"type":"local socket","socket":"/s"}');
  });
});

describe('dialAddressKey / dedupe', () => {
  it('equal for the same IPv6 in different spellings, names case-insensitive', () => {
    expect(dialAddressKey({ type: 'ipv6', address: '2001:DB8:0::1', port: 1 })).toBe(dialAddressKey({ type: 'ipv6', address: '2001:db8::1', port: 1 }));
    expect(dialAddressKey({ type: 'dns', address: 'Example.COM', port: 1 })).toBe(dialAddressKey({ type: 'dns', address: 'example.com', port: 1 }));
  });
  it('differs by port and by kind', () => {
    expect(dialAddressKey({ type: 'ipv4', address: '1.2.3.4', port: 1 })).not.toBe(dialAddressKey({ type: 'ipv4', address: '1.2.3.4', port: 2 }));
    expect(dialAddressKey({ type: 'dns', address: 'a', port: 1 })).not.toBe(dialAddressKey({ type: 'unresolved', address: 'a', port: 1 }));
    expect(dialAddressKey({ type: 'ipv4', address: '127.0.0.1', port: 1 })).not.toBe(dialAddressKey({ type: 'ipv6', address: '::ffff:127.0.0.1', port: 1 }));
  });
  it('dedupe keeps the first occurrence, in order', () => {
    const list: DialAddress[] = [
      { type: 'ipv6', address: '::1', port: 1 },
      { type: 'ipv4', address: '127.0.0.1', port: 1 },
      { type: 'ipv6', address: '0:0::1', port: 1 },
      { type: 'local socket', socket: '/a' },
      { type: 'local socket', socket: '/a' },
    ];
    expect(dedupeDialAddresses(list)).toEqual([list[0], list[1], list[3]]);
  });
});

describe('fromSocketAddress', () => {
  it('maps node:net remote addresses', () => {
    expect(fromSocketAddress('127.0.0.1', 5)).toEqual({ type: 'ipv4', address: '127.0.0.1', port: 5 });
    expect(fromSocketAddress('::1', 5)).toEqual({ type: 'ipv6', address: '::1', port: 5 });
    expect(fromSocketAddress('::ffff:127.0.0.1', 5)).toEqual({ type: 'ipv6', address: '::ffff:127.0.0.1', port: 5 });
  });
});
