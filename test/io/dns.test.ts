/**
 * resolveName(): every A/AAAA result in lookup order, deduped; localhost
 * names without DNS; gai_strerror texts (connect-behaviour.md §2, §4). The
 * lookup is injected: no DNS server is queried.
 */
import { describe, expect, it } from 'vitest';
import { DnsError, resolveName, type LookupFn } from '../../src/io/dns.js';
import { gaiStrerror, socketErrorReason } from '../../src/io/errno.js';

function fakeLookup(table: Record<string, { address: string; family: number }[]>, calls: string[] = []): LookupFn {
  return async (name) => {
    calls.push(name);
    const r = table[name];
    if (r === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return r;
  };
}

function sysErr(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('resolveName', () => {
  it('returns every A and AAAA result in lookup order, without duplicates', async () => {
    const lookup = fakeLookup({
      'node.example': [
        { address: '2001:db8::1', family: 6 },
        { address: '192.0.2.1', family: 4 },
        { address: '2001:db8::1', family: 6 },
        { address: '192.0.2.2', family: 4 },
        { address: '192.0.2.1', family: 4 },
      ],
    });
    expect(await resolveName('node.example', { lookup })).toEqual([
      { type: 'ipv6', address: '2001:db8::1' },
      { type: 'ipv4', address: '192.0.2.1' },
      { type: 'ipv4', address: '192.0.2.2' },
    ]);
  });

  it('localhost and ip6-localhost never reach the lookup', async () => {
    const calls: string[] = [];
    const lookup = fakeLookup({}, calls);
    expect(await resolveName('localhost', { lookup })).toEqual([{ type: 'ipv4', address: '127.0.0.1' }]);
    expect(await resolveName('ip6-localhost', { lookup })).toEqual([{ type: 'ipv6', address: '::1' }]);
    expect(calls).toEqual([]);
  });

  it('the real system lookup works for localhost (no DNS server involved)', async () => {
    expect(await resolveName('localhost')).toEqual([{ type: 'ipv4', address: '127.0.0.1' }]);
  });

  it('an unknown name → DnsError `Name or service not known`', async () => {
    const err = await resolveName('nope.example', { lookup: fakeLookup({}) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DnsError);
    expect((err as DnsError).text).toBe('Name or service not known');
  });

  it('glibc gai_strerror texts for the common codes', async () => {
    const cases: [string, string][] = [
      ['EAI_AGAIN', 'Temporary failure in name resolution'],
      ['ENODATA', 'No address associated with hostname'],
      ['EAI_FAIL', 'Non-recoverable failure in name resolution'],
      ['ENOTFOUND', 'Name or service not known'],
    ];
    for (const [code, text] of cases) {
      const err = await resolveName('x.example', { lookup: () => Promise.reject(sysErr(code)) }).catch((e: unknown) => e);
      expect((err as DnsError).text).toBe(text);
      expect((err as DnsError).code).toBe(code);
    }
    expect(gaiStrerror(sysErr('EAI_SERVICE'))).toBe('Servname not supported for ai_socktype');
  });

  it('an empty answer → `No address associated with hostname`', async () => {
    const err = await resolveName('empty.example', { lookup: fakeLookup({ 'empty.example': [] }) }).catch((e: unknown) => e);
    expect((err as DnsError).text).toBe('No address associated with hostname');
  });

  it('abort rejects at once and drops the late answer', async () => {
    let release!: () => void;
    const lookup: LookupFn = () =>
      new Promise((resolve) => {
        release = () => resolve([{ address: '192.0.2.9', family: 4 }]);
      });
    const ac = new AbortController();
    const p = resolveName('slow.example', { lookup, signal: ac.signal });
    ac.abort(new Error('caller gave up'));
    await expect(p).rejects.toThrow('caller gave up');
    release();
  });

  it('IP literals come back as they are', async () => {
    expect(await resolveName('192.0.2.5', { lookup: fakeLookup({}) })).toEqual([{ type: 'ipv4', address: '192.0.2.5' }]);
    expect(await resolveName('::1', { lookup: fakeLookup({}) })).toEqual([{ type: 'ipv6', address: '::1' }]);
  });
});

describe('strerror texts (glibc)', () => {
  it('maps errno names to CLN reasons', () => {
    const table: [string, string][] = [
      ['ECONNREFUSED', 'Connection refused'],
      ['ETIMEDOUT', 'Connection timed out'],
      ['ENOENT', 'No such file or directory'],
      ['ECONNRESET', 'Connection reset by peer'],
      ['EHOSTUNREACH', 'No route to host'],
      ['ENETUNREACH', 'Network is unreachable'],
      ['EACCES', 'Permission denied'],
      ['EADDRNOTAVAIL', 'Cannot assign requested address'],
      ['EAFNOSUPPORT', 'Address family not supported by protocol'],
      ['ENOTSOCK', 'Socket operation on non-socket'],
      ['ECONNABORTED', 'Software caused connection abort'],
      ['EMFILE', 'Too many open files'],
      ['EPIPE', 'Broken pipe'],
    ];
    for (const [code, text] of table) expect(socketErrorReason(sysErr(code))).toBe(text);
    expect(socketErrorReason(Object.assign(new Error('x'), { code: 'EWHATEVER', errno: -200 }))).toBe('Unknown error 200');
  });
});
