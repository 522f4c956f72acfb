/**
 * Connect benchmark (issue 7 §2): BOLT 8 handshake + BOLT 1 init both ways
 * over 127.0.0.1 through the full stack, for the four pairs
 * lnconnect→lnconnect, lnconnect→node-lightning, node-lightning→lnconnect
 * and node-lightning→node-lightning, interleaved in the same run.
 *
 * - One connect: lnconnect dials with `node.connect(id, '127.0.0.1', port)`
 *   (supervisor, peer machine, socket, init) and counts when it resolves;
 *   node-lightning dials with `wire.Peer.connect` and counts at its `ready`
 *   (init received; its own init went out right after act three).
 * - Sequential: one dialler after another, each torn down before the next;
 *   connects/s = connects / summed connect latency.
 * - Concurrent: N fresh diallers (distinct node ids) start at once;
 *   connects/s = N / time until the last one is connected.
 * - The listener runs in a child process (bench/peer-process.ts): CPU per
 *   inbound connect = its process.cpuUsage() delta from just before the
 *   storm until its N-th peer finished init, divided by N (teardown
 *   excluded); its event-loop delay p99 over the same window.
 * - Every dialler in the main process; fast crypto on both lnconnect sides
 *   (node-lightning uses libsecp256k1 and node:crypto too).
 * - The lnconnect listener allows maxInboundHandshakes = N + 100 (the
 *   default 50 would refuse most of a 1,000 storm by design).
 * Each figure is the median over the rounds.
 */
import { createNode } from '../src/index.js';
import type { Node } from '../src/node.js';
import { chainHashOf } from '../src/bolt1/index.js';
import { fastBackend } from '../src/crypto/index.js';
import type { BenchOptions, BenchSection, SectionResult, Table } from './harness.js';
import { fmt, fmtInt } from './harness.js';
import { BenchChild } from './child.js';
import type { Window } from './child.js';
import { nlDestroy, nlDial, nlReady } from './nl.js';
import type { NlPeer } from './nl.js';
import { median, percentile } from './stats.js';

const REGTEST = chainHashOf('regtest');

type Side = 'ln' | 'nl';
const NAME: Record<Side, string> = { ln: 'lnconnect', nl: 'node-lightning' };
const PAIRS: readonly { dialer: Side; listener: Side }[] = [
  { dialer: 'ln', listener: 'ln' },
  { dialer: 'ln', listener: 'nl' },
  { dialer: 'nl', listener: 'ln' },
  { dialer: 'nl', listener: 'nl' },
];
const pairName = (p: { dialer: Side; listener: Side }): string => `${NAME[p.dialer]} → ${NAME[p.listener]}`;

interface Target {
  readonly id: string;
  readonly port: number;
}

/** One prepared dialler: `connect` resolves when init is done both ways; `close` tears it down. */
interface Dialler {
  connect(): Promise<void>;
  close(): Promise<void>;
}

async function lnDialler(target: Target): Promise<Dialler> {
  const node: Node = await createNode({ network: 'regtest', crypto: 'fast', connectTimeoutMs: 30_000, handshakeTimeoutMs: 60_000 });
  return {
    connect: async () => {
      await node.connect(target.id, '127.0.0.1', target.port);
    },
    close: () => node.close(),
  };
}

function nlDialler(target: Target): Dialler {
  const secret = fastBackend().randomSecret();
  let peer: NlPeer | null = null;
  return {
    connect: async () => {
      peer = nlDial(secret, [REGTEST], target.id, target.port);
      await nlReady(peer);
    },
    close: async () => {
      if (peer !== null) await nlDestroy(peer);
    },
  };
}

const diallerFor = (side: Side, target: Target): Promise<Dialler> =>
  side === 'ln' ? lnDialler(target) : Promise.resolve(nlDialler(target));

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

