/**
 * The supervisor's cardinality rules on real sockets (issue 5, spec §5–§6):
 * shared attempts, simultaneous dials, inbound-while-dialling, limits.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { countingProxy, NodeSet, sleep, stallServer, tcpPort } from './helpers.js';

const set = new NodeSet();
afterEach(() => set.closeAll());

describe('one attempt per node id', () => {
  it('50 concurrent connects to one peer: one TCP connection accepted, 50 identical results', async () => {
    const a = await set.make();
    const b = await set.listening();
    const proxy = await countingProxy(tcpPort(b));
    try {
      const results = await Promise.all(Array.from({ length: 50 }, () => a.connect(b.id, '127.0.0.1', proxy.port)));
      expect(proxy.connections()).toBe(1);
      for (const r of results) expect(r).toEqual(results[0]);
      expect(results[0]?.direction).toBe('out');
    } finally {
      await proxy.close();
    }
  });

  it('a second caller with a new address joins the attempt: both get the address that worked', async () => {
    const a = await set.make({ dialStaggerMs: 5_000 });
    const b = await set.listening();
    const stall = await stallServer();
    try {
      const first = a.connect(b.id, '127.0.0.1', stall.port);
      while (stall.accepted() === 0) await sleep(5);
      const second = a.connect(b.id, '127.0.0.1', tcpPort(b));
      // the stalled address holds the attempt until its handshake timer; shorten by closing it
      await sleep(50);
      await stall.close();
      const [r1, r2] = await Promise.all([first, second]);
      expect(r1).toEqual(r2);
      expect(r1.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: tcpPort(b) });
    } finally {
      await stall.close();
    }
  });

  it('A→B and B→A at the same time end with exactly one connection and both calls resolved', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await set.listening();
      const b = await set.listening();
      const [ra, rb] = await Promise.all([a.connect(b.id, '127.0.0.1', tcpPort(b)), b.connect(a.id, '127.0.0.1', tcpPort(a))]);
      expect(ra.id).toBe(b.id);
      expect(rb.id).toBe(a.id);
      await sleep(100);
      const pa = a.listPeers();
      const pb = b.listPeers();
      expect(pa).toHaveLength(1);
      expect(pb).toHaveLength(1);
      expect(pa[0]?.connected).toBe(true);
      expect(pb[0]?.connected).toBe(true);
      // the same TCP connection seen from both ends: directions are opposite
      expect(pa[0]?.direction).not.toBe(pb[0]?.direction);
      await set.closeAll();
    }
  });

  it('an inbound connection while we dial that peer: our attempt is cancelled and the caller gets "in"', async () => {
    const a = await set.listening();
    const b = await set.listening();
    const stall = await stallServer();
    try {
      const pending = a.connect(b.id, '127.0.0.1', stall.port);
      while (stall.accepted() === 0) await sleep(5);
      const fromB = await b.connect(a.id, '127.0.0.1', tcpPort(a));
      expect(fromB.direction).toBe('out');
      const r = await pending;
      expect(r.direction).toBe('in');
      expect(r.id).toBe(b.id);
      expect(a.listPeers()).toHaveLength(1);
    } finally {
      await stall.close();
    }
  });

  it('a newer authenticated connection from the same node replaces the old one', async () => {
    const a = await set.make();
    const b = await set.listening();
    await a.connect(b.id, '127.0.0.1', tcpPort(b));
    // the same node id on two nodes: create both with the same secret
    const secret = new Uint8Array(32).fill(7);
    const x1 = await set.make({ secretKey: secret });
    const x2 = await set.make({ secretKey: secret });
    await x1.connect(b.id, '127.0.0.1', tcpPort(b));
    await x2.connect(b.id, '127.0.0.1', tcpPort(b));
    await sleep(100);
    const peers = b.listPeers(x1.id);
    expect(peers).toHaveLength(1);
    expect(x1.listPeers(b.id)).toHaveLength(0); // the old connection was closed by b
    expect(x2.listPeers(b.id)[0]?.connected).toBe(true);
  });
});

describe('limits', () => {
  it('at most N outgoing attempts in flight, the rest queued', async () => {
    const stall = await stallServer();
    const a = await set.make({ maxConnectInFlight: 2, handshakeTimeoutMs: 400 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await set.make()).id);
    try {
      const all = ids.map((id) => a.connect(id, '127.0.0.1', stall.port).catch((e: unknown) => e));
      await sleep(150);
      expect(stall.accepted()).toBe(2);
      const outcomes = await Promise.all(all);
      expect(stall.accepted()).toBe(4);
      for (const o of outcomes) expect(String((o as Error).message)).toContain('Cryptographic handshake: Connection timed out');
    } finally {
      await stall.close();
    }
  });

  it('inbound handshakes in flight are bounded: the excess is refused early', async () => {
    const b = await set.listening({ maxInboundHandshakes: 3, handshakeTimeoutMs: 2_000 });
    const idle: net.Socket[] = [];
    try {
      const closed: boolean[] = [];
      for (let i = 0; i < 6; i++) {
        const s = net.connect(tcpPort(b), '127.0.0.1');
        s.on('error', () => undefined);
        const k = i;
        closed[k] = false;
        s.on('close', () => (closed[k] = true));
        idle.push(s);
        await new Promise((r) => s.once('connect', r));
      }
      await sleep(200);
      expect(closed.filter(Boolean).length).toBe(3);
      // a valid connect is still served once the idle ones time out or go away
      for (const s of idle) s.destroy();
      await sleep(50);
      const a = await set.make();
      expect((await a.connect(b.id, '127.0.0.1', tcpPort(b))).id).toBe(b.id);
    } finally {
      for (const s of idle) s.destroy();
    }
  });
});
