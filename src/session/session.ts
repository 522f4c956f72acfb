/**
 * One connection's protocol, sans-io (rust-lightning's `PeerManager`, h11):
 * bytes in → bytes to write + phase facts out, time passed in. No sockets,
 * no xstate, no timers; the socket shell (src/io/connection.ts) drives it.
 *
 * It owns, in order: the BOLT 8 handshake in either role (act one 50 bytes,
 * act two 50, act three 66), the BOLT 8 transport, the BOLT 1 init exchange
 * and its verdict (spec §8: our init goes out as soon as the handshake is
 * done; the first message must be their init, unknown odd messages before it
 * are skipped), then ping/pong and keepalive bookkeeping (spec §9). Everything
 * one input produced is returned as one write. After a failure the session is
 * `closed` and ignores further input.
 */
import { bytesEqual, concatBytes, MAX_MESSAGE_SIZE, toHex, warningMessage } from '../bolt1/index.js';
import { ACT_ONE_SIZE, ACT_THREE_SIZE, ACT_TWO_SIZE, Bolt8Error, Bolt8StateError, initiator, responder, Transport } from '../bolt8/index.js';
import type { InitiatorAwaitingActTwo, ResponderAwaitingActThree, TransportKeys } from '../bolt8/index.js';
import type { SessionFact, SessionOptions, SessionOutput, SessionPhase } from './types.js';
import { handleConnectedMessage, judgeInitMessage, keepalivePing, ourInit } from './wire.js';

export const REASON_PROTOCOL = 'Protocol error';
export const REASON_PING = 'Last ping unreturned: hanging up';

const EMPTY = new Uint8Array(0);

/** Collects one input's writes and facts; `done()` joins the writes into one buffer. */
class Output {
  private readonly parts: Uint8Array[] = [];
  readonly facts: SessionFact[] = [];
  write(bytes: Uint8Array): void {
    this.parts.push(bytes);
  }
  fact(f: SessionFact): void {
    this.facts.push(f);
  }
  done(): SessionOutput {
    const p = this.parts;
    const write = p.length === 0 ? null : p.length === 1 ? (p[0] as Uint8Array) : concatBytes(...p);
    return { write, facts: this.facts };
  }
}

/** A message's BOLT 1 type (its first two bytes); -1 when it has none. */
function typeOf(m: Uint8Array): number {
  return m.length < 2 ? -1 : ((m[0] as number) << 8) | (m[1] as number);
}

function detailOf(err: unknown): string {
  return err instanceof Bolt8Error || err instanceof Error ? err.message : String(err);
}

export class Session {
  readonly role: 'initiator' | 'responder';
  #phase: SessionPhase = 'handshake';
  readonly #opts: SessionOptions;
  /** Handshake bytes received but not yet consumed by an act. */
  #buffer: Uint8Array = EMPTY;
  #need: number;
  #awaitingActTwo: InitiatorAwaitingActTwo | null = null;
  #awaitingActThree: ResponderAwaitingActThree | null = null;
  #transport: Transport | null = null;
  #lastRx = 0;
  #pingOutstanding = false;
  /** The responder's peer, once act three proved it (the initiator's is computed when asked). */
  #remoteId = '';

  constructor(opts: SessionOptions) {
    this.#opts = opts;
    this.role = opts.role;
    this.#need = opts.role === 'initiator' ? ACT_TWO_SIZE : ACT_ONE_SIZE;
  }

  get phase(): SessionPhase {
    return this.#phase;
  }

