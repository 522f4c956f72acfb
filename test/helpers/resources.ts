/**
 * Leak accounting shared by the interop, adversarial and fuzz tests: counts of
 * Node's active handles (sockets, servers, timers) before and after a case,
 * with a bounded settle wait, plus small async utilities.
 */

const WATCHED = ['TCPSocketWrap', 'TCPServerWrap', 'PipeWrap', 'PipeServerWrap', 'ConnectWrap', 'Timeout', 'Immediate'] as const;

export type HandleCounts = Record<string, number>;

export function handleCounts(): HandleCounts {
  const counts: HandleCounts = {};
  for (const name of WATCHED) counts[name] = 0;
  for (const r of process.getActiveResourcesInfo()) if (r in counts) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** Waits (at most ~`maxMs`) for the handles to fall back to `before`; returns what is still in excess ({} = no leak). */
export async function leakedSince(before: HandleCounts, maxMs = 3000): Promise<HandleCounts> {
  const until = Date.now() + maxMs;
  for (;;) {
    const now = handleCounts();
    const excess: HandleCounts = {};
    for (const name of WATCHED) {
      const d = (now[name] ?? 0) - (before[name] ?? 0);
      if (d > 0) excess[name] = d;
    }
    if (Object.keys(excess).length === 0 || Date.now() >= until) return excess;
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` every 5 ms until it is true; throws after `maxMs` with `what`. */
export async function until(check: () => boolean, what: string, maxMs = 5000): Promise<void> {
  const end = Date.now() + maxMs;
  while (!check()) {
    if (Date.now() >= end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** The settled value or error of a promise, for asserting on rejections with their fields. */
export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
