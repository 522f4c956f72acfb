/**
 * lnconnectd's metrics (`--metrics-addr`): a prom-client Registry of the
 * daemon's own (never the global one) holding the node's metrics
 * (./metrics.ts, registered there by `createNode({ metrics: registry })`)
 * and prom-client's process and Node.js defaults (CPU, memory, file
 * descriptors, event-loop lag), served at http://HOST:PORT/metrics
 * (./server.ts). The address is bound first, before the node key or the
 * node exist, so a port in use stops the daemon with nothing created; the
 * server closes with the daemon.
 */
import type { Registry } from 'prom-client';
import { serveMetrics } from './server.js';
import type { MetricsAddr, MetricsServer } from './server.js';

export interface DaemonMetrics {
  readonly registry: Registry;
  readonly server: MetricsServer;
  close(): Promise<void>;
}

/** Event-loop lag sampling of the default metrics, ms (prom-client's default is 10). */
export const EVENT_LOOP_PRECISION_MS = 10;

/** Bind `addr` and serve a fresh registry there; throws a MetricsListenError when it cannot be bound. */
export async function startDaemonMetrics(addr: MetricsAddr): Promise<DaemonMetrics> {
  const { Registry, collectDefaultMetrics } = await import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS });
  const server = await serveMetrics(registry, addr);
  return { registry, server, close: () => server.close() };
}
