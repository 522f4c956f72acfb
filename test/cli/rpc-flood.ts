/**
 * Adversarial figure for issue 11 (items 5 and 6), not a unit test: a real
 * lnconnectd, one local client that writes 8 MiB and never reads its
 * answers, another that keeps calling `getinfo`. Prints, per kind of flood,
 * the daemon's RSS growth (peak VmRSS minus the idle baseline) and the
 * slowest `getinfo` during the flood.
 *
 *   npx tsx test/cli/rpc-flood.ts [MiB]        (target: ≤ 200 MiB, ≤ 1 s)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killDaemon, spawnDaemon, waitForRpc } from '../../src/cli/spawn-daemon.js';
import { RpcClient } from '../../src/rpc/client.js';

const MIB = 1024 * 1024;
const size = Number(process.argv[2] ?? 8) * MIB;

function repeatTo(unit: string, bytes: number): Buffer {
  return Buffer.from(unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes));
}

const floods: [string, () => Buffer][] = [
  ['garbage words', () => repeatTo('hello ', size)],
  ['{} (invalid requests, each answered, connection kept)', () => repeatTo('{}', size)],
  ['getinfo requests', () => repeatTo('{"jsonrpc":"2.0","id":1,"method":"getinfo","params":[]}', size)],
  ['unknown methods with 1 KiB names', () => repeatTo(`{"id":1,"method":"${'m'.repeat(1024)}"}`, size)],
  ['one unterminated string', () => Buffer.concat([Buffer.from('{"id":1,"method":"'), repeatTo('a', size - 18)])],
  ['nesting [[[[…', () => repeatTo('[', size)],
];

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lnc-flood-'));
  const d = spawnDaemon({ lightningDir: dir, args: ['--addr=127.0.0.1:0'] });
  const pid = d.child.pid as number;
  try {
    const warm = await waitForRpc(d);
    for (let i = 0; i < 200; i++) await warm.call('getinfo');
    warm.close();
    console.log(`lnconnectd pid ${pid}, flood ${size / MIB} MiB per client that never reads\n`);
    console.log('| flood | RSS before | peak RSS | growth | getinfo max / p50 during | answers |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, make] of floods) {
      await sleep(500);
      const before = await rssKiB(pid);
      let peak = before;
      const flood = createConnection({ path: d.rpcFile });
      flood.pause(); // never read
      flood.on('error', () => undefined);
      let closed = false;
      flood.once('close', () => (closed = true));
      await new Promise<void>((r) => flood.once('connect', () => r()));
      flood.write(make());
      const latencies: number[] = [];
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        const t = performance.now();
        const c = await RpcClient.connect(d.rpcFile);
        await c.call('getinfo');
        c.close();
        latencies.push(performance.now() - t);
        peak = Math.max(peak, await rssKiB(pid));
        await sleep(20);
      }
      latencies.sort((a, b) => a - b);
      const max = latencies.at(-1) ?? NaN;
      const p50 = latencies[Math.floor(latencies.length / 2)] ?? NaN;
      const growth = (peak - before) / 1024;
      console.log(
        `| ${name} | ${(before / 1024).toFixed(0)} MiB | ${(peak / 1024).toFixed(0)} MiB | ${growth.toFixed(1)} MiB | ` +
          `${max.toFixed(0)} / ${p50.toFixed(1)} ms | ${latencies.length}${closed ? ', flooder closed by the daemon' : ''} |`,
      );
      flood.destroy();
    }
  } finally {
    await killDaemon(d);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
