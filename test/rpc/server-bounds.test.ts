/**
 * The RPC server against careless or hostile local clients (issue 11, items 5
 * and 6): a client that does not read its answers stops being read; garbage,
 * a frame too large or too deep gets ONE error and the connection closes;
 * echoed client text is capped; running requests are bounded per connection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RpcClient } from '../../src/rpc/client.js';
import { RpcServer } from '../../src/rpc/server.js';
import type { RpcServerOptions } from '../../src/rpc/server.js';
import type { ConnectResult } from '../../src/types.js';
import { fakeNode, nodeIdFor } from './fake-node.js';
import type { FakeNode } from './fake-node.js';
import { rawClient, req } from './rpc-harness.js';
import type { RawClient } from './rpc-harness.js';

let dir: string;
let node: FakeNode;
let server: RpcServer | undefined;
const clients: RawClient[] = [];

async function listen(over: Partial<RpcServerOptions> = {}): Promise<RpcServer> {
  server = await RpcServer.listen({ path: join(dir, 'rpc'), node, ...over });
  return server;
}

async function raw(): Promise<RawClient> {
  const c = await rawClient(join(dir, 'rpc'));
  clients.push(c);
  return c;
}

const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));
const getinfoCalls = () => node.calls.filter((c) => c.method === 'listPeers').length;
const errorOf = (a: Record<string, unknown> | undefined) => a?.error as { code: number; message: string };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnc-rpcb-'));
  node = fakeNode();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('write backpressure', () => {
  it('a client that does not read its answers stops being read; reading resumes when it catches up', async () => {
    await listen({ maxOutputBytes: 16 * 1024 });
    const c = await raw();
    c.socket.pause(); // never read, for now
    const n = 50_000;
    const batch = Array.from({ length: 1000 }, (_, i) => req(i, 'getinfo')).join('');
    for (let i = 0; i < n / 1000; i++) c.write(batch);
    let handled = -1;
    while (handled !== getinfoCalls()) {
      handled = getinfoCalls();
      await tick(100);
    }
    // Bounded by the output bound, the kernel's socket buffers and one read's worth of frames.
    expect(handled).toBeLessThan(n / 4);
    expect(c.socket.writableLength).toBeGreaterThan(0); // our requests back up on our side
    c.socket.resume();
    const answers = await c.next(n);
    expect(answers).toHaveLength(n);
    expect(getinfoCalls()).toBe(n);
  }, 30_000);

  it('at most maxInflight requests of one connection run at once', async () => {
    await listen({ maxInflight: 2 });
    const releases: ((r: ConnectResult) => void)[] = [];
    node.onConnect = () => new Promise((r) => releases.push(r));
    const c = await raw();
    for (let i = 0; i < 5; i++) c.write(req(i, 'connect', [nodeIdFor(2)]));
    await tick();
    expect(releases).toHaveLength(2);
    const result: ConnectResult = { id: nodeIdFor(2), features: '', direction: 'out', address: { type: 'local socket', socket: '/x' } };
    releases[0]?.(result);
    await c.next();
    await tick();
    expect(releases).toHaveLength(3);
    for (const r of releases.slice(1)) r(result);
    while (releases.length < 5) {
      await tick(10);
      for (const r of releases) r(result);
    }
    expect(await c.next(4)).toHaveLength(4);
  });
});

describe('one error, then close', () => {
  it('8 MiB of garbage words: exactly one -32700 answer, the connection closed, the server still serving', async () => {
    await listen();
    const c = await raw();
    const garbage = Buffer.from('hello '.repeat(1024 * 1024 * 8 / 6));
    c.socket.write(garbage, () => undefined);
    const [a] = await c.next();
    expect(errorOf(a).code).toBe(-32700);
    await c.closed;
    await expect(c.next()).rejects.toThrow('closed with 0/1 answers'); // one answer, not one per word
    const other = await RpcClient.connect(join(dir, 'rpc'));
    try {
      expect(await other.call('getinfo')).toMatchObject({ id: node.id });
    } finally {
      other.close();
    }
  });

  it('a stray scalar closes too; a long garbage word is quoted at most 100 characters', async () => {
    await listen();
    const c = await raw();
    c.write('42 ' + req(1, 'getinfo'));
    expect(errorOf((await c.next())[0]).code).toBe(-32600);
    await c.closed;
    const d = await raw();
    d.write('x'.repeat(1_000_000));
    const e = errorOf((await d.next())[0]);
    expect(e.code).toBe(-32700);
    expect(e.message.length).toBeLessThan(250);
    await d.closed;
  });

  it('a request too large: one -32600 answer, nothing after it is read', async () => {
    await listen({ maxFrameBytes: 64 * 1024 });
    const c = await raw();
    c.write('{"x":"' + 'a'.repeat(70 * 1024) + '"}' + req(2, 'getinfo'));
    const [a] = await c.next();
    expect(a).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid request: request larger than 65536 bytes' } });
    await c.closed;
    expect(getinfoCalls()).toBe(0);
  });

  it('100k nested brackets: a clear parse error, not a stack overflow', async () => {
    await listen();
    const c = await raw();
    c.write('{"id":1,"method":"listpeers","params":[' + '['.repeat(100_000));
    const [a] = await c.next();
    expect(a).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: nesting deeper than 256 levels' } });
    await c.closed;
  });

  it('deep but within the bound: answered without recursion trouble', async () => {
    await listen();
    const c = await raw();
    c.write(req(1, 'listpeers', [JSON.parse('['.repeat(250) + ']'.repeat(250))]));
    const e = errorOf((await c.next())[0]);
    expect(e.code).toBe(-32602);
    expect(e.message).toBe(`id: should be a node id: invalid token '${'['.repeat(100)}…'`);
  });

  it('requests already running still get their answers before the close', async () => {
    await listen();
    let release!: (r: ConnectResult) => void;
    node.onConnect = () => new Promise((r) => (release = r));
    const c = await raw();
    c.write(req('slow', 'connect', [nodeIdFor(2)]));
    await tick();
    c.write('nonsense');
    expect(errorOf((await c.next())[0]).code).toBe(-32700);
    release({ id: nodeIdFor(2), features: '', direction: 'out', address: { type: 'local socket', socket: '/x' } });
    expect((await c.next())[0]).toMatchObject({ id: 'slow', result: { id: nodeIdFor(2) } });
    await c.closed;
  });
});

describe('echoed client text is capped', () => {
  it('method names, tokens, keys and ids', async () => {
    await listen();
    const c = await raw();
    const big = 'z'.repeat(1_000_000);
    c.write(req(1, big));
    c.write(req(2, 'listpeers', [big]));
    c.write(req(3, 'getinfo', { [big]: 1 }));
    c.write(req('x'.repeat(2000), 'getinfo'));
    const byId = new Map((await c.next(4)).map((a) => [a.id, errorOf(a)]));
    expect(byId.get(1)).toEqual({ code: -32601, message: `Unknown command '${'z'.repeat(100)}…'` });
    expect(byId.get(2)?.message).toBe(`id: should be a node id: invalid token '"${'z'.repeat(99)}…'`);
    expect(byId.get(3)?.message.startsWith(`unknown parameter: ${'z'.repeat(100)}…, `)).toBe(true);
    expect(byId.get(null)).toEqual({ code: -32600, message: 'Invalid request: id longer than 1024 characters' });
    for (const e of byId.values()) expect(e.message.length).toBeLessThan(2000);
  });
});
