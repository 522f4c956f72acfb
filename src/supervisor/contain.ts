/**
 * Containment for the supervisor's steps: an exception thrown while the
 * supervisor handles one peer's event must not take the supervisor (and every
 * other peer) down. The peer the event concerns is stopped — its shell closes
 * its sockets — and forgotten, wherever the step had already moved it; an
 * outbound one gives its dial-queue slot back; its callers get 402; an
 * accepted socket no peer took is handed back to be closed
 * (`inbound.refused`); the failure is logged.
 */
import type { PeerHandle } from '../machines/peer-types.js';
import type { QueueCommand, SupervisorContext, SupervisorEmitted, SupervisorEvent } from './supervisor.js';
import { dropSlot, slotByKey } from './slots.js';

/** What a supervisor step uses of xstate's `enqueueActions` arguments. */
export interface StepArgs {
  context: SupervisorContext;
  event: SupervisorEvent;
  enqueue: { emit(e: SupervisorEmitted): void; sendTo(target: 'dialQueue', e: QueueCommand): void };
  self: { send(e: SupervisorEvent): void };
}

interface Held {
  key: string;
  peer: PeerHandle;
  /** An outbound attempt: it may hold a dial-queue slot. */
  out: boolean;
}

/** The peer actors an event is about, looked up before the step runs (the step may move them). */
export function concerned(c: SupervisorContext, event: SupervisorEvent): Held[] {
  const held: Held[] = [];
  if ('key' in event && typeof event.key === 'string') {
    const pending = c.inbound.get(event.key);
    if (pending !== undefined) held.push({ key: event.key, peer: pending.peer, out: false });
    const found = slotByKey(c, event.key);
    if (found !== undefined) held.push({ key: event.key, peer: found[1].peer, out: found[1].direction === 'out' });
  } else if ('id' in event && typeof event.id === 'string') {
    const slot = c.slots.get(event.id);
    if (slot !== undefined) held.push({ key: slot.key, peer: slot.peer, out: slot.direction === 'out' });
  }
  return held;
}

/**
 * Stop and forget `held` wherever they are now; returns the node ids whose
 * callers still wait (a dropped slot that never settled as connected).
 */
export function forget(c: SupervisorContext, held: readonly Held[], enqueue: StepArgs['enqueue']): string[] {
  const unanswered: string[] = [];
  for (const { key, peer, out } of held) {
    c.inbound.delete(key);
    const found = slotByKey(c, key);
    if (found !== undefined) {
      dropSlot(c, found[0]);
      if (found[1].result === null) unanswered.push(found[0]);
    }
    // Leaving twice is harmless: the queue ignores a key it no longer holds.
    if (out) enqueue.sendTo('dialQueue', { type: 'queue.leave', key });
    peer.stop();
  }
  return unanswered;
}

export function contained(step: (args: StepArgs) => void): (args: StepArgs) => void {
  return (args) => {
    const { context: c, event, enqueue } = args;
    const held = concerned(c, event);
    try {
      step(args);
    } catch (err) {
      const id = 'id' in event && typeof event.id === 'string' ? event.id : '';
      const unanswered = new Set<string>();
      try {
        for (const n of forget(c, held, enqueue)) unanswered.add(n);
      } finally {
        enqueue.emit({ type: 'log', level: 'warn', id, msg: `supervisor step '${event.type}' failed: ${String(err)}` });
        // A connect request whose attempt could not be set up: its caller waits for an answer.
        if (event.type === 'connect.request' && !c.slots.has(event.id)) unanswered.add(event.id);
        for (const n of unanswered) enqueue.emit({ type: 'connect.settled', id: n, outcome: { kind: 'disconnected-during' } });
        // An accepted socket no peer took: handed back to be closed (a peer that did take it was stopped).
        if (event.type === 'inbound.accepted') enqueue.emit({ type: 'inbound.refused', socket: event.socket });
      }
    }
  };
}
