/**
 * lnconnectd's listeners as a real process: `--bind-addr` (Core Lightning's
 * listen-only address) listens next to `--addr`, and the listeners are bound
 * before the daemon says it started or creates a node key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killDaemon, spawnDaemon, waitForRpc } from '../../src/cli/spawn-daemon.js';
import type { DaemonProcess } from '../../src/cli/spawn-daemon.js';

const dirs: string[] = [];
const procs: DaemonProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => killDaemon(p)));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lnc-listen-'));
  dirs.push(d);
  return d;
}

describe('--bind-addr', () => {
  it('listens together with --addr (getinfo binding lists both)', async () => {
    const dir = await tempDir();
    const p = spawnDaemon({ lightningDir: dir, args: ['--addr=127.0.0.1:0', '--bind-addr', `${join(dir, 'peers.sock')}`] });
    procs.push(p);
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
