/**
 * Pieces of a peer shell (src/io/peer-shell.ts) that need no shell state:
 * what every shell of a node shares (`PeerShellDeps`), a failed dial's event
 * and the runtime's hook. What the browser's shell shares with this one is in
 * src/machines: the session and the fact → event map (session-events.ts) and
 * the named timers (peer-timers.ts).
 */
import type { AnyActorLogic } from 'xstate';
import type { DialAddress } from '../address/types.js';
import type { EntrySeed, PeerConfig, PeerEvent } from '../machines/peer-types.js';
import type { Observer } from '../observe/observer.js';
import type { PeerConnectedDecision, PeerConnectedInfo } from '../types.js';
import type { ByteStream } from './byte-stream.js';
import type { TimerClock } from '../machines/peer-timers.js';
import type { OutputLimits } from './output-budget.js';
import type { ChannelDeps } from './peer-channels.js';

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
