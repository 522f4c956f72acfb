/**
 * Model-based tests of the peer machine (`createTestModel` from
 * `xstate/graph`): every simple path of the two abstract models in
 * test/machines/peer-model.ts, with a transition-keyed `serializeTransition`
 * so self-loops count, drives the real machine (fakes through `.provide()`,
 * a SimulatedClock) and checks its state and outcome after every step,
 * including the exact 401 message and `data.attempts`. A deliberately broken
 * machine must fail some path.
 */
import { describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { encodeInit, encodeMessage, encodePing, encodePong, errorMessage, decodeMessage, MESSAGE_TYPES } from '../../src/bolt1/index.js';
import { peerMachine } from '../../src/machines/peer.js';
import type { EntrySeed, PeerOutcome } from '../../src/machines/peer-types.js';
import type { AttemptRecord } from '../../src/types.js';
import { dialModel, expectedAllFailed, MODEL_EVENTS, sessionModel } from './peer-model.js';
import type { ModelContext, ModelEvent, SessionContext } from './peer-model.js';
import { flush, ipv4, PeerHarness, THEIR_ID, theirInit } from './helpers.js';

const A = ipv4(1);
const B = { address: { type: 'ipv6' as const, address: '::1', port: 2 }, label: '[::1]:2' };
const LABELS = [A.label, B.label] as const;

interface ModelSnap {
  value: unknown;
  context: ModelContext & SessionContext;
}
interface Step {
  state: ModelSnap;
  event: ModelEvent;
}

/** Drives one real peer actor along one model path. */
class Driver {
  h: PeerHarness | null = null;
  /** Expected `ms` of each entry's attempt record, computed from the simulated clock. */
  readonly ms = new Map<number, number>();
  constructor(private readonly machine: typeof peerMachine, private readonly dial: boolean) {}

  get harness(): PeerHarness {
    if (this.h === null) throw new Error('no harness yet');
    return this.h;
  }
  async create(explicit: readonly EntrySeed[]): Promise<void> {
    this.h = await new PeerHarness({ explicit, channels: ['c1'], timeouts: { subdaemonMs: 5000 }, machine: this.machine }).start();
  }
  active(): number {
    const live = this.harness.live();
    if (live.length !== 1) throw new Error(`expected one live connection, got ${live.length}`);
    return (live[0] as { input: { index: number } }).input.index;
  }
  failing(index: number, at = this.harness.clock.now()): void {
    this.ms.set(index, at - this.harness.conn(index).startedAt);
  }

  async exec(step: Step): Promise<void> {
    const h = this.harness;
    const e = step.event;
    switch (e.type) {
      case 'START_EMPTY':
      case 'START_ONE':
        return; // created in `begin`
      case 'STAGGER':
        h.advance(250);
        return;
      case 'OPEN':
        h.opened(e.index);
        return;
      case 'REFUSE':
        this.failing(e.index);
        h.failed(e.index);
        return;
      case 'CONNECT_TIMEOUT': {
        const first = h.live().reduce((x, y) => (y.startedAt < x.startedAt ? y : x));
        const deadline = first.startedAt + h.config.timeouts.connectMs;
        this.ms.set(first.input.index, h.config.timeouts.connectMs);
        h.advance(deadline - h.clock.now());
        return;
      }
      case 'ACTS_GOOD':
        h.handshake(this.active());
        return;
      case 'ACTS_BAD': {
        const i = this.active();
        this.failing(i);
        h.answerActOne(i, { corrupt: true });
        return;
      }
      case 'EOF': {
        const i = this.active();
        this.failing(i);
        h.closed(i);
        await flush();
        return;
      }
      case 'HANDSHAKE_TIMEOUT': {
        const i = this.active();
        this.failing(i, h.clock.now() + h.config.timeouts.handshakeMs);
        h.advance(h.config.timeouts.handshakeMs);
        return;
      }
      case 'INIT_GOOD':
        h.message(this.active(), theirInit());
        await flush();
        return;
      case 'INIT_ODD':
        h.message(this.active(), encodeMessage(33, new Uint8Array([1])));
        return;
      case 'INIT_INCOMPATIBLE': {
        const i = this.active();
        this.failing(i);
        h.message(i, encodeInit({ globalfeatures: new Uint8Array(0), features: new Uint8Array(0), networks: [new Uint8Array(32).fill(7)] }));
        return;
      }
      case 'INIT_ERROR': {
        const i = this.active();
        this.failing(i);
        h.message(i, errorMessage('go away'));
        return;
      }
      case 'HOOK_CONTINUE':
        await h.hookAnswer({ result: 'continue' });
        return;
      case 'HOOK_REJECT':
        await h.hookAnswer({ result: 'disconnect', error_message: 'not today' });
        return;
      case 'SUBD_READY':
        h.subdaemon('c1', 'ready');
        return;
      case 'SUBD_FAILED':
        h.subdaemon('c1', 'failed');
        return;
      case 'SUBD_TIMEOUT':
        h.advance(5000);
        return;
      case 'DISCONNECT':
        h.actor.send({ type: 'peer.disconnect' });
        return;
      case 'PING': {
        const i = this.active();
        h.message(i, encodePing({ numPongBytes: 2 }));
        expect(h.sent(i).at(-1)).toEqual(encodePong({ byteslen: 2 }));
        return;
      }
      case 'PONG':
        h.message(this.active(), encodePong({ byteslen: 1 }));
        return;
      case 'IDLE': {
        const i = this.active();
        const hangsUp = step.state.value === 'closed';
        h.advance(hangsUp ? 30_000 : 60_000);
        if (!hangsUp) expect(decodeMessage(h.sent(i).at(-1) as Uint8Array).type).toBe(MESSAGE_TYPES.ping);
        return;
      }
      case 'GRACE':
        h.advance(h.config.timeouts.closeGraceMs);
        return;
      case 'CANCEL':
        h.actor.send({ type: 'peer.cancel' });
        return;
    }
  }

  attempts(records: { address: string; stage: string; reason: string }[]): AttemptRecord[] {
    return records.map((r) => {
      const index = (LABELS as readonly string[]).indexOf(r.address);
      return { ...r, ms: this.ms.get(index) ?? -1 };
    });
  }

  check(s: ModelSnap): void {
    if (this.h === null) return; // model `start`: nothing exists yet
    const h = this.h;
    const v = s.value as string;
    const connected: PeerOutcome = {
      kind: 'connected',
      result: { id: THEIR_ID, features: h.context.features, direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port: 1 } },
    };
    const real: Record<string, unknown> = {
      dialing: 'dialing',
      handshake: { open: 'handshake' },
      init: { open: 'init' },
      hook: { established: 'hook' },
      established: { established: 'hook' },
      subdaemons: { established: 'subdaemons' },
      ready: { ready: 'waiting' },
      closing: 'closing',
      closed: 'closed',
      noAddress: 'noAddress',
      failed: 'failed',
      disconnectedDuring: 'disconnectedDuring',
      cancelled: 'cancelled',
    };
    expect(h.state).toEqual(real[v]);
    let outcomes: PeerOutcome[] = [];
    if (v === 'failed') {
      const c = this.dial ? s.context : { ...s.context, a: `failed|${s.context.failure ?? ''}` as ModelContext['a'], b: 'pending' as const };
      const fragment = expectedAllFailed(c, LABELS);
      outcomes = [{ kind: 'all-failed', message: fragment.message, attempts: this.attempts(fragment.records) }];
    } else if (v === 'noAddress') outcomes = [{ kind: 'no-address' }];
    else if (v === 'disconnectedDuring') outcomes = [{ kind: 'disconnected-during' }];
    else if (v === 'cancelled') outcomes = s.context.connected ? [connected, { kind: 'cancelled' }] : [{ kind: 'cancelled' }];
    else if (s.context.connected) outcomes = [connected];
    expect(h.outcomes).toEqual(outcomes);
    if (this.dial && v !== 'failed') {
      // The dial list as the model predicts it; only the dialling/open addresses have a live socket.
      const status = (x: string): string => (x.startsWith('failed|') ? 'failed' : x);
      expect(h.context.entries.map((e) => e.status)).toEqual([status(s.context.a), status(s.context.b)]);
      const live = h.live().map((c) => c.input.index);
      expect(live).toEqual([s.context.a, s.context.b].flatMap((x, i) => (x === 'dialing' || x === 'open' ? [i] : [])));
    }
    if (h.status === 'done') expect(h.live()).toEqual([]);
  }
}

