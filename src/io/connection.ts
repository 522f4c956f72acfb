/**
 * The socket shell of one connection: owns one socket and drives one sans-io
 * session (src/session) from it. Bytes read go into `session.receive`; what
 * one input produced goes out in one socket write; phase facts go to the
 * sink (the peer shell turns them into peer-machine events).
 *
 * Every path out closes the socket exactly once: the peer's EOF or a socket
 * error (`onClosed` with the reason), a session failure (handshake, init
 * verdict, transport MAC, keepalive: the socket is closed and `onClosed`
 * reports the session's reason), an exception thrown while handling input
 * (the socket is destroyed, `Protocol error`), or a local `destroy()` (no
 * report: the owner asked). Output the peer does not read pauses reading
 * (SocketChannel's pressure signal) and past its bound drops the peer
 * (src/io/output-budget.ts: per peer and node-wide). Input goes to the session
 * in slices of `INPUT_SLICE` bytes and stops between slices once output is
 * backed up: one socket chunk of tiny pings asking for 65,531-byte pongs
 * would otherwise queue ~100 MiB in one write before any check; the unread
 * rest is kept (at most one chunk) and fed when the peer has read.
 */
import type { ByteStream } from './byte-stream.js';
import { concatBytes } from '../bolt1/index.js';
import { endsSession, INPUT_SLICE, REASON_PROTOCOL } from '../session/index.js';
import type { Session, SessionFact, SessionOutput } from '../session/index.js';
import { socketErrorReason } from './errno.js';
import { DEFAULT_OUTPUT_LIMITS, OutputBudgetError } from './output-budget.js';
import type { OutputHolder, OutputLimits } from './output-budget.js';
import { SocketChannel } from './socket-channel.js';

export interface ConnectionSink {
  /** A phase fact or a message of the session (in order). */
  fact(fact: SessionFact): void;
  /** Exactly once when the connection ended by itself (not after `destroy()`); `reason` when known. */
  closed(reason: string | undefined): void;
  /** An exception thrown while handling this connection's input (the connection is already gone). */
  crashed(err: unknown): void;
}

/**
 * Runs a report to the owner from a socket event: an exception there would be
 * uncaught (a crashed process); the socket is already closed, so it is dropped.
 */
function tell(report: () => void): void {
  try {
    report();
  } catch {
    // nowhere left to report to
  }
}

export class Connection {
  readonly #channel: SocketChannel;
  readonly #session: Session;
  readonly #sink: ConnectionSink;
  readonly #now: () => number;
  /** The reason already reported through a fact; the socket's own close is then not reported again. */
  #ended = false;
  #dropped = false;
  #closing = false;
  /** Input not yet given to the session while output is backed up. */
  #held: Uint8Array | null = null;
  readonly #limits: OutputLimits;
  readonly #holder: OutputHolder = { overBudget: () => this.#channel.destroy(new OutputBudgetError(this.#limits.budget?.limit ?? 0)) };

