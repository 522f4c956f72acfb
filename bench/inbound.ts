/**
 * Listener CPU per inbound connect (issue 10), shared by the connect and
 * scale sections. One connect = TCP accept, BOLT 8 responder, init both
 * ways, ONE ping/pong (the dialler pings after init and waits for the pong),
 * close. The dialler is the bench's independent BOLT 8 client
 * (bench/raw-peer.ts) in a swarm child process; the listener is in its own
 * child process. Figure = the listener's process.cpuUsage() delta from just
 * before the first connect until it has torn down the last one, / connects.
 *
 * With idle peers connected the listener also works in the background
 * (keepalive timers, pings): `idleUsPerSec`, measured over a quiet window
 * just before, is subtracted for the time the connects took, so the figure
 * is what the connects themselves cost; the raw delta / N is kept beside it.
 */
import type { BenchChild } from './child.js';
import { median } from './stats.js';

/** Kept in the window after the listener let go of the last client, for cleanup it defers. */
const TAIL_MS = 300;

export interface Target {
  readonly id: string;
  readonly port: number;
}

export interface InboundRun {
  /** Connects attempted. */
  connects: number;
  ok: number;
  failed: number;
  /** Listener inits seen in the window (should equal `ok`). */
  ready: number;
  /** Listener CPU over the window, µs. */
  cpuUs: number;
  /** Window length, ms. */
  wallMs: number;
  /** Background CPU subtracted, µs per second of window. */
  idleUsPerSec: number;
  /** cpuUs / ok. */
  rawUsPerConnect: number;
  /** (cpuUs − idleUsPerSec × wallMs / 1000) / ok: the figure. */
  usPerConnect: number;
  /** The listener had let go of the last client when the window closed. */
  settled: boolean;
  firstError?: string;
}

/**
 * `n` connects, `concurrency` at a time (1 = sequential), measured on
 * `listener`; `idleUsPerSec` from `idleCpuRate` just before.
 */
export async function inboundRun(
  listener: BenchChild,
  swarm: BenchChild,
  target: Target,
  n: number,
  opts: { concurrency?: number; idleUsPerSec?: number } = {},
): Promise<InboundRun> {
  const idleUsPerSec = opts.idleUsPerSec ?? 0;
  await listener.mark({ eld: false });
  const r = await swarm.rawCycles(target, n, opts.concurrency ?? 1);
  const w = r.lastId === '' ? { ...(await listener.window()), settled: false } : await listener.settle(r.lastId, TAIL_MS);
  const ok = Math.max(1, r.ok);
  return {
    connects: n,
    ok: r.ok,
    failed: r.failed,
    ready: w.ready,
    cpuUs: w.cpuUs,
    wallMs: w.wallMs,
    idleUsPerSec,
    rawUsPerConnect: w.cpuUs / ok,
    usPerConnect: Math.max(0, w.cpuUs - (idleUsPerSec * w.wallMs) / 1000) / ok,
    settled: w.settled,
    ...(r.firstError === undefined ? {} : { firstError: r.firstError }),
  };
}

/** The listener's CPU while nothing is asked of it, µs per second, over `ms`. */
export async function idleCpuRate(listener: BenchChild, ms: number): Promise<number> {
  await listener.mark({ eld: false });
  await new Promise((r) => setTimeout(r, ms));
  const w = await listener.window();
  return (w.cpuUs * 1000) / w.wallMs;
}

export interface InboundFigure {
  /** Median over the runs of `usPerConnect`. */
  usPerConnect: number;
  /** Lowest and highest run (the spread the noise of a shared machine leaves). */
  minUsPerConnect: number;
  maxUsPerConnect: number;
  rawUsPerConnect: number;
  idleUsPerSec: number;
  connects: number;
  failed: number;
  unsettled: number;
  /** Runs where the listener saw a different number of inits than connects succeeded. */
  miscounted: number;
  runs: InboundRun[];
}

export function inboundFigure(runs: InboundRun[]): InboundFigure {
  return {
    usPerConnect: median(runs.map((r) => r.usPerConnect)),
    minUsPerConnect: Math.min(...runs.map((r) => r.usPerConnect)),
    maxUsPerConnect: Math.max(...runs.map((r) => r.usPerConnect)),
    rawUsPerConnect: median(runs.map((r) => r.rawUsPerConnect)),
    idleUsPerSec: median(runs.map((r) => r.idleUsPerSec)),
    connects: runs.reduce((a, r) => a + r.connects, 0),
    failed: runs.reduce((a, r) => a + r.failed, 0),
    unsettled: runs.filter((r) => !r.settled).length,
    miscounted: runs.filter((r) => r.ready !== r.ok).length,
    runs,
  };
}
