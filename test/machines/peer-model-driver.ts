/**
 * Drives one real peer actor (fake port, SimulatedClock: ./helpers.ts) along
 * one path of an abstract model (./peer-model.ts, ./peer-session-model.ts)
 * and checks it after every step: the machine's state, every notice the
 * port was told (with the exact 401 message and `data.attempts` whose `ms`
 * come from the simulated clock), the dial list, which connections the shell
 * still holds, which timers run, and that stale or misdirected events
 * change nothing.
 */
import { expect } from 'vitest';
import { toAddressJson } from '../../src/address/format.js';
import type { peerMachine } from '../../src/machines/peer.js';
import type { EntrySeed, PeerEvent, PeerNotice, PeerOutcome, PeerTimer } from '../../src/machines/peer-types.js';
import type { AttemptRecord } from '../../src/types.js';
import { INBOUND_REMOTE, ipv4, PeerHarness, THEIR_FEATURES, THEIR_ID } from './helpers.js';
import type { HarnessOptions } from './helpers.js';
import { expectedAllFailed } from './peer-model.js';
import type { DialContext, ModelEvent, Slot } from './peer-model.js';
import type { SessionContext } from './peer-session-model.js';

export const A: EntrySeed = ipv4(1);
export const B: EntrySeed = { address: { type: 'ipv6', address: '::1', port: 2 }, label: '[::1]:2' };
const LABELS = [A.label, B.label];

export interface ModelSnap {
  value: string;
  context: Partial<DialContext & SessionContext>;
}
export interface Step {
  state: ModelSnap;
  event: ModelEvent;
}

const REAL: Record<string, unknown> = {
  queued: 'queued',
  dialing: 'dialing',
  awaitingActOne: { open: 'awaitingActOne' },
  awaitingActTwo: { open: 'awaitingActTwo' },
  awaitingActThree: { open: 'awaitingActThree' },
  init: { open: 'init' },
  established: { established: 'hook' },
  hook: { established: 'hook' },
  subdaemons: { established: 'subdaemons' },
  ready: 'ready',
  closing: 'closing',
  closed: 'closed',
  noAddress: 'noAddress',
  failed: 'failed',
  disconnectedDuring: 'disconnectedDuring',
  cancelled: 'cancelled',
};
/** The timer each state handles itself (its event is not stale there). */
const OWN_TIMER: Record<string, PeerTimer> = {
  dialing: 'dialStagger',
  awaitingActOne: 'handshakeTimeout',
  awaitingActTwo: 'handshakeTimeout',
  awaitingActThree: 'handshakeTimeout',
  init: 'handshakeTimeout',
  subdaemons: 'subdaemonTimeout',
  ready: 'keepaliveTick',
  closing: 'closeGrace',
};
const ALL_TIMERS: PeerTimer[] = ['dialStagger', 'handshakeTimeout', 'subdaemonTimeout', 'keepaliveTick', 'closeGrace'];
const FINALS = new Set(['noAddress', 'failed', 'disconnectedDuring', 'cancelled', 'closed', 'established']);

const SUBDAEMON_MS = 5_000;

export function noticeKey(n: PeerNotice): string {
  switch (n.type) {
    case 'peer.identified':
      return 'identified';
    case 'peer.initDone':
      return 'initDone';
    case 'peer.outcome':
      return `outcome:${n.outcome.kind}`;
    case 'peer.closed':
      return `closed:${n.reason ?? 'null'}`;
  }
}

export class ModelDriver {
  h: PeerHarness | null = null;
  /** The dial-list index of the connection in use (-1 inbound). */
  active = 0;
  /** When the connection in use opened (the handshake timer's start). */
  openedAt = 0;
  /** Expected `ms` of each entry's attempt record. */
  readonly ms = new Map<number, number>();

  constructor(private readonly machine: typeof peerMachine, private readonly dialModel: boolean) {}

  get harness(): PeerHarness {
    if (this.h === null) throw new Error('no harness yet');
    return this.h;
  }
  create(opts: HarnessOptions): void {
    this.h = new PeerHarness({ ...opts, timeouts: { subdaemonMs: SUBDAEMON_MS }, machine: this.machine }).start();
    if (opts.inbound === true) {
      this.active = -1;
      this.openedAt = this.h.clock.now();
    }
  }
  /** Entry `index` fails now (or at `at`): its record's ms counts from its dial. */
  failing(index: number, at = this.harness.clock.now()): void {
    this.ms.set(index, at - (this.harness.port.dialedAt.get(index) ?? 0));
  }

