/**
 * The redial backoff of persistent peers (issue 12), pure: exponential with
 * "equal jitter" — retry n waits a uniformly random time in [base/2, base],
 * base = min(maxMs, initialMs · 2^n) — so the first retry comes within
 * `initialMs` (about 1 s), the waits double, and never exceed `maxMs`
 * (default 5 min, LND's and Core Lightning's order of magnitude). A
 * connection that stayed up `resetAfterMs` resets the schedule; one dropped
 * sooner does not (a peer that accepts and hangs up at once is not
 * hammered). Randomness is injected (STYLE habit 2).
 */

export interface BackoffPolicy {
  /** Upper bound of the first retry's wait. Default 1 s. */
  initialMs: number;
  /** Cap of every wait. Default 5 min. */
  maxMs: number;
  /** A connection up at least this long resets the schedule. Default 60 s. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 300_000, resetAfterMs: 60_000 };

/** Throws a RangeError naming the option when the policy cannot work. */
export function checkBackoff(p: BackoffPolicy): BackoffPolicy {
  const positive = (name: string, v: number): void => {
    if (!Number.isFinite(v) || v <= 0 || v > 2 ** 31 - 1) throw new RangeError(`${name} should be a positive number of ms below 2^31, got ${v}`);
  };
  positive('reconnectInitialMs', p.initialMs);
  positive('reconnectMaxMs', p.maxMs);
  positive('reconnectResetMs', p.resetAfterMs);
  if (p.maxMs < p.initialMs) throw new RangeError(`reconnectMaxMs (${p.maxMs}) should be at least reconnectInitialMs (${p.initialMs})`);
  return p;
}

/** The wait before retry number `attempt` (0 = the first), `random()` in [0, 1). */
export function backoffDelay(p: BackoffPolicy, attempt: number, random: () => number): number {
  const base = Math.min(p.maxMs, p.initialMs * 2 ** Math.min(Math.max(attempt, 0), 52));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(1, Math.round(base / 2 + (r * base) / 2));
}

/** The attempt number to go on with after a connection that was up `upMs`. */
export function attemptAfterConnection(p: BackoffPolicy, attempt: number, upMs: number): number {
  return upMs >= p.resetAfterMs ? 0 : attempt;
}
