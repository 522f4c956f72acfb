/**
 * Connections a WebSocket listener drops before their upgrade (evicted to
 * make room, upgrade deadline passed; src/io/ws-listener.ts) are counted in
 * lnconnect_inbound_total as admission's are for TCP peers, so a flood of
 * connections that never upgrade shows on the metrics instead of nowhere.
 * `admitted` stays what it is: connections that reached the handshake.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Node } from '../../src/node.js';
import { sleep } from '../helpers/resources.js';
import { samples } from '../metrics/prom-text.js';
import { NodeSet } from '../node/helpers.js';

const nodes = new NodeSet();
afterEach(() => nodes.closeAll());

async function scrape(n: Node): Promise<Map<string, number>> {
  if (n.metrics === undefined) throw new Error('no metrics');
  return samples(await n.metrics.text());
}

async function untilScraped(n: Node, series: string, value: number): Promise<void> {
  for (const end = Date.now() + 5000; Date.now() < end; await sleep(20)) if ((await scrape(n)).get(series) === value) return;
  throw new Error(`timed out waiting for ${series} = ${value} (now ${String((await scrape(n)).get(series))})`);
}

describe('WebSocket upgrade drops in the metrics', () => {
  it('counts a connection evicted before its upgrade and one whose upgrade deadline passed', async () => {
    const n = await nodes.make({ metrics: true, maxInboundHandshakesPerAddress: 1, actOneTimeoutMs: 200, listen: [{ host: '127.0.0.1', port: 0, websocket: true }] });
    const b = n.bindings[0];
    if (b?.type !== 'websocket') throw new Error('no websocket binding');
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = net.connect(b.port, '127.0.0.1');
        s.on('error', () => undefined);
        sockets.push(s);
        await new Promise<void>((r) => s.once('connect', () => r()));
        await sleep(20); // accepted before the next
      }
      await untilScraped(n, 'lnconnect_inbound_total{event="evicted"}', 1);
      await untilScraped(n, 'lnconnect_inbound_total{event="timed_out"}', 1);
      expect((await scrape(n)).get('lnconnect_inbound_total{event="admitted"}')).toBe(0);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});
