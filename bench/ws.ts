/**
 * WebSocket bench (issue 14): BOLT 8 handshake + BOLT 1 init lnconnect →
 * lnconnect over loopback, dialled as `ws://127.0.0.1:port` against a
 * listener with `websocket: true`, next to the same over plain TCP, in the
 * same run and interleaved round by round.
 *
 * As in bench/connect.ts: each listener runs in its own child process
 * (bench/peer-process.ts), the diallers in this process (fast crypto both
 * sides); one connect counts when `node.connect` resolved (init both ways).
 * - Sequential: fresh dialler node per connect, torn down before the next;
 *   connects/s = connects / summed connect latency; listener CPU per connect
 *   = the child's process.cpuUsage() over the run (teardown included) / N.
 * - Concurrent: N fresh diallers start at once; connects/s = N / time to the
 *   last; listener CPU per connect up to the N-th init (teardown excluded).
 * Each figure is the median over the rounds.
 */
import { createNode } from './lib.js';
import type { BenchOptions, BenchSection, SectionResult, Table } from './harness.js';
import { fmt, fmtInt, progress } from './harness.js';
import { BenchChild } from './child.js';
import type { Window } from './child.js';
import { median, percentile } from './stats.js';

type Transport = 'tcp' | 'ws';
const TRANSPORTS: readonly Transport[] = ['tcp', 'ws'];
const NAME: Record<Transport, string> = { tcp: 'TCP', ws: 'WebSocket (ws://)' };

interface Target {
  id: string;
  port: number;
}

interface Figures {
  ok: number;
  failed: number;
  connectsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  listenerCpuUs: number;
  firstError?: string;
}

async function dialler(t: Transport, target: Target): Promise<{ connect(): Promise<unknown>; close(): Promise<void> }> {
  const node = await createNode({ network: 'regtest', crypto: 'fast', connectTimeoutMs: 30_000, handshakeTimeoutMs: 60_000 });
  return {
    connect: () => (t === 'ws' ? node.connect(target.id, `ws://127.0.0.1:${target.port}`) : node.connect(target.id, '127.0.0.1', target.port)),
    close: () => node.close(),
  };
}

function figures(latencies: number[], errors: string[], rate: number, w: Window): Figures {
  return {
    ok: latencies.length,
    failed: errors.length,
    connectsPerSec: rate,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    listenerCpuUs: w.ready === 0 ? 0 : w.cpuUs / w.ready,
    ...(errors[0] === undefined ? {} : { firstError: errors[0] }),
  };
}

async function sequential(t: Transport, target: Target, child: BenchChild, n: number): Promise<Figures> {
  const latencies: number[] = [];
  const errors: string[] = [];
  await child.mark({ eld: false });
  for (let i = 0; i < n; i++) {
    const d = await dialler(t, target);
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
  return figures(latencies, errors, total === 0 ? 0 : (latencies.length * 1000) / total, w);
}

async function concurrent(t: Transport, target: Target, child: BenchChild, n: number): Promise<Figures> {
  const diallers = await Promise.all(Array.from({ length: n }, () => dialler(t, target)));
  const latencies: number[] = [];
  const errors: string[] = [];
  await child.mark({ eld: false });
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
  return figures(latencies, errors, latencies.length === 0 ? 0 : (latencies.length * 1000) / (last - t0), w);
}

type Mode = 'sequential' | 'concurrent';
const KEYS = ['connectsPerSec', 'p50Ms', 'p99Ms', 'listenerCpuUs'] as const;

function medianOf(runs: readonly Figures[]): Figures {
  const first = runs[0];
  if (first === undefined) throw new Error('no runs');
  const out: Figures = { ...first };
  for (const k of KEYS) out[k] = median(runs.map((r) => r[k]));
  out.ok = runs.reduce((a, r) => a + r.ok, 0);
  out.failed = runs.reduce((a, r) => a + r.failed, 0);
  return out;
}

export const wsSection: BenchSection = {
  name: 'ws',
  async run(options: BenchOptions): Promise<SectionResult> {
    const seqN = options.quick ? 50 : 200;
    const concN = options.quick ? 100 : 500;
    const listeners = {} as Record<Transport, { child: BenchChild; target: Target }>;
    for (const t of TRANSPORTS) {
      const child = await BenchChild.start();
      listeners[t] = { child, target: await child.lnListen('fast', concN + 100, t === 'ws') };
    }
    const runs: Record<Transport, Record<Mode, Figures[]>> = { tcp: { sequential: [], concurrent: [] }, ws: { sequential: [], concurrent: [] } };
    try {
      for (const t of TRANSPORTS) await sequential(t, listeners[t].target, listeners[t].child, 20); // warm-up, not recorded
      for (let round = 0; round < options.rounds; round++) {
        for (const t of TRANSPORTS) {
          const { child, target } = listeners[t];
          progress(`ws: round ${round + 1}/${options.rounds}, ${NAME[t]}`);
          runs[t].sequential.push(await sequential(t, target, child, seqN));
          runs[t].concurrent.push(await concurrent(t, target, child, concN));
        }
      }
    } finally {
      await Promise.all(TRANSPORTS.map((t) => listeners[t].child.close()));
    }
    const med = {
      tcp: { sequential: medianOf(runs.tcp.sequential), concurrent: medianOf(runs.tcp.concurrent) },
      ws: { sequential: medianOf(runs.ws.sequential), concurrent: medianOf(runs.ws.concurrent) },
    };
    const table = (mode: Mode, n: number): Table => ({
      title: `handshake + init lnconnect → lnconnect over loopback, ${mode} (${fmtInt(n)} connects per run, median of ${options.rounds})`,
      columns: ['transport', 'connects/s', 'p50 ms', 'p99 ms', 'listener CPU/connect µs', 'ok', 'failed'],
      rows: TRANSPORTS.map((t) => {
        const f = med[t][mode];
        return [NAME[t], fmtInt(f.connectsPerSec), fmt(f.p50Ms, 2), fmt(f.p99Ms, 2), fmtInt(f.listenerCpuUs), String(f.ok), String(f.failed)];
      }),
      notes: [
        `WebSocket / TCP: connects/s ${fmt(med.ws[mode].connectsPerSec / med.tcp[mode].connectsPerSec, 2)}×, listener CPU per connect ${fmt(med.ws[mode].listenerCpuUs / med.tcp[mode].listenerCpuUs, 2)}×`,
        mode === 'sequential'
          ? 'listener CPU includes each peer’s teardown; a fresh dialler node per connect'
          : 'listener CPU up to the last init (teardown excluded); all diallers start at once',
        ...TRANSPORTS.flatMap((t) => (med[t][mode].firstError === undefined ? [] : [`${NAME[t]} first error: ${med[t][mode].firstError}`])),
      ],
    });
    return { tables: [table('sequential', seqN), table('concurrent', concN)], data: { sequentialN: seqN, concurrentN: concN, medians: med, runs } };
  },
};
