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
 *
 * Peers are independent root actors made by the injected `createPeer`
 * (src/io/peer-shell.ts), held in Maps updated in place: no event costs work
 * proportional to the number of peers. Their notices and crashes arrive as
 * data (`peer.outcome`, `peer.closed`, `peer.crashed`); an exception inside a
 * supervisor step is contained to the peer it concerns (src/supervisor/contain.ts).
 * Waiters (promises of library callers) live in the node shell: the supervisor
 * emits `connect.settled` with the one outcome they all get.
 * As Core Lightning's connectd/connectd.c (one peer per id) and lightningd/connect_control.c.
 */
import { enqueueActions, fromCallback, setup } from 'xstate';
import type { DialAddress, WireAddress } from '../address/types.js';
import type { EntrySeed, PeerConfig, PeerFactory, PeerHandle, PeerReport, PeerOutcome } from '../machines/peer-types.js';
import type { ConnectResult, Direction } from '../types.js';
import { concerned, contained, forget } from './contain.js';
import { dropSlot, putSlot, slotByKey } from './slots.js';
import { connectionLost, outcomeText, Reconnect, redialChannels, redialDue, redialStart } from './reconnect.js';
import type { ReconnectConfig } from './reconnect.js';

export interface SupervisorConfig {
  peer: PeerConfig;
  maxInboundHandshakes: number;
  /** Window in which two connections to one peer count as simultaneous (tie-break by node id). */
  simultaneousWindowMs: number;
  /** Makes one peer actor with its shell; `report` goes back to this supervisor. */
  createPeer: PeerFactory;
  /** Redials of persistent peers (src/supervisor/reconnect.ts); default: wall clock, DEFAULT_BACKOFF. */
  reconnect?: ReconnectConfig;
}

export interface Slot {
  key: string;
  peer: PeerHandle;
  direction: Direction;
  state: 'connecting' | 'connected';
  since: number;
  /** The handshake completed on this connection (the peer proved its node id). */
  authenticated: boolean;
  result: ConnectResult | null;
}

export interface SupervisorContext {
  config: SupervisorConfig;
  /** Node id → its authoritative peer. */
  slots: Map<string, Slot>;
  /** Peer actor key → node id of the slot it holds. */
  byKey: Map<string, string>;
  /** Inbound actors still in the handshake or init (not yet authoritative). */
  inbound: Map<string, { peer: PeerHandle; id: string | null }>;
  seq: number;
  /** Persistent peers and their pending redials. */
  reconnect: Reconnect;
}

export type SupervisorEvent =
  | { type: 'connect.request'; id: string; seeds: readonly EntrySeed[]; persist?: boolean }
  | { type: 'connect.abandon'; id: string }
  | { type: 'inbound.accepted'; socket: unknown; remote: DialAddress; remoteWire?: WireAddress }
  | { type: 'peer.disconnect'; id: string; force?: boolean }
  | { type: 'queue.granted'; key: string }
  | { type: 'node.stop' }
  /** Persistent peers: one's redial is due; the ones known at start; the node closing (no more redials). */
  | { type: 'reconnect.due'; id: string }
  | { type: 'reconnect.start'; peers: readonly { id: string; persist?: boolean; channels?: boolean }[] }
  | { type: 'reconnect.channels'; id: string; reason: string }
  | { type: 'node.closing' }
  | PeerReport;

export type SupervisorEmitted =
  | { type: 'connect.settled'; id: string; outcome: PeerOutcome }
  | { type: 'inbound.refused'; socket: unknown }
  | { type: 'log'; level: 'debug' | 'info' | 'warn'; id: string; msg: string }
  /** A connection to a peer not (yet) known as persistent ended without our asking: has a channel been opened since? */
  | { type: 'peer.lost'; id: string; reason: string };

/** Commands to the dial queue actor. */
export type QueueCommand = { type: 'queue.enter'; key: string } | { type: 'queue.leave'; key: string };

/** A new outbound attempt to `id`: a slot, and a place in the dial queue. */
export function startOutbound(c: SupervisorContext, id: string, seeds: readonly EntrySeed[], self: { send(e: SupervisorEvent): void }): QueueCommand {
  const key = `out-${++c.seq}`;
  const peer = c.config.createPeer({ direction: 'out', key, id, explicit: seeds, queued: true }, (r) => self.send(r));
  putSlot(c, id, { key, peer, direction: 'out', state: 'connecting', since: c.config.peer.now(), authenticated: false, result: null });
  return { type: 'queue.enter', key };
}

