/**
 * The issue 12 figures, on loopback (run by hand: `npx tsx test/node/reconnect-figures.ts [trials] [peers]`):
 *  1. time from a channel peer hanging up to reconnected (p50, p99 over `trials`),
 *     each connection up longer than `reconnectResetMs` (set to 500 ms here so
 *     that trials do not wait a minute each): every trial is a first retry;
 *  2. `peers` persistent peers whose listener restarts (same key, same port):
 *     all back, and the time to all back (the in-flight cap is the dial
 *     queue's, tested in test/supervisor/reconnect.test.ts).
 */
import { createNode } from '../../src/index.js';
import type { Node } from '../../src/node.js';

const trials = Number(process.argv[2] ?? 100);
const peerCount = Number(process.argv[3] ?? 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const port = (n: Node): number => (n.bindings[0] as { port: number }).port;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

async function waitFor(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(2);
  }
}

async function hangUps(): Promise<void> {
  const b = await createNode({ network: 'regtest', listen: [{ host: '127.0.0.1', port: 0 }] });
  const a = await createNode({
    network: 'regtest',
    reconnectResetMs: 500,
    channels: { activeChannels: (id) => (id === b.id ? ['c'] : []), startSubdaemon: async () => undefined },
  });
  await a.connect(b.id, '127.0.0.1', port(b));
  const times: number[] = [];
  for (let i = 0; i < trials; i++) {
    await waitFor(() => b.listPeers(a.id)[0]?.connected === true, 10_000);
    const t0 = performance.now();
    await b.disconnect(a.id);
    await waitFor(() => a.listPeers(b.id)[0]?.connected !== true, 10_000);
    await waitFor(() => a.listPeers(b.id)[0]?.connected === true, 10_000);
    times.push(performance.now() - t0);
    await sleep(600);
  }
  console.log(`hang-up → reconnected over ${trials} trials: p50 ${pct(times, 50).toFixed(0)} ms, p99 ${pct(times, 99).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
  await a.close();
  await b.close();
}

async function restarts(): Promise<void> {
  const cap = 10;
  const peers: Node[] = [];
  const keys: Uint8Array[] = [];
  for (let i = 0; i < peerCount; i++) {
    const secretKey = new Uint8Array(32);
    new DataView(secretKey.buffer).setUint32(28, i + 1);
    keys.push(secretKey);
    peers.push(await createNode({ network: 'regtest', secretKey, listen: [{ host: '127.0.0.1', port: 0 }] }));
  }
  const ports = peers.map(port);
  const a = await createNode({ network: 'regtest', maxConnectInFlight: cap, reconnectMaxMs: 8_000 });
  for (let i = 0; i < peerCount; i++) await a.connect((peers[i] as Node).id, '127.0.0.1', ports[i], { persist: true });
  const up = () => a.listPeers().filter((p) => p.connected).length;
  await Promise.all(peers.map((p) => p.close()));
  await waitFor(() => up() === 0, 60_000);
  const t0 = performance.now();
  const again = await Promise.all(keys.map((secretKey, i) => createNode({ network: 'regtest', secretKey, listen: [{ host: '127.0.0.1', port: ports[i] as number }] })));
  await waitFor(() => up() === peerCount, 600_000);
  console.log(`${peerCount} persistent peers restarted: all back in ${((performance.now() - t0) / 1000).toFixed(1)} s after their listeners returned (cap ${cap} dials in flight)`);
  await a.close();
  await Promise.all(again.map((n) => n.close()));
}

await hangUps();
if (peerCount > 0) await restarts();
