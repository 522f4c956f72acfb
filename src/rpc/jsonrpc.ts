/**
 * JSON-RPC 2.0 framing as Core Lightning speaks it over its UNIX socket:
 * requests are JSON values written back to back (no delimiter required),
 * responses are JSON objects each terminated by "\n\n".
 *
 * The stream is split by `JsonStreamScanner` (json-stream.ts); this module
 * checks and encodes single messages. Error texts quote client text through
 * `capEcho` (100 characters then `…`), and a request `id` longer than
 * `DEFAULT_MAX_ID_CHARS` is refused rather than echoed back.
 *
 * Pure module: no sockets, no logger.
 */
import { capEcho } from './echo.js';

export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_FRAME_BYTES, JsonStreamScanner } from './json-stream.js';
export type { Frame } from './json-stream.js';

/** JSON-RPC 2.0 error codes used here (Core Lightning uses the same). */
export const RpcCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  LIGHTNINGD: -1,
} as const;

export type RpcId = string | number | null;

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * A validated request. Like Core Lightning, `id`, `jsonrpc: "2.0"`, `method`
 * and `params` are required (a request without an id is answered -32600
 * rather than treated as a notification).
 */
export interface RpcRequest {
  id: RpcId;
  method: string;
  params: unknown;
}

export type ParsedRequest =
  | { ok: true; request: RpcRequest }
  | { ok: false; id: RpcId; error: RpcErrorObject };

/** Longest string `id` echoed back; a longer one is an invalid request. */
export const DEFAULT_MAX_ID_CHARS = 1024;

function isValidId(v: unknown): v is RpcId {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/** JSON.parse one frame and check the JSON-RPC 2.0 request shape. */
export function parseRequest(text: string, maxIdChars: number = DEFAULT_MAX_ID_CHARS): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, id: null, error: { code: RpcCode.PARSE_ERROR, message: `Parse error: ${capEcho((e as Error).message, 200)}` } };
  }
  // Core Lightning's checks and texts, in its order (lightningd/jsonrpc.c parse_request).
  const malformed = (message: string, at: RpcId = null): ParsedRequest => ({ ok: false, id: at, error: { code: RpcCode.INVALID_REQUEST, message } });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return malformed('Expected {} for json command');
  const obj = value as Record<string, unknown>;
  if (!('id' in obj)) return malformed('No id');
  if (!isValidId(obj.id)) return malformed('Expected string/primitive for id');
  const id = obj.id;
  if (typeof id === 'string' && id.length > maxIdChars) return malformed(`Invalid request: id longer than ${maxIdChars} characters`);
  if (obj.jsonrpc !== '2.0') return malformed('jsonrpc: "2.0" must be specified in the request');
  if (!('method' in obj)) return malformed('No method', id);
  if (!('params' in obj)) return malformed('No params', id);
  if (typeof obj.method !== 'string') return malformed('Expected string for method', id);
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
