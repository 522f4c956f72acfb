#!/usr/bin/env node
/**
 * `npm run demo`: the main job on a fresh machine. Two lnconnectd nodes on
 * loopback in temporary directories (regtest); A connects to B through the
 * JSON-RPC socket (BOLT 8 handshake + BOLT 1 init under the hood); prints the
 * connect result and both sides' listpeers; stops both; exits 0. Any failing
 * step is named and the demo exits 1 after cleaning up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RpcClient } from '../rpc/client.js';
import type { GetInfoResult } from '../rpc/methods.js';
import { killDaemon, spawnDaemon, waitForRpc } from './spawn-daemon.js';
import type { DaemonProcess } from './spawn-daemon.js';

function show(title: string, v: unknown): void {
  process.stdout.write(`\n== ${title}\n${JSON.stringify(v, null, 2)}\n`);
}

async function main(): Promise<number> {
  const dirs: string[] = [];
  const daemons: DaemonProcess[] = [];
  const clients: RpcClient[] = [];
  let step = 'create temporary directories';
  try {
    for (let i = 0; i < 2; i++) dirs.push(await mkdtemp(join(tmpdir(), `lnconnect-demo-${'ab'[i]}-`)));
    step = 'start two lnconnectd nodes (regtest, 127.0.0.1, ephemeral ports)';
    for (const dir of dirs) daemons.push(spawnDaemon({ lightningDir: dir, args: ['--addr=127.0.0.1:0', '--log-level=debug', `--log-file=${join(dir, 'log')}`] }));
    for (const d of daemons) clients.push(await waitForRpc(d));
    const [a, b] = clients as [RpcClient, RpcClient];
    step = 'getinfo on both nodes';
    const infoA = await a.call<GetInfoResult>('getinfo');
    const infoB = await b.call<GetInfoResult>('getinfo');
    process.stdout.write(`node A ${infoA.id}\nnode B ${infoB.id}\n`);
    const bind = infoB.binding.find((x) => x.type === 'ipv4');
    if (bind === undefined || !('port' in bind)) throw new Error(`node B reports no IPv4 binding: ${JSON.stringify(infoB.binding)}`);
    step = `connect A -> B at 127.0.0.1:${bind.port}`;
    show(`connect ${infoB.id} 127.0.0.1 ${bind.port} (on A)`, await a.call('connect', [infoB.id, '127.0.0.1', bind.port]));
    step = 'listpeers on both nodes';
    show('listpeers on A', await a.call('listpeers'));
    show('listpeers on B', await b.call('listpeers'));
    step = 'stop both nodes';
    for (const c of clients) await c.call('stop');
    for (const d of daemons) {
      const code = await d.exited;
      if (code !== 0) throw new Error(`a daemon exited with ${code}:\n${d.output()}`);
    }
    process.stdout.write('\nboth nodes stopped cleanly\n');
    return 0;
  } catch (e) {
    process.stderr.write(`demo: step '${step}' failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    for (const c of clients) c.close();
    await Promise.all(daemons.map((d) => killDaemon(d)));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo: ${String(e)}\n`);
    process.exit(1);
  },
);
