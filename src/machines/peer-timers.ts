/**
 * The named timers of one peer, kept by its shell (the Node one in
 * src/io/peer-shell.ts, the browser one in src/browser/browser-peer.ts)
 * instead of xstate delayed events: one slot per name — starting a timer
 * replaces the running one of that name — on an injectable clock (tests use
 * xstate's SimulatedClock). No I/O here, so both shells share it.
 */
import type { PeerTimer } from './peer-types.js';

/** The part of a clock the timers use. */
export interface TimerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The host's own timers (Node or a browser). */
export const DEFAULT_CLOCK: TimerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class PeerTimers {
  readonly #clock: TimerClock;
  readonly #fire: (name: PeerTimer) => void;
  readonly #running = new Map<PeerTimer, unknown>();

  constructor(clock: TimerClock, fire: (name: PeerTimer) => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  start(name: PeerTimer, ms: number): void {
    this.cancel(name);
    this.#running.set(name, this.#clock.setTimeout(() => {
      this.#running.delete(name);
      this.#fire(name);
    }, ms));
  }

  cancel(name: PeerTimer): void {
    const handle = this.#running.get(name);
    if (handle === undefined) return;
    this.#running.delete(name);
    this.#clock.clearTimeout(handle);
  }

  cancelAll(): void {
    for (const name of [...this.#running.keys()]) this.cancel(name);
  }
}
