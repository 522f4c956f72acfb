/**
 * Fakes for the supervisor tests: a peer factory whose handles record what
 * the supervisor asks of them (and can throw on one event), a recording dial
 * queue (or the real p-queue one), and the emitted facts, all entered through
 * the supervisor's input and `.provide()`. No sockets, no peer machines.
 */
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import type { PeerContext, PeerEvent, PeerHandle, PeerOutcome, PeerReport, PeerSpawn } from '../../src/machines/peer-types.js';
import { dialQueueLogic } from '../../src/supervisor/dial-queue.js';
import type { ReconnectConfig } from '../../src/supervisor/reconnect.js';
import { supervisorMachine } from '../../src/supervisor/supervisor.js';
import type { ChannelInfo } from '../../src/types.js';
import type { QueueCommand, SupervisorEmitted } from '../../src/supervisor/supervisor.js';
import { makeConfig } from '../machines/helpers.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** One fake peer actor: records what the supervisor asks of it; `report` plays its shell's reports. */
export class FakePeer implements PeerHandle {
  readonly received: PeerEvent[] = [];
  readonly context = {} as PeerContext;
  /** The channels its connection started (a test sets them before reporting `connected`). */
  channels: ChannelInfo[] = [];
  stops = 0;
  constructor(
    readonly spawn: PeerSpawn,
    private readonly toSupervisor: (r: PeerReport) => void,
    /** `send` throws for this event type: an exception inside the supervisor step that sends it. */
    private readonly throwOn: string | undefined,
  ) {}
  get key(): string {
    return this.spawn.key;
  }
  get done(): boolean {
    return this.stops > 0;
  }
  send(e: PeerEvent): void {
    if (e.type === this.throwOn) throw new Error(`injected failure on ${e.type}`);
    this.received.push(e);
  }
  sendMessage(): void {
    throw new Error('no connection');
  }
  whenDone(): Promise<void> {
    return Promise.resolve();
  }
  stop(): void {
    this.stops++;
  }
  report(r: DistributiveOmit<PeerReport, 'key'>): void {
    this.toSupervisor({ ...r, key: this.key });
  }
}

export interface SupervisorFakeOptions {
  maxInbound?: number;
  /** The event type a new peer's `send` throws on. */
  throwOn?: (spawn: PeerSpawn) => string | undefined;
  /** The factory itself throws for this spawn. */
  createThrows?: (spawn: PeerSpawn) => boolean;
  /** Use the real p-queue dial queue with this many slots instead of the recording one. */
  inFlight?: number;
  /** Redial policy and clock (default: the supervisor's own, wall clock). */
  reconnect?: ReconnectConfig;
}

export function setupSupervisor(opts: SupervisorFakeOptions = {}) {
  const clock = new SimulatedClock();
  const peers: FakePeer[] = [];
  const queue: QueueCommand[] = [];
  const emitted: SupervisorEmitted[] = [];
  const dialQueue = fromCallback<QueueCommand>(({ receive, sendBack }) => {
    receive((c) => {
      queue.push(c);
      if (c.type === 'queue.enter') sendBack({ type: 'queue.granted', key: c.key });
    });
  });
  const actors = { dialQueue: opts.inFlight === undefined ? dialQueue : dialQueueLogic(opts.inFlight) };
  const sup = createActor(supervisorMachine.provide({ actors }), {
    input: {
      peer: makeConfig(clock),
      maxInboundHandshakes: opts.maxInbound ?? 2,
      simultaneousWindowMs: 10_000,
      ...(opts.reconnect === undefined ? {} : { reconnect: opts.reconnect }),
      createPeer: (spawn, report) => {
        if (opts.createThrows?.(spawn) === true) throw new Error('injected factory failure');
        const p = new FakePeer(spawn, report, opts.throwOn?.(spawn));
        peers.push(p);
        return p;
      },
    },
    clock,
  });
  sup.on('*', (e) => emitted.push(e));
  sup.start();
  const settled = () => emitted.flatMap((e) => (e.type === 'connect.settled' ? [e] : []));
  const warnings = () => emitted.flatMap((e) => (e.type === 'log' && e.level === 'warn' ? [e.msg] : []));
  const inbound = (port: number, socket: object = { port }) =>
    sup.send({ type: 'inbound.accepted', socket, remote: { type: 'ipv4', address: '127.0.0.1', port } });
  const ctx = () => sup.getSnapshot().context;
  return { sup, peers, queue, emitted, settled, warnings, inbound, ctx };
}

export const HIGH_ID = `03${'ff'.repeat(32)}`; // sorts after OUR_ID: a connection we dialled wins
export const LOW_ID = `02${'00'.repeat(32)}`; // sorts before OUR_ID: a connection it dialled wins

export const connected = (id: string, direction: 'in' | 'out'): PeerOutcome => ({
  kind: 'connected',
  result: { id, features: '', direction, address: { type: 'ipv4', address: '127.0.0.1', port: 9735 } },
});
export const lost: PeerOutcome = { kind: 'disconnected-during' };
