import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsListenError, serveMetrics } from '../../src/metrics/server.js';
import type { MetricsServer } from '../../src/metrics/server.js';
import { samples } from './prom-text.js';

const open: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(registry: Registry, max?: number): Promise<{ server: MetricsServer; url: string }> {
  const server = await serveMetrics(registry, { host: '127.0.0.1', port: 0 }, max);
  open.push(server);
  return { server, url: `http://127.0.0.1:${server.addr.port}` };
}

describe('metrics HTTP server', () => {
  it('serves the registry at /metrics, 404 elsewhere, 405 for other methods', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'x_total', help: 'x', registers: [registry] });
    const { url } = await serve(registry);
    c.inc(3);
    const res = await fetch(`${url}/metrics?x=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    expect(samples(await res.text()).get('x_total')).toBe(3);
    const missing = await fetch(`${url}/other`);
    expect(missing.status).toBe(404);
    await missing.text();
    const post = await fetch(`${url}/metrics`, { method: 'POST', body: 'a' });
    expect(post.status).toBe(405);
    await post.text();
  });

  it('a port in use is a MetricsListenError naming the address', async () => {
    const { server } = await serve(new Registry());
    const again = serveMetrics(new Registry(), { host: '127.0.0.1', port: server.addr.port });
    await expect(again).rejects.toThrow(MetricsListenError);
    await expect(again).rejects.toThrow(`cannot listen on 127.0.0.1:${server.addr.port}: address already in use`);
  });

  it('holds at most maxConnections idle clients; close() ends them and frees the port', async () => {
    const { server } = await serve(new Registry(), 2);
    const sockets: Socket[] = [];
    const closed: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const s = connect(server.addr.port, '127.0.0.1');
      s.on('error', () => undefined);
      const idx = closed.push(false) - 1;
      s.on('close', () => (closed[idx] = true));
      sockets.push(s);
      await new Promise<void>((r) => s.once('connect', () => r()));
    }
    for (let end = Date.now() + 3000; !closed[2] && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
    expect(closed).toEqual([false, false, true]);
    await server.close();
    for (let end = Date.now() + 3000; !(closed[0] && closed[1]) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
    expect(closed).toEqual([true, true, true]);
    const refused = await new Promise<string>((resolve) => {
      const s = connect(server.addr.port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve('connected')));
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
