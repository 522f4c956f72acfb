/**
 * The one observation point of a node (issue 13, items 4 and 7): what
 * happened to its connections, reported once by whoever saw it — the peer
 * shell (connected, disconnected, each failed address, handshake and init
 * durations, messages at the io level), admission (inbound admitted, evicted,
 * timed out, refused), the RPC server (requests by method and result) — and
 * consumed by the log lines (./log-observer.ts) and the Prometheus metrics
 * (src/metrics/metrics.ts), never by two sets of hooks.
 *
 * Cost when nobody listens: `NULL_OBSERVER`, a predictable no-op call. The
 * two flags let the reporters skip work nobody wants: `timed` (read the
 * clock at handshake and init) and `messages` (trace each message's type and
 * length, the io level); both are fixed when the observer is built.
 * Arguments are positional strings and numbers: no object per call. Nothing
 * here ever receives key material or message payloads.
 */
import type { Direction } from '../types.js';

/** Where an address failed: Core Lightning's stage, shortened for labels (`none`: before dialling, e.g. `dns disabled`). */
export type FailStage = 'establishment' | 'handshake' | 'init' | 'none';

/** How an outbound connect attempt ended (the peer machine's outcome kinds). */
export type AttemptOutcome = 'connected' | 'no_address' | 'all_failed' | 'disconnected' | 'cancelled';

/** What admission did with an inbound connection before its handshake was over. */
export type InboundEvent = 'admitted' | 'evicted' | 'timed_out' | 'refused';

export interface Observer {
  /** True when handshake and init durations are wanted (the reporter reads its clock only then). */
  readonly timed: boolean;
  /** True when every message's type and length is wanted (the io log level). */
  readonly messages: boolean;
  /** A peer is connected (init done, hook and subdaemons passed). `peer` is its node id. */
  peerConnected(direction: Direction, peer: string, address: string): void;
  /** A connected peer's connection ended; `reason` as the peer machine computed it. */
  peerDisconnected(direction: Direction, peer: string, address: string, reason: string): void;
  /** One address of an attempt failed (`peer` is '' for an inbound peer not yet identified); `stage` is Core Lightning's text, '' when none. */
  addressFailed(direction: Direction, peer: string, address: string, stage: string, reason: string): void;
  /** An outbound connect attempt ended; `stage`: for `all_failed` the furthest stage its addresses reached, else `none`. */
  attemptEnded(outcome: AttemptOutcome, stage: FailStage): void;
  /** BOLT 8 handshake done, `ms` after the connection opened. */
  handshakeDone(direction: Direction, ms: number): void;
  /** BOLT 1 init exchanged, `ms` after the handshake. */
  initDone(direction: Direction, ms: number): void;
  /** Admission's verdicts on unauthenticated inbound connections. */
  inbound(event: InboundEvent, address: string): void;
  /** One JSON-RPC request answered: `method` is already capped to the known names (`other`). */
  rpcRequest(method: string, ok: boolean): void;
  /** One peer message (only called when `messages`): its BOLT 1 type and length in bytes. */
  message(direction: Direction, peer: string, type: number, length: number): void;
}

const nothing = (): void => {};

/** Nobody observes: every report is a no-op and neither flag is set. */
export const NULL_OBSERVER: Observer = Object.freeze({
  timed: false,
  messages: false,
  peerConnected: nothing,
  peerDisconnected: nothing,
  addressFailed: nothing,
  attemptEnded: nothing,
  handshakeDone: nothing,
  initDone: nothing,
  inbound: nothing,
  rpcRequest: nothing,
  message: nothing,
});

/** Core Lightning's stage text → the label (`Cryptographic handshake` → `handshake`). */
export function failStage(stage: string): FailStage {
  switch (stage) {
    case 'Connection establishment':
      return 'establishment';
    case 'Cryptographic handshake':
      return 'handshake';
    case 'Exchanging init messages':
      return 'init';
    default:
      return 'none';
  }
}

const STAGE_ORDER: Readonly<Record<FailStage, number>> = { none: 0, establishment: 1, handshake: 2, init: 3 };

/** The furthest of the stages (`init` beats `handshake` beats `establishment`). */
export function furthestStage(stages: Iterable<string>): FailStage {
  let best: FailStage = 'none';
  for (const s of stages) {
    const f = failStage(s);
    if (STAGE_ORDER[f] > STAGE_ORDER[best]) best = f;
  }
  return best;
}

/** Every report to each observer in turn (a throwing one does not stop the others); NULL_OBSERVER when none is left. */
export function combineObservers(list: readonly (Observer | null | undefined)[]): Observer {
  const all = list.filter((o): o is Observer => o !== null && o !== undefined && o !== NULL_OBSERVER);
  if (all.length === 0) return NULL_OBSERVER;
  if (all.length === 1) return all[0] as Observer;
  const each = (call: (o: Observer) => void): void => {
    for (const o of all) {
      try {
        call(o);
      } catch {
        // an observer that throws must not cost the connection anything (nor the other observers their report)
      }
    }
  };
  return {
    timed: all.some((o) => o.timed),
    messages: all.some((o) => o.messages),
    peerConnected: (d, p, a) => each((o) => o.peerConnected(d, p, a)),
    peerDisconnected: (d, p, a, r) => each((o) => o.peerDisconnected(d, p, a, r)),
    addressFailed: (d, p, a, s, r) => each((o) => o.addressFailed(d, p, a, s, r)),
    attemptEnded: (outcome, stage) => each((o) => o.attemptEnded(outcome, stage)),
    handshakeDone: (d, ms) => each((o) => o.handshakeDone(d, ms)),
    initDone: (d, ms) => each((o) => o.initDone(d, ms)),
    inbound: (e, a) => each((o) => o.inbound(e, a)),
    rpcRequest: (m, ok) => each((o) => o.rpcRequest(m, ok)),
    message: (d, p, t, l) => each((o) => o.message(d, p, t, l)),
  };
}
