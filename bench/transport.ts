/**
 * Transport benchmark (issue 7 §3): BOLT 8-encrypted BOLT 1 messages over
 * 127.0.0.1 between two connected lnconnect nodes, at 100 and 65535 bytes
 * per message (type 2 bytes + payload; type 32769, an odd custom type that
 * BOLT 1 says to ignore). The sender runs in this process
 * (`node.sendMessage`), the receiver in a child process (its CPU time per
 * message is its own). Flow control is in-band: after each window of
 * messages the sender sends a ping (num_pong_bytes = 1) and at most two
 * windows are in flight; the pong proves the receiver decrypted everything
 * before it (BOLT 1 messages are in order). Median over the rounds.
 */
import { createNode } from '../src/index.js';
import type { Node } from '../src/index.js';
import type { BenchOptions, BenchSection, SectionResult } from './harness.js';
import { fmt, fmtInt } from './harness.js';
import { BenchChild } from './child.js';
import type { Window } from './child.js';
import { median } from './stats.js';
import { encodePing } from './wire.js';

const CUSTOM_ODD_TYPE = 32769;
const PONG = 19;
const SIZES = [100, 65535] as const;

function message(size: number): Uint8Array {
  const m = new Uint8Array(size);
  m[0] = CUSTOM_ODD_TYPE >> 8;
  m[1] = CUSTOM_ODD_TYPE & 0xff;
  for (let i = 2; i < size; i++) m[i] = i & 0xff;
  return m;
}

interface Run {
  size: number;
  count: number;
  msgsPerSec: number;
  mbPerSec: number;
  receiverCpuUsPerMsg: number;
  received: number;
}

/** Pongs from `id`, one waiter per ping (pings are answered in order). */
function pongQueue(node: Node, id: string): { ping(): Promise<void>; off(): void } {
  const waiters: (() => void)[] = [];
  const off = node.onMessage((from, m) => {
    if (from === id && m[0] === 0 && m[1] === PONG) waiters.shift()?.();
  });
  const ping = encodePing(1);
  return {
    ping: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        node.sendMessage(id, ping);
      }),
    off,
  };
}

async function oneRun(node: Node, peerId: string, child: BenchChild, size: number, count: number): Promise<Run> {
  const msg = message(size);
  const window = size <= 1000 ? 1000 : 32;
  const pongs = pongQueue(node, peerId);
  await child.mark();
  const t0 = performance.now();
  let inFlight: Promise<void> | null = null;
  for (let sent = 0; sent < count; ) {
    const n = Math.min(window, count - sent);
    for (let i = 0; i < n; i++) node.sendMessage(peerId, msg);
    sent += n;
    const ack = pongs.ping();
    if (inFlight !== null) await inFlight;
    inFlight = ack;
  }
  await inFlight;
  const ms = performance.now() - t0;
  pongs.off();
  const w = await child.call<Window>('window');
  const received = await child.messages();
  const pings = Math.ceil(count / window);
  return {
    size,
    count,
    msgsPerSec: (count * 1000) / ms,
    mbPerSec: (count * size) / 1e6 / (ms / 1000),
    receiverCpuUsPerMsg: w.cpuUs / count,
    received: received - pings,
  };
}

export const transportSection: BenchSection = {
  name: 'transport',
  async run(options: BenchOptions): Promise<SectionResult> {
    const counts: Record<(typeof SIZES)[number], number> = options.quick ? { 100: 20_000, 65535: 800 } : { 100: 100_000, 65535: 4_000 };
    const child = await BenchChild.start();
    let sender: Node | null = null;
    const runs: Run[] = [];
    try {
      const target = await child.lnListen('fast', 100);
      sender = await createNode({ network: 'regtest', crypto: 'fast' });
      await sender.connect(target.id, '127.0.0.1', target.port);
      await oneRun(sender, target.id, child, 100, 2_000); // warm-up
      for (let round = 0; round < options.rounds; round++) {
        for (const size of SIZES) runs.push(await oneRun(sender, target.id, child, size, counts[size]));
      }
    } finally {
      await sender?.close();
      await child.close();
    }
    const med = SIZES.map((size) => {
      const rs = runs.filter((r) => r.size === size);
      return {
        size,
        count: counts[size],
        msgsPerSec: median(rs.map((r) => r.msgsPerSec)),
        mbPerSec: median(rs.map((r) => r.mbPerSec)),
        receiverCpuUsPerMsg: median(rs.map((r) => r.receiverCpuUsPerMsg)),
        lost: rs.reduce((a, r) => a + (r.count - r.received), 0),
      };
    });
    return {
      tables: [
        {
          title: `Transport over loopback, lnconnect → lnconnect (median of ${options.rounds} run(s))`,
          columns: ['message bytes', 'messages', 'messages/s', 'MB/s', 'receiver CPU µs/msg', 'lost'],
          rows: med.map((m) => [fmtInt(m.size), fmtInt(m.count), fmtInt(m.msgsPerSec), fmt(m.mbPerSec, 1), fmt(m.receiverCpuUsPerMsg, 2), `${m.lost}`]),
          notes: ['sender here, receiver in a child process; in-band flow control (a ping after each window, two windows in flight)'],
        },
      ],
      data: { medians: med, runs },
    };
  },
};
