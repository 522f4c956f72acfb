/**
 * The supervisor (src/supervisor/supervisor.ts) with a fake peer factory in
 * its input and a recording dial queue entered through `.provide()`
 * (./fakes.ts): one attempt per node id, addresses appended,
 * already-connected answers, inbound replacing an attempt, simultaneous
 * connections, the inbound limit, peer failures as data (`peer.crashed`),
 * and exceptions inside a supervisor step contained to the peer they concern.
 */
import { describe, expect, it } from 'vitest';
import type { PeerOutcome } from '../../src/machines/peer-types.js';
import { ipv4, OUR_ID, THEIR_ID } from '../machines/helpers.js';
import { connected, HIGH_ID, LOW_ID, lost, setupSupervisor } from './fakes.js';
import type { FakePeer } from './fakes.js';

describe('supervisor: cardinality', () => {
  it('one attempt per node id: a second request appends its addresses; the queue grant starts it', () => {
    const { sup, peers, queue } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(2)] });
    expect(peers).toHaveLength(1);
    const p = peers[0] as FakePeer;
    expect(p.spawn).toEqual({ direction: 'out', key: p.key, id: THEIR_ID, queued: true, explicit: [ipv4(1)] });
    expect(queue).toEqual([{ type: 'queue.enter', key: p.key }]);
    expect(p.received).toEqual([{ type: 'peer.start' }, { type: 'peer.addAddresses', entries: [ipv4(2)] }]);
  });

  it('settles every waiter once with the outcome; already connected answers at once without a new peer', () => {
    const { sup, peers, queue, settled, emitted } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    const p = peers[0] as FakePeer;
    p.report({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome: connected(THEIR_ID, 'out') });
    expect(settled()).toEqual([{ type: 'connect.settled', id: THEIR_ID, outcome: connected(THEIR_ID, 'out') }]);
    expect(queue.at(-1)).toEqual({ type: 'queue.leave', key: p.key });
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(5)] });
    expect(peers).toHaveLength(1);
    expect(p.received).toEqual([{ type: 'peer.start' }]);
    expect(settled()).toHaveLength(2);
    expect(emitted).toContainEqual({ type: 'log', level: 'debug', id: THEIR_ID, msg: 'Already connected via 127.0.0.1:9735' });
  });

  it('a failed attempt frees the slot (failures are data): the next request starts a new attempt', () => {
    const { sup, peers, settled, ctx } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    const outcome: PeerOutcome = { kind: 'all-failed', message: 'All addresses failed: x. ', attempts: [] };
    (peers[0] as FakePeer).report({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome });
    expect(settled().map((s) => s.outcome)).toEqual([outcome]);
    expect(ctx().slots.size).toBe(0);
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    expect(peers).toHaveLength(2);
  });

  it('abandon cancels a connecting outbound attempt; disconnect closes a connected one', () => {
    const { sup, peers, ctx } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    const [a, b] = peers as [FakePeer, FakePeer];
    sup.send({ type: 'connect.abandon', id: HIGH_ID });
    expect(b.received.at(-1)).toEqual({ type: 'peer.cancel' });
    a.report({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome: connected(THEIR_ID, 'out') });
    sup.send({ type: 'peer.disconnect', id: THEIR_ID, force: true });
    expect(a.received.at(-1)).toEqual({ type: 'peer.disconnect', force: true });
    a.report({ type: 'peer.closed', id: THEIR_ID, direction: 'out', reason: 'disconnected by request' });
    expect(ctx().slots.has(THEIR_ID)).toBe(false);
  });

  it('node.stop stops every peer, pending inbound ones included', () => {
    const { sup, peers, inbound } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    inbound(40000);
    sup.send({ type: 'node.stop' });
    expect(peers.map((p) => p.stops)).toEqual([1, 1]);
    expect(sup.getSnapshot().status).toBe('done');
  });
});

