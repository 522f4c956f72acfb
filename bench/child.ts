/**
 * Starts bench/peer-process.ts in its own process (`node --expose-gc
 * --import tsx`, IPC channel) and calls its operations: the listener or
 * swarm being measured runs there, so its CPU time, memory and event-loop
 * delay are not mixed with the dialling side's.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Memory, Window } from './peer-process.js';

export type { Memory, Window } from './peer-process.js';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'peer-process.ts');

export interface CycleResult {
  ms: number;
  ok: number;
  failed: number;
  /** Node id of the client of the last connect (for `settle`). */
  lastId: string;
  firstError?: string;
}

interface Reply {
  seq: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export class BenchChild {
  #seq = 0;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: Reply) => {
      const p = this.#pending.get(m.seq);
      if (p === undefined) return;
      this.#pending.delete(m.seq);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`bench child: ${m.error ?? 'failed'}`));
    });
    proc.on('exit', (code) => {
      for (const p of this.#pending.values()) p.reject(new Error(`bench child exited (${code})`));
      this.#pending.clear();
    });
  }

  static async start(): Promise<BenchChild> {
    const proc = fork(ENTRY, [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const child = new BenchChild(proc);
    await new Promise<void>((resolve, reject) => {
      child.#pending.set(0, { resolve: () => resolve(), reject });
    });
    child.#seq = 1;
    return child;
  }

  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const seq = this.#seq++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(seq, { resolve: (v) => resolve(v as T), reject });
      this.proc.send({ seq, op, args });
    });
  }

  /** `websocket`: listen over RFC 6455 WebSocket instead of plain TCP (bench/ws.ts). */
  lnListen(crypto: 'fast' | 'portable', maxInboundHandshakes: number, websocket = false): Promise<{ id: string; port: number; crypto: string }> {
    return this.call('lnListen', { crypto, maxInboundHandshakes, websocket });
  }
  nlListen(secret: Uint8Array): Promise<{ id: string; port: number }> {
    return this.call('nlListen', { secret: [...secret] });
  }
  /** Starts a measurement window; `eld: false` leaves out the event-loop delay monitor (its timer costs CPU). */
  mark(opts: { eld?: boolean } = {}): Promise<null> {
    return this.call('mark', { eld: opts.eld !== false });
  }
  waitReady(n: number, timeoutMs: number): Promise<Window> {
    return this.call('waitReady', { n, timeoutMs });
  }
  /** Waits until the listener no longer has peer `id` connected, then `tailMs`, then reports the window since `mark`. */
  settle(id: string, tailMs: number, timeoutMs = 10_000): Promise<Window & { settled: boolean }> {
    return this.call('settle', { id, tailMs, timeoutMs });
  }
  window(): Promise<Window> {
    return this.call('window');
  }
  /** Swarm: `count` whole connects (BOLT 8, init, one ping/pong, close) to `target`, `concurrency` at a time. */
  rawCycles(target: { id: string; port: number }, count: number, concurrency = 1): Promise<CycleResult> {
    return this.call('rawCycles', { port: target.port, remoteId: target.id, count, concurrency });
  }
  peers(): Promise<number> {
    return this.call('peers');
  }
  messages(): Promise<number> {
    return this.call('messages');
  }
  memory(): Promise<Memory> {
    return this.call('memory');
  }

  /** Waits until the child has at most `n` connected peers (a teardown finished). */
  async drainTo(n: number, timeoutMs = 30_000): Promise<void> {
    const end = performance.now() + timeoutMs;
    while ((await this.peers()) > n) {
      if (performance.now() > end) throw new Error(`bench child still has more than ${n} peers after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) resolve();
      else this.proc.once('exit', () => resolve());
    });
    // A graceful close of thousands of peers can take long: past 10 s the child is killed.
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    this.call('close').catch(() => undefined);
    await exited;
    clearTimeout(timer);
  }
}
