/**
 * A node's observation point as `createNode` builds it: the log lines of
 * the logger's enabled levels and, when `options.metrics` asks for them, the
 * Prometheus metrics — prom-client is imported only then.
 */
import type { Logger } from 'pino';
import type { NodeMetrics } from '../metrics/metrics.js';
import type { NodeOptions } from '../types.js';
import { logObserver } from './log-observer.js';
import { combineObservers } from './observer.js';
import type { Observer } from './observer.js';

export async function nodeObserver(options: NodeOptions, log: Logger): Promise<{ observer: Observer; metrics: NodeMetrics | undefined }> {
  const m = options.metrics;
  const metrics = m === undefined || m === false ? undefined : new (await import('../metrics/metrics.js')).NodeMetrics(m === true ? undefined : m);
  return { observer: combineObservers([logObserver(log), metrics]), metrics };
}
