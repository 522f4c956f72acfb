/**
 * Persistent peers on loopback (issue 12): a channel peer that hangs up is
 * back within about a second; a `persist: true` peer that restarts on the
 * same port with the same key is back within the backoff, and listPeers shows
 * it meanwhile; a plain peer without channels is left alone; the peers known
 * at start (address book `persist`, `channels.peers()`) are dialled; a user
 * disconnect stops the redials. Bounds are generous: no timing is asserted
 * beyond "within".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Node } from '../../src/node.js';
import type { ChannelProvider, PeerInfo } from '../../src/types.js';
import { countingProxy, NodeSet, sleep, tcpPort } from './helpers.js';

const set = new NodeSet();
const dirs: string[] = [];
afterEach(async () => {
  await set.closeAll();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A runtime with one channel with each of `ids`; its subdaemons start at once. */
const channelsWith = (ids: () => readonly string[]): ChannelProvider => ({
  activeChannels: (peerId) => (ids().includes(peerId) ? [`chan-${peerId.slice(0, 8)}`] : []),
  startSubdaemon: async () => undefined,
  peers: ids,
});

/** Polls `node`'s view of `id` until `ok` holds; fails after `ms`. */
async function until(node: Node, id: string, ok: (p: PeerInfo | undefined) => boolean, ms = 10_000): Promise<PeerInfo | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const p = node.listPeers(id)[0];
    if (ok(p)) return p;
    if (Date.now() > end) throw new Error(`peer ${id.slice(0, 8)} not as expected within ${ms} ms: ${JSON.stringify(p)}`);
    await sleep(20);
  }
}
const isUp = (p: PeerInfo | undefined) => p?.connected === true;

describe('persistent peers on loopback', () => {
  it('a channel peer that hangs up is back within about a second', async () => {
    const b = await set.listening();
    const a = await set.make({ channels: channelsWith(() => [b.id]) });
    await a.connect(b.id, '127.0.0.1', tcpPort(b));
    await until(b, a.id, isUp);
    const t0 = Date.now();
    await b.disconnect(a.id);
    const lost = await until(a, b.id, (p) => p?.connected !== true);
    expect(lost).toMatchObject({ persistent: true });
    await until(a, b.id, isUp, 5_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(a.listPeers(b.id)[0]).toMatchObject({ connected: true, direction: 'out', persistent: true, channels: [{ state: 'ready' }] });
  });

  it('a channel opened during the connection: the peer is kept connected once it hangs up', async () => {
    const b = await set.listening();
    const open: string[] = [];
    const a = await set.make({ channels: channelsWith(() => open) });
    await a.connect(b.id, '127.0.0.1', tcpPort(b));
    expect(a.listPeers(b.id)[0]?.persistent).toBeUndefined();
    open.push(b.id); // the runtime opens a channel
    await b.disconnect(a.id);
    await until(a, b.id, (p) => p?.persistent === true && p.nextAttemptAt !== undefined);
    await until(a, b.id, isUp, 5_000);
  });

  it('a persist: true peer restarting on the same port with the same key is back within the backoff', async () => {
    const secretKey = new Uint8Array(32).fill(7);
    const b1 = await set.listening({ secretKey });
    const port = tcpPort(b1);
    const a = await set.make();
    await a.connect(b1.id, '127.0.0.1', port, { persist: true });
    await b1.close();
    const down = await until(a, b1.id, (p) => p?.connected === false && p.nextAttemptAt !== undefined && p.lastFailure !== undefined);
    expect(down).toMatchObject({ id: b1.id, connected: false, persistent: true, channels: [] });
    await sleep(1_500); // at least one redial fails while it is down
    const b2 = await set.listening({ secretKey, listen: [{ host: '127.0.0.1', port }] });
    expect(b2.id).toBe(b1.id);
    await until(a, b2.id, isUp, 15_000);
    await until(b2, a.id, isUp);
  });

  it('a plain connect without channels is left alone after the peer hangs up (Core Lightning)', async () => {
    const b = await set.listening();
    const proxy = await countingProxy(tcpPort(b));
    try {
      const a = await set.make();
      await a.connect(b.id, '127.0.0.1', proxy.port);
      await until(b, a.id, isUp);
      await b.disconnect(a.id);
      await until(a, b.id, (p) => p === undefined);
      await sleep(2_500);
      expect(proxy.connections()).toBe(1);
      expect(a.listPeers()).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a user disconnect stops the redials until the next connect', async () => {
    const b = await set.listening();
    const proxy = await countingProxy(tcpPort(b));
    try {
      const a = await set.make();
      await a.connect(b.id, '127.0.0.1', proxy.port, { persist: true });
      await a.disconnect(b.id);
      expect(a.listPeers(b.id)).toEqual([]); // no longer kept connected: not listed once disconnected
      await sleep(2_000);
      expect(proxy.connections()).toBe(1);
      await a.connect(b.id);
      expect(proxy.connections()).toBe(2);
      await b.disconnect(a.id);
      await until(a, b.id, isUp, 5_000);
      expect(proxy.connections()).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it('at start, peers marked persist in the address book and channels.peers() are dialled', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lnconnect-reconnect-'));
    dirs.push(dir);
    const b = await set.listening();
    const c = await set.listening();
    const a1 = await set.make({ dataDir: dir });
    await a1.connect(b.id, '127.0.0.1', tcpPort(b), { persist: true });
    await a1.close();
    const a2 = await set.make({
      dataDir: dir,
      channels: channelsWith(() => [c.id]),
      addressSource: { addressesFor: (id) => (id === c.id ? [{ type: 'ipv4', address: '127.0.0.1', port: tcpPort(c) }] : []) },
    });
    await until(a2, b.id, isUp);
    await until(a2, c.id, isUp);
    expect(a2.listPeers().map((p) => p.persistent)).toEqual([true, true]);
  });

  it('refuses a backoff that cannot work, naming the option', async () => {
    await expect(set.make({ reconnectMaxMs: 10 })).rejects.toThrow(/reconnectMaxMs \(10\) should be at least reconnectInitialMs \(1000\)/);
    await expect(set.make({ reconnectInitialMs: -1 })).rejects.toThrow(/reconnectInitialMs/);
  });

  it('close() leaves no redial behind: a peer that was down is not dialled after close', async () => {
    const b = await set.listening();
    const proxy = await countingProxy(tcpPort(b));
    try {
      const a = await set.make();
      await a.connect(b.id, '127.0.0.1', proxy.port, { persist: true });
      await b.disconnect(a.id);
      await until(a, b.id, (p) => p?.nextAttemptAt !== undefined);
      await a.close();
      await sleep(1_500);
      expect(proxy.connections()).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
