/**
 * Redials of persistent peers in the supervisor (src/supervisor/reconnect.ts)
 * on xstate's SimulatedClock with fake peers (./fakes.ts): the backoff
 * schedule as the supervisor runs it, the reset, inbound-satisfies,
 * user-disconnect-stops, close-cancels, start-up dialling under the in-flight
 * cap, and a plain peer without channels left alone.
 */
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { PeerOutcome } from '../../src/machines/peer-types.js';
import type { BackoffPolicy } from '../../src/supervisor/backoff.js';
import { ipv4, THEIR_ID } from '../machines/helpers.js';
import { connected, HIGH_ID, LOW_ID, setupSupervisor } from './fakes.js';
import type { FakePeer } from './fakes.js';

const policy: BackoffPolicy = { initialMs: 1_000, maxMs: 8_000, resetAfterMs: 60_000 };

function setup(opts: { inFlight?: number; random?: () => number } = {}) {
  const clock = new SimulatedClock();
  const s = setupSupervisor({
    ...(opts.inFlight === undefined ? {} : { inFlight: opts.inFlight }),
    reconnect: { policy, clock, random: opts.random ?? (() => 0.999999) },
  });
  const last = (): FakePeer => s.peers.at(-1) as FakePeer;
  const up = (p: FakePeer, id = THEIR_ID) => p.report({ type: 'peer.outcome', id, direction: 'out', outcome: connected(id, 'out') });
  const hangUp = (p: FakePeer, id = THEIR_ID, direction: 'in' | 'out' = 'out') =>
    p.report({ type: 'peer.closed', id, direction, reason: 'peer closed connection' });
  const fail = (p: FakePeer, id = THEIR_ID) => {
    const outcome: PeerOutcome = { kind: 'all-failed', message: 'All addresses failed: 127.0.0.1:9735: Connection refused. ', attempts: [] };
    p.report({ type: 'peer.outcome', id, direction: 'out', outcome });
  };
  const infos = () => s.emitted.flatMap((e) => (e.type === 'log' && e.level === 'info' ? [e.msg] : []));
  const rc = () => s.ctx().reconnect;
  return { ...s, clock, last, up, hangUp, fail, infos, rc };
}

describe('reconnect: which peers', () => {
  it('a plain connect without channels is left alone after the peer hangs up (Core Lightning)', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    t.up(t.last());
    t.hangUp(t.last());
    t.clock.increment(3_600_000);
    expect(t.peers).toHaveLength(1);
    expect(t.rc().view(THEIR_ID)).toBeUndefined();
  });

  it('a peer with active channels is redialled from the address sources (no explicit address)', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    t.last().channels = [{ channelId: 'c1', state: 'ready' }];
    t.up(t.last());
    t.hangUp(t.last());
    expect(t.rc().view(THEIR_ID)).toEqual({ persistent: true, nextAt: 1000, lastFailure: 'peer closed connection' });
    t.clock.increment(999);
    expect(t.peers).toHaveLength(1);
    t.clock.increment(1);
    expect(t.peers).toHaveLength(2);
    expect(t.last().spawn).toMatchObject({ direction: 'out', id: THEIR_ID, explicit: [], queued: true });
    expect(t.last().received).toEqual([{ type: 'peer.start' }]); // through the dial queue
    expect(t.infos()).toEqual(['Peer lost: peer closed connection; next attempt in 1000 ms', 'Reconnecting (attempt 1)']);
    t.up(t.last());
    expect(t.infos().at(-1)).toBe('Reconnected (attempt 1)');
  });

  it('persist: true makes a peer persistent even when its first attempt fails', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)], persist: true });
    t.fail(t.last());
    expect(t.rc().view(THEIR_ID)?.lastFailure).toBe('All addresses failed: 127.0.0.1:9735: Connection refused.');
    t.clock.increment(1000);
    expect(t.peers).toHaveLength(2);
  });
});

describe('reconnect: backoff', () => {
  it('doubles after every failed redial up to the cap, then stays at the cap', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)], persist: true });
    t.fail(t.last());
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const next = t.rc().view(THEIR_ID)?.nextAt as number;
      waits.push(next - t.clock.now());
      t.clock.increment(next - t.clock.now());
      t.fail(t.last());
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(t.infos()).toContain('Reconnect attempt 3 failed: All addresses failed: 127.0.0.1:9735: Connection refused.; next attempt in 8000 ms');
  });

  it('jitter keeps every wait within [base/2, base]', () => {
    let r = 0;
    const t = setup({ random: () => (r = (r + 0.37) % 1) });
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)], persist: true });
    t.fail(t.last());
    for (let i = 0; i < 8; i++) {
      const wait = (t.rc().view(THEIR_ID)?.nextAt as number) - t.clock.now();
      const base = Math.min(8000, 1000 * 2 ** i);
      expect(wait).toBeGreaterThanOrEqual(base / 2);
      expect(wait).toBeLessThanOrEqual(base);
      t.clock.increment(wait);
      t.fail(t.last());
    }
  });

  it('resets only after a connection that stayed up resetAfterMs', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)], persist: true });
    t.fail(t.last());
    for (let i = 0; i < 3; i++) {
      t.clock.increment(10_000);
      t.fail(t.last());
    }
    t.clock.increment(10_000);
    t.up(t.last());
    t.clock.increment(5_000);
    t.hangUp(t.last()); // up 5 s: accepts and drops, not reset
    expect((t.rc().view(THEIR_ID)?.nextAt as number) - t.clock.now()).toBe(8000);
    t.clock.increment(8000);
    t.up(t.last());
    t.clock.increment(60_000);
    t.hangUp(t.last()); // up a minute: back to the first step
    expect((t.rc().view(THEIR_ID)?.nextAt as number) - t.clock.now()).toBe(1000);
  });
});