  exec(step: Step): void {
    const e = step.event;
    switch (e.type) {
      case 'START_EMPTY':
        return this.create({ explicit: [] });
      case 'START_ONE':
        return this.create({ explicit: [A] });
      case 'START_QUEUED':
        return this.create({ explicit: [A], queued: true });
      case 'START_INBOUND':
        return this.create({ inbound: true });
      default:
        return this.stimulus(e);
    }
  }

  stimulus(e: Exclude<ModelEvent, { type: `START_${string}` }>): void {
    const h = this.harness;
    const t = h.config.timeouts;
    switch (e.type) {
      case 'PEER_START':
        h.send({ type: 'peer.start' });
        return h.resolve();
      case 'STAGGER':
        return h.advance(t.staggerMs);
      case 'OPEN':
        this.active = e.index;
        this.openedAt = h.clock.now();
        return h.opened(e.index);
      case 'REFUSE':
        this.failing(e.index);
        return h.failed(e.index);
      case 'CONNECT_TIMEOUT': {
        const [index, c] = [...h.port.conns].filter(([, x]) => !x.opened).reduce((x, y) => (y[1].startedAt < x[1].startedAt ? y : x));
        this.ms.set(index, t.connectMs);
        return h.advance(c.startedAt + t.connectMs - h.clock.now());
      }
      case 'ACT1':
        return h.act1(this.active);
      case 'ACT2':
        return h.act2(this.active);
      case 'ACT3':
        return h.act3(this.active, THEIR_ID);
      case 'HANDSHAKE_FAILED':
        this.failing(this.active);
        return h.handshakeFailed(this.active);
      case 'EOF':
        this.failing(this.active);
        return h.closed(this.active);
      case 'CONN_ERROR':
        this.failing(this.active);
        return h.closed(this.active, 'Protocol error');
      case 'HANGUP':
        return h.closed(this.active, 'Last ping unreturned: hanging up');
      case 'HANDSHAKE_TIMEOUT': {
        const deadline = this.openedAt + t.handshakeMs;
        this.failing(this.active, deadline);
        return h.advance(deadline - h.clock.now());
      }
      case 'INIT_ACCEPTED':
        return h.init(this.active);
      case 'INIT_REJECTED':
        this.failing(this.active);
        return h.initRejected(this.active, 'No common network');
      case 'HOOK_CONTINUE':
        return h.hookAnswer({ result: 'continue' });
      case 'HOOK_REJECT':
        h.hookAnswer({ result: 'disconnect', error_message: 'not today' });
        expect(h.calls('close')).toEqual([{ call: 'close', opts: { warning: 'not today' } }]);
        return;
      case 'SUBD_SETTLED':
        return h.settled();
      case 'SUBD_TIMEOUT':
        h.advance(SUBDAEMON_MS);
        expect(h.calls('stopSubdaemons')).toHaveLength(1);
        return;
      case 'TICK': {
        const ticks = h.calls('tick').length;
        h.advance(t.keepaliveMinMs);
        expect(h.calls('tick')).toHaveLength(ticks + 1);
        return;
      }
      case 'DISCONNECT':
        h.send({ type: 'peer.disconnect', message: 'bye' });
        expect(h.calls('close').at(-1)).toEqual({ call: 'close', opts: { warning: 'bye' } });
        return;
      case 'FORCE_DISCONNECT':
        h.send({ type: 'peer.disconnect', force: true });
        expect(h.calls('close').at(-1)).toEqual({ call: 'close', opts: { force: true } });
        return;
      case 'GRACE':
        h.advance(t.closeGraceMs);
        expect(h.calls('drop').at(-1)).toEqual({ call: 'drop', index: this.active });
        return;
      case 'CANCEL':
        return h.send({ type: 'peer.cancel' });
    }
  }

