/**
 * The browser entry (src/browser) in Node, with the `ws` package as its
 * WebSocket: the same peer machine and session as the node, over binary
 * frames, against a real lnconnect node's WebSocket listener (and, for
 * 1-byte frames, through a test-side bridge to its TCP listener). Success (result shape, the node's
 * listpeers, a ping answered over the live connection, a graceful
 * disconnect) and each failure with Core Lightning's stage texts. The
 * Chromium run is test/browser/page.test.ts.
 */
import { createServer } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { encodePing } from '../../src/bolt1/index.js';
import { ConnectError, createBrowserNode, describeFeatures } from '../../src/browser/index.js';
import type { BrowserNode, BrowserNodeOptions, WebSocketLike } from '../../src/browser/index.js';
import type { Node } from '../../src/node.js';
import { handleCounts, leakedSince, settle, until } from '../helpers/resources.js';
import { closedPort, NodeSet, stallServer, tcpPort, within } from '../node/helpers.js';
import { startBridge } from './ws-bridge.js';
import type { Bridge } from './ws-bridge.js';

const wsFactory = (url: string): WebSocketLike => new WebSocket(url) as unknown as WebSocketLike;
const set = new NodeSet();
const browsers: BrowserNode[] = [];
const closers: (() => Promise<void>)[] = [];
let listener: Node;
let bridge: Bridge;
/** The node's own WebSocket listener. */
let wsUrl = '';

function browser(opts: BrowserNodeOptions = {}): BrowserNode {
  const b = createBrowserNode({ network: 'regtest', webSocket: wsFactory, ...opts });
  browsers.push(b);
  return b;
}

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  const r = await within(settle(p), 10_000);
  if (r.ok) throw new Error('connect succeeded');
  expect(r.error).toBeInstanceOf(ConnectError);
  return r.error as ConnectError;
}

