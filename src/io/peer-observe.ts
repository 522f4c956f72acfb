/**
 * What a node's peer shell (./peer-shell.ts) reports to the node's
 * observation point (src/observe/observer.ts), kept apart from the shell's
 * own work: the machine's notices become `peerConnected` / `attemptEnded`,
 * a released actor that had been connected becomes `peerDisconnected` (one
 * place for every path out: closed, stopped, crashed), and a connection's
 * phase facts give the handshake and init durations — the clock is read only
 * when the observer wants them (`timed`).
 */
import type { PeerContext, PeerNotice, PeerOutcome } from '../machines/peer-types.js';
import { formatAddress } from '../machines/peer-steps.js';
import { furthestStage, NULL_OBSERVER } from '../observe/observer.js';
import type { AttemptOutcome, Observer } from '../observe/observer.js';
import type { MessageTrace, SessionFact } from '../session/index.js';

/** Why a connected peer's actor ended without a close reason (stopped by the node, or crashed). */
export const REASON_STOPPED = 'stopped';

const OUTCOME_LABEL: Readonly<Record<PeerOutcome['kind'], AttemptOutcome>> = {
  connected: 'connected',
  'no-address': 'no_address',
  'all-failed': 'all_failed',
  'disconnected-during': 'disconnected',
  cancelled: 'cancelled',
};

/** A machine notice: a connected peer, and the end of an outbound attempt. */
export function observeNotice(o: Observer | undefined, n: PeerNotice, c: PeerContext): void {
  if (n.type !== 'peer.outcome' || o === undefined || o === NULL_OBSERVER) return;
  const outcome = n.outcome;
  if (n.direction === 'out') {
    // The outcome carries its records (the context may predate the step that failed the last address).
    o.attemptEnded(OUTCOME_LABEL[outcome.kind], outcome.kind === 'all-failed' ? furthestStage(outcome.attempts.map((a) => a.stage)) : 'none');
  }
  if (outcome.kind === 'connected') o.peerConnected(n.direction, n.id, formatAddress(c.address));
}

/** The actor is over and everything released: a peer that was connected is now disconnected. */
export function observeReleased(o: Observer | undefined, c: PeerContext): void {
  if (c.outcome?.kind !== 'connected' || o === undefined || o === NULL_OBSERVER) return;
  o.peerDisconnected(c.direction, c.id, formatAddress(c.address), c.closeReason ?? REASON_STOPPED);
}

/**
 * The io level's message trace of one connection. The peer id is read when a
 * message passes, from the session: an inbound peer's init can arrive with
 * act three, before the machine has heard who it is.
 */
export function messageTrace(o: Observer | undefined, peer: () => string): MessageTrace | undefined {
  if (o?.messages !== true) return undefined;
  return (direction, type, length) => o.message(direction, peer(), type, length);
}

/**
 * Handshake and init durations of one connection, from the moment it opened:
 * a fact filter for the connection's sink, or null when nobody wants them.
 */
export function durationClock(o: Observer | undefined, direction: 'in' | 'out', now: () => number): ((f: SessionFact) => void) | null {
  if (o?.timed !== true) return null;
  let mark = now();
  return (f) => {
    if (f.type === 'act2.received' || f.type === 'act3.received') {
      const t = now();
      o.handshakeDone(direction, t - mark);
      mark = t;
    } else if (f.type === 'init.accepted') {
      o.initDone(direction, now() - mark);
    }
  };
}
