/**
 * Redial bookkeeping of persistent peers (issue 12), owned by the supervisor
 * (its context holds one `Reconnect`). A peer is persistent while it has an
 * active channel (learned when a connection to it is set up, or from
 * `channels.peers()` at start) or was connected with `persist: true`.
 *
 * - After every end we did not ask for (the peer hung up, keepalive or
 *   transport failure, a failed attempt) a persistent peer gets ONE pending
 *   redial on the injected clock, its wait from src/supervisor/backoff.ts.
 * - The timer sends `reconnect.due`; the supervisor then starts an ordinary
 *   outbound attempt from the address sources, through the dial queue (the
 *   in-flight cap holds for redials and for the start-up burst alike).
 * - An inbound connection from the peer, or a user connect, cancels the
 *   pending redial; a user disconnect stops the redials until the next
 *   connect; `halt()` (node closing) cancels every one and schedules no more.
 *
 * State per persistent peer only, in a Map: every event costs O(1).
 */
import { wallClock } from '../io/clock.js';
import type { Clock } from '../io/clock.js';
import { REASON_REQUESTED } from '../machines/peer-steps.js';
import type { PeerOutcome } from '../machines/peer-types.js';
import { attemptAfterConnection, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { BackoffPolicy } from './backoff.js';
import type { StepArgs } from './contain.js';
import type { SupervisorContext, SupervisorEmitted } from './supervisor.js';
import { startOutbound } from './supervisor.js';

export interface ReconnectConfig {
  policy: BackoffPolicy;
  /** Timers and `nextAt` (ms since the epoch with the wall clock). */
  clock: Clock;
  random: () => number;
}

/** What listPeers shows of a persistent peer. */
export interface ReconnectView {
  persistent: boolean;
  /** When the pending redial fires (the clock's ms), or null when none is pending. */
  nextAt: number | null;
  lastFailure: string | null;
}

interface Entry {
  persist: boolean;
  channels: boolean;
  /** A user disconnect: no redial until the next connect. */
  stopped: boolean;
  /** Retries since the last reset. */
  attempt: number;
  timer: unknown;
  nextAt: number | null;
  lastFailure: string | null;
  /** When the current connection came up (null: none up). */
  upSince: number | null;
  /** The attempt in flight is one of our redials (its result is logged). */
  redialling: boolean;
}

/** Where log lines go (the supervisor step's `enqueue`). */
interface Emit {
  emit(e: SupervisorEmitted): void;
}

const info = (out: Emit, id: string, msg: string): void => out.emit({ type: 'log', level: 'info', id, msg });

export class Reconnect {
  readonly #entries = new Map<string, Entry>();
  readonly #cfg: ReconnectConfig;
  readonly #due: (id: string) => void;
  #halted = false;

  constructor(cfg: ReconnectConfig | undefined, due: (id: string) => void) {
    this.#cfg = cfg ?? { policy: DEFAULT_BACKOFF, clock: wallClock, random: Math.random };
    this.#due = due;
  }

  /** Mark `id` persistent (start-up: address-book `persist`, channel peers). */
  mark(id: string, why: { persist?: boolean; channels?: boolean }): void {
    const e = this.#entry(id);
    if (why.persist === true) e.persist = true;
    if (why.channels === true) e.channels = true;
  }

  /** A user connect: resumes stopped redials, `persist` marks the peer; the pending redial gives way to it. */
  requested(id: string, persist: boolean): void {
    const e = persist ? this.#entry(id) : this.#entries.get(id);
    if (e === undefined) return;
    if (persist) e.persist = true;
    e.stopped = false;
    this.#cancel(e);
  }

  /** A user disconnect: no redial until the next connect. Returns whether a redial was pending. */
  stop(id: string): boolean {
    const e = this.#entries.get(id);
    if (e === undefined) return false;
    const pending = e.timer !== undefined;
    e.stopped = true;
    this.#cancel(e);
    return pending;
  }

  /** An inbound connection from `id` was adopted: it satisfies the pending redial. */
  satisfied(id: string): void {
    const e = this.#entries.get(id);
    if (e !== undefined) this.#cancel(e);
  }

  /** A connection to `id` is up; `channels`: the runtime has active channels with it. */
  connected(id: string, channels: boolean, emit: Emit): void {
    let e = this.#entries.get(id);
    if (e === undefined && !channels) return;
    e ??= this.#entry(id);
    e.channels = channels;
    this.#cancel(e);
    e.upSince = this.#cfg.clock.now();
    if (e.redialling) info(emit, id, `Reconnected (attempt ${e.attempt})`);
    e.redialling = false;
    if (!e.persist && !e.channels) this.#entries.delete(id);
  }

  /** A connection or attempt to `id` ended without our asking: schedule the next redial of a persistent peer. */
  lost(id: string, reason: string, emit: Emit): void {
    const e = this.#entries.get(id);
    if (e === undefined) return;
    const { clock, policy, random } = this.#cfg;
    if (e.upSince !== null) e.attempt = attemptAfterConnection(policy, e.attempt, clock.now() - e.upSince);
    e.upSince = null;
    e.lastFailure = reason;
    const after = e.redialling ? `Reconnect attempt ${e.attempt} failed: ${reason}` : `Peer lost: ${reason}`;
    e.redialling = false;
    if (this.#halted || e.stopped || e.timer !== undefined) return;
    const delay = backoffDelay(policy, e.attempt, random);
    e.attempt++;
    e.nextAt = clock.now() + delay;
    e.timer = clock.setTimeout(() => {
      e.timer = undefined;
      e.nextAt = null;
      this.#due(id);
    }, delay);
    info(emit, id, `${after}; next attempt in ${delay} ms`);
  }

  /** The redial of `id` is due: true when the supervisor should start it (logged). */
  dialling(id: string, emit: Emit): boolean {
    const e = this.#entries.get(id);
    if (e === undefined || this.#halted || e.stopped || e.timer !== undefined) return false;
    e.redialling = true;
    info(emit, id, e.attempt === 0 ? 'Connecting to persistent peer' : `Reconnecting (attempt ${e.attempt})`);
    return true;
  }

  /** Node closing: cancel every pending redial, schedule no more. */
  halt(): void {
    this.#halted = true;
    for (const e of this.#entries.values()) this.#cancel(e);
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  view(id: string): ReconnectView | undefined {
    const e = this.#entries.get(id);
    return e === undefined ? undefined : { persistent: !e.stopped, nextAt: e.nextAt, lastFailure: e.lastFailure };
  }

  ids(): IterableIterator<string> {
    return this.#entries.keys();
  }

  /** Redials pending (tests: no timer left behind). */
  get pending(): number {
    let n = 0;
    for (const e of this.#entries.values()) if (e.timer !== undefined) n++;
    return n;
  }

  #entry(id: string): Entry {
    let e = this.#entries.get(id);
    if (e === undefined) {
      e = { persist: false, channels: false, stopped: false, attempt: 0, timer: undefined, nextAt: null, lastFailure: null, upSince: null, redialling: false };
      this.#entries.set(id, e);
    }
    return e;
  }

  #cancel(e: Entry): void {
    if (e.timer !== undefined) this.#cfg.clock.clearTimeout(e.timer);
    e.timer = undefined;
    e.nextAt = null;
  }
}

/** The last-failure text of a failed attempt. */
export function outcomeText(o: PeerOutcome): string {
  switch (o.kind) {
    case 'connected':
      return 'connected';
    case 'no-address':
      return 'no address known for peer';
    case 'all-failed':
      return o.message.trim();
    case 'disconnected-during':
      return 'disconnected during connection';
    case 'cancelled':
      return 'connection attempt cancelled';
  }
}

/**
 * An established connection to `id` closed. A persistent peer is redialled; for
 * another one that we did not ask to close, the node shell is asked (`peer.lost`)
 * whether a channel was opened during the connection (`reconnect.channels` then).
 */
export function connectionLost(c: SupervisorContext, id: string, reason: string | null, out: Emit): void {
  if (c.reconnect.has(id)) c.reconnect.lost(id, reason ?? 'disconnected', out);
  else if (reason !== REASON_REQUESTED) out.emit({ type: 'peer.lost', id, reason: reason ?? 'disconnected' });
}

/** Supervisor step `reconnect.channels`: the runtime has channels with a peer we lost: keep it connected. */
export function redialChannels({ context: c, event, enqueue }: StepArgs): void {
  if (event.type !== 'reconnect.channels') return;
  c.reconnect.mark(event.id, { channels: true });
  if (!c.slots.has(event.id)) c.reconnect.lost(event.id, event.reason, enqueue);
}

/** Supervisor step `reconnect.due`: start the redial (no explicit address: the address sources give them). */
export function redialDue({ context: c, event, enqueue, self }: StepArgs): void {
  if (event.type !== 'reconnect.due' || c.slots.has(event.id)) return;
  if (c.reconnect.dialling(event.id, enqueue)) enqueue.sendTo('dialQueue', startOutbound(c, event.id, [], self));
}

/** Supervisor step `reconnect.start`: the persistent peers known at start, all queued behind the in-flight cap. */
export function redialStart({ context: c, event, enqueue, self }: StepArgs): void {
  if (event.type !== 'reconnect.start') return;
  for (const p of event.peers) {
    if (p.id === c.config.peer.localId) continue;
    c.reconnect.mark(p.id, p);
    if (!c.slots.has(p.id) && c.reconnect.dialling(p.id, enqueue)) enqueue.sendTo('dialQueue', startOutbound(c, p.id, [], self));
  }
}
