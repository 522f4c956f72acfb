/**
 * Scale benchmark (issue 7 §4, issue 10 §3), over 127.0.0.1 only, on one
 * lnconnect listener (public API, fast crypto) in its own child process;
 * every initiator is the bench's independent BOLT 8 client
 * (bench/raw-peer.ts) in a second child process, a distinct node id each.
 *
 *  1. Listener CPU per inbound connect with 0 idle peers (bench/inbound.ts:
 *     accept, BOLT 8, init both ways, one ping/pong, close; sequential;
 *     median of the rounds), after a warm-up of 500 connects (200 with
 *     --quick): with fewer, the 0-peer figure is still the cold listener's.
 *  2. 10,000 idle connected peers: time to establish (first dial until the
 *     listener saw the last init; 200 dials in flight spread over source
 *     addresses 127.0.0.2–5); memory per peer = (process.memoryUsage() after
 *     gc with the peers − the same after step 1, before any idle peer) /
 *     peers, RSS and heapUsed, in the listener's own process (--expose-gc).
 *  3. Listener CPU per inbound connect again with the 10,000 idle peers
 *     connected; the listener's background CPU with those peers (keepalive
 *     timers, pings), measured over a quiet window just before, is subtracted
 *     for the time the connects took (both figures are kept; see
 *     bench/inbound.ts). Target: ≤ 1.25× the figure with 0 peers.
 *  4. A storm of 1,000 more connects started at once on top of them: the
 *     listener's event-loop delay (perf_hooks.monitorEventLoopDelay, 5 ms
 *     resolution) p50 / p99 / max from just before the storm until its last
 *     init, and its CPU per inbound connect (teardown not included).
 *  5. Every peer closes; once the listener has let go of them all (at most
 *     3 min), step 1 again. The 0-peer figure of the ratio is the median of
 *     the runs of steps 1 and 5: step 1 alone is from a listener less warmed
 *     up than in step 3 (JIT keeps improving for thousands of connects),
 *     step 5 alone would count against lnconnect any state its peers leave.
 * The listener allows maxInboundHandshakes = 2,000 (the default 50 would
 * refuse most of the storm by design).
 * `--peers=N` overrides the idle peer count (default 10,000; 2,000 with
 * --quick; storm 300 with --quick). The time-to-establish target is scaled
 * to N (20 s × N / 10,000) when N is not 10,000.
 */
import type { BenchOptions, BenchSection, SectionResult, Table, TargetFigure } from './harness.js';
import { fmt, fmtInt, progress, targetFigure } from './harness.js';
import { BenchChild } from './child.js';
import type { Memory } from './child.js';
import { idleCpuRate, inboundFigure, inboundRun } from './inbound.js';
import type { InboundFigure, InboundRun, Target } from './inbound.js';

