/**
 * Real lnconnectd processes against the files and options a careless local
 * user gets wrong (issue 11, items 7–9): `--rpc-file` on the node key or a
 * dangling symlink, a socket path too long, a timeout Node's timers cannot
 * hold, a node key readable by others. Loopback and UNIX sockets only.
 */
import { chmod, mkdir, readFile, readlink, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitForRpc } from '../../src/cli/spawn-daemon.js';
import { DaemonPool } from '../helpers/daemons.js';
import type { DaemonProcess } from '../../src/cli/spawn-daemon.js';
import type { GetInfoResult } from '../../src/rpc/methods.js';

const pool = new DaemonPool('lnc-df-');
const tmp = (): Promise<string> => pool.tmp();
const spawn = (dir: string, args: string[]): DaemonProcess => pool.spawn(dir, ['--addr=127.0.0.1:0', ...args]);

/** A node key written by hand (a valid scalar), as a previous start would have left it. */
async function withKey(dir: string, mode = 0o600): Promise<Buffer> {
  await mkdir(join(dir, 'regtest'), { recursive: true });
  const key = Buffer.alloc(32, 7);
  await writeFile(join(dir, 'regtest', 'node_secret'), key, { mode });
  await chmod(join(dir, 'regtest', 'node_secret'), mode);
  return key;
}

describe('--rpc-file never destroys a file', () => {
  it('pointed at node_secret: exit 1 naming the path, the key untouched, no lock left', async () => {
    const dir = await tmp();
    const key = await withKey(dir);
    const keyPath = join(dir, 'regtest', 'node_secret');
    const d = spawn(dir, ['--rpc-file=node_secret']);
    expect(await d.exited).toBe(1);
    expect(d.output()).toContain(`lnconnectd: --rpc-file: ${keyPath} exists and is a regular file, not a socket; refusing to replace it`);
    expect(await readFile(keyPath)).toEqual(key);
    expect(await readdir(join(dir, 'regtest'))).toEqual(['node_secret']);
  });

  it('a dangling symlink: exit 1 saying so, not "another daemon is already running"; the link untouched', async () => {
    const dir = await tmp();
    const link = join(dir, 'rpc-link');
    await symlink(join(dir, 'nowhere'), link);
    const d = spawn(dir, [`--rpc-file=${link}`]);
    expect(await d.exited).toBe(1);
    expect(d.output()).toContain(`lnconnectd: --rpc-file: ${link} exists and is a symbolic link, not a socket`);
    expect(d.output()).not.toContain('another daemon');
    expect(await readlink(link)).toBe(join(dir, 'nowhere'));
  });

  it('a path over 107 bytes: exit 1 before anything is created', async () => {
    const dir = await tmp();
    const long = join(dir, 's'.repeat(120));
    const d = spawn(join(dir, 'ld'), [`--rpc-file=${long}`]);
    expect(await d.exited).toBe(1);
    expect(d.output()).toContain(`lnconnectd: option '--rpc-file': ${long} is ${Buffer.byteLength(long)} bytes long; a UNIX socket path can be at most 107 bytes`);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('options and key file', () => {
  it('--handshake-timeout-secs=3000000 is refused naming the option, not run as a 1 ms timer', async () => {
    const dir = await tmp();
    const d = spawn(dir, ['--handshake-timeout-secs=3000000']);
    expect(await d.exited).toBe(1);
    expect(d.output()).toContain(
      "lnconnectd: option '--handshake-timeout-secs' must be at most 2147483 seconds (the runtime's timer limit), got '3000000'",
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('a node_secret readable by others: the daemon runs and logs an unusual line; its pid file lives as long as it', async () => {
    const dir = await tmp();
    await withKey(dir, 0o644);
    const d = spawn(dir, ['--log-level=debug', `--log-file=${join(dir, 'log')}`]);
    const rpc = await waitForRpc(d);
    const info = await rpc.call<GetInfoResult>('getinfo');
    expect(info.id).toMatch(/^0[23]/);
    const pidFile = join(dir, 'regtest', 'lnconnectd-regtest.pid');
    expect(await readFile(pidFile, 'utf8')).toBe(`${d.child.pid}\n`);
    const lines = (await readFile(join(dir, 'log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
    const warn = lines.find((l) => l.level === 40 && l.msg.includes('node_secret'));
    expect(warn?.msg).toContain(`${join(dir, 'regtest', 'node_secret')} is readable by group or others (mode 0644)`);
    rpc.close();
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(await readdir(join(dir, 'regtest'))).not.toContain('lnconnectd-regtest.pid');
  });
});
