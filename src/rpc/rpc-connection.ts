/**
 * One client connection of lnconnectd's JSON-RPC server: framing, protocol
 * errors and flow control; the server handles the valid requests.
 *
 * Bounds on what a local client can make the daemon hold (STYLE habit 18,
 * issue 11 items 5 and 6):
 *  - Output: answers are written as they finish; while the socket's queued
 *    output passes `maxOutputBytes`, or `maxInflight` requests are running,
 *    reading stops (the socket is paused) and the frames already scanned wait
 *    (at most one read's worth); 'drain' or a finished request resumes it. A
 *    client that never reads its answers therefore costs about one bound of
 *    memory, not the sum of its requests' answers.
 *  - Input: the scanner is linear and bounds a frame's bytes and depth.
 *  - After a frame that cannot be parsed (-32700: invalid JSON, stray text,
 *    nesting too deep) or one too large (-32600), ONE error is answered,
 *    reading stops for good, the answers of requests already running are
 *    still sent, then the connection is closed. A frame that parses but is
 *    not a valid request (-32600) is answered and the connection kept.
 *
 * End of stream from the client means it went away (as before: its running
 * requests are aborted through `signal`). `closeGraceMs` bounds how long a
 * connection ended after an error may linger for a client that never reads.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { JsonStreamScanner, RpcCode, encodeError, parseRequest } from './jsonrpc.js';
import type { Frame, RpcErrorObject, RpcRequest } from './jsonrpc.js';

export interface ConnectionLimits {
  maxFrameBytes: number;
  maxDepth: number;
  maxIdChars: number;
  maxOutputBytes: number;
  maxInflight: number;
  closeGraceMs: number;
}

/** Runs a valid request; the returned promise settles once its answer is sent. */
export type RequestHandler = (request: RpcRequest, text: string, conn: RpcConnection) => Promise<void>;

export class RpcConnection {
  private readonly scanner: JsonStreamScanner;
  private readonly abort = new AbortController();
  private queue: Frame[] = [];
  private next = 0;
  private inflight = 0;
  /** A fatal frame was answered: nothing more is read. */
  private failing = false;
  private readEnded = false;
  private ended = false;
  private paused = false;
  private grace: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly onRequest: RequestHandler,
    private readonly log?: Logger,
  ) {
    this.scanner = new JsonStreamScanner(limits.maxFrameBytes, limits.maxDepth);
    socket.on('data', (chunk: Buffer) => {
      if (this.failing) return;
      for (const f of this.scanner.push(chunk)) this.queue.push(f);
      this.pump();
    });
    socket.on('end', () => {
      this.readEnded = true; // not half-open: node ends our side too, and 'close' aborts what runs
      this.queue = [];
      this.next = 0;
    });
    socket.on('drain', () => this.pump());
    socket.on('finish', () => {
      if (this.failing) socket.destroy(); // the error is out; do not wait for a client that keeps writing
    });
    socket.on('error', (e) => log?.debug({ err: e.message }, 'RPC client connection error'));
    socket.on('close', () => {
      clearTimeout(this.grace);
      this.abort.abort();
    });
  }

  /** Aborted when the client goes away. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Write one encoded answer (dropped if the connection is gone). */
  send(answer: string): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(answer);
    if (this.blocked()) this.pause();
  }

  private blocked(): boolean {
    return this.socket.writableLength > this.limits.maxOutputBytes || this.inflight >= this.limits.maxInflight;
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
    this.log?.debug({ queuedBytes: this.socket.writableLength, inflight: this.inflight }, 'RPC client behind on its answers: reading paused');
  }

  /** Handle queued frames while the client keeps up; then read on, or end. */
  private pump(): void {
    while (this.next < this.queue.length && !this.failing) {
      if (this.socket.destroyed) return;
      if (this.blocked()) return this.pause();
      this.dispatch(this.queue[this.next++] as Frame);
    }
    this.queue = [];
    this.next = 0;
    if (this.failing) {
      this.maybeEnd();
    } else if (this.paused && !this.blocked()) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private dispatch(f: Frame): void {
    switch (f.kind) {
      case 'json': {
        const parsed = parseRequest(f.text, this.limits.maxIdChars);
        if (parsed.ok) return this.run(parsed.request, f.text);
        if (parsed.error.code === RpcCode.PARSE_ERROR) return this.fail(parsed.id, parsed.error);
        this.log?.debug({ code: parsed.error.code }, 'Invalid RPC request');
        return this.send(encodeError(parsed.id, parsed.error));
      }
      case 'garbage': {
        const parsed = parseRequest(f.text);
        if (!parsed.ok) return this.fail(null, parsed.error);
        return this.fail(null, { code: RpcCode.PARSE_ERROR, message: 'Parse error: expected a JSON object' });
      }
      case 'too-large':
        return this.fail(null, { code: RpcCode.INVALID_REQUEST, message: `Invalid request: request larger than ${f.limit} bytes` });
      case 'too-deep':
        return this.fail(null, { code: RpcCode.PARSE_ERROR, message: `Parse error: nesting deeper than ${f.limit} levels` });
    }
  }

  private run(request: RpcRequest, text: string): void {
    this.inflight++;
    this.onRequest(request, text, this)
      .catch((e: unknown) => this.log?.error({ err: e }, 'RPC handler failed'))
      .finally(() => {
        this.inflight--;
        this.pump();
      });
  }

  /** Answer one fatal error, stop reading for good, close once running requests have answered. */
  private fail(id: RpcRequest['id'], error: RpcErrorObject): void {
    this.log?.debug({ code: error.code, message: error.message }, 'Unreadable RPC request: answered once, closing the connection');
    this.send(encodeError(id, error));
    this.failing = true;
    this.queue = [];
    this.next = 0;
    this.socket.pause();
    this.paused = true;
  }

  private maybeEnd(): void {
    if (this.ended || this.inflight > 0 || this.socket.destroyed || this.readEnded) return;
    this.ended = true;
    this.socket.end();
    this.grace = setTimeout(() => this.socket.destroy(), this.limits.closeGraceMs);
    this.grace.unref();
  }
}
