/**
 * Benchmark harness shared by every bench section (tinybench underneath).
 * A section returns rows for the printed table and a JSON-able record;
 * bench/run.ts prints the tables and writes them to a new file in bench/results/.
 */
import { Bench } from 'tinybench';
import type { TimestampProvider } from 'tinybench';

export interface BenchOptions {
  /** Shorter runs (for smoke checks); numbers are noisier. */
  readonly quick: boolean;
  /**
   * `cpu` (default): this process's CPU time (process.cpuUsage), so other
   * processes on a shared 2-core machine do not inflate the figures; the
   * measured code is synchronous and single-threaded, so on an idle machine
   * it equals wall time. `wall`: performance.now().
   */
  readonly clock: 'cpu' | 'wall';
  /** Rounds: every item is measured once per round, interleaved; the best round counts. */
  readonly rounds: number;
}

const cpuClock: TimestampProvider = {
  name: 'process.cpuUsage',
  fn: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
  fromMs: (ms) => ms,
  toMs: (v) => Number(v),
};

export interface Measurement {
  readonly name: string;
  /** Operations per second (one op = one call of the measured function's unit of work). */
  readonly opsPerSec: number;
  /** Mean time per operation, microseconds. */
  readonly meanUs: number;
  /** Relative margin of error of the per-sample latency, percent. */
  readonly rmePct: number;
  readonly samples: number;
}

export type Cell = string | number;
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  readonly notes?: readonly string[];
}

/** One figure with a target (issue 10): printed in the final summary and stored in the run's file. */
export interface TargetFigure {
  /** Stable key in the run's file, e.g. `connect.listenerCpuRatio`. */
  readonly key: string;
  readonly figure: string;
  readonly value: number;
  /** `value` formatted with its unit, and any figures it is a ratio of. */
  readonly measured: string;
  /** The target as printed, and as a bound on `value`. */
  readonly target: string;
  readonly limit: { readonly op: '≤' | '≥'; readonly value: number };
  /** Within the limit, from a run without failures. */
  readonly met: boolean;
}

/**
 * A target figure: `met` when `value` is within `limit` and `valid` (the run
 * behind it had no failures). `target` defaults to the limit with `unit`.
 */
export function targetFigure(f: {
  key: string;
  figure: string;
  value: number;
  measured: string;
  op: '≤' | '≥';
  limit: number;
  unit: string;
  valid: boolean;
  target?: string;
}): TargetFigure {
  const within = f.op === '≤' ? f.value <= f.limit : f.value >= f.limit;
  return {
    key: f.key,
    figure: f.figure,
    value: f.value,
    measured: f.measured,
    target: f.target ?? `${f.op} ${f.limit}${f.unit}`,
    limit: { op: f.op, value: f.limit },
    met: f.valid && Number.isFinite(f.value) && f.value > 0 && within,
  };
}

export interface SectionResult {
  readonly tables: readonly Table[];
  readonly data: unknown;
  /** Figures with targets, for the summary table at the end of the run. */
  readonly targets?: readonly TargetFigure[];
}

export interface BenchSection {
  readonly name: string;
  run(options: BenchOptions): Promise<SectionResult>;
}

/**
 * Measures `fn`, which performs `batch` operations per call (batching keeps
 * timer overhead out of sub-microsecond work).
 */
export async function measure(
  name: string,
  fn: () => void,
  options: BenchOptions & { batch?: number; timeMs?: number },
): Promise<Measurement> {
  const batch = options.batch ?? 1;
  const time = options.timeMs ?? (options.quick ? 150 : 1000);
  const bench = new Bench({
    time,
    warmupTime: Math.min(100, time / 4),
    iterations: 8,
    ...(options.clock === 'cpu' ? { timestampProvider: cpuClock } : {}),
  });
  bench.add(name, fn);
  await bench.run();
  const task = bench.tasks[0];
  const result = task?.result;
  if (result === undefined || !('period' in result)) {
    const error = result !== undefined && 'error' in result ? result.error : undefined;
    throw new Error(`benchmark ${name} did not complete`, { cause: error });
  }
  const meanUs = (result.period * 1000) / batch;
  return {
    name,
    opsPerSec: 1e6 / meanUs,
    meanUs,
    rmePct: result.latency.rme,
    samples: result.latency.samples?.length ?? Math.round(result.totalTime / result.period),
  };
}

export interface Item {
  readonly name: string;
  readonly fn: () => void;
  readonly batch?: number;
  readonly timeMs?: number;
}

/**
 * Measures every item once per round, interleaved (so a burst of load hits
 * all of them alike), and keeps each item's best round.
 */
export async function measureRounds<K extends string>(
  items: Readonly<Record<K, Item>>,
  options: BenchOptions,
): Promise<Record<K, Measurement>> {
  const best = {} as Record<K, Measurement>;
  const keys = Object.keys(items) as K[];
  for (let round = 0; round < options.rounds; round++) {
    for (const key of keys) {
      const item = items[key];
      const m = await measure(item.name, item.fn, {
        ...options,
        ...(item.batch === undefined ? {} : { batch: item.batch }),
        ...(item.timeMs === undefined ? {} : { timeMs: item.timeMs }),
      });
      const prev = best[key] as Measurement | undefined;
      if (prev === undefined || m.meanUs < prev.meanUs) best[key] = m;
    }
  }
  return best;
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fmt = (n: number, digits = 1): string => n.toFixed(digits);
export const pct = (n: number): string => `${n.toFixed(1)}%`;

export function renderTable(table: Table): string {
  const header = table.columns.map(String);
  const body = table.rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = [`== ${table.title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const note of table.notes ?? []) out.push(`   ${note}`);
  return out.join('\n');
}

/** A progress line on stderr (long sections: which step is running), kept out of the printed tables. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
