/**
 * One WebSocket carrying one BOLT 8 connection in a browser: the socket
 * shell of src/session's sans-io `Session` (STYLE: sessions compute, shells
 * do I/O). Binary frames in → `session.receive` → one `send` of everything
 * it produced + the phase facts out. A frame may carry any slice of the
 * byte stream; the session reassembles acts and transport frames.
 *
 * Refused cleanly (the connection ends with a reason, the socket is
 * closed): a text frame (BOLT 8 over WebSocket is binary only), output the
 * peer does not read (`bufferedAmount` over `maxBufferedBytes`, e.g. a pong
 * flood towards a stalled reader), and any exception in the session.
 * Owner: the browser peer shell (./browser-peer.ts); it hears `closed`
 * exactly once, unless it let go first with `release()`.
 */
import { endsSession, INPUT_SLICE, REASON_PROTOCOL } from '../session/index.js';
import type { Session, SessionFact, SessionOutput } from '../session/index.js';

/** The part of the WHATWG WebSocket this shell uses (browsers; the `ws` package in Node tests). */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export const REASON_TEXT_FRAME = 'Protocol error (text frame)';
export const REASON_NOT_READING = 'peer is not reading (output bound reached)';

export interface WsConnectionEvents {
  fact(f: SessionFact): void;
  /** The connection is over; `reason` when the shell knows why (a plain EOF has none). */
  closed(reason?: string): void;
}

const ignore = (): void => {};

export class WsConnection {
  readonly #ws: WebSocketLike;
  readonly #session: Session;
  readonly #events: WsConnectionEvents;
  readonly #now: () => number;
  readonly #maxBuffered: number;
  #over = false;

  constructor(ws: WebSocketLike, session: Session, events: WsConnectionEvents, now: () => number, maxBufferedBytes: number) {
    this.#ws = ws;
    this.#session = session;
    this.#events = events;
    this.#now = now;
    this.#maxBuffered = maxBufferedBytes;
    ws.onmessage = (ev) => this.#message(ev.data);
    ws.onclose = () => this.#end(undefined);
    ws.onerror = () => this.#end(undefined);
  }

  /** Initiator: write act one. */
  start(): void {
    this.#guard(() => this.#session.start());
  }

  /** Keepalive tick (spec §9): the session pings, or ends the connection. */
  tick(): void {
    this.#guard(() => this.#session.tick(this.#now()));
  }

  /** An application message to the established peer (throws before init or after close). */
  send(message: Uint8Array): void {
    if (this.#over) throw new Error('connection is closed');
    this.#write(this.#session.send(message));
  }

  /** Close: after a BOLT 1 warning carrying `warning`, if given. The socket's close ends it. */
  close(opts: { warning?: string }): void {
    if (this.#over) return;
    const w = opts.warning === undefined ? null : this.#session.warning(opts.warning);
    if (w !== null) this.#write(w);
    this.#ws.close(1000);
  }

  /** The owner lets go: close the socket, report nothing more. */
  release(): void {
    if (this.#over) return;
    this.#over = true;
    this.#session.close();
    this.#detach();
  }

  #message(data: unknown): void {
    if (this.#over) return;
    if (!(data instanceof ArrayBuffer)) {
      this.#end(typeof data === 'string' ? REASON_TEXT_FRAME : REASON_PROTOCOL);
      return;
    }
    // Slice by slice (a large transport frame in one step): what one step writes stays bounded, and a
    // peer whose replies (pongs) it does not read meets the output bound before much is queued. A
    // page cannot pause a WebSocket's reading, so that bound drops the connection instead.
    const chunk = new Uint8Array(data);
    for (let off = 0; off < chunk.length && !this.#over; ) {
      const step = Math.max(INPUT_SLICE, this.#session.bytesNeeded);
      const slice = chunk.subarray(off, Math.min(chunk.length, off + step));
      off += slice.length;
      this.#guard(() => this.#session.receive(slice, this.#now()));
    }
  }

  /** Run one session step, write its output, pass its facts on; any exception ends the connection. */
  #guard(step: () => SessionOutput): void {
    if (this.#over) return;
    let out: SessionOutput;
    try {
      out = step();
      if (out.write !== null) this.#write(out.write);
    } catch {
      this.#end(REASON_PROTOCOL);
      return;
    }
    for (const f of out.facts) {
      if (this.#over) return;
      if (endsSession(f)) {
        // The fact says why; the socket is closed without a further `closed`.
        this.#over = true;
        this.#detach();
      }
      this.#events.fact(f);
    }
  }

  #write(bytes: Uint8Array): void {
    if (this.#ws.bufferedAmount > this.#maxBuffered) {
      this.#end(REASON_NOT_READING);
      return;
    }
    this.#ws.send(bytes);
  }

  #end(reason: string | undefined): void {
    if (this.#over) return;
    this.#over = true;
    this.#session.close();
    this.#detach();
    this.#events.closed(reason);
  }

  #detach(): void {
    const ws = this.#ws;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = ignore; // a late error must find a listener (the `ws` package throws one nobody hears)
    ws.onopen = null;
    try {
      ws.close(1000);
    } catch {
      // Already closing or closed.
    }
  }
}
