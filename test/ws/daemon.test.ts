/**
 * WebSocket through real processes: lnconnectd listening with
 * `--bind-addr=ws:127.0.0.1:0` (getinfo's binding in Core Lightning's
 * websocket shape), and another lnconnectd told by lnconnect-cli to
 * `connect <id> ws://…` and `connect <id>@ws://…`; a refused ws:// address
 * is a 401 with the URL and the stage text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { closedPort } from '../node/helpers.js';
import { DaemonPool, runCli } from '../helpers/daemons.js';
import type { CliResult, RunningDaemon } from '../helpers/daemons.js';

type Running = RunningDaemon;

const pool = new DaemonPool('lnc-ws-');
const start = (args: string[]): Promise<Running> => pool.start(args);
const cli = (r: Running, args: string[]): Promise<CliResult> => runCli([`--lightning-dir=${r.dir}`, '--network=regtest', ...args]);

let A: Running;
let B: Running;
let port: number;

beforeAll(async () => {
  [A, B] = await Promise.all([start(['--bind-addr=ws:127.0.0.1:0', '--addr=127.0.0.1:0']), start(['--addr=127.0.0.1:0'])]);
  const ws = A.info.binding.find((b) => b.type === 'websocket');
  port = Number(ws?.port);
}, 60_000);

describe('lnconnectd over WebSocket', () => {
  it("getinfo lists the ws: listener as Core Lightning's json_add_address_internal does", () => {
    const ws = A.info.binding[0];
    expect(ws).toEqual({ type: 'websocket', subtype: 'ipv4', address: '127.0.0.1', port });
    expect(Object.keys(ws ?? {})).toEqual(['type', 'subtype', 'address', 'port']);
    expect(port).toBeGreaterThan(0);
    expect(A.info.binding[1]).toMatchObject({ type: 'ipv4', address: '127.0.0.1' });
  });

  it('lnconnect-cli connect <id> ws://… then <id>@ws://…', async () => {
    const r = await cli(B, ['connect', A.id, `ws://127.0.0.1:${port}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: A.id, direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port } });
    const peersA = (await A.rpc.call<{ peers: { id: string; connected: boolean; direction?: string }[] }>('listpeers', [B.id])).peers;
    expect(peersA).toMatchObject([{ id: B.id, connected: true, direction: 'in' }]);
    const peersB = (await B.rpc.call<{ peers: { netaddr?: string[] }[] }>('listpeers', [A.id])).peers;
    expect(peersB[0]?.netaddr).toEqual([`127.0.0.1:${port}`]);

    expect((await cli(B, ['disconnect', A.id])).code).toBe(0);
    const again = await cli(B, ['connect', `${A.id}@ws://127.0.0.1:${port}`]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: A.id, direction: 'out' });
    expect((await cli(B, ['disconnect', A.id])).code).toBe(0);
  }, 30_000);

  it('a ws: listen address in use stops the daemon naming it (exit 1)', async () => {
    const held = createServer();
    await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
    const busy = (held.address() as { port: number }).port;
    try {
      const p = pool.spawn(await pool.tmp(), [`--bind-addr=ws:127.0.0.1:${busy}`]);
      expect(await p.exited).toBe(1);
      expect(p.output()).toContain(`lnconnectd: cannot listen on 127.0.0.1:${busy}: address already in use`);
    } finally {
      held.close();
    }
  }, 30_000);

  it('a refused ws:// address is a 401 naming the URL and the stage', async () => {
    const closed = await closedPort();
    const r = await cli(B, ['connect', A.id, `ws://127.0.0.1:${closed}`]);
    expect(r.code).toBe(1);
    const err = JSON.parse(r.stdout) as { code: number; message: string };
    expect(err.code).toBe(401);
    expect(err.message).toBe(`All addresses failed: ws://127.0.0.1:${closed}: Connection establishment: Connection refused. `);
  }, 30_000);
});
