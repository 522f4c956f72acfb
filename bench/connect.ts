/**
 * Connect benchmark (issue 7 §2, issue 10 §1–2): BOLT 8 handshake + BOLT 1
 * init both ways over 127.0.0.1 through the full stack, for the four pairs
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
 *
 * Issue 10's figures, from the same run:
 * - Listener CPU per inbound connect (bench/inbound.ts: accept, BOLT 8
 *   responder, init both ways, one ping/pong, close), on the lnconnect and
 *   the node-lightning listener, both driven sequentially by the same
 *   independent BOLT 8 client (bench/raw-peer.ts) from a third process;
 *   target lnconnect / node-lightning ≤ 0.67×.
 * - Outbound: lnconnect → lnconnect sequential connects/s over
 *   node-lightning → node-lightning sequential connects/s (the matrix
 *   above: connect until init both ways); target ≥ 1.5×.
 */
import { createNode } from './lib.js';
import type { Node } from '../src/index.js';
import type { BenchOptions, BenchSection, SectionResult, Table, TargetFigure } from './harness.js';
import { fmt, fmtInt, progress, targetFigure } from './harness.js';
import { BenchChild } from './child.js';
import { concurrentRun, medianFigures, sequentialRun } from './rounds.js';
import type { Dialler, RunFigures } from './rounds.js';
import { idleCpuRate, inboundFigure, inboundRun } from './inbound.js';
import type { InboundRun, Target } from './inbound.js';
import { nlDestroy, nlDial, nlReady } from './nl.js';
import type { NlPeer } from './nl.js';
import { REGTEST_CHAIN, randomSecret } from './wire.js';

type Side = 'ln' | 'nl';
const NAME: Record<Side, string> = { ln: 'lnconnect', nl: 'node-lightning' };
const PAIRS: readonly { dialer: Side; listener: Side }[] = [
  { dialer: 'ln', listener: 'ln' },
  { dialer: 'ln', listener: 'nl' },
  { dialer: 'nl', listener: 'ln' },
  { dialer: 'nl', listener: 'nl' },
];
const pairName = (p: { dialer: Side; listener: Side }): string => `${NAME[p.dialer]} → ${NAME[p.listener]}`;

async function lnDialler(target: Target): Promise<Dialler> {
  const node: Node = await createNode({ network: 'regtest', crypto: 'fast', connectTimeoutMs: 30_000, handshakeTimeoutMs: 60_000 });
  return {
    connect: async () => {
      await node.connect(target.id, '127.0.0.1', target.port);
    },
    close: () => node.close(),
  };
}

const NL_CONNECT_TIMEOUT_MS = 60_000;

