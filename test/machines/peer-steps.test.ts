/**
 * Pure steps of the peer machine (`initialTransition`/`transition` from
 * xstate: nothing runs unless a test executes the returned actions against a
 * recording port), and the pure helpers of its dial list and context
 * (src/machines/dial-list.ts, src/machines/peer-steps.ts).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, SimulatedClock, transition } from 'xstate';
import { abortDialing, allFailedMessage, attemptRecords, failEntry, nextPendingIndex, pendingEntry, withStatus } from '../../src/machines/dial-list.js';
import { peerMachine } from '../../src/machines/peer.js';
import { connectedOutcome, entriesAfterDialFailure, failureOf, hookInfo } from '../../src/machines/peer-steps.js';
import type { PeerEvent, PeerInput } from '../../src/machines/peer-types.js';
import { FakePort, INBOUND_REMOTE, ipv4, makeConfig, THEIR_FEATURES, THEIR_ID } from './helpers.js';

const clock = new SimulatedClock();
const config = makeConfig(clock);
type Snap = ReturnType<typeof initialTransition<typeof peerMachine>>[0];
interface Exec {
  type: string;
  params?: unknown;
  info?: unknown;
  exec?: ((info: unknown, params: unknown) => void) | undefined;
}

/** A fresh recording port and an outbound input with `n` loopback addresses. */
function outbound(n: number, extra: Partial<Extract<PeerInput, { direction: 'out' }>> = {}) {
  const port = new FakePort(clock, config.timeouts.connectMs);
  const input: PeerInput = { direction: 'out', config, port, key: 'k', id: THEIR_ID, explicit: Array.from({ length: n }, (_, i) => ipv4(i + 1)), ...extra };
  return { port, input };
}
/** Executes a step's actions against the port: what the actor would have done. */
function run(actions: readonly Exec[]): void {
  for (const a of actions) a.exec?.(a.info, a.params);
}
const init = (input: PeerInput): [Snap, Exec[]] => initialTransition(peerMachine, input) as [Snap, Exec[]];
const step = (s: Snap, e: PeerEvent): [Snap, Exec[]] => transition(peerMachine, s, e) as [Snap, Exec[]];
const types = (actions: readonly Exec[]) => actions.map((a) => (a.params === undefined ? a.type : { type: a.type, params: a.params }));
const resolved = { type: 'dial.resolved', seeds: [] } as const;

