/**
 * A fake `PeerPort` (src/machines/peer-types.ts) in place of the socket shell
 * (src/io/peer-shell.ts), for the peer machine's tests (./helpers.ts).
 *
 * It records every call the machine makes and keeps the shell's side of the
 * contract: dial answers carry the dial's `gen`, a dial gives up after
 * `connectMs` with `Connection timed out` (the shell's dial does), named
 * timers run one slot per name on the simulated clock and come back as
 * `timer.<name>` — except `keepaliveTick`, which the shell runs itself: each
 * tick is recorded as a `tick` call (the session's ping) and re-armed, with no
 * event. Every other fact is injected by the test (PeerHarness).
 */
import type { SimulatedClock } from 'xstate';
import type { DialAddress } from '../../src/address/types.js';
import type { PeerEvent, PeerNotice, PeerPort, PeerTimer } from '../../src/machines/peer-types.js';
import type { PeerConnectedInfo } from '../../src/types.js';

export const TIMED_OUT = 'Connection timed out';

/** One call the machine made on its port, in order. */
export type PortCall =
  | { call: 'resolve'; id: string }
  | { call: 'dial'; index: number; gen: number; address: DialAddress }
  | { call: 'begin'; index: number }
  | { call: 'drop'; index: number }
  | { call: 'close'; opts: { force?: boolean; warning?: string } }
  | { call: 'tick' }
  | { call: 'askHook'; info: PeerConnectedInfo }
  | { call: 'startSubdaemons'; peerId: string }
  | { call: 'stopSubdaemons' }
  | { call: 'startTimer'; name: PeerTimer; ms: number }
  | { call: 'cancelTimer'; name: PeerTimer }
  | { call: 'notify'; notice: PeerNotice }
  | { call: 'phase'; line: string };

/** A dial attempt or a connection the shell would still hold (not dropped, not ended by the peer). */
export interface FakeConn {
  gen: number;
  /** Simulated time of the dial. */
  startedAt: number;
  opened: boolean;
}

/** The fake shell: records, and keeps the shell's promises (dial timeout, timers) on the simulated clock. */
export class FakePort implements PeerPort {
  readonly calls: PortCall[] = [];
  readonly conns = new Map<number, FakeConn>();
  /** When each index was last dialled (simulated ms): what its attempt record's `ms` counts from. */
  readonly dialedAt = new Map<number, number>();
  readonly #timers = new Map<PeerTimer, number>();
  readonly #dialTimers = new Map<number, number>();
  /** Where answers go (the harness's actor). */
  deliver: (e: PeerEvent) => void = () => {};

  constructor(private readonly clock: SimulatedClock, private readonly connectMs: number) {}

  resolve(id: string): void {
    this.calls.push({ call: 'resolve', id });
  }
  dial(index: number, gen: number, address: DialAddress): void {
    this.calls.push({ call: 'dial', index, gen, address });
    this.#forget(index);
    this.conns.set(index, { gen, startedAt: this.clock.now(), opened: false });
    this.dialedAt.set(index, this.clock.now());
    this.#dialTimers.set(index, this.clock.setTimeout(() => {
      this.#dialTimers.delete(index);
      this.conns.delete(index);
      this.deliver({ type: 'dial.failed', index, gen, reason: TIMED_OUT });
    }, this.connectMs));
  }
  begin(index: number): void {
    this.calls.push({ call: 'begin', index });
  }
  drop(index: number): void {
    this.calls.push({ call: 'drop', index });
    this.#forget(index);
  }
  close(opts: { force?: boolean; warning?: string }): void {
    this.calls.push({ call: 'close', opts });
  }
  askHook(info: PeerConnectedInfo): void {
    this.calls.push({ call: 'askHook', info });
  }
  startSubdaemons(peerId: string): void {
    this.calls.push({ call: 'startSubdaemons', peerId });
  }
  stopSubdaemons(): void {
    this.calls.push({ call: 'stopSubdaemons' });
  }
  startTimer(name: PeerTimer, ms: number): void {
    this.calls.push({ call: 'startTimer', name, ms });
    this.#clearTimer(name);
    this.#timers.set(name, this.clock.setTimeout(() => {
      this.#timers.delete(name);
      if (name !== 'keepaliveTick') {
        this.deliver({ type: `timer.${name}` });
        return;
      }
      this.calls.push({ call: 'tick' });
      this.startTimer(name, ms);
    }, ms));
  }
  cancelTimer(name: PeerTimer): void {
    this.calls.push({ call: 'cancelTimer', name });
    this.#clearTimer(name);
  }
  notify(notice: PeerNotice): void {
    this.calls.push({ call: 'notify', notice });
  }
  phase(line: string): void {
    this.calls.push({ call: 'phase', line });
  }

  /** The shell stops holding `index` (the peer closed it, the session ended it, or the dial settled). */
  forget(index: number): void {
    this.#forget(index);
  }
  /** Timers still running, by name. */
  get runningTimers(): PeerTimer[] {
    return [...this.#timers.keys()].sort();
  }

  #forget(index: number): void {
    const t = this.#dialTimers.get(index);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.#dialTimers.delete(index);
    this.conns.delete(index);
  }
  #clearTimer(name: PeerTimer): void {
    const t = this.#timers.get(name);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.#timers.delete(name);
  }
}
