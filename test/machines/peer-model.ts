/**
 * The abstract model of one outbound connect attempt, for model-based tests
 * of the peer machine (`createTestModel` from `xstate/graph`).
 *
 * Its events are the outside stimuli only: per-address socket open / refuse /
 * time out and the dial stagger, BOLT 8 act bytes good / bad / EOF, the
 * peer's init good / incompatible / error / EOF / an unknown odd message,
 * the handshake timer, the hook's continue / reject, the subdaemon's ready /
 * failed / timeout, a disconnect (the peer's EOF or our command), keepalive
 * idleness and cancel. No invoke, no `after`: time is an event here and the
 * driver moves the SimulatedClock. Its context predicts the dial list (A =
 * entry 0, B = entry 1) so every path can check the exact 401 message.
 */
import { assign, setup } from 'xstate';

export type Slot = 'pending' | 'dialing' | 'open' | `failed|${string}|${string}`;

export interface ModelContext {
  a: Slot;
  b: Slot;
  active: 0 | 1 | null;
}

export type ModelEvent =
  | { type: 'START_EMPTY' }
  | { type: 'START_ONE' }
  | { type: 'OPEN'; index: 0 | 1 }
  | { type: 'REFUSE'; index: 0 | 1 }
  | { type: 'CONNECT_TIMEOUT' }
  | { type: 'STAGGER' }
  | { type: 'ACTS_GOOD' }
  | { type: 'ACTS_BAD' }
  | { type: 'EOF' }
  | { type: 'HANDSHAKE_TIMEOUT' }
  | { type: 'INIT_GOOD' }
  | { type: 'INIT_ODD' }
  | { type: 'INIT_INCOMPATIBLE' }
  | { type: 'INIT_ERROR' }
  | { type: 'HOOK_CONTINUE' }
  | { type: 'HOOK_REJECT' }
  | { type: 'SUBD_READY' }
  | { type: 'SUBD_FAILED' }
  | { type: 'SUBD_TIMEOUT' }
  | { type: 'DISCONNECT' }
  | { type: 'PING' }
  | { type: 'IDLE' }
  | { type: 'PONG' }
  | { type: 'GRACE' }
  | { type: 'CANCEL' };

export const MODEL_EVENTS: ModelEvent[] = [
  { type: 'OPEN', index: 0 },
  { type: 'OPEN', index: 1 },
  { type: 'REFUSE', index: 0 },
  { type: 'REFUSE', index: 1 },
];

export const ESTABLISHMENT = 'Connection establishment';
export const HANDSHAKE = 'Cryptographic handshake';
export const INIT = 'Exchanging init messages';

type Ctx = { context: ModelContext };
type Key = 'a' | 'b';
const key = (i: 0 | 1): Key => (i === 0 ? 'a' : 'b');

/** The dial list after entry `i` failed at `stage`, then the machine's next step (start the next pending one). */
function afterFailure(c: ModelContext, i: 0 | 1, stage: string, reason: string): Partial<ModelContext> {
  const next: ModelContext = { ...c, [key(i)]: `failed|${stage}|${reason}` as Slot, active: null };
  // Back in dialing, the first pending address starts at once.
  if (next.a === 'pending') next.a = 'dialing';
  else if (next.b === 'pending') next.b = 'dialing';
  return { a: next.a, b: next.b, active: null };
}

const activeFails = (stage: string, reason: string) =>
  assign(({ context }: Ctx) => afterFailure(context, context.active ?? 0, stage, reason));

const canContinue = ({ context }: Ctx): boolean =>
  context.a === 'pending' || context.a === 'dialing' || context.b === 'pending' || context.b === 'dialing';

/** Where a failure of the active connection goes: dialing again, or 401. */
const failTargets = (stage: string, reason: string): never =>
  [
    { guard: ({ context }: Ctx) => canContinue({ context: { ...context, ...afterFailure(context, context.active ?? 0, stage, reason) } }), target: 'dialing', actions: activeFails(stage, reason) },
    { target: 'failed', actions: activeFails(stage, reason) },
  ] as never;

