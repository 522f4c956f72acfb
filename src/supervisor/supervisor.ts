/**
 * The supervisor: one actor that owns cardinality (STYLE habit 11).
 *
 * - At most one authoritative peer actor per node id (`slots`); concurrent
 *   connects to one id share one attempt and new addresses are appended to it.
 * - Already connected → the stored result at once, no traffic.
 * - An inbound connection that completes init while we dial that peer cancels
 *   our attempt silently and the waiters succeed with `"in"`; a newer
 *   authenticated connection replaces an older one. Simultaneous A→B and B→A
 *   keep the connection dialled by the lower node id (both sides agree).
 * - Outgoing attempts wait for a slot of the `dialQueue` actor (p-queue);
 *   inbound handshakes in flight are bounded and the excess refused early.
 * - Child failures arrive as data (`peer.outcome`, `peer.closed`); nothing a
 *   child does can stop the supervisor.
 *
 * Waiters (promises of library callers) live in the node shell (src/node.ts):
 * the supervisor emits `connect.settled` with the one outcome they all get.
 * Spec: connect-behaviour.md §5, §6; cln-reference.md §2.4, §5.3–§5.5.
 */
import { enqueueActions, fromCallback, setup, stopChild } from 'xstate';
import type { AnyActorRef } from 'xstate';
import type { DialAddress, WireAddress } from '../address/types.js';
import { peerMachine } from '../machines/peer.js';
import type { EntrySeed, PeerConfig, PeerNotice, PeerOutcome } from '../machines/peer-types.js';
import type { ConnectResult, Direction } from '../types.js';

export interface SupervisorConfig {
  peer: PeerConfig;
  maxInboundHandshakes: number;
  /** Window in which two connections to one peer count as simultaneous (tie-break by node id). */
  simultaneousWindowMs: number;
}

export interface Slot {
  key: string;
  ref: AnyActorRef;
  direction: Direction;
  state: 'connecting' | 'connected';
  since: number;
  /** The handshake completed on this connection (the peer proved its node id). */
  authenticated: boolean;
  result: ConnectResult | null;
}

export interface SupervisorContext {
  config: SupervisorConfig;
  slots: Record<string, Slot>;
  /** Peer actor key → node id of the slot it holds. */
  keyIndex: Record<string, string>;
  /** Inbound actors still in the handshake or init (not yet authoritative). */
  inbound: Record<string, { ref: AnyActorRef; id: string | null }>;
  seq: number;
}

export type SupervisorEvent =
  | { type: 'connect.request'; id: string; seeds: readonly EntrySeed[] }
  | { type: 'connect.abandon'; id: string }
  | { type: 'inbound.accepted'; socket: unknown; remote: DialAddress; remoteWire?: WireAddress }
  | { type: 'peer.disconnect'; id: string; force?: boolean }
  | { type: 'queue.granted'; key: string }
  | { type: 'node.stop' }
  | PeerNotice;

export type SupervisorEmitted =
  | { type: 'connect.settled'; id: string; outcome: PeerOutcome }
  | { type: 'inbound.refused'; socket: unknown }
  | { type: 'log'; level: 'debug' | 'info' | 'warn'; id: string; msg: string };

/** Commands to the dial queue actor. */
export type QueueCommand = { type: 'queue.enter'; key: string } | { type: 'queue.leave'; key: string };

/*
 * `slots` and `keyIndex` are updated in place: with 10,000 connected peers a
 * copy per event made every connect O(n) (measured: 28 ms of CPU per connect
 * at 10,000 peers). Snapshots share these objects; nothing keeps old ones.
 */
function findSlotByKey(c: SupervisorContext, key: string): [string, Slot] | undefined {
  const id = c.keyIndex[key];
  const slot = id === undefined ? undefined : c.slots[id];
  return id !== undefined && slot?.key === key ? [id, slot] : undefined;
}

function putSlot(c: SupervisorContext, id: string, slot: Slot): Record<string, Slot> {
  const old = c.slots[id];
  if (old !== undefined && c.keyIndex[old.key] === id) delete c.keyIndex[old.key];
  c.slots[id] = slot;
  c.keyIndex[slot.key] = id;
  return c.slots;
}

function dropSlot(c: SupervisorContext, id: string): Record<string, Slot> {
  const old = c.slots[id];
  if (old !== undefined) {
    if (c.keyIndex[old.key] === id) delete c.keyIndex[old.key];
    delete c.slots[id];
  }
  return c.slots;
}

function without<T>(rec: Record<string, T>, key: string): Record<string, T> {
  const out = { ...rec };
  delete out[key];
  return out;
}

