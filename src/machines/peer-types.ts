/**
 * Types of the peer machine: its configuration, input, context and the one
 * outcome union of a connect attempt (spec §4, §6; STYLE habit 8).
 */
import type { AnyActorRef } from 'xstate';
import type { DialAddress, WireAddress } from '../address/types.js';
import type { LocalKey, TransportKeys } from '../bolt8/index.js';
import type { CryptoBackend } from '../crypto/backend.js';
import type { AttemptRecord, ConnectResult, Direction, SubdaemonState } from '../types.js';
import type { DialEntry, PreFailure, Stage } from './dial-list.js';
import type { ConnFact } from './events.js';

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

export interface PeerConfig {
  crypto: CryptoBackend;
  localKey: LocalKey;
  /** Our node id (66 hex). */
  localId: string;
  chainHash: Uint8Array;
  features: Uint8Array;
  globalFeatures: Uint8Array;
  timeouts: PeerTimeouts;
  /** Injected clock and randomness (STYLE habit 2). */
  now(): number;
  random(): number;
  /** Tests inject ephemeral keys. */
  ephemeral?: () => Uint8Array;
}

/** An address to put on the dial list, already labelled (and maybe already failed). */
export interface EntrySeed {
  address: DialAddress;
  label: string;
  preFailure?: PreFailure;
}

export type PeerInput =
  | {
      direction: 'out';
      config: PeerConfig;
      id: string;
      explicit: readonly EntrySeed[];
      /** Wait for `peer.start` (the supervisor's in-flight limit) before resolving. */
      queued?: boolean;
    }
  | {
      direction: 'in';
      config: PeerConfig;
      socket: unknown;
      remote: DialAddress;
      /** The peer's IP/port as we see it, sent back in init TLV 3 `remote_addr`. */
      remoteWire?: WireAddress;
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
  direction: Direction;
  /** Remote node id: known when dialling, learned by the handshake when inbound. */
  id: string;
  entries: DialEntry[];
  gen: number;
  /** Waiting for `peer.start` (the supervisor's in-flight limit). */
  queued: boolean;
  /** Live connection actors by dial-list index (-1: the inbound socket). */
  conns: Record<number, AnyActorRef>;
  active: number;
  stage: Stage;
  /** Address of the connection in use (the result's `address`). */
  address: DialAddress | null;
  inboundSocket: unknown;
  remoteWire: WireAddress | null;
  keys: TransportKeys | null;
  /** Why the active connection failed (set just before leaving `open`). */
  failure: string | null;
  /** Peer's init features (features OR globalfeatures), hex, not trimmed. */
  features: string;
  /** What the peer says our address is (TLV 3), formatted. */
  theirRemoteAddr: string | null;
  /** The verdict on the last message during init. */
  initVerdict: InitVerdict | null;
  hookDecision: { result: 'continue' } | { result: 'disconnect'; error_message?: string } | null;
  channels: Record<string, { state: SubdaemonState; error?: string }>;
  lastRx: number;
  pingOutstanding: boolean;
  /** Set when the machine ends, for the supervisor and the listPeers view. */
  outcome: PeerOutcome | null;
  closeReason: string | null;
}

export type InitVerdict =
  | { kind: 'accepted'; features: string; remoteAddr: string | null }
  | { kind: 'skip' }
  | { kind: 'rejected'; reason: string; warning: Uint8Array | null };

export type PeerEvent =
  | ConnFact
  | { type: 'peer.start' }
  | { type: 'peer.cancel' }
  | { type: 'peer.addAddresses'; entries: readonly EntrySeed[] }
  | { type: 'peer.disconnect'; force?: boolean; message?: string }
  | { type: 'peer.send'; message: Uint8Array }
  | { type: 'dial.timeout'; index: number; gen: number }
  | { type: 'subdaemon.ready'; channelId: string }
  | { type: 'subdaemon.failed'; channelId: string; error: string };

/** Facts the peer sends its parent (the supervisor). */
/** `key` is the peer actor's own id (the supervisor spawns several actors per node id at times). */
export type PeerNotice =
  | { type: 'peer.outcome'; key: string; id: string; direction: Direction; outcome: PeerOutcome }
  | { type: 'peer.identified'; key: string; id: string; direction: Direction }
  | { type: 'peer.initDone'; key: string; id: string; direction: Direction }
  | { type: 'peer.closed'; key: string; id: string; direction: Direction; reason: string | null };
