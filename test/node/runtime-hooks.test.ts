/**
 * The runtime's hooks on real sockets (issue 5, spec §6): subdaemons per
 * channel, the peer_connected hook, and 402.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectError } from '../../src/index.js';
import { decodeWarning } from '../../src/bolt1/index.js';
import type { ChannelProvider } from '../../src/index.js';
import { NodeSet, sleep, tcpPort } from './helpers.js';

const set = new NodeSet();
afterEach(() => set.closeAll());

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('subdaemons and the peer_connected hook', () => {
  it('connect resolves only after every subdaemon settled (one slow, one failing)', async () => {
    const slow = deferred();
    const started: string[] = [];
    const channels: ChannelProvider = {
      activeChannels: () => ['c1', 'c2', 'c3'],
      startSubdaemon: async ({ channelId }) => {
        started.push(channelId);
        if (channelId === 'c2') await slow.promise;
        if (channelId === 'c3') throw new Error('channeld crashed');
      },
    };
    const a = await set.make({ channels });
    const b = await set.listening();
    let settled = false;
    const p = a.connect(b.id, '127.0.0.1', tcpPort(b)).then((r) => {
      settled = true;
      return r;
    });
    p.catch(() => undefined);
    for (let i = 0; i < 200 && started.length < 3; i++) await sleep(10);
    await sleep(50);
    expect(started.sort()).toEqual(['c1', 'c2', 'c3']);
    expect(settled).toBe(false);
    const waiting = a.listPeers(b.id)[0];
    expect(waiting?.connected).toBe(false);
    slow.resolve();
    const r = await p;
    expect(r.direction).toBe('out');
    const peer = a.listPeers(b.id)[0];
    expect(peer?.connected).toBe(true);
    expect(peer?.channels).toEqual([
      { channelId: 'c1', state: 'ready' },
      { channelId: 'c2', state: 'ready' },
      { channelId: 'c3', state: 'failed', error: 'channeld crashed' },
    ]);
  });

  it('a disconnect while the subdaemons are pending gives 402', async () => {
    const never = deferred();
    const a = await set.make({ channels: { activeChannels: () => ['c1'], startSubdaemon: () => never.promise } });
    const b = await set.listening();
    let started = false;
    const p = a.connect(b.id, '127.0.0.1', tcpPort(b));
    p.catch(() => undefined);
    for (let i = 0; i < 200 && !started; i++) {
      started = a.listPeers(b.id)[0]?.channels.length === 1;
      await sleep(10);
    }
    await b.disconnect(a.id, { force: true });
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConnectError);
    expect((e as ConnectError).code).toBe(402);
    expect((e as ConnectError).message).toBe('disconnected during connection');
    never.resolve();
  });

  it('the hook rejecting gives 402 and the peer receives the warning text', async () => {
    const a = await set.make({
      peerConnectedHook: (peer) =>
        peer.direction === 'out' ? { result: 'disconnect', error_message: 'You are in reject list' } : { result: 'continue' },
    });
    const seen: Uint8Array[] = [];
    const b = await set.listening();
    b.onMessage((_id, m) => seen.push(m));
    const e = await a.connect(b.id, '127.0.0.1', tcpPort(b)).catch((x: unknown) => x);
    expect((e as ConnectError).code).toBe(402);
    expect((e as ConnectError).message).toBe('disconnected during connection');
    for (let i = 0; i < 40 && seen.length === 0; i++) await sleep(25);
    const warnings = seen.filter((m) => m[0] === 0 && m[1] === 1);
    expect(warnings).toHaveLength(1);
    const w = decodeWarning(warnings[0] as Uint8Array);
    expect(new TextDecoder().decode(w.data)).toBe('You are in reject list');
    expect(w.channelId.every((x) => x === 0)).toBe(true);
  });

  it('the hook sees Core Lightning\'s payload, remote_addr included on the dialler\'s side', async () => {
    const payloads: unknown[] = [];
    const a = await set.make({ peerConnectedHook: (p) => (payloads.push(p), { result: 'continue' }) });
    const b = await set.listening();
    await a.connect(b.id, '127.0.0.1', tcpPort(b));
    expect(payloads).toHaveLength(1);
    expect(payloads[0]).toMatchObject({ id: b.id, direction: 'out', addr: `127.0.0.1:${tcpPort(b)}` });
    expect((payloads[0] as { remote_addr?: string }).remote_addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(a.listPeers(b.id)[0]?.remote_addr).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
