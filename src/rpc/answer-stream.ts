/**
 * Splitting lnconnectd's answer stream on the client side: JSON objects each
 * terminated by "\n\n" (Core Lightning's framing; JSON.stringify never emits a
 * raw newline, so the terminator cannot occur inside an answer).
 *
 * Answers have no bound of their own: `listpeers` on a big node may be tens
 * of MiB. The only limit is the runtime's longest string
 * (`buffer.constants.MAX_STRING_LENGTH`, ~512 MiB on 64-bit Node), past which
 * an answer could not be decoded anyway; it is reported as
 * `AnswerTooLargeError`, distinct from the server's "request larger than"
 * text. Linear: each byte is searched once, the unfinished answer grows by
 * doubling. Pure module.
 */
import { constants } from 'node:buffer';

export const DEFAULT_MAX_ANSWER_BYTES = constants.MAX_STRING_LENGTH;

/** The daemon was reached but sent something this client cannot use. */
export class BadAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadAnswerError';
  }
}

/** The daemon sent an answer this client cannot hold. */
export class AnswerTooLargeError extends BadAnswerError {
  constructor(readonly limit: number) {
    super(`answer from lnconnectd larger than ${limit} bytes`);
    this.name = 'AnswerTooLargeError';
  }
}

const EMPTY = Buffer.alloc(0);

export class AnswerStream {
  private acc: Buffer = EMPTY;
  private accLen = 0;
  /** Bytes of `acc` already searched for a terminator. */
  private searched = 0;

  constructor(private readonly maxBytes: number = DEFAULT_MAX_ANSWER_BYTES) {}

  /** Bytes held of an unfinished answer. */
  get pending(): number {
    return this.accLen;
  }

  /** Feed a chunk; returns the answer texts it completed. Throws AnswerTooLargeError past the bound. */
  push(chunk: Uint8Array): string[] {
    this.append(chunk);
    const out: string[] = [];
    let start = 0;
    let from = Math.max(this.searched - 1, 0); // a terminator may straddle two chunks
    const view = this.acc.subarray(0, this.accLen);
    for (;;) {
      const i = view.indexOf('\n\n', from);
      if (i < 0) break;
      const text = view.toString('utf8', start, i);
      if (text.trim() !== '') out.push(text);
      start = from = i + 2;
    }
    if (start > 0) {
      this.acc.copyWithin(0, start, this.accLen); // only the tail after the last answer moves
      this.accLen -= start;
    }
    this.searched = this.accLen;
    if (this.accLen > this.maxBytes) {
      this.acc = EMPTY;
      this.accLen = this.searched = 0;
      throw new AnswerTooLargeError(this.maxBytes);
    }
    if (this.accLen === 0 && this.acc.length > 64 * 1024) this.acc = EMPTY; // do not keep a big buffer idle
    return out;
  }

  private append(chunk: Uint8Array): void {
    const need = this.accLen + chunk.length;
    if (need > this.acc.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 1024, Math.min(2 * this.acc.length, this.maxBytes + 64 * 1024)));
      this.acc.copy(grown, 0, 0, this.accLen);
      this.acc = grown;
    }
    this.acc.set(chunk, this.accLen);
    this.accLen = need;
  }
}
