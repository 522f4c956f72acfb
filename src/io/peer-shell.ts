/**
 * The shell of one peer actor: creates the peer machine as its own root actor
 * (own system) and is its `PeerPort`. It owns everything the actor
 * names but never touches: dial attempts (an AbortController each), the
 * connections (src/io/connection.ts: socket + session), the hook call, the
 * channel subdaemons. Session facts become phase events of the actor; bytes,
 * pings and messages never do.
 *
 * Every path out releases everything: when the actor reaches a final state,
 * or throws, or the shell's own work for it throws (then the supervisor
 * hears `peer.crashed`), or the shell is stopped, every dial is aborted,
 * every socket destroyed and every subdaemon signalled. Owner: the
 * supervisor (one shell per peer actor it keeps).
 */
import { createActor } from 'xstate';
import type { Actor } from 'xstate';
import type { DialAddress, WireAddress } from '../address/types.js';
import { PEER_DELAYS, peerMachine } from '../machines/peer.js';
import type {
  PeerContext,
  PeerEvent,
  PeerHandle,
  PeerNotice,
  PeerPort,
  PeerReport,
  PeerSpawn,
  PeerTimer,
} from '../machines/peer-types.js';
import { endsSession } from '../session/index.js';
import type { Session, SessionFact } from '../session/index.js';
import type { ChannelInfo, PeerConnectedInfo } from '../types.js';
import type { ByteStream } from './byte-stream.js';
import { Connection } from './connection.js';
import { DEFAULT_CLOCK, PeerTimers } from '../machines/peer-timers.js';
import { eventOf, sessionFor } from '../machines/session-events.js';
import { askHook, dialFailed } from './peer-link.js';
import type { PeerShellDeps } from './peer-link.js';
import { PeerChannels } from './peer-channels.js';
import { durationClock, messageTrace, observeNotice, observeReleased } from './peer-observe.js';

export type { PeerShellDeps } from './peer-link.js';

export class PeerShell implements PeerPort, PeerHandle {
  readonly key: string;
  readonly actor: Actor<typeof peerMachine>;
  readonly #deps: PeerShellDeps;
  readonly #notify: (report: PeerReport) => void;
  /** Dials in progress (outbound only: made on the first dial, none for an inbound peer). */
  #dials: Map<number, AbortController> | null = null;
  readonly #conns = new Map<number, Connection>();
  readonly #channels: PeerChannels;
  #released = false;
  #waiters: (() => void)[] = [];
  readonly #timers: PeerTimers;
  /** Notices of the step in progress, handed to the supervisor when it is over. */
  readonly #reports: PeerReport[] = [];
  #depth = 0;

  constructor(deps: PeerShellDeps, spawn: PeerSpawn, notify: (report: PeerReport) => void) {
    this.#deps = deps;
    this.#notify = notify;
    this.key = spawn.key;
    this.#channels = new PeerChannels(deps, (e) => this.#send(e));
    this.#timers = new PeerTimers(deps.clock ?? DEFAULT_CLOCK, (name) => this.#timerFired(name));
    const input = spawn.direction === 'out'
      ? { direction: 'out' as const, config: deps.config, port: this, key: spawn.key, id: spawn.id, explicit: spawn.explicit, queued: spawn.queued }
      : { direction: 'in' as const, config: deps.config, port: this, key: spawn.key, remote: spawn.remote };
    const logic = (deps.logic ?? peerMachine) as typeof peerMachine;
    this.actor = createActor(logic, { input });
    this.actor.subscribe({
      next: (s) => {
        if (s.status === 'done') this.#release();
      },
      error: (err) => this.#crash(err),
    });
    if (spawn.direction === 'in') {
      try {
        this.#connect(-1, spawn.socket as ByteStream, 'responder', spawn.remoteWire ?? null);
      } catch (err) {
        // No shell will exist to own the socket: close it before the factory's caller hears the error.
        (spawn.socket as ByteStream).destroy();
        throw err;
      }
    }
    this.#step(() => this.actor.start());
  }

  /** The machine's context (listPeers, deadlines). */
  get context(): PeerContext {
    return this.actor.getSnapshot().context;
  }
  get channels(): ChannelInfo[] {
    return this.#channels.list();
  }
  get done(): boolean {
    return this.#released;
  }

  send(event: PeerEvent): void {
    this.#send(event);
  }