  /** Events that must change nothing here: late dial answers, other connections' facts, other states' answers. */
  stale(state: string): void {
    const h = this.harness;
    const before = { value: h.state, calls: h.port.calls.length, entries: h.context.entries };
    const events: PeerEvent[] = [
      { type: 'dial.opened', index: 0, gen: 999 },
      { type: 'dial.failed', index: 1, gen: 999, reason: 'x' },
      { type: 'dial.opened', index: 7, gen: 1 },
      { type: 'act1.received', index: 99 },
      { type: 'act2.received', index: 99 },
      { type: 'act3.received', index: 99, remoteId: THEIR_ID },
      { type: 'handshake.failed', index: 99, reason: 'x' },
      { type: 'init.accepted', index: 99, features: '', remoteAddr: null },
      { type: 'init.rejected', index: 99, reason: 'x' },
      { type: 'conn.closed', index: 99 },
    ];
    // Dials that were dropped or failed answer late with their own generation.
    for (const d of h.calls('dial')) if (h.context.entries[d.index]?.gen !== d.gen || h.context.entries[d.index]?.status !== 'dialing') {
      events.push({ type: 'dial.opened', index: d.index, gen: d.gen }, { type: 'dial.failed', index: d.index, gen: d.gen, reason: 'late' });
    }
    if (state !== 'queued') events.push({ type: 'peer.start' });
    if (state !== 'hook') events.push({ type: 'hook.decided', decision: { result: 'disconnect' } });
    if (state !== 'subdaemons') events.push({ type: 'subdaemons.settled' });
    for (const name of ALL_TIMERS) if (OWN_TIMER[state] !== name) events.push({ type: `timer.${name}` });
    for (const e of events) if (h.status === 'active') h.send(e);
    expect({ value: h.state, calls: h.port.calls.length, entries: h.context.entries }).toEqual(before);
  }

  check(s: ModelSnap): void {
    if (this.h === null) return; // the session model's `start`: nothing exists yet
    const h = this.h;
    const v = s.value;
    expect(h.state).toEqual(REAL[v]);
    if (this.dialModel) this.checkDialList(s);
    else expect(h.notices.map(noticeKey)).toEqual(s.context.notices);
    const outcomes = h.outcomes;
    if (v === 'failed') expect(outcomes.at(-1)).toEqual(this.allFailed(s));
    if (outcomes.some((o) => o.kind === 'connected')) expect(outcomes[0]).toEqual(this.connected());
    // Which timers run: each state's own; none once the actor ended.
    const running = h.port.runningTimers;
    if (FINALS.has(v) && v !== 'established') expect(running).toEqual([]);
    else if (v === 'dialing') expect(running).toEqual(h.context.entries.some((e) => e.status === 'pending') ? ['dialStagger'] : []);
    else expect(running).toEqual(OWN_TIMER[v] === undefined ? [] : [OWN_TIMER[v]]);
    // Which connections the shell still holds (a connection ends by the peer, or dropped by the machine).
    if (!FINALS.has(v) && v !== 'queued' && !this.dialModel) expect(h.live()).toEqual([this.active]);
    // Whatever the state, stale and misdirected events change nothing.
    if (!FINALS.has(v)) this.stale(v);
  }

  checkDialList(s: ModelSnap): void {
    const h = this.harness;
    const slots = [s.context.a, s.context.b] as Slot[];
    const status = (x: Slot): string => (x.startsWith('failed|') ? 'failed' : x);
    expect(h.context.entries.map((e) => e.status)).toEqual(slots.map(status));
    if (s.value !== 'failed' && s.value !== 'established') {
      // Only the addresses being dialled or open are held by the shell; every other one was dropped.
      expect(h.live()).toEqual(slots.flatMap((x, i) => (x === 'dialing' || x === 'open' ? [i] : [])));
      expect(h.outcomes).toEqual([]);
    }
  }

  allFailed(s: ModelSnap): PeerOutcome {
    const slots: Slot[] = this.dialModel
      ? [s.context.a as Slot, s.context.b as Slot]
      : [`failed|${s.context.failure ?? ''}` as Slot];
    const { message, records } = expectedAllFailed(slots, LABELS);
    const attempts: AttemptRecord[] = records.map((r) => ({ ...r, ms: this.ms.get(LABELS.indexOf(r.address)) ?? -1 }));
    return { kind: 'all-failed', message, attempts };
  }

  connected(): PeerOutcome {
    const inbound = this.active === -1;
    return {
      kind: 'connected',
      result: { id: THEIR_ID, features: THEIR_FEATURES, direction: inbound ? 'in' : 'out', address: toAddressJson(inbound ? INBOUND_REMOTE : A.address) },
    };
  }
}
