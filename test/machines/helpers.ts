/**
 * Test harness for the peer and handshake machines: fixed keys (BOLT 8
 * Appendix A statics), a SimulatedClock shared with `config.now`, and fakes
 * for every actor the peer machine names, entered through `.provide()`.
 *
 * The fake `connection` records the commands the machine sends it
 * (`conn.read`, `conn.write`, `conn.upgrade`, `wire.send`, `conn.close`) and
 * lets the test inject its facts through the fake's own `sendBack`. A real
 * BOLT 8 counterpart (src/bolt8) answers the acts, so the handshake bytes are
 * genuine; after `conn.upgrade` the fake exchanges plaintext messages (the
 * connection actor's contract: it encrypts and decrypts itself).
 * No sockets, no wall-clock timers.
 */
import { createActor, fromCallback, fromPromise, SimulatedClock } from 'xstate';
import type { Actor } from 'xstate';
import type { DialAddress } from '../../src/address/types.js';
import { chainHashOf, DEFAULT_FEATURES, encodeInit, globalFeaturesFor } from '../../src/bolt1/index.js';
import { initiator, localKeyFromSecret, responder } from '../../src/bolt8/index.js';
import type { LocalKey, ResponderAwaitingActThree, InitiatorAwaitingActTwo, TransportKeys } from '../../src/bolt8/index.js';
import { selectCryptoBackend } from '../../src/crypto/index.js';
import { fromHex, toHex } from '../../src/machines/bytes.js';
import type { ConnCommand, ConnFact, ConnInput } from '../../src/machines/events.js';
import { peerMachine } from '../../src/machines/peer.js';
import { DEFAULT_TIMEOUTS } from '../../src/machines/peer-types.js';
import type { EntrySeed, PeerConfig, PeerEvent, PeerInput, PeerNotice, PeerOutcome } from '../../src/machines/peer-types.js';
import type { PeerConnectedDecision, PeerConnectedInfo } from '../../src/types.js';

export const crypto = selectCryptoBackend('auto');

// BOLT 8 Appendix A statics and ephemerals (test/bolt8/vectors.ts).
export const OUR_SECRET = fromHex('11'.repeat(32));
export const OUR_EPHEMERAL = fromHex('12'.repeat(32));
export const THEIR_SECRET = fromHex('21'.repeat(32));
export const THEIR_EPHEMERAL = fromHex('22'.repeat(32));
export const ourKey: LocalKey = localKeyFromSecret(crypto, OUR_SECRET);
export const theirKey: LocalKey = localKeyFromSecret(crypto, THEIR_SECRET);
export const OUR_ID = toHex(ourKey.publicKey);
export const THEIR_ID = toHex(theirKey.publicKey);

export const CHAIN = chainHashOf('bitcoin');

export function makeConfig(clock: SimulatedClock, timeouts: Partial<PeerConfig['timeouts']> = {}): PeerConfig {
  return {
    crypto,
    localKey: ourKey,
    localId: OUR_ID,
    chainHash: CHAIN,
    features: DEFAULT_FEATURES,
    globalFeatures: globalFeaturesFor(DEFAULT_FEATURES),
    timeouts: { ...DEFAULT_TIMEOUTS, keepaliveMinMs: 30_000, keepaliveMaxMs: 30_000, ...timeouts },
    now: () => clock.now(),
    random: () => 0,
    ephemeral: () => OUR_EPHEMERAL,
  };
}

export function ipv4(port: number, address = '127.0.0.1'): EntrySeed {
  const a: DialAddress = { type: 'ipv4', address, port };
  return { address: a, label: `${address}:${port}` };
}

/** A valid init from the peer (same chain, our default features). */
export function theirInit(): Uint8Array {
  return encodeInit({ globalfeatures: new Uint8Array(0), features: DEFAULT_FEATURES, networks: [CHAIN] });
}

