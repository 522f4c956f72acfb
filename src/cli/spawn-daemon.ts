/**
 * Start an `lnconnectd` child process and wait for its RPC socket: shared by
 * the demo and the daemon tests. Runs the built `dist/cli/lnconnectd.js` next
 * to this file, or `lnconnectd.ts` through tsx when running from sources.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpcClient } from '../rpc/client.js';

const POLL_MS = 50;

/** The command that runs a sibling CLI script (`lnconnectd` or `lnconnect-cli`). */
export function scriptCommand(name: 'lnconnectd' | 'lnconnect-cli'): { cmd: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const fromSources = self.endsWith('.ts');
  const script = fileURLToPath(new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, import.meta.url));
  return { cmd: process.execPath, args: fromSources ? ['--import', 'tsx', script] : [script] };
}

export interface DaemonProcess {
  child: ChildProcess;
  rpcFile: string;
  /** Everything the daemon wrote to stderr and stdout so far. */
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export interface SpawnDaemonOptions {
  lightningDir: string;
  network?: string;
  /** Extra options; the caller passes `--addr=127.0.0.1:0` in tests. */
  args?: readonly string[];
  rpcFile?: string;
  /** How long to wait for the socket. */
  startTimeoutMs?: number;
}

export function spawnDaemon(o: SpawnDaemonOptions): DaemonProcess {
  const network = o.network ?? 'regtest';
  const rpcFile = o.rpcFile ?? join(o.lightningDir, network, 'lightning-rpc');
  const { cmd, args } = scriptCommand('lnconnectd');
  const child = spawn(cmd, [...args, `--lightning-dir=${o.lightningDir}`, `--network=${network}`, ...(o.rpcFile === undefined ? [] : [`--rpc-file=${o.rpcFile}`]), ...(o.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return { child, rpcFile, output: () => out, exited };
}

/** Poll the daemon's socket until it answers; rejects if the daemon exits first or time runs out. */
export async function waitForRpc(d: DaemonProcess, timeoutMs = 20_000): Promise<RpcClient> {
  let exitedWith: number | string | undefined;
  void d.exited.then((c) => (exitedWith = c));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitedWith !== undefined) throw new Error(`lnconnectd exited (${exitedWith}) before its RPC socket was ready:\n${d.output()}`);
    try {
      return await RpcClient.connect(d.rpcFile);
    } catch {
      if (Date.now() > deadline) throw new Error(`lnconnectd's RPC socket ${d.rpcFile} not ready after ${timeoutMs} ms:\n${d.output()}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function killDaemon(d: DaemonProcess, graceMs = 5000): Promise<number | string> {
  if (d.child.exitCode !== null || d.child.signalCode !== null) return d.exited;
  d.child.kill('SIGTERM');
  const t = setTimeout(() => d.child.kill('SIGKILL'), graceMs);
  try {
    return await d.exited;
  } finally {
    clearTimeout(t);
  }
}
