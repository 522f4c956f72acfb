// CLN separate_address_and_port rules (common/test/run-ip_port_parsing.c cases transcribed) plus lnconnect's port range.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePortText, separateAddressAndPort } from '../../src/address/split.js';

describe('separateAddressAndPort: CLN run-ip_port_parsing', () => {
  it.each(['[', '[123', '[::1]:8f', '127.0.0.1:8f', '127.0.0.1:0', '127.0.0.1:ff', '[::1]:http'])(
    'rejects grossly invalid %s',
    (s) => {
      expect(separateAddressAndPort(s)).toEqual({ ok: false });
    },
  );
  it.each([
    ['[::1]:80', '::1', 80],
    ['ip6-localhost', 'ip6-localhost', undefined],
    ['::1', '::1', undefined],
    ['192.168.1.1:8000', '192.168.1.1', 8000],
    ['192.168.2.255', '192.168.2.255', undefined],
    ['example.com:42', 'example.com', 42],
    ['sub.example.com:21', 'sub.example.com', 21],
    ['sub.example.com', 'sub.example.com', undefined],
    ['[::1]', '::1', undefined],
  ] as const)('accepts %s → host %s port %s', (s, host, port) => {
    expect(separateAddressAndPort(s)).toEqual(port === undefined ? { ok: true, host } : { ok: true, host, port });
  });
});

describe('separateAddressAndPort: the rest of the rules', () => {
  it('several colons, or a trailing colon: the whole string is the host', () => {
    expect(separateAddressAndPort('::1:1234')).toEqual({ ok: true, host: '::1:1234' });
    expect(separateAddressAndPort('host:')).toEqual({ ok: true, host: 'host:' });
    expect(separateAddressAndPort('a:b:c')).toEqual({ ok: true, host: 'a:b:c' });
  });
  it('a leading colon splits off an empty host', () => {
    expect(separateAddressAndPort(':1234')).toEqual({ ok: true, host: '', port: 1234 });
    expect(separateAddressAndPort('')).toEqual({ ok: true, host: '' });
  });
  it('brackets: port only after a colon following ]', () => {
    expect(separateAddressAndPort('[::1]junk')).toEqual({ ok: true, host: '::1' });
    expect(separateAddressAndPort('[::1]:')).toEqual({ ok: false });
  });
  it('port range 1..65535; above is refused (lnconnect: no silent u16 wrap)', () => {
    expect(separateAddressAndPort('h:65535')).toEqual({ ok: true, host: 'h', port: 65535 });
    expect(separateAddressAndPort('h:65536')).toEqual({ ok: false });
    expect(separateAddressAndPort('h:70000')).toEqual({ ok: false });
    expect(separateAddressAndPort('h:1')).toEqual({ ok: true, host: 'h', port: 1 });
  });
  it('signs, spaces and junk are refused; leading zeros are decimal', () => {
    for (const p of ['-1', '+1', ' 1', '1 ', '1a', '0x10', '1.5', '00']) expect(parsePortText(p)).toBeNull();
    expect(parsePortText('0080')).toBe(80);
    expect(parsePortText('0000000000065535')).toBe(65535);
    expect(parsePortText('99999999999999999999')).toBeNull();
  });
  it('never throws; a port when present is in range', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const r = separateAddressAndPort(s);
        if (r.ok && r.port !== undefined) expect(r.port >= 1 && r.port <= 65535).toBe(true);
      }),
    );
  });
});
