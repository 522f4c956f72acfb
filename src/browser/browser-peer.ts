/**
 * The browser's peer shell: drives the same peer machine the node runs
 * (src/machines/peer.ts) for one outbound attempt over WebSocket, and is its
 * `PeerPort`. The machine decides (stages, the handshake timer, which
 * failure text, when the connection counts as connected, keepalive and
 * close); this shell only opens WebSockets, runs the sans-io session on them
 * (./ws-connection.ts) and keeps the machine's named timers with
 * `setTimeout`. No hook and no channel subdaemons in a page: the machine is
 * configured without them and goes from init straight to `ready`.
 *
 * Every path out releases everything: when the actor ends (failed, closed,
 * cancelled), or throws, or `stop()` is called, the dial in progress is
 * abandoned, the WebSocket closed and every timer cancelled. Owner: the
 * browser node (./browser-node.ts), one shell per node id.
 */
import { createActor } from 'xstate';
import type { Actor } from 'xstate';
import { PEER_DELAYS, peerMachine } from '../machines/peer.js';
import { DEFAULT_CLOCK, PeerTimers } from '../machines/peer-timers.js';
import { eventOf, sessionFor } from '../machines/session-events.js';
import type { PeerConfig, PeerEvent, PeerNotice, PeerOutcome, PeerPort, PeerTimer } from '../machines/peer-types.js';
import { endsSession } from '../session/index.js';
import type { SessionFact } from '../session/index.js';
import type { PeerConnectedInfo } from '../types.js';
import { WsConnection } from './ws-connection.js';
import type { WebSocketFactory, WebSocketLike } from './ws-connection.js';
import { dialWebSocket, REASON_REFUSED } from './ws-dial.js';
import type { WsTarget } from '../address/ws-url.js';

export interface BrowserPeerDeps {
  config: PeerConfig;
  webSocket: WebSocketFactory;
  maxBufferedBytes: number;
  /** The machine's outcome (once) and the end of the connection. */
  outcome(o: PeerOutcome): void;
  closed(reason: string | null): void;
  /** Messages after init (pings are answered by the session and passed on too). */
  message(m: Uint8Array): void;
  /** One line per phase change (`Connect OUT: …`, `Failed connected out: …`). */
  phase(line: string): void;
}

export class BrowserPeer implements PeerPort {
  readonly actor: Actor<typeof peerMachine>;
  readonly #deps: BrowserPeerDeps;
  readonly #targets: WsTarget[];
  /** Dials in progress: the function abandons one. */
  readonly #dials = new Map<number, () => void>();
  readonly #conns = new Map<number, WsConnection>();
  readonly #timers = new PeerTimers(DEFAULT_CLOCK, (name) => this.#timerFired(name));
  #released = false;

  constructor(deps: BrowserPeerDeps, id: string, targets: readonly WsTarget[]) {
    this.#deps = deps;
    this.#targets = targets.slice();
    const explicit = targets.map((t) => ({ address: t.address, label: t.label }));
    this.actor = createActor(peerMachine, { input: { direction: 'out', config: deps.config, port: this, key: id, id, explicit } });
    this.actor.subscribe({
      next: (s) => {
        if (s.status === 'done') this.#release();
      },
      error: (err) => this.#crash(err),
    });
    this.actor.start();
  }

