/** `ws://` / `wss://` hosts in the connect grammar (src/address/ws-url.ts, parse.ts rule 0, connect-params `id@…`). */
import { describe, expect, it } from 'vitest';
import { dialAddressKey, formatDialAddress, toAddressJson } from '../../src/address/format.js';
import { parseHost } from '../../src/address/parse.js';
import { parseConnectParams, resolveConnectTarget } from '../../src/rpc/connect-params.js';

const ID = '028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7'; // BOLT 8 Appendix A responder
const ON = { dnsOk: true };

describe('WebSocket URLs as dialled hosts', () => {
  it('parses ws://ip:port: label as typed, result address the TCP host', () => {
    const r = parseHost('ws://127.0.0.1:9736', 9735, ON);
    expect(r).toMatchObject({ kind: 'address', address: { type: 'websocket', label: 'ws://127.0.0.1:9736', tls: false } });
    if (!('kind' in r) || r.kind !== 'address') throw new Error('not an address');
    expect(formatDialAddress(r.address)).toBe('ws://127.0.0.1:9736');
    expect(toAddressJson(r.address)).toEqual({ type: 'ipv4', address: '127.0.0.1', port: 9736 });
    expect(dialAddressKey(r.address)).not.toBe(dialAddressKey({ type: 'ipv4', address: '127.0.0.1', port: 9736 }));
  });

  it('takes wss://name/path on 443 and a bracketed IPv6 host', () => {
    const r = parseHost('wss://node.example/lightning?x=1', 9735, ON);
    if (!('kind' in r) || r.kind !== 'address') throw new Error('not an address');
    expect(r.address).toMatchObject({ type: 'websocket', tls: true, label: 'wss://node.example/lightning?x=1' });
    expect(toAddressJson(r.address)).toEqual({ type: 'dns', address: 'node.example', port: 443 });
    const v6 = parseHost('ws://[::1]:9736', 9735, ON);
    if (!('kind' in v6) || v6.kind !== 'address') throw new Error('not an address');
    expect(toAddressJson(v6.address)).toEqual({ type: 'ipv6', address: '::1', port: 9736 });
  });

  it('refuses URLs it cannot dial with a reason', () => {
    expect(parseHost('ws://', 9735, ON)).toHaveProperty('error');
    expect(parseHost('ws://u:p@127.0.0.1:1', 9735, ON)).toEqual({ error: 'credentials in the URL are not supported' });
  });

  it('keeps the bare ws: prefix as plain TCP (Core Lightning)', () => {
    expect(parseHost('ws:127.0.0.1:9736', 9735, ON)).toEqual({ kind: 'address', address: { type: 'ipv4', address: '127.0.0.1', port: 9736 } });
    expect(parseHost('ws:node.example', 9735, ON)).toEqual({ error: 'Could not resolve websocket address' });
  });

  it('takes id@wss://host/path whole, its port and path its own', () => {
    const p = parseConnectParams([`${ID}@wss://node.example/ln`]);
    expect(p).toMatchObject({ ok: true, value: { id: ID, host: 'wss://node.example/ln' } });
    if (!p.ok) return;
    const t = resolveConnectTarget(p.value, { network: 'regtest', dnsOk: true });
    expect(t).toMatchObject({ ok: true, target: { kind: 'address', address: { type: 'websocket', label: 'wss://node.example/ln' } } });
    expect(parseConnectParams([`${ID}@ws://127.0.0.1:9736`])).toMatchObject({ ok: true, value: { host: 'ws://127.0.0.1:9736' } });
    expect(parseConnectParams([`${ID}@ws://127.0.0.1:9736`, 'x'])).toEqual({
      ok: false,
      code: -32602,
      message: "Can't specify host as both xxx@yyy and separate argument",
    });
  });
});
