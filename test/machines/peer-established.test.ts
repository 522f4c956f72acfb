/**
 * The peer machine after init (src/machines/peer-established.ts) driven
 * through its fake port: the `peer_connected` hook, the channel subdaemons,
 * the keepalive tick, graceful and forced disconnects, cancel, and inbound
 * connections (act one → act three → init). Spec §6–§9.
 */
import { describe, expect, it } from 'vitest';
import { INBOUND_REMOTE, ipv4, PeerHarness, THEIR_FEATURES, THEIR_ID } from './helpers.js';
import type { HarnessOptions } from './helpers.js';

/** One outbound attempt through init: the hook is being asked. */
function toHook(opts: HarnessOptions = {}): PeerHarness {
  const h = new PeerHarness(opts).start();
  h.opened(0);
  h.act2(0);
  h.init(0);
  return h;
}
/** … and on to `ready` (the hook continues, the subdaemons settle). */
function toReady(opts: HarnessOptions = {}): PeerHarness {
  const h = toHook(opts);
  h.hookAnswer({ result: 'continue' });
  h.settled();
  expect(h.in('ready')).toBe(true);
  return h;
}
const closedNotice = (h: PeerHarness, reason: string | null) => ({ type: 'peer.closed', key: h.key, id: THEIR_ID, direction: h.context.direction, reason });

describe('peer machine: hook and subdaemons', () => {
  for (const [what, runtime, asked] of [
    ['no hook and no channels: ready at once', { hook: false, subdaemons: false }, []],
    ['no hook: straight to the subdaemons', { hook: false }, ['startSubdaemons']],
    ['no channels: the hook, then ready', { subdaemons: false }, ['askHook']],
  ] as const) {
    it(what, () => {
      const h = toHook({ runtime });
      if (runtime.hook !== false) h.hookAnswer({ result: 'continue' });
      if (runtime.subdaemons !== false) h.settled();
      expect(h.in('ready')).toBe(true);
      expect(h.outcomes).toHaveLength(1);
      expect(h.port.calls.map((c) => c.call).filter((c) => c === 'askHook' || c === 'startSubdaemons')).toEqual(asked);
      h.stop();
    });
  }

  it('hook disconnect: a close with its warning, 402, closed with the hook as reason', () => {
    const h = toHook();
    h.hookAnswer({ result: 'disconnect', error_message: 'not today' });
    expect(h.status).toBe('done');
    expect(h.outcomes).toEqual([{ kind: 'disconnected-during' }]);
    expect(h.calls('close')).toEqual([{ call: 'close', opts: { warning: 'not today' } }]);
    expect(h.notices.at(-1)).toEqual(closedNotice(h, 'peer_connected hook said disconnect'));
    expect(h.calls('startSubdaemons')).toEqual([]);
  });

  it('hook disconnect without a message (or an empty one): a plain close', () => {
    for (const decision of [{ result: 'disconnect' } as const, { result: 'disconnect', error_message: '' } as const]) {
      const h = toHook();
      h.hookAnswer(decision);
      expect(h.calls('close')).toEqual([{ call: 'close', opts: {} }]);
      expect(h.outcomes).toEqual([{ kind: 'disconnected-during' }]);
    }
  });

  it('subdaemon timeout: the late ones are stopped, the connect succeeds at the deadline', () => {
    const h = toHook({ timeouts: { subdaemonMs: 5000 } });
    h.hookAnswer({ result: 'continue' });
    h.advance(4999);
    expect(h.state).toEqual({ established: 'subdaemons' });
    expect(h.outcomes).toEqual([]);
    h.advance(1);
    expect(h.in('ready')).toBe(true);
    expect(h.calls('stopSubdaemons')).toHaveLength(1);
    expect(h.outcomes.map((o) => o.kind)).toEqual(['connected']);
    h.settled(); // late: ignored
    expect(h.outcomes).toHaveLength(1);
    h.stop();
  });

  it('the peer disconnects while the hook or the subdaemons are pending: 402', () => {
    for (const settleHook of [false, true]) {
      const h = toHook();
      if (settleHook) h.hookAnswer({ result: 'continue' });
      h.closed(0);
      expect(h.outcomes).toEqual([{ kind: 'disconnected-during' }]);
      expect(h.notices.at(-1)).toEqual(closedNotice(h, 'peer closed connection'));
      expect(h.port.runningTimers).toEqual([]);
    }
  });

  it('peer.disconnect before ready: 402, closed by request', () => {
    const h = toHook();
    h.send({ type: 'peer.disconnect', force: true });
    expect(h.calls('close')).toEqual([{ call: 'close', opts: { force: true } }]);
    expect(h.outcomes).toEqual([{ kind: 'disconnected-during' }]);
    expect(h.notices.at(-1)).toEqual(closedNotice(h, 'disconnected by request'));
  });
});

