// Host grammar (connect-behaviour.md §2; CLN parse_wireaddr_internal): CLN run-wireaddr / run-ip_port_parsing cases and lnconnect's rules.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isHostError, parseHost } from '../../src/address/parse.js';
import type { HostError, ParsedHost } from '../../src/address/parse.js';
import type { DialAddress } from '../../src/address/types.js';
import { formatDialAddress } from '../../src/address/format.js';

const DEFAULT_PORT = 9735;
const ONION = '4ruvswpqec5i2gogopxl4vm5bruzknbvbylov2awbo4rxiq4cimdldad.onion';
const noDns = { dnsOk: false } as const;
const dns = { dnsOk: true } as const;

function addr(r: ParsedHost | HostError): DialAddress {
  if (isHostError(r) || r.kind !== 'address') throw new Error(`expected an address, got ${JSON.stringify(r)}`);
  return r.address;
}

describe('CLN common/test/run-wireaddr.c', () => {
  it('simple IPv4 takes the default port', () => {
    expect(addr(parseHost('127.0.0.1', DEFAULT_PORT, noDns))).toEqual({ type: 'ipv4', address: '127.0.0.1', port: 9735 });
  });
  it('IPv4 with port', () => {
    expect(addr(parseHost('127.0.0.1:1', DEFAULT_PORT, noDns))).toEqual({ type: 'ipv4', address: '127.0.0.1', port: 1 });
  });
  it('simple IPv6', () => {
    expect(addr(parseHost('::1', DEFAULT_PORT, noDns))).toEqual({ type: 'ipv6', address: '::1', port: 9735 });
  });
  it('IPv6 with port', () => {
    expect(addr(parseHost('[::1]:1', DEFAULT_PORT, noDns))).toEqual({ type: 'ipv6', address: '::1', port: 1 });
  });
  it.each(['autotor:127.0.0.1', 'autotor:127.0.0.1:9055', 'autotor:127.0.0.1/torport=9055', 'autotor:127.0.0.1:9055/torport=10055', 'statictor:127.0.0.1', 'statictor:127.0.0.1:9055', 'statictor:127.0.0.1/torport=9055', 'statictor:127.0.0.1:9055/torport=10055', `statictor:127.0.0.1:9055/torport=10055/torblob=${'x'.repeat(64)}`])(
    '%s is a listening-only type (not a simple type for connect)',
    (h) => {
      expect(parseHost(h, DEFAULT_PORT, noDns)).toEqual({ error: 'not a simple type', notSimple: true });
    },
  );
  it('local socket path', () => {
    expect(addr(parseHost('/tmp/foo.sock', DEFAULT_PORT, noDns))).toEqual({ type: 'local socket', socket: '/tmp/foo.sock' });
  });
  it('ws: is only for IP addresses (ws:/tmp/foo.sock fails)', () => {
    expect(parseHost('ws:/tmp/foo.sock', DEFAULT_PORT, noDns)).toEqual({ error: 'Could not resolve websocket address' });
    expect(parseHost('ws:/tmp/foo.sock', DEFAULT_PORT, dns)).toEqual({ error: 'Could not resolve websocket address' });
  });
  it('ws: IP forms are dialled as plain TCP (as CLN dials them)', () => {
    expect(addr(parseHost('ws:127.0.0.1', DEFAULT_PORT, noDns))).toEqual({ type: 'ipv4', address: '127.0.0.1', port: 9735 });
    expect(addr(parseHost('ws:127.0.0.1:1', DEFAULT_PORT, noDns))).toEqual({ type: 'ipv4', address: '127.0.0.1', port: 1 });
    expect(addr(parseHost('ws:::1', DEFAULT_PORT, noDns))).toEqual({ type: 'ipv6', address: '::1', port: 9735 });
    expect(addr(parseHost('ws:[::1]:1', DEFAULT_PORT, noDns))).toEqual({ type: 'ipv6', address: '::1', port: 1 });
  });
  it('ws: and ws::1 are ALLPROTO: not a simple type', () => {
    expect(parseHost('ws:', DEFAULT_PORT, noDns)).toEqual({ error: 'not a simple type', notSimple: true });
    expect(parseHost('ws::1', DEFAULT_PORT, noDns)).toEqual({ error: 'not a simple type', notSimple: true });
  });
  it('unresolved name without DNS (FORPROXY), with and without port', () => {
    expect(addr(parseHost('ozlabs.org', DEFAULT_PORT, noDns))).toEqual({ type: 'unresolved', address: 'ozlabs.org', port: 9735 });
    expect(addr(parseHost('ozlabs.org:1234', DEFAULT_PORT, noDns))).toEqual({ type: 'unresolved', address: 'ozlabs.org', port: 1234 });
  });
  it('a 255-byte DNS name is accepted (the longest BOLT 7 hostname)', () => {
    const name = ['a', 'b', 'c', 'd'].map((c, i) => c.repeat(i === 3 ? 63 : 63)).join('.');
    expect(name.length).toBe(255);
    expect(addr(parseHost(`dns:${name}`, DEFAULT_PORT, noDns))).toEqual({ type: 'dns', address: name, port: 9735 });
  });
});

