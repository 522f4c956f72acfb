/**
 * The established part of the peer machine (src/machines/peer.ts): after the
 * peer's init passed, the runtime's `peer_connected` hook decides, one
 * subdaemon per active channel must report (bounded by the subdaemon timer),
 * then the connection is handed over (`ready`, the connect outcome) and kept
 * alive: while `ready` the keepalive timer runs in the shell, whose session
 * pings, or hangs up when the last ping went unanswered (spec §9) — the
 * machine sees that as `conn.closed`. A disconnect before `ready` is 402
 * (disconnected during connection); after it, the peer is simply closed.
 *
 * Plain state config referring to the machine's named actions, guards and
 * delays (declared in its `setup()`).
 */
import { and } from 'xstate';
import { REASON_HOOK } from './peer-steps.js';

export const establishedStates = {
  established: {
    on: {
      'conn.closed': { guard: 'fromActive', actions: 'setCloseReasonFromEvent', target: 'disconnectedDuring' },
      'peer.disconnect': { actions: ['closeActive', 'setClosedByRequest'], target: 'disconnectedDuring' },
    },
    initial: 'hook',
    states: {
      hook: {
        entry: 'askHook',
        on: {
          'hook.decided': [
            { guard: and(['hookContinues', 'hasSubdaemons']), target: 'subdaemons' },
            { guard: 'hookContinues', target: '#peer.ready' },
            {
              actions: ['sendHookWarning', { type: 'setCloseReason', params: { reason: REASON_HOOK } }],
              target: '#peer.disconnectedDuring',
            },
          ],
        },
      },
      subdaemons: {
        entry: ['startSubdaemons', { type: 'startTimer', params: { timer: 'subdaemonTimeout' } }],
        exit: { type: 'cancelTimer', params: { timer: 'subdaemonTimeout' } },
        on: {
          'subdaemons.settled': { target: '#peer.ready' },
          'timer.subdaemonTimeout': { actions: 'subdaemonsTimedOut', target: '#peer.ready' },
        },
      },
    },
  },
  ready: {
    // Entered once: the outcome is reported once. The keepalive runs in the shell while here.
    entry: ['notifyConnected', { type: 'startTimer', params: { timer: 'keepaliveTick' } }],
    exit: { type: 'cancelTimer', params: { timer: 'keepaliveTick' } },
    on: {
      'conn.closed': { guard: 'fromActive', actions: 'setCloseReasonFromEvent', target: 'closed' },
      'peer.disconnect': [
        { guard: 'forced', actions: ['closeActive', 'setClosedByRequest'], target: 'closed' },
        { actions: ['closeActive', 'setClosedByRequest'], target: 'closing' },
      ],
    },
  },
  closing: {
    // Graceful close requested: the socket ends itself after flushing; the grace timer drops it.
    entry: { type: 'startTimer', params: { timer: 'closeGrace' } },
    exit: { type: 'cancelTimer', params: { timer: 'closeGrace' } },
    on: {
      'conn.closed': { guard: 'fromActive', target: 'closed' },
      'timer.closeGrace': { actions: 'dropActive', target: 'closed' },
      'peer.disconnect': { guard: 'forced', actions: 'dropActive', target: 'closed' },
    },
  },
} as const;
