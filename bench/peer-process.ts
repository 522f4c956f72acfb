/**
 * The benchmark's other process (started by bench/child.ts with
 * `node --expose-gc --import tsx`): the side being measured, isolated so
 * its CPU time (process.cpuUsage), memory (process.memoryUsage after gc) and
 * event-loop delay (perf_hooks.monitorEventLoopDelay) are its own. It is an
 * lnconnect listener (public API only: `createNode`), a node-lightning
 * listener, or a swarm of the bench's independent BOLT 8 initiators
 * (bench/raw-peer.ts), driven over the IPC channel: one request
 * `{ seq, op, args }`, one reply `{ seq, ok, value | error }`.
 *
 * A "ready" peer is one whose init exchange finished (lnconnect: the
 * peer_connected hook ran; node-lightning: its `ready` event).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { createNode } from './lib.js';
import type { Node } from '../src/index.js';
import type { NlListener } from './nl.js';
import { nlListen } from './nl.js';
import type { RawPeer } from './raw-peer.js';
import { RawTimeoutError, nodeLightningCurveIsNative, rawConnectOnce, rawDial } from './raw-peer.js';
import { REGTEST_CHAIN } from './wire.js';

export interface Window {
  /** Listener CPU time (user + system) since `mark`, microseconds. */
  cpuUs: number;
  /** Wall time since `mark`, milliseconds. */
  wallMs: number;
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
let markWall = performance.now();
let eld: IntervalHistogram | null = null;
const raw: RawPeer[] = [];

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
    wallMs: performance.now() - markWall,
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
      // `websocket`: the same listener over RFC 6455 (bench/ws.ts)
      listen: [{ host: '127.0.0.1', port: 0, ...(a.websocket === true ? { websocket: true } : {}) }],
      maxInboundHandshakes: a.maxInboundHandshakes as number,
      // The bench's clients come from a few 127.0.0.x: measure throughput, not the per-address bound.
      maxInboundHandshakesPerAddress: a.maxInboundHandshakes as number,
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
    nl = await nlListen(Uint8Array.from(a.secret as number[]), [REGTEST_CHAIN], () => peerReady());
    return { id: nl.id, port: nl.port };
  },
  /**
   * Starts a measurement window: CPU and ready count from now, and (unless
   * `eld` is false) an event-loop delay histogram. The histogram's 5 ms
   * timer costs ~13 ms of CPU per second by itself, so CPU-per-connect
   * windows run without it.
   */
  mark(a) {
    eld?.disable();
    eld = null;
    if (a.eld !== false) {
      eld = monitorEventLoopDelay({ resolution: 5 });
      eld.enable();
    }
    ready = 0;
    messages = 0;
    markCpu = process.cpuUsage();
    markWall = performance.now();
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
  peers: () => (node !== null ? node.listPeers().length : nl !== null ? nl.open.size : raw.filter((p) => !p.socket.destroyed).length),
  messages: () => messages,
  memory: () => memory(),
  /**
   * Waits until the peer `id` (a client that closed) is gone from the
   * listener, polling every 2 ms (lnconnect: `listPeers(id)` shows it no
   * longer connected; node-lightning: no open peer with that key), then
   * `tailMs` more for any deferred cleanup, then reports the window. Called
   * after a client's last connect, so the listener's teardown of it is
   * inside the window.
   */
  async settle(a) {
    const id = a.id as string;
    const end = performance.now() + (a.timeoutMs as number);
    const gone = (): boolean =>
      node !== null ? node.listPeers(id).every((p) => !p.connected) : nl !== null ? ![...nl.open].some((p) => p.socket.rpk?.toString('hex') === id) : true;
    while (!gone() && performance.now() < end) await new Promise((r) => setTimeout(r, 2));
    const settled = gone();
    await new Promise((r) => setTimeout(r, a.tailMs as number));
    return { ...windowNow(), settled };
  },
  /** Raw initiators: `count` dials, `concurrency` at a time; resolves when all finished init (or failed). They stay connected. */
  async rawDial(a) {
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
        // A dial the listener resets (accept queue full) is retried twice; `retried` counts those. A timeout is not retried.
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            raw.push(await rawDial({ host: '127.0.0.1', port: a.port as number, remoteStatic, localAddress: `127.0.0.${2 + (i % sources)}` }));
            break;
          } catch (err) {
            firstError ??= err instanceof Error ? err.message : String(err);
            if (attempt === 2 || err instanceof RawTimeoutError) {
              failed += 1;
              break;
            }
            retried += 1;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
    return { ms: performance.now() - t0, ok: count - failed, failed, retried, firstError };
  },
  /**
   * `count` whole connects (bench/raw-peer.ts `rawConnectOnce`: BOLT 8, init
   * both ways, one ping/pong, close), `concurrency` at a time (1 =
   * sequential), each by a fresh node id. Returns the last client's id (for
   * `settle` on the listener).
   */
  async rawCycles(a) {
    const remoteStatic = Buffer.from(a.remoteId as string, 'hex');
    const count = a.count as number;
    let next = 0;
    let ok = 0;
    let failed = 0;
    let lastId = '';
    let firstError: string | undefined;
    const t0 = performance.now();
    const lane = async (): Promise<void> => {
      while (next < count) {
        next += 1;
        try {
          lastId = await rawConnectOnce({ host: '127.0.0.1', port: a.port as number, remoteStatic });
          ok += 1;
        } catch (err) {
          firstError ??= err instanceof Error ? err.message : String(err);
          failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(a.concurrency as number, count) }, lane));
    return { ms: performance.now() - t0, ok, failed, lastId, firstError };
  },
  async rawClose() {
    const open = raw.splice(0).filter((p) => !p.socket.destroyed);
    await Promise.all(open.map((p) => new Promise<void>((resolve) => p.socket.once('close', () => resolve()).destroy())));
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

if (!nodeLightningCurveIsNative()) console.error('bench: node-lightning loaded pure-JS elliptic instead of libsecp256k1: the bench client is ~20x slower than it should be');

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
