/**
 * Abstract model of the dial list of one outbound connect attempt (addresses
 * A = entry 0 and B = entry 1), for model-based tests of the peer machine
 * (`createTestModel` from `xstate/graph`, ./peer-model.test.ts). The session
 * after the dial (acts, init, hook, subdaemons, keepalive, disconnects,
 * cancel, inbound) is modelled in ./peer-session-model.ts.
 *
 * Events are the outside stimuli only: a dial opens, is refused or times out,
 * the stagger elapses, act two arrives or the handshake fails, the peer hangs
 * up, the handshake timer fires, the peer's init is accepted or rejected
 * (stale answers of dropped dials are sent after every step by the driver,
 * ./peer-model-driver.ts). No invoke, no `after`: time is an
 * event here and the driver moves the SimulatedClock. The context predicts
 * the dial list so every path can check the exact 401 message.
 */
import { assign, setup } from 'xstate';

export type Slot = 'pending' | 'dialing' | 'open' | `failed|${string}|${string}`;

export interface DialContext {
  a: Slot;
  b: Slot;
}

export type ModelEvent =
  | { type: 'START_EMPTY' }
  | { type: 'START_ONE' }
  | { type: 'START_QUEUED' }
  | { type: 'START_INBOUND' }
  | { type: 'PEER_START' }
  | { type: 'OPEN'; index: 0 | 1 }
  | { type: 'REFUSE'; index: 0 | 1 }
  | { type: 'CONNECT_TIMEOUT' }
  | { type: 'STAGGER' }
  | { type: 'ACT1' }
  | { type: 'ACT2' }
  | { type: 'ACT3' }
  | { type: 'HANDSHAKE_FAILED' }
  | { type: 'EOF' }
  | { type: 'CONN_ERROR' }
  | { type: 'HANDSHAKE_TIMEOUT' }
  | { type: 'INIT_ACCEPTED' }
  | { type: 'INIT_REJECTED' }
  | { type: 'HOOK_CONTINUE' }
  | { type: 'HOOK_REJECT' }
  | { type: 'SUBD_SETTLED' }
  | { type: 'SUBD_TIMEOUT' }
  | { type: 'TICK' }
  | { type: 'HANGUP' }
  | { type: 'DISCONNECT' }
  | { type: 'FORCE_DISCONNECT' }
  | { type: 'GRACE' }
  | { type: 'CANCEL' };

export type ModelEventType = ModelEvent['type'];

/** Events with a payload, listed for the traversal; the others are generated from the model. */
export const MODEL_EVENTS: ModelEvent[] = [
  { type: 'OPEN', index: 0 },
  { type: 'OPEN', index: 1 },
  { type: 'REFUSE', index: 0 },
  { type: 'REFUSE', index: 1 },
];

export const ESTABLISHMENT = 'Connection establishment';
export const HANDSHAKE = 'Cryptographic handshake';
export const INIT = 'Exchanging init messages';
export const REFUSED = 'Connection refused';
export const TIMED_OUT = 'Connection timed out';

type Ctx = { context: DialContext };
type Key = 'a' | 'b';
const key = (i: 0 | 1): Key => (i === 0 ? 'a' : 'b');
const activeOf = (c: DialContext): 0 | 1 => (c.b === 'open' ? 1 : 0);
const isFailed = (s: Slot): boolean => s.startsWith('failed|');

/** The dial list after entry `i` failed at `stage`: the machine then starts the first pending address. */
function afterFailure(c: DialContext, i: 0 | 1, stage: string, reason: string): DialContext {
  const next: DialContext = { ...c, [key(i)]: `failed|${stage}|${reason}` as Slot };
  if (next.a === 'pending') next.a = 'dialing';
  else if (next.b === 'pending') next.b = 'dialing';
  return next;
}
const canContinue = (c: DialContext): boolean => !isFailed(c.a) || !isFailed(c.b);

