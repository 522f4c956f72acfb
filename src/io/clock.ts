/**
 * Wall-clock time for the shell. Machines take time through xstate's clock
 * (SimulatedClock in tests); the few I/O helpers that need `now` or a timer
 * take a `Clock` parameter defaulting to this one.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const wallClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
