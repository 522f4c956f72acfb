/**
 * The BOLT 8 handshake of one connection, in either role, as an xstate machine.
 *
 * Drives the pure Noise_XK core of src/bolt8 (BOLT 8 "Authenticated Key
 * Agreement Handshake"): initiator sends act one, awaits act two (50 bytes),
 * sends act three; responder awaits act one (50), sends act two, awaits act
 * three (66) and learns the remote node id. Bytes arrive as `conn.data` events
 * from the connection actor (any chunking); the machine asks for exactly the
 * bytes it needs with `conn.read` and writes with `conn.write`.
 *
 * Output: transport keys and the remote node id, or the failure reason texts of
 * spec §4: `peer closed connection (wrong key?)` (EOF), `Protocol error` (bad
 * version, key or MAC). The handshake timer lives in the peer machine (one
 * timer covers the handshake and the init exchange).
 * Owner: the peer machine (src/machines/peer.ts) invokes it with id `handshake`.
 */
import { assign, enqueueActions, sendTo, setup } from 'xstate';
import type { AnyActorRef } from 'xstate';
import {
  ACT_ONE_SIZE,
  ACT_THREE_SIZE,
  ACT_TWO_SIZE,
  Bolt8Error,
  initiator,
  responder,
} from '../bolt8/index.js';
import type { InitiatorAwaitingActTwo, LocalKey, ResponderAwaitingActThree, TransportKeys } from '../bolt8/index.js';
import type { CryptoBackend } from '../crypto/backend.js';
import type { ConnFact } from './events.js';
import { concatBytes, toHex } from './bytes.js';

export const REASON_EOF_HANDSHAKE = 'peer closed connection (wrong key?)';
export const REASON_PROTOCOL = 'Protocol error';

export interface HandshakeInput {
  role: 'initiator' | 'responder';
  crypto: CryptoBackend;
  localKey: LocalKey;
  /** Initiator only: the node id we dial (33-byte compressed key). */
  remoteStatic?: Uint8Array;
  /** Tests inject the ephemeral key; default: a fresh random one. */
  ephemeralSecret?: Uint8Array;
  conn: AnyActorRef;
}

export type HandshakeOutput =
  | { ok: true; keys: TransportKeys; remoteId: string }
  | { ok: false; reason: string; detail: string };

export interface HandshakeContext {
  input: HandshakeInput;
  buffer: Uint8Array;
  need: number;
  awaitingActTwo?: InitiatorAwaitingActTwo;
  awaitingActThree?: ResponderAwaitingActThree;
  result?: HandshakeOutput;
  /** Bytes the last step produced, written by `flushOut` right after it. */
  out: Uint8Array | null;
}

type HandshakeEvent = Extract<ConnFact, { type: 'conn.data' | 'conn.closed' }>;

const EMPTY = new Uint8Array(0);

function failure(err: unknown): HandshakeOutput {
  const detail = err instanceof Bolt8Error ? err.message : String(err);
  return { ok: false, reason: REASON_PROTOCOL, detail };
}

