/**
 * Issue 13, items 4 and 7 with real lnconnectd processes on loopback: the
 * log lines at each level (io, debug, info) and the Prometheus text scraped
 * from --metrics-addr, moving as connects succeed and fail; 404 elsewhere;
 * the metrics server closed with the daemon; a metrics port in use is exit 1
 * with a clear message and no key left behind. The node secret never appears
 * in an io-level log of a full connect.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { samples } from '../metrics/prom-text.js';
import { DaemonPool } from '../helpers/daemons.js';
import type { RunningDaemon } from '../helpers/daemons.js';

type Running = RunningDaemon;

/** secp256k1's generator as a node id: nobody here holds its key. */
const NOBODY = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';

type Line = { level: number; msg: string } & Record<string, unknown>;

const pool = new DaemonPool('lnc-obs-');
const tmp = (): Promise<string> => pool.tmp();
const start = (level: string, extra: string[] = []): Promise<Running> =>
  pool.start((dir) => ['--addr=127.0.0.1:0', `--log-level=${level}`, `--log-file=${join(dir, 'log')}`, ...extra]);

async function logOf(r: Running): Promise<Line[]> {
  const text = await readFile(join(r.dir, 'log'), 'utf8');
  return text.trim().split('\n').map((l) => JSON.parse(l) as Line);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

let A: Running; // io, with metrics
let B: Running; // debug
let C: Running; // info
let metricsUrl: string;

async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(metricsUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return samples(await res.text());
}

beforeAll(async () => {
  [A, B, C] = await Promise.all([start('io', ['--metrics-addr=127.0.0.1:0']), start('debug'), start('info')]);
  const line = (await logOf(A)).find((l) => l.msg.startsWith('Metrics at '));
  metricsUrl = String(line?.metrics);
  expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
}, 60_000);

describe('lnconnectd logs and metrics (items 4 and 7)', () => {
  it('scrapes change as expected: connects, a failed connect, inbound peers, RPC by method, 404 elsewhere', async () => {
    const before = await scrape();
    expect(before.get('lnconnect_peers{direction="in"}')).toBe(0);
    expect(before.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect([...before.keys()].some((k) => k.startsWith('nodejs_eventloop_lag'))).toBe(true);
    expect(before.get('lnconnect_event_loop_delay_seconds_count')).toBeGreaterThan(0);

    const dead = await freePort();
    // B: a refused address first (logged at debug), then the real one.
    await expect(B.rpc.call('connect', [`${A.id}@127.0.0.1:${dead}`])).rejects.toMatchObject({ code: 401 });
    await B.rpc.call('connect', [`${A.id}@127.0.0.1:${A.port}`]);
    await C.rpc.call('connect', [`${A.id}@127.0.0.1:${A.port}`]);
    // A dials a dead port itself (a peer it is not connected to): a failed attempt at establishment.
    await expect(A.rpc.call('connect', [`${NOBODY}@127.0.0.1:${dead}`])).rejects.toMatchObject({ code: 401 });
    await expect(A.rpc.call('nosuchmethod', [])).rejects.toMatchObject({ code: -32601 });

    await eventually(async () => (await scrape()).get('lnconnect_peers{direction="in"}') === 2, 'A counts two inbound peers');
    const after = await scrape();
    expect(after.get('lnconnect_inbound_total{event="admitted"}')).toBe(2);
    expect(after.get('lnconnect_handshake_duration_seconds_count{direction="in"}')).toBe(2);
    expect(after.get('lnconnect_init_duration_seconds_count{direction="in"}')).toBe(2);
    expect(after.get('lnconnect_connect_attempts_total{outcome="all_failed",stage="establishment"}')).toBe(1);
    expect(after.get('lnconnect_address_failures_total{direction="out",stage="establishment"}')).toBe(1);
    expect(after.get('lnconnect_rpc_requests_total{method="connect",result="error"}')).toBe(1);
    expect(after.get('lnconnect_rpc_requests_total{method="other",result="error"}')).toBe(1);
    expect(after.get('lnconnect_rpc_requests_total{method="getinfo",result="ok"}')).toBe(1);
    expect([...after.keys()].some((k) => k.includes('nosuchmethod'))).toBe(false);

    await C.rpc.call('disconnect', [A.id]);
    await eventually(async () => (await scrape()).get('lnconnect_peers{direction="in"}') === 1, 'A counts the disconnect');

    const other = await fetch(metricsUrl.replace('/metrics', '/'));
    expect(other.status).toBe(404);
    await other.text();
  });

  it('io: messages by type and length, info lines for peers, and never the node secret', async () => {
    await eventually(async () => (await logOf(A)).some((l) => l.msg === 'Peer disconnected'), 'A logs the disconnect');
    const lines = await logOf(A);
    expect(lines).toContainEqual(expect.objectContaining({ level: 10, peer: B.id, type: 16, msg: '[IN] init' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 10, peer: B.id, type: 16, msg: '[OUT] init' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'Peer connected', peer: B.id, direction: 'in' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'Peer disconnected', peer: C.id, direction: 'in', reason: 'peer closed connection' }));
    const secret = (await readFile(join(A.dir, 'regtest', 'node_secret'))).toString('hex');
    const raw = (await readFile(join(A.dir, 'log'), 'utf8')).toLowerCase();
    expect(secret).toHaveLength(64);
    expect(raw).not.toContain(secret);
  });

  it('debug: the refused address of an attempt, with its direction and the peer id; no io lines', async () => {
    const lines = await logOf(B);
    expect(lines).toContainEqual(expect.objectContaining({
      level: 20, peer: A.id, msg: expect.stringMatching(/^Failed connected out: 127\.0\.0\.1:\d+: Connection establishment: Connection refused$/) as unknown,
    }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'Peer connected', peer: A.id, direction: 'out', addr: `127.0.0.1:${A.port}` }));
    expect(lines.some((l) => l.level < 20)).toBe(false);
  });

  it('info: connected and disconnected with direction, address and reason; nothing below info', async () => {
    const lines = await logOf(C);
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'Peer connected', peer: A.id, direction: 'out', addr: `127.0.0.1:${A.port}` }));
    expect(lines).toContainEqual(expect.objectContaining({
      level: 30, msg: 'Peer disconnected', peer: A.id, direction: 'out', addr: `127.0.0.1:${A.port}`, reason: 'disconnected by request',
    }));
    expect(lines.some((l) => l.level < 30)).toBe(false);
  });

  it('the metrics server closes with the daemon', async () => {
    const port = Number(new URL(metricsUrl).port);
    await A.rpc.call('stop', []);
    expect(await A.proc.exited).toBe(0);
    const refused = await new Promise<string>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve('connected')));
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('a metrics port in use is exit 1 naming the address, with no node key created', async () => {
    const held: Server = createServer();
    await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
    const port = (held.address() as { port: number }).port;
    try {
      const dir = await tmp();
      const proc = pool.spawn(dir, ['--addr=127.0.0.1:0', `--metrics-addr=127.0.0.1:${port}`]);
      expect(await proc.exited).toBe(1);
      expect(proc.output()).toContain(`lnconnectd: --metrics-addr: cannot listen on 127.0.0.1:${port}: address already in use`);
      expect(existsSync(join(dir, 'regtest', 'node_secret'))).toBe(false);
    } finally {
      await new Promise<void>((r) => held.close(() => r()));
    }
  });
});
