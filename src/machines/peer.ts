/**
 * One peer and one connection attempt: its phases as an xstate machine
 * (spec §3–§9). Each peer actor is its own root actor (its own system and
 * clock), created by the socket shell (src/io/peer-shell.ts) for the supervisor.
 *
 *   start → queued → resolving → dialing → open (act one/two/three → init)
 *         → established (hook → subdaemons) → ready → closing → closed
 *
 * Outbound attempts resolve a dial list, establish connections with RFC 8305
 * style staggering (the first to open proceeds, the rest go back to pending;
 * a failed handshake or init moves on to the remaining addresses), run the
 * BOLT 8 handshake and the BOLT 1 init exchange under one handshake timer,
 * ask the runtime's `peer_connected` hook, wait for the channel subdaemons,
 * and keep the connection alive. Inbound connections enter at act one.
 *
 * The machine sees phase facts only (`act1.received`, `init.accepted`,
 * `conn.closed`…): bytes, pings and application messages stay in the session
 * (src/session). It acts through its `PeerPort` (context.port), never on a
 * socket. Outcomes go to the supervisor as notices; the established part
 * (hook, subdaemons, keepalive, close) is in ./peer-established.ts.
 */
import { and, assign, enqueueActions, setup } from 'xstate';
import type { ActorRefFrom } from 'xstate';
import { abortDialing, allFailedMessage, appendEntries, attemptRecords, failEntry, hasPending, nextPendingIndex, withStatus } from './dial-list.js';
import { establishedStates } from './peer-established.js';
import type { PeerContext, PeerEvent, PeerInput, PeerOutcome, PeerTimer } from './peer-types.js';
import {
  connectedOutcome,
  entriesAfterDialFailure,
  failureOf,
  formatAddress,
  hookInfo,
  notice,
  REASON_EOF,
  REASON_REQUESTED,
  REASON_TIMED_OUT,
  seedsToEntries,
} from './peer-steps.js';

export { REASON_EOF, REASON_TIMED_OUT } from './peer-steps.js';

/** Named delays (STYLE habit 7): how long each of the peer's timers runs, from its config. */
export const PEER_DELAYS: Record<PeerTimer, (c: PeerContext) => number> = {
  dialStagger: (c) => c.config.timeouts.staggerMs,
  handshakeTimeout: (c) => c.config.timeouts.handshakeMs,
  subdaemonTimeout: (c) => c.config.timeouts.subdaemonMs,
  closeGrace: (c) => c.config.timeouts.closeGraceMs,
  // Uniform in [min, max], in whole seconds when the range allows: idle peers then share a few dozen
  // timer durations (one timer list each in Node) instead of one list per peer.
  keepaliveTick: (c) => {
    const t = c.config.timeouts;
    const step = t.keepaliveMaxMs - t.keepaliveMinMs >= 10_000 ? 1000 : 1;
    return t.keepaliveMinMs + step * Math.floor(c.config.random() * (Math.floor((t.keepaliveMaxMs - t.keepaliveMinMs) / step) + 1));
  },
};