export const handshakeMachine = setup({
  types: {
    context: {} as HandshakeContext,
    events: {} as HandshakeEvent,
    input: {} as HandshakeInput,
    output: {} as HandshakeOutput,
  },
  actions: {
    // BOLT 8 act one: e, es (initiator → responder)
    sendActOne: assign(({ context }) => {
      const { input } = context;
      try {
        const first = initiator({
          crypto: input.crypto,
          localKey: input.localKey,
          remoteStatic: input.remoteStatic ?? EMPTY,
          ...(input.ephemeralSecret ? { ephemeralSecret: input.ephemeralSecret } : {}),
        }).actOne();
        return { awaitingActTwo: first.next, need: ACT_TWO_SIZE, out: first.act };
      } catch (err) {
        return { out: null, result: failure(err) };
      }
    }),
    flushOut: enqueueActions(({ context, enqueue }) => {
      if (context.out !== null) enqueue.sendTo(context.input.conn, { type: 'conn.write', bytes: context.out });
    }),
    requestBytes: sendTo(
      ({ context }) => context.input.conn,
      ({ context }) => ({ type: 'conn.read' as const, n: Math.max(0, context.need - context.buffer.length) }),
    ),
    buffer: assign({
      buffer: ({ context, event }) =>
        event.type === 'conn.data' ? concatBytes(context.buffer, event.bytes) : context.buffer,
    }),
    // BOLT 8 act two: e, ee (responder → initiator); then act three: s, se
    processActTwo: assign(({ context }) => {
      const act = context.buffer.subarray(0, ACT_TWO_SIZE);
      const rest = context.buffer.subarray(ACT_TWO_SIZE);
      try {
        if (context.awaitingActTwo === undefined) throw new Error('act two before act one');
        const done = context.awaitingActTwo.processActTwo(act);
        const remoteId = toHex(context.input.remoteStatic ?? EMPTY);
        return { buffer: rest, out: done.act, result: { ok: true as const, keys: done.keys, remoteId } };
      } catch (err) {
        return { buffer: rest, out: null, result: failure(err) };
      }
    }),
    // BOLT 8 act one received by the responder; reply with act two: e, ee
    processActOne: assign(({ context }) => {
      const { input } = context;
      const act = context.buffer.subarray(0, ACT_ONE_SIZE);
      const rest = context.buffer.subarray(ACT_ONE_SIZE);
      try {
        const step = responder({
          crypto: input.crypto,
          localKey: input.localKey,
          ...(input.ephemeralSecret ? { ephemeralSecret: input.ephemeralSecret } : {}),
        }).processActOne(act);
        return { buffer: rest, awaitingActThree: step.next, need: ACT_THREE_SIZE, out: step.act };
      } catch (err) {
        return { buffer: rest, out: null, result: failure(err) };
      }
    }),
    // BOLT 8 act three: s, se (initiator → responder); the responder learns the node id
    processActThree: assign(({ context }) => {
      const act = context.buffer.subarray(0, ACT_THREE_SIZE);
      const rest = context.buffer.subarray(ACT_THREE_SIZE);
      try {
        if (context.awaitingActThree === undefined) throw new Error('act three before act one');
        const done = context.awaitingActThree.processActThree(act);
        return { buffer: rest, out: null, result: { ok: true as const, keys: done.keys, remoteId: toHex(done.remoteStatic) } };
      } catch (err) {
        return { buffer: rest, out: null, result: failure(err) };
      }
    }),
    recordEof: assign({
      result: ({ event }) => ({
        ok: false as const,
        reason: event.type === 'conn.closed' && event.reason !== undefined ? event.reason : REASON_EOF_HANDSHAKE,
        detail: 'connection closed during the handshake',
      }),
    }),
  },
  guards: {
    isInitiator: ({ context }) => context.input.role === 'initiator',
    failed: ({ context }) => context.result !== undefined && !context.result.ok,
    succeeded: ({ context }) => context.result !== undefined && context.result.ok,
    hasNeeded: ({ context }) => context.buffer.length >= context.need,
  },
}).createMachine({
  id: 'handshake',
  context: ({ input }) => ({ input, buffer: EMPTY, need: ACT_ONE_SIZE, out: null }),
  initial: 'start',
  states: {
    start: {
      always: [{ guard: 'isInitiator', target: 'sendingActOne' }, { target: 'awaitingActOne' }],
    },
    sendingActOne: {
      entry: ['sendActOne', 'flushOut'],
      always: [{ guard: 'failed', target: 'failed' }, { target: 'awaitingActTwo' }],
    },
    awaitingActTwo: {
      entry: 'requestBytes',
      on: {
        'conn.data': { actions: 'buffer', target: 'checkingActTwo' },
        'conn.closed': { actions: 'recordEof', target: 'failed' },
      },
    },
    checkingActTwo: {
      always: [
        { guard: 'hasNeeded', actions: ['processActTwo', 'flushOut'], target: 'decided' },
        { target: 'awaitingActTwo' },
      ],
    },
    awaitingActOne: {
      entry: 'requestBytes',
      on: {
        'conn.data': { actions: 'buffer', target: 'checkingActOne' },
        'conn.closed': { actions: 'recordEof', target: 'failed' },
      },
    },
    checkingActOne: {
      always: [
        { guard: 'hasNeeded', actions: ['processActOne', 'flushOut'], target: 'afterActOne' },
        { target: 'awaitingActOne' },
      ],
    },
    afterActOne: {
      always: [{ guard: 'failed', target: 'failed' }, { target: 'awaitingActThree' }],
    },
    awaitingActThree: {
      entry: 'requestBytes',
      on: {
        'conn.data': { actions: 'buffer', target: 'checkingActThree' },
        'conn.closed': { actions: 'recordEof', target: 'failed' },
      },
    },
    checkingActThree: {
      always: [
        { guard: 'hasNeeded', actions: 'processActThree', target: 'decided' },
        { target: 'awaitingActThree' },
      ],
    },
    decided: {
      always: [{ guard: 'succeeded', target: 'done' }, { target: 'failed' }],
    },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) =>
    context.result ?? { ok: false, reason: REASON_PROTOCOL, detail: 'handshake ended without a result' },
});