/** Lets promise actors settle and their results reach the machine. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

/** One fake connection actor instance. */
export interface FakeConn {
  input: ConnInput;
  commands: ConnCommand[];
  stopped: boolean;
  /** Simulated time at which the machine spawned it. */
  startedAt: number;
  send(fact: ConnFact): void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface HarnessOptions {
  /** Outbound: explicit seeds; default one loopback address. */
  explicit?: readonly EntrySeed[];
  /** What `resolveDialList` adds. */
  resolved?: readonly EntrySeed[];
  inbound?: boolean;
  channels?: readonly string[];
  timeouts?: Partial<PeerConfig['timeouts']>;
  /** Replace the machine (mutants). */
  machine?: typeof peerMachine;
}

/** A peer actor with fakes, a simulated clock and recorders. */
export class PeerHarness {
  readonly clock = new SimulatedClock();
  readonly conns: FakeConn[] = [];
  readonly outcomes: PeerOutcome[] = [];
  /** Everything the actor emits except `peer.phase` (notices, runtime messages). */
  readonly notices: (PeerNotice | { type: string })[] = [];
  readonly phases: string[] = [];
  readonly hookCalls: PeerConnectedInfo[] = [];
  readonly subdaemons = new Map<string, { sendBack: (e: PeerEvent) => void; stopped: boolean }>();
  readonly actor: Actor<typeof peerMachine>;
  readonly config: PeerConfig;
  hook: Deferred<PeerConnectedDecision> | null = null;
  /** BOLT 8 counterparts per fake connection. */
  private responders = new Map<FakeConn, ResponderAwaitingActThree>();
  private initiators = new Map<FakeConn, InitiatorAwaitingActTwo>();
  readonly remoteKeys = new Map<FakeConn, TransportKeys>();

  constructor(opts: HarnessOptions = {}) {
    this.config = makeConfig(this.clock, opts.timeouts);
    const machine = (opts.machine ?? peerMachine).provide({
      actors: {
        connection: fromCallback<ConnCommand, ConnInput>(({ input, receive, sendBack }) => {
          const conn: FakeConn = { input, commands: [], stopped: false, startedAt: this.clock.now(), send: (f) => sendBack(f) };
          this.conns.push(conn);
          receive((cmd) => conn.commands.push(cmd));
          return () => {
            conn.stopped = true;
          };
        }),
        resolveDialList: fromPromise<readonly EntrySeed[], { id: string }>(async () => opts.resolved ?? []),
        peerConnectedHook: fromPromise<PeerConnectedDecision, PeerConnectedInfo>(async ({ input }) => {
          this.hookCalls.push(input);
          this.hook = deferred<PeerConnectedDecision>();
          return this.hook.promise;
        }),
        listChannels: fromPromise<readonly string[], { peerId: string }>(async () => opts.channels ?? []),
        subdaemon: fromCallback<PeerEvent, { peerId: string; channelId: string }>(({ input, sendBack }) => {
          const entry = { sendBack, stopped: false };
          this.subdaemons.set(input.channelId, entry);
          return () => {
            entry.stopped = true;
          };
        }),
      },
    });
    const input: PeerInput = opts.inbound === true
      ? { direction: 'in', config: this.config, socket: { fake: true }, remote: { type: 'ipv4', address: '127.0.0.1', port: 50000 } }
      : { direction: 'out', config: this.config, id: THEIR_ID, explicit: opts.explicit ?? [ipv4(9735)] };
    this.actor = createActor(machine, { input, clock: this.clock });
    this.actor.on('peer.outcome', (e) => this.outcomes.push(e.outcome));
    this.actor.on('*', (e) => {
      if (e.type === 'peer.phase') this.phases.push(e.detail === undefined ? e.phase : `${e.phase}: ${e.detail}`);
      else this.notices.push(e);
    });
  }

  async start(): Promise<this> {
    this.actor.start();
    await flush();
    return this;
  }

  get state(): unknown {
    return this.actor.getSnapshot().value;
  }
  /** True when the machine is in `state` (or one of its children). */
  in(state: string): boolean {
    return this.actor.getSnapshot().matches(state as never);
  }
  get context() {
    return this.actor.getSnapshot().context;
  }
  get status() {
    return this.actor.getSnapshot().status;
  }

  /** The fake connection of dial-list entry `index` (latest generation). */
  conn(index: number): FakeConn {
    const c = [...this.conns].reverse().find((x) => x.input.index === index);
    if (c === undefined) throw new Error(`no connection for index ${index}`);
    return c;
  }
  live(): FakeConn[] {
    return this.conns.filter((c) => !c.stopped);
  }

