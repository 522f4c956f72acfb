/**
 * lnconnectd's lifecycle in process, with a fake node factory: directories,
 * key file, socket mode, stale/live socket handling, shutdown. The same
 * behaviours are checked on real processes in daemon.test.ts.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonStartError, startDaemon } from '../../src/cli/daemon.js';
import type { RunningDaemon } from '../../src/cli/daemon.js';
import { parseDaemonArgs } from '../../src/cli/options.js';
import type { DaemonOptions } from '../../src/cli/options.js';
import { rpcCall } from '../../src/rpc/client.js';
import type { NodeOptions } from '../../src/types.js';
import { fakeNode } from '../rpc/fake-node.js';
import type { FakeNode } from '../rpc/fake-node.js';
import { pino } from 'pino';

let dir: string;
let running: RunningDaemon[];
let made: FakeNode[];

function options(extra: string[] = []): DaemonOptions {
  const r = parseDaemonArgs([`--lightning-dir=${dir}`, '--network=regtest', '--addr=127.0.0.1:0', ...extra]);
  if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
  return r.options;
}

const deps = {
  logger: pino({ level: 'silent' }),
  createNode: async (o: NodeOptions) => {
    const n = fakeNode();
    n.options = o;
    made.push(n);
    return n;
  },
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnc-d-'));
  running = [];
  made = [];
});
afterEach(async () => {
  await Promise.all(running.map((d) => d.shutdown('test end')));
  await rm(dir, { recursive: true, force: true });
});

describe('startDaemon', () => {
  it('creates the network dir, a 0600 key and a 0600 socket, and hands the node its options', async () => {
    const d = await startDaemon(options(['--connect-timeout-secs=3', '--handshake-timeout-secs=7', '--max-connect-in-flight=4']), deps);
    running.push(d);
    const o = options();
    expect((await stat(join(o.networkDir, 'node_secret'))).mode & 0o777).toBe(0o600);
    expect((await stat(o.rpcFile)).mode & 0o777).toBe(0o600);
    expect(made[0]?.options).toMatchObject({
      network: 'regtest',
      listen: [{ host: '127.0.0.1', port: 0 }],
      connectTimeoutMs: 3000,
      handshakeTimeoutMs: 7000,
      maxConnectInFlight: 4,
      dataDir: o.networkDir,
      alwaysUseProxy: false,
      disableDns: false,
    });
    expect(made[0]?.options?.secretKey).toHaveLength(32);
    expect(await rpcCall(o.rpcFile, 'getinfo')).toMatchObject({ id: made[0]?.id, network: 'regtest' });
  });

  it('reuses the key on restart', async () => {
    const a = await startDaemon(options(), deps);
    await a.shutdown('restart');
    running.push(await startDaemon(options(), deps));
    expect(made[1]?.options?.secretKey).toEqual(made[0]?.options?.secretKey);
  });

  it('a second daemon on the same dir and network is refused before a node is created, whatever its socket', async () => {
    running.push(await startDaemon(options(), deps));
    const pidFile = join(options().networkDir, 'lnconnectd-regtest.pid');
    expect(await readFile(pidFile, 'utf8')).toBe(`${process.pid}\n`);
    for (const extra of [[], ['--rpc-file=other-rpc']]) {
      const err = await startDaemon(options(extra), deps).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DaemonStartError);
      expect((err as Error).message).toBe(`another daemon is already running on ${options().networkDir}: pid ${process.pid} holds ${pidFile}`);
    }
    expect(made).toHaveLength(1);
    await expect(stat(join(options().networkDir, 'other-rpc'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a live socket of a daemon on another dir is refused with the socket text', async () => {
    const first = await startDaemon(options(), deps);
    running.push(first);
    const other = parseDaemonArgs([`--lightning-dir=${join(dir, 'b')}`, '--network=regtest', `--rpc-file=${options().rpcFile}`]);
    if (other.kind !== 'ok') throw new Error('options');
    const err = await startDaemon(other.options, deps).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`another daemon is already running on ${options().rpcFile}`);
    await expect(stat(join(dir, 'b', 'regtest', 'lnconnectd-regtest.pid'))).rejects.toMatchObject({ code: 'ENOENT' }); // released
  });

  it('--rpc-file on a regular file (the node key): refused naming it, untouched, the lock released', async () => {
    const first = await startDaemon(options(), deps);
    await first.shutdown('test');
    const o = options(['--rpc-file=node_secret']);
    const key = await readFile(join(o.networkDir, 'node_secret'));
    const err = await startDaemon(o, deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaemonStartError);
    expect((err as Error).message).toBe(
      `--rpc-file: ${o.rpcFile} exists and is a regular file, not a socket; refusing to replace it (move it away or choose another path)`,
    );
    expect(await readFile(join(o.networkDir, 'node_secret'))).toEqual(key);
    running.push(await startDaemon(options(), deps)); // the failed start released the lock
    expect(made[1]?.options?.secretKey).toEqual(made[0]?.options?.secretKey);
  });

  it('warns when node_secret is readable by group or others', async () => {
    const first = await startDaemon(options(), deps);
    await first.shutdown('test');
    await chmod(join(options().networkDir, 'node_secret'), 0o644);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    running.push(await startDaemon(options(), { ...deps, logger }));
    const warn = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.level === 40);
    expect(warn?.msg).toContain('node_secret is readable by group or others (mode 0644)');
  });

  it('the pid file is removed on shutdown', async () => {
    const d = await startDaemon(options(), deps);
    await d.shutdown('test');
    expect(await readdir(options().networkDir)).not.toContain('lnconnectd-regtest.pid');
  });

  it('a stale socket from a killed daemon is replaced', async () => {
    const o = options();
    await mkdir(o.networkDir, { recursive: true });
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(o.rpcFile)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((r) => child.once('exit', r));
    expect((await stat(o.rpcFile)).isSocket()).toBe(true);
    running.push(await startDaemon(o, deps));
    expect(await rpcCall(o.rpcFile, 'getinfo')).toMatchObject({ id: made[0]?.id });
  });

  it('stop: answers, closes the node, removes the socket, resolves `stopped`', async () => {
    const d = await startDaemon(options(), deps);
    expect(await rpcCall(options().rpcFile, 'stop')).toBe('Shutdown complete');
    await d.stopped;
    expect(made[0]?.closed).toBe(true);
    await expect(stat(options().rpcFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