function modelFor(machine: AnyStateMachine) {
  return createTestModel(machine, {
    events: MODEL_EVENTS as never,
    // Only stimuli the model allows in that state (a guarded-out event is not a step).
    filterEvents: (state, event) => state.can(event),
    // Transition-keyed: a state reached by a different transition is a new vertex, so self-loops are walked.
    serializeTransition: (_s, e, prev) => `${JSON.stringify(prev?.value)}|${JSON.stringify(e)}`,
  });
}

type Model = ReturnType<typeof modelFor>;
type Path = ReturnType<Model['getSimplePaths']>[number];

async function runPath(path: Path, machine: typeof peerMachine, dial: boolean): Promise<void> {
  const d = new Driver(machine, dial);
  if (dial) await d.create([A, B]);
  try {
    await path.test({
      events: Object.fromEntries(
        allEventTypes.map((t): [string, (step: unknown) => Promise<void>] => [
          t,
          t.startsWith('START') ? async () => d.create(t === 'START_ONE' ? [A] : []) : async (step) => d.exec(step as Step),
        ]),
      ),
      states: { '*': (s: unknown) => d.check(s as ModelSnap) },
    });
  } finally {
    d.h?.stop();
  }
}

const allEventTypes = [
  'START_EMPTY', 'START_ONE', 'OPEN', 'REFUSE', 'CONNECT_TIMEOUT', 'STAGGER', 'ACTS_GOOD', 'ACTS_BAD', 'EOF',
  'HANDSHAKE_TIMEOUT', 'INIT_GOOD', 'INIT_ODD', 'INIT_INCOMPATIBLE', 'INIT_ERROR', 'HOOK_CONTINUE', 'HOOK_REJECT',
  'SUBD_READY', 'SUBD_FAILED', 'SUBD_TIMEOUT', 'DISCONNECT', 'PING', 'IDLE', 'PONG', 'GRACE', 'CANCEL',
];

