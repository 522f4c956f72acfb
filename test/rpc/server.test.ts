import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RpcClient, RpcError } from '../../src/rpc/client.js';
import { RpcServer, SocketInUseError, prepareSocketPath, probeSocket } from '../../src/rpc/server.js';
import { ConnectError } from '../../src/types.js';
import type { ConnectResult } from '../../src/types.js';
import { fakeNode, nodeIdFor } from './fake-node.js';
import type { FakeNode } from './fake-node.js';
import { rawClient, req } from './rpc-harness.js';
import type { RawClient } from './rpc-harness.js';

let dir: string;
let path: string;
let node: FakeNode;
let server: RpcServer;
let stops: number;
const clients: RawClient[] = [];

async function raw(): Promise<RawClient> {
  const c = await rawClient(path);
  clients.push(c);
  return c;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnc-rpc-'));
  path = join(dir, 'lightning-rpc');
  node = fakeNode();
  stops = 0;
  server = await RpcServer.listen({ path, node, onStop: () => stops++, maxFrameBytes: 64 * 1024 });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const peerId = nodeIdFor(2);

describe('socket file', () => {
  it('is created with mode 0600 and removed on close', async () => {
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await server.close();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a live socket is refused, an absent path is fine', async () => {
    await expect(prepareSocketPath(path)).rejects.toBeInstanceOf(SocketInUseError);
    expect(await probeSocket(join(dir, 'absent'))).toBe('absent');
    await prepareSocketPath(join(dir, 'absent'));
  });

  it("a killed process's socket file counts as stale and is replaced", async () => {
    const p = join(dir, 'dead');
    // A real UNIX socket left behind by a process killed while listening.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(p)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((r) => child.once('exit', r));
    expect((await stat(p)).isSocket()).toBe(true);
    expect(await probeSocket(p)).toBe('stale');
    await prepareSocketPath(p);
    await expect(stat(p)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('methods through the socket', () => {
  it("getinfo: Core Lightning's fields in its order (no lightning-dir/our_features without settings)", async () => {
    const c = await raw();
    c.write(req(1, 'getinfo', []));
    const [a] = await c.next();
    const result = a?.result as Record<string, unknown>;
    expect(Object.keys(a ?? {})).toEqual(['jsonrpc', 'id', 'result']);
    expect(Object.keys(result)).toEqual(['id', 'alias', 'color', 'num_peers', 'address', 'binding', 'version', 'network']);
    expect(result).toMatchObject({ id: node.id, network: 'regtest', binding: [{ type: 'ipv4', address: '127.0.0.1', port: 40001 }], num_peers: 0 });
  });

  it('connect passes the raw params through and orders the result id, features, direction, address', async () => {
    const c = await raw();
    const named = { id: peerId, host: 'localhost', port: 1234, timeout: 5 };
    c.write(req(1, 'connect', named));
    c.write(req(2, 'connect', [`${peerId}@[::1]:99`]));
    const answers = await c.next(2);
    const first = answers.find((a) => a.id === 1)?.result as ConnectResult;
    expect(JSON.stringify(first)).toBe(`{"id":"${peerId}","features":"0a","direction":"out","address":{"type":"ipv4","address":"127.0.0.1","port":9735}}`);
    expect(node.calls.filter((x) => x.method === 'connectParams').map((x) => x.args[0])).toEqual([named, [`${peerId}@[::1]:99`]]);
  });

  it('connect errors keep code, exact message and data', async () => {
    const message = 'All addresses failed: 127.0.0.1:1: Connection establishment: Connection refused. ';
    const data = { attempts: [{ address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection refused', ms: 1 }] };
    node.onConnect = () => Promise.reject(new ConnectError(401, message, data));
    const c = await raw();
    c.write(req('x', 'connect', [peerId, '127.0.0.1', 1]));
    const [a] = await c.next();
    expect(a).toEqual({ jsonrpc: '2.0', id: 'x', error: { code: 401, message, data } });
  });

  it("disconnect, as Core Lightning: Unknown peer (-32602, id checked before force), invalid peer id, Peer not connected (-1) for a known peer, then force", async () => {
    const c = await raw();
    c.write(req(1, 'disconnect', [peerId]));
    c.write(req(2, 'disconnect', ['nope']));
    c.write(req(3, 'disconnect', { id: peerId.toUpperCase(), force: 'maybe' }));
    const byId = new Map((await c.next(3)).map((x) => [x.id, x.error]));
    expect(byId.get(1)).toEqual({ code: -32602, message: `Unknown peer '${peerId}'` });
    expect(byId.get(2)).toEqual({ code: -32602, message: `id: invalid peer id: invalid token '"nope"'` });
    expect(byId.get(3)).toEqual({ code: -32602, message: `Unknown peer '${peerId.toUpperCase()}'` });
    node.peers.push({ id: peerId, connected: false, channels: [] });
    c.write(req(5, 'disconnect', [peerId]));
    c.write(req(6, 'disconnect', { id: peerId, force: 'maybe' }));
    const known = new Map((await c.next(2)).map((x) => [x.id, x.error]));
    expect(known.get(5)).toEqual({ code: -1, message: 'Peer not connected' });
    expect(known.get(6)).toEqual({ code: -32602, message: `force: should be 'true' or 'false': invalid token '"maybe"'` });
    node.peers = [];
    node.peers.push({ id: peerId, connected: true, channels: [] });
    c.write(req(4, 'disconnect', [peerId, true]));
    expect((await c.next())[0]).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
    expect(node.calls.find((x) => x.method === 'disconnect')?.args).toEqual([peerId, { force: true }]);
  });

  it("listpeers: Core Lightning's fields first, then lnconnect's extras", async () => {
    node.peers.push(
      { id: peerId, connected: true, direction: 'in', address: { type: 'ipv6', address: '::1', port: 5 }, features: '08', remote_addr: '1.2.3.4:9', channels: [] },
      { id: nodeIdFor(3), connected: false, channels: [{ channelId: 'ab', state: 'failed', error: 'boom' }] },
    );
    const c = await raw();
    c.write(req(1, 'listpeers'));
    c.write(req(2, 'listpeers', [nodeIdFor(3).toUpperCase()]));
    const [all, one] = (await c.next(2)).sort((x, y) => Number(x.id) - Number(y.id));
    expect(JSON.stringify(all?.result)).toBe(
      `{"peers":[{"id":"${peerId}","connected":true,"num_channels":0,"netaddr":["[::1]:5"],"features":"08","remote_addr":"1.2.3.4:9","direction":"in","channels":[]},` +
        `{"id":"${nodeIdFor(3)}","connected":false,"num_channels":1,"channels":[{"channel_id":"ab","state":"failed","error":"boom"}]}]}`,
    );
    expect((one?.result as { peers: { id: string }[] }).peers.map((p) => p.id)).toEqual([nodeIdFor(3)]);
  });

  it('getinfo counts connected peers only', async () => {
    node.peers.push({ id: peerId, connected: true, channels: [] }, { id: nodeIdFor(3), connected: false, channels: [] });
    const c = await RpcClient.connect(path);
    try {
      expect(await c.call('getinfo')).toMatchObject({ num_peers: 1 });
    } finally {
      c.close();
    }
  });

  it('stop answers "Shutdown complete" and then asks the daemon to stop', async () => {
    const c = await raw();
    c.write(req(9, 'stop'));
    expect((await c.next())[0]).toEqual({ jsonrpc: '2.0', id: 9, result: 'Shutdown complete' });
    expect(stops).toBe(1);
  });

  it('generic parameter errors', async () => {
    const c = await raw();
    c.write(req(1, 'getinfo', ['extra']));
    c.write(req(2, 'listpeers', 'x'));
    c.write('{"jsonrpc":"2.0","id":3,"method":"connect","params":{"id":"a","id":"b"}}');
    const byId = new Map((await c.next(3)).map((x) => [x.id, x.error]));
    expect(byId.get(1)).toEqual({ code: -32602, message: 'too many parameters: got 1, expected 0' });
    expect(byId.get(2)).toEqual({ code: -32602, message: 'Expected array or object for params' });
    expect(byId.get(3)).toEqual({ code: -32602, message: 'duplicate json names: id' });
  });
});

describe('framing and robustness', () => {
  it('answers invalid requests and unknown methods, and keeps serving the same connection', async () => {
    const c = await raw();
    c.write(' [1,2] ');
    c.write('{"id":1}');
    c.write(req(2, 'nosuch'));
    c.write(req(3, 'getinfo'));
    c.write('{"jsonrpc":"2.0","id":4,"method":"getinfo"}');
    const a = await c.next(5);
    const ok = a.findIndex((x) => x.id === 3 && 'result' in x);
    expect(ok).toBeGreaterThanOrEqual(0);
    a.splice(ok, 1); // getinfo answers after the synchronous errors
    expect(a.map((x) => (x.error as { code?: number } | undefined)?.code)).toEqual([-32600, -32600, -32601, -32600]);
    // Core Lightning's texts (lightningd/jsonrpc.c): id null until the envelope is good.
    expect(a[0]).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Expected {} for json command' } });
    expect(a[1]).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'jsonrpc: "2.0" must be specified in the request' } });
    expect(a[2]).toEqual({ jsonrpc: '2.0', id: 2, error: { code: -32601, message: "Unknown command 'nosuch'" } });
    expect(a[3]).toEqual({ jsonrpc: '2.0', id: 4, error: { code: -32600, message: 'No params' } });
  });

  it('a frame it cannot parse: one -32700 answer, then the connection is closed', async () => {
    const c = await raw();
    c.write('{"id":1,"method":}');
    c.write(req(2, 'getinfo'));
    const [a] = await c.next();
    expect((a?.error as { code: number }).code).toBe(-32700);
    await c.closed;
  });

  it('a request split byte by byte', async () => {
    const c = await raw();
    const bytes = Buffer.from(req('split', 'getinfo', []));
    for (const b of bytes) {
      c.write(Uint8Array.of(b));
      await new Promise((r) => setImmediate(r));
    }
    expect((await c.next())[0]?.id).toBe('split');
  });

  it('several requests in one write are answered out of order by id', async () => {
    let release!: (r: ConnectResult) => void;
    node.onConnect = () => new Promise((r) => (release = r));
    const c = await raw();
    c.write(req('slow', 'connect', [peerId]) + req('fast', 'getinfo'));
    const [first] = await c.next();
    expect(first?.id).toBe('fast');
    release({ id: peerId, features: '', direction: 'out', address: { type: 'local socket', socket: '/x' } });
    const [second] = await c.next();
    expect(second).toEqual({ jsonrpc: '2.0', id: 'slow', result: { id: peerId, features: '', direction: 'out', address: { type: 'local socket', socket: '/x' } } });
  });

  it('100 concurrent clients each get their own answer', async () => {
    const all = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const c = await RpcClient.connect(path, { idPrefix: `c${i}` });
        try {
          return await c.call<{ id: string }>('getinfo');
        } finally {
          c.close();
        }
      }),
    );
    expect(all.every((r) => r.id === node.id)).toBe(true);
  });

  it('a client that disconnects mid-request: its signal aborts, the server keeps serving', async () => {
    let seen: AbortSignal | undefined;
    node.onConnect = (_p, opts) =>
      new Promise((_res, rej) => {
        seen = opts?.signal;
        opts?.signal?.addEventListener('abort', () => rej(new ConnectError(-1, 'aborted')));
      });
    const c = await raw();
    c.write(req(1, 'connect', [peerId]));
    c.write('{"id":2,"method":"getin'); // and a half-written one
    while (seen === undefined) await new Promise((r) => setImmediate(r));
    c.close();
    await new Promise<void>((r) => seen?.addEventListener('abort', () => r()));
    expect(seen.aborted).toBe(true);
    const rpc = await RpcClient.connect(path);
    try {
      expect(await rpc.call('getinfo')).toMatchObject({ id: node.id });
    } finally {
      rpc.close();
    }
  });

  it('an oversized request is answered and its connection closed; others go on', async () => {
    const c = await raw();
    const closed = new Promise<void>((r) => c.socket.once('close', () => r()));
    c.write('{"x":"' + 'a'.repeat(70 * 1024));
    const [a] = await c.next();
    expect((a?.error as { code: number }).code).toBe(-32600);
    await closed;
    const rpc = await RpcClient.connect(path);
    try {
      await expect(rpc.call('nosuch')).rejects.toBeInstanceOf(RpcError);
      expect(await rpc.call('getinfo')).toMatchObject({ id: node.id });
    } finally {
      rpc.close();
    }
  });
});
