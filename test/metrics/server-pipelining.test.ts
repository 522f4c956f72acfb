/**
 * A hostile scraper cannot make the metrics server (src/metrics/server.ts)
 * hold responses it does not read: pipelined requests (a second request
 * before the first response is done) close the connection, so one
 * connection costs at most one response. Before this, 140 KB of pipelined
 * `GET /metrics` on each of 16 connections that never read held ~1 GB.
 * A scraper that waits for each response keeps its connection (keep-alive).
 */
import http from 'node:http';
import { connect } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { serveMetrics } from '../../src/metrics/server.js';
import type { MetricsServer } from '../../src/metrics/server.js';
import { within } from '../node/helpers.js';

const open: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(): Promise<MetricsServer> {
  const registry = new Registry();
  new Counter({ name: 'x_total', help: 'x'.repeat(2000), registers: [registry] }).inc();
  const server = await serveMetrics(registry, { host: '127.0.0.1', port: 0 });
  open.push(server);
  return server;
}

describe('metrics server and pipelined requests', () => {
  it('closes a connection that pipelines requests it does not read, having answered at most one', async () => {
    const server = await serve();
    const s = connect(server.addr.port, '127.0.0.1');
    s.on('error', () => undefined);
    let received = '';
    s.on('data', (d: Buffer) => (received += d.toString('latin1')));
    s.pause(); // not reading while the server works through the pipeline
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(2000));
    await new Promise((r) => setTimeout(r, 200));
    s.resume();
    await within(closed);
    expect(received.split('HTTP/1.1 200').length - 1).toBeLessThanOrEqual(1);
  });

  it('keeps serving a keep-alive scraper that waits for each response', async () => {
    const server = await serve();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (): Promise<{ status: number; reused: boolean }> =>
      new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: server.addr.port, path: '/metrics', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    try {
      expect(await get()).toEqual({ status: 200, reused: false });
      expect(await get()).toEqual({ status: 200, reused: true });
      expect(await get()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });
});