describe('reconnect: what satisfies or stops it', () => {
  it('an inbound connection from the peer satisfies it: the pending redial is cancelled', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)], persist: true });
    t.up(t.last());
    t.hangUp(t.last());
    expect(t.rc().pending).toBe(1);
    t.inbound(40000);
    const inb = t.last();
    inb.report({ type: 'peer.identified', id: THEIR_ID, direction: 'in' });
    inb.report({ type: 'peer.initDone', id: THEIR_ID, direction: 'in' });
    expect(t.rc().pending).toBe(0);
    expect(t.rc().view(THEIR_ID)?.nextAt).toBeNull();
    t.clock.increment(3_600_000);
    expect(t.peers).toHaveLength(2);
    inb.report({ type: 'peer.outcome', id: THEIR_ID, direction: 'in', outcome: connected(THEIR_ID, 'in') });
    t.hangUp(inb, THEIR_ID, 'in'); // the inbound one ends too: redialled as well
    expect(t.rc().pending).toBe(1);
  });

  it('a user disconnect stops the redials until the next connect', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)], persist: true });
    t.up(t.last());
    t.hangUp(t.last());
    t.sup.send({ type: 'peer.disconnect', id: THEIR_ID });
    expect(t.rc().pending).toBe(0);
    t.clock.increment(3_600_000);
    expect(t.peers).toHaveLength(1);
    expect(t.rc().view(THEIR_ID)?.persistent).toBe(false);
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [] });
    expect(t.peers).toHaveLength(2);
    t.hangUp(t.last());
    expect(t.rc().pending).toBe(1);
  });

  it('a user disconnect of a connected persistent peer: the close that follows is not redialled', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)], persist: true });
    t.up(t.last());
    t.sup.send({ type: 'peer.disconnect', id: THEIR_ID });
    t.last().report({ type: 'peer.closed', id: THEIR_ID, direction: 'out', reason: 'disconnected by request' });
    expect(t.rc().pending).toBe(0);
  });

  it('closing the node cancels every pending redial and schedules no more (no timer left)', () => {
    const t = setup();
    for (const id of [THEIR_ID, HIGH_ID, LOW_ID]) {
      t.sup.send({ type: 'connect.request', id, seeds: [ipv4(1)], persist: true });
      t.fail(t.last(), id);
    }
    expect(t.rc().pending).toBe(3);
    t.sup.send({ type: 'node.closing' });
    expect(t.rc().pending).toBe(0);
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)], persist: true });
    t.fail(t.last());
    expect(t.rc().pending).toBe(0);
    t.sup.send({ type: 'node.stop' });
    t.clock.increment(3_600_000);
    expect(t.peers).toHaveLength(4);
  });
});

describe('reconnect: start-up', () => {
  it('persistent peers known at start are all dialled, never more in flight than the cap', async () => {
    const t = setup({ inFlight: 3 });
    const ids = Array.from({ length: 20 }, (_, i) => `02${i.toString(16).padStart(64, '0')}`);
    t.sup.send({ type: 'reconnect.start', peers: ids.map((id, i) => ({ id, ...(i % 2 === 0 ? { channels: true } : { persist: true }) })) });
    expect(t.peers).toHaveLength(20);
    const ended = new Set<FakePeer>();
    const inFlight = () => t.peers.filter((p) => !ended.has(p) && p.received.some((e) => e.type === 'peer.start'));
    let most = 0;
    while (ended.size < 20) {
      await new Promise((r) => setImmediate(r)); // p-queue grants on a microtask
      const running = inFlight();
      most = Math.max(most, running.length);
      const p = running[0] as FakePeer;
      ended.add(p);
      if (p.spawn.direction === 'out') t.up(p, p.spawn.id);
    }
    expect(most).toBe(3);
    expect(t.infos().filter((m) => m === 'Connecting to persistent peer')).toHaveLength(20);
  });

  it('our own id and peers already connected are not dialled again', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    t.sup.send({ type: 'reconnect.start', peers: [{ id: THEIR_ID, persist: true }, { id: t.ctx().config.peer.localId, persist: true }] });
    expect(t.peers).toHaveLength(1);
  });
});

describe('reconnect: a channel opened during the connection', () => {
  it('a peer not known as persistent that hangs up is reported (peer.lost); reconnect.channels then schedules its redial', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    t.up(t.last());
    t.hangUp(t.last());
    expect(t.emitted).toContainEqual({ type: 'peer.lost', id: THEIR_ID, reason: 'peer closed connection' });
    t.sup.send({ type: 'reconnect.channels', id: THEIR_ID, reason: 'peer closed connection' });
    expect(t.rc().view(THEIR_ID)).toEqual({ persistent: true, nextAt: 1000, lastFailure: 'peer closed connection' });
    t.clock.increment(1000);
    expect(t.peers).toHaveLength(2);
  });

  it('a close we asked for is not reported', () => {
    const t = setup();
    t.sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    t.up(t.last());
    t.sup.send({ type: 'peer.disconnect', id: THEIR_ID });
    t.last().report({ type: 'peer.closed', id: THEIR_ID, direction: 'out', reason: 'disconnected by request' });
    expect(t.emitted.some((e) => e.type === 'peer.lost')).toBe(false);
  });
});
