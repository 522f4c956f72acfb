/**
 * Pieces of a peer shell (src/io/peer-shell.ts) that need no shell state:
 * what every shell of a node shares (`PeerShellDeps`), the session a new connection runs (role, keys, our init), the peer-machine
 * event each session fact becomes (bytes and messages never become one), and
 * the shell's named timers — one slot per name per peer, on an injectable
 * clock (tests use xstate's SimulatedClock), instead of xstate delayed events.
 */
import type { AnyActorLogic } from 'xstate';
import type { DialAddress, WireAddress } from '../address/types.js';
import { fromHex } from '../bolt1/index.js';
import type { EntrySeed, PeerConfig, PeerEvent, PeerTimer } from '../machines/peer-types.js';
import { Session } from '../session/index.js';
import type { MessageTrace, SessionFact } from '../session/index.js';
import type { Observer } from '../observe/observer.js';
import type { PeerConnectedDecision, PeerConnectedInfo } from '../types.js';
import type { ByteStream } from './byte-stream.js';
import type { Clock } from './clock.js';
import type { OutputLimits } from './output-budget.js';
import type { ChannelDeps } from './peer-channels.js';

export type TimerClock = Pick<Clock, 'setTimeout' | 'clearTimeout'>;

/** What every peer shell of a node shares. */
export interface PeerShellDeps extends ChannelDeps {
  config: PeerConfig;
  /** Establish one connection (TCP/UNIX/SOCKS5/WebSocket); rejects with a DialError. */
  dial(address: DialAddress, signal: AbortSignal): Promise<ByteStream>;
  /** The dial list of a node id from the address sources. */
  resolve(id: string): Promise<readonly EntrySeed[]>;
  hook?: (info: PeerConnectedInfo) => Promise<PeerConnectedDecision> | PeerConnectedDecision;
  /** Every message a peer sends after init (the runtime's `onMessage`). */
  onMessage(id: string, message: Uint8Array): void;
  /** Debug lines (phase changes); absent when debug logging is off. */
  debug?: (id: string, line: string) => void;
  /** An exception inside this peer's handling (logged as a warning). */
  crashed(key: string, err: unknown): void;
  /** The peer timers' clock; tests pass xstate's SimulatedClock. Default: setTimeout. */
  clock?: TimerClock;
  /** Tests replace the machine (mutants). */
  logic?: AnyActorLogic;
  /** Output limits of every connection (src/io/output-budget.ts); default: 1 MiB pause, 16 MiB drop, no node budget. */
  output?: OutputLimits;
  /** The node's observation point (src/observe): connected, disconnected, failed addresses, durations, io; default: nobody. */
  observer?: Observer;
}


export const DEFAULT_CLOCK: TimerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The session of one connection: initiator towards `remoteId`, or responder. */
export function sessionFor(
  c: PeerConfig,
  role: 'initiator' | 'responder',
  remoteId: string,
  remoteWire: WireAddress | null,
  trace?: MessageTrace,
): Session {
  return new Session({
    role,
    crypto: c.crypto,
    localKey: c.localKey,
    chainHash: c.chainHash,
    features: c.features,
    globalFeatures: c.globalFeatures,
    pingIdleMs: c.timeouts.pingIdleMs,
    remoteWire,
    ...(role === 'initiator' ? { remoteStatic: fromHex(remoteId) } : {}),
    ...(c.ephemeral === undefined ? {} : { ephemeralSecret: c.ephemeral() }),
    ...(trace === undefined ? {} : { trace }),
  });
}

/**
 * The phase event a session fact becomes, or null for what stays in the shell
 * (`peer.error` is logged, `message` goes to the runtime).
 */
export function eventOf(index: number, f: SessionFact): PeerEvent | null {
  switch (f.type) {
    case 'act1.received':
    case 'act2.received':
      return { type: f.type, index };
    case 'act3.received':
      return { type: f.type, index, remoteId: f.remoteId };
    case 'handshake.failed':
    case 'init.rejected':
      return { type: f.type, index, reason: f.reason };
    case 'init.accepted':
      return { type: f.type, index, features: f.features, remoteAddr: f.remoteAddr };
    case 'transport.failed':
    case 'keepalive.failed':
      return { type: 'conn.closed', index, reason: f.reason };
    case 'peer.error':
    case 'message':
      return null;
  }
}

/** `dial.failed` for a dial that rejected: a DialError's texts (reason, SOCKS prefix, stage-less fragment). */
export function dialFailed(index: number, gen: number, err: unknown): PeerEvent {
  const e = err as { reason?: unknown; prefix?: string; fragment?: string };
  return {
    type: 'dial.failed',
    index,
    gen,
    reason: typeof e.reason === 'string' ? e.reason : String(err),
    ...(e.prefix === undefined ? {} : { prefix: e.prefix }),
    ...(e.fragment === undefined ? {} : { fragment: e.fragment }),
  };
}

/**
 * The runtime's `peer_connected` hook, answered as `hook.decided`: none means
 * continue (at once); a hook that throws or rejects means disconnect.
 */
export function askHook(hook: PeerShellDeps['hook'], info: PeerConnectedInfo, send: (e: PeerEvent) => void): void {
  if (hook === undefined) {
    send({ type: 'hook.decided', decision: { result: 'continue' } });
    return;
  }
  Promise.resolve()
    .then(() => hook(info))
    .then(
      (decision) => send({ type: 'hook.decided', decision }),
      () => send({ type: 'hook.decided', decision: { result: 'disconnect' } }),
    );
}

/** Named timers of one peer: starting one replaces the running one of that name. */
export class PeerTimers {
  readonly #clock: TimerClock;
  readonly #fire: (name: PeerTimer) => void;
  readonly #running = new Map<PeerTimer, unknown>();

  constructor(clock: TimerClock, fire: (name: PeerTimer) => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  start(name: PeerTimer, ms: number): void {
    this.cancel(name);
    this.#running.set(name, this.#clock.setTimeout(() => {
      this.#running.delete(name);
      this.#fire(name);
    }, ms));
  }

  cancel(name: PeerTimer): void {
    const handle = this.#running.get(name);
    if (handle === undefined) return;
    this.#running.delete(name);
    this.#clock.clearTimeout(handle);
  }

  cancelAll(): void {
    for (const name of [...this.#running.keys()]) this.cancel(name);
  }
}