/** A raw WebSocket server on loopback whose connections `onConnection` handles. */
async function rawServer(onConnection: (ws: WebSocket) => void): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', r));
  wss.on('connection', onConnection);
  closers.push(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

beforeAll(async () => {
  listener = await set.make({ crypto: 'portable', listen: [{ host: '127.0.0.1', port: 0 }, { host: '127.0.0.1', port: 0, websocket: true }] });
  const ws = listener.bindings.find((b) => b.type === 'websocket');
  if (ws === undefined) throw new Error(`no websocket binding: ${JSON.stringify(listener.bindings)}`);
  wsUrl = `ws://127.0.0.1:${ws.port}`;
  bridge = await startBridge({ host: '127.0.0.1', port: tcpPort(listener) });
});

afterEach(async () => {
  for (const b of browsers.splice(0)) b.close();
  for (const c of closers.splice(0)) await c();
});

afterAll(async () => {
  await bridge.close();
  await set.closeAll();
});

describe('browser entry over WebSocket (ws package as the WebSocket)', () => {
  it('connects: the node\'s result shape, the node lists the browser, a ping is answered, disconnect closes and leaves nothing behind', async () => {
    const before = handleCounts();
    const messages: Uint8Array[] = [];
    const gone: (string | null)[] = [];
    const b = browser({ onMessage: (_id, m) => messages.push(m), onDisconnect: (_id, r) => gone.push(r) });
    const r = await within(b.connect(listener.id, wsUrl), 10_000);
    expect(Object.keys(r)).toEqual(['id', 'features', 'direction', 'address']);
    expect(r.id).toBe(listener.id);
    expect(r.direction).toBe('out');
    expect(r.features).toMatch(/^[0-9a-f]+$/);
    expect(describeFeatures(r.features).map((f) => f.name)).toContain('payment_secret');
    expect(r.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: Number(new URL(wsUrl).port) });
    await until(() => listener.listPeers(b.id)[0]?.connected === true, 'the node to list the browser');
    expect(listener.listPeers(b.id)[0]?.direction).toBe('in');
    // A second connect to the same id answers from the live connection.
    expect(await b.connect(listener.id, wsUrl)).toEqual(r);

    b.send(listener.id, encodePing({ numPongBytes: 4 }));
    await until(() => messages.some((m) => m[0] === 0 && m[1] === 19), 'a pong');

    b.disconnect(listener.id);
    await until(() => gone.length === 1, 'the browser side to close');
    expect(gone[0]).toBe('disconnected by request');
    await until(() => listener.listPeers(b.id).every((p) => !p.connected), 'the node to drop the browser');
    expect(b.peers()).toEqual([]);
    // The keepalive timer and both ends' sockets are gone.
    expect(await leakedSince(before)).toEqual({});
  });

  it('connects through a bridge to the TCP listener, every byte in its own frame (acts and messages spanning frames)', async () => {
    const split = await startBridge({ host: '127.0.0.1', port: tcpPort(listener) }, { split: true });
    closers.push(() => split.close());
    const r = await within(browser().connect(listener.id, split.url), 10_000);
    expect(r.id).toBe(listener.id);
  });

  it('a second connect while the first is stuck joins the attempt: its URL is dialled next, both callers get one result', async () => {
    const stuck = await rawServer(() => undefined);
    const b = browser({ handshakeTimeoutMs: 300 });
    const first = b.connect(listener.id, stuck);
    const second = b.connect(listener.id, wsUrl);
    const [r1, r2] = await within(Promise.all([first, second]), 10_000);
    expect(r1).toEqual(r2);
    expect(r1.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: Number(new URL(wsUrl).port) });
    expect(b.peers()).toEqual([listener.id]);
  });

  it('wrong node id: 401 with the handshake stage text', async () => {
    const other = browser();
    const e = await failure(browser().connect(other.id, wsUrl));
    expect(e.code).toBe(401);
    expect(e.message).toBe(`All addresses failed: ${wsUrl}: Cryptographic handshake: peer closed connection (wrong key?). `);
    expect(e.data?.attempts).toEqual([expect.objectContaining({ address: wsUrl, stage: 'Cryptographic handshake' })]);
  });

  it('nothing listening: 401 Connection establishment: Connection refused', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const e = await failure(browser().connect(listener.id, url));
    expect(e.message).toBe(`All addresses failed: ${url}: Connection establishment: Connection refused. `);
  });

  it('an upgrade that never completes: Connection establishment: Connection timed out', async () => {
    const stall = await stallServer();
    closers.push(() => stall.close());
    const url = `ws://127.0.0.1:${stall.port}`;
    const e = await failure(browser({ connectTimeoutMs: 300 }).connect(listener.id, url));
    expect(e.message).toBe(`All addresses failed: ${url}: Connection establishment: Connection timed out. `);
  });

  it('a WebSocket the browser will not even open (ws:// from an https page) fails with the browser\'s text', async () => {
    const b = browser({
      webSocket: () => {
        throw new Error("Failed to construct 'WebSocket': An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.");
      },
    });
    const e = await failure(b.connect(listener.id, wsUrl));
    expect(e.message).toBe(`All addresses failed: ${wsUrl}: Connection establishment: Failed to construct 'WebSocket': An insecure WebSocket connection may not be initiated from a page loaded over HTTPS. `);
  });

  it('a failed upgrade (plain HTTP answer) is refused', async () => {
    const http = createServer((_req, res) => res.writeHead(404).end('no'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => http.close(() => r())));
    const url = `ws://127.0.0.1:${(http.address() as { port: number }).port}`;
    const e = await failure(browser().connect(listener.id, url));
    expect(e.message).toBe(`All addresses failed: ${url}: Connection establishment: Connection refused. `);
  });

  it('a text frame from the server ends the handshake with a protocol error', async () => {
    const url = await rawServer((ws) => ws.send('hello'));
    const e = await failure(browser().connect(listener.id, url));
    expect(e.message).toBe(`All addresses failed: ${url}: Cryptographic handshake: Protocol error (text frame). `);
  });

  it('garbage instead of act two: Protocol error', async () => {
    const url = await rawServer((ws) => ws.once('message', () => ws.send(new Uint8Array(50).fill(7))));
    const e = await failure(browser().connect(listener.id, url));
    expect(e.message).toBe(`All addresses failed: ${url}: Cryptographic handshake: Protocol error. `);
  });

  it('a server that never answers: the handshake timer says Connection timed out', async () => {
    const url = await rawServer(() => undefined);
    const e = await failure(browser({ handshakeTimeoutMs: 300 }).connect(listener.id, url));
    expect(e.message).toBe(`All addresses failed: ${url}: Cryptographic handshake: Connection timed out. `);
  });

  it('a server that drops mid-handshake: peer closed connection (wrong key?)', async () => {
    const url = await rawServer((ws) => ws.once('message', () => ws.terminate()));
    const e = await failure(browser().connect(listener.id, url));
    expect(e.message).toBe(`All addresses failed: ${url}: Cryptographic handshake: peer closed connection (wrong key?). `);
  });

  it('bad input is refused before anything opens: node id, URL, our own id', async () => {
    const b = browser();
    await expect(b.connect('02abc', bridge.url)).rejects.toMatchObject({ code: -32602, message: `id: should be a node id: invalid token '"02abc"'` });
    const badUrl = await failure(b.connect(listener.id, 'http://127.0.0.1:1'));
    expect(badUrl.code).toBe(-1);
    expect(badUrl.message).toBe("Host http://127.0.0.1:1 not valid: unsupported scheme 'http:' (use ws: or wss:)");
    await expect(b.connect(listener.id, 'not a url')).rejects.toMatchObject({ code: -1 });
    const self = await failure(b.connect(b.id, bridge.url));
    expect(self.code).toBe(-32602);
    expect(self.message).toContain('cannot connect to ourselves');
    expect(b.peers()).toEqual([]);
    expect(() => createBrowserNode({ network: 'mainnet' as 'bitcoin' })).toThrow(RangeError);
  });

  it('close() while connecting cancels the attempt and leaves no socket or timer behind', async () => {
    const before = handleCounts();
    const url = await rawServer(() => undefined);
    const b = browser();
    const p = settle(b.connect(listener.id, url));
    await until(() => b.peers().length === 1, 'the attempt to start');
    b.close();
    const r = await within(p);
    expect(r.ok).toBe(false);
    expect((r as { error: ConnectError }).error.code).toBe(-1);
    for (const c of closers.splice(0)) await c();
    expect(await leakedSince(before)).toEqual({});
  });
});
