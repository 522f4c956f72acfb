/**
 * Bounded output (issue 11, item 3): what a peer that does not read can make
 * the node hold. Per connection (src/io/connection.ts with its SocketChannel):
 * above `pauseBytes` of queued output the peer is not read any more (its
 * pings go unanswered until it reads), above `maxBytes` it is dropped. Node
 * wide: an `OutputBudget` over every connection's queued output; past it the
 * connection holding the most is dropped (the ones over their own pause mark
 * are already not read), until the total is back within the budget.
 *
 * Only connections with more queued than the socket's own high-water mark
 * are counted (those have a 'drain' pending, which resets their count), so an
 * idle connection with a few bytes in flight costs the budget nothing. The
 * connection with the most is found by a scan of the counted ones: they are
 * the backed-up few, not every peer. Owner: the node (one per node).
 */

/** A connection the budget can shed. */
export interface OutputHolder {
  /** Drop this connection: the node is over its output budget. */
  overBudget(): void;
}

export class OutputBudgetError extends Error {
  constructor(readonly budget: number) {
    super(`node-wide output budget exceeded (${budget} bytes queued to peers that do not read)`);
    this.name = 'OutputBudgetError';
  }
}

export class OutputBudget {
  readonly limit: number;
  readonly #held = new Map<OutputHolder, number>();
  #total = 0;
  /** Connections shed so far (for logs and tests). */
  shed = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes queued to peers that are counted now. */
  get total(): number {
    return this.#total;
  }

  /** `holder` now has `queued` bytes counted (0: none). Sheds the largest holders while over the limit. */
  update(holder: OutputHolder, queued: number): void {
    const prev = this.#held.get(holder) ?? 0;
    if (queued === prev) return;
    this.#total += queued - prev;
    if (queued === 0) this.#held.delete(holder);
    else this.#held.set(holder, queued);
    while (this.#total > this.limit) this.#shedLargest();
  }

  #shedLargest(): void {
    let worst: OutputHolder | undefined;
    let most = -1;
    for (const [h, n] of this.#held) {
      if (n > most) {
        most = n;
        worst = h;
      }
    }
    if (worst === undefined) {
      this.#total = 0;
      return;
    }
    this.#held.delete(worst);
    this.#total -= most;
    this.shed += 1;
    try {
      worst.overBudget();
    } catch {
      // its connection is gone either way
    }
  }
}

/** Output limits of one connection. */
export interface OutputLimits {
  /** Queued bytes above which the peer is not read. */
  pauseBytes: number;
  /** Queued bytes above which the peer is dropped. */
  maxBytes: number;
  /** The node's budget across peers (none: unbounded across peers). */
  budget?: OutputBudget;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = { pauseBytes: 1024 * 1024, maxBytes: 16 * 1024 * 1024 };
export const DEFAULT_OUTPUT_BUDGET = 64 * 1024 * 1024;

/** The limits from the library options (src/types.ts `NodeOptions`); one budget per call (per node). */
export function outputLimits(o: { peerOutputPauseBytes?: number; peerOutputMaxBytes?: number; outputBudgetBytes?: number }): Required<OutputLimits> {
  return {
    pauseBytes: o.peerOutputPauseBytes ?? DEFAULT_OUTPUT_LIMITS.pauseBytes,
    maxBytes: o.peerOutputMaxBytes ?? DEFAULT_OUTPUT_LIMITS.maxBytes,
    budget: new OutputBudget(o.outputBudgetBytes ?? DEFAULT_OUTPUT_BUDGET),
  };
}