export const peerMachine = setup({
  types: {
    context: {} as PeerContext,
    events: {} as PeerEvent,
    input: {} as PeerInput,
    output: {} as PeerOutcome | null,
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
      if (event.type !== 'dial.opened' && event.type !== 'dial.failed') return false;
      const e = context.entries[event.index];
      return e !== undefined && e.status === 'dialing' && e.gen === event.gen;
    },
    fromActive: ({ context, event }) => 'index' in event && event.index === context.active,
    hookContinues: ({ event }) => event.type === 'hook.decided' && event.decision.result === 'continue',
    hasHook: ({ context }) => context.config.hook !== false,
    hasSubdaemons: ({ context }) => context.config.subdaemons !== false,
  },
  actions: {
    startTimer: ({ context }, params: { timer: PeerTimer }) => context.port.startTimer(params.timer, PEER_DELAYS[params.timer](context)),
    cancelTimer: ({ context }, params: { timer: PeerTimer }) => context.port.cancelTimer(params.timer),
    askResolve: ({ context }) => context.port.resolve(context.id),
    appendResolved: assign({
      entries: ({ context, event }) =>
        event.type === 'dial.resolved' ? appendEntries(context.entries, seedsToEntries(event.seeds)) : context.entries,
    }),
    appendSeeds: assign({
      entries: ({ context, event }) =>
        event.type === 'peer.addAddresses' ? appendEntries(context.entries, seedsToEntries(event.entries)) : context.entries,
    }),
    /**
     * RFC 8305: start the next pending address (the shell's dial runs under the
     * per-address establishment timeout, `connectMs`); the stagger timer starts
     * the one after it unless this one settles first.
     */
    startNextDial: enqueueActions(({ context, enqueue }) => {
      const index = nextPendingIndex(context.entries);
      const entry = context.entries[index];
      if (entry === undefined) return;
      const gen = context.gen + 1;
      const entries = withStatus(context.entries, index, { status: 'dialing', gen, startedAt: context.config.now() });
      enqueue.assign({ gen, entries });
      enqueue(() => {
        context.port.phase(`Connect OUT: ${entry.label}`);
        context.port.dial(index, gen, entry.address);
        if (hasPending(entries)) context.port.startTimer('dialStagger', PEER_DELAYS.dialStagger(context));
      });
    }),
    /** Addresses that failed before any dial (`dns disabled`, `need a proxy`) go to a port that takes failures too. */
    reportPreFailures: ({ context }) => {
      const port = context.port;
      if (port.attemptFailed === undefined) return;
      for (const e of context.entries) if (e.record !== undefined) port.attemptFailed(e.record.address, e.record.stage, e.record.reason);
    },
    recordDialFailure: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'dial.failed') return;
      const entries = entriesAfterDialFailure(context, event);
      enqueue.assign({ entries });
      const record = entries[event.index]?.record;
      enqueue(() => {
        context.port.drop(event.index);
        if (record !== undefined) context.port.attemptFailed?.(record.address, record.stage, record.reason);
      });
    }),
    /** The first connection to open proceeds; the others are dropped and go back to pending (spec §5). */
    adoptOpened: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'dial.opened') return;
      const others = context.entries.flatMap((e, i) => (i !== event.index && e.status === 'dialing' ? [i] : []));
      const entries = withStatus(abortDialing(context.entries, event.index), event.index, { status: 'open' });
      enqueue.assign({ entries, active: event.index, address: entries[event.index]?.address ?? null, failure: null });
      enqueue(() => {
        for (const i of others) context.port.drop(i);
        context.port.begin(event.index);
      });
    }),
    enterHandshake: assign({ stage: 'Cryptographic handshake' as const }),
    /** The peer proved its node id (act two for us as initiator, act three as responder). */
    identified: enqueueActions(({ context, event, enqueue }) => {
      const id = event.type === 'act3.received' ? event.remoteId : context.id;
      enqueue.assign({ id, stage: 'Exchanging init messages' as const });
      enqueue(() => context.port.notify(notice({ ...context, id }, 'peer.identified', {})));
    }),
    setFailure: assign({ failure: ({ context, event }) => failureOf(context, event) }),
    setFailureTimedOut: assign({ failure: REASON_TIMED_OUT }),
    logTimeout: ({ context }) => context.port.phase('conn timed out'),
    /** Core Lightning logs the init rejection itself (`Unsupported feature 34`, …) before closing. */
    logInitRejection: ({ context, event }) => {
      if (event.type === 'init.rejected') context.port.phase(event.reason);
    },
    /** Record the active connection's failure at the current stage and drop its socket. */
    failActive: enqueueActions(({ context, enqueue }) => {
      const failure = context.failure ?? REASON_EOF;
      const entries = context.active >= 0
        ? failEntry(context.entries, context.active, context.stage, failure, context.config.now())
        : context.entries;
      enqueue.assign({ entries, active: -2, closeReason: failure });
      const active = context.active;
      enqueue(() => {
        context.port.drop(active);
        const port = context.port;
        if (port.attemptFailed !== undefined) port.attemptFailed(formatAddress(context.address), context.stage, failure);
        else port.phase(`Failed connected ${context.direction}: ${formatAddress(context.address)}: ${context.stage}: ${failure}`);
      });
    }),
    storeInit: assign(({ event }) =>
      event.type === 'init.accepted' ? { features: event.features, theirRemoteAddr: event.remoteAddr } : {},
    ),
    notifyInitDone: ({ context }) => {
      context.port.notify(notice(context, 'peer.initDone', {}));
      if (context.theirRemoteAddr !== null) context.port.phase(`Peer says it sees our address as: ${context.theirRemoteAddr}`);
      context.port.phase('Handed peer, entering loop');
    },
    askHook: ({ context }) => context.port.askHook(hookInfo(context)),
    sendHookWarning: ({ context, event }) => {
      const d = event.type === 'hook.decided' ? event.decision : null;
      const text = d?.result === 'disconnect' ? d.error_message : undefined;
      context.port.close(text === undefined || text === '' ? {} : { warning: text });
    },
    startSubdaemons: ({ context }) => context.port.startSubdaemons(context.id),
    subdaemonsTimedOut: ({ context }) => context.port.stopSubdaemons(),
    notifyConnected: enqueueActions(({ context, enqueue }) => {
      const outcome = connectedOutcome(context);
      enqueue.assign({ outcome });
      enqueue(() => context.port.notify(notice(context, 'peer.outcome', { outcome })));
    }),
    notifyOutcome: ({ context }) => {
      if (context.outcome !== null) context.port.notify(notice(context, 'peer.outcome', { outcome: context.outcome }));
    },
    setOutcomeNoAddress: assign({ outcome: { kind: 'no-address' } as PeerOutcome }),
    setOutcomeAllFailed: assign({
      outcome: ({ context }) => ({ kind: 'all-failed', message: allFailedMessage(context.entries), attempts: attemptRecords(context.entries) }),
    }),
    setOutcomeDisconnectedDuring: assign({ outcome: { kind: 'disconnected-during' } as PeerOutcome }),
    setOutcomeCancelled: assign({ outcome: { kind: 'cancelled' } as PeerOutcome }),
    notifyClosed: ({ context }) => context.port.notify(notice(context, 'peer.closed', { reason: context.closeReason })),
    setCloseReason: assign({ closeReason: (_, params: { reason: string }) => params.reason }),
    setCloseReasonFromEvent: assign({
      closeReason: ({ event }) => (event.type === 'conn.closed' ? event.reason ?? REASON_EOF : null),
    }),
    setClosedByRequest: assign({ closeReason: REASON_REQUESTED }),
    closeActive: ({ context, event }) => {
      if (event.type !== 'peer.disconnect') return;
      context.port.close({
        ...(event.force === true ? { force: true } : {}),
        ...(event.message === undefined ? {} : { warning: event.message }),
      });
    },
    dropActive: ({ context }) => context.port.drop(context.active),
  },
}).createMachine({
  id: 'peer',
  context: ({ input }) => ({
    config: input.config,
    port: input.port,
    key: input.key,
    direction: input.direction,
    id: input.direction === 'out' ? input.id : '',
    entries: input.direction === 'out' ? seedsToEntries(input.explicit) : [],
    gen: 0,
    queued: input.direction === 'out' && input.queued === true,
    active: input.direction === 'in' ? -1 : -2,
    stage: 'Connection establishment',
    address: input.direction === 'in' ? input.remote : null,
    failure: null,
    features: '',
    theirRemoteAddr: null,
    outcome: null,
    closeReason: null,
  }),
  initial: 'start',
  on: {
    'peer.cancel': { target: '.cancelled' },
    'peer.addAddresses': { actions: 'appendSeeds' },
  },
  states: {
    start: {
      always: [{ guard: 'isInbound', target: 'open.awaitingActOne' }, { guard: 'isQueued', target: 'queued' }, { target: 'resolving' }],
    },
    queued: {
      on: { 'peer.start': { target: 'resolving' } },
    },
    resolving: {
      entry: 'askResolve',
      on: { 'dial.resolved': { actions: 'appendResolved', target: 'routing' } },
    },
    routing: {
      entry: 'reportPreFailures',
      always: [{ guard: 'noEntries', target: 'noAddress' }, { guard: 'allEntriesFailed', target: 'failed' }, { target: 'dialing' }],
    },
    dialing: {
      entry: 'startNextDial',
      exit: { type: 'cancelTimer', params: { timer: 'dialStagger' } },
      on: {
        'timer.dialStagger': { guard: 'hasPendingEntry', target: 'dialing', reenter: true },
        'dial.opened': { guard: 'isDialingEvent', actions: 'adoptOpened', target: 'open.awaitingActTwo' },
        'dial.failed': { guard: 'isDialingEvent', actions: 'recordDialFailure', target: 'afterDialFailure' },
      },
    },
    afterDialFailure: {
      always: [{ guard: 'canContinueDialing', target: 'dialing' }, { target: 'failed' }],
    },
    // One handshake timer covers the BOLT 8 acts and the init exchange (spec §8).
    open: {
      entry: ['enterHandshake', { type: 'startTimer', params: { timer: 'handshakeTimeout' } }],
      exit: { type: 'cancelTimer', params: { timer: 'handshakeTimeout' } },
      on: {
        'timer.handshakeTimeout': { actions: ['setFailureTimedOut', 'logTimeout', 'failActive'], target: 'afterFailure' },
        'conn.closed': { guard: 'fromActive', actions: ['setFailure', 'failActive'], target: 'afterFailure' },
        'handshake.failed': { guard: 'fromActive', actions: ['setFailure', 'failActive'], target: 'afterFailure' },
        'init.rejected': { guard: 'fromActive', actions: ['logInitRejection', 'setFailure', 'failActive'], target: 'afterFailure' },
      },
      // Entered at act one's answer: outbound once the socket opened (act one sent), inbound at accept.
      initial: 'awaitingActTwo',
      states: {
        // BOLT 8, initiator: act one (e, es) sent; act two (e, ee) proves the node id we dialled.
        awaitingActTwo: {
          on: { 'act2.received': { guard: 'fromActive', actions: 'identified', target: 'init' } },
        },
        // BOLT 8, responder: act one (e, es) answered with act two (e, ee) …
        awaitingActOne: {
          on: { 'act1.received': { guard: 'fromActive', target: 'awaitingActThree' } },
        },
        // … and act three (s, se) tells who the peer is.
        awaitingActThree: {
          on: { 'act3.received': { guard: 'fromActive', actions: 'identified', target: 'init' } },
        },
        // BOLT 1: our init went out with the last act; theirs must pass our checks.
        init: {
          // Without a hook or channels in the runtime there is nothing to wait for: straight on.
          on: {
            'init.accepted': [
              { guard: and(['fromActive', 'hasHook']), actions: ['storeInit', 'notifyInitDone'], target: '#peer.established' },
              { guard: and(['fromActive', 'hasSubdaemons']), actions: ['storeInit', 'notifyInitDone'], target: '#peer.established.subdaemons' },
              { guard: 'fromActive', actions: ['storeInit', 'notifyInitDone'], target: '#peer.ready' },
            ],
          },
        },
      },
    },
    afterFailure: {
      always: [{ guard: 'isInbound', target: 'closed' }, { guard: 'canContinueDialing', target: 'dialing' }, { target: 'failed' }],
    },
    ...establishedStates,
    noAddress: { type: 'final', entry: ['setOutcomeNoAddress', 'notifyOutcome'] },
    failed: { type: 'final', entry: ['setOutcomeAllFailed', 'notifyOutcome'] },
    disconnectedDuring: { type: 'final', entry: ['setOutcomeDisconnectedDuring', 'notifyOutcome', 'notifyClosed'] },
    cancelled: { type: 'final', entry: ['setOutcomeCancelled', 'notifyOutcome'] },
    closed: { type: 'final', entry: 'notifyClosed' },
  },
  output: ({ context }) => context.outcome,
});

export type PeerActorRef = ActorRefFrom<typeof peerMachine>;
