/**
 * Test harness for the peer machine (src/machines/peer.ts): fixed keys and
 * node ids (BOLT 8 Appendix A statics), a SimulatedClock shared with
 * `config.now`, and a fake `PeerPort` in place of the socket shell
 * (src/io/peer-shell.ts; ./fake-port.ts), entered through the machine's
 * input. `PeerHarness` injects the facts the shell would report (opened,
 * failed, the acts, init, closed, hook answers, subdaemons settled) and
 * moves the clock. No sockets, no sessions, no bytes, no wall clock.
 */
import { createActor, SimulatedClock } from 'xstate';
import type { Actor } from 'xstate';
import type { DialAddress } from '../../src/address/types.js';
import { chainHashOf, DEFAULT_FEATURES, fromHex, globalFeaturesFor, toHex } from '../../src/bolt1/index.js';
import { localKeyFromSecret } from '../../src/bolt8/index.js';
import type { LocalKey } from '../../src/bolt8/index.js';
import { selectCryptoBackend } from '../../src/crypto/index.js';
import { peerMachine } from '../../src/machines/peer.js';
import { DEFAULT_TIMEOUTS } from '../../src/machines/peer-types.js';
import type { EntrySeed, PeerConfig, PeerEvent, PeerInput, PeerNotice, PeerOutcome } from '../../src/machines/peer-types.js';
import type { PeerConnectedDecision } from '../../src/types.js';
import { FakePort } from './fake-port.js';
import type { FakeConn, PortCall } from './fake-port.js';

export { FakePort } from './fake-port.js';
export type { FakeConn, PortCall } from './fake-port.js';

export const crypto = selectCryptoBackend('auto');

// BOLT 8 Appendix A statics (test/bolt8/vectors.ts).
export const OUR_SECRET = fromHex('11'.repeat(32));
export const THEIR_SECRET = fromHex('21'.repeat(32));
export const ourKey: LocalKey = localKeyFromSecret(crypto, OUR_SECRET);
export const theirKey: LocalKey = localKeyFromSecret(crypto, THEIR_SECRET);
export const OUR_ID = toHex(ourKey.publicKey);
export const THEIR_ID = toHex(theirKey.publicKey);

export const CHAIN = chainHashOf('bitcoin');
/** The features the fake session reports for the peer's init (hex, as `init.accepted` carries them). */
export const THEIR_FEATURES = toHex(DEFAULT_FEATURES);

export function makeConfig(clock: SimulatedClock, timeouts: Partial<PeerConfig['timeouts']> = {}, random: () => number = () => 0): PeerConfig {
  return {
    crypto,
    localKey: ourKey,
    localId: OUR_ID,
    chainHash: CHAIN,
    features: DEFAULT_FEATURES,
    globalFeatures: globalFeaturesFor(DEFAULT_FEATURES),
    timeouts: { ...DEFAULT_TIMEOUTS, keepaliveMinMs: 30_000, keepaliveMaxMs: 30_000, ...timeouts },
    now: () => clock.now(),
    random,
  };
}

export function ipv4(port: number, address = '127.0.0.1'): EntrySeed {
  const a: DialAddress = { type: 'ipv4', address, port };
  return { address: a, label: `${address}:${port}` };
}

/** Where an inbound connection comes from. */
export const INBOUND_REMOTE: DialAddress = { type: 'ipv4', address: '127.0.0.1', port: 50000 };

export interface HarnessOptions {
  /** Outbound: explicit seeds; default one loopback address. */
  explicit?: readonly EntrySeed[];
  /** What the address sources answer (`dial.resolved`). */
  resolved?: readonly EntrySeed[];
  inbound?: boolean;
  /** Wait for `peer.start` (then answer `resolve` with `h.resolve()`). */
  queued?: boolean;
  timeouts?: Partial<PeerConfig['timeouts']>;
  random?: () => number;
  /** The runtime's hook and channels (default: both present, so the machine waits for them). */
  runtime?: Pick<PeerConfig, 'hook' | 'subdaemons'>;
  /** Replace the machine (mutants). */
  machine?: typeof peerMachine;
}

type Call<K extends PortCall['call']> = Extract<PortCall, { call: K }>;