export const dialModel = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
}).createMachine({
  id: 'dialModel',
  context: { a: 'dialing', b: 'pending', active: null },
  initial: 'dialing',
  states: {
    dialing: {
      on: {
        STAGGER: {
          guard: ({ context }) => context.b === 'pending' && context.a === 'dialing',
          target: 'dialing',
          actions: assign({ b: 'dialing' as const }),
        },
        OPEN: {
          guard: ({ context, event }) => context[key(event.index)] === 'dialing',
          target: 'handshake',
          actions: assign(({ context, event }) => {
            const other = key(event.index === 0 ? 1 : 0);
            return {
              [key(event.index)]: 'open' as const,
              [other]: context[other] === 'dialing' ? ('pending' as const) : context[other],
              active: event.index,
            };
          }),
        },
        REFUSE: [
          {
            guard: ({ context, event }) =>
              context[key(event.index)] === 'dialing' &&
              canContinue({ context: { ...context, ...afterFailure(context, event.index, ESTABLISHMENT, 'Connection refused') } }),
            target: 'dialing',
            actions: assign(({ context, event }) => afterFailure(context, event.index, ESTABLISHMENT, 'Connection refused')),
          },
          {
            guard: ({ context, event }) => context[key(event.index)] === 'dialing',
            target: 'failed',
            actions: assign(({ context, event }) => afterFailure(context, event.index, ESTABLISHMENT, 'Connection refused')),
          },
        ],
        // The earliest dial times out; a pending address has started by then (the stagger fires first).
        // (B dialing while A is pending cannot happen: A is only pending again after B opened.)
        CONNECT_TIMEOUT: [
          {
            guard: ({ context }) => context.a === 'dialing' && (context.b === 'pending' || context.b === 'dialing'),
            target: 'dialing',
            actions: assign({ a: `failed|${ESTABLISHMENT}|Connection timed out` as Slot, b: 'dialing' as const }),
          },
          {
            guard: ({ context }) => context.a === 'dialing',
            target: 'failed',
            actions: assign({ a: `failed|${ESTABLISHMENT}|Connection timed out` as Slot }),
          },
          {
            guard: ({ context }) => context.b === 'dialing',
            target: 'failed',
            actions: assign({ b: `failed|${ESTABLISHMENT}|Connection timed out` as Slot }),
          },
        ],
      },
    },
    handshake: {
      on: {
        ACTS_GOOD: { target: 'init' },
        EOF: failTargets(HANDSHAKE, 'peer closed connection (wrong key?)'),
        ACTS_BAD: failTargets(HANDSHAKE, 'Protocol error'),
      },
    },
    init: {
      on: {
        INIT_GOOD: { target: 'established' },
        INIT_INCOMPATIBLE: failTargets(INIT, 'No common network'),
        HANDSHAKE_TIMEOUT: failTargets(INIT, 'Connection timed out'),
      },
    },
    /** Init accepted: the dial logic is done (model 2 follows the session). */
    established: { type: 'final' },
    failed: { type: 'final' },
  },
});

/**
 * Model 2, one address and one channel: from the dial to the end of the
 * session (init, hook, subdaemons, ready, keepalive, disconnects, cancel).
 */
export interface SessionContext {
  pingOut: boolean;
  connected: boolean;
  /** `<stage>|<reason>` of the one address once it failed. */
  failure: string | null;
}
const fail = (stage: string, reason: string, guard?: (a: { event: ModelEvent }) => boolean): never =>
  ({ ...(guard === undefined ? {} : { guard }), target: 'failed', actions: assign({ failure: `${stage}|${reason}` }) }) as never;
