/**
 * Closing a node while WebSocket connections are in every early state
 * (src/io/ws-listener.ts, src/io/ws-stream.ts): accepted with no request,
 * half an upgrade request sent, a plain HTTP request answered, upgraded with
 * no act one, upgraded mid act one. node.close() ends them all: every client
 * sees its connection close, and no socket or timer is left.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createNode } from '../../src/node.js';
import { handleCounts, leakedSince } from '../helpers/resources.js';
import { within } from '../node/helpers.js';
import { openWs, rawUpgrade, VECTOR_ACT_ONE, VECTOR_RS_SECRET } from './ws-client.js';

function closeOfSocket(s: net.Socket): Promise<void> {
  return new Promise((r) => (s.destroyed ? r() : s.once('close', () => r())));
}

describe('node.close() with WebSocket connections in every early state', () => {
  it('closes all of them and leaves no socket or timer', async () => {
    const before = handleCounts();
    const n = await createNode({ secretKey: VECTOR_RS_SECRET, listen: [{ host: '127.0.0.1', port: 0, websocket: true }] });
    const b = n.bindings[0];
    if (b?.type !== 'websocket') throw new Error('no websocket binding');
    const port = b.port;
    const raw = (): Promise<net.Socket> =>
      new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port });
        s.on('error', () => undefined);
        s.once('connect', () => resolve(s));
      });
    const idle = await raw();
    const halfUpgrade = await raw();
    halfUpgrade.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n');
    const plain = await rawUpgrade(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const upgraded = await openWs(`ws://127.0.0.1:${port}`);
    const midActOne = await openWs(`ws://127.0.0.1:${port}`);
    midActOne.send(VECTOR_ACT_ONE.subarray(0, 20), { binary: true });
    const wsClosed = [upgraded, midActOne].map((ws) => new Promise<void>((r) => ws.once('close', () => r())));
    await new Promise((r) => setTimeout(r, 50)); // all of them seen by the server
    await n.close();
    await within(Promise.all([closeOfSocket(idle), closeOfSocket(halfUpgrade), closeOfSocket(plain.socket), ...wsClosed]));
    expect(await leakedSince(before)).toEqual({});
  });
});