/** One peer actor on a fake port, with its own simulated clock. */
export class PeerHarness {
  readonly clock = new SimulatedClock();
  readonly config: PeerConfig;
  readonly port: FakePort;
  readonly actor: Actor<typeof peerMachine>;
  readonly key = 'peer-1';
  readonly #opts: HarnessOptions;

  constructor(opts: HarnessOptions = {}) {
    this.#opts = opts;
    this.config = { ...makeConfig(this.clock, opts.timeouts, opts.random), ...opts.runtime };
    this.port = new FakePort(this.clock, this.config.timeouts.connectMs);
    const common = { config: this.config, port: this.port, key: this.key };
    const input: PeerInput = opts.inbound === true
      ? { direction: 'in', ...common, remote: INBOUND_REMOTE }
      : { direction: 'out', ...common, id: THEIR_ID, explicit: opts.explicit ?? [ipv4(9735)], queued: opts.queued === true };
    if (opts.inbound === true) this.port.conns.set(-1, { gen: 0, startedAt: 0, opened: true });
    this.actor = createActor(opts.machine ?? peerMachine, { input, clock: this.clock });
    // The shell stops sending once the actor ended (it released everything then).
    this.port.deliver = (e) => {
      if (this.status === 'active') this.actor.send(e);
    };
  }

  /** Starts the actor; an outbound one gets its `resolve` answered at once. */
  start(): this {
    this.actor.start();
    if (this.in('resolving')) this.resolve();
    return this;
  }
  resolve(seeds: readonly EntrySeed[] = this.#opts.resolved ?? []): void {
    this.send({ type: 'dial.resolved', seeds });
  }
  send(event: PeerEvent): void {
    this.actor.send(event);
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

  calls<K extends PortCall['call']>(kind: K): Call<K>[] {
    return this.port.calls.filter((c): c is Call<K> => c.call === kind);
  }
  get notices(): PeerNotice[] {
    return this.calls('notify').map((c) => c.notice);
  }
  get outcomes(): PeerOutcome[] {
    return this.notices.flatMap((n) => (n.type === 'peer.outcome' ? [n.outcome] : []));
  }
  get phases(): string[] {
    return this.calls('phase').map((c) => c.line);
  }
  /** Indices with a dial or a connection the shell still holds, ascending. */
  live(): number[] {
    return [...this.port.conns.keys()].sort((a, b) => a - b);
  }

  // Facts the shell would report.

  opened(index: number): void {
    const c = this.#held(index);
    c.opened = true;
    this.port.forget(index);
    this.port.conns.set(index, c);
    this.send({ type: 'dial.opened', index, gen: c.gen });
  }
  failed(index: number, reason = 'Connection refused', extra: { prefix?: string; fragment?: string } = {}): void {
    const c = this.#held(index);
    this.port.forget(index);
    this.send({ type: 'dial.failed', index, gen: c.gen, reason, ...extra });
  }
  act1(index = -1): void {
    this.send({ type: 'act1.received', index });
  }
  act2(index: number): void {
    this.send({ type: 'act2.received', index });
  }
  act3(index = -1, remoteId = THEIR_ID): void {
    this.send({ type: 'act3.received', index, remoteId });
  }
  handshakeFailed(index: number, reason = 'Protocol error'): void {
    this.port.forget(index);
    this.send({ type: 'handshake.failed', index, reason });
  }
  init(index: number, opts: { features?: string; remoteAddr?: string } = {}): void {
    this.send({ type: 'init.accepted', index, features: opts.features ?? THEIR_FEATURES, remoteAddr: opts.remoteAddr ?? null });
  }
  initRejected(index: number, reason: string): void {
    this.port.forget(index);
    this.send({ type: 'init.rejected', index, reason });
  }
  closed(index: number, reason?: string): void {
    this.port.forget(index);
    this.send(reason === undefined ? { type: 'conn.closed', index } : { type: 'conn.closed', index, reason });
  }
  hookAnswer(decision: PeerConnectedDecision): void {
    if (this.calls('askHook').length === 0) throw new Error('hook not asked');
    this.send({ type: 'hook.decided', decision });
  }
  settled(): void {
    if (this.calls('startSubdaemons').length === 0) throw new Error('subdaemons not started');
    this.send({ type: 'subdaemons.settled' });
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

  #held(index: number): FakeConn {
    const c = this.port.conns.get(index);
    if (c === undefined) throw new Error(`no dial held for index ${index}`);
    return c;
  }
}
