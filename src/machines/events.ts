/**
 * The events that cross between the machines and the actors `src/io/`
 * provides (the socket side of a connection). Commands are imperative
 * (`conn.write`), facts past tense (`conn.opened`, `wire.message`).
 *
 * A connection actor owns exactly one socket: it dials (or adopts an accepted
 * socket), hands raw bytes to the handshake in the exact amounts asked for
 * (`conn.read`), then after `conn.upgrade` encrypts and decrypts BOLT 8
 * transport messages itself. Stopping the actor destroys the socket.
 */
import type { DialAddress } from '../address/types.js';
import type { TransportKeys } from '../bolt8/index.js';

/** Parent → connection actor. */
export type ConnCommand =
  | { type: 'conn.read'; n: number }
  | { type: 'conn.write'; bytes: Uint8Array }
  | { type: 'conn.upgrade'; keys: TransportKeys }
  | { type: 'wire.send'; message: Uint8Array }
  | { type: 'conn.close' };

/** Connection actor → parent. `index` is the dial-list index (-1 for an inbound connection). */
export type ConnFact =
  | { type: 'conn.opened'; index: number; gen: number }
  | { type: 'conn.failed'; index: number; gen: number; reason: string; prefix?: string; fragment?: string }
  | { type: 'conn.data'; index: number; bytes: Uint8Array }
  | { type: 'wire.message'; index: number; message: Uint8Array }
  | { type: 'conn.closed'; index: number; reason?: string };

/** Input of the `connection` actor the peer machine spawns per address. */
export interface ConnInput {
  index: number;
  gen: number;
  /** Outbound: what to dial. */
  address?: DialAddress;
  /** Inbound: the accepted socket (opaque to the machines). */
  socket?: unknown;
}
