/**
 * Connections waiting for their WebSocket upgrade (src/io/ws-listener.ts) are
 * bounded as admission bounds unauthenticated TCP peers: per source address
 * group and in total, the oldest of the newcomer's own group evicted first,
 * else the oldest of the busiest group. One address opening connections it
 * never upgrades cannot push another address's upgrade out.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Listener } from '../../src/io/listener.js';
import { listenWebSocket } from '../../src/io/ws-listener.js';
import { within } from '../node/helpers.js';

const open: net.Socket[] = [];
const listeners: Listener[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  for (const l of listeners.splice(0)) await l.close();
});

async function listener(opts: Parameters<typeof listenWebSocket>[2]): Promise<number> {
  const l = await listenWebSocket({ host: '127.0.0.1', port: 0 }, (s) => s.destroy(), opts);
  listeners.push(l);
  if (l.binding.type !== 'websocket') throw new Error('no websocket binding');
  return l.binding.port;
}

/** A TCP connection from `from` that never sends its upgrade; resolves once the server has surely accepted it. */
interface Idle {
  socket: net.Socket;
  closed: Promise<void>;
  readonly open: boolean;
}

async function idle(port: number, from: string): Promise<Idle> {
  const s = net.connect({ host: '127.0.0.1', port, localAddress: from });
  s.on('error', () => undefined);
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  open.push(s);
  await new Promise<void>((r) => s.once('connect', () => r()));
  await new Promise((r) => setTimeout(r, 20)); // accepted before the next one arrives
  return { socket: s, closed, get open() {
    return !s.destroyed;
  } };
}

describe('WebSocket upgrade admission', () => {
  it('keeps another address group waiting while one address floods connections it never upgrades', async () => {
    const port = await listener({ maxPendingUpgrades: 4, maxPendingPerGroup: 2 });
    const honest = await idle(port, '127.0.0.2');
    const flood = [];
    for (let i = 0; i < 6; i++) flood.push(await idle(port, '127.0.0.1'));
    // The flood is held to its group's 2: its own oldest go, the honest connection stays.
    await within(Promise.all(flood.slice(0, 4).map((s) => s.closed)));
    expect(honest.open).toBe(true);
    expect(flood.slice(4).every((s) => s.open)).toBe(true);
  });

  it('evicts the oldest of the busiest group once the total is reached', async () => {
    const port = await listener({ maxPendingUpgrades: 3, maxPendingPerGroup: 2 });
    const b1 = await idle(port, '127.0.0.2'); // the oldest, but of a group of one
    const a1 = await idle(port, '127.0.0.1');
    const a2 = await idle(port, '127.0.0.1');
    const c1 = await idle(port, '127.0.0.3'); // total full: 127.0.0.1 holds the most
    await within(a1.closed);
    expect([a2, b1, c1].every((s) => s.open)).toBe(true);
  });
});