  constructor(socket: ByteStream, session: Session, sink: ConnectionSink, now: () => number, limits: OutputLimits = DEFAULT_OUTPUT_LIMITS) {
    this.#session = session;
    this.#sink = sink;
    this.#now = now;
    this.#limits = limits;
    this.#channel = new SocketChannel(socket, {
      onData: (chunk) => this.#input(chunk),
      onClose: (error) => this.#onClose(error),
      onPressure: (over) => (over ? this.#channel.pauseReading() : this.#resume()),
    }, { highWaterMark: limits.pauseBytes, maxBuffered: limits.maxBytes });
    const budget = limits.budget;
    if (budget !== undefined) socket.on('drain', () => budget.update(this.#holder, 0));
  }

  get socket(): ByteStream {
    return this.#channel.socket;
  }

  /** The initiator's act one. */
  start(): void {
    this.#guard(() => this.#session.start());
  }

  /** Keepalive tick: a ping, or the end of the connection (`keepalive.failed`). */
  tick(): void {
    this.#guard(() => this.#session.tick(this.#now()));
  }

  /** An application message to the established peer. Throws when the session is not established. */
  send(message: Uint8Array): void {
    this.#write(this.#session.send(message));
  }

  /** Graceful close (flush, FIN), optionally after a warning; `force` destroys at once. */
  close(opts: { force?: boolean; warning?: string } = {}): void {
    if (opts.warning !== undefined) {
      const w = this.#session.warning(opts.warning);
      if (w !== null) this.#write(w);
    }
    this.#session.close();
    this.#closing = true;
    if (opts.force === true) this.#channel.destroy();
    else this.#channel.close();
  }

  /** The owner is done with this connection: destroy it unless a graceful close is flushing. */
  release(): void {
    if (this.#closing || this.#ended) {
      this.#dropped = true;
      return;
    }
    this.destroy();
  }

  /** Local drop: destroy the socket; nothing is reported. */
  destroy(): void {
    this.#dropped = true;
    this.#session.close();
    this.#channel.destroy();
  }

  /** Runs one session step: writes its output once, reports its facts; any exception ends the connection. */
  #guard(step: () => SessionOutput): void {
    try {
      const out = step();
      if (out.write !== null) this.#write(out.write);
      for (const f of out.facts) {
        if (this.#dropped) return;
        if (endsSession(f)) {
          // The session ended the connection: flush what it wrote (a warning), then FIN; the fact says why.
          this.#ended = true;
          this.#channel.close();
        }
        this.#sink.fact(f);
      }
    } catch (err) {
      this.#fail(err);
    }
  }

  #write(bytes: Uint8Array): void {
    this.#channel.write(bytes);
    const budget = this.#limits.budget;
    if (budget === undefined) return;
    // Counted only with a 'drain' pending (above the socket's own mark): the drain resets it to 0.
    const queued = this.#channel.buffered;
    budget.update(this.#holder, queued > this.#channel.socket.writableHighWaterMark ? queued : 0);
  }

  #input(chunk: Uint8Array): void {
    if (this.#held === null) this.#feed(chunk);
    else this.#held = concatBytes(this.#held, chunk); // a chunk already read when reading paused
  }

  /** Gives `chunk` to the session slice by slice; keeps the rest once output is backed up. */
  #feed(chunk: Uint8Array): void {
    for (let off = 0; off < chunk.length; ) {
      if (this.#channel.pressured) {
        this.#held = chunk.subarray(off);
        this.#channel.pauseReading();
        return;
      }
      // A large frame in one step (it yields one message); small ones at most INPUT_SLICE at a time.
      const step = Math.max(INPUT_SLICE, this.#session.bytesNeeded);
      const slice = chunk.subarray(off, Math.min(chunk.length, off + step));
      off += slice.length;
      this.#guard(() => this.#session.receive(slice, this.#now()));
      if (this.#ended || this.#dropped || this.#channel.socket.destroyed) return;
    }
  }

  /** The peer read its backlog: feed what was held, then read again unless output backed up again. */
  #resume(): void {
    const held = this.#held;
    this.#held = null;
    if (held !== null) this.#feed(held);
    if (this.#held === null && !this.#channel.pressured) this.#channel.resumeReading();
  }

  #fail(err: unknown): void {
    this.#session.close();
    this.#channel.destroy();
    const report = !this.#ended && !this.#dropped;
    this.#ended = true;
    // Each report on its own: a failing crash report must not cost the owner the close.
    tell(() => this.#sink.crashed(err));
    if (report) tell(() => this.#sink.closed(REASON_PROTOCOL));
  }

  #onClose(error: Error | undefined): void {
    this.#held = null;
    const budget = this.#limits.budget;
    if (budget !== undefined) tell(() => budget.update(this.#holder, 0));
    tell(() => this.#session.close());
    if (this.#ended || this.#dropped) return;
    this.#ended = true;
    tell(() => this.#sink.closed(error === undefined ? undefined : socketErrorReason(error)));
  }
}
