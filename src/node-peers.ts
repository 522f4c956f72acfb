/**
 * The second step of `createNode`: the supervisor actor and the factory of
 * its peers. Each peer is a `PeerShell` (src/io/peer-shell.ts) — an
 * independent root actor with its sockets, sessions, hook and subdaemons —
 * dialling through src/io/dial.ts and resolving through the address sources.
 * The supervisor's emitted facts go to the node shell's handlers, each
 * guarded so that a throwing listener can never stop the supervisor.
 */
import type { Logger } from 'pino';
import { createActor } from 'xstate';
import type { Actor } from 'xstate';
import type { AddressBook } from './io/address-book.js';
import type { ByteStream } from './io/byte-stream.js';
import { admissionLimits, inboundBackstop } from './io/admission.js';
import { dialStream } from './io/ws-dial.js';
import { outputLimits } from './io/output-budget.js';
import { resolveDialList } from './io/dial-sources.js';
import { PeerShell } from './io/peer-shell.js';
import type { PeerShellDeps } from './io/peer-shell.js';
import type { PeerFactory } from './machines/peer-types.js';
import type { NodeSettings } from './node-settings.js';
import type { Observer } from './observe/observer.js';
import { dialQueueLogic } from './supervisor/dial-queue.js';
import type { ReconnectConfig } from './supervisor/reconnect.js';
import { supervisorMachine } from './supervisor/supervisor.js';
import type { SupervisorEmitted } from './supervisor/supervisor.js';
import type { NodeOptions } from './types.js';

export type Supervisor = Actor<typeof supervisorMachine>;

export interface SupervisorHandlers {
  settled(e: Extract<SupervisorEmitted, { type: 'connect.settled' }>): void;
  /** A connection to a peer not known as persistent ended without our asking (issue 12). */
  lost?(e: Extract<SupervisorEmitted, { type: 'peer.lost' }>): void;
  /** An inbound connection refused at the supervisor's backstop (the observer counts it). */
  refused?(): void;
}

export function peerFactory(
  settings: NodeSettings,
  options: NodeOptions,
  addressBook: AddressBook,
  log: Logger,
  onMessage: PeerShellDeps['onMessage'],
  observer?: Observer,
): PeerFactory {
  const { peerConfig, policy } = settings;
  const sources = options.addressSource === undefined ? [addressBook] : [addressBook, options.addressSource];
  const dialOptions = {
    // The per-address establishment timeout (`Connection timed out`) is the dial's own.
    timeoutMs: peerConfig.timeouts.connectMs,
    ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
    alwaysUseProxy: policy.alwaysUseProxy,
    ...(options.webSocketCa === undefined ? {} : { webSocketCa: options.webSocketCa }),
  };
  const deps: PeerShellDeps = {
    config: peerConfig,
    dial: (address, signal) => dialStream(address, { ...dialOptions, signal }),
    resolve: (id) => resolveDialList(sources, policy, id),
    ...(options.peerConnectedHook === undefined ? {} : { hook: options.peerConnectedHook }),
    ...(options.channels === undefined ? {} : { channels: options.channels }),
    onMessage,
    ...(log.isLevelEnabled('debug') ? { debug: (id: string, line: string) => log.debug({ peer: id }, line) } : {}),
    crashed: (key, err) => log.warn({ peer: key }, `connection handling failed: ${String(err)}`),
    output: outputLimits(options),
    ...(observer === undefined ? {} : { observer }),
  };
  return (spawn, report) => new PeerShell(deps, spawn, report);
}

export function startSupervisor(
  settings: NodeSettings,
  options: NodeOptions,
  createPeer: PeerFactory,
  log: Logger,
  on: SupervisorHandlers,
  reconnect?: ReconnectConfig,
): Supervisor {
  const supervisor = createActor(
    supervisorMachine.provide({
      actors: { dialQueue: dialQueueLogic(options.maxConnectInFlight ?? 10, (msg) => log.debug(msg)) },
    }),
    {
      input: {
        peer: settings.peerConfig,
        // Admission (src/io/admission.ts, in front of the supervisor) bounds the unauthenticated ones.
        maxInboundHandshakes: inboundBackstop(admissionLimits(options)),
        simultaneousWindowMs: 10_000,
        createPeer,
        ...(reconnect === undefined ? {} : { reconnect }),
      },
    },
  );
  // A throw out of an emitted-event listener is rethrown by xstate outside any handler: a crashed process.
  const guarded = <T>(what: string, fn: (e: T) => void) => (e: T): void => {
    try {
      fn(e);
    } catch (err) {
      try {
        log.warn(`${what} handler failed: ${String(err)}`);
      } catch {
        // the logger itself fails: nothing left to tell
      }
    }
  };
  supervisor.on('connect.settled', guarded('connect.settled', (e) => on.settled(e)));
  supervisor.on('peer.lost', guarded('peer.lost', (e) => on.lost?.(e)));
  supervisor.on('inbound.refused', guarded('inbound.refused', ({ socket }) => {
    (socket as ByteStream).destroy();
    log.debug('Too many inbound handshakes, refusing connection');
    on.refused?.();
  }));
  supervisor.on('log', guarded('log', (e) => log[e.level]({ peer: e.id }, e.msg)));
  supervisor.start();
  return supervisor;
}
