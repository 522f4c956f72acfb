/**
 * Inbound admission: the unauthenticated inbound sockets (accepted, BOLT 8
 * handshake not yet finished) are the only ones an attacker can open without
 * spending anything, so they are bounded and the bound cannot be used to lock
 * honest peers out (issue 11, item 1):
 *
 * - Early deadlines: act one (50 bytes) must arrive within `actOneTimeoutMs`
 *   of the accept, act three (66 more bytes) within `actThreeTimeoutMs` of
 *   act one, instead of the whole handshake budget (60 s).
 * - Per source address group (an IPv4 address; the /64 of an IPv6 address;
 *   every UNIX-socket peer is one group) at most `maxPerGroup`, and in total
 *   at most `maxTotal` unauthenticated sockets. A newcomer is never refused:
 *   when its group is full the oldest socket of its own group is evicted,
 *   when the total is full the oldest socket of the group holding the most.
 *   A peer from an address with few sockets always gets in.
 *
 * The socket stays owned by its peer shell; admission only watches it (a
 * 'data' listener counting bytes until the handshake is over, a 'close'
 * listener) and destroys it on eviction or a missed deadline, which the
 * shell then sees as an ordinary close. BOLT 8 fixes the sizes, so 116 bytes
 * received means the handshake is over on that turn: the session either
 * authenticated the peer (the handshake timer then covers init) or closed.
 * One timer for all deadlines (entries are kept in deadline order, since
 * every socket of a phase has the same timeout); evictions are logged at
 * debug, and one info line when eviction starts and one when it stops.
 */
import type { ByteStream } from './byte-stream.js';
import type { DialAddress } from '../address/types.js';
import { parseIPv6 } from '../address/ip.js';
import { AddressGroups } from './address-groups.js';
import type { Clock } from './clock.js';
import { wallClock } from './clock.js';
import { NULL_OBSERVER } from '../observe/observer.js';
import type { Observer } from '../observe/observer.js';

const ACT_ONE_SIZE = 50;
const HANDSHAKE_IN_SIZE = 50 + 66;
/** Eviction is reported as stopped after this long without one. */
export const EVICTION_QUIET_MS = 5_000;

export interface AdmissionLimits {
  /** Unauthenticated inbound sockets in total (the library's `maxInboundHandshakes`). */
  maxTotal: number;
  /** Unauthenticated inbound sockets per address group. */
  maxPerGroup: number;
  actOneTimeoutMs: number;
  actThreeTimeoutMs: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = { maxTotal: 50, maxPerGroup: 10, actOneTimeoutMs: 10_000, actThreeTimeoutMs: 10_000 };

export interface AdmissionLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

interface Entry {
  readonly socket: ByteStream;
  readonly group: string;
  readonly addr: string;
  received: number;
  deadline: number;
  readonly onData: (chunk: Buffer) => void;
  readonly onClose: () => void;
}

/** The group a source address counts in: an IPv4 address, an IPv6 /64, or every UNIX-socket peer. */
export function addressGroup(remote: DialAddress): string {
  if (remote.type === 'ipv4') return remote.address;
  if (remote.type === 'ipv6') {
    const b = parseIPv6(remote.address);
    if (b === null) return remote.address;
    return `${Buffer.from(b.subarray(0, 8)).toString('hex')}::/64`;
  }
  return 'local';
}

function formatRemote(remote: DialAddress): string {
  if (remote.type === 'ipv4') return `${remote.address}:${remote.port}`;
  if (remote.type === 'ipv6') return `[${remote.address}]:${remote.port}`;
  return 'local socket';
}

export class Admission {
  readonly #limits: AdmissionLimits;
  readonly #log: AdmissionLog;
  readonly #clock: Clock;
  /** Its unauthenticated sockets by address group, and who a newcomer evicts (./address-groups.ts). */
  readonly #groups = new AddressGroups<Entry>();
  /** Deadline order per phase (insertion order = deadline order). */
  readonly #awaitingActOne = new Set<Entry>();
  readonly #awaitingActThree = new Set<Entry>();
  #timer: unknown = null;
  #timerAt = Infinity;
  #evicting: { since: number; last: number; count: number; timer: unknown } | null = null;
  #closed = false;
  readonly #observer: Observer;

  /** `observer`: told of each socket admitted, evicted and timed out (the metrics). */
  constructor(limits: AdmissionLimits, log: AdmissionLog, clock: Clock = wallClock, observer: Observer = NULL_OBSERVER) {
    this.#limits = limits;
    this.#log = log;
    this.#clock = clock;
    this.#observer = observer;
  }

  /** Unauthenticated sockets held now. */
  get size(): number {
    return this.#awaitingActOne.size + this.#awaitingActThree.size;
  }

  /** Sockets held for one group. */
  groupSize(group: string): number {
    return this.#groups.groupSize(group);
  }