describe('CLN common/test/run-ip_port_parsing.c (parse_wireaddr part)', () => {
  it('localhost keeps the given port', () => {
    expect(addr(parseHost('localhost', 200, noDns))).toEqual({ type: 'ipv4', address: '127.0.0.1', port: 200 });
  });
  it('the string wins the port battle; printed [::1]:9735', () => {
    const a = addr(parseHost('[::1]:9735', 500, noDns));
    expect(a).toEqual({ type: 'ipv6', address: '::1', port: 9735 });
    expect(formatDialAddress(a)).toBe('[::1]:9735');
  });
  it('uses the argument when the string has no port; printed with brackets', () => {
    const a = addr(parseHost('2001:db8:85a3::8a2e:370:7334', 9777, noDns));
    expect(formatDialAddress(a)).toBe('[2001:db8:85a3::8a2e:370:7334]:9777');
  });
  it('IPv4-mapped IPv6 with port', () => {
    expect(addr(parseHost('[::ffff:127.0.0.1]:49150', 1, noDns))).toEqual({ type: 'ipv6', address: '::ffff:127.0.0.1', port: 49150 });
  });
  it('Tor v3 with and without port', () => {
    expect(addr(parseHost(`${ONION}:49150`, 1, noDns))).toEqual({ type: 'torv3', address: ONION, port: 49150 });
    expect(addr(parseHost(ONION, 1, noDns))).toEqual({ type: 'torv3', address: ONION, port: 1 });
    expect(addr(parseHost(ONION, 1, dns))).toEqual({ type: 'torv3', address: ONION, port: 1 });
  });
  it('Tor v2 is rejected', () => {
    expect(parseHost('odpzvneidqdf5hdq.onion:49150', 1, noDns)).toEqual({ error: 'Invalid Tor address' });
    expect(parseHost('odpzvneidqdf5hdq.onion', 1, noDns)).toEqual({ error: 'Invalid Tor address' });
    expect(parseHost('aaa.onion', 1, dns)).toEqual({ error: 'Invalid Tor address' });
  });
});

