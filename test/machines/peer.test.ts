/**
 * The peer machine driven through its port (spec §3–§8), outbound: dial
 * list, staggering, first-open-wins, the BOLT 8 acts and the init exchange as
 * phase events, and the exact 401 texts with `ms` from the simulated clock.
 * The fake port (./helpers.ts) stands in for the socket shell. The
 * established part (hook, subdaemons, keepalive, disconnects), cancel and
 * inbound connections are in ./peer-established.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ipv4, PeerHarness, THEIR_FEATURES, THEIR_ID } from './helpers.js';

const addr = (port: number) => ({ type: 'ipv4' as const, address: '127.0.0.1', port });

describe('peer machine: outbound success', () => {
  it('resolves, dials, runs the acts and init, asks the hook, starts the subdaemons and reports connected', () => {
    const h = new PeerHarness().start();
    expect(h.state).toBe('dialing');
    h.opened(0);
    expect(h.state).toEqual({ open: 'awaitingActTwo' });
    expect(h.context.stage).toBe('Cryptographic handshake');
    h.act2(0);
    expect(h.state).toEqual({ open: 'init' });
    expect(h.context.stage).toBe('Exchanging init messages');
    h.init(0, { remoteAddr: '203.0.113.5:9735' });
    expect(h.state).toEqual({ established: 'hook' });
    h.hookAnswer({ result: 'continue' });
    expect(h.state).toEqual({ established: 'subdaemons' });
    h.settled();
    expect(h.state).toBe('ready');
    const connected = {
      kind: 'connected',
      result: { id: THEIR_ID, features: THEIR_FEATURES, direction: 'out', address: addr(9735) },
    } as const;
    const n = { key: h.key, id: THEIR_ID, direction: 'out' } as const;
    // Every call the machine made, in order: nothing more, nothing less.
    expect(h.port.calls).toEqual([
      { call: 'resolve', id: THEIR_ID },
      { call: 'phase', line: 'Connect OUT: 127.0.0.1:9735' },
      { call: 'dial', index: 0, gen: 1, address: addr(9735) },
      { call: 'cancelTimer', name: 'dialStagger' },
      { call: 'begin', index: 0 },
      { call: 'startTimer', name: 'handshakeTimeout', ms: 60_000 },
      { call: 'notify', notice: { type: 'peer.identified', ...n } },
      { call: 'cancelTimer', name: 'handshakeTimeout' },
      { call: 'notify', notice: { type: 'peer.initDone', ...n } },
      { call: 'phase', line: 'Peer says it sees our address as: 203.0.113.5:9735' },
      { call: 'phase', line: 'Handed peer, entering loop' },
      { call: 'askHook', info: { id: THEIR_ID, direction: 'out', addr: '127.0.0.1:9735', features: THEIR_FEATURES, remote_addr: '203.0.113.5:9735' } },
      { call: 'startSubdaemons', peerId: THEIR_ID },
      { call: 'startTimer', name: 'subdaemonTimeout', ms: 30_000 },
      { call: 'cancelTimer', name: 'subdaemonTimeout' },
      { call: 'notify', notice: { type: 'peer.outcome', ...n, outcome: connected } },
      { call: 'startTimer', name: 'keepaliveTick', ms: 30_000 },
    ]);
    expect(Object.keys(h.outcomes[0]?.kind === 'connected' ? h.outcomes[0].result : {})).toEqual(['id', 'features', 'direction', 'address']);
    expect(h.context.outcome).toEqual(connected);
    expect(h.port.runningTimers).toEqual(['keepaliveTick']);
    h.stop();
  });

  it('a queued attempt waits for peer.start before resolving', () => {
    const h = new PeerHarness({ queued: true }).start();
    expect(h.state).toBe('queued');
    expect(h.port.calls).toEqual([]);
    h.send({ type: 'peer.start' });
    expect(h.state).toBe('resolving');
    expect(h.port.calls).toEqual([{ call: 'resolve', id: THEIR_ID }]);
    h.resolve();
    expect(h.live()).toEqual([0]);
    h.stop();
  });
});

describe('peer machine: dialing', () => {
  it('empty dial list: the 400 outcome, nothing dialled', () => {
    const h = new PeerHarness({ explicit: [] }).start();
    expect(h.status).toBe('done');
    expect(h.outcomes).toEqual([{ kind: 'no-address' }]);
    expect(h.calls('dial')).toEqual([]);
  });

  it('appends resolved addresses after the explicit ones, without duplicates', () => {
    const h = new PeerHarness({ explicit: [ipv4(1)], resolved: [ipv4(1), ipv4(2)] }).start();
    expect(h.context.entries.map((e) => e.label)).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    h.stop();
  });

  it('only addresses that failed before dialling: 401 with stage-less fragments, nothing dialled', () => {
    const onion = { ...ipv4(9735, 'x.onion'), preFailure: { reason: 'need a proxy' } };
    const h = new PeerHarness({ explicit: [onion] }).start();
    expect(h.outcomes).toEqual([
      { kind: 'all-failed', message: 'All addresses failed: x.onion:9735: need a proxy. ', attempts: [{ address: 'x.onion:9735', stage: '', reason: 'need a proxy', ms: 0 }] },
    ]);
    expect(h.calls('dial')).toEqual([]);
  });

  it('staggers: the next address starts after dialStagger; the first to open wins, the others are dropped', () => {
    const h = new PeerHarness({ explicit: [ipv4(1), ipv4(2), ipv4(3)] }).start();
    expect(h.live()).toEqual([0]);
    h.advance(249);
    expect(h.live()).toEqual([0]);
    h.advance(1);
    expect(h.live()).toEqual([0, 1]);
    h.advance(250);
    expect(h.live()).toEqual([0, 1, 2]);
    expect(h.port.runningTimers).toEqual([]); // nothing left to stagger
    h.opened(1);
    expect(h.live()).toEqual([1]);
    expect(h.calls('drop')).toEqual([{ call: 'drop', index: 0 }, { call: 'drop', index: 2 }]);
    expect(h.calls('begin')).toEqual([{ call: 'begin', index: 1 }]);
    expect(h.context.entries.map((e) => e.status)).toEqual(['pending', 'open', 'pending']);
    // a late answer of a dropped dial changes nothing
    const before = h.port.calls.length;
    h.send({ type: 'dial.opened', index: 0, gen: 1 });
    h.send({ type: 'dial.failed', index: 2, gen: 3, reason: 'Connection refused' });
    expect(h.state).toEqual({ open: 'awaitingActTwo' });
    expect(h.port.calls.length).toBe(before);
    // the handshake fails: the remaining addresses continue, entry 0 first
    h.handshakeFailed(1);
    expect(h.phases).toContain('Failed connected out: 127.0.0.1:2: Cryptographic handshake: Protocol error');
    expect(h.state).toBe('dialing');
    expect(h.live()).toEqual([0]);
    h.failed(0);
    expect(h.live()).toEqual([2]);
    h.failed(2);
    expect(h.status).toBe('done');
    expect(h.outcomes).toEqual([
      {
        kind: 'all-failed',
        message:
          'All addresses failed: 127.0.0.1:1: Connection establishment: Connection refused. ' +
          '127.0.0.1:2: Cryptographic handshake: Protocol error. ' +
          '127.0.0.1:3: Connection establishment: Connection refused. ',
        attempts: [
          { address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 },
          { address: '127.0.0.1:2', stage: 'Cryptographic handshake', reason: 'Protocol error', ms: 250 },
          { address: '127.0.0.1:3', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 },
        ],
      },
    ]);
  });

  it('a dial that times out: `Connection timed out` at establishment, with the elapsed ms', () => {
    const h = new PeerHarness({ explicit: [ipv4(1)] }).start();
    h.advance(9_999);
    expect(h.state).toBe('dialing');
    h.advance(1);
    expect(h.outcomes).toEqual([
      {
        kind: 'all-failed',
        message: 'All addresses failed: 127.0.0.1:1: Connection establishment: Connection timed out. ',
        attempts: [{ address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection timed out', ms: 10_000 }],
      },
    ]);
    expect(h.calls('drop')).toEqual([{ call: 'drop', index: 0 }]);
  });

  it('an answer of an earlier dial generation does not fail a later one', () => {
    const h = new PeerHarness({ explicit: [ipv4(1), ipv4(2)] }).start();
    h.advance(250); // both dialing
    h.opened(1); // entry 0 dropped, back to pending
    h.closed(1); // EOF in the handshake: entry 0 dialled again at t=250
    expect(h.calls('dial').map((c) => [c.index, c.gen])).toEqual([[0, 1], [1, 2], [0, 3]]);
    h.send({ type: 'dial.failed', index: 0, gen: 1, reason: 'Connection timed out' }); // the first dial's, late
    expect(h.state).toBe('dialing');
    expect(h.context.entries[0]?.status).toBe('dialing');
    h.advance(9_750);
    expect(h.state).toBe('dialing');
    h.advance(250);
    expect(h.status).toBe('done');
    const out = h.outcomes[0];
    expect(out?.kind === 'all-failed' && out.attempts).toEqual([
      { address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection timed out', ms: 10_000 },
      { address: '127.0.0.1:2', stage: 'Cryptographic handshake', reason: 'peer closed connection (wrong key?)', ms: 0 },
    ]);
  });

  it('SOCKS prefixes and stage-less fragments keep their place in the 401 text', () => {
    const h = new PeerHarness({ explicit: [ipv4(1), ipv4(2)] }).start();
    h.failed(0, 'Connection refused', { prefix: 'Error connecting to 127.0.0.1:1: Tor server reply: connection refused' });
    h.failed(1, 'need a proxy', { fragment: 'need a proxy' });
    expect(h.outcomes).toEqual([
      {
        kind: 'all-failed',
        message:
          'All addresses failed: Error connecting to 127.0.0.1:1: Tor server reply: connection refused. ' +
          '127.0.0.1:1: Connection establishment: Connection refused. 127.0.0.1:2: need a proxy. ',
        attempts: [
          { address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 },
          { address: '127.0.0.1:2', stage: '', reason: 'need a proxy', ms: 0 },
        ],
      },
    ]);
  });

  it('addresses added while dialling join the stagger, duplicates dropped', () => {
    const h = new PeerHarness({ explicit: [ipv4(1), ipv4(2)] }).start();
    h.send({ type: 'peer.addAddresses', entries: [ipv4(2), ipv4(3)] });
    expect(h.context.entries.map((e) => e.label)).toEqual(['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3']);
    h.advance(250);
    expect(h.live()).toEqual([0, 1]);
    h.advance(250);
    expect(h.live()).toEqual([0, 1, 2]);
    h.stop();
  });

  it('an address added once nothing is left to stagger is dialled when the current ones fail', () => {
    const h = new PeerHarness({ explicit: [ipv4(1)] }).start();
    h.send({ type: 'peer.addAddresses', entries: [ipv4(2)] });
    expect(h.context.entries.map((e) => e.status)).toEqual(['dialing', 'pending']);
    h.failed(0);
    expect(h.live()).toEqual([1]);
    expect(h.calls('dial').map((c) => c.index)).toEqual([0, 1]);
    h.stop();
  });
});

describe('peer machine: handshake and init failures', () => {
  /** One address, opened; `drive` makes it fail; returns the 401 message. */
  function oneFailure(drive: (h: PeerHarness) => void): { h: PeerHarness; message: string } {
    const h = new PeerHarness({ explicit: [ipv4(1)] }).start();
    h.opened(0);
    drive(h);
    const out = h.outcomes[0];
    if (out?.kind !== 'all-failed') throw new Error(`expected all-failed, got ${JSON.stringify(out)}`);
    expect(h.calls('drop')).toEqual([{ call: 'drop', index: 0 }]);
    expect(h.port.runningTimers).toEqual([]);
    return { h, message: out.message };
  }
  const handshaken = (h: PeerHarness): void => h.act2(0);

  it('EOF during the acts: wrong key?', () => {
    const { message } = oneFailure((h) => h.closed(0));
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Cryptographic handshake: peer closed connection (wrong key?). ');
  });

  it('a bad act two', () => {
    const { h, message } = oneFailure((h) => h.handshakeFailed(0));
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Cryptographic handshake: Protocol error. ');
    expect(h.notices.map((n) => n.type)).toEqual(['peer.outcome']); // never identified
  });

  it('handshakeTimeout during the acts', () => {
    const { h, message } = oneFailure((h) => h.advance(60_000));
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Cryptographic handshake: Connection timed out. ');
    expect(h.phases).toContain('conn timed out');
  });

  it('one handshakeTimeout covers the acts and the init exchange', () => {
    const { message } = oneFailure((h) => {
      h.advance(30_000);
      h.act2(0);
      h.advance(29_999);
      expect(h.state).toEqual({ open: 'init' });
      h.advance(1);
    });
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Exchanging init messages: Connection timed out. ');
  });

  for (const reason of ['No common network', 'Unsupported feature 40', 'peer sent error: go away', 'expected init, got message type 18']) {
    it(`init rejected: ${reason}`, () => {
      const { h, message } = oneFailure((h) => {
        handshaken(h);
        h.initRejected(0, reason);
      });
      expect(message).toBe(`All addresses failed: 127.0.0.1:1: Exchanging init messages: ${reason}. `);
      expect(h.phases).toContain(reason); // Core Lightning logs the rejection itself
    });
  }

  it('EOF during init', () => {
    const { message } = oneFailure((h) => {
      handshaken(h);
      h.closed(0);
    });
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Exchanging init messages: peer closed connection. ');
  });

  it('a transport failure during init keeps the reason the shell gave', () => {
    const { message } = oneFailure((h) => {
      handshaken(h);
      h.closed(0, 'Protocol error');
    });
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Exchanging init messages: Protocol error. ');
  });
});
