/**
 * Options a runtime passes to `createNode`, checked before anything is
 * opened: an unknown network, a negative or non-finite duration, a limit that
 * is not a positive integer is a TypeError/RangeError naming the option.
 */
import type { NodeOptions } from './types.js';

const NETWORKS = ['bitcoin', 'testnet', 'testnet4', 'signet', 'regtest'];

const DURATIONS = [
  'connectTimeoutMs', 'handshakeTimeoutMs', 'dialStaggerMs', 'subdaemonTimeoutMs', 'actOneTimeoutMs', 'actThreeTimeoutMs',
  'reconnectInitialMs', 'reconnectMaxMs', 'reconnectResetMs',
] as const;

const LIMITS = [
  'maxConnectInFlight', 'maxInboundHandshakes', 'maxInboundHandshakesPerAddress', 'peerOutputPauseBytes', 'peerOutputMaxBytes', 'outputBudgetBytes',
] as const;

export function checkNodeOptions(options: NodeOptions): void {
  const o = options as Record<string, unknown>;
  if (o.network !== undefined && (typeof o.network !== 'string' || !NETWORKS.includes(o.network))) {
    throw new TypeError(`network: unknown network ${JSON.stringify(o.network)} (expected one of ${NETWORKS.join(', ')})`);
  }
  for (const name of DURATIONS) {
    const v = o[name];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`${name}: must be a finite number of milliseconds >= 0, got ${typeof v === 'number' ? String(v) : typeof v}`);
    }
  }
  for (const name of LIMITS) {
    const v = o[name];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new RangeError(`${name}: must be a positive integer, got ${typeof v === 'number' ? String(v) : typeof v}`);
    }
  }
  if (o.dataDir !== undefined && (typeof o.dataDir !== 'string' || o.dataDir === '')) {
    throw new TypeError(`dataDir: must be a non-empty path, got ${JSON.stringify(o.dataDir)}`);
  }
  if (o.onError !== undefined && typeof o.onError !== 'function') {
    throw new TypeError('onError: must be a function');
  }
  const m = o.metrics as { registerMetric?: unknown } | undefined;
  if (m !== undefined && typeof m !== 'boolean' && (typeof m !== 'object' || m === null || typeof m.registerMetric !== 'function')) {
    throw new TypeError('metrics: must be true, false or a prom-client Registry');
  }
}