  /** A socket just accepted: make room (evicting, never refusing), then watch it until its handshake is over. */
  admit(socket: ByteStream, remote: DialAddress): void {
    if (this.#closed || socket.destroyed) return;
    const group = addressGroup(remote);
    const victim = this.#groups.victim(group, this.#limits.maxPerGroup, this.#limits.maxTotal);
    if (victim !== null) this.#evict(victim.item, victim.why === 'group' ? 'its address group is full' : 'inbound handshakes are full');
    const entry: Entry = {
      socket,
      group,
      addr: formatRemote(remote),
      received: 0,
      deadline: this.#clock.now() + this.#limits.actOneTimeoutMs,
      onData: (chunk) => this.#onData(entry, chunk.length),
      onClose: () => this.#forget(entry),
    };
    this.#groups.add(group, entry);
    this.#awaitingActOne.add(entry);
    this.#observer.inbound('admitted', entry.addr);
    socket.on('data', entry.onData);
    socket.once('close', entry.onClose);
    this.#arm(entry.deadline);
  }

  /** Stop watching (node close): timers cleared; the sockets stay with their peers. */
  close(): void {
    this.#closed = true;
    for (const e of [...this.#awaitingActOne, ...this.#awaitingActThree]) this.#forget(e);
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#evicting !== null) this.#clock.clearTimeout(this.#evicting.timer);
    this.#evicting = null;
  }

  #onData(e: Entry, n: number): void {
    const before = e.received;
    e.received += n;
    if (e.received >= HANDSHAKE_IN_SIZE) {
      this.#forget(e); // handshake over on this turn: authenticated, or closed by its session
    } else if (before < ACT_ONE_SIZE && e.received >= ACT_ONE_SIZE) {
      this.#awaitingActOne.delete(e);
      e.deadline = this.#clock.now() + this.#limits.actThreeTimeoutMs;
      this.#awaitingActThree.add(e);
      this.#arm(e.deadline);
    }
  }

  #forget(e: Entry): void {
    if (!this.#awaitingActOne.delete(e) && !this.#awaitingActThree.delete(e)) return;
    e.socket.off('data', e.onData);
    e.socket.off('close', e.onClose);
    this.#groups.delete(e.group, e);
  }

  #evict(e: Entry, why: string): void {
    this.#forget(e);
    e.socket.destroy();
    const now = this.#clock.now();
    this.#say('debug', { addr: e.addr, group: e.group }, `Evicted unauthenticated inbound connection: ${why}`);
    this.#observer.inbound('evicted', e.addr);
    if (this.#evicting === null) {
      this.#say('info', { group: e.group }, 'Inbound handshakes full: evicting the oldest unauthenticated connections of the busiest address group');
      this.#evicting = { since: now, last: now, count: 0, timer: this.#clock.setTimeout(() => this.#quiet(), EVICTION_QUIET_MS) };
    }
    this.#evicting.last = now;
    this.#evicting.count += 1;
  }

  /** A logger that throws must not cost a socket its admission (or leave one unevicted). */
  #say(level: 'debug' | 'info', obj: object, msg: string): void {
    try {
      this.#log[level](obj, msg);
    } catch {
      // nothing left to tell
    }
  }

  #quiet(): void {
    const ev = this.#evicting;
    if (ev === null) return;
    const idle = this.#clock.now() - ev.last;
    if (idle < EVICTION_QUIET_MS) {
      ev.timer = this.#clock.setTimeout(() => this.#quiet(), EVICTION_QUIET_MS - idle);
      return;
    }
    this.#evicting = null;
    const secs = Math.round((ev.last - ev.since) / 100) / 10;
    this.#say('info', { evicted: ev.count }, `Inbound eviction stopped: ${ev.count} unauthenticated connections evicted over ${secs} s`);
  }

  /** One timer: fires at the earliest deadline. */
  #arm(at: number): void {
    if (this.#timer !== null && at >= this.#timerAt) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(() => this.#expire(), Math.max(0, at - this.#clock.now()));
  }

  #expire(): void {
    this.#timer = null;
    this.#timerAt = Infinity;
    const now = this.#clock.now();
    for (const [set, what] of [[this.#awaitingActOne, 'act one'], [this.#awaitingActThree, 'act three']] as const) {
      for (let e = first(set); e !== undefined && e.deadline <= now; e = first(set)) {
        this.#forget(e);
        e.socket.destroy();
        this.#say('debug', { addr: e.addr }, `No ${what} in time: closing unauthenticated inbound connection`);
        this.#observer.inbound('timed_out', e.addr);
      }
    }
    const next = Math.min(first(this.#awaitingActOne)?.deadline ?? Infinity, first(this.#awaitingActThree)?.deadline ?? Infinity);
    if (next !== Infinity) this.#arm(next);
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const x of set) return x;
  return undefined;
}

/** The limits from the library options (src/types.ts `NodeOptions`). */
export function admissionLimits(o: {
  maxInboundHandshakes?: number;
  maxInboundHandshakesPerAddress?: number;
  actOneTimeoutMs?: number;
  actThreeTimeoutMs?: number;
}): AdmissionLimits {
  const d = DEFAULT_ADMISSION;
  return {
    maxTotal: o.maxInboundHandshakes ?? d.maxTotal,
    maxPerGroup: o.maxInboundHandshakesPerAddress ?? d.maxPerGroup,
    actOneTimeoutMs: o.actOneTimeoutMs ?? d.actOneTimeoutMs,
    actThreeTimeoutMs: o.actThreeTimeoutMs ?? d.actThreeTimeoutMs,
  };
}

/**
 * The supervisor's own bound on inbound actors before init (a backstop):
 * admission holds the unauthenticated ones; this also covers those evicted
 * but not yet reported closed and the authenticated ones awaiting init
 * (bounded in time by the handshake timeout).
 */
export function inboundBackstop(limits: AdmissionLimits): number {
  return Math.max(4 * limits.maxTotal, limits.maxTotal + 100);
}