describe('peer machine: pure steps', () => {
  it('starts by asking for the dial list, and only that', () => {
    const { port, input } = outbound(1);
    const [s, actions] = init(input);
    expect(s.value).toBe('resolving');
    expect(types(actions)).toEqual(['askResolve']);
    expect(port.calls).toEqual([]); // pure: nothing ran
    run(actions);
    expect(port.calls).toEqual([{ call: 'resolve', id: THEIR_ID }]);
  });

  it('a queued attempt waits for peer.start', () => {
    const { input } = outbound(1, { queued: true });
    const [s0, a0] = init(input);
    expect(s0.value).toBe('queued');
    expect(a0).toEqual([]);
    expect(step(s0, { type: 'dial.resolved', seeds: [] })[0].value).toBe('queued');
    expect(step(s0, { type: 'peer.start' })[0].value).toBe('resolving');
  });

  it('an inbound connection starts at act one, under the handshake timer', () => {
    const port = new FakePort(clock, 0);
    const [s, actions] = init({ direction: 'in', config, port, key: 'k', remote: INBOUND_REMOTE });
    expect(s.value).toEqual({ open: 'awaitingActOne' });
    expect(s.context.active).toBe(-1);
    expect(types(actions)).toEqual([{ type: 'startTimer', params: { timer: 'handshakeTimeout' } }]);
    const [s1] = step(s, { type: 'act1.received', index: -1 });
    const [s2, a2] = step(s1, { type: 'act3.received', index: -1, remoteId: THEIR_ID });
    expect(s2.value).toEqual({ open: 'init' });
    expect(s2.context.id).toBe(THEIR_ID);
    run(a2);
    expect(port.calls).toEqual([{ call: 'notify', notice: { type: 'peer.identified', key: 'k', id: THEIR_ID, direction: 'in' } }]);
  });

  it('an empty list ends in noAddress with the 400 outcome', () => {
    const { port, input } = outbound(0);
    const [s1, actions] = step(init(input)[0], resolved);
    expect(s1.value).toBe('noAddress');
    expect(s1.output).toEqual({ kind: 'no-address' });
    run(actions);
    expect(port.calls).toEqual([{ call: 'notify', notice: { type: 'peer.outcome', key: 'k', id: THEIR_ID, direction: 'out', outcome: { kind: 'no-address' } } }]);
  });

  it('the first address is dialled at once, the stagger timer starts the next', () => {
    const { port, input } = outbound(2);
    const [s1, actions] = step(init(input)[0], resolved);
    expect(s1.value).toBe('dialing');
    expect(s1.context.entries.map((e) => [e.status, e.gen])).toEqual([['dialing', 1], ['pending', undefined]]);
    run(actions);
    expect(port.calls).toEqual([
      { call: 'phase', line: 'Connect OUT: 127.0.0.1:1' },
      { call: 'dial', index: 0, gen: 1, address: ipv4(1).address },
      { call: 'startTimer', name: 'dialStagger', ms: 250 },
    ]);
    const [s2] = step(s1, { type: 'timer.dialStagger' });
    expect(s2.context.entries.map((e) => [e.status, e.gen])).toEqual([['dialing', 1], ['dialing', 2]]);
  });

  it('a refused address records stage and reason, and the next one starts; the last one ends in 401', () => {
    const [s1] = step(init(outbound(2).input)[0], resolved);
    const [s2] = step(s1, { type: 'dial.failed', index: 0, gen: 1, reason: 'Connection refused' });
    expect(s2.value).toBe('dialing');
    expect(s2.context.entries[0]?.record).toEqual({ address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 });
    expect(s2.context.entries[1]?.status).toBe('dialing');
    const [s3] = step(s2, { type: 'dial.failed', index: 1, gen: 2, reason: 'Connection timed out' });
    expect(s3.value).toBe('failed');
    expect(s3.output).toEqual({
      kind: 'all-failed',
      message: 'All addresses failed: 127.0.0.1:1: Connection establishment: Connection refused. 127.0.0.1:2: Connection establishment: Connection timed out. ',
      attempts: [
        { address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 },
        { address: '127.0.0.1:2', stage: 'Connection establishment', reason: 'Connection timed out', ms: 0 },
      ],
    });
  });

  it('a stale answer (older generation, or an entry not being dialled) changes nothing', () => {
    const [s1] = step(init(outbound(2).input)[0], resolved);
    for (const e of [
      { type: 'dial.failed', index: 0, gen: 0, reason: 'x' },
      { type: 'dial.opened', index: 0, gen: 7 },
      { type: 'dial.opened', index: 1, gen: 1 },
      { type: 'dial.failed', index: 5, gen: 1, reason: 'x' },
    ] as const) {
      const [s2, actions] = step(s1, e);
      expect(s2.value).toBe('dialing');
      expect(s2.context.entries).toEqual(s1.context.entries);
      expect(actions).toEqual([]);
    }
  });

  it('the first connection to open starts the handshake: stagger cancelled, act one begun, handshake timer started', () => {
    const { port, input } = outbound(1);
    const [s1] = step(init(input)[0], resolved);
    const [s2, actions] = step(s1, { type: 'dial.opened', index: 0, gen: 1 });
    expect(s2.value).toEqual({ open: 'awaitingActTwo' });
    expect(s2.context).toMatchObject({ stage: 'Cryptographic handshake', active: 0, address: ipv4(1).address });
    run(actions);
    expect(port.calls).toEqual([
      { call: 'cancelTimer', name: 'dialStagger' },
      { call: 'begin', index: 0 },
      { call: 'startTimer', name: 'handshakeTimeout', ms: 60_000 },
    ]);
  });

  it('act two names the stage `Exchanging init messages`; the EOF reason depends on the stage', () => {
    const [s1] = step(init(outbound(1).input)[0], resolved);
    const [s2] = step(s1, { type: 'dial.opened', index: 0, gen: 1 });
    expect(step(s2, { type: 'act2.received', index: 1 })[0].value).toEqual({ open: 'awaitingActTwo' });
    const [s3] = step(s2, { type: 'act2.received', index: 0 });
    expect(s3.context.stage).toBe('Exchanging init messages');
    const eof = (s: Snap) => step(s, { type: 'conn.closed', index: 0 })[0].context.entries[0]?.record;
    expect(eof(s2)).toMatchObject({ stage: 'Cryptographic handshake', reason: 'peer closed connection (wrong key?)' });
    expect(eof(s3)).toMatchObject({ stage: 'Exchanging init messages', reason: 'peer closed connection' });
    const [s4] = step(s3, { type: 'timer.handshakeTimeout' });
    expect(s4.context.entries[0]?.record).toMatchObject({ stage: 'Exchanging init messages', reason: 'Connection timed out' });
    const [s5] = step(s3, { type: 'init.accepted', index: 0, features: 'aa', remoteAddr: null });
    expect(s5.value).toEqual({ established: 'hook' });
    expect(s5.context.features).toBe('aa');
    const [s6] = step(s5, { type: 'hook.decided', decision: { result: 'disconnect' } });
    expect(s6.value).toBe('disconnectedDuring');
    expect(s6.output).toEqual({ kind: 'disconnected-during' });
  });
});

