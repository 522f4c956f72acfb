/**
 * Pure helpers of the peer machine (src/machines/peer.ts): the outcome and
 * hook views of its context, and the dial-list updates its actions apply.
 * No xstate here: these are plain functions over the context.
 */
import { formatDialAddress, toAddressJson } from '../address/format.js';
import type { DialAddress } from '../address/types.js';
import { REASON_PROTOCOL } from '../session/index.js';
import type { PeerConnectedInfo } from '../types.js';
import { failEntry, pendingEntry } from './dial-list.js';
import type { DialEntry } from './dial-list.js';
import type { EntrySeed, PeerContext, PeerEvent, PeerNotice, PeerOutcome } from './peer-types.js';

export const REASON_TIMED_OUT = 'Connection timed out';
export const REASON_EOF = 'peer closed connection';
export const REASON_EOF_HANDSHAKE = 'peer closed connection (wrong key?)';
export const REASON_HOOK = 'peer_connected hook said disconnect';
export const REASON_REQUESTED = 'disconnected by request';

export function seedsToEntries(seeds: readonly EntrySeed[]): DialEntry[] {
  return seeds.map((s) => pendingEntry(s.address, s.label, s.preFailure));
}

export function formatAddress(a: DialAddress | null): string {
  return a === null ? '' : formatDialAddress(a);
}

export function connectedOutcome(c: PeerContext): PeerOutcome {
  return {
    kind: 'connected',
    result: {
      id: c.id,
      features: c.features,
      direction: c.direction,
      address: c.address === null ? { type: 'local socket', socket: '' } : toAddressJson(c.address),
    },
  };
}

export function hookInfo(c: PeerContext): PeerConnectedInfo {
  const info: PeerConnectedInfo = { id: c.id, direction: c.direction, addr: formatAddress(c.address), features: c.features };
  return c.theirRemoteAddr === null ? info : { ...info, remote_addr: c.theirRemoteAddr };
}

/** A notice for the supervisor, stamped with this actor's key, node id and direction. */
export function notice<T extends PeerNotice['type']>(
  c: PeerContext,
  type: T,
  extra: Omit<Extract<PeerNotice, { type: T }>, 'type' | 'key' | 'id' | 'direction'>,
): PeerNotice {
  return { type, key: c.key, id: c.id, direction: c.direction, ...extra } as PeerNotice;
}

/** The dial list after a failed establishment (`dial.failed`; a timeout is `Connection timed out`), spec §4. */
export function entriesAfterDialFailure(c: PeerContext, event: PeerEvent): DialEntry[] {
  if (event.type !== 'dial.failed') return c.entries;
  // A stage-less fragment (`need a proxy`) is printed without a stage.
  const stageless = event.fragment !== undefined;
  const reason = event.fragment ?? event.reason;
  return failEntry(c.entries, event.index, stageless ? '' : 'Connection establishment', reason, c.config.now(), event.prefix);
}

/** Why the active connection ended, from the event that ended it (spec §4 texts). */
export function failureOf(c: PeerContext, event: PeerEvent): string {
  switch (event.type) {
    case 'conn.closed':
      if (event.reason !== undefined) return event.reason;
      return c.stage === 'Cryptographic handshake' ? REASON_EOF_HANDSHAKE : REASON_EOF;
    case 'handshake.failed':
    case 'init.rejected':
      return event.reason;
    default:
      return REASON_PROTOCOL;
  }
}
