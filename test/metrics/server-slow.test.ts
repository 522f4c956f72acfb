/**
 * The metrics server's request deadline (src/metrics/server.ts) holds as
 * set: an idle client and one trickling its headers (slowloris) are closed
 * once it passes, not up to 30 s later, when Node's default
 * connectionsCheckingInterval would first look. With 16 connections at most,
 * that is how long a slow client can keep a scraper out.
 */
import { connect } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { serveMetrics } from '../../src/metrics/server.js';
import type { MetricsServer } from '../../src/metrics/server.js';
import { within } from '../node/helpers.js';

const open: MetricsServer[] = [];
const timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('metrics server request deadline', () => {
  it('closes an idle client and a slowloris once the request timeout passed', async () => {
    const server = await serveMetrics(new Registry(), { host: '127.0.0.1', port: 0 }, 16, 300);
    open.push(server);
    const idle = connect(server.addr.port, '127.0.0.1');
    const slow = connect(server.addr.port, '127.0.0.1');
    const closed = [idle, slow].map((s) => {
      s.on('error', () => undefined);
      return new Promise<void>((r) => s.once('close', () => r()));
    });
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.write('GET /metrics HTTP/1.1\r\n');
    timers.push(setInterval(() => slow.write('X-Slow: 1\r\n'), 50));
    await within(Promise.all(closed)); // the 30 s default check would not have looked yet
    expect(idle.destroyed && slow.destroyed).toBe(true);
  });
});
