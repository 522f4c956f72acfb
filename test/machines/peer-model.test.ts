/**
 * Model-based tests of the peer machine (`createTestModel` from
 * `xstate/graph`): every simple path of the two abstract models
 * (./peer-model.ts: the dial list; ./peer-session-model.ts: one session,
 * outbound or inbound), with a transition-keyed `serializeTransition` so
 * self-loops count, drives the real machine on a fake port and a
 * SimulatedClock (./peer-model-driver.ts) and checks it after every step.
 * Deliberately broken machines must fail some path.
 */
import { describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { peerMachine } from '../../src/machines/peer.js';
import { A, B, ModelDriver } from './peer-model-driver.js';
import type { ModelSnap, Step } from './peer-model-driver.js';
import { dialModel, MODEL_EVENTS } from './peer-model.js';
import type { ModelEventType } from './peer-model.js';
import { sessionModel } from './peer-session-model.js';

function modelFor(machine: AnyStateMachine) {
  return createTestModel(machine, {
    events: MODEL_EVENTS as never,
    // Only stimuli the model allows in that state (a guarded-out event is not a step).
    filterEvents: (state, event) => state.can(event),
    // Transition-keyed: a state reached by a different transition is a new vertex, so self-loops are walked.
    serializeTransition: (_s, e, prev) => `${JSON.stringify(prev?.value)}|${JSON.stringify(e)}`,
  });
}
type Path = ReturnType<ReturnType<typeof modelFor>['getSimplePaths']>[number];

const EVENT_TYPES: ModelEventType[] = [
  'START_EMPTY', 'START_ONE', 'START_QUEUED', 'START_INBOUND', 'PEER_START', 'OPEN', 'REFUSE', 'CONNECT_TIMEOUT', 'STAGGER',
  'ACT1', 'ACT2', 'ACT3', 'HANDSHAKE_FAILED', 'EOF', 'CONN_ERROR', 'HANDSHAKE_TIMEOUT', 'INIT_ACCEPTED', 'INIT_REJECTED',
  'HOOK_CONTINUE', 'HOOK_REJECT', 'SUBD_SETTLED', 'SUBD_TIMEOUT', 'TICK', 'HANGUP', 'DISCONNECT', 'FORCE_DISCONNECT', 'GRACE', 'CANCEL',
];

async function runPath(path: Path, machine: typeof peerMachine, dial: boolean): Promise<void> {
  const d = new ModelDriver(machine, dial);
  if (dial) d.create({ explicit: [A, B] });
  try {
    await path.test({
      events: Object.fromEntries(EVENT_TYPES.map((t) => [t, (step: unknown) => d.exec(step as Step)])),
      states: { '*': (s: unknown) => d.check(s as ModelSnap) },
    });
  } finally {
    d.h?.stop();
  }
}

interface Candidate {
  key: string;
  guard: unknown;
}

/** Every (state, event) → candidate transitions of a model, keyed `state --event#i--> target`. */
function transitionsOf(machine: AnyStateMachine): Map<string, Candidate[]> {
  const out = new Map<string, Candidate[]>();
  for (const [name, node] of Object.entries(machine.root.states)) {
    for (const [type, list] of (node as unknown as { transitions: Map<string, { guard?: unknown; target?: { key: string }[] }[]> }).transitions) {
      out.set(`${name}|${type}`, list.map((t, i) => ({ key: `${name} --${type}#${i}--> ${t.target?.[0]?.key ?? name}`, guard: t.guard })));
    }
  }
  return out;
}

/** Which states and which transitions (guarded branches apart) the paths walk. */
function coverage(machine: AnyStateMachine, paths: Path[]): { states: Set<string>; transitions: Set<string>; all: string[] } {
  const defined = transitionsOf(machine);
  const states = new Set<string>();
  const transitions = new Set<string>();
  for (const p of paths) {
    for (let i = 1; i < p.steps.length; i++) {
      const before = (p.steps[i - 1] as unknown as Step).state;
      const step = p.steps[i] as unknown as Step;
      states.add(before.value);
      states.add(step.state.value);
      const cands = defined.get(`${before.value}|${step.event.type}`) ?? [];
      const taken = cands.find((c) => typeof c.guard !== 'function' || (c.guard as (a: unknown) => boolean)({ context: before.context, event: step.event }));
      if (taken !== undefined) transitions.add(taken.key);
    }
  }
  return { states, transitions, all: [...defined.values()].flat().map((c) => c.key) };
}

const MODELS = [
  ['dial list (addresses A and B)', dialModel, true],
  ['session (one address or inbound)', sessionModel, false],
] as const;

for (const [name, machine, dial] of MODELS) {
  describe(`peer machine, model-based: ${name}`, () => {
    const paths = modelFor(machine).getSimplePaths();
    const cov = coverage(machine, paths);
    const states = Object.keys(machine.root.states);
    console.log(`${machine.id}: ${paths.length} simple paths; ${cov.transitions.size}/${cov.all.length} transitions, ${cov.states.size}/${states.length} states covered`);

    it('the paths cover every state and every transition of the model', () => {
      console.log(`${machine.id}: not covered: ${cov.all.filter((t) => !cov.transitions.has(t)).join(', ')}`);
      expect(paths.length).toBeGreaterThan(10);
      expect([...cov.states].sort()).toEqual([...states].sort());
      expect([...cov.transitions].sort()).toEqual([...cov.all].sort());
    });

    it(`every simple path holds on the real machine (${paths.length} paths)`, async () => {
      for (const path of paths) await runPath(path, peerMachine, dial);
    });
  });
}

describe('peer machine, model-based: the paths catch broken machines', () => {
  const mutants: [string, AnyStateMachine, typeof peerMachine][] = [
    ['stale dial answers accepted (isDialingEvent: () => true)', dialModel, peerMachine.provide({ guards: { isDialingEvent: () => true } })],
    ['no stagger (hasPendingEntry: () => false)', dialModel, peerMachine.provide({ guards: { hasPendingEntry: () => false } })],
    ['a failed address ends the attempt (canContinueDialing: () => false)', dialModel, peerMachine.provide({ guards: { canContinueDialing: () => false } })],
    ['other connections’ facts accepted (fromActive: () => true)', sessionModel, peerMachine.provide({ guards: { fromActive: () => true } })],
    ['the hook always continues (hookContinues: () => true)', sessionModel, peerMachine.provide({ guards: { hookContinues: () => true } })],
    ['a forced disconnect waits (forced: () => false)', sessionModel, peerMachine.provide({ guards: { forced: () => false } })],
    ['subdaemons skipped (hasSubdaemons: () => false)', sessionModel, peerMachine.provide({ guards: { hasSubdaemons: () => false } })],
    ['timers never cancelled (cancelTimer: no-op)', sessionModel, peerMachine.provide({ actions: { cancelTimer: () => {} } })],
  ];
  for (const [what, model, mutant] of mutants) {
    it(`catches: ${what}`, async () => {
      const dial = model === dialModel;
      let caught: { path: Path; error: string } | null = null;
      for (const path of modelFor(model).getSimplePaths()) {
        try {
          await runPath(path, mutant, dial);
        } catch (err) {
          caught = { path, error: String(err).split('\n')[0] ?? '' };
          break; // one failing path is enough
        }
      }
      console.log(`mutant "${what}" caught by: ${caught === null ? 'nothing' : `${caught.path.description}\n  ${caught.error}`}`);
      expect(caught).not.toBeNull();
      // … and that path holds on the real machine: the mutant, not the path, is what failed.
      if (caught !== null) await runPath(caught.path, peerMachine, dial);
    });
  }
});