  whenDone(): Promise<void> {
    if (this.#released) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** An application message to the established peer (throws when there is no established connection). */
  sendMessage(message: Uint8Array): void {
    const conn = this.#conns.get(this.context.active);
    if (conn === undefined) throw new Error('no connection');
    conn.send(message);
  }

  /** Stop the actor and release everything (node close, supervisor stop). */
  stop(): void {
    this.actor.stop();
    this.#release();
  }

  // PeerPort: what the machine asks for.

  resolve(id: string): void {
    this.#deps.resolve(id).then(
      (seeds) => this.#send({ type: 'dial.resolved', seeds }),
      () => this.#send({ type: 'dial.resolved', seeds: [] }),
    );
  }

  dial(index: number, gen: number, address: DialAddress): void {
    const abort = new AbortController();
    (this.#dials ??= new Map()).set(index, abort);
    this.#deps.dial(address, abort.signal).then(
      (socket) => {
        if (this.#dials?.get(index) !== abort) {
          socket.destroy();
          return;
        }
        this.#dials?.delete(index);
        try {
          this.#connect(index, socket, 'initiator', null);
        } catch (err) {
          // Thrown in a promise callback: nobody else would close this socket or hear of it.
          socket.destroy();
          this.#crash(err);
          return;
        }
        this.#send({ type: 'dial.opened', index, gen });
      },
      (err: unknown) => {
        if (this.#dials?.get(index) !== abort) return;
        this.#dials?.delete(index);
        this.#send(dialFailed(index, gen, err));
      },
    );
  }

  begin(index: number): void {
    this.#conns.get(index)?.start();
  }

  drop(index: number): void {
    const abort = this.#dials?.get(index);
    if (abort !== undefined) {
      this.#dials?.delete(index);
      abort.abort();
    }
    const conn = this.#conns.get(index);
    if (conn !== undefined) {
      this.#conns.delete(index);
      conn.destroy();
    }
  }

  close(opts: { force?: boolean; warning?: string }): void {
    this.#conns.get(this.context.active)?.close(opts);
  }

  /**
   * The keepalive is the session's bookkeeping, not a decision: its timer runs
   * here and never becomes an actor event (10,000 idle peers would cost one
   * actor step each per tick). The session pings, or ends the connection
   * (`keepalive.failed` → `conn.closed`), which the machine does see.
   */
  #timerFired(name: PeerTimer): void {
    if (name !== 'keepaliveTick') {
      this.#send({ type: `timer.${name}` });
      return;
    }
    this.#timers.start(name, PEER_DELAYS.keepaliveTick(this.context));
    this.#conns.get(this.context.active)?.tick();
  }

  askHook(info: PeerConnectedInfo): void {
    askHook(this.#deps.hook, info, (e) => this.#send(e));
  }

  startSubdaemons(peerId: string): void {
    this.#channels.start(peerId);
  }

  stopSubdaemons(): void {
    this.#channels.timeOut();
  }

  startTimer(name: PeerTimer, ms: number): void {
    if (!this.#released) this.#timers.start(name, ms);
  }

  cancelTimer(name: PeerTimer): void {
    this.#timers.cancel(name);
  }

  /**
   * Notices wait until the actor's step is over: the supervisor then handles
   * them outside the peer's actions (never inside another actor's transition).
   */
  notify(notice: PeerNotice): void {
    observeNotice(this.#deps.observer, notice, this.context);
    this.#report(notice);
  }

  attemptFailed(address: string, stage: string, reason: string): void {
    this.#deps.observer?.addressFailed(this.context.direction, this.context.id, address, stage, reason);
  }

  phase(line: string): void {
    this.#deps.debug?.(this.actor.getSnapshot().context.id, line);
  }

  // The shell's own work.

  #send(event: PeerEvent): void {
    if (!this.#released) this.#step(() => this.actor.send(event));
  }

  /** One step of the actor; the notices it produced go out once it is over. */
  #step(run: () => void): void {
    this.#depth++;
    try {
      run();
    } finally {
      this.#depth--;
    }
    this.#flush();
  }

  #report(r: PeerReport): void {
    this.#reports.push(r);
    this.#flush();
  }

  #flush(): void {
    if (this.#depth > 0) return;
    // Index, then truncate (shift() would leave capacity behind in every idle peer).
    for (let i = 0; i < this.#reports.length; i++) this.#notify(this.#reports[i] as PeerReport);
    this.#reports.length = 0;
  }

  /** `remoteWire`: an inbound peer's IP/port, sent back in our init (`remote_addr`). */
  #connect(index: number, socket: ByteStream, role: 'initiator' | 'responder', remoteWire: WireAddress | null): void {
    const c = this.#deps.config;
    const obs = this.#deps.observer;
    const session: Session = sessionFor(c, role, this.context.id, remoteWire, messageTrace(obs, () => session.remoteId));
    const timing = durationClock(obs, role === 'initiator' ? 'out' : 'in', () => c.now());
    const conn = new Connection(socket, session, {
      fact: timing === null ? (f) => this.#fact(index, f) : (f) => (timing(f), this.#fact(index, f)),
      closed: (reason) => {
        this.#conns.delete(index);
        this.#send(reason === undefined ? { type: 'conn.closed', index } : { type: 'conn.closed', index, reason });
      },
      crashed: (err) => this.#deps.crashed(this.key, err),
    }, () => c.now(), this.#deps.output);
    this.#conns.set(index, conn);
  }

  #fact(index: number, f: SessionFact): void {
    // The connection is over after this fact: it closes itself, the shell lets go of it.
    if (endsSession(f)) this.#conns.delete(index);
    const event = eventOf(index, f);
    if (event !== null) {
      this.#send(event);
    } else if (f.type === 'peer.error') {
      this.phase(`peer sent error: ${f.text}`);
    } else if (f.type === 'message') {
      this.#deps.onMessage(this.context.id, f.message);
    }
  }

  /** The actor threw, or the shell's own work for it did: end the actor, release everything, report it. */
  #crash(err: unknown): void {
    if (this.#released) return;
    this.actor.stop();
    this.#release();
    this.#report({ type: 'peer.crashed', key: this.key, error: err });
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#timers.cancelAll();
    for (const abort of this.#dials?.values() ?? []) abort.abort();
    this.#dials = null;
    // A connection closing gracefully (a warning being flushed) finishes on its own, bounded by its close timer.
    for (const conn of this.#conns.values()) conn.release();
    this.#conns.clear();
    this.#channels.stop();
    observeReleased(this.#deps.observer, this.context);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
