/**
 * Nothing leaks (issue 5): after 1,000 failed connects and 1,000
 * connect/disconnect cycles, no sockets, timers or child actors remain
 * beyond the baseline; plus IPv6 loopback where the machine has it.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectError } from '../../src/index.js';
import { handleCounts, leakedSince } from '../helpers/resources.js';
import { closedPort, NodeSet, tcpPort } from './helpers.js';

const set = new NodeSet();
afterEach(() => set.closeAll());

function children(n: object): number {
  // The supervisor's live children (peer actors) — reached through the node's listPeers view and slots.
  return (n as { listPeers(): unknown[] }).listPeers().length;
}

describe('leaks', () => {
  it('1,000 failed connects leave no sockets, timers or peer actors behind', async () => {
    const a = await set.make();
    const b = await set.make();
    const port = await closedPort();
    const base = handleCounts();
    for (let i = 0; i < 1000; i += 50) {
      const batch = Array.from({ length: 50 }, () => a.connect(b.id, '127.0.0.1', port).catch((e: unknown) => e));
      const results = await Promise.all(batch);
      for (const r of results) expect((r as ConnectError).code).toBe(401);
    }
    expect(children(a)).toBe(0);
    expect(await leakedSince(base)).toEqual({});
  }, 120_000);

  it('1,000 connect/disconnect cycles leave no sockets, timers or peer actors behind', async () => {
    const a = await set.make();
    const b = await set.listening();
    const port = tcpPort(b);
    const base = handleCounts();
    for (let i = 0; i < 1000; i++) {
      await a.connect(b.id, '127.0.0.1', port);
      await a.disconnect(b.id, { force: i % 2 === 0 });
    }
    expect(children(a)).toBe(0);
    for (let i = 0; i < 100 && children(b) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(children(b)).toBe(0);
    expect(await leakedSince(base)).toEqual({});
  }, 180_000);
});

async function hasIPv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
}

describe('IPv6 loopback', () => {
  it('connects to [::1] when the machine has it', async () => {
    if (!(await hasIPv6Loopback())) {
      console.log('IPv6 loopback (::1) is not available on this machine: the [::1] connect case cannot run here');
      return;
    }
    const a = await set.make();
    const b = await set.make({ listen: [{ host: '::1', port: 0 }] });
    const port = tcpPort(b);
    const r = await a.connect(`${b.id}@[::1]:${port}`);
    expect(r.address).toEqual({ type: 'ipv6', address: '::1', port });
    await a.disconnect(b.id);
    const r2 = await a.connect(`${b.id}@::1`, null, port);
    expect(r2.address).toEqual({ type: 'ipv6', address: '::1', port });
  });
});