describe('supervisor: inbound and simultaneous connections', () => {
  it('an inbound connection that completes init while we dial cancels our attempt; the waiters get "in"', () => {
    const { sup, peers, settled, queue, inbound } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    inbound(40000);
    const [out, inb] = peers as [FakePeer, FakePeer];
    expect(inb.spawn).toMatchObject({ direction: 'in', socket: { port: 40000 }, remote: { port: 40000 } });
    inb.report({ type: 'peer.identified', id: THEIR_ID, direction: 'in' });
    inb.report({ type: 'peer.initDone', id: THEIR_ID, direction: 'in' });
    expect(out.received.at(-1)).toEqual({ type: 'peer.cancel' });
    expect(queue.at(-1)).toEqual({ type: 'queue.leave', key: out.key });
    // the cancelled attempt's outcome is nobody's answer
    out.report({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome: { kind: 'cancelled' } });
    expect(settled()).toEqual([]);
    inb.report({ type: 'peer.outcome', id: THEIR_ID, direction: 'in', outcome: connected(THEIR_ID, 'in') });
    expect(settled()).toEqual([{ type: 'connect.settled', id: THEIR_ID, outcome: connected(THEIR_ID, 'in') }]);
  });

  it('an attempt that failed while the same peer knocks inbound lets the inbound connection answer', () => {
    const { sup, peers, settled, ctx, inbound } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    inbound(40000);
    const [out, inb] = peers as [FakePeer, FakePeer];
    inb.report({ type: 'peer.identified', id: THEIR_ID, direction: 'in' });
    out.report({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome: lost });
    expect(settled()).toEqual([]);
    expect(ctx().slots.get(THEIR_ID)?.key).toBe(inb.key);
    inb.report({ type: 'peer.outcome', id: THEIR_ID, direction: 'in', outcome: connected(THEIR_ID, 'in') });
    expect(settled().map((s) => s.outcome)).toEqual([connected(THEIR_ID, 'in')]);
  });

  it('simultaneous connections: the one dialled by the lower node id is kept (ours, authenticated)', () => {
    const { sup, peers, ctx, inbound } = setupSupervisor();
    expect(OUR_ID < HIGH_ID).toBe(true);
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    inbound(40000);
    const [out, inb] = peers as [FakePeer, FakePeer];
    out.report({ type: 'peer.identified', id: HIGH_ID, direction: 'out' }); // ours is authenticated
    inb.report({ type: 'peer.identified', id: HIGH_ID, direction: 'in' });
    inb.report({ type: 'peer.initDone', id: HIGH_ID, direction: 'in' });
    expect(inb.received).toEqual([{ type: 'peer.disconnect', force: true }]);
    expect(out.received).toEqual([{ type: 'peer.start' }]);
    expect(ctx().slots.get(HIGH_ID)?.key).toBe(out.key);
  });

  it.each([
    ['ours not yet authenticated', HIGH_ID, false],
    ['the peer has the lower id', LOW_ID, true],
  ])('simultaneous, %s: the inbound one is adopted (both sides agree)', (_, id, authenticated) => {
    const { sup, peers, ctx, inbound } = setupSupervisor();
    expect(LOW_ID < OUR_ID).toBe(true);
    sup.send({ type: 'connect.request', id, seeds: [ipv4(1)] });
    inbound(40000);
    const [out, inb] = peers as [FakePeer, FakePeer];
    if (authenticated) out.report({ type: 'peer.identified', id, direction: 'out' });
    inb.report({ type: 'peer.identified', id, direction: 'in' });
    inb.report({ type: 'peer.initDone', id, direction: 'in' });
    expect(out.received.at(-1)).toEqual({ type: 'peer.cancel' });
    expect(ctx().slots.get(id)?.key).toBe(inb.key);
  });

  it('bounds inbound handshakes in flight: the excess is refused with its socket', () => {
    const { peers, emitted, inbound } = setupSupervisor({ maxInbound: 1 });
    const socket2 = { n: 2 };
    inbound(1);
    inbound(2, socket2);
    expect(peers).toHaveLength(1);
    expect(emitted).toContainEqual({ type: 'inbound.refused', socket: socket2 });
    (peers[0] as FakePeer).report({ type: 'peer.closed', id: '', direction: 'in', reason: 'peer closed connection' });
    inbound(3);
    expect(peers).toHaveLength(2);
  });
});