function nlDialler(target: Target): Dialler {
  const secret = randomSecret();
  let peer: NlPeer | null = null;
  return {
    connect: async () => {
      const p = nlDial(secret, [REGTEST_CHAIN], target.id, target.port);
      peer = p;
      // node-lightning has no handshake timeout: bound the wait so a stuck listener cannot hang the bench.
      const timer = setTimeout(() => p.socket.destroy(), NL_CONNECT_TIMEOUT_MS);
      try {
        await nlReady(p);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      if (peer !== null) await nlDestroy(peer);
    },
  };
}

const diallerFor = (side: Side, target: Target): Promise<Dialler> =>
  side === 'ln' ? lnDialler(target) : Promise.resolve(nlDialler(target));

type Mode = 'sequential' | 'concurrent';

const sequential = (side: Side, target: Target, child: BenchChild, n: number): Promise<RunFigures> =>
  sequentialRun(() => diallerFor(side, target), child, n);
const concurrent = (side: Side, target: Target, child: BenchChild, n: number): Promise<RunFigures> =>
  concurrentRun(() => diallerFor(side, target), child, n);

export const connectSection: BenchSection = {
  name: 'connect',
  async run(options: BenchOptions): Promise<SectionResult> {
    const seqN = options.quick ? 50 : 300;
    const concN = options.quick ? 200 : 1000;
    const inboundN = options.quick ? 100 : 300;
    const listeners: Record<Side, { child: BenchChild; target: Target }> = {
      ln: await (async () => {
        const child = await BenchChild.start();
        return { child, target: await child.lnListen('fast', concN + 100) };
      })(),
      nl: await (async () => {
        const child = await BenchChild.start();
        return { child, target: await child.nlListen(randomSecret()) };
      })(),
    };
    // The independent BOLT 8 client for the inbound CPU figure, in a third process.
    const swarm = await BenchChild.start();
    const runs: Record<string, Record<Mode, RunFigures[]>> = {};
    const inbound: Record<Side, InboundRun[]> = { ln: [], nl: [] };
    const inboundOnce = async (side: Side, n: number): Promise<InboundRun> => {
      const { child, target } = listeners[side];
      const r = await inboundRun(child, swarm, target, n, { idleUsPerSec: await idleCpuRate(child, 1_000) });
      await child.drainTo(0);
      return r;
    };
    try {
      // Warm-up (not recorded): JIT and first-use costs on both sides of every pair.
      for (const pair of PAIRS) await sequential(pair.dialer, listeners[pair.listener].target, listeners[pair.listener].child, 20);
      for (const side of ['ln', 'nl'] as const) await inboundOnce(side, 100);
      for (let round = 0; round < options.rounds; round++) {
        progress(`connect: round ${round + 1} of ${options.rounds}`);
        for (const pair of PAIRS) {
          const { child, target } = listeners[pair.listener];
          const r = (runs[pairName(pair)] ??= { sequential: [], concurrent: [] });
          r.sequential.push(await sequential(pair.dialer, target, child, seqN));
          r.concurrent.push(await concurrent(pair.dialer, target, child, concN));
        }
        for (const side of ['ln', 'nl'] as const) inbound[side].push(await inboundOnce(side, inboundN));
      }
    } finally {
      await swarm.close();
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

    const lnName = pairName({ dialer: 'ln', listener: 'ln' });
    const nlName = pairName({ dialer: 'nl', listener: 'nl' });
    const inb = { ln: inboundFigure(inbound.ln), nl: inboundFigure(inbound.nl) };
    const cpuRatio = inb.nl.usPerConnect === 0 ? 0 : inb.ln.usPerConnect / inb.nl.usPerConnect;
    const seqLn = med[lnName]?.sequential.connectsPerSec ?? 0;
    const seqNl = med[nlName]?.sequential.connectsPerSec ?? 0;
    const seqRatio = ratio(lnName, 'sequential');
    const targets: TargetFigure[] = [
      targetFigure({
        key: 'connect.listenerCpuPerInboundRatio',
        figure: 'Listener CPU per inbound connect, lnconnect / node-lightning',
        value: cpuRatio,
        measured: `${fmt(cpuRatio, 2)}× (${fmtInt(inb.ln.usPerConnect)} / ${fmtInt(inb.nl.usPerConnect)} µs)`,
        op: '≤',
        limit: 0.67,
        unit: '×',
        // A figure from connects that failed, or from a listener that never let go of its last client, is not a result.
        valid: (['ln', 'nl'] as const).every((side) => inb[side].failed + inb[side].unsettled + inb[side].miscounted === 0),
      }),
      targetFigure({
        key: 'connect.outboundSequentialRatio',
        figure: 'Outbound sequential connects/s, lnconnect→lnconnect / node-lightning→node-lightning',
        value: seqRatio,
        measured: `${fmt(seqRatio, 2)}× (${fmtInt(seqLn)} / ${fmtInt(seqNl)} /s)`,
        op: '≥',
        limit: 1.5,
        unit: '×',
        valid: (med[lnName]?.sequential.failed ?? 1) + (med[nlName]?.sequential.failed ?? 1) === 0,
      }),
    ];
    const mark = (i: number): string => (targets[i]?.met === true ? '✓' : '✗');
    const issueTable: Table = {
      title: `Connect: issue 10 figures (same run; median of ${options.rounds} run(s))`,
      columns: ['figure', 'measured', 'target'],
      rows: [
        ['listener CPU per inbound connect, lnconnect', `${fmtInt(inb.ln.usPerConnect)} µs`, ''],
        ['listener CPU per inbound connect, node-lightning', `${fmtInt(inb.nl.usPerConnect)} µs`, ''],
        ['  ratio lnconnect / node-lightning', `${fmt(cpuRatio, 2)}×`, `≤ 0.67× ${mark(0)}`],
        ['outbound sequential, lnconnect → lnconnect', `${fmtInt(seqLn)} connects/s`, ''],
        ['outbound sequential, node-lightning → node-lightning', `${fmtInt(seqNl)} connects/s`, ''],
        ['  ratio lnconnect / node-lightning', `${fmt(seqRatio, 2)}×`, `≥ 1.5× ${mark(1)}`],
      ],
      notes: [
        `one inbound connect = TCP accept, BOLT 8 responder, init both ways, one ping/pong, close; ${fmtInt(inboundN)} sequential connects per run from the same independent client (node-lightning's Noise state + the bench's BOLT 1) in its own process`,
        'listener CPU = the listener process\'s process.cpuUsage() delta from before the first connect until 300 ms after it dropped the last, less its idle rate (measured just before) over that time, / connects',
        ...(['ln', 'nl'] as const).map((side) => {
          const f = inb[side];
          const err = f.runs.find((r) => r.firstError !== undefined)?.firstError;
          return `${NAME[side]} listener: ${f.connects} connects, ${f.failed} failed, ${f.unsettled} run(s) not settled, ${f.miscounted} miscounted${err === undefined ? '' : ` (first error: ${err})`}`;
        }),
      ],
    };
    return {
      tables: [table('sequential', seqN), table('concurrent', concN), issueTable],
      data: { sequentialN: seqN, concurrentN: concN, inboundN, medians: med, runs, inbound: inb, targets },
      targets,
    };
  },
};
