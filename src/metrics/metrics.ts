/**
 * A node's Prometheus metrics (issue 13, item 7), as one consumer of its
 * observation point (src/observe/observer.ts; the log lines are the other).
 * Registered in a prom-client `Registry` of their own — never the global one
 * — or in one the runtime passes (`createNode({ metrics: registry })`).
 *
 *   lnconnect_connect_attempts_total{outcome,stage}      outbound attempts: connected, all_failed, …; all_failed by the furthest stage reached
 *   lnconnect_address_failures_total{direction,stage}    every failed address (inbound: connections that failed before connected)
 *   lnconnect_peers{direction}                           connected peers
 *   lnconnect_handshake_duration_seconds{direction}      BOLT 8 handshake, from the socket opened
 *   lnconnect_init_duration_seconds{direction}           BOLT 1 init exchange, from the handshake done
 *   lnconnect_inbound_total{event}                       admitted, evicted, timed_out, refused
 *   lnconnect_rpc_requests_total{method,result}          JSON-RPC requests (unknown methods: `other`)
 *   lnconnect_event_loop_delay_seconds                   event-loop delay (histogram, sampled every 10 ms)
 *
 * Every label set is fixed in advance: nothing a peer or a client sends
 * becomes a label value. Nodes that share one registry share these series
 * (their counts add up). The event-loop sampler is one per process, running
 * while a NodeMetrics is open (`close()`).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metric } from 'prom-client';
import type { Direction } from '../types.js';
import { failStage } from '../observe/observer.js';
import type { AttemptOutcome, FailStage, InboundEvent, Observer } from '../observe/observer.js';

/** Seconds: loopback handshakes take milliseconds, a Tor one seconds; the handshake timeout is 60 s. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Distinct RPC method labels at most; past it every new name counts as `other`. */
export const MAX_METHOD_LABELS = 64;
const METHOD_LABEL = /^[a-z][a-z0-9_-]{0,63}$/;

/** How often the event-loop sampler's timer runs; its lateness is the delay. */
export const LOOP_SAMPLE_MS = 10;
/** Seconds: a healthy loop is late by under a millisecond; a handshake storm by tens. */
export const LOOP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The event loop is the process's: one sampler (an unref'd timer every
 * LOOP_SAMPLE_MS, its lateness observed in each registry's histogram) while
 * at least one NodeMetrics is open; none is left once the last closed. A
 * timer of our own rather than perf_hooks.monitorEventLoopDelay, which on
 * some hosts does not see a blocked loop at all.
 */
const loopSampler = {
  timer: null as NodeJS.Timeout | null,
  last: 0,
  /** Histogram → how many open NodeMetrics feed it (nodes sharing a registry share one). */
  sinks: new Map<Histogram, number>(),
  add(h: Histogram): void {
    this.sinks.set(h, (this.sinks.get(h) ?? 0) + 1);
    if (this.timer !== null) return;
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = Math.max(0, now - this.last - LOOP_SAMPLE_MS) / 1000;
      this.last = now;
      for (const sink of this.sinks.keys()) sink.observe(late);
    }, LOOP_SAMPLE_MS);
    this.timer.unref();
  },
  remove(h: Histogram): void {
    const n = (this.sinks.get(h) ?? 1) - 1;
    if (n > 0) this.sinks.set(h, n);
    else this.sinks.delete(h);
    if (this.sinks.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  },
};

/** Whether the event-loop sampler's timer runs (an unref'd timer is invisible to handle counts: tests ask here). */
export function eventLoopSamplerRunning(): boolean {
  return loopSampler.timer !== null;
}

/** The metric already in `registry` under that name (a second node on a shared registry), or a new one. */
function metric<M extends Metric>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

