/**
 * Splitting a JSON-RPC request stream into JSON texts, as Core Lightning's
 * `lightning-rpc` socket takes them: JSON values written back to back, no
 * delimiter required.
 *
 * `JsonStreamScanner` is incremental and linear: each byte is looked at once
 * (brace, string and escape state survive between chunks; inside strings a
 * native search jumps to the next quote or backslash), a frame that ends
 * in the chunk it started in is decoded straight from that chunk, and only the
 * unfinished tail of a frame is copied, into a buffer that grows by doubling
 * (never re-concatenating what is already held). It bounds what a client can
 * make it hold: the bytes of one frame (`maxBytes`, default 16 MiB), the
 * nesting depth (`maxDepth`, default 256: a 100k-deep `[[[…` is refused here,
 * before JSON.parse or JSON.stringify can recurse on it), and the bytes kept
 * of stray top-level text (`GARBAGE_KEEP_BYTES`, never carried across chunks). Past a bound it reports one
 * `too-large` / `too-deep` frame and ignores everything after it: the caller
 * answers once and closes.
 *
 * It does not validate JSON: the caller `JSON.parse`s each `json` frame.
 * Pure module: no sockets, no logger.
 */

export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 256;
/** How much of a stray top-level word is kept (enough to quote 100 characters of UTF-8). */
export const GARBAGE_KEEP_BYTES = 512;

/**
 * One item out of the scanner: a complete JSON object or array; stray
 * top-level text (a bare scalar, a garbage word), reported as soon as it is
 * seen with what has arrived of it up to the next whitespace or bracket (at
 * most `GARBAGE_KEEP_BYTES`; the rest of the word is skipped); or the frame
 * that broke a bound (always the last one).
 */
export type Frame =
  | { kind: 'json'; text: string }
  | { kind: 'garbage'; text: string }
  | { kind: 'too-large'; limit: number }
  | { kind: 'too-deep'; limit: number };

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

const enum Mode {
  Idle,
  Value,
  Garbage,
  /** The rest of a garbage word already reported. */
  SkipGarbage,
  /** A bound was broken: everything is ignored. */
  Failed,
}

const EMPTY = Buffer.alloc(0);

/** Index of `byte` in `b` from `from`, or `b.length`. */
function find(b: Buffer, byte: number, from: number): number {
  const j = b.indexOf(byte, from);
  return j < 0 ? b.length : j;
}

export class JsonStreamScanner {
  private mode = Mode.Idle;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Carried bytes of the unfinished frame: `acc[0, accLen)`. */
  private acc: Buffer = EMPTY;
  private accLen = 0;

  constructor(
    private readonly maxBytes: number = DEFAULT_MAX_FRAME_BYTES,
    private readonly maxDepth: number = DEFAULT_MAX_DEPTH,
  ) {}

  /** Bytes held that do not yet form a complete frame. */
  get pending(): number {
    return this.accLen;
  }

  /** Whether a bound was broken (every later push returns nothing). */
  get failed(): boolean {
    return this.mode === Mode.Failed;
  }

  /** Feed a chunk; returns the frames completed by it, in order. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    if (this.mode === Mode.Failed) return frames;
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = b.length;
    let { mode, depth, inString, escaped } = this;
    let start = 0; // where the current frame's bytes begin in this chunk (0 when carried)
    let i = 0;
    let nextQuote = -1;
    let nextBackslash = -1;
    while (i < n) {
      const c = b[i] as number;
      if (mode === Mode.Idle) {
        if (isSpace(c)) {
          i++;
          continue;
        }
        start = i++;
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          mode = Mode.Value;
          depth = 1;
          inString = false;
          escaped = false;
        } else {
          mode = Mode.Garbage;
        }
        continue;
      }
      if (mode === Mode.Garbage || mode === Mode.SkipGarbage) {
        if (isSpace(c) || c === OPEN_BRACE || c === OPEN_BRACKET) {
          if (mode === Mode.Garbage) frames.push({ kind: 'garbage', text: b.toString('utf8', start, i) });
          mode = Mode.Idle; // the bracket is looked at again, as the start of a value
          continue;
        }
        i++;
        if (mode === Mode.Garbage && i - start >= GARBAGE_KEEP_BYTES) {
          frames.push({ kind: 'garbage', text: b.toString('utf8', start, i) });
          mode = Mode.SkipGarbage;
        }
        continue;
      }
      // Mode.Value
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        // Jump to the next quote or backslash with a native search; each position is
        // searched at most once per chunk, since a found one is kept until passed.
        if (nextQuote < i) nextQuote = find(b, QUOTE, i);
        if (nextBackslash < i) nextBackslash = find(b, BACKSLASH, i);
        if (nextBackslash < nextQuote) {
          escaped = true;
          i = nextBackslash + 1;
        } else if (nextQuote < n) {
          inString = false;
          i = nextQuote + 1;
        } else {
          i = n;
        }
        continue;
      }
      i++;
      if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++depth > this.maxDepth) return this.fail(frames, { kind: 'too-deep', limit: this.maxDepth });
      } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) {
        if (this.accLen + i - start > this.maxBytes) return this.fail(frames, { kind: 'too-large', limit: this.maxBytes });
        frames.push({ kind: 'json', text: this.take(b, start, i) });
        mode = Mode.Idle;
      }
    }
    if (mode === Mode.Value) {
      if (this.accLen + n - start > this.maxBytes) return this.fail(frames, { kind: 'too-large', limit: this.maxBytes });
      this.carry(b, start, n);
    } else if (mode === Mode.Garbage) {
      // Report stray text now rather than wait for the end of a word that may never come.
      frames.push({ kind: 'garbage', text: b.toString('utf8', start, n) });
      mode = Mode.SkipGarbage;
    }
    this.mode = mode;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return frames;
  }

  /** End of stream: half a value is dropped. */
  end(): void {
    this.release();
    if (this.mode !== Mode.Failed) this.mode = Mode.Idle;
  }

  private fail(frames: Frame[], last: Frame): Frame[] {
    frames.push(last);
    this.release();
    this.mode = Mode.Failed;
    return frames;
  }

  /** The frame made of the carried bytes and `b[start, end)`; the carry is released. */
  private take(b: Buffer, start: number, end: number): string {
    if (this.accLen === 0) return b.toString('utf8', start, end);
    this.carry(b, start, end);
    const text = this.acc.toString('utf8', 0, this.accLen);
    this.release();
    return text;
  }

  /** Append `b[start, end)` to the carry, doubling its capacity when full (amortised O(1) per byte). */
  private carry(b: Buffer, start: number, end: number): void {
    const len = end - start;
    if (len <= 0) return;
    if (this.accLen + len > this.acc.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.acc.length, this.accLen + len, 1024));
      this.acc.copy(grown, 0, 0, this.accLen);
      this.acc = grown;
    }
    b.copy(this.acc, this.accLen, start, end);
    this.accLen += len;
  }

  private release(): void {
    this.acc = EMPTY;
    this.accLen = 0;
  }
}