  opened(index: number): void {
    const c = this.conn(index);
    c.send({ type: 'conn.opened', index, gen: c.input.gen });
  }
  failed(index: number, reason = 'Connection refused'): void {
    const c = this.conn(index);
    c.send({ type: 'conn.failed', index, gen: c.input.gen, reason });
  }
  closed(index: number, reason?: string): void {
    this.conn(index).send(reason === undefined ? { type: 'conn.closed', index } : { type: 'conn.closed', index, reason });
  }
  data(index: number, bytes: Uint8Array, chunk = bytes.length): void {
    const c = this.conn(index);
    for (let i = 0; i < bytes.length; i += chunk) c.send({ type: 'conn.data', index, bytes: bytes.slice(i, i + chunk) });
  }
  message(index: number, message: Uint8Array): void {
    this.conn(index).send({ type: 'wire.message', index, message });
  }

  writes(index: number): Uint8Array[] {
    return this.conn(index).commands.flatMap((c) => (c.type === 'conn.write' ? [c.bytes] : []));
  }
  sent(index: number): Uint8Array[] {
    return this.conn(index).commands.flatMap((c) => (c.type === 'wire.send' ? [c.message] : []));
  }

  /** Outbound: the remote (a real BOLT 8 responder) answers act one with act two. */
  answerActOne(index: number, opts: { corrupt?: boolean; chunk?: number } = {}): void {
    const c = this.conn(index);
    const [actOne] = this.writes(index);
    if (actOne === undefined) throw new Error('no act one written');
    const step = responder({ crypto, localKey: theirKey, ephemeralSecret: THEIR_EPHEMERAL }).processActOne(actOne);
    this.responders.set(c, step.next);
    const actTwo = step.act.slice();
    if (opts.corrupt === true) actTwo[0] = 1; // bad version byte
    this.data(index, actTwo, opts.chunk);
  }
  /** Outbound: the remote checks our act three (throws when it is wrong). */
  checkActThree(index: number): TransportKeys {
    const c = this.conn(index);
    const actThree = this.writes(index)[1];
    const r = this.responders.get(c);
    if (actThree === undefined || r === undefined) throw new Error('no act three written');
    const done = r.processActThree(actThree);
    if (toHex(done.remoteStatic) !== OUR_ID) throw new Error('act three carries the wrong node id');
    this.remoteKeys.set(c, done.keys);
    return done.keys;
  }
  /** Inbound: the remote (a real BOLT 8 initiator) sends act one. */
  sendActOne(index: number, opts: { corrupt?: boolean; chunk?: number } = {}): void {
    const c = this.conn(index);
    const first = initiator({ crypto, localKey: theirKey, remoteStatic: ourKey.publicKey, ephemeralSecret: THEIR_EPHEMERAL }).actOne();
    this.initiators.set(c, first.next);
    const act = first.act.slice();
    if (opts.corrupt === true) act[0] = 1;
    this.data(index, act, opts.chunk);
  }
  /** Inbound: the remote processes our act two and sends act three. */
  sendActThree(index: number, opts: { chunk?: number } = {}): void {
    const c = this.conn(index);
    const actTwo = this.writes(index)[0];
    const i = this.initiators.get(c);
    if (actTwo === undefined || i === undefined) throw new Error('no act two written');
    const done = i.processActTwo(actTwo);
    this.remoteKeys.set(c, done.keys);
    this.data(index, done.act, opts.chunk);
  }
  /** Outbound: a full good handshake on entry `index` (already opened). */
  handshake(index: number): void {
    this.answerActOne(index);
    this.checkActThree(index);
  }

  async hookAnswer(d: PeerConnectedDecision): Promise<void> {
    if (this.hook === null) throw new Error('hook not called');
    this.hook.resolve(d);
    await flush();
  }
  subdaemon(channelId: string, result: 'ready' | 'failed'): void {
    const s = this.subdaemons.get(channelId);
    if (s === undefined) throw new Error(`no subdaemon ${channelId}`);
    s.sendBack(result === 'ready' ? { type: 'subdaemon.ready', channelId } : { type: 'subdaemon.failed', channelId, error: 'boom' });
  }
  /**
   * Moves simulated time in steps of at most 250 ms, so timers fire at their
   * own time (SimulatedClock.increment jumps `now` to the end before firing).
   */
  advance(ms: number): void {
    for (let left = ms; left > 0; left -= 250) this.clock.increment(Math.min(250, left));
  }
  stop(): void {
    this.actor.stop();
  }
}