async function sequential(side: Side, target: Target, child: BenchChild, n: number): Promise<RunFigures> {
  const latencies: number[] = [];
  const errors: string[] = [];
  await child.mark();
  for (let i = 0; i < n; i++) {
    const d = await diallerFor(side, target);
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

async function concurrent(side: Side, target: Target, child: BenchChild, n: number): Promise<RunFigures> {
  const diallers = await Promise.all(Array.from({ length: n }, () => diallerFor(side, target)));
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

type Mode = 'sequential' | 'concurrent';
const KEYS = ['connectsPerSec', 'p50Ms', 'p99Ms', 'listenerCpuUs', 'listenerEldP99Ms'] as const;

function medianFigures(runs: readonly RunFigures[]): RunFigures {
  const first = runs[0];
  if (first === undefined) throw new Error('no runs');
  const out: RunFigures = { ...first, ok: 0, failed: 0 };
  for (const k of KEYS) out[k] = median(runs.map((r) => r[k]));
  out.ok = runs.reduce((a, r) => a + r.ok, 0);
  out.failed = runs.reduce((a, r) => a + r.failed, 0);
  return out;
}

export const connectSection: BenchSection = {
  name: 'connect',
  async run(options: BenchOptions): Promise<SectionResult> {
    const seqN = options.quick ? 50 : 300;
    const concN = options.quick ? 200 : 1000;
    const listeners: Record<Side, { child: BenchChild; target: Target }> = {
      ln: await (async () => {
        const child = await BenchChild.start();
        return { child, target: await child.lnListen('fast', concN + 100) };
      })(),
      nl: await (async () => {
        const child = await BenchChild.start();
        return { child, target: await child.nlListen(fastBackend().randomSecret()) };
      })(),
    };
    const runs: Record<string, Record<Mode, RunFigures[]>> = {};
    try {
      // Warm-up (not recorded): JIT and first-use costs on both sides of every pair.
      for (const pair of PAIRS) await sequential(pair.dialer, listeners[pair.listener].target, listeners[pair.listener].child, 20);
      for (let round = 0; round < options.rounds; round++) {
        for (const pair of PAIRS) {
          const { child, target } = listeners[pair.listener];
          const r = (runs[pairName(pair)] ??= { sequential: [], concurrent: [] });
          r.sequential.push(await sequential(pair.dialer, target, child, seqN));
          r.concurrent.push(await concurrent(pair.dialer, target, child, concN));
        }
      }
    } finally {
      await listeners.ln.child.close();
      await listeners.nl.child.close();
    }

    const med: Record<string, Record<Mode, RunFigures>> = {};
    for (const [name, r] of Object.entries(runs)) med[name] = { sequential: medianFigures(r.sequential), concurrent: medianFigures(r.concurrent) };
    const base = med[pairName({ dialer: 'nl', listener: 'nl' })];
    const ratio = (name: string, mode: Mode): number => {
      const b = base?.[mode].connectsPerSec ?? 0;
      return b === 0 ? 0 : (med[name]?.[mode].connectsPerSec ?? 0) / b;
    };

    const table = (mode: Mode, n: number): Table => ({
      title: `Connect over loopback, ${mode} (${fmtInt(n)} connects per run, median of ${options.rounds} run(s))`,
      columns: ['dialler → listener', 'connects/s', `× nl→nl`, 'p50 ms', 'p99 ms', 'listener CPU µs/connect', 'listener ELD p99 ms', 'failed'],
      rows: Object.entries(med).map(([name, m]) => {
        const f = m[mode];
        return [name, fmtInt(f.connectsPerSec), fmt(ratio(name, mode), 2), fmt(f.p50Ms, 2), fmt(f.p99Ms, 2), fmt(f.listenerCpuUs, 0), fmt(f.listenerEldP99Ms, 1), `${f.failed}`];
      }),
      notes:
        mode === 'sequential'
          ? ['connects/s = connects / summed connect latency; listener CPU here includes each connection\'s teardown']
          : [`all ${fmtInt(n)} diallers (distinct node ids) start at once; connects/s = connected / time to the last; listener CPU = its process.cpuUsage() delta until its last peer finished init, / connects (teardown excluded)`],
    });

    const lnln = med[pairName({ dialer: 'ln', listener: 'ln' })];
    const targets = {
      throughputVsNl: { sequential: ratio(pairName({ dialer: 'ln', listener: 'ln' }), 'sequential'), concurrent: ratio(pairName({ dialer: 'ln', listener: 'ln' }), 'concurrent'), target: 1.5 },
      cpuPerInboundUs: { concurrent: lnln?.concurrent.listenerCpuUs ?? 0, fromLnDialler: lnln?.concurrent.listenerCpuUs ?? 0, fromNlDialler: med[pairName({ dialer: 'nl', listener: 'ln' })]?.concurrent.listenerCpuUs ?? 0, target: 500 },
    };
    const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    const targetTable: Table = {
      title: 'Connect targets (lnconnect → lnconnect vs node-lightning → node-lightning, same run)',
      columns: ['target', 'measured', 'verdict'],
      rows: [
        ['throughput ≥ 1.5× nl→nl, sequential', `${fmt(targets.throughputVsNl.sequential, 2)}×`, verdict(targets.throughputVsNl.sequential >= 1.5)],
        ['throughput ≥ 1.5× nl→nl, concurrent', `${fmt(targets.throughputVsNl.concurrent, 2)}×`, verdict(targets.throughputVsNl.concurrent >= 1.5)],
        ['CPU per inbound connect ≤ 500 µs (fast), lnconnect dialler', `${fmt(targets.cpuPerInboundUs.fromLnDialler, 0)} µs`, verdict(targets.cpuPerInboundUs.fromLnDialler <= 500)],
        ['CPU per inbound connect ≤ 500 µs (fast), node-lightning dialler', `${fmt(targets.cpuPerInboundUs.fromNlDialler, 0)} µs`, verdict(targets.cpuPerInboundUs.fromNlDialler <= 500)],
      ],
    };
    return {
      tables: [table('sequential', seqN), table('concurrent', concN), targetTable],
      data: { sequentialN: seqN, concurrentN: concN, medians: med, runs, targets },
    };
  },
};
