/**
 * Types of the sans-io session (src/session/session.ts): what it is built
 * from, the phase facts it reports, and what one input produces.
 *
 * Facts are the handful of decision points of one connection (BOLT 8 acts,
 * the BOLT 1 init verdict, a transport failure, a keepalive failure); the
 * socket shell (src/io) turns them into peer-machine events. Messages after
 * init are reported too, for the runtime, but never become machine events.
 */
import type { WireAddress } from '../address/types.js';
import type { LocalKey } from '../bolt8/index.js';
import type { CryptoBackend } from '../crypto/backend.js';

/** What our init says and what we accept in theirs (BOLT 1, BOLT 9). */
export interface InitParams {
  chainHash: Uint8Array;
  features: Uint8Array;
  globalFeatures: Uint8Array;
}

export interface SessionOptions extends InitParams {
  role: 'initiator' | 'responder';
  crypto: CryptoBackend;
  localKey: LocalKey;
  /** Initiator: the node id we dial (33-byte compressed key). */
  remoteStatic?: Uint8Array;
  /** Tests inject the ephemeral key; default: a fresh random one. */
  ephemeralSecret?: Uint8Array;
  /** The peer's IP/port as we see it, sent back in init TLV 3 `remote_addr` (inbound IP connections). */
  remoteWire?: WireAddress | null;
  /** Keepalive: a ping goes out after this long without receiving anything (spec §9). */
  pingIdleMs: number;
  /**
   * The io log level: told each message's direction, BOLT 1 type and length
   * (never its bytes). Absent — the usual case — costs one check per message.
   */
  trace?: MessageTrace;
}

/**
 * Bytes a socket shell hands to `Session.receive` per step unless the frame in
 * progress needs more (`bytesNeeded`): 1 KiB of pings (25) asks for at most
 * ~1.6 MiB of pongs. Both shells feed this way (src/io/connection.ts, src/browser/ws-connection.ts).
 */
export const INPUT_SLICE = 1024;

export type MessageTrace = (direction: 'in' | 'out', type: number, length: number) => void;

export type SessionPhase = 'handshake' | 'init' | 'established' | 'closed';

export type SessionFact =
  /** Responder: act one was valid; act two is in this output's write. */
  | { type: 'act1.received' }
  /** Initiator: act two was valid; act three and our init are in this output's write. */
  | { type: 'act2.received'; remoteId: string }
  /** Responder: act three was valid, the peer proved `remoteId`; our init is in this output's write. */
  | { type: 'act3.received'; remoteId: string }
  /** The handshake failed (bad version, key or MAC): `Protocol error`. */
  | { type: 'handshake.failed'; reason: string; detail: string }
  /** The peer's init passed our checks (spec §8). `features`: their features OR globalfeatures, hex. */
  | { type: 'init.accepted'; features: string; remoteAddr: string | null }
  /** The peer's init (or what came instead) was refused; a warning, if any, is in this output's write. */
  | { type: 'init.rejected'; reason: string }
  /** A transport frame failed its MAC or was malformed: the connection is unusable. */
  | { type: 'transport.failed'; reason: string }
  /** Keepalive: the last ping went unanswered for a whole idle period. */
  | { type: 'keepalive.failed'; reason: string }
  /** After init: an `error`/`warning` from the peer (logged). */
  | { type: 'peer.error'; text: string }
  /** After init: every message the peer sent, for the runtime (pings included; they are answered here). */
  | { type: 'message'; message: Uint8Array };

/** True for the facts after which the session is `closed`: the connection is over, the fact says why. */
export function endsSession(f: SessionFact): f is Extract<SessionFact, { reason: string }> {
  return f.type === 'handshake.failed' || f.type === 'init.rejected' || f.type === 'transport.failed' || f.type === 'keepalive.failed';
}

/** What one input produced: everything to write (one socket write) and the facts. */
export interface SessionOutput {
  write: Uint8Array | null;
  facts: SessionFact[];
}

export type InitVerdict =
  | { kind: 'accepted'; features: string; remoteAddr: string | null }
  | { kind: 'skip' }
  | { kind: 'rejected'; reason: string; warning: Uint8Array | null };
