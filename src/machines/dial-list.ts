/**
 * The dial list of one connect attempt and its attempt records (pure).
 *
 * Owns the decisions of spec §3-§5 that do not need time or I/O: which entry
 * to dial next, what an aborted entry becomes, when every address has failed,
 * and the exact 401 message built from the records in dial-list order.
 * Used by the peer machine (src/machines/peer.ts) inside `assign` actions.
 */
import type { DialAddress } from '../address/types.js';
import type { AttemptRecord } from '../types.js';

/** The three stages of one address, named exactly as Core Lightning names them (spec §4). */
export type Stage = 'Connection establishment' | 'Cryptographic handshake' | 'Exchanging init messages';

export type EntryStatus = 'pending' | 'dialing' | 'open' | 'failed';

export interface DialEntry {
  readonly address: DialAddress;
  /** How the address is printed in 401 fragments (`1.2.3.4:9735`, `[::1]:9735`, a bare path…). */
  readonly label: string;
  readonly status: EntryStatus;
  /** Set once the entry failed; `stage` empty for stage-less fragments (`need a proxy`, DNS errors). */
  readonly record?: AttemptRecord;
  /** A full fragment prefix printed before this entry's own fragment (SOCKS `Error connecting to …`). */
  readonly prefix?: string;
  /** Which dial of this entry is current (stale timer and socket events carry an older one). */
  readonly gen?: number;
  /** When dialling started (for `ms`). */
  readonly startedAt?: number;
}

/** An entry that failed before it could be dialled (spec §4: `need a proxy`, `dns disabled`, DNS errors). */
export interface PreFailure {
  readonly reason: string;
}

export function pendingEntry(address: DialAddress, label: string, preFailure?: PreFailure): DialEntry {
  if (preFailure === undefined) return { address, label, status: 'pending' };
  return {
    address,
    label,
    status: 'failed',
    record: { address: label, stage: '', reason: preFailure.reason, ms: 0 },
  };
}

/** Append entries whose label is not already in the list (spec §3: duplicates removed). */
export function appendEntries(list: readonly DialEntry[], extra: readonly DialEntry[]): DialEntry[] {
  const seen = new Set(list.map((e) => e.label));
  const out = list.slice();
  for (const e of extra) {
    if (seen.has(e.label)) continue;
    seen.add(e.label);
    out.push(e);
  }
  return out;
}

export function nextPendingIndex(list: readonly DialEntry[]): number {
  return list.findIndex((e) => e.status === 'pending');
}

export function hasPending(list: readonly DialEntry[]): boolean {
  return nextPendingIndex(list) !== -1;
}

export function dialingIndices(list: readonly DialEntry[]): number[] {
  const out: number[] = [];
  list.forEach((e, i) => {
    if (e.status === 'dialing') out.push(i);
  });
  return out;
}

export function allFailed(list: readonly DialEntry[]): boolean {
  return list.every((e) => e.status === 'failed');
}

export function withStatus(list: readonly DialEntry[], index: number, patch: Partial<DialEntry>): DialEntry[] {
  const out = list.slice();
  const cur = out[index];
  if (cur !== undefined) out[index] = { ...cur, ...patch };
  return out;
}

/** Record a failure of entry `index` at `stage` ('' for a stage-less fragment). `now` is the injected clock. */
export function failEntry(
  list: readonly DialEntry[],
  index: number,
  stage: Stage | '',
  reason: string,
  now: number,
  prefix?: string,
): DialEntry[] {
  const cur = list[index];
  if (cur === undefined || cur.status === 'failed') return list.slice();
  const ms = cur.startedAt === undefined ? 0 : Math.max(0, Math.round(now - cur.startedAt));
  const patch: Partial<DialEntry> = { status: 'failed', record: { address: cur.label, stage, reason, ms } };
  return withStatus(list, index, prefix === undefined ? patch : { ...patch, prefix });
}

/** Entries still being established go back to `pending` when another address opened first (spec §5). */
export function abortDialing(list: readonly DialEntry[], except: number): DialEntry[] {
  return list.map((e, i) => (i !== except && e.status === 'dialing' ? { address: e.address, label: e.label, status: 'pending' } : e));
}

/** One fragment of the 401 message: `<addr>: <stage>: <reason>. ` or `<addr>: <reason>. ` (spec §4). */
export function fragmentOf(e: DialEntry): string {
  const r = e.record;
  if (r === undefined) return '';
  const own = r.stage === '' ? `${r.address}: ${r.reason}. ` : `${r.address}: ${r.stage}: ${r.reason}. `;
  return e.prefix === undefined ? own : `${e.prefix}. ${own}`;
}

/** `All addresses failed: ` + every fragment in dial-list order; ends with a space (spec §4). */
export function allFailedMessage(list: readonly DialEntry[]): string {
  return 'All addresses failed: ' + list.map(fragmentOf).join('');
}

export function attemptRecords(list: readonly DialEntry[]): AttemptRecord[] {
  const out: AttemptRecord[] = [];
  for (const e of list) if (e.record !== undefined) out.push(e.record);
  return out;
}