describe('peer steps (pure helpers)', () => {
  const [s0] = init(outbound(2).input);
  const c = { ...s0.context, entries: withStatus(s0.context.entries, 0, { status: 'dialing', startedAt: 0 }) };

  it('failureOf: the event says why; an EOF says more during the handshake', () => {
    expect(failureOf({ ...c, stage: 'Cryptographic handshake' }, { type: 'conn.closed', index: 0 })).toBe('peer closed connection (wrong key?)');
    expect(failureOf({ ...c, stage: 'Exchanging init messages' }, { type: 'conn.closed', index: 0 })).toBe('peer closed connection');
    expect(failureOf(c, { type: 'conn.closed', index: 0, reason: 'Connection reset by peer' })).toBe('Connection reset by peer');
    expect(failureOf(c, { type: 'init.rejected', index: 0, reason: 'No common network' })).toBe('No common network');
    expect(failureOf(c, { type: 'peer.start' })).toBe('Protocol error');
  });

  it('entriesAfterDialFailure: staged, stage-less fragments and SOCKS prefixes', () => {
    const staged = entriesAfterDialFailure(c, { type: 'dial.failed', index: 0, gen: 1, reason: 'Connection refused', prefix: 'Error connecting to p' });
    expect(staged[0]).toMatchObject({ status: 'failed', prefix: 'Error connecting to p', record: { stage: 'Connection establishment', reason: 'Connection refused' } });
    const stageless = entriesAfterDialFailure(c, { type: 'dial.failed', index: 0, gen: 1, reason: 'x', fragment: 'need a proxy' });
    expect(stageless[0]?.record).toEqual({ address: '127.0.0.1:1', stage: '', reason: 'need a proxy', ms: 0 });
    expect(entriesAfterDialFailure(c, { type: 'peer.start' })).toBe(c.entries);
  });

  it('hookInfo and connectedOutcome: remote_addr only when the peer told us', () => {
    const d = { ...c, features: THEIR_FEATURES, address: ipv4(1).address };
    expect(hookInfo(d)).toEqual({ id: THEIR_ID, direction: 'out', addr: '127.0.0.1:1', features: THEIR_FEATURES });
    expect(hookInfo({ ...d, theirRemoteAddr: '1.2.3.4:5' }).remote_addr).toBe('1.2.3.4:5');
    expect(connectedOutcome(d)).toEqual({ kind: 'connected', result: { id: THEIR_ID, features: THEIR_FEATURES, direction: 'out', address: ipv4(1).address } });
  });
});

describe('dial list (pure)', () => {
  const a = ipv4(1);
  const b = ipv4(2);
  it('next address, abort back to pending, failure records and the 401 message', () => {
    let list = [pendingEntry(a.address, a.label), pendingEntry(b.address, b.label), pendingEntry(b.address, 'x.onion:9735', { reason: 'need a proxy' })];
    expect(nextPendingIndex(list)).toBe(0);
    list = withStatus(list, 0, { status: 'dialing', startedAt: 100 });
    list = withStatus(list, 1, { status: 'dialing', startedAt: 350 });
    list = abortDialing(list, 1);
    expect(list.map((e) => e.status)).toEqual(['pending', 'dialing', 'failed']);
    list = failEntry(list, 1, 'Cryptographic handshake', 'Protocol error', 400);
    list = failEntry(list, 0, 'Connection establishment', 'Connection refused', 500);
    expect(failEntry(list, 0, 'Connection establishment', 'again', 900)).toEqual(list); // a failed entry stays as it failed
    expect(attemptRecords(list)).toEqual([
      { address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 },
      { address: '127.0.0.1:2', stage: 'Cryptographic handshake', reason: 'Protocol error', ms: 50 },
      { address: 'x.onion:9735', stage: '', reason: 'need a proxy', ms: 0 },
    ]);
    expect(allFailedMessage(list)).toBe(
      'All addresses failed: 127.0.0.1:1: Connection establishment: Connection refused. 127.0.0.1:2: Cryptographic handshake: Protocol error. x.onion:9735: need a proxy. ',
    );
  });
});
