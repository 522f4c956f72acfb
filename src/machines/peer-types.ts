/**
 * Types of the peer machine: its configuration, input, context and the one
 * outcome union of a connect attempt (spec §4, §6; STYLE habit 8).
 */
import type { DialAddress, Network, WireAddress } from '../address/types.js';
import { chainHashOf, DEFAULT_FEATURES, featuresFromHex, globalFeaturesFor } from '../bolt1/index.js';
import type { InitParams, SessionOptions } from '../session/index.js';
import type { AttemptRecord, ChannelInfo, ConnectResult, Direction, PeerConnectedDecision, PeerConnectedInfo } from '../types.js';
import type { DialEntry, PreFailure, Stage } from './dial-list.js';

/** Named delays (STYLE habit 7): every timer of the peer machine comes from here. */
export interface PeerTimeouts {
  /** Per-address establishment timeout (TCP/UNIX/SOCKS5). Default 10 s. */
  connectMs: number;
  /** Handshake + init timeout, from socket connected to the peer's init. Default 60 s. */
  handshakeMs: number;
  /** Staggered parallel establishment: delay before the next address starts. Default 250 ms. */
  staggerMs: number;
  /** How long to wait for the channel subdaemons to report. */
  subdaemonMs: number;
  /** Keepalive: ping after this long without receiving anything. Default 60 s. */
  pingIdleMs: number;
  /** Keepalive tick, uniformly random in [min, max]. Default 15–45 s. */
  keepaliveMinMs: number;
  keepaliveMaxMs: number;
  /** How long a graceful close may take to flush before the socket is dropped. */
  closeGraceMs: number;
}

export const DEFAULT_TIMEOUTS: PeerTimeouts = {
  connectMs: 10_000,
  handshakeMs: 60_000,
  staggerMs: 250,
  subdaemonMs: 30_000,
  pingIdleMs: 60_000,
  keepaliveMinMs: 15_000,
  keepaliveMaxMs: 45_000,
  closeGraceMs: 5_000,
};

/** The default timeouts with the ones a caller set (an option left undefined keeps its default). */
export function peerTimeouts(set: { [K in keyof PeerTimeouts]?: number | undefined }): PeerTimeouts {
  const t = { ...DEFAULT_TIMEOUTS };
  for (const key of Object.keys(set) as (keyof PeerTimeouts)[]) {
    const v = set[key];
    if (v !== undefined) t[key] = v;
  }
  return t;
}

/** Our init's parameters: the network's chain hash, the features option (bytes or hex; default lnconnect's) and their global form. */
export function initParams(network: Network, features: Uint8Array | string | undefined): InitParams {
  const f = features === undefined ? DEFAULT_FEATURES : typeof features === 'string' ? featuresFromHex(features) : features;
  return { chainHash: chainHashOf(network), features: f, globalFeatures: globalFeaturesFor(f) };
}

export interface PeerConfig extends InitParams {
  crypto: SessionOptions['crypto'];
  localKey: SessionOptions['localKey'];
  /** Our node id (66 hex). */
  localId: string;
  timeouts: PeerTimeouts;
  /** Injected clock and randomness (STYLE habit 2). */
  now(): number;
  random(): number;
  /** Tests inject ephemeral keys. */
  ephemeral?: () => Uint8Array;
  /** `false`: the runtime has no `peer_connected` hook, so the machine does not wait for one (it continues). */
  hook?: boolean;
  /** `false`: the runtime has no channels, so there are no subdaemons to wait for. */
  subdaemons?: boolean;
}

/** An address to put on the dial list, already labelled (and maybe already failed). */
export interface EntrySeed {
  address: DialAddress;
  label: string;
  preFailure?: PreFailure;
}

/**
 * What the peer machine asks of the outside world (provided by the socket
 * shell, src/io/peer-shell.ts; a fake in tests). Every call returns at once;
 * answers come back as events (`dial.resolved`, `dial.opened`, `hook.decided`…).
 * Bytes never cross it: the shell runs the session and reports phase facts.
 */
export interface PeerPort {
  /** The address source's dial list for `id`: answers `dial.resolved`. */
  resolve(id: string): void;
  /** Establish a connection for dial-list entry `index`: answers `dial.opened` or `dial.failed` (with `gen`). */
  dial(index: number, gen: number, address: DialAddress): void;
  /** Start the BOLT 8 handshake as initiator on the opened connection `index` (writes act one). */
  begin(index: number): void;
  /** Forget entry `index`'s connection or attempt (aborts a dial, destroys a socket). */
  drop(index: number): void;
  /** Close the active connection: after a warning with `warning`, gracefully unless `force`. */
  close(opts: { force?: boolean; warning?: string }): void;
  /** Ask the runtime's `peer_connected` hook: answers `hook.decided`. */
  askHook(info: PeerConnectedInfo): void;
  /** Start one subdaemon per active channel: answers `subdaemons.settled` once all reported. */
  startSubdaemons(peerId: string): void;
  /** The subdaemon deadline passed: the ones still starting count as failed (`timed out`). */
  stopSubdaemons(): void;
  /**
   * Start the named timer (replacing one of the same name): after `ms` the
   * shell sends `timer.<name>` — except `keepaliveTick`, which the shell runs
   * itself, again and again, until cancelled: each tick the session pings, or
   * hangs up when the last ping went unanswered (then `conn.closed`). Timers live in the shell, one slot per name
   * per peer: no xstate delayed events (their scheduler costs more than the
   * rest of a connect).
   */
  startTimer(name: PeerTimer, ms: number): void;
  cancelTimer(name: PeerTimer): void;
  /** A notice for the supervisor. */
  notify(notice: PeerNotice): void;
  /** One phase line for the debug log (`Connect OUT`, `Failed connected out: …`). */
  phase(line: string): void;
  /**
   * One address of this attempt failed (`stage` is Core Lightning's text, ''
   * for a stage-less failure): a shell that reports failures itself (the
   * node's: the log and the metrics) takes them here; without this method the
   * machine writes the `Failed connected …` phase line instead.
   */
  attemptFailed?(address: string, stage: string, reason: string): void;
}