describe('peer machine: ready', () => {
  it('keepalive: a tick every keepaliveTick, the connected outcome once; the session hangs up through conn.closed', () => {
    const h = toReady();
    h.advance(29_999);
    expect(h.calls('tick')).toHaveLength(0);
    h.advance(1);
    expect(h.calls('tick')).toHaveLength(1);
    h.advance(30_000);
    expect(h.calls('tick')).toHaveLength(2);
    expect(h.outcomes).toHaveLength(1);
    h.closed(0, 'Last ping unreturned: hanging up');
    expect(h.status).toBe('done');
    expect(h.context.closeReason).toBe('Last ping unreturned: hanging up');
    expect(h.notices.at(-1)).toEqual(closedNotice(h, 'Last ping unreturned: hanging up'));
    expect(h.port.runningTimers).toEqual([]);
  });

  for (const [random, ms] of [[0, 15_000], [0.5, 30_000], [0.99999, 45_000]] as const) {
    it(`the keepalive tick is uniform in [min, max]: random ${random} → ${ms} ms`, () => {
      const h = toReady({ random: () => random, timeouts: { keepaliveMinMs: 15_000, keepaliveMaxMs: 45_000 } });
      expect(h.calls('startTimer').at(-1)).toEqual({ call: 'startTimer', name: 'keepaliveTick', ms });
      h.stop();
    });
  }

  it('peer.disconnect closes gracefully with the warning; the peer closing ends it', () => {
    const h = toReady();
    h.send({ type: 'peer.disconnect', message: 'bye' });
    expect(h.state).toBe('closing');
    expect(h.calls('close')).toEqual([{ call: 'close', opts: { warning: 'bye' } }]);
    expect(h.port.runningTimers).toEqual(['closeGrace']); // the keepalive stopped
    h.advance(4_999);
    h.closed(0);
    expect(h.status).toBe('done');
    expect(h.calls('drop')).toEqual([]);
    expect(h.port.runningTimers).toEqual([]);
    expect(h.notices.at(-1)).toEqual(closedNotice(h, 'disconnected by request'));
  });

  it('closeGrace: a graceful close that does not finish is dropped', () => {
    const h = toReady();
    h.send({ type: 'peer.disconnect' });
    expect(h.calls('close')).toEqual([{ call: 'close', opts: {} }]);
    h.advance(4_999);
    expect(h.state).toBe('closing');
    expect(h.calls('drop')).toEqual([]);
    h.advance(1);
    expect(h.status).toBe('done');
    expect(h.calls('drop')).toEqual([{ call: 'drop', index: 0 }]);
    expect(h.notices.at(-1)).toEqual(closedNotice(h, 'disconnected by request'));
  });

  it('a forced disconnect while a graceful close flushes drops the connection at once', () => {
    const h = toReady();
    h.send({ type: 'peer.disconnect' });
    expect(h.state).toBe('closing');
    h.send({ type: 'peer.disconnect', force: true });
    expect(h.status).toBe('done');
    expect(h.calls('drop')).toEqual([{ call: 'drop', index: 0 }]);
    expect(h.port.runningTimers).toEqual([]);
  });

  it('a forced disconnect closes at once', () => {
    const h = toReady();
    h.send({ type: 'peer.disconnect', force: true, message: 'go' });
    expect(h.status).toBe('done');
    expect(h.calls('close')).toEqual([{ call: 'close', opts: { force: true, warning: 'go' } }]);
    expect(h.notices.at(-1)).toEqual(closedNotice(h, 'disconnected by request'));
  });

  it('events of other connections, and late phase events, are ignored', () => {
    const h = toReady();
    const before = h.port.calls.length;
    h.send({ type: 'conn.closed', index: 1 });
    h.send({ type: 'init.accepted', index: 0, features: '', remoteAddr: null });
    h.send({ type: 'hook.decided', decision: { result: 'disconnect' } });
    h.send({ type: 'subdaemons.settled' });
    h.send({ type: 'act2.received', index: 0 });
    expect(h.state).toBe('ready');
    expect(h.port.calls.length).toBe(before);
    h.stop();
  });
});

