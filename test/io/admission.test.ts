/**
 * Inbound admission (src/io/admission.ts) on fake sockets and a manual clock:
 * per-group and total bounds evict (never refuse), the victim is the oldest
 * socket of the newcomer's full group or of the busiest group, act one/three
 * deadlines close stalled sockets with one timer, a finished handshake frees
 * the slot, and the start/stop of eviction is logged once each.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Admission, EVICTION_QUIET_MS, addressGroup, admissionLimits, inboundBackstop } from '../../src/io/admission.js';
import type { Clock } from '../../src/io/clock.js';

class FakeSocket extends EventEmitter {
  destroyed = false;
  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    queueMicrotask(() => this.emit('close'));
    return this;
  }
  send(n: number): void {
    this.emit('data', Buffer.alloc(n));
  }
}

function manualClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let seq = 0;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  const advance = (ms: number): void => {
    now += ms;
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) return;
      timers.delete(due[0]);
      due[1].fn();
    }
  };
  return { clock, advance, pending: () => timers.size };
}

function setup(limits: Partial<Parameters<typeof admissionLimits>[0]> = {}) {
  const lines: { level: string; msg: string }[] = [];
  const log = {
    debug: (_o: object, msg: string) => lines.push({ level: 'debug', msg }),
    info: (_o: object, msg: string) => lines.push({ level: 'info', msg }),
  };
  const c = manualClock();
  const adm = new Admission(
    admissionLimits({ maxInboundHandshakes: 6, maxInboundHandshakesPerAddress: 3, actOneTimeoutMs: 1000, actThreeTimeoutMs: 500, ...limits }),
    log,
    c.clock,
  );
  const open = (address: string): FakeSocket => {
    const s = new FakeSocket();
    adm.admit(s as unknown as Socket, address.includes(':') ? { type: 'ipv6', address, port: 1 } : { type: 'ipv4', address, port: 1 });
    return s;
  };
  return { adm, open, lines, ...c };
}

describe('address groups', () => {
  it('an IPv4 address, an IPv6 /64, every UNIX-socket peer', () => {
    expect(addressGroup({ type: 'ipv4', address: '127.0.0.2', port: 9 })).toBe('127.0.0.2');
    const a = addressGroup({ type: 'ipv6', address: '2001:db8:1:2::1', port: 9 });
    expect(addressGroup({ type: 'ipv6', address: '2001:db8:1:2:ffff::7', port: 9 })).toBe(a);
    expect(addressGroup({ type: 'ipv6', address: '2001:db8:1:3::1', port: 9 })).not.toBe(a);
    expect(addressGroup({ type: 'local socket', socket: '' })).toBe('local');
  });

  it('the supervisor backstop stays above the admission bound', () => {
    expect(inboundBackstop(admissionLimits({}))).toBe(200);
    expect(inboundBackstop(admissionLimits({ maxInboundHandshakes: 1 }))).toBe(101);
  });
});

describe('admission', () => {
  it('a full group evicts its own oldest socket, not the newcomer', () => {
    const { adm, open } = setup();
    const a = [open('10.0.0.2'), open('10.0.0.2'), open('10.0.0.2')];
    const b = open('10.0.0.2');
    expect(a.map((s) => s.destroyed)).toEqual([true, false, false]);
    expect(b.destroyed).toBe(false);
    expect(adm.groupSize('10.0.0.2')).toBe(3);
    adm.close();
  });

  it('a full total evicts the oldest of the busiest group: a peer from a fresh address always gets in', () => {
    const { adm, open } = setup();
    const x = [open('10.0.0.2'), open('10.0.0.3'), open('10.0.0.3'), open('10.0.0.3'), open('10.0.0.4'), open('10.0.0.4')];
    expect(adm.size).toBe(6);
    const honest = open('10.0.0.9');
    expect(x.map((s) => s.destroyed)).toEqual([false, true, false, false, false, false]);
    expect(honest.destroyed).toBe(false);
    expect(adm.size).toBe(6);
    adm.close();
  });

  it('IPv6 peers of one /64 share a group', () => {
    const { adm, open } = setup();
    const s = [open('2001:db8::1'), open('2001:db8::2'), open('2001:db8::3'), open('2001:db8::4')];
    expect(s[0]!.destroyed).toBe(true);
    expect(adm.size).toBe(3);
    adm.close();
  });

  it('act one deadline from accept, act three deadline from act one, one timer', () => {
    const { adm, open, advance, pending } = setup();
    const silent = open('10.0.0.2');
    const stalled = open('10.0.0.3');
    const finished = open('10.0.0.4');
    advance(900);
    stalled.send(50); // act one at 900: its act three is due at 1400
    finished.send(50);
    finished.send(66); // handshake over: no longer counted, no deadline
    expect(adm.size).toBe(2);
    advance(100); // 1000: act one deadline of `silent`
    expect([silent.destroyed, stalled.destroyed, finished.destroyed]).toEqual([true, false, false]);
    advance(399);
    expect(stalled.destroyed).toBe(false);
    advance(1);
    expect(stalled.destroyed).toBe(true);
    expect(adm.size).toBe(0);
    expect(pending()).toBe(0);
    adm.close();
  });

  it('a socket closed by its peer frees its slot; close() clears every timer', async () => {
    const { adm, open, pending } = setup();
    const s = open('10.0.0.2');
    open('10.0.0.3');
    s.destroy();
    await Promise.resolve();
    expect(adm.size).toBe(1);
    adm.close();
    expect(pending()).toBe(0);
    expect(adm.size).toBe(0);
  });

  it('eviction logged at debug each, at info once when it starts and once when it stops', () => {
    const { adm, open, advance, lines, pending } = setup({ actOneTimeoutMs: 60_000 });
    for (let i = 0; i < 10; i++) open('10.0.0.2');
    expect(lines.filter((l) => l.level === 'debug')).toHaveLength(7);
    expect(lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual([
      'Inbound handshakes full: evicting the oldest unauthenticated connections of the busiest address group',
    ]);
    advance(EVICTION_QUIET_MS - 1);
    open('10.0.0.2'); // one more eviction: the quiet period starts again
    advance(EVICTION_QUIET_MS - 1);
    expect(lines.filter((l) => l.level === 'info')).toHaveLength(1);
    advance(1);
    expect(lines.filter((l) => l.level === 'info').map((l) => l.msg)[1]).toMatch(/^Inbound eviction stopped: 8 unauthenticated connections evicted over 5 s$/);
    adm.close();
    expect(pending()).toBe(0);
  });

  it('a throwing logger costs no socket its admission', () => {
    const c = manualClock();
    const boom = () => {
      throw new Error('logger down');
    };
    const adm = new Admission(admissionLimits({ maxInboundHandshakesPerAddress: 1 }), { debug: boom, info: boom }, c.clock);
    const a = new FakeSocket();
    const b = new FakeSocket();
    adm.admit(a as unknown as Socket, { type: 'ipv4', address: '10.0.0.2', port: 1 });
    expect(() => adm.admit(b as unknown as Socket, { type: 'ipv4', address: '10.0.0.2', port: 2 })).not.toThrow();
    expect([a.destroyed, b.destroyed]).toEqual([true, false]);
    adm.close();
  });
});