export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorConfig,
    emitted: {} as SupervisorEmitted,
  },
  actors: {
    peer: peerMachine,
    /** Grants outgoing slots (src/supervisor/dial-queue.ts provides the p-queue one). */
    dialQueue: fromCallback<QueueCommand>(({ sendBack, receive }) => {
      receive((e) => {
        if (e.type === 'queue.enter') sendBack({ type: 'queue.granted', key: e.key });
      });
    }),
  },
  actions: {
    request: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'connect.request') return;
      const slot = context.slots[event.id];
      if (slot?.state === 'connected' && slot.result !== null) {
        const addr = slot.result.address;
        const where = addr.type === 'local socket' ? addr.socket : `${addr.address}:${addr.port}`;
        enqueue.emit({ type: 'log', level: 'debug', id: event.id, msg: `Already connected via ${where}` });
        enqueue.emit({ type: 'connect.settled', id: event.id, outcome: { kind: 'connected', result: slot.result } });
        return;
      }
      if (slot !== undefined) {
        if (slot.direction === 'out') enqueue.sendTo(slot.ref, { type: 'peer.addAddresses', entries: event.seeds });
        return;
      }
      const seq = context.seq + 1;
      const key = `out-${seq}`;
      enqueue.assign({
        seq,
        slots: ({ context: c, spawn }) =>
          putSlot(c, event.id, {
            key,
            ref: spawn('peer', {
              id: key,
              input: { direction: 'out', config: c.config.peer, id: event.id, explicit: event.seeds, queued: true },
            }) as AnyActorRef,
            direction: 'out',
            state: 'connecting',
            since: c.config.peer.now(),
            authenticated: false,
            result: null,
          }),
      });
      enqueue.sendTo('dialQueue', { type: 'queue.enter', key } satisfies QueueCommand);
    }),
    grant: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'queue.granted') return;
      const found = findSlotByKey(context, event.key);
      if (found === undefined) enqueue.sendTo('dialQueue', { type: 'queue.leave', key: event.key } satisfies QueueCommand);
      else enqueue.sendTo(found[1].ref, { type: 'peer.start' });
    }),
    abandon: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'connect.abandon') return;
      const slot = context.slots[event.id];
      if (slot?.state === 'connecting' && slot.direction === 'out') enqueue.sendTo(slot.ref, { type: 'peer.cancel' });
    }),
    accept: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'inbound.accepted') return;
      if (Object.keys(context.inbound).length >= context.config.maxInboundHandshakes) {
        enqueue.emit({ type: 'inbound.refused', socket: event.socket });
        return;
      }
      const seq = context.seq + 1;
      const key = `in-${seq}`;
      enqueue.assign({
        seq,
        inbound: ({ context: c, spawn }) => ({
          ...c.inbound,
          [key]: {
            id: null,
            ref: spawn('peer', {
              id: key,
              input: {
                direction: 'in',
                config: c.config.peer,
                socket: event.socket,
                remote: event.remote,
                ...(event.remoteWire === undefined ? {} : { remoteWire: event.remoteWire }),
              },
            }) as AnyActorRef,
          },
        }),
      });
    }),
    identified: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'peer.identified') return;
      const cur = context.inbound[event.key];
      if (cur !== undefined) {
        enqueue.assign({ inbound: { ...context.inbound, [event.key]: { ...cur, id: event.id } } });
        return;
      }
      const found = findSlotByKey(context, event.key);
      if (found !== undefined) enqueue.assign({ slots: putSlot(context, found[0], { ...found[1], authenticated: true }) });
    }),
    /** An inbound connection finished init: decide between it and what we already have (spec §6). */
    inboundInitDone: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'peer.initDone') return;
      const pending = context.inbound[event.key];
      if (pending === undefined) return; // an outbound slot's own initDone: nothing to decide
      const existing = context.slots[event.id];
      const now = context.config.peer.now();
      // Simultaneous dials: both sides keep the connection dialled by the lower node id. The lower side
      // keeps its own outbound only once that one is authenticated: before that, the peer cannot have
      // finished init on it either, so adopting the inbound one (Core Lightning's rule) is consistent.
      const weWin = context.config.peer.localId < event.id;
      const keepExisting =
        existing !== undefined &&
        existing.direction === 'out' &&
        weWin &&
        (existing.state === 'connecting' ? existing.authenticated : now - existing.since < context.config.simultaneousWindowMs);
      enqueue.assign({ inbound: without(context.inbound, event.key) });
      if (keepExisting) {
        enqueue.emit({ type: 'log', level: 'debug', id: event.id, msg: 'Simultaneous connection: keeping the one we dialled' });
        enqueue.sendTo(pending.ref, { type: 'peer.disconnect', force: true });
        return;
      }
      if (existing !== undefined) {
        if (existing.state === 'connecting') enqueue.sendTo(existing.ref, { type: 'peer.cancel' });
        else enqueue.sendTo(existing.ref, { type: 'peer.disconnect', force: true });
        if (existing.direction === 'out') enqueue.sendTo('dialQueue', { type: 'queue.leave', key: existing.key } satisfies QueueCommand);
        enqueue.emit({ type: 'log', level: 'debug', id: event.id, msg: existing.state === 'connecting' ? 'incoming connection while trying to connect' : 'peer reconnected' });
      }
      enqueue.assign({
        slots: ({ context: c }) =>
          putSlot(c, event.id, { key: event.key, ref: pending.ref, direction: 'in', state: 'connecting', since: now, authenticated: true, result: null }),
      });
    }),
    outcome: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'peer.outcome') return;
      const found = findSlotByKey(context, event.key);
      if (found === undefined) return; // a replaced or cancelled actor: its outcome is not anyone's answer
      const [id, slot] = found;
      if (slot.direction === 'out') enqueue.sendTo('dialQueue', { type: 'queue.leave', key: slot.key } satisfies QueueCommand);
      if (event.outcome.kind === 'connected') {
        const result = event.outcome.result;
        enqueue.assign({
          slots: ({ context: c }) => putSlot(c, id, { ...slot, state: 'connected', since: c.config.peer.now(), result }),
        });
        enqueue.emit({ type: 'connect.settled', id, outcome: event.outcome });
        return;
      }
      // A failed attempt while the same peer is already knocking inbound: let that answer the callers.
      const knocking = Object.entries(context.inbound).find(([, p]) => p.id === id);
      if (knocking !== undefined && (event.outcome.kind === 'all-failed' || event.outcome.kind === 'disconnected-during')) {
        const [key, p] = knocking;
        enqueue.assign({
          inbound: without(context.inbound, key),
          slots: ({ context: c }) =>
            putSlot(c, id, { key, ref: p.ref, direction: 'in', state: 'connecting', since: c.config.peer.now(), authenticated: true, result: null }),
        });
        return;
      }
      enqueue.assign({ slots: dropSlot(context, id) });
      enqueue.emit({ type: 'connect.settled', id, outcome: event.outcome });
    }),
    closed: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'peer.closed') return;
      if (context.inbound[event.key] !== undefined) {
        enqueue.assign({ inbound: without(context.inbound, event.key) });
        return;
      }
      const found = findSlotByKey(context, event.key);
      if (found === undefined) return;
      enqueue.assign({ slots: dropSlot(context, found[0]) });
      enqueue.emit({ type: 'log', level: 'debug', id: found[0], msg: `peer_disconnected${event.reason === null ? '' : `: ${event.reason}`}` });
    }),
    /**
     * A peer actor that threw: stop it, forget it, and answer its callers. Its connection is gone,
     * so the outcome is the one of a connection lost before it was handed over (402).
     */
    childCrashed: enqueueActions(({ context, event, enqueue }) => {
      const key = (event as { type: string }).type.slice('xstate.error.actor.'.length);
      enqueue.stopChild(key);
      if (context.inbound[key] !== undefined) enqueue.assign({ inbound: without(context.inbound, key) });
      const found = findSlotByKey(context, key);
      if (found === undefined) return;
      const [id, slot] = found;
      enqueue.assign({ slots: dropSlot(context, id) });
      if (slot.direction === 'out') enqueue.sendTo('dialQueue', { type: 'queue.leave', key } satisfies QueueCommand);
      enqueue.emit({ type: 'log', level: 'warn', id, msg: `peer actor failed: ${String((event as { error?: unknown }).error)}` });
      if (slot.state === 'connecting') enqueue.emit({ type: 'connect.settled', id, outcome: { kind: 'disconnected-during' } });
    }),
    disconnect: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'peer.disconnect') return;
      const slot = context.slots[event.id];
      if (slot === undefined) return;
      if (slot.state === 'connecting' && slot.direction === 'out') enqueue.sendTo(slot.ref, { type: 'peer.cancel' });
      else enqueue.sendTo(slot.ref, { type: 'peer.disconnect', ...(event.force === true ? { force: true } : {}) });
    }),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({ config: input, slots: {}, keyIndex: {}, inbound: {}, seq: 0 }),
  invoke: { id: 'dialQueue', src: 'dialQueue' },
  initial: 'running',
  states: {
    running: {
      on: {
        'connect.request': { actions: 'request' },
        // A child that crashed (an exception in a provided actor) must not take the supervisor down
        // (STYLE habit 11): xstate v5 escalates an unhandled child error to the parent.
        'xstate.error.actor.*': { actions: 'childCrashed' },
        'connect.abandon': { actions: 'abandon' },
        'queue.granted': { actions: 'grant' },
        'inbound.accepted': { actions: 'accept' },
        'peer.identified': { actions: 'identified' },
        'peer.initDone': { actions: 'inboundInitDone' },
        'peer.outcome': { actions: 'outcome' },
        'peer.closed': { actions: 'closed' },
        'peer.disconnect': { actions: 'disconnect' },
        // A peer actor that reached its final state has sent its notices: drop it from `children`
        // (xstate keeps done children until stopped: one leaked actor and an O(n) spawn per connection).
        'xstate.done.actor.*': { actions: stopChild(({ event }) => event.type.slice('xstate.done.actor.'.length)) },
        'node.stop': { target: 'stopped' },
      },
    },
    stopped: { type: 'final' },
  },
});

