/**
 * JSON-RPC 2.0 framing as Core Lightning speaks it over its UNIX socket:
 * requests are JSON values written back to back (no delimiter required),
 * responses are JSON objects each terminated by "\n\n".
 *
 * `JsonStreamScanner` splits a byte stream into complete top-level JSON texts
 * incrementally: it keeps its scan position between chunks (brace and string
 * aware), so a request split byte by byte costs O(total bytes), and it bounds
 * the buffer (default 16 MiB). It does not validate JSON: the caller
 * `JSON.parse`s each frame and answers -32700 on failure.
 *
 * Pure module: no sockets, no logger.
 */

/** JSON-RPC 2.0 error codes used here (Core Lightning uses the same). */
export const RpcCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  LIGHTNINGD: -1,
} as const;

export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export type RpcId = string | number | null;

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** One item out of the scanner: a complete JSON text, or garbage between values. */
export type Frame = { kind: 'json'; text: string } | { kind: 'garbage'; text: string };

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export class FrameTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request larger than ${limit} bytes`);
    this.name = 'FrameTooLargeError';
  }
}

/**
 * Incremental splitter of concatenated JSON values. Objects and arrays are
 * delimited by bracket depth (ignoring brackets inside strings); anything else
 * at top level (a bare scalar, stray text) is returned as `garbage` up to the
 * next whitespace or opening bracket, so the caller can answer -32700 and keep
 * the connection.
 */
export class JsonStreamScanner {
  private buf: Buffer = Buffer.alloc(0);
  /** Scan position inside `buf` of the value being scanned. */
  private pos = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Whether the value under scan is a bracketed one (else garbage). */
  private mode: 'idle' | 'value' | 'garbage' = 'idle';

  constructor(private readonly maxBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes held that do not yet form a complete frame. */
  get pending(): number {
    return this.buf.length;
  }

  /** Feed a chunk; returns the frames completed by it. Throws FrameTooLargeError past the bound. */
  push(chunk: Uint8Array): Frame[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    let start = 0;
    const b = this.buf;
    while (this.pos < b.length) {
      const c = b[this.pos] as number;
      if (this.mode === 'idle') {
        if (isSpace(c)) {
          this.pos++;
          start = this.pos;
          continue;
        }
        start = this.pos;
        this.mode = c === OPEN_BRACE || c === OPEN_BRACKET ? 'value' : 'garbage';
        this.depth = 0;
        this.inString = false;
        this.escaped = false;
      }
      if (this.mode === 'garbage') {
        if (isSpace(c) || c === OPEN_BRACE || c === OPEN_BRACKET) {
          frames.push({ kind: 'garbage', text: b.toString('utf8', start, this.pos) });
          this.mode = 'idle';
          start = this.pos;
          continue;
        }
        this.pos++;
        continue;
      }
      // mode === 'value'
      this.pos++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          frames.push({ kind: 'json', text: b.toString('utf8', start, this.pos) });
          this.mode = 'idle';
          start = this.pos;
        }
      }
    }
    // Keep only the unfinished part; rebase the scan position onto it.
    if (this.mode === 'idle') {
      this.buf = Buffer.alloc(0);
      this.pos = 0;
    } else if (start > 0) {
      this.buf = this.buf.subarray(start);
      this.pos -= start;
    }
    if (this.buf.length > this.maxBytes) {
      this.reset();
      throw new FrameTooLargeError(this.maxBytes);
    }
    return frames;
  }

  /** Whatever is left unfinished at end of stream (stray text counts as garbage). */
  end(): Frame[] {
    if (this.mode === 'garbage' && this.buf.length > 0) {
      const text = this.buf.toString('utf8');
      this.reset();
      return [{ kind: 'garbage', text }];
    }
    this.reset();
    return [];
  }

  private reset(): void {
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.mode = 'idle';
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}

/**
 * A validated request. Like Core Lightning, an `id` is required (a request
 * without one is answered -32600 rather than treated as a notification).
 */
export interface RpcRequest {
  id: RpcId;
  method: string;
  params: unknown;
}

export type ParsedRequest =
  | { ok: true; request: RpcRequest }
  | { ok: false; id: RpcId; error: RpcErrorObject };

function isValidId(v: unknown): v is RpcId {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/** JSON.parse one frame and check the JSON-RPC 2.0 request shape. */
export function parseRequest(text: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, id: null, error: { code: RpcCode.PARSE_ERROR, message: `Parse error: ${(e as Error).message}` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, id: null, error: { code: RpcCode.INVALID_REQUEST, message: 'Invalid request: expected a JSON object' } };
  }
  const obj = value as Record<string, unknown>;
  const id = 'id' in obj && isValidId(obj.id) ? obj.id : null;
  if ('id' in obj && !isValidId(obj.id)) {
    return { ok: false, id: null, error: { code: RpcCode.INVALID_REQUEST, message: 'Invalid request: id must be a string, a number or null' } };
  }
  if ('jsonrpc' in obj && obj.jsonrpc !== '2.0') {
    return { ok: false, id, error: { code: RpcCode.INVALID_REQUEST, message: 'Invalid request: jsonrpc must be "2.0"' } };
  }
  if (typeof obj.method !== 'string') {
    return { ok: false, id, error: { code: RpcCode.INVALID_REQUEST, message: 'Invalid request: method must be a string' } };
  }
  if (!('id' in obj)) {
    return { ok: false, id: null, error: { code: RpcCode.INVALID_REQUEST, message: 'Invalid request: No id' } };
  }
  return { ok: true, request: { id, method: obj.method, params: obj.params } };
}

/** Core Lightning terminates every response object with a blank line. */
export const RESPONSE_TERMINATOR = '\n\n';

export function encodeResult(id: RpcId, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result }) + RESPONSE_TERMINATOR;
}

export function encodeError(id: RpcId, error: RpcErrorObject): string {
  const err: RpcErrorObject =
    error.data === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, data: error.data };
  return JSON.stringify({ jsonrpc: '2.0', id, error: err }) + RESPONSE_TERMINATOR;
}

export function encodeRequest(id: RpcId, method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params });
}
