/**
 * The RPC side of persistent peers (issue 12): the named-only `persist`
 * parameter of `connect`, the lnconnect fields of a listpeers entry, and
 * `disconnect` of a persistent peer between redials (it stops the redials).
 */
import { describe, expect, it } from 'vitest';
import { parseConnectParams } from '../../src/rpc/connect-params.js';
import { METHODS, peerJson } from '../../src/rpc/methods.js';
import type { MethodContext } from '../../src/rpc/methods.js';
import { fakeNode, nodeIdFor } from './fake-node.js';

const ID = nodeIdFor(2);

describe('connect: named-only persist (lnconnect)', () => {
  it.each([[true, true], [false, false], ['true', true], ['false', false]] as const)('accepts %j', (v, persist) => {
    expect(parseConnectParams({ id: ID, persist: v })).toEqual({ ok: true, value: { id: ID, persist } });
  });
  it('goes next to timeout, in any order', () => {
    expect(parseConnectParams({ persist: true, id: `${ID}@127.0.0.1:9735`, timeout: 5 })).toEqual({
      ok: true,
      value: { id: ID, host: '127.0.0.1', port: 9735, timeoutSecs: 5, persist: true },
    });
  });
  it.each([[1, `'1'`], ['yes', `'"yes"'`], [{}, `'{}'`]])('refuses %j', (v, tok) => {
    expect(parseConnectParams({ id: ID, persist: v })).toEqual({
      ok: false,
      code: -32602,
      message: `persist: should be 'true' or 'false': invalid token ${tok}`,
    });
  });
  it('is not positional', () => {
    expect(parseConnectParams([ID, 'localhost', 1, true])).toMatchObject({ ok: false, message: 'too many parameters: got 4, expected 3' });
  });
});

describe('listpeers: persistent peers', () => {
  it('a disconnected persistent peer: connected false, then persistent, next_attempt_at (UNIX seconds), last_failure', () => {
    const entry = peerJson({ id: ID, connected: false, channels: [], persistent: true, nextAttemptAt: 1_764_500_000_250, lastFailure: 'peer closed connection' });
    expect(entry).toEqual({ id: ID, connected: false, num_channels: 0, channels: [], persistent: true, next_attempt_at: 1_764_500_000.25, last_failure: 'peer closed connection' });
    expect(Object.keys(entry)).toEqual(['id', 'connected', 'num_channels', 'channels', 'persistent', 'next_attempt_at', 'last_failure']);
  });
  it('a peer that is not persistent has none of these fields', () => {
    expect(Object.keys(peerJson({ id: ID, connected: false, channels: [] }))).toEqual(['id', 'connected', 'num_channels', 'channels']);
  });
});

describe('disconnect: a persistent peer between redials', () => {
  const ctx = (node: ReturnType<typeof fakeNode>): MethodContext => ({ node, signal: new AbortController().signal, requestStop: () => undefined });
  it('stops its redials ({}), while a plain disconnected peer is still "Peer not connected"', async () => {
    const node = fakeNode();
    node.peers = [{ id: ID, connected: false, channels: [], persistent: true, nextAttemptAt: 1 }];
    const disconnect = METHODS.get('disconnect');
    await expect(disconnect?.({ id: ID }, ctx(node))).resolves.toEqual({});
    expect(node.calls.at(-1)).toEqual({ method: 'disconnect', args: [ID, { force: false }] });
    node.peers = [{ id: ID, connected: false, channels: [] }];
    await expect(disconnect?.({ id: ID }, ctx(node))).rejects.toMatchObject({ code: -1, message: 'Peer not connected' });
  });
});
