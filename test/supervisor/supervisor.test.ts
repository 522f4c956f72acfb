/**
 * The supervisor (src/supervisor/supervisor.ts) with fake peer actors and a
 * recording dial queue, entered through `.provide()`: one attempt per node
 * id, addresses appended, already-connected answers, inbound replacing an
 * attempt, simultaneous connections, the inbound limit, child failures as
 * data. No sockets, no peer machines.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import type { PeerInput, PeerNotice, PeerOutcome } from '../../src/machines/peer-types.js';
import { supervisorMachine } from '../../src/supervisor/supervisor.js';
import type { QueueCommand, SupervisorEmitted } from '../../src/supervisor/supervisor.js';
import { ipv4, makeConfig, OUR_ID, THEIR_ID } from '../machines/helpers.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface FakePeer {
  key: string;
  input: PeerInput;
  received: { type: string }[];
  stopped: boolean;
  notify(n: DistributiveOmit<PeerNotice, 'key'>): void;
}

const HIGH_ID = `03${'ff'.repeat(32)}`; // sorts after OUR_ID: we dialled with the lower id, ours wins

function setupSupervisor(opts: { maxInbound?: number; crashOn?: string } = {}) {
  const clock = new SimulatedClock();
  const peers: FakePeer[] = [];
  const queue: QueueCommand[] = [];
  const emitted: SupervisorEmitted[] = [];
  const machine = supervisorMachine.provide({
    actors: {
      peer: fromCallback<{ type: string }, PeerInput>(({ input, receive, sendBack, self }) => {
        const p: FakePeer = {
          key: self.id,
          input,
          received: [],
          stopped: false,
          notify: (n) => sendBack({ ...n, key: self.id }),
        };
        peers.push(p);
        receive((e) => {
          if (e.type === opts.crashOn) throw new Error('child crashed');
          p.received.push(e);
        });
        return () => {
          p.stopped = true;
        };
      }) as never,
      dialQueue: fromCallback<QueueCommand>(({ receive, sendBack }) => {
        receive((c) => {
          queue.push(c);
          if (c.type === 'queue.enter') sendBack({ type: 'queue.granted', key: c.key });
        });
      }),
    },
  });
  const sup = createActor(machine, {
    input: { peer: makeConfig(clock), maxInboundHandshakes: opts.maxInbound ?? 2, simultaneousWindowMs: 10_000 },
    clock,
  });
  sup.on('*', (e) => emitted.push(e));
  sup.start();
  const settled = () => emitted.flatMap((e) => (e.type === 'connect.settled' ? [e] : []));
  return { sup, peers, queue, emitted, settled, clock };
}

const connected = (id: string, direction: 'in' | 'out'): PeerOutcome => ({
  kind: 'connected',
  result: { id, features: '', direction, address: { type: 'ipv4', address: '127.0.0.1', port: 9735 } },
});

describe('supervisor', () => {
  it('one attempt per node id: a second request appends its addresses; the queue grant starts it', () => {
    const { sup, peers, queue } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(2)] });
    expect(peers).toHaveLength(1);
    const p = peers[0] as FakePeer;
    expect(p.input).toMatchObject({ direction: 'out', id: THEIR_ID, queued: true, explicit: [ipv4(1)] });
    expect(queue).toEqual([{ type: 'queue.enter', key: p.key }]);
    expect(p.received).toEqual([{ type: 'peer.start' }, { type: 'peer.addAddresses', entries: [ipv4(2)] }]);
  });

  it('settles every waiter once with the outcome; already connected answers at once without a new peer', () => {
    const { sup, peers, queue, settled, emitted } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    const p = peers[0] as FakePeer;
    p.notify({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome: connected(THEIR_ID, 'out') });
    expect(settled()).toEqual([{ type: 'connect.settled', id: THEIR_ID, outcome: connected(THEIR_ID, 'out') }]);
    expect(queue.at(-1)).toEqual({ type: 'queue.leave', key: p.key });
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(5)] });
    expect(peers).toHaveLength(1);
    expect(settled()).toHaveLength(2);
    expect(emitted).toContainEqual({ type: 'log', level: 'debug', id: THEIR_ID, msg: 'Already connected via 127.0.0.1:9735' });
  });

  it('a failed attempt frees the slot: the next request starts a new attempt', () => {
    const { sup, peers, settled } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    const outcome: PeerOutcome = { kind: 'all-failed', message: 'All addresses failed: x. ', attempts: [] };
    (peers[0] as FakePeer).notify({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome });
    expect(settled().map((s) => s.outcome)).toEqual([outcome]);
    expect(sup.getSnapshot().context.slots).toEqual({});
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    expect(peers).toHaveLength(2);
  });

  it('abandon cancels a connecting outbound attempt', () => {
    const { sup, peers } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    sup.send({ type: 'connect.abandon', id: THEIR_ID });
    expect((peers[0] as FakePeer).received.at(-1)).toEqual({ type: 'peer.cancel' });
  });

  it('an inbound connection that completes init while we dial cancels our attempt; the waiters get "in"', () => {
    const { sup, peers, settled } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    sup.send({ type: 'inbound.accepted', socket: {}, remote: { type: 'ipv4', address: '127.0.0.1', port: 40000 } });
    const [out, inb] = peers as [FakePeer, FakePeer];
    expect(inb.input).toMatchObject({ direction: 'in', remote: { port: 40000 } });
    inb.notify({ type: 'peer.identified', id: THEIR_ID, direction: 'in' });
    inb.notify({ type: 'peer.initDone', id: THEIR_ID, direction: 'in' });
    expect(out.received.at(-1)).toEqual({ type: 'peer.cancel' });
    // the cancelled attempt's outcome is nobody's answer
    out.notify({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome: { kind: 'cancelled' } });
    expect(settled()).toEqual([]);
    inb.notify({ type: 'peer.outcome', id: THEIR_ID, direction: 'in', outcome: connected(THEIR_ID, 'in') });
    expect(settled()).toEqual([{ type: 'connect.settled', id: THEIR_ID, outcome: connected(THEIR_ID, 'in') }]);
  });

  it('simultaneous connections: the one dialled by the lower node id is kept', () => {
    const { sup, peers } = setupSupervisor();
    expect(OUR_ID < HIGH_ID).toBe(true);
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    sup.send({ type: 'inbound.accepted', socket: {}, remote: { type: 'ipv4', address: '127.0.0.1', port: 40000 } });
    const [out, inb] = peers as [FakePeer, FakePeer];
    out.notify({ type: 'peer.identified', id: HIGH_ID, direction: 'out' }); // ours is authenticated
    inb.notify({ type: 'peer.identified', id: HIGH_ID, direction: 'in' });
    inb.notify({ type: 'peer.initDone', id: HIGH_ID, direction: 'in' });
    expect(inb.received).toEqual([{ type: 'peer.disconnect', force: true }]);
    expect(out.received).not.toContainEqual({ type: 'peer.cancel' });
    expect(sup.getSnapshot().context.slots[HIGH_ID]?.key).toBe(out.key);
  });

  it('simultaneous, ours not yet authenticated: the inbound one is adopted (both sides agree)', () => {
    const { sup, peers } = setupSupervisor();
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    sup.send({ type: 'inbound.accepted', socket: {}, remote: { type: 'ipv4', address: '127.0.0.1', port: 40000 } });
    const [out, inb] = peers as [FakePeer, FakePeer];
    inb.notify({ type: 'peer.identified', id: HIGH_ID, direction: 'in' });
    inb.notify({ type: 'peer.initDone', id: HIGH_ID, direction: 'in' });
    expect(out.received.at(-1)).toEqual({ type: 'peer.cancel' });
    expect(sup.getSnapshot().context.slots[HIGH_ID]?.key).toBe(inb.key);
  });

  it('bounds inbound handshakes in flight', () => {
    const { sup, peers, emitted } = setupSupervisor({ maxInbound: 1 });
    const socket2 = { n: 2 };
    sup.send({ type: 'inbound.accepted', socket: { n: 1 }, remote: { type: 'ipv4', address: '127.0.0.1', port: 1 } });
    sup.send({ type: 'inbound.accepted', socket: socket2, remote: { type: 'ipv4', address: '127.0.0.1', port: 2 } });
    expect(peers).toHaveLength(1);
    expect(emitted).toContainEqual({ type: 'inbound.refused', socket: socket2 });
    (peers[0] as FakePeer).notify({ type: 'peer.closed', id: '', direction: 'in', reason: 'peer closed connection' });
    sup.send({ type: 'inbound.accepted', socket: { n: 3 }, remote: { type: 'ipv4', address: '127.0.0.1', port: 3 } });
    expect(peers).toHaveLength(2);
  });

  it('a crashing child does not stop the supervisor (its error is handled, the child dropped)', () => {
    const { sup, peers, settled } = setupSupervisor({ crashOn: 'peer.start' });
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    expect(sup.getSnapshot().status).toBe('active');
    // its slot is gone and its callers are answered (402: the connection was lost before it was handed over)
    expect(sup.getSnapshot().context.slots[THEIR_ID]).toBeUndefined();
    expect(settled()).toEqual([{ type: 'connect.settled', id: THEIR_ID, outcome: { kind: 'disconnected-during' } }]);
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    expect(peers).toHaveLength(2);
    expect(sup.getSnapshot().status).toBe('active');
  });

  it('disconnect: a connected peer gets peer.disconnect, a connecting one is cancelled', () => {
    const { sup, peers } = setupSupervisor();
    sup.send({ type: 'connect.request', id: THEIR_ID, seeds: [ipv4(1)] });
    sup.send({ type: 'connect.request', id: HIGH_ID, seeds: [ipv4(1)] });
    const [a, b] = peers as [FakePeer, FakePeer];
    a.notify({ type: 'peer.outcome', id: THEIR_ID, direction: 'out', outcome: connected(THEIR_ID, 'out') });
    sup.send({ type: 'peer.disconnect', id: THEIR_ID, force: true });
    sup.send({ type: 'peer.disconnect', id: HIGH_ID });
    expect(a.received.at(-1)).toEqual({ type: 'peer.disconnect', force: true });
    expect(b.received.at(-1)).toEqual({ type: 'peer.cancel' });
    a.notify({ type: 'peer.closed', id: THEIR_ID, direction: 'out', reason: 'disconnected by request' });
    expect(sup.getSnapshot().context.slots[THEIR_ID]).toBeUndefined();
  });
});