interface DialResult {
  ms: number;
  ok: number;
  failed: number;
  retried: number;
  firstError?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** How long the listener gets to let go of every peer before the second 0-peer measurement is skipped. */
const DRAIN_MS = 180_000;

const cpuCell = (f: InboundFigure): string =>
  `${fmtInt(f.usPerConnect)} µs (runs ${fmtInt(f.minUsPerConnect)}–${fmtInt(f.maxUsPerConnect)}; raw ${fmtInt(f.rawUsPerConnect)}; idle ${fmtInt(f.idleUsPerSec)} µs/s)`;

/** Issue 10's scale targets. */
const TARGET = { establishSPer10k: 20, rssKbPerPeer: 16, stormEldP99Ms: 50, cpuRatio: 1.25 } as const;

export const scaleSection: BenchSection = {
  name: 'scale',
  async run(options: BenchOptions): Promise<SectionResult> {
    const flag = process.argv.find((a) => a.startsWith('--peers='));
    const peers = flag === undefined ? (options.quick ? 2_000 : 10_000) : Number(flag.slice('--peers='.length));
    if (!Number.isInteger(peers) || peers < 1) throw new Error(`--peers: expected a positive integer, got ${flag}`);
    const storm = options.quick ? 300 : 1_000;
    const cycleN = options.quick ? 100 : 300;
    const listener = await BenchChild.start();
    const swarm = await BenchChild.start();
    try {
      const target: Target = await listener.lnListen('fast', 2_000);

      // Step 1: CPU per inbound connect with no idle peer.
      progress(`scale: CPU per inbound connect with 0 idle peers (${options.rounds} × ${cycleN} connects)`);
      // Warm-up, not recorded: a cold listener (JIT, first use) costs up to twice as much per connect for its first hundreds.
      await inboundRun(listener, swarm, target, options.quick ? 300 : 1_000);
      await listener.drainTo(0);
      const cpuAt = async (connected: number, idleMs: number): Promise<InboundFigure> => {
        const runs: InboundRun[] = [];
        for (let round = 0; round < options.rounds; round++) {
          const idle = await idleCpuRate(listener, idleMs);
          runs.push(await inboundRun(listener, swarm, target, cycleN, { idleUsPerSec: idle }));
          await listener.drainTo(connected);
        }
        return inboundFigure(runs);
      };
      const cpu0Before = await cpuAt(0, 1_000);
      const base = await listener.memory();

      // Step 2: the idle peers.
      progress(`scale: establishing ${fmtInt(peers)} idle peers`);
      await listener.mark({ eld: false });
      const t0 = performance.now();
      const dial = await swarm.call<DialResult>('rawDial', { port: target.port, remoteId: target.id, count: peers, concurrency: 200, sources: 4 });
      const established = await listener.waitReady(dial.ok, 60_000);
      const establishMs = performance.now() - t0;
      await sleep(2_000);
      const connected = await listener.peers();
      const loaded = await listener.memory();
      const per = (k: keyof Memory): number => (loaded[k] - base[k]) / connected;
      const memPerPeer = { heapUsed: per('heapUsed'), rss: per('rss'), external: per('external'), arrayBuffers: per('arrayBuffers') };

      // Step 3: CPU per inbound connect with them connected.
      progress(`scale: ${fmtInt(connected)} peers in ${fmt(establishMs / 1000, 1)} s; CPU per inbound connect with them (${options.rounds} × ${cycleN} connects)`);
      const cpuN = await cpuAt(connected, options.quick ? 2_000 : 3_000);

      // Step 4: the storm.
      progress(`scale: ${fmtInt(storm)}-connect storm`);
      await listener.mark();
      const s0 = performance.now();
      const stormDial = await swarm.call<DialResult>('rawDial', { port: target.port, remoteId: target.id, count: storm, concurrency: storm, sources: 4 });
      const stormWindow = await listener.waitReady(stormDial.ok, 60_000);
      const stormMs = performance.now() - s0;

      // Step 5: every idle peer closes; CPU per inbound connect with 0 peers again, from the listener as warm as in step 3.
      progress(`scale: closing the ${fmtInt(connected + stormDial.ok)} peers; CPU per inbound connect with 0 idle peers again`);
      await swarm.call('rawClose');
      let cpu0After: InboundFigure | null = null;
      let afterSkipped: string | undefined;
      try {
        await listener.drainTo(0, DRAIN_MS);
        cpu0After = await cpuAt(0, 1_000);
      } catch (err) {
        afterSkipped = err instanceof Error ? err.message : String(err);
      }
      // The 0-peer figure pools both brackets: before alone favours lnconnect (less warmed up than at N peers), after alone disfavours it if state outlives its peers.
      const cpu0 = inboundFigure([...cpu0Before.runs, ...(cpu0After?.runs ?? [])]);

      const cpuRatio = cpu0.usPerConnect === 0 ? 0 : cpuN.usPerConnect / cpu0.usPerConnect;
      const establishTargetS = (TARGET.establishSPer10k * peers) / 10_000;
      const rssKb = memPerPeer.rss / 1024;
      const allConnected = connected === peers && dial.failed === 0;
      const cyclesClean = [cpu0, cpuN].every((f) => f.failed + f.unsettled + f.miscounted === 0);
      const data = {
        peers,
        connected,
        dialFailed: dial.failed,
        dialRetried: dial.retried,
        firstError: dial.firstError,
        establishMs,
        establishPerSec: (connected * 1000) / establishMs,
        listenerCpuUsPerConnectWhileEstablishing: established.cpuUs / Math.max(1, established.ready),
        memoryBefore: base,
        memoryWithPeers: loaded,
        memPerPeer,
        cpuPerInboundConnect: { idle0: cpu0, idle0Before: cpu0Before, idle0After: cpu0After, idle0AfterSkipped: afterSkipped, idleN: cpuN, ratio: cpuRatio },
        storm: {
          connects: storm,
          ok: stormDial.ok,
          failed: stormDial.failed,
          retried: stormDial.retried,
          ms: stormMs,
          eldP50Ms: stormWindow.eldP50Ms,
          eldP99Ms: stormWindow.eldP99Ms,
          eldMaxMs: stormWindow.eldMaxMs,
          listenerCpuUsPerConnect: stormWindow.cpuUs / Math.max(1, stormWindow.ready),
        },
      };

      const n = fmtInt(peers);
      const targets: TargetFigure[] = [
        targetFigure({
          key: 'scale.cpuPerInboundRatio',
          figure: `CPU per inbound connect, ${n} idle peers / 0 idle peers`,
          value: cpuRatio,
          measured: `${fmt(cpuRatio, 2)}× (${fmtInt(cpuN.usPerConnect)} / ${fmtInt(cpu0.usPerConnect)} µs)`,
          op: '≤',
          limit: TARGET.cpuRatio,
          unit: '×',
          valid: cyclesClean && allConnected,
        }),
        targetFigure({
          key: 'scale.establishSeconds',
          figure: `Time to establish ${n} idle peers`,
          value: establishMs / 1000,
          measured: `${fmt(establishMs / 1000, 1)} s`,
          op: '≤',
          limit: establishTargetS,
          unit: ' s',
          ...(peers === 10_000 ? {} : { target: `≤ ${fmt(establishTargetS, 1)} s (20 s × ${n}/10,000)` }),
          valid: allConnected,
        }),
        targetFigure({
          key: 'scale.rssPerIdlePeerKb',
          figure: `RSS per idle peer at ${n}, after GC`,
          value: rssKb,
          measured: `${fmt(rssKb, 1)} KB`,
          op: '≤',
          limit: TARGET.rssKbPerPeer,
          unit: ' KB',
          valid: allConnected,
        }),
        targetFigure({
          key: 'scale.stormEldP99Ms',
          figure: `Event-loop delay p99, ${fmtInt(storm)}-connect storm on ${n} peers`,
          value: stormWindow.eldP99Ms,
          measured: `${fmt(stormWindow.eldP99Ms, 1)} ms`,
          op: '≤',
          limit: TARGET.stormEldP99Ms,
          unit: ' ms',
          valid: allConnected && stormDial.failed === 0 && stormWindow.ready >= stormDial.ok,
        }),
      ];
      const mark = (ok: boolean | undefined): string => (ok === undefined ? '' : ok ? '✓' : '✗');
      const met = (key: string): boolean | undefined => targets.find((t) => t.key === key)?.met;
      const table: Table = {
        title: `Scale: ${n} idle peers on one lnconnect listener, then a ${fmtInt(storm)}-connect storm`,
        columns: ['measure', 'value', 'target', 'met'],
        rows: [
          ['listener CPU per inbound connect, 0 idle peers, before them', cpuCell(cpu0Before), '', ''],
          [`peers connected (listener side)`, `${fmtInt(connected)} (${dial.failed} dials failed)`, n, mark(allConnected)],
          ['time to establish', `${fmt(establishMs / 1000, 1)} s (${fmtInt(data.establishPerSec)}/s; ${dial.retried} dials reset and retried)`, targets[1]?.target ?? '', mark(met('scale.establishSeconds'))],
          ['listener CPU per inbound connect while establishing (no ping, no close)', `${fmtInt(data.listenerCpuUsPerConnectWhileEstablishing)} µs`, '', ''],
          ['heapUsed per idle peer', `${fmt(memPerPeer.heapUsed / 1024, 1)} KB`, '', ''],
          ['RSS per idle peer', `${fmt(rssKb, 1)} KB`, `≤ ${TARGET.rssKbPerPeer} KB`, mark(met('scale.rssPerIdlePeerKb'))],
          ['external + arrayBuffers per idle peer', `${fmt(memPerPeer.external / 1024, 1)} KB + ${fmt(memPerPeer.arrayBuffers / 1024, 1)} KB`, '', ''],
          [`listener CPU per inbound connect, ${n} idle peers`, cpuCell(cpuN), '', ''],
          ['listener CPU per inbound connect, 0 idle peers, after closing them', cpu0After === null ? `not measured (${afterSkipped ?? '?'})` : cpuCell(cpu0After), '', ''],
          ['listener CPU per inbound connect, 0 idle peers, both', `${fmtInt(cpu0.usPerConnect)} µs (median of ${cpu0.runs.length} runs)`, '', ''],
          [`  ratio ${n} / 0 idle peers`, `${fmt(cpuRatio, 2)}×`, `≤ ${TARGET.cpuRatio}×`, mark(met('scale.cpuPerInboundRatio'))],
          [`storm: ${fmtInt(storm)} connects at once, time`, `${fmt(stormMs, 0)} ms (${stormDial.retried} reset and retried, ${stormDial.failed} failed)`, '', ''],
          ['storm: listener event-loop delay p50 / p99 / max', `${fmt(data.storm.eldP50Ms, 1)} / ${fmt(data.storm.eldP99Ms, 1)} / ${fmt(data.storm.eldMaxMs, 1)} ms`, `p99 ≤ ${TARGET.stormEldP99Ms} ms`, mark(met('scale.stormEldP99Ms'))],
          ['storm: listener CPU per inbound connect (no ping, no close)', `${fmtInt(data.storm.listenerCpuUsPerConnect)} µs`, '', ''],
        ],
        notes: [
          'listener (lnconnect end only) and initiators (independent raw BOLT 8 peers) in separate child processes; memory after gc, minus the listener after the 0-peer connects and before any idle peer',
          `CPU per inbound connect: ${fmtInt(cycleN)} sequential connects (accept, BOLT 8, init, one ping/pong, close) per run, ${options.rounds} run(s) per row, median; the 0-peer figure of the ratio pools the runs before and after the idle peers; the listener's background CPU measured just before (idle µs/s) is subtracted for the time they took ("raw" = delta / connects; "runs" = lowest–highest run)`,
          ...(cyclesClean ? [] : [`connect runs: ${cpu0.failed + cpuN.failed} failed connects, ${cpu0.unsettled + cpuN.unsettled} unsettled and ${cpu0.miscounted + cpuN.miscounted} miscounted run(s): the ratio is not a result`]),
        ],
      };
      return { tables: [table], data, targets };
    } finally {
      await swarm.close();
      await listener.close();
    }
  },
};