describe('peer machine: cancel', () => {
  it('while dialling: the cancelled outcome, timers stopped, nothing after', () => {
    const h = new PeerHarness({ explicit: [ipv4(1), ipv4(2), ipv4(3)] }).start();
    h.advance(250);
    h.send({ type: 'peer.cancel' });
    expect(h.outcomes).toEqual([{ kind: 'cancelled' }]);
    expect(h.port.runningTimers).toEqual([]);
    const before = h.port.calls.length;
    h.advance(60_000);
    expect(h.port.calls.length).toBe(before);
  });

  it('when ready: connected, then cancelled; the keepalive stops', () => {
    const h = toReady();
    h.send({ type: 'peer.cancel' });
    expect(h.outcomes.map((o) => o.kind)).toEqual(['connected', 'cancelled']);
    expect(h.port.runningTimers).toEqual([]);
  });

  it('while queued', () => {
    const h = new PeerHarness({ queued: true }).start();
    h.send({ type: 'peer.cancel' });
    expect(h.outcomes).toEqual([{ kind: 'cancelled' }]);
    expect(h.port.calls.map((c) => c.call)).toEqual(['notify']);
  });
});

describe('peer machine: inbound', () => {
  it('responder: act one, act three names the peer, init, connected with direction in', () => {
    const h = new PeerHarness({ inbound: true }).start();
    expect(h.state).toEqual({ open: 'awaitingActOne' });
    expect(h.context.id).toBe('');
    expect(h.calls('startTimer')).toEqual([{ call: 'startTimer', name: 'handshakeTimeout', ms: 60_000 }]);
    h.act1();
    expect(h.state).toEqual({ open: 'awaitingActThree' });
    expect(h.notices).toEqual([]);
    h.act3(-1, THEIR_ID);
    expect(h.context.id).toBe(THEIR_ID);
    expect(h.state).toEqual({ open: 'init' });
    expect(h.notices).toEqual([{ type: 'peer.identified', key: h.key, id: THEIR_ID, direction: 'in' }]);
    h.init(-1);
    expect(h.calls('askHook')[0]?.info).toEqual({ id: THEIR_ID, direction: 'in', addr: '127.0.0.1:50000', features: THEIR_FEATURES });
    h.hookAnswer({ result: 'continue' });
    h.settled();
    expect(h.outcomes).toEqual([{ kind: 'connected', result: { id: THEIR_ID, features: THEIR_FEATURES, direction: 'in', address: INBOUND_REMOTE } }]);
    expect(h.notices.map((n) => n.type)).toEqual(['peer.identified', 'peer.initDone', 'peer.outcome']);
    expect(h.calls('dial')).toEqual([]);
    h.stop();
  });

  it('an act for another connection, or out of order, is ignored', () => {
    const h = new PeerHarness({ inbound: true }).start();
    h.act1(0);
    h.act3(-1);
    h.send({ type: 'act2.received', index: -1 });
    expect(h.state).toEqual({ open: 'awaitingActOne' });
    h.stop();
  });

  for (const [what, fail, reason] of [
    ['a bad act one', (h: PeerHarness) => h.handshakeFailed(-1), 'Protocol error'],
    ['EOF before act three', (h: PeerHarness) => (h.act1(), h.closed(-1)), 'peer closed connection (wrong key?)'],
    ['the handshake timer', (h: PeerHarness) => (h.act1(), h.act3(), h.advance(60_000)), 'Connection timed out'],
    ['a rejected init', (h: PeerHarness) => (h.act1(), h.act3(), h.initRejected(-1, 'No common network')), 'No common network'],
  ] as const) {
    it(`${what}: closed without an outcome`, () => {
      const h = new PeerHarness({ inbound: true }).start();
      fail(h);
      expect(h.status).toBe('done');
      expect(h.state).toBe('closed');
      expect(h.outcomes).toEqual([]);
      expect(h.calls('drop')).toEqual([{ call: 'drop', index: -1 }]);
      // The notice says why (the supervisor logs it): the failure at its stage.
      expect(h.notices.at(-1)).toMatchObject({ type: 'peer.closed', reason, direction: 'in' });
    });
  }
});
