/**
 * One peer and one connection attempt, as an xstate machine (spec §3–§9).
 *
 *   start → queued → resolving → dialing → open.handshake → open.init
 *         → established.hook → established.subdaemons → ready → closed
 *
 * Outbound attempts resolve a dial list, establish connections with RFC 8305
 * style staggering (the first to open proceeds, the rest go back to pending;
 * a failed handshake or init moves on to the remaining addresses), run the
 * BOLT 8 handshake (src/machines/handshake.ts) and the BOLT 1 init exchange
 * under one handshake timer, ask the runtime's `peer_connected` hook, wait for
 * one subdaemon per active channel, and then keep the connection alive
 * (ping/pong). Inbound connections enter at `open.handshake` as responder.
 *
 * Every I/O actor is named here and provided by src/io via `.provide()`:
 * `connection` (one socket), `resolveDialList`, `peerConnectedHook`,
 * `listChannels`, `subdaemon`. Outcomes go to the parent (the supervisor) as
 * `peer.outcome`; the machine never throws into its parent.
 */
import { assign, emit, enqueueActions, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import type { ActorRefFrom, AnyActorLogic, AnyActorRef } from 'xstate';
import { formatDialAddress, toAddressJson } from '../address/format.js';
import type { DialAddress } from '../address/types.js';
import { warningMessage as warningFor } from '../bolt1/index.js';
import type { PeerConnectedDecision, PeerConnectedInfo } from '../types.js';
import {
  abortDialing,
  allFailedMessage,
  attemptRecords,
  appendEntries,
  failEntry,
  hasPending,
  nextPendingIndex,
  pendingEntry,
  withStatus,
} from './dial-list.js';
import type { DialEntry } from './dial-list.js';
import type { ConnCommand, ConnInput } from './events.js';
import { handshakeMachine, REASON_EOF_HANDSHAKE } from './handshake.js';
import type { HandshakeOutput } from './handshake.js';
import { fromHex } from './bytes.js';
import { handleConnectedMessage, judgeInitMessage, keepalivePing, ourInit } from './peer-wire.js';
import type {
  EntrySeed,
  PeerContext,
  PeerEvent,
  PeerInput,
  PeerNotice,
  PeerOutcome,
} from './peer-types.js';

export const REASON_TIMED_OUT = 'Connection timed out';
export const REASON_EOF = 'peer closed connection';
export const REASON_PING = 'Last ping unreturned: hanging up';

/** The placeholder actors: src/io provides the real ones through `.provide()`. */
const unprovided = (name: string): AnyActorLogic =>
  fromPromise(async () => {
    throw new Error(`actor '${name}' was not provided`);
  });

function seedsToEntries(seeds: readonly EntrySeed[]): DialEntry[] {
  return seeds.map((s) => pendingEntry(s.address, s.label, s.preFailure));
}

function formatAddress(a: DialAddress | null): string {
  return a === null ? '' : formatDialAddress(a);
}

function connectedOutcome(c: PeerContext): PeerOutcome {
  return {
    kind: 'connected',
    result: {
      id: c.id,
      features: c.features,
      direction: c.direction,
      address: c.address === null ? { type: 'local socket', socket: '' } : toAddressJson(c.address),
    },
  };
}

function activeConn(c: PeerContext): AnyActorRef | undefined {
  return c.conns[c.active];
}

function hasParent(self: AnyActorRef): boolean {
  return (self as { _parent?: unknown })._parent !== undefined;
}

export const peerMachine = setup({
  types: {
    context: {} as PeerContext,
    events: {} as PeerEvent,
    input: {} as PeerInput,
    output: {} as PeerOutcome | null,
    emitted: {} as
      | PeerNotice
      | { type: 'peer.phase'; id: string; phase: string; detail?: string }
      | { type: 'peer.message'; id: string; message: Uint8Array },
  },
  actors: {
    connection: unprovided('connection'),
    resolveDialList: fromPromise<readonly EntrySeed[], { id: string }>(async () => []),
    peerConnectedHook: fromPromise<PeerConnectedDecision, PeerConnectedInfo>(async () => ({ result: 'continue' })),
    listChannels: fromPromise<readonly string[], { peerId: string }>(async () => []),
    /** One per active channel: reports `subdaemon.ready` or `subdaemon.failed` (default: ready at once). */
    subdaemon: fromCallback<PeerEvent, { peerId: string; channelId: string }>(({ sendBack, input }) => {
      sendBack({ type: 'subdaemon.ready', channelId: input.channelId });
    }),
    handshake: handshakeMachine,
  },
  delays: {
    connectTimeout: ({ context }) => context.config.timeouts.connectMs,
    handshakeTimeout: ({ context }) => context.config.timeouts.handshakeMs,
    dialStagger: ({ context }) => context.config.timeouts.staggerMs,
    subdaemonTimeout: ({ context }) => context.config.timeouts.subdaemonMs,
    closeGrace: ({ context }) => context.config.timeouts.closeGraceMs,
    keepaliveTick: ({ context }) => {
      const t = context.config.timeouts;
      return t.keepaliveMinMs + Math.floor(context.config.random() * (t.keepaliveMaxMs - t.keepaliveMinMs + 1));
    },
  },
  guards: {
    isInbound: ({ context }) => context.direction === 'in',
    isQueued: ({ context }) => context.queued,
    forced: ({ event }) => event.type === 'peer.disconnect' && event.force === true,
    noEntries: ({ context }) => context.entries.length === 0,
    allEntriesFailed: ({ context }) => context.entries.every((e) => e.status === 'failed'),
    canContinueDialing: ({ context }) =>
      context.direction === 'out' && context.entries.some((e) => e.status === 'pending' || e.status === 'dialing'),
    hasPendingEntry: ({ context }) => hasPending(context.entries),
    isDialingEvent: ({ context, event }) => {
      if (event.type !== 'conn.opened' && event.type !== 'conn.failed' && event.type !== 'dial.timeout') return false;
      const e = context.entries[event.index];
      return e !== undefined && e.status === 'dialing' && e.gen === event.gen;
    },
    fromActive: ({ context, event }) => 'index' in event && event.index === context.active,
    notFromActive: ({ context, event }) => 'index' in event && event.index !== context.active,
    handshakeOk: ({ context, event }) => {
      const out = (event as unknown as { output: HandshakeOutput }).output;
      return out.ok && (context.direction === 'in' || out.remoteId === context.id) && out.remoteId !== context.config.localId;
    },
    initAccepted: ({ context }) => context.initVerdict?.kind === 'accepted',
    initRejected: ({ context }) => context.initVerdict?.kind === 'rejected',
    hookContinues: ({ context }) => context.hookDecision?.result === 'continue',
    subdaemonsSettled: ({ context }) => Object.values(context.channels).every((c) => c.state !== 'starting'),
    idle: ({ context }) => context.config.now() - context.lastRx >= context.config.timeouts.pingIdleMs,
    idleWithPingOutstanding: ({ context }) =>
      context.pingOutstanding && context.config.now() - context.lastRx >= context.config.timeouts.pingIdleMs,
  },
  actions: {
    appendSeeds: assign({
      entries: ({ context, event }) =>
        event.type === 'peer.addAddresses' ? appendEntries(context.entries, seedsToEntries(event.entries)) : context.entries,
    }),
    /** RFC 8305: start the next pending address; its establishment timer is a named delay. */
    startNextDial: enqueueActions(({ context, enqueue }) => {
      const index = nextPendingIndex(context.entries);
      const entry = context.entries[index];
      if (entry === undefined) return;
      const gen = context.gen + 1;
      const input: ConnInput = { index, gen, address: entry.address };
      enqueue.assign({
        gen,
        entries: withStatus(context.entries, index, { status: 'dialing', gen, startedAt: context.config.now() }),
        conns: ({ context: c, spawn }) => ({
          ...c.conns,
          [index]: spawn('connection', { id: `conn-${index}-${gen}`, input }) as AnyActorRef,
        }),
      });
      enqueue.raise({ type: 'dial.timeout', index, gen }, { delay: 'connectTimeout' });
      enqueue.emit({ type: 'peer.phase', id: context.id, phase: 'Connect OUT', detail: entry.label });
    }),
    recordDialFailure: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'conn.failed' && event.type !== 'dial.timeout') return;
      // A stage-less fragment (`need a proxy`) is printed without a stage (spec §4).
      const stageless = event.type === 'conn.failed' && event.fragment !== undefined;
      const reason = event.type === 'dial.timeout' ? REASON_TIMED_OUT : event.fragment ?? event.reason;
      const entries = failEntry(context.entries, event.index, stageless ? '' : 'Connection establishment', reason,
        context.config.now(), event.type === 'conn.failed' ? event.prefix : undefined);
      const ref = context.conns[event.index];
      const conns = { ...context.conns };
      delete conns[event.index];
      enqueue.assign({ entries, conns });
      if (ref !== undefined) enqueue.stopChild(ref);
    }),
    /** The first connection to open proceeds; the others are aborted and go back to pending (spec §5). */
    adoptOpened: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'conn.opened') return;
      const conns: Record<number, AnyActorRef> = {};
      for (const [k, ref] of Object.entries(context.conns)) {
        if (Number(k) === event.index) conns[event.index] = ref;
        else enqueue.stopChild(ref);
      }
      const entries = withStatus(abortDialing(context.entries, event.index), event.index, { status: 'open' });
      const entry = entries[event.index];
      enqueue.assign({ conns, entries, active: event.index, address: entry?.address ?? null, failure: null });
    }),
    adoptInbound: assign({
      conns: ({ context, spawn }) => {
        const input: ConnInput = { index: -1, gen: 0, socket: context.inboundSocket };
        return { [-1]: spawn('connection', { id: 'conn-in', input }) as AnyActorRef };
      },
      active: -1,
      inboundSocket: null,
    }),
    enterHandshake: assign({ stage: 'Cryptographic handshake' as const }),
    enterInit: assign({ stage: 'Exchanging init messages' as const }),
    forwardToHandshake: sendTo('handshake', ({ event }) => event),
    setFailureTimedOut: assign({ failure: REASON_TIMED_OUT }),
    setFailureFromClose: assign({
      failure: ({ context, event }) => {
        if (event.type === 'conn.closed' && event.reason !== undefined) return event.reason;
        return context.stage === 'Cryptographic handshake' ? REASON_EOF_HANDSHAKE : REASON_EOF;
      },
    }),
    setFailureFromHandshake: assign({
      failure: ({ context, event }) => {
        const out = (event as unknown as { output: HandshakeOutput }).output;
        if (!out.ok) return out.reason;
        if (out.remoteId === context.config.localId) return 'Protocol error';
        return 'Protocol error';
      },
    }),
    setFailureFromInit: assign({
      failure: ({ context }) => (context.initVerdict?.kind === 'rejected' ? context.initVerdict.reason : 'Protocol error'),
    }),
    /** Record the active connection's failure at the current stage and drop its socket. */
    failActive: enqueueActions(({ context, enqueue }) => {
      const ref = activeConn(context);
      const conns = { ...context.conns };
      delete conns[context.active];
      const entries = context.active >= 0
        ? failEntry(context.entries, context.active, context.stage, context.failure ?? REASON_EOF, context.config.now())
        : context.entries;
      enqueue.assign({ conns, entries, active: -2, keys: null, initVerdict: null });
      if (ref !== undefined) enqueue.stopChild(ref);
      enqueue.emit({
        type: 'peer.phase',
        id: context.id,
        phase: 'Failed connected out',
        detail: `${formatAddress(context.address)}: ${context.stage}: ${context.failure ?? REASON_EOF}`,
      });
    }),
    storeHandshake: enqueueActions(({ context, event, enqueue, self }) => {
      const out = (event as unknown as { output: HandshakeOutput }).output;
      if (!out.ok) return;
      const id = context.direction === 'in' ? out.remoteId : context.id;
      enqueue.assign({ keys: out.keys, id });
      const notice: PeerNotice = { type: 'peer.identified', key: self.id, id, direction: context.direction };
      if (hasParent(self)) enqueue.sendParent(notice);
      enqueue.emit(notice);
    }),
    /** Switch the connection to BOLT 8 transport and send our init at once (spec §8). */
    upgradeAndSendInit: enqueueActions(({ context, enqueue }) => {
      const ref = activeConn(context);
      if (ref === undefined || context.keys === null) return;
      enqueue.sendTo(ref, { type: 'conn.upgrade', keys: context.keys } satisfies ConnCommand);
      enqueue.sendTo(ref, { type: 'wire.send', message: ourInit(context.config, context.remoteWire) } satisfies ConnCommand);
      enqueue.assign({ keys: null });
    }),
    judgeInit: assign({
      initVerdict: ({ context, event }) =>
        event.type === 'wire.message' ? judgeInitMessage(context.config, event.message) : context.initVerdict,
    }),
    sendInitWarning: enqueueActions(({ context, enqueue }) => {
      const ref = activeConn(context);
      const v = context.initVerdict;
      if (ref === undefined || v?.kind !== 'rejected' || v.warning === null) return;
      enqueue.sendTo(ref, { type: 'wire.send', message: v.warning } satisfies ConnCommand);
      enqueue.sendTo(ref, { type: 'conn.close' } satisfies ConnCommand);
    }),
    storeInit: assign(({ context }) => {
      const v = context.initVerdict;
      if (v?.kind !== 'accepted') return {};
      return {
        features: v.features,
        theirRemoteAddr: v.remoteAddr,
        lastRx: context.config.now(),
        stage: 'Exchanging init messages' as const,
      };
    }),
    notifyInitDone: enqueueActions(({ context, enqueue, self }) => {
      const notice: PeerNotice = { type: 'peer.initDone', key: self.id, id: context.id, direction: context.direction };
      if (hasParent(self)) enqueue.sendParent(notice);
      enqueue.emit(notice);
      if (context.theirRemoteAddr !== null) {
        enqueue.emit({ type: 'peer.phase', id: context.id, phase: 'Peer says it sees our address as', detail: context.theirRemoteAddr });
      }
      enqueue.emit({ type: 'peer.phase', id: context.id, phase: 'Handed peer, entering loop' });
    }),
    /** Core Lightning logs the init rejection itself (`Unsupported feature 34`, …) before closing. */
    logInitRejection: enqueueActions(({ context, enqueue }) => {
      if (context.initVerdict?.kind === 'rejected') enqueue.emit({ type: 'peer.phase', id: context.id, phase: context.initVerdict.reason });
    }),
    storeHook: assign({
      hookDecision: ({ event }) => (event as unknown as { output: PeerConnectedDecision }).output,
    }),
    hookFailed: assign({ hookDecision: { result: 'disconnect' as const } }),
    sendHookWarning: enqueueActions(({ context, enqueue }) => {
      const ref = activeConn(context);
      const d = context.hookDecision;
      if (ref === undefined) return;
      if (d?.result === 'disconnect' && d.error_message !== undefined && d.error_message !== '') {
        enqueue.sendTo(ref, { type: 'wire.send', message: warningFor(d.error_message) } satisfies ConnCommand);
      }
      enqueue.sendTo(ref, { type: 'conn.close' } satisfies ConnCommand);
    }),
    storeChannels: assign({
      channels: ({ event }) => {
        const ids = (event as unknown as { output: readonly string[] }).output;
        return Object.fromEntries(ids.map((id) => [id, { state: 'starting' as const }]));
      },
    }),
    spawnSubdaemons: enqueueActions(({ context, enqueue }) => {
      for (const channelId of Object.keys(context.channels)) {
        enqueue.spawnChild('subdaemon', { id: `subd-${channelId}`, input: { peerId: context.id, channelId } });
      }
    }),
    subdaemonSettled: assign({
      channels: ({ context, event }) => {
        if (event.type !== 'subdaemon.ready' && event.type !== 'subdaemon.failed') return context.channels;
        const cur = context.channels[event.channelId];
        if (cur?.state !== 'starting') return context.channels;
        return {
          ...context.channels,
          [event.channelId]: event.type === 'subdaemon.ready' ? { state: 'ready' as const } : { state: 'failed' as const, error: event.error },
        };
      },
    }),
    subdaemonsTimedOut: enqueueActions(({ context, enqueue }) => {
      const channels = { ...context.channels };
      for (const [id, ch] of Object.entries(channels)) {
        if (ch.state === 'starting') {
          channels[id] = { state: 'failed', error: 'timed out' };
          enqueue.stopChild(`subd-${id}`);
        }
      }
      enqueue.assign({ channels });
    }),
    notifyOutcome: enqueueActions(({ context, enqueue, self }, params: { outcome: 'connected' | 'ended' }) => {
      const outcome = params.outcome === 'connected' ? connectedOutcome(context) : context.outcome;
      if (outcome === null) return;
      const notice: PeerNotice = { type: 'peer.outcome', key: self.id, id: context.id, direction: context.direction, outcome };
      if (params.outcome === 'connected') enqueue.assign({ outcome });
      if (hasParent(self)) enqueue.sendParent(notice);
      enqueue.emit(notice);
    }),
    setOutcomeNoAddress: assign({ outcome: { kind: 'no-address' } as PeerOutcome }),
    setOutcomeAllFailed: assign({
      outcome: ({ context }) =>
        ({ kind: 'all-failed', message: allFailedMessage(context.entries), attempts: attemptRecords(context.entries) }),
    }),
    setOutcomeDisconnectedDuring: assign({ outcome: { kind: 'disconnected-during' } as PeerOutcome }),
    setOutcomeCancelled: assign({ outcome: { kind: 'cancelled' } as PeerOutcome }),
    notifyClosed: enqueueActions(({ context, enqueue, self }) => {
      const notice: PeerNotice = { type: 'peer.closed', key: self.id, id: context.id, direction: context.direction, reason: context.closeReason };
      if (hasParent(self)) enqueue.sendParent(notice);
      enqueue.emit(notice);
    }),
    touch: assign({ lastRx: ({ context }) => context.config.now() }),
    handleMessage: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'wire.message') return;
      // Every message after init, for the embedding runtime (node.onMessage).
      enqueue.emit({ type: 'peer.message', id: context.id, message: event.message });
      const action = handleConnectedMessage(event.message);
      const ref = activeConn(context);
      const touched = { lastRx: context.config.now() };
      switch (action.kind) {
        case 'reply':
          if (ref !== undefined) enqueue.sendTo(ref, { type: 'wire.send', message: action.message } satisfies ConnCommand);
          enqueue.assign(touched);
          return;
        case 'pong':
          enqueue.assign({ ...touched, pingOutstanding: false });
          return;
        case 'peer-error':
          enqueue.assign(touched);
          enqueue.emit({ type: 'peer.phase', id: context.id, phase: 'peer sent error', detail: action.text });
          return;
        case 'none':
          enqueue.assign(touched);
          return;
      }
    }),
    sendKeepalivePing: enqueueActions(({ context, enqueue }) => {
      const ref = activeConn(context);
      if (ref !== undefined) enqueue.sendTo(ref, { type: 'wire.send', message: keepalivePing() } satisfies ConnCommand);
      enqueue.assign({ pingOutstanding: true });
    }),
    setCloseReason: assign({
      closeReason: (_, params: { reason: string }) => params.reason,
    }),
    setCloseReasonFromEvent: assign({
      closeReason: ({ event }) => (event.type === 'conn.closed' ? event.reason ?? REASON_EOF : null),
    }),
    sendToActive: enqueueActions(({ context, event, enqueue }) => {
      const ref = activeConn(context);
      if (ref !== undefined && event.type === 'peer.send') enqueue.sendTo(ref, { type: 'wire.send', message: event.message } satisfies ConnCommand);
    }),
    closeActive: enqueueActions(({ context, event, enqueue }) => {
      const ref = activeConn(context);
      if (ref === undefined) return;
      if (event.type === 'peer.disconnect' && event.message !== undefined) {
        enqueue.sendTo(ref, { type: 'wire.send', message: warningFor(event.message) } satisfies ConnCommand);
      }
      if (event.type === 'peer.disconnect' && event.force === true) enqueue.stopChild(ref);
      else enqueue.sendTo(ref, { type: 'conn.close' } satisfies ConnCommand);
    }),
    dropStray: enqueueActions(({ context, event, enqueue }) => {
      if (!('index' in event)) return;
      const e = context.entries[event.index];
      const ref = context.conns[event.index];
      // A late fact from a connection that is no longer wanted: make sure it is gone.
      if (event.index !== context.active && ref !== undefined && e?.status !== 'dialing') {
        const conns = { ...context.conns };
        delete conns[event.index];
        enqueue.assign({ conns });
        enqueue.stopChild(ref);
      }
    }),
    emitPhase: emit(({ context }, params: { phase: string }) => ({ type: 'peer.phase' as const, id: context.id, phase: params.phase })),
  },
}).createMachine({
  id: 'peer',
  context: ({ input }) => ({
    config: input.config,
    direction: input.direction,
    id: input.direction === 'out' ? input.id : '',
    entries: input.direction === 'out' ? seedsToEntries(input.explicit) : [],
    gen: 0,
    queued: input.direction === 'out' && input.queued === true,
    conns: {},
    active: -2,
    stage: 'Connection establishment',
    address: input.direction === 'in' ? input.remote : null,
    inboundSocket: input.direction === 'in' ? input.socket : null,
    remoteWire: input.direction === 'in' ? input.remoteWire ?? null : null,
    keys: null,
    failure: null,
    features: '',
    theirRemoteAddr: null,
    initVerdict: null,
    hookDecision: null,
    channels: {},
    lastRx: 0,
    pingOutstanding: false,
    outcome: null,
    closeReason: null,
  }),
  initial: 'start',
  on: {
    'peer.cancel': { target: '.cancelled' },
    'peer.addAddresses': { actions: 'appendSeeds' },
    'conn.opened': { actions: 'dropStray' },
    'conn.failed': { actions: 'dropStray' },
    'conn.closed': { actions: 'dropStray' },
  },
  states: {
    start: {
      always: [
        { guard: 'isInbound', target: 'open', actions: 'adoptInbound' },
        { guard: 'isQueued', target: 'queued' },
        { target: 'resolving' },
      ],
    },
    queued: {
      on: { 'peer.start': { target: 'resolving' } },
    },
    resolving: {
      invoke: {
        id: 'resolveDialList',
        src: 'resolveDialList',
        input: ({ context }) => ({ id: context.id }),
        onDone: {
          target: 'routing',
          actions: assign({
            entries: ({ context, event }) => appendEntries(context.entries, seedsToEntries(event.output)),
          }),
        },
        onError: { target: 'routing' },
      },
    },
    routing: {
      always: [
        { guard: 'noEntries', target: 'noAddress' },
        { guard: 'allEntriesFailed', target: 'failed' },
        { target: 'dialing' },
      ],
    },
    dialing: {
      entry: 'startNextDial',
      after: {
        dialStagger: { guard: 'hasPendingEntry', target: 'dialing', reenter: true },
      },
      on: {
        'conn.opened': [{ guard: 'isDialingEvent', actions: 'adoptOpened', target: 'open' }, { actions: 'dropStray' }],
        'conn.failed': [{ guard: 'isDialingEvent', actions: 'recordDialFailure', target: 'afterDialFailure' }, { actions: 'dropStray' }],
        'dial.timeout': { guard: 'isDialingEvent', actions: 'recordDialFailure', target: 'afterDialFailure' },
      },
    },
    afterDialFailure: {
      always: [{ guard: 'canContinueDialing', target: 'dialing' }, { target: 'failed' }],
    },
    open: {
      entry: 'enterHandshake',
      after: {
        handshakeTimeout: {
          actions: ['setFailureTimedOut', { type: 'emitPhase', params: { phase: 'conn timed out' } }, 'failActive'],
          target: 'afterFailure',
        },
      },
      on: {
        'conn.closed': [
          { guard: 'fromActive', actions: ['setFailureFromClose', 'failActive'], target: 'afterFailure' },
          { actions: 'dropStray' },
        ],
      },
      initial: 'handshake',
      states: {
        handshake: {
          invoke: {
            id: 'handshake',
            src: 'handshake',
            input: ({ context }) => ({
              role: context.direction === 'out' ? ('initiator' as const) : ('responder' as const),
              crypto: context.config.crypto,
              localKey: context.config.localKey,
              ...(context.direction === 'out' ? { remoteStatic: fromHex(context.id) } : {}),
              ...(context.config.ephemeral ? { ephemeralSecret: context.config.ephemeral() } : {}),
              conn: activeConn(context) as AnyActorRef,
            }),
            onDone: [
              { guard: 'handshakeOk', actions: ['storeHandshake', 'enterInit', 'upgradeAndSendInit'], target: 'init' },
              { actions: ['setFailureFromHandshake', 'failActive'], target: '#peer.afterFailure' },
            ],
          },
          on: {
            'conn.data': { guard: 'fromActive', actions: 'forwardToHandshake' },
          },
        },
        init: {
          on: {
            'wire.message': { guard: 'fromActive', actions: 'judgeInit', target: 'judging' },
          },
        },
        judging: {
          always: [
            { guard: 'initAccepted', actions: ['storeInit', 'notifyInitDone'], target: '#peer.established' },
            {
              guard: 'initRejected',
              actions: ['logInitRejection', 'sendInitWarning', 'setFailureFromInit', 'failActive'],
              target: '#peer.afterFailure',
            },
            { target: 'init' },
          ],
        },
      },
    },
    afterFailure: {
      always: [
        { guard: 'isInbound', target: 'closed' },
        { guard: 'canContinueDialing', target: 'dialing' },
        { target: 'failed' },
      ],
    },
    established: {
      on: {
        'conn.closed': [
          { guard: 'fromActive', actions: 'setCloseReasonFromEvent', target: 'disconnectedDuring' },
          { actions: 'dropStray' },
        ],
        'peer.disconnect': { actions: 'closeActive', target: 'disconnectedDuring' },
        'wire.message': { guard: 'fromActive', actions: 'handleMessage' },
      },
      initial: 'hook',
      states: {
        hook: {
          invoke: {
            id: 'peerConnectedHook',
            src: 'peerConnectedHook',
            input: ({ context }) => hookInfo(context),
            onDone: { actions: 'storeHook', target: 'hookDecided' },
            onError: { actions: 'hookFailed', target: 'hookDecided' },
          },
        },
        hookDecided: {
          always: [
            { guard: 'hookContinues', target: 'listingChannels' },
            { actions: ['sendHookWarning', assign({ closeReason: 'peer_connected hook said disconnect' })], target: '#peer.disconnectedDuring' },
          ],
        },
        listingChannels: {
          invoke: {
            id: 'listChannels',
            src: 'listChannels',
            input: ({ context }) => ({ peerId: context.id }),
            onDone: { actions: 'storeChannels', target: 'subdaemons' },
            onError: { target: '#peer.ready' },
          },
        },
        subdaemons: {
          entry: 'spawnSubdaemons',
          always: { guard: 'subdaemonsSettled', target: '#peer.ready' },
          after: { subdaemonTimeout: { actions: 'subdaemonsTimedOut', target: '#peer.ready' } },
          on: {
            'subdaemon.ready': { actions: 'subdaemonSettled', target: 'subdaemons' },
            'subdaemon.failed': { actions: 'subdaemonSettled', target: 'subdaemons' },
          },
        },
      },
    },
    ready: {
      // Entered once: the outcome is reported once; the keepalive loop lives in the child states.
      entry: [{ type: 'notifyOutcome', params: { outcome: 'connected' } }, 'touch'],
      initial: 'waiting',
      states: {
        waiting: { after: { keepaliveTick: { target: 'ticking' } } },
        // Spec §9: ping after 60 s without traffic; a ping still unanswered at the next tick hangs up.
        ticking: {
          always: [
            {
              guard: 'idleWithPingOutstanding',
              actions: [{ type: 'setCloseReason', params: { reason: REASON_PING } }, { type: 'emitPhase', params: { phase: REASON_PING } }],
              target: '#peer.closed',
            },
            { guard: 'idle', actions: 'sendKeepalivePing', target: 'waiting' },
            { target: 'waiting' },
          ],
        },
      },
      on: {
        'wire.message': { guard: 'fromActive', actions: 'handleMessage' },
        'conn.closed': [
          { guard: 'fromActive', actions: 'setCloseReasonFromEvent', target: 'closed' },
          { actions: 'dropStray' },
        ],
        'peer.disconnect': [
          {
            guard: 'forced',
            actions: ['closeActive', { type: 'setCloseReason', params: { reason: 'disconnected by request' } }],
            target: 'closed',
          },
          {
            actions: ['closeActive', { type: 'setCloseReason', params: { reason: 'disconnected by request' } }],
            target: 'closing',
          },
        ],
        'peer.send': { actions: 'sendToActive' },
        'subdaemon.ready': { actions: 'subdaemonSettled' },
        'subdaemon.failed': { actions: 'subdaemonSettled' },
      },
    },
    closing: {
      // Graceful close requested: wait for the socket to finish (it ends itself after flushing).
      on: {
        'conn.closed': { guard: 'fromActive', target: 'closed' },
        'wire.message': {},
      },
      after: { closeGrace: { target: 'closed' } },
    },
    noAddress: {
      type: 'final',
      entry: ['setOutcomeNoAddress', { type: 'notifyOutcome', params: { outcome: 'ended' } }],
    },
    failed: {
      type: 'final',
      entry: ['setOutcomeAllFailed', { type: 'notifyOutcome', params: { outcome: 'ended' } }],
    },
    disconnectedDuring: {
      type: 'final',
      entry: ['setOutcomeDisconnectedDuring', { type: 'notifyOutcome', params: { outcome: 'ended' } }, 'notifyClosed'],
    },
    cancelled: {
      type: 'final',
      entry: ['setOutcomeCancelled', { type: 'notifyOutcome', params: { outcome: 'ended' } }],
    },
    closed: {
      type: 'final',
      entry: 'notifyClosed',
    },
  },
  output: ({ context }) => context.outcome,
});

export type PeerActorRef = ActorRefFrom<typeof peerMachine>;

function hookInfo(c: PeerContext): PeerConnectedInfo {
  const info: PeerConnectedInfo = { id: c.id, direction: c.direction, addr: formatAddress(c.address), features: c.features };
  return c.theirRemoteAddr === null ? info : { ...info, remote_addr: c.theirRemoteAddr };
}

