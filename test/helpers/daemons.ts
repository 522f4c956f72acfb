/**
 * Real lnconnectd / lnconnect-cli processes for a test file: temporary
 * lightning-dirs and the daemons started in them, every one killed and
 * removed after the file's tests (the afterAll is registered when the pool
 * is made, at the file's top level, so it runs after the file's own).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { killDaemon, scriptCommand, spawnDaemon, waitForRpc } from '../../src/cli/spawn-daemon.js';
import type { DaemonProcess } from '../../src/cli/spawn-daemon.js';
import type { RpcClient } from '../../src/rpc/client.js';
import type { GetInfoResult } from '../../src/rpc/methods.js';

export interface RunningDaemon {
  dir: string;
  proc: DaemonProcess;
  rpc: RpcClient;
  info: GetInfoResult;
  id: string;
  /** The port of its first IPv4 TCP binding. */
  port: number;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** lnconnect-cli with these arguments: its exit code and output. */
export function runCli(args: readonly string[]): Promise<CliResult> {
  const { cmd, args: pre } = scriptCommand('lnconnect-cli');
  return new Promise((resolve) => {
    execFile(cmd, [...pre, ...args], (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr }));
  });
}

export class DaemonPool {
  readonly #prefix: string;
  readonly #dirs: string[] = [];
  readonly #procs: DaemonProcess[] = [];
  readonly #rpcs: RpcClient[] = [];

  /** `prefix`: the temporary directories' name prefix, e.g. 'lnc-sig-'. */
  constructor(prefix: string) {
    this.#prefix = prefix;
    afterAll(() => this.cleanup());
  }

  /** A new temporary lightning-dir, removed after the file's tests. */
  async tmp(): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), this.#prefix));
    this.#dirs.push(d);
    return d;
  }

  /** lnconnectd on `dir` with exactly `args` (not waited for). */
  spawn(dir: string, args: readonly string[]): DaemonProcess {
    const p = spawnDaemon({ lightningDir: dir, args: [...args] });
    this.#procs.push(p);
    return p;
  }

  /** lnconnectd started and answering: `args` may depend on its directory (a new one unless given). */
  async start(args: readonly string[] | ((dir: string) => readonly string[]), dir?: string): Promise<RunningDaemon> {
    const d = dir ?? (await this.tmp());
    const proc = this.spawn(d, typeof args === 'function' ? args(d) : args);
    const rpc = await waitForRpc(proc);
    this.#rpcs.push(rpc);
    const info = await rpc.call<GetInfoResult>('getinfo');
    const b = info.binding.find((x) => x.type === 'ipv4');
    if (b === undefined || !('port' in b)) throw new Error(`no ipv4 binding: ${JSON.stringify(info.binding)}`);
    return { dir: d, proc, rpc, info, id: info.id, port: b.port };
  }

  async cleanup(): Promise<void> {
    for (const rpc of this.#rpcs) rpc.close();
    await Promise.all(this.#procs.map((p) => killDaemon(p)));
    await Promise.all(this.#dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}
