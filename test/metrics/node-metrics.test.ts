/**
 * Issue 13, item 7 at library level: `createNode({ metrics })` — opt-in, its
 * own Registry or the runtime's, the series moving as connects succeed and
 * fail, inbound admissions counted, the event-loop monitor stopped on close.
 */
import net from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createNode } from '../../src/index.js';
import { eventLoopSamplerRunning } from '../../src/metrics/metrics.js';
import type { Node } from '../../src/node.js';
import { closedPort, NodeSet, tcpPort } from '../node/helpers.js';
import { handleCounts, leakedSince, sleep, until } from '../helpers/resources.js';
import { samples } from './prom-text.js';

const nodes = new NodeSet();
afterEach(() => nodes.closeAll());

/** Until `check` holds on a scrape (a failure after 5 s). */
async function untilScraped(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 5000; Date.now() < end; await sleep(20)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

async function scrape(n: Node): Promise<Map<string, number>> {
  if (n.metrics === undefined) throw new Error('no metrics');
  return samples(await n.metrics.text());
}

describe('library metrics (item 7)', () => {
  it('are off by default', async () => {
    const n = await nodes.make();
    expect(n.metrics).toBeUndefined();
  });

  it('refuses a metrics option that is not a boolean or a Registry', async () => {
    await expect(createNode({ metrics: 'yes' as unknown as boolean })).rejects.toThrow('metrics: must be true, false or a prom-client Registry');
  });

  it('count connects by outcome and stage, peers by direction, durations, failures and admissions', async () => {
    const a = await nodes.listening({ metrics: true });
    const b = await nodes.make({ metrics: true });
    const before = await scrape(b);
    expect(before.get('lnconnect_peers{direction="out"}')).toBe(0);
    await b.connect(a.id, '127.0.0.1', tcpPort(a));
    await until(() => a.listPeers().some((p) => p.connected), 'a sees b');
    const mb = await scrape(b);
    expect(mb.get('lnconnect_connect_attempts_total{outcome="connected",stage="none"}')).toBe(1);
    expect(mb.get('lnconnect_peers{direction="out"}')).toBe(1);
    expect(mb.get('lnconnect_handshake_duration_seconds_count{direction="out"}')).toBe(1);
    expect(mb.get('lnconnect_init_duration_seconds_count{direction="out"}')).toBe(1);
    await untilScraped(async () => (await scrape(a)).get('lnconnect_peers{direction="in"}') === 1, 'a counts b');
    const ma = await scrape(a);
    expect(ma.get('lnconnect_inbound_total{event="admitted"}')).toBe(1);
    expect(ma.get('lnconnect_handshake_duration_seconds_count{direction="in"}')).toBe(1);

    const dead = await closedPort();
    const other = await nodes.make();
    await expect(b.connect(other.id, '127.0.0.1', dead)).rejects.toMatchObject({ code: 401 });
    const mb2 = await scrape(b);
    expect(mb2.get('lnconnect_connect_attempts_total{outcome="all_failed",stage="establishment"}')).toBe(1);
    expect(mb2.get('lnconnect_address_failures_total{direction="out",stage="establishment"}')).toBe(1);

    await b.disconnect(a.id);
    expect((await scrape(b)).get('lnconnect_peers{direction="out"}')).toBe(0);
    await untilScraped(async () => (await scrape(a)).get('lnconnect_peers{direction="in"}') === 0, 'a counts the disconnect');
  });

  it('count an inbound handshake failure and registers in the runtime\'s Registry', async () => {
    const registry = new Registry();
    const a = await nodes.listening({ metrics: registry });
    expect(a.metrics?.registry).toBe(registry);
    const s = net.connect(tcpPort(a), '127.0.0.1');
    s.on('error', () => undefined);
    s.write(Buffer.alloc(50, 1));
    await untilScraped(async () => samples(await registry.metrics()).get('lnconnect_address_failures_total{direction="in",stage="handshake"}') === 1, 'a counts it');
    s.destroy();
    expect(samples(await registry.metrics()).get('lnconnect_connect_attempts_total{outcome="connected",stage="none"}')).toBe(0);
  });

  it('count inbound evictions and act-one timeouts from admission', async () => {
    const a = await nodes.listening({ metrics: true, maxInboundHandshakesPerAddress: 1, actOneTimeoutMs: 200 });
    const sockets = [0, 1].map(() => {
      const s = net.connect(tcpPort(a), '127.0.0.1');
      s.on('error', () => undefined);
      return s;
    });
    try {
      await untilScraped(async () => (await scrape(a)).get('lnconnect_inbound_total{event="evicted"}') === 1, 'the first socket evicted');
      await untilScraped(async () => (await scrape(a)).get('lnconnect_inbound_total{event="timed_out"}') === 1, 'the second timed out');
      expect((await scrape(a)).get('lnconnect_inbound_total{event="admitted"}')).toBe(2);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('the peers gauge matches listPeers after simultaneous connects both ways (one connection kept)', async () => {
    const a = await nodes.listening({ metrics: true });
    const b = await nodes.listening({ metrics: true });
    await Promise.allSettled([a.connect(b.id, '127.0.0.1', tcpPort(b)), b.connect(a.id, '127.0.0.1', tcpPort(a))]);
    for (const [n, other] of [[a, b], [b, a]] as const) {
      await untilScraped(async () => {
        const m = await scrape(n);
        const gauge = (m.get('lnconnect_peers{direction="in"}') ?? 0) + (m.get('lnconnect_peers{direction="out"}') ?? 0);
        return gauge === n.listPeers(other.id).filter((p) => p.connected).length && gauge === 1;
      }, 'one connected peer counted');
    }
    await a.disconnect(b.id);
    for (const n of [a, b]) {
      await untilScraped(async () => {
        const m = await scrape(n);
        return m.get('lnconnect_peers{direction="in"}') === 0 && m.get('lnconnect_peers{direction="out"}') === 0;
      }, 'no peer counted after the disconnect');
    }
  });

  it('leave no timer or socket behind: after close, and after a start that failed (listen port in use)', async () => {
    const before = handleCounts();
    const a = await createNode({ network: 'regtest', metrics: true, listen: [{ host: '127.0.0.1', port: 0 }] });
    await (a.metrics as NonNullable<typeof a.metrics>).text();
    await expect(createNode({ network: 'regtest', metrics: true, listen: [{ host: '127.0.0.1', port: tcpPort(a) }] })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(eventLoopSamplerRunning()).toBe(true);
    await a.close();
    expect(await leakedSince(before)).toEqual({});
    expect(eventLoopSamplerRunning()).toBe(false);
  });
});