describe('supervisor: failures are data, never its own death', () => {
  it('peer.crashed: a connecting peer is stopped and forgotten, its callers get disconnected-during', () => {
    const { sup, peers, settled, queue, warnings, ctx } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    const p = peers[0] as FakePeer;
    p.report({ type: 'peer.crashed', error: new Error('boom') });
    expect(p.stops).toBe(1);
    expect(ctx().slots.size).toBe(0);
    expect(ctx().byKey.size).toBe(0);
    expect(queue.at(-1)).toEqual({ type: 'queue.leave', key: p.key });
    expect(settled()).toEqual([{ type: 'connect.settled', id: THEIR_ID, outcome: lost }]);
    expect(warnings()).toEqual(['peer actor failed: Error: boom']);
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    expect(peers).toHaveLength(2);
  });

  it('peer.crashed: a connected peer is forgotten without a second answer; a pending inbound one frees its place', () => {
    const { sup, peers, settled, ctx, inbound } = setupSupervisor({ maxInbound: 1 });
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    inbound(40000);
    const [out, inb] = peers as [FakePeer, FakePeer];
    out.report({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome: connected(THEIR_ID, 'out') });
    out.report({ type: 'peer.crashed', error: new Error('boom') });
    inb.report({ type: 'peer.crashed', error: new Error('boom') });
    expect([out.stops, inb.stops]).toEqual([1, 1]);
    expect(settled()).toHaveLength(1);
    expect(ctx().slots.size + ctx().inbound.size).toBe(0);
    inbound(40001);
    expect(peers).toHaveLength(3);
  });

  it('an exception in a step (the peer throws on peer.start) is contained: that peer stopped, the others served', () => {
    const { sup, peers, settled, queue, warnings, ctx } = setupSupervisor({
      throwOn: (s) => (s.direction === 'out' && s.id === THEIR_ID ? 'peer.start' : undefined),
    });
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    expect(sup.getSnapshot().status).toBe('active');
    const bad = peers[0] as FakePeer;
    expect(bad.stops).toBe(1);
    expect(ctx().slots.has(THEIR_ID)).toBe(false);
    expect(queue).toEqual([{ type: 'queue.enter', key: bad.key }, { type: 'queue.leave', key: bad.key }]);
    expect(settled()).toEqual([{ type: 'connect.settled', id: THEIR_ID, outcome: lost }]);
    expect(warnings()).toEqual([`supervisor step 'queue.granted' failed: Error: injected failure on peer.start`]);
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    const good = peers[1] as FakePeer;
    expect(good.received).toEqual([{ type: 'peer.start' }]);
    good.report({ type: 'peer.outcome', id: HIGH_ID, direction: 'out', outcome: connected(HIGH_ID, 'out') });
    expect(settled().at(-1)).toEqual({ type: 'connect.settled', id: HIGH_ID, outcome: connected(HIGH_ID, 'out') });
  });

  it('an exception while deciding between connections stops the peer it concerns, not the one we keep', () => {
    const { sup, peers, ctx, warnings, inbound } = setupSupervisor({
      throwOn: (s) => (s.direction === 'in' ? 'peer.disconnect' : undefined),
    });
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    inbound(40000);
    const [out, inb] = peers as [FakePeer, FakePeer];
    out.report({ type: 'peer.identified', id: HIGH_ID, direction: 'out' });
    inb.report({ type: 'peer.identified', id: HIGH_ID, direction: 'in' });
    inb.report({ type: 'peer.initDone', id: HIGH_ID, direction: 'in' });
    expect(sup.getSnapshot().status).toBe('active');
    expect([out.stops, inb.stops]).toEqual([0, 1]);
    expect(ctx().inbound.size).toBe(0);
    expect(ctx().slots.get(HIGH_ID)?.key).toBe(out.key);
    expect(warnings()).toHaveLength(1);
  });

  it('a factory that throws is contained: the caller is answered, an inbound socket is handed back to close', () => {
    const { sup, peers, settled, emitted, warnings, inbound } = setupSupervisor({
      createThrows: (s) => s.direction === 'in' || s.id === THEIR_ID,
    });
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    expect(settled()).toEqual([{ type: 'connect.settled', id: THEIR_ID, outcome: lost }]);
    const socket = { n: 1 };
    inbound(40000, socket);
    expect(emitted).toContainEqual({ type: 'inbound.refused', socket });
    expect(warnings()).toHaveLength(2);
    expect(sup.getSnapshot().status).toBe('active');
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    expect(peers.map((p) => p.spawn.direction === 'out' && p.spawn.id)).toEqual([HIGH_ID]);
  });

  it('a contained failure gives its dial-queue slot back: with one slot in flight, the next attempt still starts', async () => {
    const { sup, peers } = setupSupervisor({ inFlight: 1, throwOn: (s) => (s.direction === 'out' && s.id === THEIR_ID ? 'peer.start' : undefined) });
    const granted = () => new Promise<void>((r) => setImmediate(r));
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    await granted();
    expect((peers[0] as FakePeer).stops).toBe(1);
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    await granted();
    expect((peers[1] as FakePeer).received).toEqual([{ type: 'peer.start' }]);
  });
});
