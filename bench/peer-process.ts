/**
 * The benchmark's other process (started by bench/child.ts with
 * `node --expose-gc --import tsx`): the side being measured, isolated so
 * its CPU time (process.cpuUsage), memory (process.memoryUsage after gc) and
 * event-loop delay (perf_hooks.monitorEventLoopDelay) are its own. It is an
 * lnconnect listener, a node-lightning listener, or a swarm of raw BOLT 8
 * initiators (bench/raw-peer.ts), driven over the IPC channel: one request
 * `{ seq, op, args }`, one reply `{ seq, ok, value | error }`.
 *
 * A "ready" peer is one whose init exchange finished (lnconnect: the
 * peer_connected hook ran; node-lightning: its `ready` event).
 */
import type { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { createNode } from '../src/index.js';
import type { Node } from '../src/node.js';
import { chainHashOf } from '../src/bolt1/index.js';
import { fastBackend, selectCryptoBackend } from '../src/crypto/index.js';
import type { NlListener } from './nl.js';
import { nlListen } from './nl.js';
import { rawDial } from './raw-peer.js';

const REGTEST = chainHashOf('regtest');

export interface Window {
  /** Listener CPU time (user + system) since `mark`, microseconds. */
  cpuUs: number;
  /** Peers that became ready since `mark`. */
  ready: number;
  /** Event-loop delay since `mark`, milliseconds. */
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
}

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

let node: Node | null = null;
let nl: NlListener | null = null;
let messages = 0;
let ready = 0;
let readyWaiters: { n: number; resolve: () => void }[] = [];
let markCpu = process.cpuUsage();
let eld: IntervalHistogram | null = null;
const raw: Socket[] = [];

function peerReady(): void {
  ready += 1;
  readyWaiters = readyWaiters.filter((w) => {
    if (ready < w.n) return true;
    w.resolve();
    return false;
  });
}

function cpuSinceMark(): number {
  const d = process.cpuUsage(markCpu);
  return d.user + d.system;
}

const ms = (ns: number): number => ns / 1e6;

function windowNow(): Window {
  const h = eld;
  return {
    cpuUs: cpuSinceMark(),
    ready,
    eldP50Ms: h === null ? 0 : ms(h.percentile(50)),
    eldP99Ms: h === null ? 0 : ms(h.percentile(99)),
    eldMaxMs: h === null ? 0 : ms(h.max),
  };
}

function memory(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

type Args = Record<string, unknown>;
const ops: Record<string, (a: Args) => unknown> = {
  async lnListen(a) {
    node = await createNode({
      network: 'regtest',
      crypto: a.crypto as 'fast' | 'portable',
      listen: [{ host: '127.0.0.1', port: 0 }],
      maxInboundHandshakes: a.maxInboundHandshakes as number,
      peerConnectedHook: () => {
        peerReady();
        return { result: 'continue' };
      },
    });
    node.onMessage(() => {
      messages += 1;
    });
    const b = node.bindings[0];
    if (b === undefined || b.type === 'local socket') throw new Error('no TCP binding');
    return { id: node.id, port: b.port, crypto: node.cryptoBackend };
  },
  async nlListen(a) {
    nl = await nlListen(Uint8Array.from(a.secret as number[]), [REGTEST], () => peerReady());
    return { id: nl.id, port: nl.port };
  },
  /** Starts a measurement window: CPU and ready count from now, and an event-loop delay histogram. */
  mark() {
    eld?.disable();
    eld = monitorEventLoopDelay({ resolution: 5 });
    eld.enable();
    ready = 0;
    messages = 0;
    markCpu = process.cpuUsage();
    return null;
  },
  /** Waits until `n` peers became ready since `mark` (or `timeoutMs`), then reports the window. */
  async waitReady(a) {
    const n = a.n as number;
    if (ready < n) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, a.timeoutMs as number);
        readyWaiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
    const w = windowNow();
    eld?.disable();
    eld = null;
    return w;
  },
  window: () => windowNow(),
  /** Connected peers right now (for waiting out a teardown). */
  peers: () => (node !== null ? node.listPeers().length : nl !== null ? nl.open.size : raw.filter((s) => !s.destroyed).length),
  messages: () => messages,
  memory: () => memory(),
  /** Raw initiators: `count` dials, `concurrency` at a time; resolves when all finished init (or failed). */
  async rawDial(a) {
    const crypto = selectCryptoBackend(a.crypto as 'fast' | 'portable');
    const remoteStatic = Buffer.from(a.remoteId as string, 'hex');
    const count = a.count as number;
    const concurrency = a.concurrency as number;
    const sources = a.sources as number;
    let next = 0;
    let failed = 0;
    let retried = 0;
    let firstError: string | undefined;
    const t0 = performance.now();
    const lane = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        // A dial the listener resets (accept queue full) is retried twice; `retried` counts those.
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            raw.push(await rawDial({ crypto, host: '127.0.0.1', port: a.port as number, remoteStatic, localAddress: `127.0.0.${2 + (i % sources)}` }));
            break;
          } catch (err) {
            firstError ??= err instanceof Error ? err.message : String(err);
            if (attempt === 2) failed += 1;
            else retried += 1;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
    return { ms: performance.now() - t0, ok: count - failed, failed, retried, firstError };
  },
  async rawClose() {
    const open = raw.splice(0).filter((s) => !s.destroyed);
    await Promise.all(open.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve()).destroy())));
    return null;
  },
  async close() {
    await ops.rawClose!({});
    await node?.close();
    await nl?.close();
    node = null;
    nl = null;
    setImmediate(() => process.exit(0));
    return null;
  },
};

fastBackend(); // fail early and loudly if the native addon is missing

process.on('message', (msg: { seq: number; op: string; args: Args }) => {
  const op = ops[msg.op];
  Promise.resolve()
    .then(() => {
      if (op === undefined) throw new Error(`unknown op ${msg.op}`);
      return op(msg.args);
    })
    .then(
      (value) => process.send?.({ seq: msg.seq, ok: true, value }),
      (err: unknown) => process.send?.({ seq: msg.seq, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
    );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ seq: 0, ok: true, value: 'up' });