export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorConfig,
    emitted: {} as SupervisorEmitted,
  },
  actors: {
    /** Grants outgoing slots (src/supervisor/dial-queue.ts provides the p-queue one). */
    dialQueue: fromCallback<QueueCommand>(({ sendBack, receive }) => {
      receive((e) => {
        if (e.type === 'queue.enter') sendBack({ type: 'queue.granted', key: e.key });
      });
    }),
  },
  actions: {
    request: enqueueActions(contained(({ context: c, event, enqueue, self }) => {
      if (event.type !== 'connect.request') return;
      c.reconnect.requested(event.id, event.persist === true);
      const slot = c.slots.get(event.id);
      if (slot?.state === 'connected' && slot.result !== null) {
        const addr = slot.result.address;
        const where = addr.type === 'local socket' ? addr.socket : `${addr.address}:${addr.port}`;
        enqueue.emit({ type: 'log', level: 'debug', id: event.id, msg: `Already connected via ${where}` });
        enqueue.emit({ type: 'connect.settled', id: event.id, outcome: { kind: 'connected', result: slot.result } });
        return;
      }
      if (slot !== undefined) {
        if (slot.direction === 'out') slot.peer.send({ type: 'peer.addAddresses', entries: event.seeds });
        return;
      }
      enqueue.sendTo('dialQueue', startOutbound(c, event.id, event.seeds, self));
    })),
    redialDue: enqueueActions(contained(redialDue)),
    redialStart: enqueueActions(contained(redialStart)),
    redialChannels: enqueueActions(contained(redialChannels)),
    grant: enqueueActions(contained(({ context: c, event, enqueue }) => {
      if (event.type !== 'queue.granted') return;
      const found = slotByKey(c, event.key);
      if (found === undefined) enqueue.sendTo('dialQueue', { type: 'queue.leave', key: event.key } satisfies QueueCommand);
      else found[1].peer.send({ type: 'peer.start' });
    })),
    abandon: enqueueActions(contained(({ context: c, event }) => {
      if (event.type !== 'connect.abandon') return;
      const slot = c.slots.get(event.id);
      if (slot?.state === 'connecting' && slot.direction === 'out') slot.peer.send({ type: 'peer.cancel' });
    })),
    accept: enqueueActions(contained(({ context: c, event, enqueue, self }) => {
      if (event.type !== 'inbound.accepted') return;
      if (c.inbound.size >= c.config.maxInboundHandshakes) {
        enqueue.emit({ type: 'inbound.refused', socket: event.socket });
        return;
      }
      const key = `in-${++c.seq}`;
      const { socket, remote, remoteWire } = event;
      const peer = c.config.createPeer(
        { direction: 'in', key, socket, remote, ...(remoteWire === undefined ? {} : { remoteWire }) },
        (r) => self.send(r),
      );
      c.inbound.set(key, { peer, id: null });
    })),
    identified: enqueueActions(contained(({ context: c, event }) => {
      if (event.type !== 'peer.identified') return;
      const pending = c.inbound.get(event.key);
      if (pending !== undefined) {
        pending.id = event.id;
        return;
      }
      const found = slotByKey(c, event.key);
      if (found !== undefined) found[1].authenticated = true;
    })),
    /** An inbound connection finished init: decide between it and what we already have (spec §6). */
    inboundInitDone: enqueueActions(contained(({ context: c, event, enqueue }) => {
      if (event.type !== 'peer.initDone') return;
      const pending = c.inbound.get(event.key);
      if (pending === undefined) return; // an outbound slot's own initDone: nothing to decide
      const existing = c.slots.get(event.id);
      const now = c.config.peer.now();
      // Simultaneous dials: both sides keep the connection dialled by the lower node id. The lower side
      // keeps its own outbound only once that one is authenticated: before that, the peer cannot have
      // finished init on it either, so adopting the inbound one (Core Lightning's rule) is consistent.
      const weWin = c.config.peer.localId < event.id;
      const keepExisting =
        existing !== undefined &&
        existing.direction === 'out' &&
        weWin &&
        (existing.state === 'connecting' ? existing.authenticated : now - existing.since < c.config.simultaneousWindowMs);
      c.inbound.delete(event.key);
      if (keepExisting) {
        enqueue.emit({ type: 'log', level: 'debug', id: event.id, msg: 'Simultaneous connection: keeping the one we dialled' });
        pending.peer.send({ type: 'peer.disconnect', force: true });
        return;
      }
      if (existing !== undefined) {
        if (existing.state === 'connecting') existing.peer.send({ type: 'peer.cancel' });
        else existing.peer.send({ type: 'peer.disconnect', force: true });
        if (existing.direction === 'out') enqueue.sendTo('dialQueue', { type: 'queue.leave', key: existing.key } satisfies QueueCommand);
        const msg = existing.state === 'connecting' ? 'incoming connection while trying to connect' : 'peer reconnected';
        enqueue.emit({ type: 'log', level: 'debug', id: event.id, msg });
      }
      putSlot(c, event.id, { key: event.key, peer: pending.peer, direction: 'in', state: 'connecting', since: now, authenticated: true, result: null });
      c.reconnect.satisfied(event.id);
    })),
    outcome: enqueueActions(contained(({ context: c, event, enqueue }) => {
      if (event.type !== 'peer.outcome') return;
      const found = slotByKey(c, event.key);
      if (found === undefined) return; // a replaced or cancelled actor: its outcome is not anyone's answer
      const [id, slot] = found;
      if (slot.direction === 'out') enqueue.sendTo('dialQueue', { type: 'queue.leave', key: slot.key } satisfies QueueCommand);
      if (event.outcome.kind === 'connected') {
        slot.state = 'connected';
        slot.since = c.config.peer.now();
        slot.result = event.outcome.result;
        enqueue.emit({ type: 'connect.settled', id, outcome: event.outcome });
        c.reconnect.connected(id, slot.peer.channels.length > 0, enqueue);
        return;
      }
      // A failed attempt while the same peer is already knocking inbound: let that answer the callers.
      if (event.outcome.kind === 'all-failed' || event.outcome.kind === 'disconnected-during') {
        for (const [key, p] of c.inbound) {
          if (p.id !== id) continue;
          c.inbound.delete(key);
          putSlot(c, id, { key, peer: p.peer, direction: 'in', state: 'connecting', since: c.config.peer.now(), authenticated: true, result: null });
          return;
        }
      }
      dropSlot(c, id);
      enqueue.emit({ type: 'connect.settled', id, outcome: event.outcome });
      c.reconnect.lost(id, outcomeText(event.outcome), enqueue);
    })),
    closed: enqueueActions(contained(({ context: c, event, enqueue }) => {
      if (event.type !== 'peer.closed') return;
      if (c.inbound.delete(event.key)) return;
      const found = slotByKey(c, event.key);
      if (found === undefined) return;
      dropSlot(c, found[0]);
      enqueue.emit({ type: 'log', level: 'debug', id: found[0], msg: `peer_disconnected${event.reason === null ? '' : `: ${event.reason}`}` });
      connectionLost(c, found[0], event.reason, enqueue);
    })),
    /**
     * A peer actor that threw: its shell already released its sockets. Forget it and answer its
     * callers: its connection is gone, so the outcome is the one of a connection lost before it was
     * handed over (402).
     */
    crashed: enqueueActions(contained(({ context: c, event, enqueue }) => {
      if (event.type !== 'peer.crashed') return;
      const found = slotByKey(c, event.key);
      const pending = c.inbound.get(event.key);
      if (found === undefined && pending === undefined) return;
      const msg = `peer actor failed: ${String(event.error)}`;
      // The same release as a failed step's (contain.ts): stopped, forgotten, its dial-queue slot given back.
      const unanswered = forget(c, concerned(c, event), enqueue);
      enqueue.emit({ type: 'log', level: 'warn', id: found?.[0] ?? pending?.id ?? '', msg });
      for (const id of unanswered) enqueue.emit({ type: 'connect.settled', id, outcome: { kind: 'disconnected-during' } });
      if (found !== undefined) c.reconnect.lost(found[0], msg, enqueue);
    })),
    disconnect: enqueueActions(contained(({ context: c, event }) => {
      if (event.type !== 'peer.disconnect') return;
      c.reconnect.stop(event.id);
      const slot = c.slots.get(event.id);
      if (slot === undefined) return;
      if (slot.state === 'connecting' && slot.direction === 'out') slot.peer.send({ type: 'peer.cancel' });
      else slot.peer.send({ type: 'peer.disconnect', ...(event.force === true ? { force: true } : {}) });
    })),
    halt: ({ context: c }) => c.reconnect.halt(),
    stopAll: ({ context: c }) => {
      c.reconnect.halt();
      for (const p of c.inbound.values()) p.peer.stop();
      for (const s of c.slots.values()) s.peer.stop();
      c.inbound.clear();
      c.slots.clear();
      c.byKey.clear();
    },
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input, self }) => ({
    config: input,
    slots: new Map(),
    byKey: new Map(),
    inbound: new Map(),
    seq: 0,
    reconnect: new Reconnect(input.reconnect, (id) => self.send({ type: 'reconnect.due', id })),
  }),
  invoke: { id: 'dialQueue', src: 'dialQueue' },
  initial: 'running',
  states: {
    running: {
      on: {
        'connect.request': { actions: 'request' },
        'connect.abandon': { actions: 'abandon' },
        'queue.granted': { actions: 'grant' },
        'inbound.accepted': { actions: 'accept' },
        'peer.identified': { actions: 'identified' },
        'peer.initDone': { actions: 'inboundInitDone' },
        'peer.outcome': { actions: 'outcome' },
        'peer.closed': { actions: 'closed' },
        // A peer actor that threw (STYLE habit 11): reported as data by its shell, never escalated.
        'peer.crashed': { actions: 'crashed' },
        'peer.disconnect': { actions: 'disconnect' },
        'reconnect.due': { actions: 'redialDue' },
        'reconnect.start': { actions: 'redialStart' },
        'reconnect.channels': { actions: 'redialChannels' },
        'node.closing': { actions: 'halt' },
        'node.stop': { actions: 'stopAll', target: 'stopped' },
      },
    },
    stopped: { type: 'final' },
  },
});
