/**
 * The issue 11 figures for hostile peers (items 1 and 3), not a unit test: a
 * real lnconnectd (default limits) in its own process, attackers and honest
 * peers from 127.0.0.x (the bench's independent BOLT 8 client, bench/raw-peer.ts).
 *
 *   npx tsx test/adversarial/hostile-figures.ts [slowloris] [pongs]
 *
 * slowloris: 1,000 sockets from 127.0.0.2–127.0.0.5, silent (no byte) or
 * stalled (a valid act one, then nothing), each re-opened as soon as it is
 * dropped. Meanwhile an honest peer from 127.0.0.6 does handshake + init +
 * ping (target ≤ 2 s every time) and one from 127.0.0.2 retries until it
 * gets through (target ≤ 5 s); then the attackers leave and the daemon's
 * file descriptors must return to their baseline.
 *
 * pongs: 30 peers each ask for 13 MB of pongs (200 pings × 65,531 bytes) and
 * never read; the daemon's RSS growth (target ≤ 150 MiB), an honest peer's
 * connect + ping and the RPC's getinfo latency meanwhile.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawPeer, rawConnectOnce } from '../../bench/raw-peer.js';
import { encodePing, randomSecret } from '../../bench/wire.js';
import { killDaemon, spawnDaemon, waitForRpc } from '../../src/cli/spawn-daemon.js';
import type { RpcClient } from '../../src/rpc/client.js';
import { noise } from '../helpers/node-lightning.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ATTACKERS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];

async function fds(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}
async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}

interface Target {
  pid: number;
  id: string;
  port: number;
  rpc: RpcClient;
}

async function slowloris(t: Target, mode: 'silent' | 'stalled'): Promise<void> {
  const remote = Buffer.from(t.id, 'hex');
  // One valid act one, replayed on every stalled socket (each is a fresh handshake to the responder).
  const actOne = new noise.NoiseState({ ls: randomSecret(), es: randomSecret() }).initiatorAct1(remote);
  const baseline = await fds(t.pid);
  let stop = false;
  let opened = 0;
  let dropped = 0;
  const live = new Set<net.Socket>();
  const open = (from: string): void => {
    if (stop) return;
    const s = net.connect({ host: '127.0.0.1', port: t.port, localAddress: from });
    live.add(s);
    opened += 1;
    s.on('error', () => undefined);
    s.resume(); // discard act two: unread data would hide the daemon's FIN, and the re-open with it
    s.once('connect', () => {
      if (mode === 'stalled') s.write(actOne);
    });
    s.once('close', () => {
      live.delete(s);
      dropped += 1;
      setImmediate(() => open(from));
    });
  };
  for (let i = 0; i < 1000; i++) open(ATTACKERS[i % 4] as string);
  await sleep(3000); // the storm is under way
  const honest = (from: string) => rawConnectOnce({ host: '127.0.0.1', port: t.port, remoteStatic: remote, localAddress: from });
  const fresh: number[] = [];
  let freshFailed = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    try {
      await honest('127.0.0.6');
      fresh.push(performance.now() - t0);
    } catch {
      freshFailed += 1;
    }
    await sleep(100);
  }
  const own: { ms: number; tries: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    let tries = 0;
    for (;;) {
      tries += 1;
      try {
        await honest('127.0.0.2');
        break;
      } catch {
        if (performance.now() - t0 > 30_000) break;
      }
    }
    own.push({ ms: performance.now() - t0, tries });
  }
  const during = await fds(t.pid);
  stop = true;
  for (const s of live) s.destroy();
  const t0 = performance.now();
  let after = await fds(t.pid);
  while (after > baseline && performance.now() - t0 < 20_000) {
    await sleep(100);
    after = await fds(t.pid);
  }
  console.log(`| ${mode} | ${opened} opened / ${dropped} dropped by the daemon | ` +
    `${pct(fresh, 0.5).toFixed(0)} / ${pct(fresh, 1).toFixed(0)} ms (${fresh.length} ok, ${freshFailed} failed) | ` +
    `${pct(own.map((o) => o.ms), 0.5).toFixed(0)} / ${pct(own.map((o) => o.ms), 1).toFixed(0)} ms (tries ≤ ${Math.max(...own.map((o) => o.tries))}) | ` +
    `${baseline} → ${during} → ${after} (${((performance.now() - t0) / 1000).toFixed(1)} s) |`);
}

async function pongs(t: Target): Promise<void> {
  const remote = Buffer.from(t.id, 'hex');
  const before = await rssMiB(t.pid);
  let peak = before;
  const flooders: RawPeer[] = [];
  // One address each (127.0.0.10–39): 30 handshakes at once from one address would pass its group's bound.
  await Promise.all(Array.from({ length: 30 }, (_, i) => new Promise<void>((resolve, reject) => {
    const p = new RawPeer({ host: '127.0.0.1', port: t.port, remoteStatic: remote, localAddress: `127.0.0.${10 + i}` }, {
      onInit: (peer) => {
        peer.socket.pause(); // never reads
        const ping = encodePing(65_531);
        for (let i = 0; i < 200; i++) peer.send(ping); // 200 × 65,535-byte pongs = 13 MB asked
        resolve();
      },
      onMessage: () => undefined,
      onFail: reject,
    });
    flooders.push(p);
  })));
  const honestMs: number[] = [];
  const rpcMs: number[] = [];
  const end = Date.now() + 8000;
  while (Date.now() < end) {
    let t0 = performance.now();
    await rawConnectOnce({ host: '127.0.0.1', port: t.port, remoteStatic: remote, localAddress: '127.0.0.8' });
    honestMs.push(performance.now() - t0);
    t0 = performance.now();
    await t.rpc.call('getinfo');
    rpcMs.push(performance.now() - t0);
    peak = Math.max(peak, await rssMiB(t.pid));
    await sleep(50);
  }
  const open = flooders.filter((p) => !p.socket.destroyed && !p.socket.readableEnded).length;
  for (const p of flooders) p.socket.destroy();
  console.log(`| 30 × 13 MB of pongs, never read | ${before.toFixed(0)} MiB | ${peak.toFixed(0)} MiB | ${(peak - before).toFixed(1)} MiB | ` +
    `${pct(honestMs, 0.5).toFixed(0)} / ${pct(honestMs, 1).toFixed(0)} ms (${honestMs.length}) | ${pct(rpcMs, 0.5).toFixed(1)} / ${pct(rpcMs, 1).toFixed(1)} ms | ${open} of 30 |`);
}

async function main(): Promise<void> {
  const which = process.argv.slice(2);
  const all = which.length === 0;
  const dir = await mkdtemp(join(tmpdir(), 'lnc-hostile-'));
  const d = spawnDaemon({ lightningDir: dir, args: ['--addr=127.0.0.1:0'] });
  const pid = d.child.pid as number;
  try {
    const rpc = await waitForRpc(d);
    const info = await rpc.call<{ id: string; binding: { port: number }[] }>('getinfo');
    const t: Target = { pid, id: info.id, port: info.binding[0]?.port ?? 0, rpc };
    for (let i = 0; i < 20; i++) await rawConnectOnce({ host: '127.0.0.1', port: t.port, remoteStatic: Buffer.from(t.id, 'hex') }); // warm up
    await sleep(500);
    if (all || which.includes('slowloris')) {
      console.log('\n| attack (1,000 sockets, 4 addresses, re-opened) | sockets | honest from 127.0.0.6: p50 / max | from 127.0.0.2: p50 / max | daemon fds: before → during → after |');
      console.log('|---|---|---|---|---|');
      // Stalled first: the silent storm re-opens tens of thousands of sockets, and the TIME_WAIT
      // entries it leaves on four source addresses slow the kernel's next connects for a while.
      await slowloris(t, 'stalled');
      await sleep(1000);
      await slowloris(t, 'silent');
    }
    if (all || which.includes('pongs')) {
      await sleep(1000);
      console.log('\n| flood | RSS before | peak RSS | growth | honest connect+ping p50 / max | getinfo p50 / max | flooders still open |');
      console.log('|---|---|---|---|---|---|---|');
      await pongs(t);
    }
    rpc.close();
  } finally {
    await killDaemon(d);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