/** Where a failure of the open connection goes: dialing the rest, or 401. */
const activeFails = (stage: string, reason: string): never => {
  const next = ({ context }: Ctx) => afterFailure(context, activeOf(context), stage, reason);
  return [
    { guard: (a: Ctx) => canContinue(next(a)), target: 'dialing', actions: assign(next) },
    { target: 'failed', actions: assign(next) },
  ] as never;
};
const dialFails = (stage: string, reason: string) => [
  {
    guard: ({ context, event }: Ctx & { event: ModelEvent }) =>
      event.type === 'REFUSE' && context[key(event.index)] === 'dialing' && canContinue(afterFailure(context, event.index, stage, reason)),
    target: 'dialing',
    actions: assign(({ context, event }: Ctx & { event: ModelEvent }) => afterFailure(context, event.type === 'REFUSE' ? event.index : 0, stage, reason)),
  },
  {
    guard: ({ context, event }: Ctx & { event: ModelEvent }) => event.type === 'REFUSE' && context[key(event.index)] === 'dialing',
    target: 'failed',
    actions: assign(({ context, event }: Ctx & { event: ModelEvent }) => afterFailure(context, event.type === 'REFUSE' ? event.index : 0, stage, reason)),
  },
];

export const dialModel = setup({
  types: { context: {} as DialContext, events: {} as ModelEvent },
}).createMachine({
  id: 'dialModel',
  context: { a: 'dialing', b: 'pending' },
  initial: 'dialing',
  states: {
    dialing: {
      on: {
        STAGGER: { guard: ({ context }) => context.a === 'dialing' && context.b === 'pending', target: 'dialing', actions: assign({ b: 'dialing' as const }) },
        OPEN: {
          guard: ({ context, event }) => context[key(event.index)] === 'dialing',
          target: 'awaitingActTwo',
          actions: assign(({ context, event }) => {
            const other = key(event.index === 0 ? 1 : 0);
            return { [key(event.index)]: 'open' as const, [other]: context[other] === 'dialing' ? ('pending' as const) : context[other] };
          }),
        },
        REFUSE: dialFails(ESTABLISHMENT, REFUSED) as never,
        // The earliest dial times out; a pending address has started by then (the stagger fires first).
        // (B dialing while A is pending cannot happen: A is only pending again after B opened.)
        CONNECT_TIMEOUT: [
          {
            guard: ({ context }) => context.a === 'dialing' && !isFailed(context.b),
            target: 'dialing',
            actions: assign({ a: `failed|${ESTABLISHMENT}|${TIMED_OUT}` as Slot, b: 'dialing' as const }),
          },
          { guard: ({ context }) => context.a === 'dialing', target: 'failed', actions: assign({ a: `failed|${ESTABLISHMENT}|${TIMED_OUT}` as Slot }) },
          { guard: ({ context }) => context.b === 'dialing', target: 'failed', actions: assign({ b: `failed|${ESTABLISHMENT}|${TIMED_OUT}` as Slot }) },
        ],
      },
    },
    awaitingActTwo: {
      on: {
        ACT2: { target: 'init' },
        EOF: activeFails(HANDSHAKE, 'peer closed connection (wrong key?)'),
        HANDSHAKE_FAILED: activeFails(HANDSHAKE, 'Protocol error'),
      },
    },
    init: {
      on: {
        INIT_ACCEPTED: { target: 'established' },
        INIT_REJECTED: activeFails(INIT, 'No common network'),
        HANDSHAKE_TIMEOUT: activeFails(INIT, TIMED_OUT),
      },
    },
    /** Init accepted: the dial list is done (the session model follows what comes next). */
    established: { type: 'final' },
    failed: { type: 'final' },
  },
});

export interface FailureRecord {
  address: string;
  stage: string;
  reason: string;
}

/** The 401 message the model predicts: fragments in dial-list order (spec §4). */
export function expectedAllFailed(slots: readonly Slot[], labels: readonly string[]): { message: string; records: FailureRecord[] } {
  const records: FailureRecord[] = [];
  slots.forEach((s, i) => {
    if (!isFailed(s)) return;
    const [, stage = '', reason = ''] = s.split('|');
    records.push({ address: labels[i] ?? '?', stage, reason });
  });
  return { message: 'All addresses failed: ' + records.map((r) => `${r.address}: ${r.stage}: ${r.reason}. `).join(''), records };
}
