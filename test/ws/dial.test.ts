/**
 * Dialling `ws://` / `wss://` (src/io/ws-dial.ts) between two lnconnect nodes
 * on loopback, and against servers that fail each stage: every failure is a
 * 401 with Core Lightning's stage texts and the URL as the address, and no
 * socket or timer is left behind.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Node } from '../../src/node.js';
import { ConnectError } from '../../src/types.js';
import { handleCounts, leakedSince, settle, until } from '../helpers/resources.js';
import { closedPort, NodeSet, within } from '../node/helpers.js';

const nodes = new NodeSet();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await nodes.closeAll();
  for (const c of cleanups.splice(0)) await c();
});

function wsPort(n: Node): number {
  const b = n.bindings.find((x) => x.type === 'websocket');
  if (b?.type !== 'websocket') throw new Error('no websocket binding');
  return b.port;
}

async function pair(): Promise<{ a: Node; b: Node; port: number }> {
  const a = await nodes.make({ listen: [{ host: '127.0.0.1', port: 0, websocket: true }] });
  const b = await nodes.make({});
  return { a, b, port: wsPort(a) };
}

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  const r = await settle(p);
  if (r.ok) throw new Error('connect succeeded');
  expect(r.error).toBeInstanceOf(ConnectError);
  return r.error as ConnectError;
}

/** A server on 127.0.0.1 for the failure cases; closed after the test. */
async function serve(server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as net.AddressInfo).port;
}

describe('connect over WebSocket (Node to Node)', () => {
  it('connects to ws://host:port and reports the TCP address it runs over', async () => {
    const { a, b, port } = await pair();
    const before = handleCounts();
    const r = await within(b.connect(a.id, `ws://127.0.0.1:${port}`));
    expect(r).toMatchObject({ id: a.id, direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port } });
    await until(() => a.listPeers(b.id)[0]?.connected === true, 'listener sees the peer');
    expect(a.listPeers(b.id)[0]?.direction).toBe('in');
    expect(b.listPeers(a.id)[0]?.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port });
    // application messages cross in binary frames both ways
    const got: string[] = [];
    a.onMessage((_id, m) => got.push(Buffer.from(m).toString('hex')));
    b.sendMessage(a.id, Uint8Array.from([0x01, 0x01, 0xab, 0xcd])); // an odd type nobody handles
    await until(() => got.includes('0101abcd'), 'message over ws');
    await b.disconnect(a.id);
    await until(() => a.listPeers(b.id).length === 0, 'listener forgot the peer');
    expect(await leakedSince(before)).toEqual({});
  });

  it('takes <id>@ws://… and a ws:// host through connectParams (the RPC form)', async () => {
    const { a, b, port } = await pair();
    const r1 = await within(b.connectParams([`${a.id}@ws://127.0.0.1:${port}`]));
    expect(r1.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port });
    await b.disconnect(a.id);
    const r2 = await within(b.connectParams({ id: a.id, host: `ws://localhost:${port}/` }));
    expect(r2.direction).toBe('out');
  });

  it('keeps a bare ws: prefix as Core Lightning does: plain TCP', async () => {
    const a = await nodes.make({ listen: [{ host: '127.0.0.1', port: 0 }] });
    const b = await nodes.make({});
    const tcp = a.bindings[0];
    if (tcp?.type !== 'ipv4') throw new Error('no tcp binding');
    const r = await within(b.connect(a.id, `ws:127.0.0.1:${tcp.port}`));
    expect(r.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: tcp.port });
  });

  it('refuses a malformed URL as a host that is not valid', async () => {
    const { a, b } = await pair();
    const e = await failure(b.connect(a.id, 'ws://user:pw@127.0.0.1:1'));
    expect(e.code).toBe(-1);
    expect(e.message).toMatch(/^Host ws:\/\/user:pw@127\.0\.0\.1:1:\d+ not valid: credentials in the URL are not supported$/);
  });

  it('maps a refused port to Connection establishment: Connection refused', async () => {
    const { a, b } = await pair();
    const port = await closedPort();
    const before = handleCounts();
    const e = await failure(b.connect(a.id, `ws://127.0.0.1:${port}`));
    expect(e.code).toBe(401);
    expect(e.message).toBe(`All addresses failed: ws://127.0.0.1:${port}: Connection establishment: Connection refused. `);
    expect(e.data?.attempts[0]).toMatchObject({ address: `ws://127.0.0.1:${port}`, stage: 'Connection establishment', reason: 'Connection refused' });
    expect(await leakedSince(before)).toEqual({});
  });

  it('joins the dial list like any address: a refused ws:// first, then a known TCP address', async () => {
    const a = await nodes.make({ listen: [{ host: '127.0.0.1', port: 0 }] });
    const b = await nodes.make({});
    const tcp = a.bindings[0];
    if (tcp?.type !== 'ipv4') throw new Error('no tcp binding');
    const closed = await closedPort();
    await b.addAddresses(a.id, [{ type: 'ipv4', address: '127.0.0.1', port: closed }]);
    const e = await failure(b.connect(a.id, `ws://127.0.0.1:${closed}`));
    expect(e.message).toBe(
      `All addresses failed: ws://127.0.0.1:${closed}: Connection establishment: Connection refused. 127.0.0.1:${closed}: Connection establishment: Connection refused. `,
    );
    await b.addAddresses(a.id, [{ type: 'ipv4', address: '127.0.0.1', port: tcp.port }]);
    const r = await within(b.connect(a.id, `ws://127.0.0.1:${closed}`));
    expect(r.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: tcp.port });
  });

  it('maps a failed upgrade (HTTP 400) to Connection establishment', async () => {
    const { a, b } = await pair();
    const port = await serve(http.createServer((_req, res) => res.writeHead(400).end()));
    const e = await failure(b.connect(a.id, `ws://127.0.0.1:${port}/lightning`));
    expect(e.message).toBe(`All addresses failed: ws://127.0.0.1:${port}/lightning: Connection establishment: Unexpected server response: 400. `);
  });

  it('times out a server that never answers the upgrade', async () => {
    const a = await nodes.make({});
    const b = await nodes.make({ connectTimeoutMs: 150 });
    const port = await serve(net.createServer(() => undefined));
    const before = handleCounts();
    const e = await failure(b.connect(a.id, `ws://127.0.0.1:${port}`));
    expect(e.message).toBe(`All addresses failed: ws://127.0.0.1:${port}: Connection establishment: Connection timed out. `);
    expect(await leakedSince(before)).toEqual({});
  });

  it('fails the handshake with the wrong key as over TCP', async () => {
    const { b, port } = await pair();
    const wrong = await nodes.make({});
    const e = await failure(b.connect(wrong.id, `ws://127.0.0.1:${port}`));
    expect(e.message).toBe(`All addresses failed: ws://127.0.0.1:${port}: Cryptographic handshake: peer closed connection (wrong key?). `);
  });

  it('reports a responder that drops after act one at the handshake stage, nothing leaked', async () => {
    const a = await nodes.make({});
    const b = await nodes.make({});
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (ws) => ws.once('message', () => ws.terminate()));
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
    const port = (wss.address() as net.AddressInfo).port;
    const before = handleCounts();
    const e = await failure(b.connect(a.id, `ws://127.0.0.1:${port}`));
    // EOF before act two: Core Lightning's text for it, as over TCP
    expect(e.message).toBe(`All addresses failed: ws://127.0.0.1:${port}: Cryptographic handshake: peer closed connection (wrong key?). `);
    expect(await leakedSince(before)).toEqual({});
  });

  it('fails on a text frame from the responder', async () => {
    const a = await nodes.make({});
    const b = await nodes.make({});
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (ws) => ws.once('message', () => ws.send('not bolt 8')));
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
    const port = (wss.address() as net.AddressInfo).port;
    const e = await failure(b.connect(a.id, `ws://127.0.0.1:${port}`));
    expect(e.message).toBe(`All addresses failed: ws://127.0.0.1:${port}: Cryptographic handshake: WebSocket text frame: BOLT 8 travels in binary frames. `);
  });
});