export type PeerInput =
  | {
      direction: 'out';
      config: PeerConfig;
      port: PeerPort;
      /** The supervisor's name for this actor (notices carry it). */
      key: string;
      id: string;
      explicit: readonly EntrySeed[];
      /** Wait for `peer.start` (the supervisor's in-flight limit) before resolving. */
      queued?: boolean;
    }
  | {
      direction: 'in';
      config: PeerConfig;
      port: PeerPort;
      key: string;
      /** Where the accepted socket comes from. */
      remote: DialAddress;
    };

/** One outcome per connect attempt (spec §4, §6). */
export type PeerOutcome =
  | { kind: 'connected'; result: ConnectResult }
  | { kind: 'no-address' }
  | { kind: 'all-failed'; message: string; attempts: AttemptRecord[] }
  | { kind: 'disconnected-during' }
  | { kind: 'cancelled' };

export interface PeerContext {
  config: PeerConfig;
  port: PeerPort;
  key: string;
  direction: Direction;
  /** Remote node id: known when dialling, learned by the handshake when inbound. */
  id: string;
  entries: DialEntry[];
  gen: number;
  /** Waiting for `peer.start` (the supervisor's in-flight limit). */
  queued: boolean;
  /** Dial-list index of the connection in use (-1: the inbound socket, -2: none). */
  active: number;
  stage: Stage;
  /** Address of the connection in use (the result's `address`). */
  address: DialAddress | null;
  /** Why the active connection failed (set just before leaving `open`). */
  failure: string | null;
  /** Peer's init features (features OR globalfeatures), hex, not trimmed. */
  features: string;
  /** What the peer says our address is (TLV 3), formatted. */
  theirRemoteAddr: string | null;
  /** Set when the machine ends, for the supervisor and the listPeers view. */
  outcome: PeerOutcome | null;
  closeReason: string | null;
}

/** The peer machine's named timers (STYLE habit 7): durations from `PeerTimeouts`. */
export type PeerTimer = 'dialStagger' | 'handshakeTimeout' | 'subdaemonTimeout' | 'keepaliveTick' | 'closeGrace';

/** Facts from the shell about one connection (`index`: dial-list index, -1 inbound). */
export type PeerEvent =
  | { type: `timer.${PeerTimer}` }
  | { type: 'dial.resolved'; seeds: readonly EntrySeed[] }
  | { type: 'dial.opened'; index: number; gen: number }
  | { type: 'dial.failed'; index: number; gen: number; reason: string; prefix?: string; fragment?: string }
  | { type: 'act1.received'; index: number }
  | { type: 'act2.received'; index: number }
  | { type: 'act3.received'; index: number; remoteId: string }
  | { type: 'handshake.failed'; index: number; reason: string }
  | { type: 'init.accepted'; index: number; features: string; remoteAddr: string | null }
  | { type: 'init.rejected'; index: number; reason: string }
  | { type: 'conn.closed'; index: number; reason?: string }
  | { type: 'hook.decided'; decision: PeerConnectedDecision }
  | { type: 'subdaemons.settled' }
  | { type: 'peer.start' }
  | { type: 'peer.cancel' }
  | { type: 'peer.addAddresses'; entries: readonly EntrySeed[] }
  | { type: 'peer.disconnect'; force?: boolean; message?: string };

/** Facts the peer sends the supervisor. `key` is the peer actor's own name (several actors per node id at times). */
export type PeerNotice =
  | { type: 'peer.outcome'; key: string; id: string; direction: Direction; outcome: PeerOutcome }
  | { type: 'peer.identified'; key: string; id: string; direction: Direction }
  | { type: 'peer.initDone'; key: string; id: string; direction: Direction }
  | { type: 'peer.closed'; key: string; id: string; direction: Direction; reason: string | null };

/** What the supervisor asks its peer factory for: an outbound attempt, or an accepted socket. */
export type PeerSpawn =
  | { direction: 'out'; key: string; id: string; explicit: readonly EntrySeed[]; queued: boolean }
  | { direction: 'in'; key: string; socket: unknown; remote: DialAddress; remoteWire?: WireAddress };

/** What a peer tells the supervisor: the machine's notices, and a crash of its actor (as data). */
export type PeerReport = PeerNotice | { type: 'peer.crashed'; key: string; error: unknown };

/** One peer actor with its shell, as the supervisor and the node hold it (src/io/peer-shell.ts). */
export interface PeerHandle {
  readonly key: string;
  /** The machine's context: listPeers and deadlines read it. */
  readonly context: PeerContext;
  readonly channels: readonly ChannelInfo[];
  /** True once the actor ended and everything it owned was released. */
  readonly done: boolean;
  send(event: PeerEvent): void;
  /** An application message to the established peer (throws without one). */
  sendMessage(message: Uint8Array): void;
  /** Resolves once the actor ended (or at once when it has). */
  whenDone(): Promise<void>;
  /** Stop the actor and release everything it owns. */
  stop(): void;
}

export type PeerFactory = (spawn: PeerSpawn, report: (r: PeerReport) => void) => PeerHandle;
