/**
 * Core Lightning's answers where a differential run found lnconnect apart
 * (issue 13, item 6): listpeers' remote_addr only when routable
 * (connectd's address_routable, loopback with --dev-allow-localhost),
 * getinfo's alias/color/address/lightning-dir/our_features. disconnect and
 * the JSON-RPC envelope texts are tested through the socket (server.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { METHODS } from '../../src/rpc/methods.js';
import type { MethodContext, RpcSettings } from '../../src/rpc/methods.js';
import { defaultAlias, defaultColor } from '../../src/rpc/node-alias.js';
import { addressRoutable, remoteAddrShown } from '../../src/rpc/routable.js';
import { fakeNode, nodeIdFor } from './fake-node.js';

describe('address_routable', () => {
  it.each(['1.2.3.4', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2a01:4f8::1', '::ffff:1.2.3.4', '2001:20::1'])('%s is routable', (ip) => {
    expect(addressRoutable(ip)).toBe(true);
  });
  it.each([
    '127.0.0.1', '0.0.0.0', '0.1.2.3', '255.255.255.255', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '198.18.0.1', '198.19.255.1',
    '169.254.1.1', '100.64.0.1', '100.127.255.255', '192.0.2.1', '198.51.100.7', '203.0.113.9', '::', '::1', 'fe80::1', 'fc00::1', 'fd6b:88c0:8724::1',
    '2001:db8::1', '2001:10::1', '::ffff:192.168.0.1', '::ffff:127.0.0.1', 'example.com', 'not an ip',
  ])('%s is not', (ip) => {
    expect(addressRoutable(ip)).toBe(false);
  });
  it('loopback only with allowLocalhost (private stays hidden)', () => {
    expect(addressRoutable('127.0.0.1', true)).toBe(true);
    expect(addressRoutable('::1', true)).toBe(true);
    expect(addressRoutable('::ffff:127.0.0.1', true)).toBe(true);
    expect(addressRoutable('10.0.0.1', true)).toBe(false);
    expect(addressRoutable('0.0.0.0', true)).toBe(false);
  });
  it('remote_addr texts: IPv4:port and [IPv6]:port only', () => {
    expect(remoteAddrShown('1.2.3.4:9735')).toBe(true);
    expect(remoteAddrShown('[2a01:4f8::1]:9735')).toBe(true);
    expect(remoteAddrShown('127.0.0.1:9735')).toBe(false);
    expect(remoteAddrShown('[::1]:9735', true)).toBe(true);
    expect(remoteAddrShown('1.2.3.4')).toBe(false);
    expect(remoteAddrShown(`${'a'.repeat(56)}.onion:9735`)).toBe(false);
  });
});

const ctx = (node: ReturnType<typeof fakeNode>, settings?: RpcSettings): MethodContext =>
  settings === undefined
    ? { node, signal: new AbortController().signal, requestStop: () => undefined }
    : { node, settings, signal: new AbortController().signal, requestStop: () => undefined };

describe('listpeers remote_addr', () => {
  const PEER = nodeIdFor(2);
  const peers = (remote: string) => [{ id: PEER, connected: true, direction: 'in' as const, features: '08', remote_addr: remote, channels: [] }];
  it.each([
    ['1.2.3.4:9735', false, true],
    ['127.0.0.1:9735', false, false],
    ['127.0.0.1:9735', true, true],
    ['192.168.1.2:9735', true, false],
  ])('%s (dev-allow-localhost %s) shown: %s', async (remote, allowLocalhost, shown) => {
    const node = fakeNode();
    node.peers = peers(remote);
    const r = (await METHODS.get('listpeers')?.([], ctx(node, { allowLocalhost }))) as { peers: Record<string, unknown>[] };
    expect(r.peers[0]?.remote_addr).toBe(shown ? remote : undefined);
  });
});

describe('getinfo', () => {
  it("Core Lightning's default alias and color for a node id (its test nodes' ids and aliases)", () => {
    expect(defaultAlias('0266e4598d1d3c415f572a8488830b60f7e744ed9235eb0b1ba93283b315c03518')).toBe('JUNIORBEAM');
    expect(defaultAlias('022d223620a359a47ff7f7ac447c85c46c923da53389221a0054c11c1e3ca31d59')).toBe('SILENTARTIST');
    expect(defaultColor('0266e4598d1d3c415f572a8488830b60f7e744ed9235eb0b1ba93283b315c03518')).toBe('0266e4');
  });
  it('with the daemon settings: lightning-dir and our_features after the existing fields', async () => {
    const node = fakeNode();
    const r = (await METHODS.get('getinfo')?.([], ctx(node, { lightningDir: '/x/regtest', features: '0a' }))) as Record<string, unknown>;
    expect(Object.keys(r)).toEqual(['id', 'alias', 'color', 'num_peers', 'address', 'binding', 'version', 'network', 'lightning-dir', 'our_features']);
    expect(r).toMatchObject({ id: node.id, alias: defaultAlias(node.id), color: node.id.slice(0, 6), address: [], 'lightning-dir': '/x/regtest', our_features: { init: '0a', node: '0a' } });
  });
});