describe('connect over wss://', () => {
  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!hasOpenssl) console.warn('wss tests skipped: no openssl to make a self-signed certificate');

  /** A self-signed certificate for 127.0.0.1 made now, and a TLS terminator in front of a node's ws: listener. */
  async function tlsFront(targetPort: number): Promise<{ port: number; cert: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'lnc-wss-'));
    const key = join(dir, 'key.pem');
    const crt = join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', key, '-out', crt, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    const cert = readFileSync(crt, 'utf8');
    const server = tls.createServer({ key: readFileSync(key), cert }, (front) => {
      const back = net.connect({ host: '127.0.0.1', port: targetPort });
      front.on('error', () => back.destroy());
      back.on('error', () => front.destroy());
      front.pipe(back).pipe(front);
      front.on('close', () => back.destroy());
      back.on('close', () => front.destroy());
    });
    rmSync(dir, { recursive: true });
    return { port: await serve(server), cert };
  }

  it.runIf(hasOpenssl)('connects with the node certificate pinned through webSocketCa', async () => {
    const a = await nodes.make({ listen: [{ host: '127.0.0.1', port: 0, websocket: true }] });
    const front = await tlsFront(wsPort(a));
    const b = await nodes.make({ webSocketCa: front.cert });
    const r = await within(b.connect(a.id, `wss://127.0.0.1:${front.port}/`));
    expect(r.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: front.port });
  });

  it.runIf(hasOpenssl)('refuses a certificate it does not trust, at connection establishment', async () => {
    const a = await nodes.make({ listen: [{ host: '127.0.0.1', port: 0, websocket: true }] });
    const front = await tlsFront(wsPort(a));
    const b = await nodes.make({});
    const e = await failure(b.connect(a.id, `wss://127.0.0.1:${front.port}`));
    expect(e.message).toBe(`All addresses failed: wss://127.0.0.1:${front.port}: Connection establishment: self-signed certificate. `);
  });
});