  /** The peer's node id (66 hex): the one dialled, or the one act three proved; '' before that. */
  get remoteId(): string {
    const dialled = this.#opts.remoteStatic;
    if (this.#remoteId === '' && this.role === 'initiator' && dialled !== undefined) this.#remoteId = toHex(dialled);
    return this.#remoteId;
  }

  /**
   * Bytes that complete the next act or transport frame (0 when closed).
   * Feeding exactly that much yields at most one message: the shell uses it
   * to take a large frame in one step while bounding what small ones produce.
   */
  get bytesNeeded(): number {
    if (this.#phase === 'closed') return 0;
    if (this.#phase === 'handshake') return Math.max(0, this.#need - this.#buffer.length);
    return this.#transport?.bytesNeeded() ?? 0;
  }

  /** The initiator's first write: act one. The responder waits for act one and returns nothing. */
  start(): SessionOutput {
    const out = new Output();
    if (this.role !== 'initiator' || this.#phase !== 'handshake' || this.#awaitingActTwo !== null) return out.done();
    const o = this.#opts;
    try {
      // BOLT 8 act one: e, es (initiator → responder)
      const first = initiator({
        crypto: o.crypto,
        localKey: o.localKey,
        remoteStatic: o.remoteStatic ?? EMPTY,
        ...(o.ephemeralSecret === undefined ? {} : { ephemeralSecret: o.ephemeralSecret }),
      }).actOne();
      this.#awaitingActTwo = first.next;
      out.write(first.act);
    } catch (err) {
      this.#fail(out, { type: 'handshake.failed', reason: REASON_PROTOCOL, detail: detailOf(err) });
    }
    return out.done();
  }

  /**
   * Bytes from the peer, in any chunking. `now` stamps received traffic for the
   * keepalive. The transport may keep a view of `bytes` (a partial frame): do
   * not modify them afterwards.
   */
  receive(bytes: Uint8Array, now: number): SessionOutput {
    const out = new Output();
    if (this.#phase === 'handshake') this.#handshake(bytes, now, out);
    else if (this.#phase !== 'closed') this.#transportIn(bytes, now, out);
    return out.done();
  }

  /**
   * An application message to the established peer, encrypted. A message over
   * 65535 bytes is local misuse: RangeError (the transport's own Bolt8Error
   * would read as the peer's fault), and the session stays usable.
   */
  send(message: Uint8Array): Uint8Array {
    if (this.#transport === null || this.#phase !== 'established') throw new Error('session is not established');
    if (message.length > MAX_MESSAGE_SIZE) throw new RangeError(`message too long: ${message.length} > ${MAX_MESSAGE_SIZE}`);
    return this.#seal(this.#transport, message);
  }

  /** A BOLT 1 warning carrying `text` (bounded), encrypted; null before the transport exists. */
  warning(text: string): Uint8Array | null {
    if (this.#transport === null || this.#phase === 'closed') return null;
    return this.#seal(this.#transport, warningMessage(text));
  }

  /**
   * Keepalive tick (spec §9): after `pingIdleMs` without receiving anything a
   * ping goes out; a ping still unanswered at such a tick hangs up.
   */
  tick(now: number): SessionOutput {
    const out = new Output();
    if (this.#phase !== 'established' || this.#transport === null) return out.done();
    if (now - this.#lastRx < this.#opts.pingIdleMs) return out.done();
    if (this.#pingOutstanding) {
      this.#fail(out, { type: 'keepalive.failed', reason: REASON_PING });
    } else {
      this.#pingOutstanding = true;
      out.write(this.#seal(this.#transport, keepalivePing()));
    }
    return out.done();
  }

  /** The connection is gone: drop keys and buffers. */
  close(): void {
    this.#phase = 'closed';
    this.#release();
  }

  /** Encrypt one outgoing message (traced at the io level). */
  #seal(transport: Transport, message: Uint8Array): Uint8Array {
    const trace = this.#opts.trace;
    if (trace !== undefined) trace('out', typeOf(message), message.length);
    return transport.encrypt(message);
  }

  #fail(out: Output, fact: SessionFact): void {
    out.fact(fact);
    this.close();
  }

  #release(): void {
    this.#buffer = EMPTY;
    this.#awaitingActTwo = null;
    this.#awaitingActThree = null;
    if (this.#phase === 'closed') this.#transport = null;
  }

  #handshake(bytes: Uint8Array, now: number, out: Output): void {
    let buf = this.#buffer.length === 0 ? bytes : concatBytes(this.#buffer, bytes);
    while (this.#phase === 'handshake' && buf.length >= this.#need) {
      const act = buf.subarray(0, this.#need);
      buf = buf.subarray(this.#need);
      try {
        this.#act(act, out);
      } catch (err) {
        this.#fail(out, { type: 'handshake.failed', reason: REASON_PROTOCOL, detail: detailOf(err) });
        return;
      }
    }
    if (this.#phase === 'handshake') {
      // Keep only what an act still needs (a copy: never pin the socket's chunk).
      this.#buffer = buf.length === 0 ? EMPTY : Uint8Array.from(buf);
    } else if (this.#phase === 'init') {
      this.#buffer = EMPTY;
      // Whatever followed the last act is the peer's transport (its init, maybe more).
      if (buf.length > 0) this.#transportIn(buf, now, out);
    }
  }

  #act(act: Uint8Array, out: Output): void {
    const o = this.#opts;
    if (this.role === 'responder' && this.#awaitingActThree === null) {
      // BOLT 8 act one received: e, es; reply with act two: e, ee
      const step = responder({
        crypto: o.crypto,
        localKey: o.localKey,
        ...(o.ephemeralSecret === undefined ? {} : { ephemeralSecret: o.ephemeralSecret }),
      }).processActOne(act);
      this.#awaitingActThree = step.next;
      this.#need = ACT_THREE_SIZE;
      out.write(step.act);
      out.fact({ type: 'act1.received' });
      return;
    }
    if (this.role === 'responder' && this.#awaitingActThree !== null) {
      // BOLT 8 act three received: s, se — the peer proves its node id
      const done = this.#awaitingActThree.processActThree(act);
      if (bytesEqual(done.remoteStatic, o.localKey.publicKey)) throw new Error('act3: the peer claims our own node id');
      this.#remoteId = toHex(done.remoteStatic);
      this.#established(done.keys, out);
      out.fact({ type: 'act3.received', remoteId: this.#remoteId });
      return;
    }
    if (this.#awaitingActTwo === null) throw new Bolt8StateError('act two before act one');
    // BOLT 8 act two received: e, ee; reply with act three: s, se
    const done = this.#awaitingActTwo.processActTwo(act);
    out.write(done.act);
    this.#established(done.keys, out);
    out.fact({ type: 'act2.received', remoteId: toHex(o.remoteStatic ?? EMPTY) });
  }

  /** Handshake done: switch to the transport and send our init at once (spec §8). */
  #established(keys: TransportKeys, out: Output): void {
    this.#transport = new Transport(this.#opts.crypto, keys);
    this.#phase = 'init';
    this.#release();
    out.write(this.#seal(this.#transport, ourInit(this.#opts, this.#opts.remoteWire ?? null)));
  }

  #transportIn(bytes: Uint8Array, now: number, out: Output): void {
    const transport = this.#transport;
    if (transport === null) return;
    transport.push(bytes);
    for (;;) {
      let message: Uint8Array | null;
      try {
        message = transport.read();
      } catch {
        this.#fail(out, { type: 'transport.failed', reason: REASON_PROTOCOL });
        return;
      }
      if (message === null) return;
      this.#lastRx = now;
      const trace = this.#opts.trace;
      if (trace !== undefined) trace('in', typeOf(message), message.length);
      if (this.#phase === 'init') this.#judgeInit(message, out);
      else this.#connected(message, transport, out);
      if (this.#phase === 'closed') return;
    }
  }

  #judgeInit(message: Uint8Array, out: Output): void {
    const verdict = judgeInitMessage(this.#opts, message);
    switch (verdict.kind) {
      case 'skip':
        return;
      case 'accepted':
        this.#phase = 'established';
        out.fact({ type: 'init.accepted', features: verdict.features, remoteAddr: verdict.remoteAddr });
        return;
      case 'rejected':
        if (verdict.warning !== null && this.#transport !== null) out.write(this.#seal(this.#transport, verdict.warning));
        this.#fail(out, { type: 'init.rejected', reason: verdict.reason });
        return;
    }
  }

  #connected(message: Uint8Array, transport: Transport, out: Output): void {
    out.fact({ type: 'message', message });
    const action = handleConnectedMessage(message);
    switch (action.kind) {
      case 'reply':
        out.write(this.#seal(transport, action.message));
        return;
      case 'pong':
        this.#pingOutstanding = false;
        return;
      case 'peer-error':
        out.fact({ type: 'peer.error', text: action.text });
        return;
      case 'none':
        return;
    }
  }
}