interface Candidate {
  key: string;
  guard: unknown;
}

/** Every (state, event, candidate) the model defines, and the one a step takes. */
function transitionsOf(machine: AnyStateMachine): Map<string, Candidate[]> {
  const out = new Map<string, Candidate[]>();
  for (const [name, node] of Object.entries(machine.root.states)) {
    for (const [type, list] of (node as unknown as { transitions: Map<string, { guard?: unknown; target?: { key: string }[] }[]> }).transitions) {
      out.set(`${name}|${type}`, list.map((t, i) => ({ key: `${name} --${type}#${i}--> ${t.target?.[0]?.key ?? name}`, guard: t.guard })));
    }
  }
  return out;
}

function coverage(machine: AnyStateMachine, paths: Path[]): { states: Set<string>; transitions: Set<string>; all: string[] } {
  const defined = transitionsOf(machine);
  const states = new Set<string>();
  const transitions = new Set<string>();
  for (const p of paths) {
    for (let i = 1; i < p.steps.length; i++) {
      const before = (p.steps[i - 1] as { state: ModelSnap }).state;
      const step = p.steps[i] as unknown as Step;
      states.add(before.value as string);
      states.add(step.state.value as string);
      const cands = defined.get(`${before.value as string}|${step.event.type}`) ?? [];
      const taken = cands.find((c) => typeof c.guard !== 'function' || (c.guard as (a: unknown) => boolean)({ context: before.context, event: step.event }));
      if (taken !== undefined) transitions.add(taken.key);
    }
  }
  return { states, transitions, all: [...defined.values()].flat().map((c) => c.key) };
}

for (const [name, machine, dial] of [
  ['dial list (addresses A and B)', dialModel, true],
  ['session (one address, one channel)', sessionModel, false],
] as const) {
  describe(`peer machine, model-based: ${name}`, () => {
    const model = modelFor(machine);
    const paths = model.getSimplePaths();
    const cov = coverage(machine, paths);
    console.log(`${machine.id}: ${paths.length} simple paths; ${cov.transitions.size}/${cov.all.length} transitions, ${cov.states.size}/${Object.keys(machine.root.states).length} states covered`);

    it('the paths cover every state and every transition of the model', () => {
      expect([...cov.states].sort()).toEqual(Object.keys(machine.root.states).sort());
      expect([...cov.transitions].sort()).toEqual([...cov.all].sort());
    });

    it(`every simple path holds on the real machine (${paths.length} paths)`, async () => {
      for (const path of paths) await runPath(path, peerMachine, dial);
    });
  });
}

describe('peer machine, model-based: the paths catch broken machines', () => {
  const mutants: [string, AnyStateMachine, typeof peerMachine][] = [
    ['no stagger (hasPendingEntry: () => false)', dialModel, peerMachine.provide({ guards: { hasPendingEntry: () => false } })],
    ['a failed address ends the attempt (canContinueDialing: () => false)', dialModel, peerMachine.provide({ guards: { canContinueDialing: () => false } })],
    ['init never accepted (initAccepted: () => false)', sessionModel, peerMachine.provide({ guards: { initAccepted: () => false } })],
  ];
  for (const [what, model, mutant] of mutants) {
    it(`catches: ${what}`, async () => {
      const paths = modelFor(model).getSimplePaths();
      let caught = 0;
      let first = '';
      for (const path of paths) {
        try {
          await runPath(path, mutant, model === dialModel);
        } catch (err) {
          caught++;
          first = `${path.description}\n  ${String(err).split('\n')[0]}`;
          break; // one failing path is enough
        }
      }
      console.log(`mutant "${what}" caught by: ${first}`);
      expect(caught).toBeGreaterThan(0);
    });
  }
});
