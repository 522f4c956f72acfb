/**
 * Scale benchmark (issue 7 §4), over 127.0.0.1 only:
 *  - 10,000 idle connected peers on one lnconnect listener (fast crypto):
 *    memory per peer = (process.memoryUsage() after gc with the peers −
 *    the same before any peer) / peers, heapUsed and RSS, measured in the
 *    listener's own process (bench/peer-process.ts, run with --expose-gc);
 *    only the lnconnect end of each TCP connection lives there. The 10,000
 *    initiators (distinct node ids) are bench/raw-peer.ts in a second child
 *    process: lnconnect's BOLT 8 + BOLT 1 codecs without supervisor or
 *    machines, 200 dials in flight, spread over source addresses
 *    127.0.0.2–5. Time to establish = first dial until the listener saw the
 *    last init.
 *  - A storm of 1,000 more connects started at once on top of them: the
 *    listener's event-loop delay (perf_hooks.monitorEventLoopDelay, 5 ms
 *    resolution) p99 and max from just before the storm until its last init,
 *    and its CPU per inbound connect.
 * The listener allows maxInboundHandshakes = 2,000 (the default 50 would
 * refuse most of the storm by design). One run: the figures are large-N.
 * `--peers=N` overrides the idle peer count (default 10,000; 2,000 with --quick).
 */
import type { BenchOptions, BenchSection, SectionResult, Table } from './harness.js';
import { fmt, fmtInt } from './harness.js';
import { BenchChild } from './child.js';
import type { Memory } from './child.js';

interface DialResult {
  ms: number;
  ok: number;
  failed: number;
  retried: number;
  firstError?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const scaleSection: BenchSection = {
  name: 'scale',
  async run(options: BenchOptions): Promise<SectionResult> {
    const flag = process.argv.find((a) => a.startsWith('--peers='));
    const peers = flag === undefined ? (options.quick ? 2_000 : 10_000) : Number(flag.slice('--peers='.length));
    const storm = options.quick ? 300 : 1_000;
    const listener = await BenchChild.start();
    const swarm = await BenchChild.start();
    try {
      const target = await listener.lnListen('fast', 2_000);
      const base = await listener.memory();

      await listener.mark();
      const t0 = performance.now();
      const dial = await swarm.call<DialResult>('rawDial', { port: target.port, remoteId: target.id, count: peers, concurrency: 200, sources: 4, crypto: 'fast' });
      const established = await listener.waitReady(dial.ok, 60_000);
      const establishMs = performance.now() - t0;
      await sleep(2_000);
      const connected = await listener.peers();
      const loaded = await listener.memory();
      const per = (k: keyof Memory): number => (loaded[k] - base[k]) / connected;

      await listener.mark();
      const s0 = performance.now();
      const stormDial = await swarm.call<DialResult>('rawDial', { port: target.port, remoteId: target.id, count: storm, concurrency: storm, sources: 4, crypto: 'fast' });
      const stormWindow = await listener.waitReady(stormDial.ok, 60_000);
      const stormMs = performance.now() - s0;

      const memPerPeer = { heapUsed: per('heapUsed'), rss: per('rss'), external: per('external'), arrayBuffers: per('arrayBuffers') };
      const data = {
        peers,
        connected,
        dialFailed: dial.failed,
        dialRetried: dial.retried,
        firstError: dial.firstError,
        establishMs,
        establishPerSec: (connected * 1000) / establishMs,
        listenerCpuUsPerConnect: established.cpuUs / Math.max(1, established.ready),
        memoryBefore: base,
        memoryWithPeers: loaded,
        memPerPeer,
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
      const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
      const table: Table = {
        title: `Scale: ${fmtInt(peers)} idle peers on one lnconnect listener, then a ${fmtInt(storm)}-connect storm`,
        columns: ['measure', 'value', 'target', 'verdict'],
        rows: [
          ['peers connected (listener side)', fmtInt(connected), fmtInt(peers), verdict(connected === peers)],
          ['time to establish', `${fmt(establishMs / 1000, 1)} s (${fmtInt(data.establishPerSec)}/s; ${dial.retried} dials reset and retried)`, '', ''],
          ['listener CPU per inbound connect while establishing', `${fmt(data.listenerCpuUsPerConnect, 0)} µs`, '', ''],
          ['heapUsed per idle peer', `${fmt(memPerPeer.heapUsed / 1024, 1)} KB`, '≤ 16 KB', verdict(memPerPeer.heapUsed <= 16 * 1024)],
          ['RSS per idle peer', `${fmt(memPerPeer.rss / 1024, 1)} KB`, '≤ 16 KB', verdict(memPerPeer.rss <= 16 * 1024)],
          ['external + arrayBuffers per idle peer', `${fmt(memPerPeer.external / 1024, 1)} KB + ${fmt(memPerPeer.arrayBuffers / 1024, 1)} KB`, '', ''],
          [`storm: ${fmtInt(storm)} connects at once, time`, `${fmt(stormMs, 0)} ms (${stormDial.retried} reset and retried, ${stormDial.failed} failed)`, '', ''],
          ['storm: listener event-loop delay p50 / p99 / max', `${fmt(data.storm.eldP50Ms, 1)} / ${fmt(data.storm.eldP99Ms, 1)} / ${fmt(data.storm.eldMaxMs, 1)} ms`, 'p99 ≤ 50 ms', verdict(data.storm.eldP99Ms <= 50)],
          ['storm: listener CPU per inbound connect', `${fmt(data.storm.listenerCpuUsPerConnect, 0)} µs`, '', ''],
        ],
        notes: ['listener (lnconnect end only) and initiators (raw BOLT 8 peers) in separate child processes; memory after gc, minus the listener before any peer'],
      };
      return { tables: [table], data };
    } finally {
      await swarm.close();
      await listener.close();
    }
  },
};
