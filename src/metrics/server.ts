/**
 * lnconnectd's `--metrics-addr=HOST:PORT`: the node's metrics as Prometheus
 * text at `GET /metrics` over node:http (404 for any other path, 405 for
 * another method). Opened after the node, closed with the daemon; a port
 * that cannot be bound is a `MetricsListenError` naming the address (the
 * daemon then exits 1). Scrapes are answered from the registry at request
 * time: nothing is computed between scrapes. What a scraper can hold is
 * bounded: MAX_METRICS_CONNECTIONS connections, each with one response at a
 * time (a pipelined request closes the connection), requests timed out.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsAddr {
  host: string;
  port: number;
}

/** `HOST:PORT` or `[IPv6]:PORT` (port 0: any free port); null when it is not one. */
export function parseMetricsAddr(text: string): MetricsAddr | null {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(text);
  if (m === null) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  return { host: m[1] as string, port };
}

export function formatMetricsAddr(a: MetricsAddr): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** The metrics address could not be bound: the message names it and the cause. */
export class MetricsListenError extends Error {
  constructor(addr: MetricsAddr, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'address already in use' : code ?? (cause as Error).message;
    super(`cannot listen on ${formatMetricsAddr(addr)}: ${why}`);
    this.name = 'MetricsListenError';
  }
}

export interface MetricsServer {
  /** The address actually bound (port 0 resolved). */
  readonly addr: MetricsAddr;
  close(): Promise<void>;
}

async function answer(registry: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: metrics are at /metrics\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
    return;
  }
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Scrapers connected at once; more are closed at accept (a scraper needs one). */
export const MAX_METRICS_CONNECTIONS = 16;
/** A request's headers and body must arrive within this long (an idle connection's first request too). */
export const METRICS_REQUEST_TIMEOUT_MS = 10_000;

/** How often the deadline is checked at most (Node's default, 30 s, would let a slow client stay three times as long). */
const DEADLINE_CHECK_MS = 1_000;

/** Serve `registry` at http://addr/metrics. */
export async function serveMetrics(
  registry: Registry,
  addr: MetricsAddr,
  maxConnections = MAX_METRICS_CONNECTIONS,
  requestTimeoutMs = METRICS_REQUEST_TIMEOUT_MS,
): Promise<MetricsServer> {
  /** Connections with a response under way: a request arriving on one is pipelined. */
  const answering = new WeakSet<object>();
  const server: Server = createServer({ connectionsCheckingInterval: Math.min(DEADLINE_CHECK_MS, requestTimeoutMs) }, (req, res) => {
    // A scraper waits for each response. Pipelined requests would queue one response each, unread
    // (2,000 of them in 50 KB of input), so the connection is closed instead: one response at most.
    const socket = req.socket;
    if (answering.has(socket)) {
      socket.destroy();
      return;
    }
    answering.add(socket);
    const done = (): void => void answering.delete(socket);
    res.once('finish', done);
    res.once('close', done);
    answer(registry, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`metrics failed: ${String(err)}\n`);
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  // What an idle or slow client can hold: a few sockets, each for a bounded time.
  server.maxConnections = maxConnections;
  server.headersTimeout = requestTimeoutMs;
  server.requestTimeout = requestTimeoutMs;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(addr.port, addr.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    server.close();
    throw new MetricsListenError(addr, err);
  }
  const bound = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    addr: { host: addr.host, port: bound.port },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
