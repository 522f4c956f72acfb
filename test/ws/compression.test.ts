/**
 * No permessage-deflate either way (RFC 7692): a compressed frame can
 * inflate to far more than it cost to send, and `ws`'s client offers the
 * extension unless told not to. The listener (src/io/ws-listener.ts) agrees
 * to none when a client offers it; the dialler (src/io/ws-dial.ts) never
 * offers it, even to a server that would accept.
 */
import { WebSocketServer } from 'ws';
import WebSocket from 'ws';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { dialWebSocket } from '../../src/io/ws-dial.js';
import type { Listener } from '../../src/io/listener.js';
import { listenWebSocket } from '../../src/io/ws-listener.js';
import { within } from '../node/helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f(); // last opened, first closed
});

describe('WebSocket compression', () => {
  it('the listener accepts no permessage-deflate a client offers', async () => {
    const l: Listener = await listenWebSocket({ host: '127.0.0.1', port: 0 }, (s) => cleanup.push(() => void s.destroy()));
    cleanup.push(() => l.close());
    if (l.binding.type !== 'websocket') throw new Error('no websocket binding');
    const ws = new WebSocket(`ws://127.0.0.1:${l.binding.port}`, { perMessageDeflate: true });
    cleanup.push(() => ws.terminate());
    const offered = new Promise<string | undefined>((r) => ws.once('upgrade', (res: IncomingMessage) => r(res.headers['sec-websocket-extensions'])));
    await within(new Promise<void>((r, j) => (ws.once('open', () => r()), ws.once('error', j))));
    expect(await offered).toBeUndefined();
    expect(ws.extensions).toBe('');
  });

  it('the dialler offers no permessage-deflate to a server that would accept it', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
    cleanup.push(() => new Promise<void>((r) => wss.close(() => r())));
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const port = (wss.address() as { port: number }).port;
    const seen = new Promise<string | undefined>((r) =>
      wss.once('connection', (peer, req) => {
        cleanup.push(() => peer.terminate());
        r(req.headers['sec-websocket-extensions']);
      }),
    );
    const stream = await within(
      dialWebSocket({ type: 'websocket', url: `ws://127.0.0.1:${port}/`, label: `ws://127.0.0.1:${port}`, tls: false, host: { type: 'ipv4', address: '127.0.0.1', port } }, { timeoutMs: 5000 }),
    );
    cleanup.push(() => void stream.destroy());
    expect(await within(seen)).toBeUndefined();
  });
});