export class NodeMetrics implements Observer {
  readonly registry: Registry;
  readonly timed = true;
  readonly messages = false;
  readonly #attempts: Counter<'outcome' | 'stage'>;
  readonly #failures: Counter<'direction' | 'stage'>;
  readonly #peers: Gauge<'direction'>;
  readonly #handshake: Histogram<'direction'>;
  readonly #init: Histogram<'direction'>;
  readonly #inbound: Counter<'event'>;
  readonly #rpc: Counter<'method' | 'result'>;
  readonly #methods = new Set<string>();
  readonly #loop: Histogram;
  #closed = false;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.#attempts = metric(registry, 'lnconnect_connect_attempts_total', () => new Counter({
      name: 'lnconnect_connect_attempts_total',
      help: 'Outbound connect attempts by outcome; stage: for all_failed the furthest stage an address reached (establishment, handshake, init; none: no address dialled), none otherwise',
      labelNames: ['outcome', 'stage'] as const,
      registers,
    }));
    this.#failures = metric(registry, 'lnconnect_address_failures_total', () => new Counter({
      name: 'lnconnect_address_failures_total',
      help: 'Failed addresses of connect attempts (out) and inbound connections that failed before connected (in), by stage',
      labelNames: ['direction', 'stage'] as const,
      registers,
    }));
    this.#peers = metric(registry, 'lnconnect_peers', () => new Gauge({
      name: 'lnconnect_peers',
      help: 'Connected peers by direction',
      labelNames: ['direction'] as const,
      registers,
    }));
    this.#handshake = metric(registry, 'lnconnect_handshake_duration_seconds', () => new Histogram({
      name: 'lnconnect_handshake_duration_seconds',
      help: 'BOLT 8 handshake duration, from the connection opened to the last act',
      labelNames: ['direction'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }));
    this.#init = metric(registry, 'lnconnect_init_duration_seconds', () => new Histogram({
      name: 'lnconnect_init_duration_seconds',
      help: 'BOLT 1 init exchange duration, from the handshake done to the peer\'s init accepted',
      labelNames: ['direction'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }));
    this.#inbound = metric(registry, 'lnconnect_inbound_total', () => new Counter({
      name: 'lnconnect_inbound_total',
      help: 'Unauthenticated inbound connections: admitted, evicted (to make room), timed_out (act one or three late), refused; a WebSocket connection dropped before its upgrade counts as evicted or timed_out only',
      labelNames: ['event'] as const,
      registers,
    }));
    this.#rpc = metric(registry, 'lnconnect_rpc_requests_total', () => new Counter({
      name: 'lnconnect_rpc_requests_total',
      help: 'JSON-RPC requests by method (unknown methods: other) and result (ok, error)',
      labelNames: ['method', 'result'] as const,
      registers,
    }));
    this.#loop = metric(registry, 'lnconnect_event_loop_delay_seconds', () => new Histogram({
      name: 'lnconnect_event_loop_delay_seconds',
      help: `Event-loop delay: how late a ${LOOP_SAMPLE_MS} ms timer fires, sampled every ${LOOP_SAMPLE_MS} ms`,
      buckets: LOOP_BUCKETS,
      registers,
    }));
    loopSampler.add(this.#loop);
    // Every series exists from the start (a scrape shows 0, not nothing, before the first event).
    for (const d of ['in', 'out']) this.#peers.inc({ direction: d }, 0);
    // An inbound connection starts at the handshake; an outbound one at establishment.
    this.#failures.inc({ direction: 'in', stage: 'handshake' }, 0);
    this.#failures.inc({ direction: 'out', stage: 'establishment' }, 0);
    this.#attempts.inc({ outcome: 'connected', stage: 'none' }, 0);
    for (const e of ['admitted', 'evicted', 'timed_out', 'refused']) this.#inbound.inc({ event: e }, 0);
  }

  /** The Prometheus text of the registry. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Let go of the event-loop monitor (the node closed); idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    loopSampler.remove(this.#loop);
  }

  peerConnected(direction: Direction): void {
    this.#peers.inc({ direction });
  }

  peerDisconnected(direction: Direction): void {
    this.#peers.dec({ direction });
  }

  addressFailed(direction: Direction, _peer: string, _address: string, stage: string): void {
    this.#failures.inc({ direction, stage: failStage(stage) });
  }

  attemptEnded(outcome: AttemptOutcome, stage: FailStage): void {
    this.#attempts.inc({ outcome, stage });
  }

  handshakeDone(direction: Direction, ms: number): void {
    this.#handshake.observe({ direction }, ms / 1000);
  }

  initDone(direction: Direction, ms: number): void {
    this.#init.observe({ direction }, ms / 1000);
  }

  inbound(event: InboundEvent): void {
    this.#inbound.inc({ event });
  }

  rpcRequest(method: string, ok: boolean): void {
    this.#rpc.inc({ method: this.#methodLabel(method), result: ok ? 'ok' : 'error' });
  }

  message(): void {
    // not counted: per-message metrics would cost every message
  }

  /** A second bound behind the RPC server's own (known names only): at most MAX_METHOD_LABELS names, plain ones. */
  #methodLabel(method: string): string {
    if (this.#methods.has(method)) return method;
    if (!METHOD_LABEL.test(method) || this.#methods.size >= MAX_METHOD_LABELS) return 'other';
    this.#methods.add(method);
    return method;
  }
}
