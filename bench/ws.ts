/**
 * WebSocket bench (issue 14): BOLT 8 handshake + BOLT 1 init lnconnect →
 * lnconnect over loopback, dialled as `ws://127.0.0.1:port` against a
 * listener with `websocket: true`, next to the same over plain TCP, in the
 * same run and interleaved round by round.
 *
 * The run loops are bench/rounds.ts, as in bench/connect.ts: each listener runs in its own child process
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
import { concurrentRun, medianFigures, sequentialRun } from './rounds.js';
import type { Dialler, RunFigures } from './rounds.js';
import type { Target } from './inbound.js';

type Transport = 'tcp' | 'ws';
const TRANSPORTS: readonly Transport[] = ['tcp', 'ws'];
const NAME: Record<Transport, string> = { tcp: 'TCP', ws: 'WebSocket (ws://)' };

async function dialler(t: Transport, target: Target): Promise<Dialler> {
  const node = await createNode({ network: 'regtest', crypto: 'fast', connectTimeoutMs: 30_000, handshakeTimeoutMs: 60_000 });
  return {
    connect: async () => {
      await (t === 'ws' ? node.connect(target.id, `ws://127.0.0.1:${target.port}`) : node.connect(target.id, '127.0.0.1', target.port));
    },
    close: () => node.close(),
  };
}

type Mode = 'sequential' | 'concurrent';

const sequential = (t: Transport, target: Target, child: BenchChild, n: number): Promise<RunFigures> =>
  sequentialRun(() => dialler(t, target), child, n);
const concurrent = (t: Transport, target: Target, child: BenchChild, n: number): Promise<RunFigures> =>
  concurrentRun(() => dialler(t, target), child, n);
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
    const runs: Record<Transport, Record<Mode, RunFigures[]>> = { tcp: { sequential: [], concurrent: [] }, ws: { sequential: [], concurrent: [] } };
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
      tcp: { sequential: medianFigures(runs.tcp.sequential), concurrent: medianFigures(runs.tcp.concurrent) },
      ws: { sequential: medianFigures(runs.ws.sequential), concurrent: medianFigures(runs.ws.concurrent) },
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
