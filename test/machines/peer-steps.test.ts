/**
 * Pure steps of the peer machine (`initialTransition`/`transition`, nothing
 * executed) and of its dial list (src/machines/dial-list.ts): which address
 * is next, what a failure records, how the 401 outcome is built.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, SimulatedClock, transition } from 'xstate';
import type { EventObject } from 'xstate';
import {
  abortDialing,
  allFailedMessage,
  attemptRecords,
  failEntry,
  nextPendingIndex,
  pendingEntry,
  withStatus,
} from '../../src/machines/dial-list.js';
import { peerMachine } from '../../src/machines/peer.js';
import type { PeerEvent } from '../../src/machines/peer-types.js';
import { ipv4, makeConfig, THEIR_ID } from './helpers.js';

const config = makeConfig(new SimulatedClock());
const input = (n: number) => ({ direction: 'out' as const, config, id: THEIR_ID, explicit: Array.from({ length: n }, (_, i) => ipv4(i + 1)) });
const ev = (e: EventObject & { output?: unknown }): PeerEvent => e as PeerEvent;
type Action = { type: string; params?: unknown };
const raised = (actions: Action[]) => actions.flatMap((a) => (a.type === 'xstate.raise' ? [a.params as { event: { type: string }; delay?: number }] : []));

describe('peer machine: pure steps', () => {
  it('starts by resolving the dial list (an invoked actor, nothing else)', () => {
    const [s, actions] = initialTransition(peerMachine, input(1));
    expect(s.value).toBe('resolving');
    expect(actions.map((a) => a.type)).toEqual(['xstate.spawnChild']);
  });

  it('an empty list ends in noAddress with the 400 outcome', () => {
    const [s0] = initialTransition(peerMachine, input(0));
    const [s1, actions] = transition(peerMachine, s0, ev({ type: 'xstate.done.actor.resolveDialList', output: [] }));
    expect(s1.value).toBe('noAddress');
    expect(s1.output).toEqual({ kind: 'no-address' });
    const emitted = (actions as Action[]).flatMap((a) => (a.type === 'xstate.emit' ? [(a.params as { event: { type: string } }).event.type] : []));
    expect(emitted).toContain('peer.outcome');
  });

  it('the first address is dialled at once, with its connectTimeout and the dialStagger timer', () => {
    const [s0] = initialTransition(peerMachine, input(2));
    const [s1, actions] = transition(peerMachine, s0, ev({ type: 'xstate.done.actor.resolveDialList', output: [] }));
    expect(s1.value).toBe('dialing');
    expect(s1.context.entries.map((e) => e.status)).toEqual(['dialing', 'pending']);
    expect(raised(actions as Action[])).toEqual([
      { event: { type: 'dial.timeout', index: 0, gen: 1 }, delay: 10_000 },
      expect.objectContaining({ event: { type: 'xstate.after.dialStagger.peer.dialing' }, delay: 250 }),
    ]);
  });

  it('a refused address records stage and reason, and the next one starts', () => {
    const [s0] = initialTransition(peerMachine, input(2));
    const [s1] = transition(peerMachine, s0, ev({ type: 'xstate.done.actor.resolveDialList', output: [] }));
    const [s2] = transition(peerMachine, s1, { type: 'conn.failed', index: 0, gen: 1, reason: 'Connection refused' });
    expect(s2.value).toBe('dialing');
    expect(s2.context.entries[0]?.record).toEqual({ address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 });
    expect(s2.context.entries[1]?.status).toBe('dialing');
    const [s3] = transition(peerMachine, s2, { type: 'conn.failed', index: 1, gen: 2, reason: 'Connection refused' });
    expect(s3.value).toBe('failed');
    expect(s3.output).toEqual({
      kind: 'all-failed',
      message: 'All addresses failed: 127.0.0.1:1: Connection establishment: Connection refused. 127.0.0.1:2: Connection establishment: Connection refused. ',
      attempts: [
        { address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 },
        { address: '127.0.0.1:2', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 },
      ],
    });
  });

  it('a stale event (older generation) changes nothing', () => {
    const [s0] = initialTransition(peerMachine, input(1));
    const [s1] = transition(peerMachine, s0, ev({ type: 'xstate.done.actor.resolveDialList', output: [] }));
    const [s2] = transition(peerMachine, s1, { type: 'dial.timeout', index: 0, gen: 0 });
    expect(s2.value).toBe('dialing');
    expect(s2.context.entries[0]?.status).toBe('dialing');
  });

  it('the first connection to open enters the handshake stage', () => {
    const [s0] = initialTransition(peerMachine, input(1));
    const [s1] = transition(peerMachine, s0, ev({ type: 'xstate.done.actor.resolveDialList', output: [] }));
    const [s2] = transition(peerMachine, s1, { type: 'conn.opened', index: 0, gen: 1 });
    expect(s2.value).toEqual({ open: 'handshake' });
    expect(s2.context.stage).toBe('Cryptographic handshake');
    expect(s2.context.active).toBe(0);
    expect(s2.context.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: 1 });
  });

  it('a queued attempt waits for peer.start', () => {
    const [s0] = initialTransition(peerMachine, { ...input(1), queued: true });
    expect(s0.value).toBe('queued');
    const [s1] = transition(peerMachine, s0, { type: 'peer.start' });
    expect(s1.value).toBe('resolving');
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