describe('lnconnect host grammar', () => {
  it('local socket: 107 bytes ok, 108 too long', () => {
    const p107 = '/' + 'a'.repeat(106);
    expect(addr(parseHost(p107, 1, dns))).toEqual({ type: 'local socket', socket: p107 });
    expect(parseHost(p107 + 'a', 1, dns)).toEqual({ error: 'Socket name too long' });
    expect(parseHost('/' + 'é'.repeat(54), 1, dns)).toEqual({ error: 'Socket name too long' });
  });
  it('empty and :port are not simple types', () => {
    for (const h of ['', ':1234']) expect(parseHost(h, 1, dns)).toEqual({ error: 'not a simple type', notSimple: true });
  });
  it('ip6-localhost → ::1 without DNS; localhost:port', () => {
    expect(addr(parseHost('ip6-localhost', 7, dns))).toEqual({ type: 'ipv6', address: '::1', port: 7 });
    expect(addr(parseHost('localhost:1234', 7, dns))).toEqual({ type: 'ipv4', address: '127.0.0.1', port: 1234 });
  });
  it('::1:1234 is the IPv6 address ::1:1234 with the given port', () => {
    expect(addr(parseHost('::1:1234', 19846, dns))).toEqual({ type: 'ipv6', address: '::1:1234', port: 19846 });
  });
  it('IPv6 is stored canonical, lowercase, without brackets', () => {
    expect(addr(parseHost('[2001:DB8:0:0:0:0:0:1]', 1, dns))).toEqual({ type: 'ipv6', address: '2001:db8::1', port: 1 });
  });
  it('dns: entries', () => {
    expect(addr(parseHost('dns:example.com', 9735, dns))).toEqual({ type: 'dns', address: 'example.com', port: 9735 });
    expect(addr(parseHost('dns:example.com:42', 9735, dns))).toEqual({ type: 'dns', address: 'example.com', port: 42 });
    expect(addr(parseHost('dns:localhost', 9735, dns))).toEqual({ type: 'dns', address: 'localhost', port: 9735 });
    expect(parseHost('dns:1.2.3.4', 9735, dns)).toEqual({ error: 'dns: must be followed by a name' });
    expect(parseHost('dns:[::1]:5', 9735, dns)).toEqual({ error: 'dns: must be followed by a name' });
    expect(parseHost('dns:', 9735, dns)).toEqual({ error: 'dns: must be followed by a name' });
    expect(parseHost(`dns:${'a'.repeat(256)}`, 9735, dns)).toEqual({ error: 'DNS address too long' });
    expect(parseHost('dns:foo:0', 9735, dns)).toEqual({ error: 'Error parsing hostname' });
  });
  it('Error parsing hostname for a bad split', () => {
    for (const h of ['[::1', 'host:abc', 'host:0', 'host:65536', '[::1]:http']) {
      expect(parseHost(h, 1, dns)).toEqual({ error: 'Error parsing hostname' });
    }
  });
  it('a name goes to the caller with DNS, to the proxy without', () => {
    expect(parseHost('example.com', 9735, dns)).toEqual({ kind: 'name', name: 'example.com', port: 9735 });
    expect(parseHost('example.com:42', 9735, dns)).toEqual({ kind: 'name', name: 'example.com', port: 42 });
    expect(parseHost('foo..bar', 19846, dns)).toEqual({ kind: 'name', name: 'foo..bar', port: 19846 });
    expect(parseHost('a@b', 19846, dns)).toEqual({ kind: 'name', name: 'a@b', port: 19846 });
  });
  it('Name too long at 256 bytes', () => {
    expect(parseHost('a'.repeat(255), 1, dns)).toEqual({ kind: 'name', name: 'a'.repeat(255), port: 1 });
    expect(parseHost('a'.repeat(256), 1, dns)).toEqual({ error: 'Name too long' });
    expect(parseHost('a'.repeat(256), 1, noDns)).toEqual({ error: 'Name too long' });
  });
  it('onion names are case-sensitive base32 (uppercase rejected)', () => {
    expect(parseHost(ONION.replace('4ruv', '4RUV'), 1, dns)).toEqual({ error: 'Invalid Tor address' });
    expect(parseHost('1' + ONION.slice(1), 1, dns)).toEqual({ error: 'Invalid Tor address' });
  });
  it('never throws; errors are non-empty strings; ports stay in range', () => {
    const hostArb = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.constantFrom('[', ']', ':', '/', '.', 'dns:', 'ws:', 'a', '1', '::1', '.onion', 'localhost', '@', '0', '65536', 'autotor:'), { maxLength: 12 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(hostArb, fc.integer({ min: 1, max: 65535 }), fc.boolean(), (h, p, dnsOk) => {
        const r = parseHost(h, p, { dnsOk });
        if (isHostError(r)) {
          expect(r.error.length).toBeGreaterThan(0);
        } else if (r.kind === 'name') {
          expect(dnsOk).toBe(true);
          expect(r.port >= 1 && r.port <= 65535).toBe(true);
        } else if (r.address.type !== 'local socket' && r.address.type !== 'websocket') {
          expect(r.address.port >= 1 && r.address.port <= 65535).toBe(true);
          expect(r.address.type === 'unresolved' && dnsOk).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
