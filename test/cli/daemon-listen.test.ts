/**
 * lnconnectd's listeners as a real process: `--bind-addr` (Core Lightning's
 * listen-only address) listens next to `--addr`, and the listeners are bound
 * before the daemon says it started or creates a node key.
 */
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killDaemon, waitForRpc } from '../../src/cli/spawn-daemon.js';
import { DaemonPool } from '../helpers/daemons.js';

const pool = new DaemonPool('lnc-listen-');
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

const tempDir = (): Promise<string> => pool.tmp();

describe('--bind-addr', () => {
  it('listens together with --addr (getinfo binding lists both)', async () => {
    const dir = await tempDir();
    const p = pool.spawn(dir, ['--addr=127.0.0.1:0', '--bind-addr', `${join(dir, 'peers.sock')}`]);
    const rpc = await waitForRpc(p);
    try {
      const info = await rpc.call<{ binding: { type: string; address?: string; socket?: string }[] }>('getinfo');
      expect(info.binding).toHaveLength(2);
      expect(info.binding[0]).toMatchObject({ type: 'ipv4', address: '127.0.0.1' });
      expect(JSON.stringify(info.binding[1])).toContain(join(dir, 'peers.sock'));
    } finally {
      rpc.close();
    }
    expect(await killDaemon(p)).toBe(0);
  }, 30_000);
});

/** A TCP port on 127.0.0.1 held by this test process. */
async function occupiedPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('no port');
  return a.port;
}

describe('a listen address in use', () => {
  it('exits 1 naming the address; no node_secret, pid file or RPC socket left, no "started" logged', async () => {
    const port = await occupiedPort();
    const dir = await tempDir();
    const log = join(dir, 'daemon.log');
    // The first listener binds, the second is in use: the first must be released too.
    const p = pool.spawn(dir, ['--addr=127.0.0.1:0', `--bind-addr=127.0.0.1:${port}`, `--log-file=${log}`, '--log-level=debug']);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain(`lnconnectd: cannot listen on 127.0.0.1:${port}: address already in use`);
    expect((await readdir(join(dir, 'regtest'))).filter((f) => f !== 'daemon.log')).toEqual([]);
    expect(await readFile(log, 'utf8').catch(() => '')).not.toMatch(/started|Created a new node key/);
  }, 30_000);

  it('a UNIX socket path another process listens on: exit 1 naming the path', async () => {
    const dir = await tempDir();
    const path = join(dir, 'held.sock');
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const p = pool.spawn(dir, [`--addr=${path}`]);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain(`lnconnectd: cannot listen on ${path}: address already in use`);
    expect(await readdir(join(dir, 'regtest'))).toEqual([]);
  }, 30_000);

  it('the same daemon started once the port is free creates its key and starts', async () => {
    const dir = await tempDir();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const first = pool.spawn(dir, [`--addr=127.0.0.1:${port}`]);
    expect(await first.exited).toBe(1);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    const second = pool.spawn(dir, [`--addr=127.0.0.1:${port}`]);
    const rpc = await waitForRpc(second);
    rpc.close();
    expect((await readdir(join(dir, 'regtest'))).sort()).toEqual(['lightning-rpc', 'lnconnectd-regtest.pid', 'node_secret']);
    expect(second.output()).not.toContain('cannot listen');
    expect(await killDaemon(second)).toBe(0);
  }, 30_000);
});
