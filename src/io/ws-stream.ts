/**
 * One WebSocket (RFC 6455, the `ws` package) as the byte stream a connection
 * runs on (src/io/byte-stream.ts): Core Lightning's framing for BOLT 8 over
 * WebSocket (connectd/websocketd.c) — the BOLT 8 byte stream carried in
 * binary frames, any slice of it in a frame, an act or a message may span
 * frames. So binary payloads become 'data' chunks exactly as TCP segments do,
 * and each `write` is one binary frame.
 *
 * Refused cleanly: a text frame closes with 1003 (unsupported data); a frame
 * above the listener's/dialler's `maxPayload` is closed by `ws` itself with
 * 1009 and an error; a peer that does not answer our close frame within
 * `CLOSE_GRACE_MS` is cut off. Either way 'close' follows once, the TCP
 * socket is freed, and no timer is left.
 *
 * Output pressure is `ws`'s `bufferedAmount` (bytes not yet taken by the
 * kernel, frame headers included): `write` returns false at the underlying
 * socket's high-water mark and 'drain' follows from the send callbacks.
 * Reading starts paused (as a dialled net.Socket may be): the owner attaches
 * its 'data' listener, then calls `resume()`. Frames `ws` still delivers
 * after `pause()` are queued (at most what one socket read held) and emitted
 * on `resume()`; once the WebSocket is closed they are dropped with it.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { ByteStream } from './byte-stream.js';

/** WebSocket close codes used here (RFC 6455 §7.4.1). */
export const WS_NORMAL_CLOSURE = 1000;
export const WS_UNSUPPORTED_DATA = 1003;

/** How long a refused or ended WebSocket may take to answer our close frame before the socket is destroyed. */
export const CLOSE_GRACE_MS = 2000;

/** A WebSocket closed because the peer sent something other than binary frames. */
export class WebSocketRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebSocketRefusedError';
  }
}

/** net.Socket's default writable high-water mark, the point where `write` asks the owner to wait. */
const DEFAULT_HIGH_WATER_MARK = 16 * 1024;

export class WebSocketStream extends EventEmitter implements ByteStream {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly #ws: WebSocket;
  #paused = true;
  #queue: Buffer[] = [];
  #ended = false;
  #destroyed = false;
  #closed = false;
  #needDrain = false;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(ws: WebSocket, remote: { address?: string | undefined; port?: number | undefined } = {}) {
    super();
    this.#ws = ws;
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
    ws.on('message', this.#onMessage);
    ws.on('error', this.#onError);
    ws.once('close', this.#onClose);
    if (ws.readyState === WebSocket.OPEN) ws.pause();
    else queueMicrotask(this.#onClose); // closed before the hand-over
  }

  get destroyed(): boolean {
    return this.#destroyed || this.#closed;
  }

  get writableEnded(): boolean {
    return this.#ended;
  }

  get writableLength(): number {
    return this.#closed ? 0 : this.#ws.bufferedAmount;
  }

  get writableHighWaterMark(): number {
    return DEFAULT_HIGH_WATER_MARK;
  }

  /** One binary frame. False when the owner should wait for 'drain' (or the stream is ending: bytes dropped). */
  write(bytes: Uint8Array): boolean {
    if (this.destroyed || this.#ended || this.#ws.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(bytes, { binary: true }, this.#onSent);
    if (this.#ws.bufferedAmount < DEFAULT_HIGH_WATER_MARK) return true;
    this.#needDrain = true;
    return false;
  }

  /** Graceful: a close frame (1000) after what is queued; 'close' once the peer answers or the grace time passed. */
  end(): this {
    if (this.#ended || this.destroyed) return this;
    this.#ended = true;
    this.#closeFrame(WS_NORMAL_CLOSURE, '');
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.#destroyed = true;
    this.#queue = [];
    this.#ws.terminate(); // 'close' follows from ws once the TCP socket is gone
    return this;
  }

  pause(): this {
    this.#paused = true;
    if (!this.#closed) this.#ws.pause();
    return this;
  }

  resume(): this {
    if (this.#closed) return this;
    this.#paused = false;
    while (!this.#paused && this.#queue.length > 0 && !this.#closed) this.emit('data', this.#queue.shift());
    if (!this.#paused && !this.#closed) this.#ws.resume();
    return this;
  }

  isPaused(): boolean {
    return this.#paused;
  }

  /** Close frame `code`, then the socket is destroyed if the peer has not answered within CLOSE_GRACE_MS. */
  #closeFrame(code: number, reason: string): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
    if (this.#graceTimer === undefined && !this.#closed) {
      this.#graceTimer = setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS);
      this.#graceTimer.unref();
    }
  }

  readonly #onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (this.#ended || this.destroyed) return;
    if (!isBinary) {
      this.#fail(new WebSocketRefusedError('WebSocket text frame: BOLT 8 travels in binary frames'), WS_UNSUPPORTED_DATA);
      return;
    }
    const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (this.#paused) this.#queue.push(chunk);
    else this.emit('data', chunk);
  };

  readonly #onSent = (): void => {
    if (this.#needDrain && !this.#closed && this.#ws.bufferedAmount < DEFAULT_HIGH_WATER_MARK) {
      this.#needDrain = false;
      this.emit('drain');
    }
  };

  /** The peer broke the framing contract: stop reading it, tell it why, and close. */
  #fail(err: Error, code: number): void {
    this.#queue = [];
    this.#reportError(err);
    this.#ended = true;
    this.#closeFrame(code, err.message.slice(0, 100));
  }

  readonly #onError = (err: Error): void => {
    this.#reportError(err);
  };

  /** 'error' only to a listener (EventEmitter throws an unheard 'error'); the socket shell always listens. */
  #reportError(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  readonly #onClose = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#queue = [];
    this.#ws.off('message', this.#onMessage);
    // #onError stays: a late 'error' from ws must not become an uncaught exception
    this.emit('close');
  };
}
