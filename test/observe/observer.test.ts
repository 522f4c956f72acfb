import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { NodeMetrics } from '../../src/metrics/metrics.js';
import { logObserver, messageName } from '../../src/observe/log-observer.js';
import { combineObservers, failStage, furthestStage, NULL_OBSERVER } from '../../src/observe/observer.js';
import type { Observer } from '../../src/observe/observer.js';

function captured(level: string): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level, base: null, timestamp: false }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { log, lines };
}

describe('observation point', () => {
  it('maps Core Lightning stages to labels and picks the furthest', () => {
    expect(failStage('Connection establishment')).toBe('establishment');
    expect(failStage('Cryptographic handshake')).toBe('handshake');
    expect(failStage('Exchanging init messages')).toBe('init');
    expect(failStage('')).toBe('none');
    expect(furthestStage(['Connection establishment', 'Exchanging init messages', 'Cryptographic handshake'])).toBe('init');
    expect(furthestStage([])).toBe('none');
  });

  it('combines observers: flags OR-ed, a throwing one does not stop the next, none left is the null observer', () => {
    const seen: string[] = [];
    const thrower: Observer = { ...NULL_OBSERVER, timed: true, peerConnected: () => { throw new Error('boom'); } };
    const recorder: Observer = { ...NULL_OBSERVER, messages: true, peerConnected: (d, p, a) => void seen.push(`${d} ${p} ${a}`) };
    const both = combineObservers([thrower, null, recorder]);
    expect(both.timed && both.messages).toBe(true);
    both.peerConnected('in', '02aa', '127.0.0.1:1');
    expect(seen).toEqual(['in 02aa 127.0.0.1:1']);
    expect(combineObservers([null, undefined, NULL_OBSERVER])).toBe(NULL_OBSERVER);
    expect(combineObservers([recorder])).toBe(recorder);
  });

  it('logs connected/disconnected at info, failed addresses at debug, messages at io — only at the enabled levels', () => {
    expect(logObserver(pino({ level: 'silent' }))).toBeNull();
    const warn = captured('warn');
    expect(logObserver(warn.log)).toBeNull();

    const info = captured('info');
    const o = logObserver(info.log) as Observer;
    expect(o.messages).toBe(false);
    o.peerConnected('out', '02aa', '127.0.0.1:9735');
    o.addressFailed('out', '02aa', '127.0.0.1:1', 'Connection establishment', 'Connection refused');
    o.peerDisconnected('out', '02aa', '127.0.0.1:9735', 'peer closed connection');
    expect(info.lines.map((l) => l.msg)).toEqual(['Peer connected', 'Peer disconnected']);
    expect(info.lines[1]).toMatchObject({ level: 30, peer: '02aa', direction: 'out', addr: '127.0.0.1:9735', reason: 'peer closed connection' });

    const debug = captured('debug');
    const d = logObserver(debug.log) as Observer;
    d.addressFailed('out', '02aa', '127.0.0.1:1', 'Connection establishment', 'Connection refused');
    d.addressFailed('in', '', '127.0.0.1:5000', 'Cryptographic handshake', 'Protocol error');
    d.addressFailed('out', '02aa', 'example.com:9735', '', 'dns disabled');
    expect(debug.lines).toEqual([
      { level: 20, peer: '02aa', msg: 'Failed connected out: 127.0.0.1:1: Connection establishment: Connection refused' },
      { level: 20, msg: 'Failed connected in: 127.0.0.1:5000: Cryptographic handshake: Protocol error' },
      { level: 20, peer: '02aa', msg: 'Failed connected out: example.com:9735: dns disabled' },
    ]);

    const io = captured('trace');
    const t = logObserver(io.log) as Observer;
    expect(t.messages).toBe(true);
    t.message('in', '02aa', 18, 12);
    t.message('out', '02aa', 32769, 40);
    expect(io.lines).toEqual([
      { level: 10, peer: '02aa', type: 18, length: 12, msg: '[IN] ping' },
      { level: 10, peer: '02aa', type: 32769, length: 40, msg: '[OUT] type 32769' },
    ]);
    expect(messageName(16)).toBe('init');
  });

  it('a logger that throws loses its line, not the caller', () => {
    const log = pino({ level: 'trace' }, { write: () => { throw new Error('disk full'); } });
    const o = logObserver(log) as Observer;
    expect(() => o.peerConnected('in', '02aa', 'x')).not.toThrow();
    expect(() => o.message('in', '02aa', 18, 2)).not.toThrow();
  });
});

