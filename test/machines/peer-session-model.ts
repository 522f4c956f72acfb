/**
 * Abstract model of one peer session, outbound with one address or inbound,
 * for model-based tests of the peer machine (./peer-model.test.ts): queued,
 * the dial, the BOLT 8 acts as the machine's states (awaitingActTwo as
 * initiator, awaitingActOne → awaitingActThree as responder), init, the
 * hook, the subdaemons, ready with its keepalive tick, graceful and forced
 * disconnects, the close grace and cancel from anywhere. (Stale events are
 * sent after every step by the driver, ./peer-model-driver.ts.)
 *
 * Its context predicts every notice the supervisor hears, in order, and the
 * failure of the one address (`<stage>|<reason>`) for the exact 401 text.
 * An inbound connection that fails before `ready` just closes (no outcome).
 */
import { assign, setup } from 'xstate';
import { ESTABLISHMENT, HANDSHAKE, INIT, REFUSED, TIMED_OUT } from './peer-model.js';
import type { ModelEvent } from './peer-model.js';

export const WRONG_KEY = 'peer closed connection (wrong key?)';
export const EOF = 'peer closed connection';
export const HUNG_UP = 'Last ping unreturned: hanging up';
export const REQUESTED = 'disconnected by request';
export const HOOK = 'peer_connected hook said disconnect';

export interface SessionContext {
  inbound: boolean;
  /** `<stage>|<reason>` of the one address once it failed. */
  failure: string | null;
  /** `identified`, `initDone`, `outcome:<kind>`, `closed:<reason>`: what the port was told, in order. */
  notices: string[];
}

type Ctx = { context: SessionContext };
const inbound = ({ context }: Ctx): boolean => context.inbound;
/** Append the notices the port must have been told (typed `never`: helpers outside `setup()`). */
const tell = (...n: string[]): never => assign({ notices: ({ context }: Ctx) => [...context.notices, ...n] }) as never;

/** The one address failed: 401 with its stage and reason. */
const fails = (stage: string, reason: string): never =>
  ({ target: 'failed', actions: [assign({ failure: `${stage}|${reason}` }), tell('outcome:all-failed')] }) as never;
/** An inbound connection that fails before `ready` closes without an outcome; the notice says why. */
const closes = (reason: string): never => ({ target: 'closed', actions: tell(`closed:${reason}`) }) as never;
/** Init is shared: outbound fails with 401, inbound closes. */
const initFails = (reason: string): never => [{ guard: inbound, ...(closes(reason) as object) }, fails(INIT, reason)] as never;
const cancel: never = { target: 'cancelled', actions: tell('outcome:cancelled') } as never;
/** Before `ready`, losing the connection is 402 (disconnected during connection). */
const during = (reason: string): never => ({ target: 'disconnectedDuring', actions: tell('outcome:disconnected-during', `closed:${reason}`) }) as never;

export const sessionModel = setup({
  types: { context: {} as SessionContext, events: {} as ModelEvent },
}).createMachine({
  id: 'sessionModel',
  context: { inbound: false, failure: null, notices: [] },
  initial: 'start',
  states: {
    start: {
      on: {
        START_EMPTY: { target: 'noAddress', actions: tell('outcome:no-address') },
        START_ONE: { target: 'dialing' },
        START_QUEUED: { target: 'queued' },
        START_INBOUND: { target: 'awaitingActOne', actions: assign({ inbound: true }) },
      },
    },
    queued: {
      on: { PEER_START: { target: 'dialing' }, CANCEL: cancel },
    },
    dialing: {
      on: {
        OPEN: { guard: ({ event }) => event.index === 0, target: 'awaitingActTwo' },
        REFUSE: { guard: ({ event }) => event.index === 0, ...(fails(ESTABLISHMENT, REFUSED) as object) },
        CONNECT_TIMEOUT: fails(ESTABLISHMENT, TIMED_OUT),
        CANCEL: cancel,
      },
    },
    awaitingActTwo: {
      on: {
        ACT2: { target: 'init', actions: tell('identified') },
        HANDSHAKE_FAILED: fails(HANDSHAKE, 'Protocol error'),
        EOF: fails(HANDSHAKE, WRONG_KEY),
        HANDSHAKE_TIMEOUT: fails(HANDSHAKE, TIMED_OUT),
        CANCEL: cancel,
      },
    },
    awaitingActOne: {
      on: {
        ACT1: { target: 'awaitingActThree' },
        HANDSHAKE_FAILED: closes('Protocol error'),
        EOF: closes(WRONG_KEY),
        HANDSHAKE_TIMEOUT: closes(TIMED_OUT),
        CANCEL: cancel,
      },
    },
    awaitingActThree: {
      on: {
        ACT3: { target: 'init', actions: tell('identified') },
        HANDSHAKE_FAILED: closes('Protocol error'),
        EOF: closes(WRONG_KEY),
        HANDSHAKE_TIMEOUT: closes(TIMED_OUT),
        CANCEL: cancel,
      },
    },
    init: {
      on: {
        INIT_ACCEPTED: { target: 'hook', actions: tell('initDone') },
        INIT_REJECTED: initFails('No common network'),
        EOF: initFails(EOF),
        CONN_ERROR: initFails('Protocol error'),
        HANDSHAKE_TIMEOUT: initFails(TIMED_OUT),
        CANCEL: cancel,
      },
    },
    hook: {
      on: {
        HOOK_CONTINUE: { target: 'subdaemons' },
        HOOK_REJECT: during(HOOK),
        EOF: during(EOF),
        DISCONNECT: during(REQUESTED),
        CANCEL: cancel,
      },
    },
    subdaemons: {
      on: {
        SUBD_SETTLED: { target: 'ready', actions: tell('outcome:connected') },
        SUBD_TIMEOUT: { target: 'ready', actions: tell('outcome:connected') },
        EOF: during(EOF),
        DISCONNECT: during(REQUESTED),
        CANCEL: cancel,
      },
    },
    ready: {
      on: {
        TICK: { target: 'ready' },
        HANGUP: { target: 'closed', actions: tell(`closed:${HUNG_UP}`) },
        EOF: { target: 'closed', actions: tell(`closed:${EOF}`) },
        DISCONNECT: { target: 'closing' },
        FORCE_DISCONNECT: { target: 'closed', actions: tell(`closed:${REQUESTED}`) },
        CANCEL: cancel,
      },
    },
    closing: {
      on: {
        EOF: { target: 'closed', actions: tell(`closed:${REQUESTED}`) },
        GRACE: { target: 'closed', actions: tell(`closed:${REQUESTED}`) },
        CANCEL: cancel,
      },
    },
    noAddress: { type: 'final' },
    failed: { type: 'final' },
    disconnectedDuring: { type: 'final' },
    cancelled: { type: 'final' },
    closed: { type: 'final' },
  },
});
