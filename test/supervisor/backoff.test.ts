/**
 * The redial backoff (src/supervisor/backoff.ts), pure: the schedule and its
 * jitter bounds, the cap, the reset after a connection that stayed up, and
 * the option checks.
 */
import { describe, expect, it } from 'vitest';
import { attemptAfterConnection, backoffDelay, checkBackoff, DEFAULT_BACKOFF } from '../../src/supervisor/backoff.js';

const p = { initialMs: 1_000, maxMs: 300_000, resetAfterMs: 60_000 };
const lowest = () => 0;
const highest = () => 0.999999;

describe('backoff', () => {
  it('doubles from about 1 s: retry n waits within [base/2, base], base = 1 s · 2^n', () => {
    for (let n = 0; n < 8; n++) {
      const base = 1_000 * 2 ** n;
      expect(backoffDelay(p, n, lowest)).toBe(base / 2);
      expect(backoffDelay(p, n, highest)).toBe(base);
    }
    expect(backoffDelay(p, 0, () => 0.5)).toBe(750);
  });

  it('the first retry comes within 1 s whatever the randomness', () => {
    for (let i = 0; i < 1000; i++) {
      const d = backoffDelay(p, 0, Math.random);
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });

  it('is capped: no wait ever exceeds maxMs, even after thousands of attempts', () => {
    expect(backoffDelay(p, 9, highest)).toBe(300_000); // 512 s > 300 s
    expect(backoffDelay(p, 9, lowest)).toBe(150_000);
    for (const n of [20, 60, 1_000, 1e9]) expect(backoffDelay(p, n, highest)).toBe(300_000);
    expect(DEFAULT_BACKOFF).toEqual(p);
  });

  it('a random source out of [0, 1) cannot push a wait outside the bounds', () => {
    expect(backoffDelay(p, 0, () => 7)).toBe(1000);
    expect(backoffDelay(p, 0, () => -1)).toBe(500);
    expect(backoffDelay({ initialMs: 1, maxMs: 1, resetAfterMs: 1 }, 0, lowest)).toBe(1);
  });

  it('resets after a connection that stayed up resetAfterMs, not after a shorter one', () => {
    expect(attemptAfterConnection(p, 7, 60_000)).toBe(0);
    expect(attemptAfterConnection(p, 7, 59_999)).toBe(7);
    expect(attemptAfterConnection(p, 7, 0)).toBe(7);
  });

  it('refuses policies that cannot work, naming the option', () => {
    expect(() => checkBackoff({ ...p, initialMs: 0 })).toThrow(/reconnectInitialMs/);
    expect(() => checkBackoff({ ...p, maxMs: 500 })).toThrow(/reconnectMaxMs \(500\) should be at least/);
    expect(() => checkBackoff({ ...p, resetAfterMs: Number.NaN })).toThrow(/reconnectResetMs/);
    expect(() => checkBackoff({ ...p, maxMs: 2 ** 31 })).toThrow(/reconnectMaxMs/);
    expect(checkBackoff(p)).toBe(p);
  });
});