  /**
   * Another caller's address for this attempt (spec §6: concurrent connects share one attempt, new
   * addresses are appended). Dropped when its label is already listed, as the machine drops it, so
   * the machine's entry indexes stay this shell's target indexes.
   */
  addTarget(t: WsTarget): void {
    if (this.#targets.some((x) => x.label === t.label)) return;
    this.#targets.push(t);
    this.#send({ type: 'peer.addAddresses', entries: [{ address: t.address, label: t.label }] });
  }

  /** A user disconnect (graceful unless `force`). */
  disconnect(force: boolean): void {
    this.#send({ type: 'peer.disconnect', force });
  }

  sendMessage(message: Uint8Array): void {
    const conn = this.#conns.get(this.actor.getSnapshot().context.active);
    if (conn === undefined) throw new Error('not connected');
    conn.send(message);
  }

  /** Stop the actor and release everything (the node closes). */
  stop(): void {
    this.actor.stop();
    this.#release();
  }

  // PeerPort: what the machine asks for.

  resolve(): void {
    // A page has no address book: the URL given is the whole dial list.
    this.#send({ type: 'dial.resolved', seeds: [] });
  }

  dial(index: number, gen: number): void {
    const target = this.#targets[index];
    if (target === undefined) {
      this.#send({ type: 'dial.failed', index, gen, reason: REASON_REFUSED });
      return;
    }
    this.#dials.set(index, dialWebSocket(this.#deps.webSocket, target.url, this.#deps.config.timeouts.connectMs, {
      opened: (ws) => {
        this.#dials.delete(index);
        this.#connect(index, ws);
        this.#send({ type: 'dial.opened', index, gen });
      },
      failed: (reason) => {
        this.#dials.delete(index);
        this.#send({ type: 'dial.failed', index, gen, reason });
      },
    }));
  }

  begin(index: number): void {
    this.#conns.get(index)?.start();
  }

  drop(index: number): void {
    this.#abandon(index);
    const conn = this.#conns.get(index);
    if (conn !== undefined) {
      this.#conns.delete(index);
      conn.release();
    }
  }

  close(opts: { force?: boolean; warning?: string }): void {
    const active = this.actor.getSnapshot().context.active;
    const conn = this.#conns.get(active);
    if (conn === undefined) return;
    if (opts.force === true) {
      this.#conns.delete(active);
      conn.release();
      return;
    }
    conn.close(opts.warning === undefined ? {} : { warning: opts.warning });
  }

  askHook(_info: PeerConnectedInfo): void {
    // Configured with `hook: false`: the machine never asks.
    this.#send({ type: 'hook.decided', decision: { result: 'continue' } });
  }

  startSubdaemons(): void {
    // Configured with `subdaemons: false`: no channels in a page.
    this.#send({ type: 'subdaemons.settled' });
  }

  stopSubdaemons(): void {}

  startTimer(name: PeerTimer, ms: number): void {
    if (this.#released) return;
    this.#timers.start(name, ms);
  }

  cancelTimer(name: PeerTimer): void {
    this.#timers.cancel(name);
  }

  notify(notice: PeerNotice): void {
    // Handed on after the actor's step (never inside its transition).
    queueMicrotask(() => {
      if (notice.type === 'peer.outcome') this.#deps.outcome(notice.outcome);
      else if (notice.type === 'peer.closed') this.#deps.closed(notice.reason);
    });
  }

  phase(line: string): void {
    this.#deps.phase(line);
  }

  // The shell's own work.

  /** The keepalive runs here, never as an actor event: the session pings or ends the connection. */
  #timerFired(name: PeerTimer): void {
    if (name !== 'keepaliveTick') {
      this.#send({ type: `timer.${name}` });
      return;
    }
    const context = this.actor.getSnapshot().context;
    this.startTimer(name, PEER_DELAYS.keepaliveTick(context));
    this.#conns.get(context.active)?.tick();
  }

  #connect(index: number, ws: WebSocketLike): void {
    const c = this.#deps.config;
    const session = sessionFor(c, 'initiator', this.actor.getSnapshot().context.id, null);
    const conn = new WsConnection(ws, session, {
      fact: (f) => this.#fact(index, f),
      closed: (reason) => {
        this.#conns.delete(index);
        this.#send(reason === undefined ? { type: 'conn.closed', index } : { type: 'conn.closed', index, reason });
      },
    }, () => c.now(), this.#deps.maxBufferedBytes);
    this.#conns.set(index, conn);
  }

  #fact(index: number, f: SessionFact): void {
    if (endsSession(f)) this.#conns.delete(index);
    const event = eventOf(index, f);
    if (event !== null) this.#send(event);
    else if (f.type === 'peer.error') this.phase(`peer sent error: ${f.text}`);
    else if (f.type === 'message') this.#deps.message(f.message);
  }

  #send(event: PeerEvent): void {
    if (!this.#released) this.actor.send(event);
  }

  #abandon(index: number): void {
    const abandon = this.#dials.get(index);
    if (abandon === undefined) return;
    this.#dials.delete(index);
    abandon();
  }

  #crash(err: unknown): void {
    if (this.#released) return;
    this.#release();
    this.#deps.phase(`peer actor failed: ${String(err)}`);
    this.#deps.outcome({ kind: 'cancelled' });
    this.#deps.closed(null);
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#timers.cancelAll();
    for (const i of [...this.#dials.keys()]) this.#abandon(i);
    for (const conn of this.#conns.values()) conn.release();
    this.#conns.clear();
  }
}