export const sessionModel = setup({
  types: { context: {} as SessionContext, events: {} as ModelEvent },
}).createMachine({
  id: 'sessionModel',
  context: { pingOut: false, connected: false, failure: null },
  initial: 'start',
  states: {
    start: {
      on: {
        START_EMPTY: { target: 'noAddress' },
        START_ONE: { target: 'dialing' },
      },
    },
    dialing: {
      on: {
        OPEN: { guard: ({ event }) => event.index === 0, target: 'handshake' },
        REFUSE: fail(ESTABLISHMENT, 'Connection refused', ({ event }) => event.type === 'REFUSE' && event.index === 0),
        CONNECT_TIMEOUT: fail(ESTABLISHMENT, 'Connection timed out'),
        CANCEL: { target: 'cancelled' },
      },
    },
    handshake: {
      on: {
        ACTS_GOOD: { target: 'init' },
        ACTS_BAD: fail(HANDSHAKE, 'Protocol error'),
        EOF: fail(HANDSHAKE, 'peer closed connection (wrong key?)'),
        HANDSHAKE_TIMEOUT: fail(HANDSHAKE, 'Connection timed out'),
        CANCEL: { target: 'cancelled' },
      },
    },
    init: {
      on: {
        INIT_GOOD: { target: 'hook' },
        INIT_ODD: { target: 'init' },
        INIT_INCOMPATIBLE: fail(INIT, 'No common network'),
        INIT_ERROR: fail(INIT, 'peer sent error: go away'),
        EOF: fail(INIT, 'peer closed connection'),
        HANDSHAKE_TIMEOUT: fail(INIT, 'Connection timed out'),
        CANCEL: { target: 'cancelled' },
      },
    },
    hook: {
      on: {
        HOOK_CONTINUE: { target: 'subdaemons' },
        HOOK_REJECT: { target: 'disconnectedDuring' },
        EOF: { target: 'disconnectedDuring' },
        CANCEL: { target: 'cancelled' },
      },
    },
    subdaemons: {
      on: {
        SUBD_READY: { target: 'ready', actions: assign({ connected: true }) },
        SUBD_FAILED: { target: 'ready', actions: assign({ connected: true }) },
        SUBD_TIMEOUT: { target: 'ready', actions: assign({ connected: true }) },
        DISCONNECT: { target: 'disconnectedDuring' },
        EOF: { target: 'disconnectedDuring' },
        CANCEL: { target: 'cancelled' },
      },
    },
    ready: {
      on: {
        PING: { guard: ({ context }) => !context.pingOut, target: 'ready' },
        IDLE: [
          { guard: ({ context }) => context.pingOut, target: 'closed' },
          { target: 'ready', actions: assign({ pingOut: true }) },
        ],
        PONG: { guard: ({ context }) => context.pingOut, target: 'ready', actions: assign({ pingOut: false }) },
        EOF: { target: 'closed' },
        DISCONNECT: { target: 'closing' },
        CANCEL: { target: 'cancelled' },
      },
    },
    closing: {
      on: {
        EOF: { target: 'closed' },
        GRACE: { target: 'closed' },
      },
    },
    noAddress: { type: 'final' },
    failed: { type: 'final' },
    disconnectedDuring: { type: 'final' },
    cancelled: { type: 'final' },
    closed: { type: 'final' },
  },
});

/** The 401 message the model predicts: fragments in dial-list order (spec §4). */
export function expectedAllFailed(c: ModelContext, labels: readonly [string, string]): { message: string; records: { address: string; stage: string; reason: string }[] } {
  const records: { address: string; stage: string; reason: string }[] = [];
  [c.a, c.b].forEach((s, i) => {
    if (!s.startsWith('failed|')) return;
    const [, stage = '', reason = ''] = s.split('|');
    records.push({ address: labels[i] as string, stage, reason });
  });
  return { message: 'All addresses failed: ' + records.map((r) => `${r.address}: ${r.stage}: ${r.reason}. `).join(''), records };
}
