/**
 * One run of a connect bench, shared by bench/connect.ts and bench/ws.ts:
 * N prepared diallers against a listener in a child process (bench/child.ts),
 * sequential (each torn down before the next; connects/s = connects / summed
 * latency; listener CPU includes teardown) or concurrent (all at once;
 * connects/s = N / time to the last; listener CPU up to the N-th init), and
 * the median of several runs.
 */
import type { BenchChild, Window } from './child.js';
import { median, percentile } from './stats.js';

/** One prepared dialler: `connect` resolves when init is done both ways; `close` tears it down. */
export interface Dialler {
  connect(): Promise<void>;
  close(): Promise<void>;
}

export type MakeDialler = () => Promise<Dialler>;

export interface RunFigures {
  n: number;
  ok: number;
  failed: number;
  connectsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Listener CPU per inbound connect, microseconds (concurrent: teardown excluded; sequential: included). */
  listenerCpuUs: number;
  listenerEldP99Ms: number;
  firstError?: string;
}

function figures(n: number, latencies: number[], errors: string[], rate: number, w: Window): RunFigures {
  return {
    n,
    ok: latencies.length,
    failed: errors.length,
    connectsPerSec: rate,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    listenerCpuUs: w.ready === 0 ? 0 : w.cpuUs / w.ready,
    listenerEldP99Ms: w.eldP99Ms,
    ...(errors[0] === undefined ? {} : { firstError: errors[0] }),
  };
}

export async function sequentialRun(make: MakeDialler, child: BenchChild, n: number): Promise<RunFigures> {
  const latencies: number[] = [];
  const errors: string[] = [];
  await child.mark();
  for (let i = 0; i < n; i++) {
    const d = await make();
    const t0 = performance.now();
    try {
      await d.connect();
      latencies.push(performance.now() - t0);
    } catch (err) {
      errors.push(String(err));
    }
    await d.close();
  }
  const w = await child.waitReady(latencies.length, 5_000);
  await child.drainTo(0);
  const total = latencies.reduce((a, b) => a + b, 0);
  return figures(n, latencies, errors, total === 0 ? 0 : (latencies.length * 1000) / total, w);
}

export async function concurrentRun(make: MakeDialler, child: BenchChild, n: number): Promise<RunFigures> {
  const diallers = await Promise.all(Array.from({ length: n }, () => make()));
  const latencies: number[] = [];
  const errors: string[] = [];
  await child.mark();
  const t0 = performance.now();
  let last = t0;
  await Promise.all(
    diallers.map((d) =>
      d.connect().then(
        () => {
          last = performance.now();
          latencies.push(last - t0);
        },
        (err: unknown) => errors.push(String(err)),
      ),
    ),
  );
  const w = await child.waitReady(latencies.length, 10_000);
  await Promise.all(diallers.map((d) => d.close()));
  await child.drainTo(0);
  return figures(n, latencies, errors, latencies.length === 0 ? 0 : (latencies.length * 1000) / (last - t0), w);
}

const KEYS = ['connectsPerSec', 'p50Ms', 'p99Ms', 'listenerCpuUs', 'listenerEldP99Ms'] as const;

export function medianFigures(runs: readonly RunFigures[]): RunFigures {
  const first = runs[0];
  if (first === undefined) throw new Error('no runs');
  const out: RunFigures = { ...first, ok: 0, failed: 0 };
  for (const k of KEYS) out[k] = median(runs.map((r) => r[k]));
  out.ok = runs.reduce((a, r) => a + r.ok, 0);
  out.failed = runs.reduce((a, r) => a + r.failed, 0);
  return out;
}

