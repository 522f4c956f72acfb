/**
 * A connected socket (any ByteStream: TCP, UNIX, WebSocket) seen by a
 * sans-io protocol driver (the BOLT 8 handshake and transport, BOLT 1
 * messages): bytes in through `onData`, bytes out through `write`, one close
 * notification. Owns the two resource rules of the
 * shell: (1) a remote that does not read must not make us buffer without
 * bound — past `highWaterMark` queued bytes the owner is told (`onPressure`)
 * so it can stop producing or disconnect, and past `maxBuffered` the channel
 * destroys itself; (2) a consumer that cannot keep up pauses reading.
 *
 * Idempotent: close/destroy may be called any number of times; `onClose`
 * runs exactly once, with the socket's error if it died of one (EOF, a local
 * close or destroy give no error).
 */
import type { ByteStream } from './byte-stream.js';

export interface ChannelHandlers {
  onData(chunk: Buffer): void;
  /** The remote half-closed (EOF). `onClose` follows. */
  onEnd?(): void;
  /** Exactly once. `error` is the socket's error (ECONNRESET…) or the overflow error. */
  onClose(error?: Error): void;
  /** `true` when queued output rose above the high-water mark, `false` when it drained below. */
  onPressure?(over: boolean): void;
}

export interface ChannelOptions {
  /** Queued output bytes above which the owner is told to stop producing. Default 1 MiB. */
  highWaterMark?: number;
  /** Queued output bytes above which the channel destroys itself. Default 16 MiB. */
  maxBuffered?: number;
  /** How long a graceful close may wait for the queue to flush before destroying. Default 5 s. */
  closeTimeoutMs?: number;
}

/** The error `onClose` receives when the remote stopped reading for too long. */
export class WriteOverflowError extends Error {
  constructor(readonly buffered: number) {
    super(`peer is not reading: ${buffered} bytes queued`);
    this.name = 'WriteOverflowError';
  }
}

export class SocketChannel {
  readonly socket: ByteStream;
  private readonly handlers: ChannelHandlers;
  private readonly highWaterMark: number;
  private readonly maxBuffered: number;
  private readonly closeTimeoutMs: number;
  private over = false;
  private closed = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private error: Error | undefined;

  constructor(socket: ByteStream, handlers: ChannelHandlers, opts: ChannelOptions = {}) {
    this.socket = socket;
    this.handlers = handlers;
    // Never below the socket's own mark: being over ours must imply a pending 'drain'.
    this.highWaterMark = Math.max(opts.highWaterMark ?? 1024 * 1024, socket.writableHighWaterMark);
    this.maxBuffered = opts.maxBuffered ?? 16 * 1024 * 1024;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 5000;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('drain', this.onDrain);
    socket.once('close', this.onSocketClose);
    if (socket.destroyed) queueMicrotask(this.onSocketClose);
    else socket.resume(); // dial() may hand over a paused socket
  }

  /** True while the remote has not read what we queued (above the high-water mark). */
  get pressured(): boolean {
    return this.over;
  }

  /** True while reading is paused by the consumer. */
  get paused(): boolean {
    return this.socket.isPaused();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes queued in the socket, not yet taken by the kernel. */
  get buffered(): number {
    return this.socket.writableLength;
  }

  /**
   * Queue bytes. Returns false when the caller should stop producing (above
   * the high-water mark, or the channel is closing/closed: bytes dropped).
   */
  write(bytes: Uint8Array): boolean {
    if (this.closed || this.socket.destroyed || this.socket.writableEnded) return false;
    this.socket.write(bytes);
    const queued = this.socket.writableLength;
    if (queued > this.maxBuffered) {
      this.destroy(new WriteOverflowError(queued));
      return false;
    }
    if (queued > this.highWaterMark) {
      if (!this.over) {
        this.over = true;
        this.handlers.onPressure?.(true);
      }
      return false;
    }
    return true;
  }

  /** Resolves once queued output is below the high-water mark, or the channel closed. */
  drained(): Promise<void> {
    if (!this.over || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', check);
        this.socket.off('close', done);
        resolve();
      };
      const check = (): void => {
        if (!this.over) done();
      };
      this.socket.on('drain', check);
      this.socket.once('close', done);
    });
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.closed) this.socket.resume();
  }

  /** Graceful close: flush what is queued, send FIN; destroy if that takes longer than closeTimeoutMs. */
  close(): void {
    if (this.closed || this.socket.destroyed) return;
    if (!this.socket.writableEnded) this.socket.end();
    if (this.closeTimer === undefined) {
      this.closeTimer = setTimeout(() => this.socket.destroy(), this.closeTimeoutMs);
      this.closeTimer.unref();
    }
  }

  /** Immediate close; `error` is passed to onClose. */
  destroy(error?: Error): void {
    if (this.closed) return;
    if (error !== undefined && this.error === undefined) this.error = error;
    this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.closed) this.handlers.onData(chunk);
  };

  private readonly onEnd = (): void => {
    if (!this.closed) this.handlers.onEnd?.();
  };

  private readonly onError = (err: Error): void => {
    this.error ??= err;
  };

  private readonly onDrain = (): void => {
    if (this.over && this.socket.writableLength <= this.highWaterMark) {
      this.over = false;
      this.handlers.onPressure?.(false);
    }
  };

  private readonly onSocketClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('drain', this.onDrain);
    this.socket.off('close', this.onSocketClose);
    // keep onError attached: a late 'error' must not become an uncaught exception
    this.handlers.onClose(this.error);
  };
}
