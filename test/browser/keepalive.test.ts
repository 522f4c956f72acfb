/**
 * The browser entry after connect (spec §9): the connection stays open, the
 * page answers the peer's pings, pings an idle peer itself, hangs up with
 * Core Lightning's text when its ping goes unanswered, and drops a peer
 * that asks for pongs it does not read once the output bound is reached. The far end is
 * a hand-driven Session responder (./ws-responder.ts); the WebSocket is the
 * `ws` package's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodePing } from '../../src/bolt1/index.js';
import { createBrowserNode } from '../../src/browser/index.js';
import type { BrowserNode, BrowserNodeOptions, WebSocketLike } from '../../src/browser/index.js';
import { until } from '../helpers/resources.js';
import { within } from '../node/helpers.js';
import { startResponder } from './ws-responder.js';
import type { Responder } from './ws-responder.js';

const PING = 18;
const PONG = 19;
const open: { browser?: BrowserNode; responder?: Responder }[] = [];

async function pair(opts: BrowserNodeOptions = {}) {
  const responder = await startResponder();
  const gone: (string | null)[] = [];
  const browser = createBrowserNode({
    network: 'regtest',
    webSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
    onDisconnect: (_id, reason) => gone.push(reason),
    ...opts,
  });
  open.push({ browser, responder });
  await within(browser.connect(responder.id, responder.url), 10_000);
  await until(() => responder.established, 'the responder to accept our init');
  return { responder, browser, gone };
}

afterEach(async () => {
  for (const o of open.splice(0)) {
    o.browser?.close();
    await o.responder?.close();
  }
});

describe('browser entry keepalive', () => {
  it('answers the peer\'s ping with a pong and stays connected', async () => {
    const { responder, browser, gone } = await pair();
    responder.send(encodePing({ numPongBytes: 8 }));
    await until(() => responder.received.includes(PONG), 'a pong from the browser');
    expect(gone).toEqual([]);
    expect(browser.peers()).toEqual([responder.id]);
  });

  it('pings an idle peer, and hangs up when the ping goes unanswered', async () => {
    const { responder, gone } = await pair({ pingIdleMs: 100, keepaliveMinMs: 60, keepaliveMaxMs: 60 });
    await until(() => responder.received.includes(PING), 'a keepalive ping from the browser');
    expect(gone).toEqual([]);
    responder.deaf = true;
    await until(() => gone.length === 1, 'the browser to hang up', 5000);
    expect(gone[0]).toBe('Last ping unreturned: hanging up');
  });

  it('a text frame after init ends the connection with a protocol error', async () => {
    const { responder, browser, gone } = await pair();
    responder.sendText('hello');
    await until(() => gone.length === 1, 'the browser to hang up');
    expect(gone[0]).toBe('Protocol error (text frame)');
    expect(browser.peers()).toEqual([]);
  });

  it('a peer that asks for pongs but does not read them meets the output bound: dropped, not buffered without end', async () => {
    const { responder, gone } = await pair({ maxBufferedBytes: 256 * 1024 });
    responder.stopReading();
    const ping = encodePing({ numPongBytes: 65531 });
    // Up to 64 MiB of pongs asked for; the kernel's buffers take a few MiB, then the bound must trip.
    for (let i = 0; i < 1024 && gone.length === 0; i++) {
      responder.send(ping);
      if (i % 32 === 31) await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => gone.length === 1, 'the browser to drop the peer');
    expect(gone[0]).toBe('peer is not reading (output bound reached)');
  });
});