describe('NodeMetrics', () => {
  const value = async (m: NodeMetrics, line: RegExp): Promise<number> => {
    const found = (await m.text()).split('\n').find((l) => line.test(l));
    return found === undefined ? NaN : Number(found.split(' ').pop());
  };

  it('counts what it is told, in its own registry, with every label set fixed', async () => {
    const m = new NodeMetrics();
    try {
      expect(await value(m, /^lnconnect_peers\{direction="in"\}/)).toBe(0);
      m.peerConnected('in');
      m.peerConnected('out');
      m.peerDisconnected('in');
      m.addressFailed('out', '02aa', 'x', 'Cryptographic handshake');
      m.attemptEnded('all_failed', 'handshake');
      m.handshakeDone('out', 3);
      m.initDone('out', 1);
      m.inbound('evicted');
      m.rpcRequest('getinfo', true);
      m.rpcRequest('nosuch"\n{', false);
      for (let i = 0; i < 100; i++) m.rpcRequest(`m${i}`, false);
      expect(await value(m, /^lnconnect_peers\{direction="in"\}/)).toBe(0);
      expect(await value(m, /^lnconnect_peers\{direction="out"\}/)).toBe(1);
      expect(await value(m, /^lnconnect_address_failures_total\{direction="out",stage="handshake"\}/)).toBe(1);
      expect(await value(m, /^lnconnect_connect_attempts_total\{outcome="all_failed",stage="handshake"\}/)).toBe(1);
      expect(await value(m, /^lnconnect_handshake_duration_seconds_count\{direction="out"\}/)).toBe(1);
      expect(await value(m, /^lnconnect_handshake_duration_seconds_bucket\{le="0.0025",direction="out"\}/)).toBe(0);
      expect(await value(m, /^lnconnect_handshake_duration_seconds_bucket\{le="0.005",direction="out"\}/)).toBe(1);
      expect(await value(m, /^lnconnect_inbound_total\{event="evicted"\}/)).toBe(1);
      expect(await value(m, /^lnconnect_rpc_requests_total\{method="getinfo",result="ok"\}/)).toBe(1);
      const text = await m.text();
      const methods = new Set([...text.matchAll(/lnconnect_rpc_requests_total\{method="([^"]*)"/g)].map((x) => x[1]));
      expect(methods.size).toBeLessThanOrEqual(65); // 64 names + other
      expect(methods.has('other')).toBe(true);
      expect(text).not.toContain('nosuch');
      expect(text).toMatch(/^lnconnect_event_loop_delay_seconds_count \d+$/m);
    } finally {
      m.close();
    }
  });

  it('event-loop delay: a blocked loop is seen, while any NodeMetrics of the process is open', async () => {
    const a = new NodeMetrics();
    const b = new NodeMetrics(a.registry);
    a.close();
    a.close(); // idempotent: b keeps the sampler
    try {
      const over = async (): Promise<number> => {
        const text = await b.text();
        const count = await value(b, /^lnconnect_event_loop_delay_seconds_count /);
        const fast = Number(/^lnconnect_event_loop_delay_seconds_bucket\{le="0.05"\} (\d+)/m.exec(text)?.[1]);
        return count - fast; // samples later than 50 ms
      };
      const before = await over();
      await new Promise<void>((r) => setTimeout(() => {
        const end = Date.now() + 120;
        while (Date.now() < end) {
          // block the event loop
        }
        r();
      }, 20));
      await new Promise((r) => setTimeout(r, 40));
      expect(await over()).toBeGreaterThan(before);
    } finally {
      b.close();
    }
  });

  it('two nodes on one registry share the series instead of failing', () => {
    const a = new NodeMetrics();
    const b = new NodeMetrics(a.registry);
    try {
      a.peerConnected('in');
      b.peerConnected('in');
      expect(a.registry.getSingleMetric('lnconnect_peers')).toBeDefined();
    } finally {
      a.close();
      b.close();
    }
  });
});
